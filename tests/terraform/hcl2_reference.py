"""python-hcl2 8.x as the reference our parser is tested against.

This is the tree builder the package used before it had its own parser: it
reads python-hcl2's lark parse tree (which carries positions) into the
`hclast` types.  It lives in the tests only; python-hcl2 is a `dev`
dependency and nothing under checker/ imports it.  Syntax it never modelled
(splats, template directives) comes out as `Opaque` with its source text, and
`differences()` compares only that text there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lark import Token, Tree

from checker.sources.terraform.hclast import (
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
    Template,
    TupleExpr,
    Unary,
)

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)")


def unescape(text: str) -> str:
    def sub(m: re.Match[str]) -> str:
        s = m.group(1)
        if s[0] in "uU" and len(s) > 1:
            return chr(int(s[1:], 16))
        return _ESCAPES.get(s, "\\" + s)

    return _ESCAPE_RE.sub(sub, text)


class _Builder:
    def __init__(self, source: str, line_offset: int = 0) -> None:
        self.source = source
        self.offset = line_offset

    def _pos(self, node: Tree[Any] | Token) -> tuple[int, int, str]:
        if isinstance(node, Token):
            return (node.line or 0) + self.offset, node.column or 0, str(node)
        meta = node.meta
        if getattr(meta, "empty", True):
            return self.offset, 0, ""
        text = self.source[meta.start_pos : meta.end_pos]
        return meta.line + self.offset, meta.column, text

    def body(self, tree: Tree[Any]) -> Body:
        out: list[Attribute | Block] = []
        for child in tree.children:
            if not isinstance(child, Tree):
                continue
            if child.data == "attribute":
                out.append(self.attribute(child))
            elif child.data == "block":
                out.append(self.block(child))
        return tuple(out)

    def _label(self, node: Tree[Any] | Token) -> str:
        if isinstance(node, Token):
            return str(node)
        if node.data == "string":
            expr = self.string(node)
            return expr.value if isinstance(expr, Lit) and isinstance(expr.value, str) else expr.text
        return "".join(str(t) for t in node.scan_values(lambda _: True))

    def attribute(self, tree: Tree[Any]) -> Attribute:
        name_node, expr_node = tree.children[0], tree.children[-1]
        line, col, _ = self._pos(tree)
        return Attribute(self._label(name_node), self.expr(expr_node), line, col)

    def block(self, tree: Tree[Any]) -> Block:
        names: list[str] = []
        body: Body = ()
        for child in tree.children:
            if isinstance(child, Tree):
                if child.data == "body":
                    body = self.body(child)
                elif child.data != "new_line_or_comment":
                    names.append(self._label(child))
        line, _, _ = self._pos(tree)
        end = tree.meta.end_line + self.offset if not getattr(tree.meta, "empty", True) else line
        return Block(names[0], tuple(names[1:]), body, line, end)

    def _kids(self, tree: Tree[Any]) -> list[Tree[Any]]:
        return [c for c in tree.children if isinstance(c, Tree) and c.data != "new_line_or_comment"]

    def string(self, tree: Tree[Any]) -> Expr:
        line, col, text = self._pos(tree)
        parts: list[str | Expr] = []
        for part in tree.children:
            if isinstance(part, Token):
                continue  # the quotes
            sub = part.children[0] if part.children else None
            if isinstance(sub, Token):
                if sub.type == "ESCAPED_INTERPOLATION" or sub.type == "ESCAPED_DIRECTIVE":
                    parts.append(str(sub)[1:])
                else:
                    parts.append(unescape(str(sub)))
            elif isinstance(sub, Tree) and sub.data == "interpolation":
                parts.append(self.expr(self._kids(sub)[0]))
            else:
                return Opaque(line, col, text)
        return _template(line, col, text, parts)

    def heredoc(self, token: Token, trim: bool) -> Expr:
        line, col, text = self._pos(token)
        raw = str(token)
        first_nl = raw.index("\n")
        marker = raw[(3 if trim else 2) : first_nl].strip()
        body = raw[first_nl + 1 :]
        body = body[: body.rstrip().rfind(marker)] if body.rstrip().endswith(marker) else body
        lines = body.split("\n")
        if trim:
            indents = [len(ln) - len(ln.lstrip()) for ln in lines if ln.strip()]
            cut = min(indents) if indents else 0
            lines = [ln[cut:] for ln in lines]
        content = "\n".join(lines)
        return _template(line, col, text, _split_interpolations(content, line + 1, self.source_parse))

    def source_parse(self, inner: str, line: int) -> Expr:
        """Parse an interpolation found in a heredoc body."""
        from hcl2.api import parses_to_tree

        try:
            tree = parses_to_tree(f"x = {inner}\n")
        except Exception:
            return Opaque(line, 0, "${" + inner + "}")
        attr = tree.children[0].children[0] if tree.children else None
        if not isinstance(attr, Tree):
            return Opaque(line, 0, "${" + inner + "}")
        sub = _Builder(f"x = {inner}\n", line - 1)
        return sub.expr(attr.children[-1])

    def expr(self, node: Tree[Any] | Token) -> Expr:
        line, col, text = self._pos(node)
        if isinstance(node, Token):
            return Opaque(line, col, text)
        kind = node.data
        kids = self._kids(node)
        toks = [c for c in node.children if isinstance(c, Token)]
        if kind == "expr_term":
            if kids:
                return self.expr(kids[0])
            if toks and toks[0].type in ("HEREDOC_TEMPLATE", "HEREDOC_TEMPLATE_TRIM"):
                return self.heredoc(toks[0], toks[0].type.endswith("TRIM"))
            return Opaque(line, col, text)
        if kind == "string":
            return self.string(node)
        if kind in ("heredoc_template", "heredoc_template_trim"):
            return self.heredoc(toks[0], kind.endswith("trim"))
        if kind == "int_lit":
            return Lit(line, col, text, int(str(toks[0])))
        if kind == "float_lit":
            return Lit(line, col, text, float(str(toks[0])))
        if kind == "literal_value":
            word = str(toks[0])
            return Lit(line, col, text, {"true": True, "false": False, "null": None}[word])
        if kind in ("identifier", "keyword"):
            return Name(line, col, text, str(toks[0]))
        if kind == "get_attr_expr_term":
            obj, attr = kids
            name_node = self._kids(attr)[0]
            return GetAttr(line, col, text, self.expr(obj), self._label(name_node))
        if kind == "index_expr_term":
            obj, idx = kids
            if idx.data == "short_index":
                itok = next(t for t in idx.children if isinstance(t, Token) and t.type == "INT_LITERAL")
                key: Expr = Lit(itok.line or line, itok.column or col, str(itok), int(str(itok)))
            else:
                key = self.expr(self._kids(idx)[0])
            return Index(line, col, text, self.expr(obj), key)
        if kind == "function_call":
            ids = [c for c in kids if c.data == "identifier"]
            name = "::".join(self._label(i) for i in ids)
            args_tree = next((c for c in kids if c.data == "arguments"), None)
            args: tuple[Expr, ...] = ()
            expand = False
            if args_tree is not None:
                args = tuple(self.expr(a) for a in self._kids(args_tree))
                expand = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in args_tree.children)
            return Call(line, col, text, name, args, expand)
        if kind == "tuple":
            return TupleExpr(line, col, text, tuple(self.expr(k) for k in kids))
        if kind == "object":
            items = []
            for elem in kids:
                ek = self._kids(elem)
                key_node, value_node = ek[0], ek[-1]
                key_inner = self._kids(key_node)
                key_expr = self.expr(key_inner[0]) if key_inner else Opaque(line, col, "")
                if isinstance(key_expr, Name):
                    key_expr = Lit(key_expr.line, key_expr.column, key_expr.text, key_expr.name)
                items.append((key_expr, self.expr(value_node)))
            return ObjectExpr(line, col, text, tuple(items))
        if kind == "conditional":
            c, a, b = kids
            return Cond(line, col, text, self.expr(c), self.expr(a), self.expr(b))
        if kind == "binary_op":
            left, term = kids[0], kids[1]
            tk = self._kids(term)
            op_tree, right = tk[0], tk[-1]
            op = str(next(iter(op_tree.scan_values(lambda _: True))))
            return BinOp(line, col, text, op, self.expr(left), self.expr(right))
        if kind == "unary_op":
            return Unary(line, col, text, str(toks[0]), self.expr(kids[0]))
        if kind in ("for_tuple_expr", "for_object_expr"):
            return self.for_expr(node, kind == "for_object_expr", line, col, text)
        return Opaque(line, col, text)

    def for_expr(self, node: Tree[Any], is_object: bool, line: int, col: int, text: str) -> Expr:
        kids = self._kids(node)
        intro = kids[0]
        ik = self._kids(intro)
        idents = [self._label(i) for i in ik if i.data == "identifier"]
        collection = self.expr(ik[-1])
        key_var, value_var = (idents[0], idents[1]) if len(idents) == 2 else (None, idents[0])
        cond_tree = next((k for k in kids if k.data == "for_cond"), None)
        cond = self.expr(self._kids(cond_tree)[0]) if cond_tree is not None else None
        body = [k for k in kids[1:] if k.data != "for_cond"]
        grouping = any(isinstance(t, Token) and t.type == "ELLIPSIS" for t in node.children)
        if is_object:
            return ForExpr(
                line,
                col,
                text,
                key_var,
                value_var,
                collection,
                self.expr(body[0]),
                self.expr(body[1]),
                cond,
                True,
                grouping,
            )
        return ForExpr(line, col, text, key_var, value_var, collection, None, self.expr(body[0]), cond, False)


def _template(line: int, col: int, text: str, parts: list[str | Expr]) -> Expr:
    merged: list[str | Expr] = []
    for p in parts:
        if isinstance(p, str) and merged and isinstance(merged[-1], str):
            merged[-1] = merged[-1] + p
        else:
            merged.append(p)
    if not merged:
        return Lit(line, col, text, "")
    if len(merged) == 1 and isinstance(merged[0], str):
        return Lit(line, col, text, merged[0])
    return Template(line, col, text, tuple(merged))


def _split_interpolations(content: str, line: int, parse: Any) -> list[str | Expr]:
    """Split heredoc text on `${...}` (balanced braces), parsing each inside."""
    parts: list[str | Expr] = []
    i = 0
    while True:
        j = content.find("${", i)
        if j < 0:
            parts.append(content[i:])
            return parts
        if j > 0 and content[j - 1] == "$":
            parts.append(content[i : j + 1])
            i = j + 2
            continue
        depth, k = 1, j + 2
        while k < len(content) and depth:
            if content[k] == "{":
                depth += 1
            elif content[k] == "}":
                depth -= 1
            k += 1
        parts.append(content[i:j])
        parts.append(parse(content[j + 2 : k - 1], line + content.count("\n", 0, j)))
        i = k


def reference_body(text: str, line_offset: int = 0) -> Body:
    from hcl2.api import parses_to_tree
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    try:
        tree = parses_to_tree(text)
    except UnexpectedToken as exc:
        tok = exc.token
        if tok.type == "$END":
            raise HclSyntaxError(
                "unexpected end of file (an unclosed string, bracket or block?)", exc.line + line_offset, exc.column
            ) from None
        shown = str(tok).strip() or tok.type
        raise HclSyntaxError(f"unexpected {shown!r}", exc.line + line_offset, exc.column) from None
    except UnexpectedCharacters as exc:
        pos = exc.pos_in_stream or 0
        shown = repr(text[pos]) if pos < len(text) else "end of file"
        raise HclSyntaxError(f"unexpected character {shown}", exc.line + line_offset, exc.column) from None
    except UnexpectedEOF:
        raise HclSyntaxError("unexpected end of file", text.count("\n") + 1 + line_offset, 0) from None
    except UnexpectedInput as exc:
        line = getattr(exc, "line", 0)
        raise HclSyntaxError("invalid syntax", line + line_offset if line else 0, getattr(exc, "column", 0)) from None
    body_tree = tree.children[0] if tree.children else None
    if not isinstance(body_tree, Tree):
        return ()
    return _Builder(text, line_offset).body(body_tree)


class Tally:
    """What a comparison covered, for the report."""

    def __init__(self) -> None:
        self.attributes = 0
        self.blocks = 0
        self.nodes = 0
        self.opaque = 0  # nodes python-hcl2's tree has no type for: compared by text


def _norm(e: Expr) -> Expr:
    # python-hcl2 lexes `-1` as one number, and so do we; `- 1` (spaced) it
    # reads as an operator on 1.  Either way the value is the number -1.
    if (
        isinstance(e, Unary)
        and e.op == "-"
        and isinstance(e.operand, Lit)
        and isinstance(e.operand.value, (int, float))
        and not isinstance(e.operand.value, bool)
    ):
        return Lit(e.line, e.column, e.text, -e.operand.value)
    return e


_TRAILER = re.compile(r"(?:\s|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)


def _same_text(ours: str, ref: str) -> bool:
    """python-hcl2's operator rules and heredoc tokens take in the newlines
    and comments after them; the expression's own text stops before."""
    return ref.startswith(ours) and _TRAILER.fullmatch(ref, len(ours)) is not None


