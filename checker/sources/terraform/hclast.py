"""A small, typed HCL syntax tree with real line numbers.

`hclparse` (our own parser, written from HashiCorp's HCL specification)
builds it directly; every node has its line, column and source text.  The
evaluator reads it; anything it does not model is reported with its text,
never guessed.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    from checker.sources.terraform.hclparse import parse_body

    return HclFile(path, parse_body(text, line_offset))


# --- Terraform JSON syntax (.tf.json) ---------------------------------------

_NESTED_BLOCK_TYPES = {"resource": 2, "data": 2, "module": 1, "variable": 1, "output": 1, "provider": 1}


def _find_line(text: str, key: str, start: int) -> tuple[int, int]:
    pos = text.find(json.dumps(key), start)
    if pos < 0:
        return 0, start
    return text.count("\n", 0, pos) + 1, pos


def _json_expr(value: Any, line: int, parse_template: Callable[[str, int], Expr]) -> Expr:
    if isinstance(value, str):
        if "${" in value or "%{" in value:  # Terraform reads every JSON string as a template
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
        from checker.sources.terraform.hclparse import parse_template as bare_template

        try:
            return _relocate(bare_template(value, line), line)
        except HclSyntaxError:
            return Opaque(line, 0, value)

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
            value = _json_expr(v, line, parse_template)
            if isinstance(v, str) and not isinstance(value, Lit):
                value = _relocate(value, line, _value_column(text, k, pos))
            out.append(Attribute(k, value, line, 0))
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


def _relocate(expr: Expr, line: int, column: int | None = None) -> Expr:
    """Give an expression parsed out of a JSON string the line of its key
    (and, once known, the column of the string's opening quote)."""
    from dataclasses import replace

    return replace(expr, line=line) if column is None else replace(expr, line=line, column=column)


def _value_column(text: str, key: str, pos: int) -> int:
    """The column of the value after `"key":` at `pos` (0 when not found)."""
    colon = text.find(":", pos + len(json.dumps(key)))
    if colon < 0:
        return 0
    at = colon + 1
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at - (text.rfind("\n", 0, at) + 1) + 1


def parse_tfvars_json(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        raise HclSyntaxError("a .tfvars.json file must hold a JSON object", 1, 1)
    return doc
