"""A small, typed HCL syntax tree with real line numbers.

python-hcl2's dictionary output drops line numbers and keeps quotes, so we
build our own tree from its lark parse tree (`hcl2.parses_to_tree`), which
carries positions.  Only what the evaluator needs is modelled; anything else
becomes `Unknown` with its source text, so it is reported, never guessed.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Tree

#: Longest integer literal read as a number; a longer one (Python refuses
#: text of more than 4,300 digits, a quadratic conversion) is unknown.
_MAX_INT_DIGITS = 4000


@dataclass(frozen=True)
class Expr:
    line: int
    column: int
    text: str


@dataclass(frozen=True)
class Lit(Expr):
    value: str | int | float | bool | None


@dataclass(frozen=True)
class Template(Expr):
    """A quoted string or heredoc with interpolations."""

    parts: tuple[str | Expr, ...]


@dataclass(frozen=True)
class Name(Expr):
    """A bare identifier: `var`, `local`, `each`, a resource type..."""

    name: str


@dataclass(frozen=True)
class GetAttr(Expr):
    obj: Expr
    name: str


@dataclass(frozen=True)
class Index(Expr):
    obj: Expr
    key: Expr


@dataclass(frozen=True)
class Call(Expr):
    name: str
    args: tuple[Expr, ...]
    expand: bool = False


@dataclass(frozen=True)
class TupleExpr(Expr):
    items: tuple[Expr, ...]


@dataclass(frozen=True)
class ObjectExpr(Expr):
    items: tuple[tuple[Expr, Expr], ...]


@dataclass(frozen=True)
class Cond(Expr):
    cond: Expr
    then: Expr
    other: Expr


@dataclass(frozen=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Unary(Expr):
    op: str
    operand: Expr


@dataclass(frozen=True)
class ForExpr(Expr):
    key_var: str | None
    value_var: str
    collection: Expr
    key_expr: Expr | None
    value_expr: Expr
    cond: Expr | None
    is_object: bool
    grouping: bool = False


@dataclass(frozen=True)
class Splat(Expr):
    """`obj[*].a[0]` (full splat) or `obj.*.a` (attribute-only splat).

    `each` is the traversal applied to every element, written over one
    `SplatItem` leaf, so the evaluator needs no second traversal language:
    `obj[*].a[0]` is `Splat(obj, Index(GetAttr(SplatItem, "a"), 0), True)`.
    An attribute-only splat stops at the first index (HCL spec), which is why
    `full` is kept."""

    obj: Expr
    each: Expr
    full: bool


@dataclass(frozen=True)
class SplatItem(Expr):
    """The element a `Splat.each` traversal starts from."""


@dataclass(frozen=True)
class TemplateIf(Expr):
    """`%{ if cond }then%{ else }other%{ endif }` inside a `Template`'s parts.

    Strip markers (`~`) are applied by the parser to the neighbouring literal
    text, so the evaluator never sees them.  `then` and `other` are template
    bodies (a `Template` or a string `Lit`); `other` is None without `else`."""

    cond: Expr
    then: Expr
    other: Expr | None


@dataclass(frozen=True)
class TemplateFor(Expr):
    """`%{ for k, v in coll }body%{ endfor }` inside a `Template`'s parts."""

    key_var: str | None
    value_var: str
    collection: Expr
    body: Expr


@dataclass(frozen=True)
class Opaque(Expr):
    """Syntax we do not evaluate; its text is kept so it is reported, never guessed."""


@dataclass(frozen=True)
class Attribute:
    name: str
    expr: Expr
    line: int
    column: int


@dataclass(frozen=True)
class Block:
    type: str
    labels: tuple[str, ...]
    body: Body
    line: int
    end_line: int

    def attributes(self) -> dict[str, Attribute]:
        return {a.name: a for a in self.body if isinstance(a, Attribute)}

    def blocks(self, type_: str | None = None) -> list[Block]:
        return [b for b in self.body if isinstance(b, Block) and (type_ is None or b.type == type_)]


Body = tuple[Attribute | Block, ...]


@dataclass
class HclFile:
    path: str
    body: Body
    comments: dict[int, str] = field(default_factory=dict)


class HclSyntaxError(Exception):
    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


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
            digits = str(toks[0])
            if len(digits) > _MAX_INT_DIGITS:  # past Python's int-from-text limit: an unknown number
                return Opaque(line, col, text[:80])
            return Lit(line, col, text, int(digits))
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


