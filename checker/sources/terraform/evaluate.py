"""Evaluate Terraform expressions as far as they can be known before apply.

Values are plain Python (str, int, float, bool, None, list, dict).  What is
not statically known (resource attributes, unset variables, `path.module`)
is an `Unknown` carrying its source text, so it can be reported as
unresolved; a conditional whose condition is unknown keeps both branches as
`alternatives`, because either may be deployed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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
    Template,
    TupleExpr,
    Unary,
)
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


class EvalError(Exception):
    """An expression Terraform itself would reject (bad index, bad call)."""


class ValueTooLargeError(ValueError):
    """A function would build a value over MAX_VALUE."""


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
        )


def is_known(v: Any) -> bool:
    """Whether no part of a value is Unknown.  Each list and map is looked at
    once however often it is shared: `[local.a, local.a]` built forty times
    over is forty small lists in memory, and 2**40 items to a plain walk."""
    seen: set[int] = set()
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, Unknown):
            return False
        if isinstance(x, (list, dict)) and id(x) not in seen:
            seen.add(id(x))
            stack.extend(x.values() if isinstance(x, dict) else x)
    return True


def to_str(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (str, int, float)):
        return str(v)
    return None


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


class Evaluator:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.budget = scope.budget

    def eval(self, expr: Expr) -> Any:
        budget = self.budget
        budget.depth += 1
        budget.steps += 1
        try:
            if budget.depth > MAX_DEPTH:
                budget.exceed(f"references nest more than {MAX_DEPTH} deep")
                return Unknown(expr.text)
            if budget.steps > MAX_STEPS:
                budget.exceed(f"expressions take more than {MAX_STEPS:,} evaluation steps")
                return Unknown(expr.text)
            return self._bounded(self._eval(expr), expr)
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
                return Unknown(expr.text)
        if isinstance(value, Unknown):
            if len(value.alternatives) > MAX_ALTERNATIVES:
                self.budget.exceed(f"conditionals give more than {MAX_ALTERNATIVES} alternative values")
                return Unknown(expr.text)
            if value.partial is not None and len(value.partial) > MAX_VALUE:
                return Unknown(value.text, alternatives=value.alternatives)
        return value

    def _string_too_long(self, expr: Expr) -> Unknown:
        self.budget.exceed(f"an expression builds a string of more than {MAX_VALUE:,} characters")
        return Unknown(expr.text)

    def _eval(self, expr: Expr) -> Any:
        if isinstance(expr, Lit):
            return expr.value
        if isinstance(expr, Template):
            return self._template(expr)
        if isinstance(expr, (Name, GetAttr, Index)):
            return self._reference(expr)
        if isinstance(expr, TupleExpr):
            return [self.eval(i) for i in expr.items]
        if isinstance(expr, ObjectExpr):
            out: dict[str, Any] = {}
            for k, v in expr.items:
                key = self.eval(k)
                if not isinstance(key, (str, int, float, bool)):
                    return Unknown(expr.text)
                out[str(key)] = self.eval(v)
            return out
        if isinstance(expr, Cond):
            c = self.eval(expr.cond)
            if isinstance(c, bool):
                return self.eval(expr.then if c else expr.other)
            a, b = self.eval(expr.then), self.eval(expr.other)
            return Unknown(expr.text, alternatives=(*_alts(a), *_alts(b)))
        if isinstance(expr, Call):
            return self._call(expr)
        if isinstance(expr, BinOp):
            return self._binop(expr)
        if isinstance(expr, Unary):
            v = self.eval(expr.operand)
            if expr.op == "!" and isinstance(v, bool):
                return not v
            if expr.op == "-" and isinstance(v, (int, float)) and not isinstance(v, bool):
                return -v
            return Unknown(expr.text)
        if isinstance(expr, ForExpr):
            return self._for(expr)
        if isinstance(expr, Opaque):
            return Unknown(expr.text)
        return Unknown(expr.text)

    def _template(self, expr: Template) -> Any:
        out: list[str] = []
        known = True
        size = 0
        for p in expr.parts:
            if isinstance(p, str):
                s = p
            else:
                v = self.eval(p)
                as_str = to_str(v)
                if as_str is None:
                    as_str = v.partial if isinstance(v, Unknown) and v.partial is not None else "${" + p.text + "}"
                    known = False
                s = as_str
            size += len(s)
            if size > MAX_VALUE:
                return self._string_too_long(expr)
            out.append(s)
        text = "".join(out)
        return text if known else Unknown(expr.text, partial=text)

    def _reference(self, expr: Expr) -> Any:
        path = _traversal(expr)
        if not path or not isinstance(path[0], str):
            return Unknown(expr.text)
        head = path[0]
        rest = path[1:]
        if head in self.scope.extra:
            return self._descend(self.scope.extra[head], rest, expr)
        if head == "var" and rest and isinstance(rest[0], str):
            self.scope.vars_read.add(rest[0])
            return self._descend(self.scope.variables(rest[0]), rest[1:], expr)
        if head == "local" and rest and isinstance(rest[0], str):
            return self._descend(self.scope.local(rest[0]), rest[1:], expr)
        if head == "each" and rest and self.scope.each is not None:
            if rest[0] == "key":
                return self._descend(self.scope.each[0], rest[1:], expr)
            if rest[0] == "value":
                return self._descend(self.scope.each[1], rest[1:], expr)
        if head == "count" and rest == ["index"] and self.scope.count_index is not None:
            return self.scope.count_index
        if head == "data" and len(rest) >= 3 and all(isinstance(r, str) for r in rest[:3]):
            dtype, dname, attr = str(rest[0]), str(rest[1]), str(rest[2])
            return self._descend(self.scope.data(dtype, dname, attr), rest[3:], expr)
        if head == "module" and len(rest) >= 2 and isinstance(rest[0], str):
            # module.NAME.OUTPUT or module.NAME[INDEX].OUTPUT
            out_name = rest[1] if isinstance(rest[1], str) else (rest[2] if len(rest) > 2 else None)
            if isinstance(out_name, str):
                tail = rest[2:] if isinstance(rest[1], str) else rest[3:]
                return self._descend(self.scope.module_output(rest[0], out_name), tail, expr)
        return Unknown(expr.text)

    def _descend(self, value: Any, rest: list[str | Expr], expr: Expr) -> Any:
        for step in rest:
            if isinstance(value, Unknown):
                return Unknown(expr.text) if not value.alternatives else value
            key: Any = step if isinstance(step, str) else self.eval(step)
            if isinstance(key, Unknown):
                return Unknown(expr.text)
            if isinstance(value, dict):
                if str(key) not in value:
                    return Unknown(expr.text)
                value = value[str(key)]
            elif isinstance(value, list) and isinstance(key, int) and not isinstance(key, bool):
                if not -len(value) <= key < len(value):
                    return Unknown(expr.text)
                value = value[key]
            else:
                return Unknown(expr.text)
        return value

    def _binop(self, expr: BinOp) -> Any:
        a, b = self.eval(expr.left), self.eval(expr.right)
        op = expr.op
        if op in ("==", "!="):
            if not is_known(a) or not is_known(b):
                return Unknown(expr.text)
            self.budget.steps += (_weigh(a) + _weigh(b)) // WEIGHT_PER_STEP
            return (a == b) if op == "==" else (a != b)
        if op in ("&&", "||"):
            if isinstance(a, bool) and isinstance(b, bool):
                return (a and b) if op == "&&" else (a or b)
            if op == "&&" and (a is False or b is False):
                return False
            if op == "||" and (a is True or b is True):
                return True
            return Unknown(expr.text)
        nums = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
        if not nums:
            return Unknown(expr.text)
        try:
            result = {
                "+": lambda: a + b,
                "-": lambda: a - b,
                "*": lambda: a * b,
                "/": lambda: a / b,
                "%": lambda: a % b,
                "<": lambda: a < b,
                ">": lambda: a > b,
                "<=": lambda: a <= b,
                ">=": lambda: a >= b,
            }[op]()
        except (KeyError, ZeroDivisionError, OverflowError):
            return Unknown(expr.text)
        return result

    def _for(self, expr: ForExpr) -> Any:
        coll = self.eval(expr.collection)
        if isinstance(coll, dict):
            pairs = list(coll.items())
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        else:
            return Unknown(expr.text)
        if len(pairs) > 10000:
            return Unknown(expr.text)
        out_list: list[Any] = []
        out_obj: dict[str, Any] = {}
        for k, v in pairs:
            names = {expr.value_var: v}
            if expr.key_var:
                names[expr.key_var] = k
            sub = Evaluator(self.scope.child(**names))
            if expr.cond is not None:
                c = sub.eval(expr.cond)
                if c is False:
                    continue
                if c is not True:
                    return Unknown(expr.text)
            if expr.is_object and expr.key_expr is not None:
                key = sub.eval(expr.key_expr)
                if not isinstance(key, (str, int, float)) or isinstance(key, bool):
                    return Unknown(expr.text)
                val = sub.eval(expr.value_expr)
                if expr.grouping:
                    out_obj.setdefault(str(key), []).append(val)
                else:
                    out_obj[str(key)] = val
            else:
                out_list.append(sub.eval(expr.value_expr))
        return out_obj if expr.is_object else out_list

    def _call(self, expr: Call) -> Any:
        name = expr.name.split("::")[-1]
        fn = FUNCTIONS.get(name)
        if name in ("try", "can"):
            return self._try(expr, name)
        args = [self.eval(a) for a in expr.args]
        if expr.expand and args and isinstance(args[-1], list):
            args = [*args[:-1], *args[-1]]
        if fn is None:
            return Unknown(expr.text)
        if name not in LAZY_UNKNOWN and not all(is_known(a) for a in args):
            if name == "format" and args and isinstance(args[0], str):
                return _format_partial(expr.text, args)
            return Unknown(expr.text)
        try:
            return fn(*args)
        except ValueTooLargeError as exc:
            self.budget.exceed(f"{name}() would build {exc}")
            return Unknown(expr.text)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError, OverflowError):
            return Unknown(expr.text)

    def _try(self, expr: Call, name: str) -> Any:
        for a in expr.args:
            v = self.eval(a)
            if name == "can":
                return True if is_known(v) else Unknown(expr.text)
            if is_known(v):
                return v
        return Unknown(expr.text)


def _alts(v: Any) -> tuple[Any, ...]:
    if isinstance(v, Unknown) and v.alternatives:
        return v.alternatives
    return (v,)


def _format_partial(text: str, args: list[Any]) -> Unknown:
    """`format("arn:...:foundation-model/%s", x)` with x unknown keeps the
    known parts, so an ARN's model tail can still be read."""
    fmt = args[0]
    out, i, ai = [], 0, 1
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            spec = fmt[i + 1]
            if spec == "%":
                out.append("%")
            else:
                a = args[ai] if ai < len(args) else None
                ai += 1
                s = to_str(a)
                out.append(s if s is not None else "${" + "?" + "}")
            i += 2
            continue
        out.append(fmt[i])
        i += 1
    return Unknown(text, partial="".join(out))


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


