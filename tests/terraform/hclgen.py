"""Hypothesis strategies that write HCL native syntax: every construct of the
expression grammar, nested, with odd spacing, comments and heredocs.

`configs(splats_and_directives=False)` keeps to what python-hcl2's tree
models, for the differential test; with True it also writes splats and
template directives, which only our parser types (the position property
checks those).
"""

from __future__ import annotations

from hypothesis import strategies as st

# ASCII names only: python-hcl2 reads no others (Terraform does; test_hclparse has a case)
NAMES = st.sampled_from(["a", "b", "foo", "bar_baz", "x-y", "var", "local", "each", "count", "_u", "in", "if"])
# blanks that may stand between two tokens anywhere (an inline comment counts
# as a blank), and blanks inside brackets, where newlines and line comments are
# allowed too.  python-hcl2 mistakes inline comments for newlines, so the
# differential test (extra=False) writes them only where a newline may go.
_SPACES = ["", " ", "  ", "\t"]
_BSPACES = ["", " ", "\n", "\n    ", " # note\n", " // note\n  ", "\t"]
SPACE = st.sampled_from(_SPACES)
BSPACE = st.sampled_from(_BSPACES)
XSPACE = st.sampled_from([*_SPACES, " /* c */ "])
XBSPACE = st.sampled_from([*_BSPACES, " /* multi\nline */ "])
# `$${x}` with its brace: python-hcl2 reads `$${` up to the next `}` as one
# escape, so `"$${${0}"` would differ (Terraform gives "${0", as we do).
TEXT = st.lists(
    st.sampled_from(
        [*"abc XYZ-_.:/*é☃", "\\n", "\\t", '\\"', "\\\\", "\\u00e9", "\\U0001F600", "$${x}", "%%{x}", "$", "%"]
    ),
    max_size=8,
).map("".join)
BINOPS = st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"])


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**6).map(str),
        st.sampled_from(["1.5", "0.25", "2e3", "1.5E-2", "10e+2"]),
        st.sampled_from(["true", "false", "null"]),
        NAMES,
        NAMES.map(lambda n: f"var.{n}"),
        TEXT.map(lambda t: f'"{t}"'),
    )


def _wrap(draw: st.DrawFn, children: st.SearchStrategy[str], extra: bool) -> str:
    kind = draw(st.integers(0, 13 if extra else 11))
    SPACE, BSPACE = (XSPACE, XBSPACE) if extra else (globals()["SPACE"], globals()["BSPACE"])  # noqa: N806
    sp, bs = draw(SPACE), draw(BSPACE)
    if kind == 0:
        items = draw(st.lists(children, max_size=3))
        trail = draw(st.sampled_from(["", ","])) if items else ""
        return "[" + bs + ("," + draw(BSPACE)).join(items) + trail + draw(BSPACE) + "]"
    if kind == 1:
        items = draw(
            st.lists(
                st.tuples(st.one_of(NAMES, TEXT.map(lambda t: f'"{t}"'), NAMES.map(lambda n: f"({n})")), children),
                max_size=3,
            )
        )
        seps = [draw(st.sampled_from([",", "\n", ",\n", " # c\n"])) for _ in items]
        body = "".join(
            f"{draw(SPACE)}{k}{draw(SPACE)}{draw(st.sampled_from(['=', ':']))}{sp}{v}{s}"
            for (k, v), s in zip(items, seps, strict=True)
        )
        return "{" + draw(st.sampled_from(["", "\n"])) + body + "}"
    if kind == 2:
        args = draw(st.lists(children, max_size=3))
        expand = "..." if args and draw(st.booleans()) else ""
        name = draw(st.sampled_from(["f", "lookup", "provider::aws::arn_parse"]))
        return name + "(" + bs + ("," + draw(BSPACE)).join(args) + expand + draw(BSPACE) + ")"
    if kind == 3:
        return draw(children) + sp + draw(BINOPS) + draw(SPACE) + draw(children)
    if kind == 4:
        return draw(st.sampled_from(["!", "-"])) + draw(children)
    if kind == 5:
        return (
            draw(children) + sp + "?" + draw(SPACE) + draw(children) + draw(SPACE) + ":" + draw(SPACE) + draw(children)
        )
    if kind == 6:
        return "(" + bs + draw(children) + draw(BSPACE) + ")"
    if kind == 7:
        return "(" + draw(children) + ")." + draw(NAMES) + draw(st.sampled_from(["", ".0", "[1]", '["k"]', ".name"]))
    if kind == 8:
        return draw(NAMES) + "[" + bs + draw(children) + draw(BSPACE) + "]"
    if kind == 9:
        cond = " if " + draw(children) if draw(st.booleans()) else ""
        if draw(st.booleans()):
            return "[for " + draw(NAMES) + " in " + draw(children) + " : " + draw(children) + cond + "]"
        group = "..." if draw(st.booleans()) else ""
        return "{for k, v in " + draw(children) + " : " + draw(children) + " => " + draw(children) + group + cond + "}"
    if kind == 10:
        strip = draw(st.sampled_from(["", "~"]))
        return '"' + draw(TEXT) + "${" + strip + sp + draw(children) + draw(SPACE) + strip + "}" + draw(TEXT) + '"'
    if kind == 11:
        return draw(NAMES) + "." + draw(NAMES) + draw(st.sampled_from(["", ".0", "[0]"]))
    if kind == 12:
        return (
            draw(NAMES) + draw(st.sampled_from(["[*]", ".*"])) + draw(st.sampled_from(["", ".id", ".a.b", "[0]", ".0"]))
        )
    s1, s2 = draw(st.sampled_from(["", "~"])), draw(st.sampled_from(["", "~"]))
    return (
        '"'
        + draw(TEXT)
        + "%{"
        + s1
        + " if "
        + draw(children)
        + " "
        + s2
        + "}"
        + draw(TEXT)
        + "%{ else }x%{"
        + s2
        + " endif "
        + s1
        + "}"
        + '"'
    )