class _ParseMemo:
    """Parsed bodies of recent texts, by content (and the line they start
    on), within one process.

    The same text is parsed again and again in a monorepo: a shared module
    directory is part of the unit of every root that calls it, and
    `versions.tf`, `providers.tf`, copied modules and common variable blocks
    repeat across roots.  Syntax trees are immutable, so one parse can serve
    every copy.  The memo is bounded by the total length of the texts it keeps
    (the trees take a small multiple of that), oldest dropped first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.items: OrderedDict[tuple[str, int], Body] = OrderedDict()

    def get(self, text: str, line_offset: int = 0) -> Body | None:
        body = self.items.get((text, line_offset))
        if body is not None:
            self.items.move_to_end((text, line_offset))
        return body

    def put(self, text: str, body: Body, line_offset: int = 0) -> None:
        key = (text, line_offset)
        if len(text) > self.budget // 16 or key in self.items:
            return
        self.items[key] = body
        self.used += len(text)
        while self.used > self.budget:
            (old, _), _ = self.items.popitem(last=False)
            self.used -= len(old)


_MEMO = _ParseMemo(2 * 1024 * 1024)


def parse_hcl(text: str, path: str, line_offset: int = 0) -> HclFile:
    """Parse HCL; `line_offset` is added to every line, for a block parsed
    apart from the file it was cut from."""
    body = _MEMO.get(text, line_offset)
    if body is not None:
        return HclFile(path, body)
    parsed = _parse_hcl(text, path, line_offset)
    _MEMO.put(text, parsed.body, line_offset)
    return parsed


def _parse_hcl(text: str, path: str, line_offset: int = 0) -> HclFile:
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
        return HclFile(path, ())
    return HclFile(path, _Builder(text, line_offset).body(body_tree))


# --- Terraform JSON syntax (.tf.json) ---------------------------------------

_NESTED_BLOCK_TYPES = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def _find_line(text: str, key: str, start: int) -> tuple[int, int]:
    pos = text.find(json.dumps(key), start)
    if pos < 0:
        return 0, start
    return text.count("\n", 0, pos) + 1, pos


def _json_expr(value: Any, line: int, parse_template: Callable[[str, int], Expr]) -> Expr:
    if isinstance(value, str):
        if "${" in value:
            return parse_template(value, line)
        return Lit(line, 0, json.dumps(value), value)
    if isinstance(value, bool) or value is None or isinstance(value, (int, float)):
        return Lit(line, 0, json.dumps(value), value)
    if isinstance(value, list):
        return TupleExpr(line, 0, json.dumps(value)[:200], tuple(_json_expr(v, line, parse_template) for v in value))
    if isinstance(value, dict):
        items = tuple((Lit(line, 0, json.dumps(k), k), _json_expr(v, line, parse_template)) for k, v in value.items())
        return ObjectExpr(line, 0, json.dumps(value)[:200], items)
    return Opaque(line, 0, repr(value))


class _Repeated(list[Any]):
    """The values of a property name given more than once in one JSON
    object.  HCL's JSON syntax keeps every definition ("resource" twice
    declares the resources of both; Terraform applies them all), where
    `json.loads` would keep only the last and hide the others."""


def _keep_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k not in out:
            out[k] = v
        elif isinstance(out[k], _Repeated):
            out[k].append(v)
        else:
            out[k] = _Repeated([out[k], v])
    return out


def _definitions(value: Any) -> list[Any]:
    """Every definition a JSON value stands for: a repeated name, or the
    array form HCL allows at the block and label levels."""
    return list(value) if isinstance(value, list) else [value]


def parse_tf_json(text: str, path: str) -> HclFile:
    """Terraform's JSON syntax.  Nested objects under a resource are blocks or
    object-valued attributes; without the provider schema we cannot tell, so
    a nested object is offered both ways (the catalog paths walk either).
    A block type or label given twice, or as an array, is every definition
    (as Terraform reads it); an argument given twice is Terraform's
    "Duplicate attribute definition" error."""
    try:
        doc = json.loads(text, object_pairs_hook=_keep_repeats)
    except json.JSONDecodeError as exc:
        raise HclSyntaxError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    if not isinstance(doc, dict):
        raise HclSyntaxError("a .tf.json file must hold a JSON object", 1, 1)

    def parse_template(value: str, line: int) -> Expr:
        try:
            hf = parse_hcl(f"x = {json.dumps(value)}\n", path)
        except HclSyntaxError:
            return Opaque(line, 0, value)
        attr = hf.body[0]
        assert isinstance(attr, Attribute)
        return _relocate(attr.expr, line)

    cursor = 0

    def body_of(obj: dict[str, Any], start: int) -> Body:
        out: list[Attribute | Block] = []
        for k, v in obj.items():
            line, pos = _find_line(text, k, start)
            if isinstance(v, _Repeated):
                if not all(isinstance(i, dict) for i in v):
                    raise HclSyntaxError(
                        f"duplicate attribute definition: the argument {k!r} is set more than once", line, 1
                    )
                for item in v:
                    out.append(Block(k, (), body_of(item, pos), line, line))
                continue
            if isinstance(v, dict) and k not in ("tags", "variables", "environment_variables", "default"):
                out.append(Block(k, (), body_of(v, pos), line, line))
            elif isinstance(v, list) and v and all(isinstance(i, dict) for i in v) and k not in ("default",):
                for item in v:
                    out.append(Block(k, (), body_of(item, pos), line, line))
            out.append(Attribute(k, _json_expr(v, line, parse_template), line, 0))
        return tuple(out)

    blocks: list[Attribute | Block] = []
    for btype, value in doc.items():
        depth = _NESTED_BLOCK_TYPES.get(btype)
        line, cursor = _find_line(text, btype, cursor)
        for content in _definitions(value):
            if btype == "locals" and isinstance(content, dict):
                blocks.append(Block("locals", (), body_of(content, cursor), line, line))
                continue
            if depth is None or not isinstance(content, dict):
                continue
            if depth == 1:
                for name, inner in content.items():
                    nline, npos = _find_line(text, name, cursor)
                    for item in _definitions(inner):
                        if isinstance(item, dict):
                            blocks.append(Block(btype, (name,), body_of(item, npos), nline, nline))
            else:
                for rtype, typed in content.items():
                    _, tpos = _find_line(text, rtype, cursor)
                    for named in _definitions(typed):
                        if not isinstance(named, dict):
                            continue
                        for name, inner in named.items():
                            nline, npos = _find_line(text, name, tpos)
                            for item in _definitions(inner):
                                if isinstance(item, dict):
                                    blocks.append(Block(btype, (rtype, name), body_of(item, npos), nline, nline))
    return HclFile(path, tuple(blocks))


def _relocate(expr: Expr, line: int) -> Expr:
    """Give an expression parsed out of a JSON string the line of its key."""
    from dataclasses import replace

    return replace(expr, line=line)


def parse_tfvars_json(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise HclSyntaxError("a .tfvars.json file must hold a JSON object", 1, 1)
    return doc