_UNITS = {"string": "characters", "list": "items", "map": "items"}
#: Expressions whose list or map value is new, and so weighed (see _bounded).
_BUILDERS = (TupleExpr, ObjectExpr, ForExpr, Call)


def _within(size: int, what: str) -> None:
    if size > MAX_VALUE:
        raise ValueTooLargeError(f"a {what} of more than {MAX_VALUE:,} {_UNITS[what]}")


def _format(fmt: str, *args: Any) -> str:
    out, i, ai = [], 0, 0
    size = 0
    while i < len(fmt):
        c = fmt[i]
        if c == "%" and i + 1 < len(fmt):
            j = i + 1
            while j < len(fmt) and fmt[j] in "#+-0123456789. ":
                j += 1
            if j >= len(fmt):
                raise ValueError("bad format")
            verb = fmt[j]
            if verb == "%":
                out.append("%")
            else:
                a = args[ai]
                ai += 1
                if verb == "q":
                    out.append(json.dumps(a))
                elif verb in "sdvtf":
                    s = to_str(a)
                    if s is None:
                        _within(_weigh(a), "string")
                        s = json.dumps(a)
                    out.append(s)
                else:
                    raise ValueError("unsupported verb")
                size += len(out[-1])
                _within(size, "string")
            i = j + 1
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _lookup(m: Any, key: Any, *default: Any) -> Any:
    if isinstance(m, dict) and str(key) in m:
        return m[str(key)]
    if default:
        return default[0]
    raise KeyError(key)


