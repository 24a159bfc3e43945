"""Our own lexer and recursive-descent parser for HCL native syntax.

Written from HashiCorp's HCL native syntax and template specifications so
that the package needs neither python-hcl2 nor lark at run time: both install
an `hcl2` import package that collides with checkov's fork, and python-hcl2
parsed at well under 1 MB/s, the slowest stage of a cold scan.  It builds the
typed tree of `hclast` directly, with the line and column of every node and
the source text of every expression.

Speed comes from the lexer: one compiled regular expression matches each
code token together with the blanks before it, and a plain quoted string
(no escapes, no `${`) is one token.  Template text is lexed in its own modes
(quoted, heredoc) with a stack, because a `${ ... }` inside a string holds
code that may hold strings again.

Where the two HCL documents leave a detail to the implementation (heredoc
indentation, where strip markers reach) we follow what Terraform accepts, as
`terraform console` shows; tests/terraform/test_hclparse.py holds the cases.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from checker.sources.terraform.hclast import (
    _MAX_INT_DIGITS,
    Attribute,
    BinOp,
    Block,
    Body,
    Call,
    Cond,
    Expr,
    ForExpr,
    GetAttr,
    HclSyntaxError,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Opaque,
    Splat,
    SplatItem,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    Unary,
)

# A token is (kind, start, end, value).  Kinds: "nl" (a newline or a line
# comment, which counts as one), "id", "num", "str" (a plain quoted string;
# value is its text), '"' / "cq" (open / close of a quoted template), "hd" /
# "hend" (open / close of a heredoc; the open's value is (marker, trim)),
# "lit" (template text; value is the text it stands for), "${" / "%{" (value:
# strip marker), "tend" (the `}` closing one; value: strip marker), "eof",
# and each operator or delimiter as its own kind.
Token = tuple[str, int, int, Any]

# Each alternative follows the blanks before it, so one match is one token.
# Groups, in order: newline or line comment, identifier, number, plain string,
# open quote, inline comment, unterminated inline comment, heredoc, operator.
_CODE = re.compile(
    r"[ \t\r]*(?:"
    r"(\n|#[^\n]*(?:\n|\Z)|//[^\n]*(?:\n|\Z))"
    r"|([^\W\d][\w-]*)"
    r"|(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r'|("[^"\\$%\r\n]*")'
    r'|(")'
    r"|(/\*(?:[^*]|\*(?!/))*\*/)"
    r"|(/\*)"
    r"|<<(-?)([^\W\d][\w-]*)\r?\n"
    r"|(\.\.\.|::|==|!=|<=|>=|=>|&&|\|\||~\}|[-+*/%<>=!?:,.()\[\]{}])"
    r")"
)
_G_NL, _G_ID, _G_NUM, _G_STR, _G_QUOTE, _G_COMMENT, _G_OPEN_COMMENT, _G_HD_TRIM, _G_HD, _G_OP = range(1, 11)
_BLANKS = re.compile(r"[ \t\r]*")
_QUOTED_TEXT = re.compile(r'[^"\\$%\r\n]+')
_HEREDOC_TEXT = re.compile(r"[^$%\n]+")
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_HEX = re.compile(r"[0-9a-fA-F]+")
# Unicode's white space (Go's unicode.IsSpace), which strip markers remove.
_SPACE = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"

# Contexts on the lexer's stack: [kind, brace depth, start, _] for a quoted
# string, an interpolation or a bare template; [kind, 0, marker, start] for a
# heredoc.  The depth counts `{` inside `${ }` so the right `}` closes it.
_Q, _H, _I, _B = 0, 1, 2, 3


class _Lines:
    """Offset -> (line, column), by bisecting the offsets of the newlines."""

    def __init__(self, src: str, line_offset: int) -> None:
        self.starts = [0]
        find = src.find
        i = find("\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = find("\n", i + 1)
        self.offset = line_offset

    def at(self, pos: int) -> tuple[int, int]:
        n = bisect_right(self.starts, pos)
        return n + self.offset, pos - self.starts[n - 1] + 1


def _describe(tok: Token, src: str) -> str:
    kind = tok[0]
    if kind == "eof":
        return "end of file"
    if kind == "nl":
        return "end of line" if src[tok[1] : tok[2]].strip() == "" else "a comment"
    if kind in ("str", '"'):
        return "a string"
    if kind == "hd":
        return "a heredoc"
    if kind == "num":
        return f"number {src[tok[1] : tok[2]]}"
    text = src[tok[1] : tok[2]].strip()
    return repr(text)


def _error(lines: _Lines, pos: int, message: str) -> HclSyntaxError:
    line, col = lines.at(pos)
    return HclSyntaxError(f"{message} (at column {col})", line, col)


def _escape(src: str, i: int, lines: _Lines) -> tuple[str, int]:
    """The character a backslash escape at `i` stands for, and where it ends."""
    c = src[i + 1 : i + 2]
    if c in _ESCAPES:
        return _ESCAPES[c], i + 2
    if c in ("u", "U"):
        width = 4 if c == "u" else 8
        m = _HEX.match(src, i + 2, i + 2 + width)
        if m is None or m.end() - m.start() != width:
            raise _error(lines, i, f"invalid escape \\{c}: it needs exactly {width} hexadecimal digits")
        code = int(m.group(), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise _error(lines, i, f"invalid escape {src[i : i + 2 + width]}: not a Unicode character")
        return chr(code), i + 2 + width
    shown = "a line break" if c in ("", "\n", "\r") else repr(c)
    raise _error(
        lines,
        i,
        f"invalid escape sequence: backslash before {shown}; "
        'a quoted string allows \\n \\r \\t \\" \\\\ \\uNNNN \\UNNNNNNNN (write \\\\ for a backslash)',
    )


def _text_mark(src: str, pos: int, c: str) -> tuple[str | None, int]:
    """At a `$` or `%` in template text: the text it stands for and where it
    ends (`$${` is `${`, a lone `$` itself), or None where `${` / `%{` opens
    a sequence."""
    nxt = src[pos + 1 : pos + 2]
    if nxt == "{":
        return None, pos
    if nxt == c and src[pos + 2 : pos + 3] == "{":
        return c + "{", pos + 3
    return c, pos + 1


def _open_sequence(src: str, pos: int, toks: list[Token], stack: list[list[Any]]) -> int:
    """The `${` / `%{` (with its strip marker) at `pos`; the code after it is
    lexed in an interpolation context until its own `}`."""
    strip = src[pos + 2 : pos + 3] == "~"
    end = pos + 3 if strip else pos + 2
    toks.append((src[pos] + "{", pos, end, strip))
    stack.append([_I, 0, pos, False])
    return end


def _lex(src: str, lines: _Lines, stack: list[list[Any]]) -> list[Token]:
    """The tokens of `src`, which is code (an empty `stack`) or a bare
    template (a stack holding one `_B` context)."""
    toks: list[Token] = []
    append = toks.append
    code = _CODE.match
    n = len(src)
    pos = 0
    mode = stack[-1][0] if stack else -1  # -1: top-level code
    line_start = True  # in a heredoc: at the start of a line
    while True:
        if mode == _Q:  # inside "...": text until ${, %{ or the closing quote
            start = pos
            chunks: list[str] = []
            while True:
                m = _QUOTED_TEXT.match(src, pos)
                if m is not None:
                    chunks.append(m.group())
                    pos = m.end()
                c = src[pos : pos + 1]
                if c == "\\":
                    ch, pos = _escape(src, pos, lines)
                    chunks.append(ch)
                elif c in ("$", "%"):
                    text, pos = _text_mark(src, pos, c)
                    if text is None:
                        break
                    chunks.append(text)
                elif c == '"':
                    break
                else:
                    top = stack[-1]
                    raise _error(
                        lines,
                        top[2],
                        "unterminated string: a quoted string must close with '\"' on the line it starts; "
                        "use a heredoc for text over several lines",
                    )
            if pos > start:
                append(("lit", start, pos, "".join(chunks)))
            if src[pos] == '"':
                append(("cq", pos, pos + 1, None))
                pos += 1
                stack.pop()
                mode = stack[-1][0] if stack else -1
                continue
            pos, mode = _open_sequence(src, pos, toks, stack), _I
            continue
        if mode in (_H, _B):  # a heredoc (one text token per line) or a bare template
            top = stack[-1]
            start = pos
            if line_start and mode == _H:
                eol = src.find("\n", pos)
                if eol >= 0 and src[pos:eol].strip() == top[2]:
                    append(("hend", pos, pos + len(src[pos:eol].rstrip()), None))
                    pos = eol  # the newline after the marker ends the attribute
                    stack.pop()
                    mode = stack[-1][0] if stack else -1
                    continue
            chunks = []
            while True:
                m = _HEREDOC_TEXT.match(src, pos)
                if m is not None:
                    chunks.append(m.group())
                    pos = m.end()
                c = src[pos : pos + 1]
                if c == "\n":
                    chunks.append(c)
                    pos += 1
                    line_start = True
                    break
                if c == "":
                    if mode == _B:
                        break
                    raise _error(
                        lines,
                        top[3],
                        f"unterminated heredoc: no line holding only {top[2]!r} closes it",
                    )
                text, pos = _text_mark(src, pos, c)
                if text is None:
                    line_start = False
                    break
                chunks.append(text)
            if pos > start:
                append(("lit", start, pos, "".join(chunks)))
            if pos >= n and mode == _B:
                append(("hend", n, n, None))
                stack.pop()
                mode = -1
                continue
            if not line_start:
                pos, mode = _open_sequence(src, pos, toks, stack), _I
            continue
        # code, at the top level or inside ${ } / %{ }
        m = code(src, pos)
        if m is None:
            pos = _BLANKS.match(src, pos).end()  # type: ignore[union-attr]
            if pos >= n:
                if stack:
                    top = stack[-1]
                    what = "'${' or '%{'" if top[0] == _I else "string"
                    raise _error(lines, top[2], f"unterminated {what}: no closing '}}' before the end of the file")
                break
            ch = src[pos]
            if ch == "~":
                raise _error(lines, pos, "a strip marker '~' must come right before the '}' that closes '${' or '%{'")
            raise _error(lines, pos, f"unexpected character {ch!r}")
        g = m.lastindex or 0
        if g == _G_ID:
            append(("id", m.start(g), m.end(), m.group(g)))
        elif g == _G_OP:
            op = m.group(g)
            s = m.start(g)
            if op == "}" or op == "~}":
                if mode == _I:
                    top = stack[-1]
                    if top[1] == 0:
                        append(("tend", s, m.end(), op == "~}"))
                        stack.pop()
                        pos = m.end()
                        mode = stack[-1][0] if stack else -1
                        if mode == _H:
                            line_start = False
                        continue
                    top[1] -= 1
                if op == "~}":
                    raise _error(lines, s, "a strip marker '~' belongs only before the '}' that closes '${' or '%{'")
            elif op == "{" and mode == _I:
                stack[-1][1] += 1
            append((op, s, m.end(), None))
        elif g == _G_NL:
            append(("nl", m.start(g), m.end(), None))
        elif g == _G_STR:
            s = m.start(g)
            append(("str", s, m.end(), m.group(g)[1:-1]))
        elif g == _G_NUM:
            append(("num", m.start(g), m.end(), m.group(g)))
        elif g == _G_COMMENT:
            pass
        elif g == _G_QUOTE:
            s = m.start(g)
            append(('"', s, s + 1, None))
            stack.append([_Q, 0, s, False])
            mode = _Q
        elif g == _G_HD:
            s = m.start(_G_HD_TRIM) - 2
            marker = m.group(g)
            append(("hd", s, m.end(), (marker, m.group(_G_HD_TRIM) == "-")))
            stack.append([_H, 0, marker, s])
            mode = _H
            line_start = True
        elif g == _G_OPEN_COMMENT:
            raise _error(lines, m.start(g), "unterminated comment: '/*' without a closing '*/'")
        pos = m.end()
    append(("eof", n, n, None))
    return toks


_PREC = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}
_WORDS: dict[str, Any] = {"true": True, "false": False, "null": None}
# Python's recursion limit would be met first on a long nesting; this limit
# keeps the failure the same wherever the parser is called from.
_MAX_DEPTH = 128


class _Parser:
    def __init__(self, src: str, toks: list[Token], lines: _Lines) -> None:
        self.src = src
        self.toks = toks
        self.lines = lines
        self.i = 0
        self.skip_nl = False
        self.depth = 0

    # --- tokens -------------------------------------------------------------

    def peek(self) -> Token:
        t = self.toks[self.i]
        if self.skip_nl and t[0] == "nl":
            i = self.i + 1
            while self.toks[i][0] == "nl":
                i += 1
            self.i = i
            t = self.toks[i]
        return t

    def fail(self, tok: Token, expected: str) -> HclSyntaxError:
        found = _describe(tok, self.src)
        return _error(self.lines, tok[1], f"expected {expected}, found {found}")

    def expect(self, kind: str, expected: str) -> Token:
        t = self.peek()
        if t[0] != kind:
            raise self.fail(t, expected)
        self.i += 1
        return t

    # --- structure ----------------------------------------------------------

    def body(self, end: str, opened: tuple[str, int] | None = None) -> Body:
        """Attributes and blocks up to `end`; `opened` names the block whose
        body this is, for the error when its `}` never comes."""
        toks = self.toks
        out: list[Attribute | Block] = []
        seen: dict[str, int] = {}
        while True:
            t = toks[self.i]
            kind = t[0]
            if kind == "nl":
                self.i += 1
                continue
            if kind == end:
                return tuple(out)
            if kind == "eof" and opened is not None:
                raise self.fail(t, f"'}}' closing the {opened[0]!r} block opened at line {opened[1]}")
            if kind != "id":
                what = "an attribute name, a block type or '}'" if end == "}" else "an attribute name or a block type"
                raise self.fail(t, what)
            self.i += 1
            nxt = toks[self.i]
            if nxt[0] == "=":
                self.i += 1
                attr = self.attribute(t)
                if attr.name in seen:
                    raise _error(
                        self.lines,
                        t[1],
                        f"the argument {attr.name!r} was already set at line {seen[attr.name]}; "
                        "each argument may be set only once",
                    )
                seen[attr.name] = attr.line
                out.append(attr)
                self.end_of_item(end, "the attribute's value")
            else:
                out.append(self.block(t))
                self.end_of_item(end, "a block's closing '}'")

    def end_of_item(self, end: str, what: str) -> None:
        t = self.toks[self.i]
        if t[0] == "nl":
            self.i += 1
        elif t[0] != "eof" and t[0] != end:
            raise self.fail(t, f"a new line after {what}")

    def attribute(self, name: Token) -> Attribute:
        line, col = self.lines.at(name[1])
        expr = self.expr()
        return Attribute(name[3], expr, line, col)

    def block(self, type_tok: Token) -> Block:
        labels: list[str] = []
        toks = self.toks
        while True:
            t = toks[self.i]
            kind = t[0]
            if kind == "{":
                break
            if kind == "id" or kind == "str":
                labels.append(t[3])
                self.i += 1
            elif kind == '"':
                labels.append(self.label_string())
            elif kind == "=" or (kind == "nl" and not labels):
                raise self.fail(t, f"'=' or a block body after {type_tok[3]!r}")
            else:
                raise self.fail(
                    t,
                    f"a block label or '{{' after {type_tok[3]!r}"
                    if labels
                    else f"'=' or a block's labels or '{{' after {type_tok[3]!r}",
                )
        self.i += 1
        line = self.lines.at(type_tok[1])[0]
        if toks[self.i][0] == "nl":
            body = self.body("}", (type_tok[3], line))
        else:  # a one-line block: at most one attribute
            t = toks[self.i]
            body = ()
            if t[0] == "id" and toks[self.i + 1][0] == "=":
                self.i += 2
                body = (self.attribute(t),)
            t = toks[self.i]
            if t[0] != "}":
                raise self.fail(t, "'}' closing a one-line block (which holds at most one attribute) or a new line")
        close = toks[self.i]
        self.i += 1
        return Block(type_tok[3], tuple(labels), body, line, self.lines.at(close[1])[0])

    def label_string(self) -> str:
        """A block label written with escapes: text only, no `${`."""
        toks = self.toks
        self.i += 1
        parts: list[str] = []
        while toks[self.i][0] == "lit":
            parts.append(toks[self.i][3])
            self.i += 1
        t = toks[self.i]
        if t[0] != "cq":
            raise self.fail(t, "the end of the block label (a label cannot hold '${' or '%{')")
        self.i += 1
        return "".join(parts)

    # --- expressions --------------------------------------------------------

    def expr(self) -> Expr:
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise RecursionError("HCL nested too deeply")
        start = self.peek()[1]
        e = self.binary(1)
        t = self.peek()
        if t[0] == "?":
            self.i += 1
            then = self.expr()
            self.expect(":", "':' between the two results of a conditional")
            other = self.expr()
            e = Cond(*self.lines.at(start), self.src[start : self._end()], e, then, other)
        self.depth -= 1
        return e

    def _end(self) -> int:
        """End offset of the last token consumed, newlines skipped over not counted."""
        toks, i = self.toks, self.i - 1
        while toks[i][0] == "nl":
            i -= 1
        return toks[i][2]

    def binary(self, min_prec: int) -> Expr:
        start = self.peek()[1]
        left = self.unary()
        prec = _PREC
        while True:
            t = self.peek()
            p = prec.get(t[0])
            if p is None or p < min_prec:
                return left
            self.i += 1
            right = self.binary(p + 1)
            left = BinOp(*self.lines.at(start), self.src[start : self._end()], t[0], left, right)

    def unary(self) -> Expr:
        t = self.peek()
        if t[0] == "-" or t[0] == "!":
            self.i += 1
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise RecursionError("HCL nested too deeply")
            first = self.i
            operand = self.unary()
            self.depth -= 1
            text = self.src[t[1] : self._end()]
            if t[0] == "-" and self.i == first + 1 and self.toks[first][0] == "num" and isinstance(operand, Lit):
                # `-1` is one number, as python-hcl2 and the evaluator read it.
                value = operand.value
                assert isinstance(value, (int, float))
                return Lit(*self.lines.at(t[1]), text, -value)
            return Unary(*self.lines.at(t[1]), text, t[0], operand)
        return self.postfix()

    def postfix(self) -> Expr:
        start = self.peek()[1]
        e = self.primary()
        toks = self.toks
        src = self.src
        while True:
            t = self.peek()
            kind = t[0]
            if kind == ".":
                self.i += 1
                nxt = toks[self.i]
                if nxt[0] == "id":
                    self.i += 1
                    e = GetAttr(*self.lines.at(start), src[start : nxt[2]], e, nxt[3])
                elif nxt[0] == "num" and nxt[3].isdigit():
                    self.i += 1
                    e = Index(*self.lines.at(start), src[start : nxt[2]], e, self.number(nxt))
                elif nxt[0] == "*":
                    self.i += 1
                    e = self.splat(e, start, t, False)
                else:
                    raise self.fail(nxt, "an attribute name, an index digit or '*' after '.'")
            elif kind == "[":
                self.i += 1
                if toks[self.i][0] == "*" and toks[self.i + 1][0] == "]":
                    self.i += 2
                    e = self.splat(e, start, t, True)
                    continue
                saved, self.skip_nl = self.skip_nl, True
                key = self.expr()
                close = self.expect("]", "']' closing the index")
                self.skip_nl = saved
                e = Index(*self.lines.at(start), src[start : close[2]], e, key)
            else:
                return e

    def splat(self, obj: Expr, start: int, op: Token, full: bool) -> Expr:
        """The traversal after `[*]` (attributes and indexes) or `.*`
        (attributes only), written over a `SplatItem`; its nodes' text and
        position start at the traversal's first `.` or `[`."""
        src = self.src
        item: Expr = SplatItem(*self.lines.at(op[1]), "")
        each = item
        toks = self.toks
        chain = -1
        while True:
            t = self.peek()
            if t[0] == ".":
                nxt = toks[self.i + 1]
                if nxt[0] == "id" or (full and nxt[0] == "num" and nxt[3].isdigit()):
                    chain = t[1] if chain < 0 else chain
                    self.i += 2
                    at = self.lines.at(chain)
                    if nxt[0] == "id":
                        each = GetAttr(*at, src[chain : nxt[2]], each, nxt[3])
                    else:
                        each = Index(*at, src[chain : nxt[2]], each, self.number(nxt))
                    continue
            elif t[0] == "[" and full and toks[self.i + 1][0] != "*":
                chain = t[1] if chain < 0 else chain
                self.i += 1
                saved, self.skip_nl = self.skip_nl, True
                key = self.expr()
                close = self.expect("]", "']' closing the index")
                self.skip_nl = saved
                each = Index(*self.lines.at(chain), src[chain : close[2]], each, key)
                continue
            break
        return Splat(*self.lines.at(start), src[start : self._end()], obj, each, full)

    def primary(self) -> Expr:
        t = self.peek()
        kind = t[0]
        src = self.src
        if kind == "id":
            self.i += 1
            word = t[3]
            nxt = self.toks[self.i]
            if nxt[0] == "(" or nxt[0] == "::":
                return self.call(t)
            if word in _WORDS:
                return Lit(*self.lines.at(t[1]), word, _WORDS[word])
            return Name(*self.lines.at(t[1]), word, word)
        if kind == "str":
            self.i += 1
            return Lit(*self.lines.at(t[1]), src[t[1] : t[2]], t[3])
        if kind == "num":
            self.i += 1
            return self.number(t)
        if kind == "(":
            self.i += 1
            saved, self.skip_nl = self.skip_nl, True
            e = self.expr()
            self.expect(")", "')' closing the parenthesis")
            self.skip_nl = saved
            return e
        if kind == "[":
            return self.tuple_()
        if kind == "{":
            return self.object_()
        if kind == '"':
            self.i += 1
            return self.template(t[1], "cq", False)
        if kind == "hd":
            self.i += 1
            return self.template(t[1], "hend", t[3][1])
        if kind == "<" and self.toks[self.i + 1][0] == "<":
            raise _error(self.lines, t[1], "a heredoc opens with <<MARKER or <<-MARKER and a line break right after it")
        raise self.fail(t, "an expression")

    def number(self, t: Token) -> Expr:
        """A numeric literal; an integer past Python's int-from-text limit is
        an unknown number (its text cut short), not a crash."""
        text = t[3]
        if text.isdigit():
            if len(text) > _MAX_INT_DIGITS:
                return Opaque(*self.lines.at(t[1]), text[:80])
            return Lit(*self.lines.at(t[1]), text, int(text))
        return Lit(*self.lines.at(t[1]), text, float(text))

    def call(self, name_tok: Token) -> Expr:
        toks = self.toks
        names = [name_tok[3]]
        while toks[self.i][0] == "::":
            nxt = toks[self.i + 1]
            if nxt[0] != "id":
                raise self.fail(nxt, "a function name after '::'")
            names.append(nxt[3])
            self.i += 2
        self.expect("(", f"'(' after the function name {'::'.join(names)!r}")
        saved, self.skip_nl = self.skip_nl, True
        args: list[Expr] = []
        expand = False
        while self.peek()[0] != ")":
            args.append(self.expr())
            t = self.peek()
            if t[0] == ",":
                self.i += 1
            elif t[0] == "...":
                self.i += 1
                expand = True
                if self.peek()[0] == ",":
                    self.i += 1
                break
            elif t[0] != ")":
                raise self.fail(t, "',' or ')' after a function argument")
        close = self.expect(")", "')' after the expanded last argument")
        self.skip_nl = saved
        return Call(
            *self.lines.at(name_tok[1]), self.src[name_tok[1] : close[2]], "::".join(names), tuple(args), expand
        )

    def tuple_(self) -> Expr:
        open_ = self.toks[self.i]
        self.i += 1
        saved, self.skip_nl = self.skip_nl, True
        t = self.peek()
        if t[0] == "id" and t[3] == "for":
            e = self.for_expr(open_, False)
            self.skip_nl = saved
            return e
        items: list[Expr] = []
        while self.peek()[0] != "]":
            items.append(self.expr())
            t = self.peek()
            if t[0] == ",":
                self.i += 1
            elif t[0] != "]":
                raise self.fail(t, "',' or ']' after a list item")
        close = self.toks[self.i]
        self.i += 1
        self.skip_nl = saved
        return TupleExpr(*self.lines.at(open_[1]), self.src[open_[1] : close[2]], tuple(items))

    def object_(self) -> Expr:
        toks = self.toks
        open_ = toks[self.i]
        self.i += 1
        saved, self.skip_nl = self.skip_nl, True
        t = self.peek()
        if t[0] == "id" and t[3] == "for":
            e = self.for_expr(open_, True)
            self.skip_nl = saved
            return e
        # Between items, newlines separate them as commas do; inside an item
        # they end it, as in a body.
        self.skip_nl = False
        items: list[tuple[Expr, Expr]] = []
        while True:
            while toks[self.i][0] == "nl":
                self.i += 1
            t = toks[self.i]
            if t[0] == "}":
                break
            if t[0] == "eof":
                raise self.fail(t, "'}' closing the object")
            key = self.expr()
            if isinstance(key, Name) and t[0] != "(":
                key = Lit(key.line, key.column, key.text, key.name)
            sep = toks[self.i]
            if sep[0] != "=" and sep[0] != ":":
                raise self.fail(sep, "'=' or ':' after an object key")
            self.i += 1
            items.append((key, self.expr()))
            t = toks[self.i]
            if t[0] == "," or t[0] == "nl":
                self.i += 1
            elif t[0] != "}":
                raise self.fail(t, "',', a new line or '}' after an object item")
        close = toks[self.i]
        self.i += 1
        self.skip_nl = saved
        return ObjectExpr(*self.lines.at(open_[1]), self.src[open_[1] : close[2]], tuple(items))

    def for_intro(self) -> tuple[str | None, str, Expr]:
        """`k, v in coll` (or `v in coll`) after `for`, in an expression or a `%{ for }`."""
        first = self.expect("id", "a variable name after 'for'")
        key_var: str | None = None
        value_var = first[3]
        if self.peek()[0] == ",":
            self.i += 1
            key_var, value_var = value_var, self.expect("id", "a second variable name after ','")[3]
        t = self.peek()
        if t[0] != "id" or t[3] != "in":
            raise self.fail(t, "'in' after the for's variables")
        self.i += 1
        return key_var, value_var, self.expr()

    def for_expr(self, open_: Token, is_object: bool) -> Expr:
        self.i += 1  # `for`
        key_var, value_var, collection = self.for_intro()
        self.expect(":", "':' after the for expression's collection")
        key_expr: Expr | None = None
        grouping = False
        if is_object:
            key_expr = self.expr()
            self.expect("=>", "'=>' between the key and the value of a for expression")
        value = self.expr()
        if is_object and self.peek()[0] == "...":
            self.i += 1
            grouping = True
        cond: Expr | None = None
        t = self.peek()
        if t[0] == "id" and t[3] == "if":
            self.i += 1
            cond = self.expr()
        closer = "}" if is_object else "]"
        close = self.expect(closer, f"'if' or {closer!r} closing the for expression")
        text = self.src[open_[1] : close[2]]
        return ForExpr(
            *self.lines.at(open_[1]), text, key_var, value_var, collection, key_expr, value, cond, is_object, grouping
        )

    # --- templates ----------------------------------------------------------

    def template(self, start: int, end: str, trim: bool) -> Expr:
        """A quoted string or heredoc: its flat parts are read first, strip
        markers and heredoc indentation applied to the literal text, then
        directives nested into `TemplateIf` / `TemplateFor`."""
        toks = self.toks
        saved, self.skip_nl = self.skip_nl, True
        # flat parts: [text] (mutable, for stripping), Expr, or a directive
        # tuple (word, start, strip_before, strip_after, data...)
        flat: list[Any] = []
        can_trim_prev = False
        trim_next = False
        while True:
            t = toks[self.i]
            kind = t[0]
            if kind == end:
                self.i += 1
                break
            if kind == "lit":
                self.i += 1
                flat.append([t[3].lstrip(_SPACE) if trim_next else t[3]])
                trim_next = False
                can_trim_prev = True
                continue
            if kind == "${" or kind == "%{":
                self.i += 1
                if t[3] and can_trim_prev and flat and isinstance(flat[-1], list):
                    flat[-1][0] = flat[-1][0].rstrip(_SPACE)
                if kind == "${":
                    flat.append(self.expr())
                else:
                    flat.append(self.directive(t))
                close = self.peek()
                if close[0] != "tend":
                    raise self.fail(close, "'}' closing the template sequence")
                self.i += 1
                trim_next = bool(close[3])
                can_trim_prev = False
                continue
            if kind == "eof":
                raise self.fail(t, "the end of the template")
            raise self.fail(t, "template text, '${' or '%{'")
        close_end = toks[self.i - 1][2]
        self.skip_nl = saved
        if trim:
            _flush(flat)
        line, col = self.lines.at(start)
        text = self.src[start:close_end]
        parts, stop = self.nest(flat, 0, ())
        if stop < len(flat):
            d = flat[stop]
            raise _error(self.lines, d[1], f"'%{{ {d[0]} }}' without a matching 'if' or 'for'")
        return _template(line, col, text, parts)

    def directive(self, open_: Token) -> tuple[Any, ...]:
        """(word, start, end, strip marker after, data...) of one `%{ }`."""
        t = self.peek()
        if t[0] != "id" or t[3] not in ("if", "else", "endif", "for", "endfor"):
            raise self.fail(t, "'if', 'else', 'endif', 'for' or 'endfor' after '%{'")
        self.i += 1
        word = t[3]
        data: tuple[Any, ...] = ()
        if word == "if":
            data = (self.expr(),)
        elif word == "for":
            data = self.for_intro()
        close = self.peek()
        if close[0] != "tend":
            raise self.fail(close, f"'}}' closing '%{{ {word}'")
        return (word, open_[1], close[2], *data)

    def nest(self, flat: list[Any], i: int, stops: tuple[str, ...]) -> tuple[list[str | Expr], int]:
        """Template parts from flat[i] up to a directive in `stops`."""
        parts: list[str | Expr] = []
        n = len(flat)
        src = self.src
        while i < n:
            p = flat[i]
            if isinstance(p, list):
                parts.append(p[0])
                i += 1
            elif isinstance(p, tuple):
                word = p[0]
                if word in stops or word in ("else", "endif", "endfor"):
                    return parts, i
                if word == "if":
                    then, j = self.nest(flat, i + 1, ("else", "endif"))
                    other = None
                    then_end = flat[j][1] if j < n else len(src)
                    if j < n and flat[j][0] == "else":
                        else_d = flat[j]
                        other_parts, j = self.nest(flat, j + 1, ("endif",))
                        other = self.body_expr(other_parts, else_d[2], flat[j][1] if j < n else len(src))
                    if j >= n or flat[j][0] != "endif":
                        raise _error(self.lines, p[1], "'%{ if }' without a matching '%{ endif }'")
                    then_e = self.body_expr(then, p[2], then_end)
                    parts.append(TemplateIf(*self.lines.at(p[1]), src[p[1] : flat[j][2]], p[3], then_e, other))
                    i = j + 1
                else:  # for
                    body, j = self.nest(flat, i + 1, ("endfor",))
                    if j >= n or flat[j][0] != "endfor":
                        raise _error(self.lines, p[1], "'%{ for }' without a matching '%{ endfor }'")
                    body_e = self.body_expr(body, p[2], flat[j][1])
                    parts.append(TemplateFor(*self.lines.at(p[1]), src[p[1] : flat[j][2]], p[3], p[4], p[5], body_e))
                    i = j + 1
            else:
                parts.append(p)
                i += 1
        return parts, i

    def body_expr(self, parts: list[str | Expr], start: int, end: int) -> Expr:
        """A directive's body: its text is the source between the directives."""
        return _template(*self.lines.at(start), self.src[start:end], parts)


