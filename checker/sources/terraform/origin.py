"""Where a Terraform value was written: the string literal behind a model id.

The evaluator computes *what* a value is; this follows the same expression
back through variables, tfvars, locals, module arguments, map lookups and
conditionals to *which literal* it came from, so that a finding can say
"edit the default in variables.tf:17" and `fix` can rewrite exactly those
bytes.  Only syntax that hands a literal through unchanged is followed; a
computed string (a function call, arithmetic, a data source) ends the trail,
and the caller then reports the value as not traceable to one literal rather
than guessing.

This runs once per model reference, never on the evaluator's hot path.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.discovery.walk import display_path
from checker.model import Definition, Location
from checker.modelid import parse_model_reference
from checker.sources.terraform.evaluate import Evaluator
from checker.sources.terraform.hclast import (
    Call,
    Cond,
    Expr,
    GetAttr,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Template,
    TupleExpr,
)

if TYPE_CHECKING:
    from checker.sources.terraform.instance import Instance

#: How many hops (variable -> module argument -> tfvars ...) a trail may take;
#: a deeper one is cut, never followed without bound.
MAX_HOPS = 64


@dataclass(frozen=True)
class Origin:
    """An expression, the file it is written in, what kind of definition it
    is, and the module instance its names resolve in (None for tfvars, which
    may not refer to anything)."""

    expr: Expr
    file: str
    kind: str
    instance: Instance | None
    #: The `dynamic` blocks the expression sits in: (iterator name, the
    #: block's `for_each` expression, this content's key), innermost last.
    iterators: tuple[tuple[str, Expr, Any], ...] = ()


@dataclass(frozen=True)
class _Site:
    """A literal that may spell the model: a whole string, or the text part
    of a template (`"arn:...:foundation-model/anthropic.x"` with an
    interpolated region), with the definitions passed on the way."""

    line: int
    column: int
    text: str
    whole: bool
    file: str
    kind: str
    trail: tuple[Location, ...]


_Todo = tuple[Origin, "tuple[Any, Any] | None", Any, "Expr | None", tuple[Location, ...]]


def _literal_sites(origin: Origin, each: tuple[Any, Any] | None, idx: Any, for_each: Expr | None) -> list[_Site]:
    """Every string literal the expression may hand through unchanged."""
    out: list[_Site] = []
    stack: list[_Todo] = [(origin, each, idx, for_each, ())]
    steps = 0
    while stack and steps < MAX_HOPS * 4 and len(out) <= 16:
        steps += 1
        o, ea, ix, fe, trail = stack.pop()
        e = o.expr

        def push(x: Expr, o: Origin = o, ea: Any = ea, ix: Any = ix, fe: Any = fe, trail: Any = trail) -> None:
            stack.append((Origin(x, o.file, o.kind, o.instance, o.iterators), ea, ix, fe, trail))

        if isinstance(e, Lit) and isinstance(e.value, str):
            if e.text.startswith(("'", '"')) or e.column == 0:  # a quoted string, or JSON; never a heredoc
                out.append(_Site(e.line, e.column, e.value, True, o.file, o.kind, trail))
        elif isinstance(e, Template):
            # `"arn:...:foundation-model/${var.model}"`: the model may still
            # come from one literal handed into the template, or be written
            # in the template's own text.
            for part in e.parts:
                if isinstance(part, Expr):
                    push(part)
                elif e.text.startswith('"') or e.column == 0:
                    out.append(_Site(e.line, e.column, part, False, o.file, o.kind, trail))
        elif isinstance(e, Cond):
            # A condition known statically picks its branch, as Terraform does.
            known = Evaluator(o.instance.scope(ea, ix)).eval(e.cond) if o.instance is not None else None
            if known is not False:
                push(e.then)
            if known is not True:
                push(e.other)
        elif isinstance(e, Call) and e.name == "format" and len(e.args) > 1:
            for a in e.args[1:]:
                push(a)
        elif isinstance(e, Call) and e.name == "lookup" and len(e.args) in (2, 3):
            # The default counts only when the key is not in a literal map.
            index = Index(e.line, e.column, e.text, e.args[0], e.args[1])
            if _select(o, index, ea, ix) is not None or len(e.args) == 2:
                push(index)
            else:
                push(e.args[2])
        else:
            nxt = _step(o, ea, ix, fe)
            if nxt is not None:
                # A hop into another definition evaluates there without the
                # caller's each/count (Terraform's scoping rule).
                same = nxt.instance is o.instance and nxt.file == o.file and nxt.kind == o.kind
                hop = trail if same else (*trail, Location(nxt.file, nxt.expr.line))
                stack.append((nxt, ea if same else None, ix if same else None, fe if same else None, hop))
    return out


def _step(o: Origin, each: tuple[Any, Any] | None, idx: Any, for_each: Expr | None) -> Origin | None:
    """One hop: a name to its definition, or a lookup into a literal collection."""
    e, inst = o.expr, o.instance
    if inst is None:
        if isinstance(e, (Index, GetAttr)) and not _is_root(e):
            return _select(o, e, None, None)
        return None
    if isinstance(e, GetAttr) and isinstance(e.obj, Name):
        root, name = e.obj.name, e.name
        if root == "var":
            inp = inst.inputs.get(name)
            if inp is not None:
                origin: Origin | None = getattr(inp, "origin", None)
                return origin
            found = None
            for hf, b in inst.mdir.blocks("variable", name):
                attrs = b.attributes()
                found = (
                    Origin(attrs["default"].expr, display_path(hf.path), "variable default", inst)
                    if "default" in attrs
                    else None
                )
            return found
        if root == "local":
            inst.mdir.local_expr(name)  # parses the locals block that defines it
            for ent in inst.mdir.entries:
                if ent.type == "locals" and ent.block is not None:
                    a = ent.block.attributes().get(name)
                    if a is not None:
                        return Origin(a.expr, display_path(ent.file.path), "local", inst)
            return None
        for i, (it, coll_expr, key) in enumerate(reversed(o.iterators)):
            if root == it and name == "value":
                # A `dynamic` block's `it.value`: the element of its collection.
                outer = o.iterators[: len(o.iterators) - 1 - i]
                return _pick(Origin(coll_expr, o.file, o.kind, inst, outer), key, each, None)
        if root == "each" and name == "value" and for_each is not None and each is not None:
            coll = Origin(for_each, o.file, o.kind, inst)
            return _pick(coll, each[0], None, None)
        return None
    if isinstance(e, GetAttr) and isinstance(e.obj, GetAttr) and _is_name(e.obj.obj, "module"):
        return _module_output(inst, e.obj.name, e.name)
    if isinstance(e, (Index, GetAttr)):
        return _select(o, e, each, idx, for_each)
    return None


def _module_output(inst: Instance, mname: str, output: str) -> Origin | None:
    """`module.NAME.OUTPUT` of a single-instance local module: the output's
    value expression, in that instance (a sibling's model passed on)."""
    children = inst.child_instances(mname)
    if len(children) != 1:
        return None
    child = children[0][1]
    for hf, b in child.mdir.blocks("output", output):
        value = b.attributes().get("value")
        if value is not None:
            return Origin(value.expr, display_path(hf.path), "output", child)
    return None


def _is_name(e: Expr, name: str) -> bool:
    return isinstance(e, Name) and e.name == name


def _is_root(e: Expr) -> bool:
    return isinstance(e, GetAttr) and isinstance(e.obj, Name)


def _select(
    o: Origin, e: Index | GetAttr, each: tuple[Any, Any] | None, idx: Any, for_each: Expr | None = None
) -> Origin | None:
    """`coll["key"]`, `coll.key`, `coll[0]`: follow `coll` to a literal
    object or tuple, then take the item the key names (`each.value.model`
    picks from the `for_each` collection's element)."""
    if isinstance(e, Index):
        if o.instance is not None:
            key = Evaluator(o.instance.scope(each, idx)).eval(e.key)
        else:
            key = e.key.value if isinstance(e.key, Lit) else None
    else:
        key = e.name
    if not isinstance(key, (str, int)) or isinstance(key, bool):
        return None
    inner = Origin(e.obj, o.file, o.kind, o.instance, o.iterators)
    for _ in range(MAX_HOPS):
        if isinstance(inner.expr, (ObjectExpr, TupleExpr)):
            return _pick(inner, key, each, idx)
        nxt = _step(inner, each, idx, for_each if inner.instance is o.instance else None)
        if nxt is None:
            return None
        inner = nxt
    return None


def _pick(coll: Origin, key: Any, each: tuple[Any, Any] | None, idx: Any) -> Origin | None:
    e = coll.expr
    for _ in range(MAX_HOPS):
        if isinstance(e, (ObjectExpr, TupleExpr)):
            break
        nxt = _step(coll, each, idx, None)
        if nxt is None:
            return None
        coll, e = nxt, nxt.expr
    if isinstance(e, TupleExpr) and isinstance(key, int) and 0 <= key < len(e.items):
        return Origin(e.items[key], coll.file, coll.kind, coll.instance)
    if isinstance(e, TupleExpr) and isinstance(key, str):
        # `for_each = toset([...])` or a list of strings: each.value is the item itself.
        same = [v for v in e.items if isinstance(v, Lit) and v.value == key]
        return Origin(same[0], coll.file, coll.kind, coll.instance) if len(same) == 1 else None
    if isinstance(e, ObjectExpr):
        found = None
        for k, v in e.items:
            name = k.value if isinstance(k, Lit) else (k.name if isinstance(k, Name) else None)
            if name == key:
                found = Origin(v, coll.file, coll.kind, coll.instance)
        return found
    return None


def definition_of(
    origin: Origin,
    raw: str,
    each: tuple[Any, Any] | None = None,
    idx: Any = None,
    for_each: Expr | None = None,
) -> Definition | None:
    """The one literal that spells the model of `raw`, or None when there is
    none or more than one place it could come from."""
    want = parse_model_reference(raw).model_id
    if want is None:
        return None
    hits: dict[tuple[str, int, int], _Site] = {}
    for site in _literal_sites(origin, each, idx, for_each):
        if site.whole:
            ok = site.text == raw or parse_model_reference(site.text).model_id == want
        else:
            ok = site.text.count(want) == 1
        if ok:
            hits[(site.file, site.line, site.column)] = site
    if len(hits) != 1:
        return None
    site = next(iter(hits.values()))
    here = Location(site.file, site.line, site.column)
    chain = tuple(loc for loc in reversed(site.trail) if (loc.file, loc.line) != (here.file, here.line))
    return Definition(here, site.kind, chain)


def tfvars_json_origins(text: str, doc: dict[str, Any], shown: str) -> dict[str, Origin]:
    """Origins for the values of a `.tfvars.json` file: JSON has no
    expressions, so each string is a literal on the line its key is written
    (found by searching forward for the key, in document order); a line the
    search cannot vouch for leaves the value without an origin."""
    cursor = 0

    def node(value: Any, line: int) -> Expr | None:
        nonlocal cursor
        if isinstance(value, str):
            return Lit(line, 0, json.dumps(value), value)
        if isinstance(value, dict):
            items = []
            for k, v in value.items():
                at = _key_line(k)
                sub = node(v, at) if at else None
                if sub is not None:
                    items.append((Lit(at, 0, json.dumps(k), k), sub))
            return ObjectExpr(line, 0, "{...}", tuple(items))
        if isinstance(value, list):
            subs = [node(v, _value_line(v, line)) for v in value]
            return TupleExpr(line, 0, "[...]", tuple(s for s in subs if s is not None)) if all(subs) else None
        return None

    def _key_line(key: str) -> int:
        nonlocal cursor
        pos = text.find(json.dumps(key) + ":", cursor)
        if pos < 0:
            pos = text.find(json.dumps(key), cursor)
        if pos < 0:
            return 0
        cursor = pos + len(json.dumps(key))
        return text.count("\n", 0, pos) + 1

    def _value_line(value: Any, default: int) -> int:
        nonlocal cursor
        if not isinstance(value, str):
            return default
        pos = text.find(json.dumps(value), cursor)
        if pos < 0:
            return 0
        cursor = pos + len(json.dumps(value))
        return text.count("\n", 0, pos) + 1

    out: dict[str, Origin] = {}
    for k, v in doc.items():
        line = _key_line(k)
        expr = node(v, line) if line else None
        if expr is not None:
            out[k] = Origin(expr, shown, "tfvars", None)
    return out