def _coalesce(*args: Any) -> Any:
    for a in args:
        if a is not None and a != "":
            return a
    raise ValueError("no non-null argument")


def _merge(*maps: Any) -> dict[str, Any]:
    _within(sum(len(m) for m in maps if isinstance(m, dict)), "map")
    out: dict[str, Any] = {}
    for m in maps:
        if m is None:
            continue
        if not isinstance(m, dict):
            raise TypeError("merge takes maps")
        out.update(m)
    return out


def _concat(*lists: Any) -> list[Any]:
    _within(sum(len(li) for li in lists if isinstance(li, list)), "list")
    out: list[Any] = []
    for li in lists:
        if not isinstance(li, list):
            raise TypeError("concat takes lists")
        out.extend(li)
    return out


def _element(li: list[Any], i: int) -> Any:
    return li[i % len(li)]


def _identity(v: Any) -> Any:
    return v


def _toset(v: Any) -> list[Any]:
    """Distinct items, first occurrence first, in one pass (a list of a
    million items compared pairwise would not finish)."""
    if not isinstance(v, list):
        raise TypeError("toset takes a list")
    out: list[Any] = []
    seen: set[Any] = set()
    for i in v:
        key = _set_key(i)
        if key not in seen:
            seen.add(key)
            out.append(i)
    return out