def _flush(flat: list[Any]) -> None:
    """`<<-`: remove the indentation common to every line that starts with
    text (a line that starts with `${` has none; blank lines do not count)."""
    least = -1
    adjust: list[list[str]] = []
    newline = True
    for p in flat:
        if newline:
            newline = False
            if isinstance(p, list):
                s = p[0]
                rest = s.lstrip(_SPACE)
                if not (rest == "" and s.endswith("\n")):
                    spaces = len(s) - len(rest)
                    adjust.append(p)
                    if least < 0 or spaces < least:
                        least = spaces
            else:
                least = 0
        if isinstance(p, list) and p[0].endswith("\n"):
            newline = True
    if least > 0:
        for p in adjust:
            p[0] = p[0][least:]


def _merge(parts: list[str | Expr]) -> list[str | Expr]:
    merged: list[str | Expr] = []
    for p in parts:
        if isinstance(p, str):
            if not p:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] = merged[-1] + p
                continue
        merged.append(p)
    return merged


def _template(line: int, col: int, text: str, parts: list[str | Expr]) -> Expr:
    merged = _merge(parts)
    if not merged:
        return Lit(line, col, text, "")
    if len(merged) == 1 and isinstance(merged[0], str):
        return Lit(line, col, text, merged[0])
    return Template(line, col, text, tuple(merged))


def parse_body(src: str, line_offset: int = 0) -> Body:
    """The body of a whole file; HclSyntaxError on anything Terraform rejects."""
    if src.startswith("\ufeff"):  # a byte order mark, which Terraform skips
        src = src[1:]
    lines = _Lines(src, line_offset)
    toks = _lex(src, lines, [])
    p = _Parser(src, toks, lines)
    return p.body("eof")


def parse_template(src: str, line: int) -> Expr:
    """A bare template (Terraform's JSON syntax reads every string as one):
    no quotes and no escapes, only `${ }`, `%{ }` and their `$${` / `%%{`."""
    lines = _Lines(src, line - 1)
    toks = _lex(src, lines, [[_B, 0, "", 0]])
    p = _Parser(src, toks, lines)
    return p.template(0, "hend", False)
