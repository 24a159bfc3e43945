"""Evaluate Terraform expressions as far as they can be known before apply,
computing exactly what Terraform computes (tests/terraform/oracle/ proves it
against the real binary).

Values are those of `functions.core` (numbers as Terraform rounds them,
maps in key order, sets in set order).  What is not statically known
(resource attributes, unset variables, data sources, functions we do not
reproduce) is an `Unknown` carrying its source text and the reason, so it is
reported as unresolved, never guessed; a conditional whose condition is
unknown keeps both branches as `alternatives`, because either may be
deployed.  What Terraform rejects raises `EvalError` inside the evaluator,
so `try` and `can` fall back only on a real failure, and becomes an
`Unknown` whose reason says Terraform rejects it at the top.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

from checker.sources.terraform.functions import FUNCTIONS, IMPURE, TooLargeError
from checker.sources.terraform.functions.core import (
    NEG_ZERO,
    EvalError,
    NotEvaluatedError,
    TfSet,
    as_bool,
    as_int,
    as_list,
    as_map,
    as_number,
    as_string,
    equal,
    first_unknown,
    is_known,
    is_number,
    make_set,
    negative,
    num,
    parse_number,
    sorted_dict,
    to_str,
    type_name,
)
from checker.sources.terraform.hclast import (
    BinOp,
    Call,
    Cond,
    Expr,
    ForExpr,
    GetAttr,
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
from checker.sources.terraform.partial import has_known_text, pieces_of, replace_literal, with_holes
from checker.sources.values import Unknown

#: Deepest expression or reference chain followed, counted across locals,
#: variables and module outputs (each evaluates in its own call); hostile input
#: can nest without bound, real configurations are shallow.
MAX_DEPTH = 100
#: Most characters in a string, or items in a list or map, one expression may
#: build.  Forty locals that each join the one before to itself build a
#: terabyte ("billion laughs", as YAML aliases do); real values are short.
MAX_VALUE = 1 << 20
#: Most values a conditional keeps when its condition is unknown (either
#: branch may be deployed, so both are checked).
MAX_ALTERNATIVES = 256
#: Expression steps one unit may take (nested `for` over large collections).
#: Work on large values (weighing a built list, comparing two) is charged at
#: one step per WEIGHT_PER_STEP characters and items.
MAX_STEPS = 1_000_000
WEIGHT_PER_STEP = 64


ValueTooLargeError = TooLargeError


@dataclass
class Budget:
    """What the evaluations of one unit may spend, shared by all of them: a
    hostile configuration then ends in unknown values and one error naming
    the first limit it hit, not in a hang or exhausted memory."""

    depth: int = 0
    steps: int = 0
    problem: str | None = None

    def exceed(self, problem: str) -> None:
        if self.problem is None:
            self.problem = problem


@dataclass
class Scope:
    """What names resolve to while evaluating one module instance."""

    variables: Callable[[str], Any]
    local: Callable[[str], Any]
    data: Callable[[str, str, str], Any]
    module_output: Callable[[str, str], Any]
    each: tuple[Any, Any] | None = None
    count_index: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    vars_read: set[str] = field(default_factory=set)
    budget: Budget = field(default_factory=Budget)
    #: (type, name, index or (), attribute) -> what a resource's output stands
    #: for (a profile's ARN for the model it copies: catalog/handles.py), or
    #: None when it is just an apply-time value.  Also asked for an instance
    #: of a data source (`data.TYPE.NAME[KEY].ATTR`, type `data.TYPE`) and of
    #: a module call (`module.NAME[KEY].OUTPUT`, type `module`).
    resource: Callable[[str, str, tuple[Any, ...], str], Any] | None = None
    #: Evaluating a document attribute (a policy's `resources`, environment
    #: variables) only to read the models in it: a list that `distinct`,
    #: `toset` or `compact` would reduce, with items known only in part, is
    #: then kept whole (every model in it is still in the result), where
    #: Terraform's value, and so any other use, is unknown.
    reading: bool = False

    def child(self, **names: Any) -> Scope:
        return Scope(
            self.variables,
            self.local,
            self.data,
            self.module_output,
            self.each,
            self.count_index,
            {**self.extra, **names},
            self.vars_read,
            self.budget,
            self.resource,
            self.reading,
        )


#: Terraform divides by zero into an infinity, which most uses then reject.
_INFINITY = "a division by zero (an infinity in Terraform)"

#: Names Terraform gives every module that are not inputs.
WORKSPACE = "default"


def _why(value: Any, reason: str) -> Any:
    """An Unknown from a name lookup, with the reason when it has none."""
    if isinstance(value, Unknown) and value.reason is None and not value.alternatives:
        return replace(value, reason=reason)
    return value


def _unknown_from(text: str, *parts: Any, partial: str | None = None) -> Unknown:
    """An Unknown for an expression whose inputs are unknown: the first
    unknown input's reason carries over, so the report says which input."""
    for p in parts:
        u = first_unknown(p)
        if u is not None:
            return Unknown(text, partial=partial, reason=u.reason or f"`{u.text}` is not known before apply")
    return Unknown(text, partial=partial)