def expr_differences(ours: Expr, ref: Expr, where: str, tally: Tally, positions: bool = True) -> Iterator[str]:
    tally.nodes += 1
    if isinstance(ref, Opaque):
        tally.opaque += 1
        if not _same_text(ours.text, ref.text):
            yield f"{where}: text {ours.text!r} != {ref.text!r}"
        return
    ours, ref = _norm(ours), _norm(ref)
    if type(ours) is not type(ref):
        yield f"{where}: {type(ours).__name__} {ours.text!r} != {type(ref).__name__} {ref.text!r}"
        return
    if positions and (ours.line, ours.column) != (ref.line, ref.column):
        yield f"{where}: position {ours.line}:{ours.column} != {ref.line}:{ref.column} ({ours.text!r})"
    if positions and not _same_text(ours.text, ref.text):
        yield f"{where}: text {ours.text!r} != {ref.text!r}"
    heredoc = ours.text.startswith("<<")
    if isinstance(ours, Lit):
        assert isinstance(ref, Lit)
        if ours.value != ref.value or type(ours.value) is not type(ref.value):
            yield f"{where}: value {ours.value!r} != {ref.value!r}"
        return
    if isinstance(ours, Template):
        assert isinstance(ref, Template)
        if len(ours.parts) != len(ref.parts):
            yield f"{where}: parts {ours.parts!r} != {ref.parts!r}"
            return
        for i, (a, b) in enumerate(zip(ours.parts, ref.parts, strict=False)):
            if isinstance(a, str) or isinstance(b, str):
                if a != b:
                    yield f"{where}[{i}]: {a!r} != {b!r}"
            else:
                # the old builder re-parsed heredoc interpolations apart, without their columns
                yield from expr_differences(a, b, f"{where}[{i}]", tally, positions and not heredoc)
        return
    for f in ours.__dataclass_fields__:
        if f in ("line", "column", "text"):
            continue
        a, b = getattr(ours, f), getattr(ref, f)
        if isinstance(a, Expr) and isinstance(b, Expr):
            yield from expr_differences(a, b, f"{where}.{f}", tally, positions)
        elif isinstance(a, tuple) and isinstance(b, tuple):
            if len(a) != len(b):
                yield f"{where}.{f}: {len(a)} items != {len(b)}"
                continue
            for i, (x, y) in enumerate(zip(a, b, strict=False)):
                if isinstance(x, tuple):
                    for j, (xx, yy) in enumerate(zip(x, y, strict=False)):
                        if j == 0 and isinstance(xx, Name) and isinstance(yy, Lit) and yy.value == xx.name:
                            # `{(k) = v}`: the spec makes a parenthesised key the variable k;
                            # the old builder dropped the parentheses and took the string "k".
                            tally.nodes += 1
                            continue
                        yield from expr_differences(xx, yy, f"{where}.{f}[{i}][{j}]", tally, positions)
                else:
                    yield from expr_differences(x, y, f"{where}.{f}[{i}]", tally, positions)
        elif a != b:
            yield f"{where}.{f}: {a!r} != {b!r}"