def expressions(extra: bool = False) -> st.SearchStrategy[str]:
    return st.recursive(
        _leaf(), lambda children: st.composite(lambda draw: _wrap(draw, children, extra))(), max_leaves=12
    )


@st.composite
def heredoc(draw: st.DrawFn) -> str:
    trim = draw(st.booleans())
    marker = draw(st.sampled_from(["EOF", "EOT", "END_OF_TEXT"]))
    lines = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["", " ", "  ", "    ", "\t"]),
                st.sampled_from(["text", "a = 1", "${var.x}", "$${not}", "%%{no}", "", "{json: true}"]),
            ),
            max_size=5,
        )
    )
    close_indent = draw(st.sampled_from(["", "  "]))
    body = "".join(i + t + "\n" for i, t in lines)
    return f"<<{'-' if trim else ''}{marker}\n{body}{close_indent}{marker}\n"


@st.composite
def configs(draw: st.DrawFn, extra: bool = False) -> str:
    """A body of attributes and blocks (nested, one-line ones too)."""
    exprs = expressions(extra)

    def body(depth: int) -> str:
        out = []
        for i in range(draw(st.integers(0, 4))):
            pre = draw(st.sampled_from(["", "  ", "\n", "# comment\n", "// c\n", *(["/* c */ "] if extra else [])]))
            kind = draw(st.integers(0, 4 if depth < 2 else 1))
            # an argument may be set only once per body (Terraform refuses a second)
            name = draw(NAMES) + (f"_{i}" if kind < 2 else "")
            if kind == 0:
                sp = XSPACE if extra else SPACE
                out.append(
                    f"{pre}{name}{draw(sp)}={draw(sp)}{draw(exprs)}{draw(st.sampled_from(['', ' # trailing', ' // t']))}\n"
                )
            elif kind == 1:
                out.append(f"{pre}{name} = {draw(heredoc())}")
            elif kind == 2:
                out.append(f'{pre}{name} "label" {draw(NAMES)} {{\n{body(depth + 1)}}}\n')
            elif kind == 3:
                inner = f"{draw(NAMES)} = {draw(exprs)} " if draw(st.booleans()) else ""
                out.append(f"{pre}{name} {{ {inner}}}\n")
            else:
                out.append(f'{pre}{name} "a\\tb" "c\\u00e9" {{\n\n{body(depth + 1)}\n}}\n')
        return "".join(out)

    return body(0)