class Evaluator:
    def __init__(self, scope: Scope, splat_item: Any = None) -> None:
        self.scope = scope
        self.budget = scope.budget
        self.splat_item = splat_item

    def eval(self, expr: Expr) -> Any:
        """The value of `expr`, or an Unknown saying why it has none."""
        try:
            return self.ev(expr)
        except EvalError as exc:
            return Unknown(expr.text, reason=f"Terraform rejects this expression: {exc}")
        except NotEvaluatedError as exc:
            return Unknown(expr.text, reason=f"not evaluated by this scanner: {exc}")

    def ev(self, expr: Expr) -> Any:
        budget = self.budget
        budget.depth += 1
        budget.steps += 1
        try:
            if budget.depth > MAX_DEPTH:
                budget.exceed(f"references nest more than {MAX_DEPTH} deep")
                return Unknown(expr.text, reason="evaluation limit reached")
            if budget.steps > MAX_STEPS:
                budget.exceed(f"expressions take more than {MAX_STEPS:,} evaluation steps")
                return Unknown(expr.text, reason="evaluation limit reached")
            return self._bounded(self._eval(expr), expr)
        except RecursionError:
            budget.exceed(f"references nest more than {MAX_DEPTH} deep")
            return Unknown(expr.text, reason="evaluation limit reached")
        finally:
            budget.depth -= 1

    def _bounded(self, value: Any, expr: Expr) -> Any:
        """The value, or Unknown when it is over a limit: the check that keeps
        a value doubling at each step from doubling again.  A list or map
        built here (not one read from a variable or local, which was checked
        when it was built) is weighed with everything it holds, shared parts
        counted each time, so nesting cannot hide the doubling either."""
        if isinstance(value, str) and len(value) > MAX_VALUE:
            return self._string_too_long(expr)
        if isinstance(value, (list, dict)) and isinstance(expr, _BUILDERS):
            weight = _weigh(value)
            self.budget.steps += weight // WEIGHT_PER_STEP
            if weight > MAX_VALUE:
                self.budget.exceed(f"an expression builds a collection of more than {MAX_VALUE:,} items and characters")
                return Unknown(expr.text, reason="evaluation limit reached")
        if isinstance(value, Unknown):
            if len(value.alternatives) > MAX_ALTERNATIVES:
                self.budget.exceed(f"conditionals give more than {MAX_ALTERNATIVES} alternative values")
                return Unknown(expr.text, reason="evaluation limit reached")
            if value.partial is not None and len(value.partial) > MAX_VALUE:
                return Unknown(value.text, alternatives=value.alternatives, reason=value.reason)
        return value

    def _string_too_long(self, expr: Expr) -> Unknown:
        self.budget.exceed(f"an expression builds a string of more than {MAX_VALUE:,} characters")
        return Unknown(expr.text, reason="evaluation limit reached")

    def _sub(self, **names: Any) -> Evaluator:
        return Evaluator(self.scope.child(**names), self.splat_item)

    def _eval(self, expr: Expr) -> Any:
        if isinstance(expr, Lit):
            v = expr.value
            if is_number(v) and v == 0 and expr.text.lstrip().startswith("-"):
                return NEG_ZERO  # a parser that folds `-0` into one literal
            if isinstance(v, float):
                try:
                    return parse_number(expr.text.strip())
                except EvalError:
                    return num(Fraction(v))
            return v
        if isinstance(expr, Template):
            return self._template(expr)
        if isinstance(expr, (Name, GetAttr, Index)):
            return self._reference(expr)
        if isinstance(expr, SplatItem):
            return self.splat_item
        if isinstance(expr, Splat):
            return self._splat(expr)
        if isinstance(expr, TupleExpr):
            return [self.ev(i) for i in expr.items]
        if isinstance(expr, ObjectExpr):
            return self._object(expr)
        if isinstance(expr, Cond):
            return self._cond(expr)
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, BinOp):
            return self._binop(expr)
        if isinstance(expr, Unary):
            v = self.ev(expr.operand)
            if isinstance(v, Unknown):
                return _unknown_from(expr.text, v)
            if expr.op == "!":
                return not as_bool(v, "operand of !")
            n = as_number(v, "operand of -")
            if n == 0:
                return 0 if negative(n) else NEG_ZERO
            return num(-n)
        if isinstance(expr, ForExpr):
            return self._for(expr)
        if isinstance(expr, Opaque):
            return Unknown(expr.text, reason="syntax not evaluated by this scanner")
        return Unknown(expr.text, reason="syntax not evaluated by this scanner")

    def _object(self, expr: ObjectExpr) -> Any:
        out: dict[str, Any] = {}
        for k, v in expr.items:
            ks = _key(self.ev(k), expr, "an object key")
            if isinstance(ks, Unknown):
                return ks
            out[ks] = self.ev(v)
        return sorted_dict(out.items())

    def _cond(self, expr: Cond) -> Any:
        c = self.ev(expr.cond)
        if isinstance(c, Unknown):
            try:
                a = self.ev(expr.then)
            except EvalError:
                a = Unknown(expr.then.text, reason="Terraform rejects this branch")
            try:
                b = self.ev(expr.other)
            except EvalError:
                b = Unknown(expr.other.text, reason="Terraform rejects this branch")
            return Unknown(expr.text, alternatives=(*_alts(a), *_alts(b)), reason=_undecided(expr.cond.text, c))
        chosen = self.ev(expr.then if as_bool(c, "condition") else expr.other)
        other_expr = expr.other if c else expr.then
        if isinstance(chosen, (str, bool)) or is_number(chosen):
            # Both results are unified to one type: a number or bool beside a
            # string becomes a string.
            if isinstance(other_expr, Lit) and isinstance(other_expr.value, str) and not isinstance(chosen, str):
                return to_str(chosen)
            if isinstance(chosen, str) and isinstance(other_expr, Lit) and other_expr.value is not None:
                return chosen
        return chosen

    def _template(self, expr: Template) -> Any:
        parts = expr.parts
        if len(parts) == 1 and isinstance(parts[0], Expr) and not isinstance(parts[0], (TemplateIf, TemplateFor)):
            return self.ev(parts[0])  # "${x}" is x itself, of any type
        values = [self._template_part(p) for p in parts]
        choices = [i for i, v in enumerate(values) if isinstance(v, Unknown) and v.alternatives]
        if choices:
            # A part chosen by an undecided condition: the template once per
            # choice, each a value that may be deployed.
            return self._each_alternative(expr, values, choices, lambda vs: self._join_parts(expr, parts, vs))
        return self._join_parts(expr, parts, values)

    def _join_parts(self, expr: Template, parts: tuple[str | Expr, ...], values: list[Any]) -> Any:
        """The template's string from its parts' values: a known string, or
        a string with holes where a part is unknown (its known text kept)."""
        pieces: list[tuple[bool, str]] = []
        unknown: Unknown | None = None
        size = 0
        for p, v in zip(parts, values, strict=True):
            if isinstance(v, Unknown):
                unknown = unknown or v
                got = pieces_of(v, p.text if isinstance(p, Expr) else "") if not v.alternatives else None
                got = got or ((False, p.text if isinstance(p, Expr) else ""),)
            else:
                got = ((True, v if isinstance(v, str) else _interpolated(v)),)
            for known, t in got:
                size += len(t)
                pieces.append((known, t))
            if size > MAX_VALUE:
                return self._string_too_long(expr)
        if unknown is not None:
            return with_holes(expr.text, pieces, unknown.reason)
        return "".join(t for _, t in pieces)

    def _each_alternative(
        self, expr: Expr, values: list[Any], choices: list[int], apply: Callable[[list[Any]], Any]
    ) -> Any:
        """`apply` over every combination of the alternatives of the values
        at `choices` (each an Unknown of an undecided condition): the
        alternatives of the whole, reported conditional, bounded as a
        conditional's are.  A combination Terraform rejects is an
        alternative that is unknown, not a failure of the whole."""
        combos: list[list[Any]] = [list(values)]
        for i in choices:
            alts = values[i].alternatives
            if len(combos) * len(alts) > MAX_ALTERNATIVES:
                self.budget.exceed(f"conditionals give more than {MAX_ALTERNATIVES} alternative values")
                return Unknown(expr.text, reason="evaluation limit reached")
            combos = [[*c[:i], a, *c[i + 1 :]] for c in combos for a in alts]
        out: list[Any] = []
        for combo in combos:
            try:
                got = apply(combo)
            except EvalError as exc:
                got = Unknown(expr.text, reason=f"Terraform rejects this alternative: {exc}")
            out.extend(_alts(got))
        return Unknown(expr.text, alternatives=tuple(out), reason=values[choices[0]].reason)

    def _template_part(self, p: str | Expr) -> str | Unknown:
        if isinstance(p, str):
            return p
        if isinstance(p, TemplateIf):
            c = self.ev(p.cond)
            if isinstance(c, Unknown):
                return _unknown_from(p.text, c)
            body = p.then if as_bool(c, "template if condition") else p.other
            return "" if body is None else self._template_body(body)
        if isinstance(p, TemplateFor):
            coll = self.ev(p.collection)
            if isinstance(coll, Unknown):
                return _unknown_from(p.text, coll)
            pieces: list[str] = []
            for k, v in _pairs(coll):
                names = {p.value_var: v}
                if p.key_var:
                    names[p.key_var] = k
                s = self._sub(**names)._template_body(p.body)
                if isinstance(s, Unknown):
                    return s
                pieces.append(s)
            return "".join(pieces)
        v = self.ev(p)
        if isinstance(v, Unknown):
            return v if v.pieces or v.alternatives else _unknown_from(p.text, v)
        return _interpolated(v)

    def _template_body(self, body: Expr) -> str | Unknown:
        """A directive's body: a string, or wholly unknown (an unknown part
        of one body is not the value of the whole directive)."""
        if isinstance(body, Template):
            out: list[str] = []
            for p in body.parts:
                s = self._template_part(p)
                if isinstance(s, Unknown):
                    return _unknown_from(body.text, s)
                out.append(s if isinstance(s, str) else _interpolated(s))
            return "".join(out)
        v = self.ev(body)
        if isinstance(v, Unknown):
            return _unknown_from(body.text, v)
        return as_string(v, "template")

    def _splat(self, expr: Splat) -> Any:
        v = self.ev(expr.obj)
        if isinstance(v, Unknown):
            return _unknown_from(expr.text, v)
        if v is None:
            return []
        items = v if isinstance(v, list) else [v]
        out = [Evaluator(self.scope, item).ev(expr.each) for item in items]
        return out

    def _reference(self, expr: Expr) -> Any:
        path = _traversal(expr)
        if path is None:
            # An attribute or index of any other expression's value.
            if isinstance(expr, GetAttr):
                return self._descend(self.ev(expr.obj), [expr.name], expr)
            if isinstance(expr, Index):
                return self._descend(self.ev(expr.obj), [expr.key], expr)
            return Unknown(expr.text)
        if not isinstance(path[0], str):
            return Unknown(expr.text)
        head = path[0]
        rest = path[1:]
        scope = self.scope
        if head in scope.extra:
            return self._descend(scope.extra[head], rest, expr)
        if head == "var" and rest and isinstance(rest[0], str):
            scope.vars_read.add(rest[0])
            value = _why(scope.variables(rest[0]), f"variable `var.{rest[0]}` has no default and no value is given")
            return self._descend(value, rest[1:], expr)
        if head == "local" and rest and isinstance(rest[0], str):
            return self._descend(_why(scope.local(rest[0]), f"`local.{rest[0]}` is not defined"), rest[1:], expr)
        if head == "each" and rest and scope.each is not None:
            if rest[0] == "key":
                return self._descend(_why(scope.each[0], "the for_each keys are not known"), rest[1:], expr)
            if rest[0] == "value":
                return self._descend(_why(scope.each[1], "the for_each values are not known"), rest[1:], expr)
        if head == "count" and rest == ["index"] and scope.count_index is not None:
            return _why(scope.count_index, "the count is not known")
        if head == "terraform" and rest[:1] == ["workspace"]:
            return self._descend(WORKSPACE, rest[1:], expr)
        if head == "path" and rest[:1] == ["cwd"]:
            return Unknown(expr.text, reason="`path.cwd` is the directory Terraform runs in")
        if head == "data" and len(rest) >= 4 and scope.resource is not None and _instance_step(rest):
            # data.TYPE.NAME[KEY].ATTR: an instance of a data source with count or for_each.
            chained = self._resource_output(f"data.{rest[0]}", str(rest[1]), rest[2:])
            if chained is not None:
                return self._descend(chained[0], chained[1], expr)
        if head == "data" and len(rest) >= 3 and all(isinstance(r, str) for r in rest[:3]):
            dtype, dname, attr = str(rest[0]), str(rest[1]), str(rest[2])
            value = _why(scope.data(dtype, dname, attr), f"data source `data.{dtype}.{dname}` is read at apply")
            return self._descend(value, rest[3:], expr)
        if head == "module" and len(rest) >= 3 and scope.resource is not None and _instance_step([head, *rest]):
            # module.NAME[INDEX].OUTPUT: one instance of a call with count or for_each.
            chained = self._resource_output("module", str(rest[0]), rest[1:])
            if chained is not None:
                return self._descend(chained[0], chained[1], expr)
        if head == "module" and len(rest) >= 2 and isinstance(rest[0], str):
            # module.NAME.OUTPUT or module.NAME[INDEX].OUTPUT
            out_name = rest[1] if isinstance(rest[1], str) else (rest[2] if len(rest) > 2 else None)
            if isinstance(out_name, str):
                tail = rest[2:] if isinstance(rest[1], str) else rest[3:]
                value = _why(
                    scope.module_output(rest[0], out_name),
                    f"module output `module.{rest[0]}.{out_name}` is not known before apply",
                )
                return self._descend(value, tail, expr)
        if head in ("var", "local", "each", "count", "path", "self", "terraform", "module", "data"):
            return Unknown(expr.text, reason=f"`{expr.text}` is not known before apply")
        if len(path) < 3:
            return Unknown(expr.text, reason=f"`{expr.text}` is not a name defined here")
        if scope.resource is not None and isinstance(rest[0], str):
            chained = self._resource_output(head, rest[0], rest[1:])
            if chained is not None:
                return self._descend(chained[0], chained[1], expr)
        return Unknown(expr.text, reason=f"`{expr.text}` is a resource attribute, known only after apply")

    def _resource_output(self, rtype: str, name: str, rest: list[str | Expr]) -> tuple[Any, list[str | Expr]] | None:
        """`TYPE.NAME.ATTR` or `TYPE.NAME[KEY].ATTR` that stands for a model, and the steps after it."""
        assert self.scope.resource is not None
        index: tuple[Any, ...] = ()
        if rest and not isinstance(rest[0], str):
            key = self.ev(rest[0])
            if isinstance(key, Unknown):
                return None
            index, rest = (key,), rest[1:]
        if not rest or not isinstance(rest[0], str):
            return None
        value = self.scope.resource(rtype, name, index, rest[0])
        return None if value is None else (value, rest[1:])

    def _descend(self, value: Any, rest: list[str | Expr], expr: Expr) -> Any:
        for step in rest:
            if isinstance(value, Unknown):
                return value if value.alternatives else _unknown_from(expr.text, value)
            key: Any = step if isinstance(step, str) else self.ev(step)
            if isinstance(key, Unknown):
                return _unknown_from(expr.text, key)
            value = _step(value, key, isinstance(step, str))
        return value

    def _binop(self, expr: BinOp) -> Any:
        a, b = self.ev(expr.left), self.ev(expr.right)
        op = expr.op
        if op in ("==", "!="):
            if not is_known(a) or not is_known(b):
                return _unknown_from(expr.text, a, b)
            self.budget.steps += (_weigh(a) + _weigh(b)) // WEIGHT_PER_STEP
            same = equal(a, b)
            return same if op == "==" else not same
        if op in ("&&", "||"):
            if op == "&&" and (a is False or b is False):
                return False
            if op == "||" and (a is True or b is True):
                return True
            if isinstance(a, Unknown) or isinstance(b, Unknown):
                return _unknown_from(expr.text, a, b)
            p, q = as_bool(a, f"left of {op}"), as_bool(b, f"right of {op}")
            return (p and q) if op == "&&" else (p or q)
        if isinstance(a, Unknown) or isinstance(b, Unknown):
            return _unknown_from(expr.text, a, b)
        x, y = as_number(a, f"left of {op}"), as_number(b, f"right of {op}")
        if op in ("*", "/") and (x == 0 or y == 0):
            if op == "/" and y == 0:
                raise NotEvaluatedError(_INFINITY)
            return NEG_ZERO if negative(x) != negative(y) else 0
        if op in ("+", "-") and x == 0 and y == 0:
            # -0 + -0 and -0 - 0 keep the sign; every other sum of zeros is 0
            return NEG_ZERO if negative(x) and (negative(y) if op == "+" else not negative(y)) else 0
        if op == "+":
            return num(x + y)
        if op == "-":
            return num(x - y)
        if op == "*":
            return num(x * y)
        if op == "/":
            return num(Fraction(x) / Fraction(y))
        if op == "%":
            if y == 0:
                raise NotEvaluatedError("modulo by zero")
            quotient = Fraction(x) / Fraction(y)
            return num(x - y * math.trunc(quotient))
        if op == "<":
            return x < y
        if op == ">":
            return x > y
        if op == "<=":
            return x <= y
        if op == ">=":
            return x >= y
        return Unknown(expr.text, reason=f"operator {op} not evaluated by this scanner")

    def _for(self, expr: ForExpr) -> Any:
        coll = self.ev(expr.collection)
        if isinstance(coll, Unknown):
            return _unknown_from(expr.text, coll)
        pairs = _pairs(coll)
        if len(pairs) > 10000:
            return Unknown(expr.text, reason="evaluation limit reached")
        out_list: list[Any] = []
        out_obj: dict[str, Any] = {}
        for k, v in pairs:
            names = {expr.value_var: v}
            if expr.key_var:
                names[expr.key_var] = k
            sub = self._sub(**names)
            if expr.cond is not None:
                c = sub.ev(expr.cond)
                if isinstance(c, Unknown):
                    return _unknown_from(expr.text, c)
                if not as_bool(c, "for condition"):
                    continue
            if expr.is_object and expr.key_expr is not None:
                ks = _key(sub.ev(expr.key_expr), expr, "a for expression key")
                if isinstance(ks, Unknown):
                    return ks
                val = sub.ev(expr.value_expr)
                if expr.grouping:
                    out_obj.setdefault(ks, []).append(val)
                elif ks in out_obj:
                    raise EvalError(f'duplicate key "{ks}" in a for expression (use ... to group)')
                else:
                    out_obj[ks] = val
            else:
                out_list.append(sub.ev(expr.value_expr))
        return sorted_dict(out_obj.items()) if expr.is_object else out_list

    def _call(self, expr: Call) -> Any:
        name = expr.name
        if name.startswith("provider::"):
            return Unknown(expr.text, reason=f"provider-defined function {name}() is evaluated by the provider")
        name = name.removeprefix("core::")
        if name in ("try", "can"):
            return self._try(expr, name)
        if name == "templatestring":
            return self._templatestring(expr)
        args = [self.ev(a) for a in expr.args]
        if expr.expand and args:
            last = args[-1]
            if isinstance(last, Unknown):
                return _unknown_from(expr.text, last)
            args = [*args[:-1], *as_list(last, "the expanded argument")]
        fn = FUNCTIONS.get(name)
        if fn is None:
            if name in IMPURE:
                return Unknown(expr.text, reason=f"{name}() reads the file system or the clock; not evaluated")
            return Unknown(expr.text, reason=f"function {name}() is not evaluated by this scanner")
        choices = [i for i, a in enumerate(args) if isinstance(a, Unknown) and a.alternatives]
        if choices:
            # An argument chosen by an undecided condition: the call once per
            # choice, so each branch's model is still read.
            return self._each_alternative(expr, args, choices, lambda vs: self._apply(expr, name, fn, vs))
        return self._apply(expr, name, fn, args)

    def _apply(self, expr: Call, name: str, fn: Callable[..., Any], args: list[Any]) -> Any:
        if not all(is_known(a) for a in args):
            partly = _PARTLY_KNOWN.get(name)
            got = partly(args) if partly is not None else None
            if got is None and self.scope.reading:
                if name in _KEEPS_ITEMS and len(args) == 1:
                    got = _keep_items(name, args[0])
                elif name == "concat":
                    # Every item of the lists that are known is in the result
                    # (`concat(list_of_arns, apply_time_list)`), wherever it sits.
                    got = [item for a in args if isinstance(a, list) and not isinstance(a, TfSet) for item in a]
            if isinstance(got, list):
                return got  # a list of values, some unknown: its known structure is Terraform's
            if got is not None and any(not known for known, _ in got):
                return with_holes(expr.text, got, (first_unknown(args) or Unknown("")).reason)
            return _unknown_from(expr.text, *args)
        try:
            return fn(*args)
        except TooLargeError as exc:
            self.budget.exceed(f"{name}() would build {exc}")
            return Unknown(expr.text, reason="evaluation limit reached")
        except EvalError as exc:
            raise EvalError(f"{name}(): {exc}") from None
        except NotEvaluatedError:
            raise
        except TypeError:
            raise EvalError(f"{name}(): wrong number or type of arguments") from None
        except (ValueError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            raise EvalError(f"{name}(): {exc}") from None

    def _try(self, expr: Call, name: str) -> Any:
        """Terraform falls back only when evaluating an argument fails; an
        argument known only at apply (or that we cannot evaluate) leaves the
        result unknown, since it may or may not fail then."""
        if not expr.args:
            raise EvalError(f"{name}() needs an argument")
        for a in expr.args:
            try:
                v = self.ev(a)
            except EvalError:
                if name == "can":
                    return False
                continue
            if not is_known(v):
                if name == "try" and isinstance(v, Unknown) and (v.pieces or v.alternatives):
                    return self._try_later(expr, a, v)
                return _unknown_from(expr.text, v)
            return True if name == "can" else v
        raise EvalError("try(): no argument could be evaluated")

    def _try_later(self, expr: Call, first: Expr, value: Unknown) -> Any:
        """`try(x, y...)` where x is known in part: at apply x gives its
        value, or fails and a later argument is used, so each is a value that
        may be deployed (reported conditional, never one unresolved)."""
        rest: list[Any] = []
        after = expr.args[expr.args.index(first) + 1 :]
        for a in after:
            try:
                v = self.ev(a)
            except EvalError:
                continue
            rest.extend(_alts(v))
            if is_known(v):
                break  # a later argument is never reached
        unknown = value.reason or "not known before apply"
        why = f"try() uses a later argument if `{first.text}` fails at apply: {unknown}"
        return Unknown(expr.text, alternatives=(*_alts(value), *rest), reason=why)

    def _templatestring(self, expr: Call) -> Any:
        if len(expr.args) != 2:
            raise EvalError("templatestring() takes two arguments")
        if _traversal(expr.args[0]) is None:
            raise EvalError("templatestring(): the template must be given as a reference, not a literal")
        text = self.ev(expr.args[0])
        names = self.ev(expr.args[1])
        if not is_known(text) or not is_known(names):
            return _unknown_from(expr.text, text, names)
        from checker.sources.terraform.hclast import Attribute, HclSyntaxError, parse_hcl

        src = as_string(text, "template")
        try:
            body = parse_hcl("x = " + json.dumps(src).replace("\\\\$", "$") + "\n", "templatestring").body
        except HclSyntaxError as exc:
            raise EvalError(f"templatestring(): {exc}") from None
        attr = body[0] if body else None
        if not isinstance(attr, Attribute):
            raise EvalError("templatestring(): not a template")
        bound = {k: v for k, v in as_map(names, "template variables").items()}
        sub = Evaluator(empty_scope(self.budget, "templatestring() sees only its variables").child(**bound))
        v = sub.ev(attr.expr)
        return v if isinstance(v, Unknown) else as_string(v, "template result")


def _interpolated(v: Any) -> str:
    """A known value as a template shows it; EvalError where Terraform
    rejects the interpolation."""
    if v is None:
        raise EvalError("a template interpolates null")
    text = to_str(v)
    if text is None:
        raise EvalError(f"a template cannot interpolate a {type_name(v)}")
    return text


def _undecided(condition: str, value: Any) -> str:
    """Why a conditional's branches are all kept: the condition, named."""
    why = value.reason if isinstance(value, Unknown) and value.reason else "it is not known before apply"
    return f"chosen by the condition `{condition}`, not decided statically: {why}"


def _key(key: Any, expr: Expr, what: str) -> str | Unknown:
    """An object key as Terraform takes it: a string, or a number or bool
    converted to one; null and collections are rejected."""
    if isinstance(key, Unknown):
        return _unknown_from(expr.text, key)
    if key is None:
        raise EvalError(f"{what} is null")
    text = to_str(key)
    if text is None:
        raise EvalError(f"{what} must be a string, not a {type_name(key)}")
    return text


def _step(value: Any, key: Any, is_attr: bool) -> Any:
    """`value[key]` or `value.key`, failing where Terraform fails."""
    if value is None:
        raise EvalError("a null value has no attributes or elements")
    if isinstance(value, dict):
        k = to_str(key)
        if k is None:
            raise EvalError(f"a map key must be a string, not a {type_name(key)}")
        if k not in value:
            raise EvalError(f'no key or attribute "{k}"')
        return value[k]
    if isinstance(value, TfSet):
        raise EvalError("a set has no index; convert it with tolist()")
    if isinstance(value, list):
        if is_attr and not (isinstance(key, str) and key.isdigit()):
            raise EvalError(f'a list has no attribute "{key}"')
        i = as_int(key, "index")
        if not 0 <= i < len(value):
            raise EvalError(f"index {i} is out of range for a list of {len(value)}")
        return value[i]
    raise EvalError(f"a {type_name(value)} cannot be indexed")


def _pairs(coll: Any) -> list[tuple[Any, Any]]:
    """(key, value) for a for expression: maps in key order, sets in set
    order with the value as key, lists by position."""
    if isinstance(coll, dict):
        return [(k, coll[k]) for k in sorted(coll)]
    if isinstance(coll, TfSet):
        return [(v, v) for v in coll]
    if isinstance(coll, list):
        return list(enumerate(coll))
    if coll is None:
        raise EvalError("a for expression over null")
    raise EvalError(f"a for expression cannot iterate a {type_name(coll)}")


def _instance_step(rest: list[str | Expr]) -> bool:
    """`TYPE.NAME[KEY]...`: two names, then an index."""
    return isinstance(rest[0], str) and isinstance(rest[1], str) and not isinstance(rest[2], str)


def _traversal(expr: Expr) -> list[str | Expr] | None:
    """`var.x.y[0]` -> ["var", "x", "y", <Lit 0>]; None for other shapes."""
    if isinstance(expr, Name):
        return [expr.name]
    if isinstance(expr, GetAttr):
        head = _traversal(expr.obj)
        return None if head is None else [*head, expr.name]
    if isinstance(expr, Index):
        head = _traversal(expr.obj)
        return None if head is None else [*head, expr.key]
    return None


def _alts(v: Any) -> tuple[Any, ...]:
    if isinstance(v, Unknown) and v.alternatives:
        return v.alternatives
    return (v,)


_VERB = re.compile(r"%(?:(%)|([-+# 0]*\d*(?:\.\d*)?)([a-zA-Z]))")


def _format_partly(args: list[Any]) -> tuple[tuple[bool, str], ...] | None:
    """`format("arn:%s:bedrock:%s::foundation-model/%s", partition, region,
    model)` with some arguments unknown: the known text with a hole per
    unknown argument, when every verb is plain (`%s`, `%v`, `%%`); a verb
    with flags, width or an argument index formats an unknown argument in
    ways its text does not show, so the result is then wholly unknown.  A
    known argument is formatted by the real `format`."""
    fmt = args[0]
    if not isinstance(fmt, str):
        return None
    out: list[tuple[bool, str]] = []
    pos, ai = 0, 1
    for m in _VERB.finditer(fmt):
        if "%" in fmt[pos : m.start()]:
            return None  # a verb this does not read (`%[2]s`)
        if m.start() > pos:
            out.append((True, fmt[pos : m.start()]))
        pos = m.end()
        if m.group(1):
            out.append((True, "%"))
            continue
        if ai >= len(args):
            return None
        a = args[ai]
        ai += 1
        if is_known(a):
            try:
                out.append((True, FUNCTIONS["format"]("%" + m.group(2) + m.group(3), a)))
            except (EvalError, NotEvaluatedError, TypeError, ValueError):
                return None
            continue
        got = pieces_of(a) if m.group(2) == "" and m.group(3) in "sv" else None
        if got is None:
            return None
        out.extend(got)
    if "%" in fmt[pos:] or ai != len(args):
        return None
    out.append((True, fmt[pos:]))
    return tuple(out)


def _join_partly(args: list[Any]) -> tuple[tuple[bool, str], ...] | None:
    """`join(sep, list)` of a known list whose items are strings, some with
    holes: the items' pieces between the separators."""
    if len(args) != 2 or not isinstance(args[0], str) or not isinstance(args[1], list):
        return None
    out: list[tuple[bool, str]] = []
    for i, item in enumerate(args[1]):
        got = pieces_of(item) if item is not None and not isinstance(item, (list, dict)) else None
        if got is None:
            return None
        if i:
            out.append((True, args[0]))
        out.extend(got)
    return tuple(out)


def _replace_partly(args: list[Any]) -> tuple[tuple[bool, str], ...] | None:
    """`replace(s, old, new)` with a literal `old` (a `/regex/` can match
    across a hole in ways its text does not show)."""
    if len(args) != 3 or not isinstance(args[1], str) or not isinstance(args[2], (str, Unknown)):
        return None
    old = args[1]
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return None
    got = pieces_of(args[0]) if isinstance(args[0], (str, Unknown)) else None
    new = pieces_of(args[2])
    return None if got is None or new is None else replace_literal(got, old, new)


def _coalesce_partly(args: list[Any]) -> tuple[tuple[bool, str], ...] | None:
    """`coalesce(a, b, ...)`: Terraform's answer is the first argument that
    is neither null nor empty; a string with known text is certainly not
    empty, so when every argument before it is null or "" it is the answer.
    Only strings: other types would be converted to a common type first."""
    for a in args:
        if a is None or a == "":
            continue
        if isinstance(a, Unknown):
            got = pieces_of(a)
            return got if got is not None and has_known_text(got) else None
        return None
    return None


def _concat_partly(args: list[Any]) -> list[Any] | None:
    """`concat` of known lists whose items may be unknown: the items are
    only placed, never looked at."""
    if not args or not all(isinstance(a, list) and not isinstance(a, TfSet) for a in args):
        return None
    return [item for a in args for item in a]


#: Functions whose result holds every item of their list (in a document read
#: for its models, see `Scope.reading`).
_KEEPS_ITEMS = frozenset({"distinct", "toset", "compact", "tolist"})


def _keep_items(name: str, value: Any) -> list[Any] | None:
    """The items a `distinct`/`toset`/`compact` of a list with unknown items
    keeps at least (`compact` drops known null and empty strings)."""
    if not isinstance(value, list) or isinstance(value, TfSet):
        return None
    if name == "compact":
        return [v for v in value if v is not None and v != ""]
    return list(value)


#: The functions whose result can be decided, at least in part, when some
#: arguments are strings with holes (see `checker.sources.terraform.partial`).
_PARTLY_KNOWN: dict[str, Callable[[list[Any]], Any]] = {
    "format": _format_partly,
    "join": _join_partly,
    "replace": _replace_partly,
    "coalesce": _coalesce_partly,
    "concat": _concat_partly,
}


def _weigh(v: Any, limit: int = MAX_VALUE) -> int:
    """Characters and items in a value, counting each shared part each time it
    is used (as its text would), and stopping as soon as the total is over
    `limit`: a list of a million references to one long string is small in
    memory, and a terabyte once encoded or joined."""
    total = 0
    stack = [v]
    while stack and total <= limit:
        x = stack.pop()
        if isinstance(x, str):
            total += len(x)
        elif isinstance(x, list):
            total += len(x) + 1
            stack.extend(x)
        elif isinstance(x, dict):
            total += len(x) + 1
            for k, item in x.items():
                total += len(k)
                stack.append(item)
        else:
            total += 1
    return total


#: Expressions whose list or map value is new, and so weighed (see _bounded).
_BUILDERS = (TupleExpr, ObjectExpr, ForExpr, Call)


# --- what Terraform does with values before a resource sees them -------------


def count_of(v: Any) -> int | Unknown:
    """`count`: a whole number (a numeric string converts), not negative."""
    if isinstance(v, Unknown):
        return _unknown_from("count", v)
    if isinstance(v, bool) or v is None:
        raise EvalError(f"count must be a whole number, not {type_name(v)}")
    n = as_int(v, "count")
    if n < 0:
        raise EvalError("count must not be negative")
    return n


def for_each_of(v: Any) -> list[tuple[str, Any]] | Unknown:
    """`for_each`: a map (keys in order) or a set of strings; a list, a set
    of other types or null is an error, as in Terraform."""
    if isinstance(v, Unknown) or (not is_known(v) and isinstance(v, TfSet)):
        return _unknown_from("for_each", v)
    if isinstance(v, dict):
        return [(k, v[k]) for k in sorted(v)]
    if isinstance(v, TfSet):
        if not all(isinstance(i, str) for i in v):
            raise EvalError("for_each over a set needs a set of strings")
        return [(i, i) for i in v]
    if isinstance(v, list):
        raise EvalError("for_each needs a map or a set of strings, not a list (use toset())")
    raise EvalError(f"for_each needs a map or a set of strings, not {type_name(v)}")


def convert(value: Any, type_expr: Expr | None) -> Any:
    """A value converted to a variable's type constraint, as Terraform
    converts tfvars and module inputs (optional attributes get their
    defaults); EvalError where the value does not fit."""
    if type_expr is None or isinstance(value, Unknown):
        return value
    type_expr = _type_expression(type_expr)
    if isinstance(type_expr, Name):
        t = type_expr.name
        if t == "any":
            return value
        if value is None:
            return None
        if not is_known(value):
            return value
        if t == "string":
            return as_string(value, "the value")
        if t == "number":
            return as_number(value, "the value")
        if t == "bool":
            return as_bool(value, "the value")
        raise NotEvaluatedError(f"type {t}")
    if isinstance(type_expr, Call) and type_expr.args:
        kind, arg = type_expr.name, type_expr.args[0]
        if value is None:
            return None
        if kind == "list":
            return [convert(i, arg) for i in as_list(value, "the value")]
        if kind == "set":
            return make_set(convert(i, arg) for i in as_list(value, "the value"))
        if kind == "map":
            return sorted_dict((k, convert(v, arg)) for k, v in as_map(value, "the value").items())
        if kind == "tuple" and isinstance(arg, TupleExpr):
            items = as_list(value, "the value")
            if len(items) != len(arg.items):
                raise EvalError("the value has the wrong number of elements")
            return [convert(i, t) for i, t in zip(items, arg.items, strict=True)]
        if kind == "object" and isinstance(arg, ObjectExpr):
            d = as_map(value, "the value")
            out: dict[str, Any] = {}
            for k_expr, attr_type in arg.items:
                k = k_expr.value if isinstance(k_expr, Lit) else None
                if not isinstance(k, str):
                    raise NotEvaluatedError("an object type with a computed attribute name")
                optional = isinstance(attr_type, Call) and attr_type.name == "optional"
                if k in d and d[k] is not None:
                    inner = attr_type.args[0] if optional and isinstance(attr_type, Call) else attr_type
                    out[k] = convert(d[k], inner)
                elif optional and isinstance(attr_type, Call):
                    default = None
                    if len(attr_type.args) > 1:
                        default = Evaluator(empty_scope()).ev(attr_type.args[1])
                    out[k] = convert(default, attr_type.args[0])
                elif k in d:
                    out[k] = None
                else:
                    raise EvalError(f'attribute "{k}" is required')
            return sorted_dict(out.items())
    raise NotEvaluatedError(f"the type constraint {type_expr.text}")


def empty_scope(budget: Budget | None = None, reason: str | None = None) -> Scope:
    """A scope where no name is known: tfvars, `-var` values and type
    defaults are literal values, evaluated with nothing to refer to."""
    return Scope(
        lambda n: Unknown(f"var.{n}", reason=reason),
        lambda n: Unknown(f"local.{n}", reason=reason),
        lambda *a: Unknown("data", reason=reason),
        lambda *a: Unknown("module", reason=reason),
        budget=budget or Budget(),
    )


def is_string_type(type_expr: Expr | None) -> bool:
    """Whether `-var NAME=VALUE` takes VALUE literally: no type, or string."""
    if type_expr is None:
        return True
    t = _type_expression(type_expr)
    return isinstance(t, Name) and t.name == "string"


def _type_expression(type_expr: Expr) -> Expr:
    """Terraform's JSON syntax writes a type constraint as a string
    (`"type": "list(string)"`): the type is the expression in that string."""
    if not (isinstance(type_expr, Lit) and isinstance(type_expr.value, str)):
        return type_expr
    from checker.sources.terraform.hclast import Attribute, HclSyntaxError, parse_hcl

    try:
        body = parse_hcl(f"x = {type_expr.value}\n", "type").body
    except (HclSyntaxError, RecursionError):
        raise NotEvaluatedError(f"the type constraint {type_expr.value!r}") from None
    first = body[0] if body else None
    if not isinstance(first, Attribute):
        raise NotEvaluatedError(f"the type constraint {type_expr.value!r}")
    return first.expr


__all__ = [
    "Budget",
    "EvalError",
    "Evaluator",
    "NotEvaluatedError",
    "Scope",
    "convert",
    "count_of",
    "empty_scope",
    "for_each_of",
    "is_known",
    "is_string_type",
    "to_str",
]