def differences(ours: Body, ref: Body, tally: Tally, where: str = "") -> Iterator[str]:
    """Every difference between our body and python-hcl2's: each attribute's
    and block's name, labels, position and value, recursively."""
    if len(ours) != len(ref):
        yield f"{where or 'file'}: {len(ours)} items != {len(ref)}"
        return
    for a, b in zip(ours, ref, strict=False):
        if type(a) is not type(b):
            yield f"{where}: {type(a).__name__} != {type(b).__name__}"
            continue
        if isinstance(a, Attribute):
            assert isinstance(b, Attribute)
            tally.attributes += 1
            w = f"{where}{a.name}@{a.line}"
            if (a.name, a.line, a.column) != (b.name, b.line, b.column):
                yield f"{w}: attribute {a.name} {a.line}:{a.column} != {b.name} {b.line}:{b.column}"
            yield from expr_differences(a.expr, b.expr, w, tally)
        else:
            assert isinstance(a, Block) and isinstance(b, Block)
            tally.blocks += 1
            w = f"{where}{a.type}{list(a.labels)}@{a.line}"
            if (a.type, a.labels, a.line, a.end_line) != (b.type, b.labels, b.line, b.end_line):
                yield f"{w}: block {a.type} {a.labels} {a.line}-{a.end_line} != {b.type} {b.labels} {b.line}-{b.end_line}"
            yield from differences(a.body, b.body, tally, w + ".")


def compare(src: str, tally: Tally) -> tuple[str, Any, Any, list[str]]:
    """Both parsers on one text: (outcome, ours, python-hcl2's, differences),
    the outcome one of "identical", "differ", "both refuse", "we refuse",
    "python-hcl2 refuses"; a refusal is the exception in place of the tree."""
    from checker.sources.terraform.hclparse import parse_body

    try:
        ours: Any = parse_body(src)
    except HclSyntaxError as exc:
        ours = exc
    try:
        ref: Any = reference_body(src)
    except Exception as exc:  # lark's errors, or the old builder's HclSyntaxError
        ref = exc
    if isinstance(ours, Exception) or isinstance(ref, Exception):
        if isinstance(ours, Exception) and isinstance(ref, Exception):
            return "both refuse", ours, ref, []
        return ("we refuse" if isinstance(ours, Exception) else "python-hcl2 refuses"), ours, ref, []
    diffs = list(differences(ours, ref, tally))
    return ("differ" if diffs else "identical"), ours, ref, diffs
