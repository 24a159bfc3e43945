"""CloudFormation `Conditions`, decided the way CloudFormation decides them.

A condition is decided from the parameter values the scan has (the
template's defaults, then `--parameter` / `--parameters-file`), so
`!If [IsProd, a, b]` with `IsProd` false under the defaults is `b`, and a
resource whose `Condition` is false is not deployed with those values.  When
an input is not known (a parameter without a default, a pseudo parameter
such as `AWS::Region` that was not given, an import) the condition is
undecided (None), and the reason names that input: both branches of an `Fn::If`
may then deploy, and are reported as conditional, never guessed.

Three-valued logic: `Fn::And` is false as soon as one operand is false, even
when another is unknown; `Fn::Or` is true as soon as one is true; `Fn::Not`
of unknown is unknown.  `Fn::Equals` compares the two values as
CloudFormation does, as strings (a YAML `true` or `1` is the string
`"true"` / `"1"` once CloudFormation reads the template).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.model import Reference
from checker.sources.cloudformation.intrinsics import intrinsic_name
from checker.sources.values import Unknown

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

#: Deepest nesting of condition functions followed; CloudFormation allows
#: 10 operands per And/Or and real templates nest a few levels.
MAX_DEPTH = 50
_TOO_DEEP = f"conditions nest more than {MAX_DEPTH} levels deep"


@dataclass(frozen=True)
class Decision:
    """A condition's value under the scan's parameters: True, False, or
    None when an input is not known (`reason` names it)."""

    value: bool | None
    reason: str | None = None


class ConditionTable:
    """The template's `Conditions`, each decided once (memoised: conditions
    refer to each other, and a hostile template could refer in a cycle)."""

    def __init__(self, conditions: Mapping[str, Any], resolver: Resolver) -> None:
        self.conditions = conditions
        self.resolver = resolver
        self._decided: dict[str, Decision] = {}
        self._active: set[str] = set()

    def decide(self, name: str, depth: int = 0) -> Decision:
        """The value of the condition `name`; an undefined or cyclic
        condition is undecided, with the reason.  `depth` counts nesting
        across `Condition` references too, so a long chain of conditions is
        bounded (and not memoised as undecided from deep inside one)."""
        if name in self._decided:
            return self._decided[name]
        if name not in self.conditions:
            return Decision(None, f"condition {name} is not defined in the template")
        if name in self._active:
            return Decision(None, f"condition {name} refers to itself")
        if depth > MAX_DEPTH:
            return Decision(None, _TOO_DEEP)
        self._active.add(name)
        try:
            out = self._eval(self.conditions[name], depth + 1)
        finally:
            self._active.discard(name)
        if out.reason != _TOO_DEEP or depth == 0:
            self._decided[name] = out
        return out

    def _eval(self, expr: Any, depth: int) -> Decision:
        if depth > MAX_DEPTH:
            return Decision(None, _TOO_DEEP)
        if isinstance(expr, bool):
            return Decision(expr)
        fn = intrinsic_name(expr)
        arg = expr[fn] if fn is not None else None
        if fn == "Condition" and isinstance(arg, str):
            return self.decide(arg, depth + 1)
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            return self._equals(arg[0], arg[1])
        if fn == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self._eval(arg[0], depth + 1)
            return Decision(None if inner.value is None else not inner.value, inner.reason)
        if fn in ("Fn::And", "Fn::Or") and isinstance(arg, list) and arg:
            decisive = fn == "Fn::Or"  # the operand value that settles the whole
            reasons = []
            for item in arg:
                d = self._eval(item, depth + 1)
                if d.value is decisive:
                    return Decision(decisive)
                if d.value is None:
                    reasons.append(d.reason)
            if reasons:
                return Decision(None, next((r for r in reasons if r), None))
            return Decision(not decisive)
        return Decision(None, "the condition uses a function CloudFormation does not allow in conditions")

    def _equals(self, a: Any, b: Any) -> Decision:
        left, right = self.resolver.deep(a), self.resolver.deep(b)
        for side in (left, right):
            unknown = _first_unknown(side)
            if unknown is not None:
                return Decision(None, self._unknown_input(unknown))
        return Decision(_as_compared(left) == _as_compared(right))

    def _unknown_input(self, value: Unknown) -> str:
        """Say which input is unknown, in the user's terms."""
        text = value.text
        if text.startswith("Ref "):
            name = text[4:]
            if name in self.resolver.resources:
                return f"it compares resource {name}, known only after deployment"
            return f"parameter {name} has no default and no --parameter value"
        if text.startswith("AWS::"):
            return f"{text} is not known before deployment (give --parameter {text}=VALUE)"
        return f"{text} is not known before deployment"


def _first_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        return next((u for u in map(_first_unknown, value) if u is not None), None)
    if isinstance(value, dict):
        return next((u for u in map(_first_unknown, value.values()) if u is not None), None)
    return None


def _as_compared(value: Any) -> Any:
    """CloudFormation reads every scalar as a string before comparing."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return [_as_compared(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def under_condition(refs: Iterable[Reference], condition: Any, table: ConditionTable | None) -> Iterator[Reference]:
    """A resource's references under its `Condition`: unchanged when it is
    true; conditional (the note names the condition and its unknown input)
    when undecided, since it may deploy; `only_when` when it is false, since
    the resource is not deployed with these parameters, yet may be with
    others, so its models stay in the inventory, as notices."""
    if not isinstance(condition, str) or table is None:
        yield from refs
        return
    decided = table.decide(condition)
    for ref in refs:
        if decided.value is True:
            yield ref
        elif decided.value is None:
            why = f"the resource deploys only if condition {condition} is true, undecided: {decided.reason}"
            yield dataclasses.replace(ref, conditional=True, note=_joined(why, ref.note))
        else:
            why = f"only when {condition}: the condition is false with the parameters given, so it is not deployed"
            yield dataclasses.replace(ref, only_when=condition, note=_joined(why, ref.note))


def _joined(first: str, second: str | None) -> str:
    return f"{first}; {second}" if second else first