def _set_key(v: Any) -> Any:
    """Equal values, equal keys: 1 and 1.0 are one number, `true` is not 1."""
    if isinstance(v, bool):
        return ("bool", v)
    if isinstance(v, (int, float)):
        return ("number", v)
    if isinstance(v, str) or v is None:
        return ("str", v)
    return ("json", json.dumps(v, sort_keys=True, default=repr))


def _join(sep: str, li: list[Any]) -> str:
    parts = [to_str(i) or "" for i in li]
    _within(sum(map(len, parts)) + len(sep) * max(len(parts) - 1, 0), "string")
    return sep.join(parts)


def _replace(s: str, old: str, new: str) -> str:
    count = s.count(old)
    _within(len(s) + count * (len(new) - len(old)), "string")
    return s.replace(old, new)


def _jsonencode(v: Any) -> str:
    _within(_weigh(v), "string")
    return json.dumps(v, separators=(",", ":"))


def _flatten(li: list[Any]) -> list[Any]:
    _within(sum(len(i) if isinstance(i, list) else 1 for i in li), "list")
    return [x for i in li for x in (i if isinstance(i, list) else [i])]


def _jsondecode(s: str) -> Any:
    if len(s) > 1_000_000:
        raise ValueError("too large")
    return json.loads(s)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "lookup": _lookup,
    "format": _format,
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "coalesce": _coalesce,
    "merge": _merge,
    "concat": _concat,
    "element": _element,
    "join": _join,
    "split": lambda sep, s: s.split(sep),
    "replace": _replace,
    "lower": lambda s: s.lower(),
    "upper": lambda s: s.upper(),
    "trimspace": lambda s: s.strip(),
    "tostring": lambda v: to_str(v) if to_str(v) is not None else _raise(TypeError()),
    "tolist": _identity,
    "toset": _toset,
    "tomap": _identity,
    "keys": lambda m: sorted(m.keys()),
    "values": lambda m: [m[k] for k in sorted(m.keys())],
    "length": lambda v: len(v),
    "contains": lambda li, v: v in li,
    "flatten": _flatten,
    "distinct": _toset,
    "one": lambda li: (li[0] if li else None) if len(li) <= 1 else _raise(ValueError()),
    "nonsensitive": _identity,
    "sensitive": _identity,
}
#: Functions that cope with unknown arguments themselves.
LAZY_UNKNOWN: frozenset[str] = frozenset()


def _raise(exc: Exception) -> Any:
    raise exc
