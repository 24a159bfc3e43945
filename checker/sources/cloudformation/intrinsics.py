"""Resolve CloudFormation intrinsic functions as far as a template alone
allows.

The model id in a CDK-written ARN is a literal tail inside `Fn::Join` of
pseudo parameters, so unknown parts must not hide the known ones: an unknown
piece of a string becomes `${...}` in the `partial` form, which is enough for
the model-id parser.  `Fn::If` takes the branch its condition decides
(`conditions.py`); when the condition is undecided it keeps both, since either
may deploy, with the reason on the `Unknown`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from checker.sources.values import Unknown

if TYPE_CHECKING:
    from checker.sources.cloudformation.chains import Links
    from checker.sources.cloudformation.conditions import ConditionTable

PSEUDO = (
    "AWS::Region",
    "AWS::Partition",
    "AWS::AccountId",
    "AWS::URLSuffix",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::NotificationARNs",
)
MAX_DEPTH = 100
#: Longest string one `Fn::Sub`, `Fn::Join` or `Fn::ToJsonString` may build
#: (as Terraform's evaluator, checker/sources/terraform/evaluate.py), and most
#: characters all of one template's intrinsics may build: aliases and nesting
#: can make a small template join megabytes a million times.
MAX_STRING = 1 << 20
MAX_TOTAL_CHARS = 64 << 20
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")


def intrinsic_name(value: Any) -> str | None:
    """The intrinsic a one-key mapping is (`Ref`, `Fn::Join`, ...), else None."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::")):
            return key
    return None


def _text(value: Any) -> str:
    try:
        return json.dumps(value, default=str, separators=(",", ":"))[:300]
    except (TypeError, ValueError, RecursionError):
        return repr(value)[:300]


def to_str(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class Resolver:
    def __init__(
        self,
        parameters: Mapping[str, Any],
        mappings: Mapping[str, Any],
        resources: Mapping[str, Any],
        links: Links | None = None,
    ) -> None:
        self.parameters = parameters
        #: Follows `Ref`/`Fn::GetAtt` of resources and `Fn::ImportValue`
        #: (checker/sources/cloudformation/chains.py); None: left unknown.
        self.links = links
        self.mappings = mappings
        self.resources = resources
        #: The template's Conditions (None when the front end has no
        #: template around the resource, as checkov: every Fn::If is then
        #: undecided).
        self.conditions: ConditionTable | None = None
        #: Characters built so far, and the first budget exceeded (message,
        #: line) for the source to report: the value itself becomes unknown.
        self.built = 0
        self.over: tuple[str, int] | None = None

    def _fits(self, length: int, whole: Any, fn: str) -> bool:
        """Whether a string of `length` may be built (checked before it is);
        when not, the first reason is noted and the caller gives an unknown
        value instead."""
        self.built += length
        if length <= MAX_STRING and self.built <= MAX_TOTAL_CHARS:
            return True
        if self.over is None:
            from checker.sources.cloudformation.yaml_loader import line_of

            what = (
                f"{fn} builds a string of more than {MAX_STRING:,} characters"
                if length > MAX_STRING
                else f"intrinsic functions build more than {MAX_TOTAL_CHARS:,} characters in this template"
            )
            self.over = (
                f"{what}; such values are treated as unknown, and the references that need them are reported "
                "as unresolved",
                line_of(whole) or line_of(next(iter(whole.values()), None) if isinstance(whole, dict) else None),
            )
        return False

    def resolve(self, value: Any, extra: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
        """Resolve one value (not its children, unless it is an intrinsic)."""
        if depth > MAX_DEPTH:
            return Unknown(_text(value))
        name = intrinsic_name(value)
        if name is None:
            return value
        arg = value[name]
        try:
            return self._fn(name, arg, extra or {}, depth + 1, value)
        except (TypeError, ValueError, KeyError, IndexError, RecursionError):
            return Unknown(_text(value))

    def deep(self, value: Any, extra: Mapping[str, Any] | None = None, depth: int = 0) -> Any:
        """Resolve a whole subtree; unknown leaves stay `Unknown`."""
        if depth > MAX_DEPTH:
            return Unknown(_text(value))
        v = self.resolve(value, extra, depth)
        if isinstance(v, Unknown) and v.alternatives:
            return replace(v, alternatives=tuple(self.deep(a, extra, depth + 1) for a in v.alternatives))
        if isinstance(v, dict):
            return {k: self.deep(x, extra, depth + 1) for k, x in v.items()}
        if isinstance(v, list):
            return [self.deep(x, extra, depth + 1) for x in v]
        return v

    def ref(self, name: str, extra: Mapping[str, Any], depth: int = 0) -> Any:
        if name in extra:
            return extra[name]
        if name in self.parameters:
            return self.parameters[name]
        if name == "AWS::NoValue":
            return None
        if name in PSEUDO:
            return Unknown(name, partial="${" + name + "}")
        if self.links is not None:
            return self.links.ref(name, depth)
        return Unknown(f"Ref {name}", partial="${" + name + "}")

    def _fn(self, name: str, arg: Any, extra: Mapping[str, Any], depth: int, whole: Any) -> Any:
        def r(v: Any) -> Any:
            return self.resolve(v, extra, depth)

        if name == "Ref":
            return self.ref(str(arg), extra, depth)
        if name in ("Fn::GetAtt", "Fn::ImportValue") and self.links is not None:
            if name == "Fn::GetAtt":
                return self.links.get_att(arg, depth)
            return self.links.import_value(arg, depth)
        if name == "Fn::Sub":
            if isinstance(arg, list):
                template, variables = arg[0], (arg[1] if len(arg) > 1 else {})
                local = dict(extra)
                if isinstance(variables, dict):
                    local.update({k: self.resolve(v, extra, depth) for k, v in variables.items()})
                return self.sub(r(template), local)
            return self.sub(r(arg), extra)
        if name in ("Fn::Join", "Fn::ToJsonString") and self.built > MAX_TOTAL_CHARS:
            return Unknown(_text(whole))  # over the template's budget already
        if name == "Fn::Join":
            delim, items = r(arg[0]), r(arg[1])
            if not isinstance(delim, str) or not isinstance(items, list):
                return Unknown(_text(whole))
            parts, known = [], True
            for item in items:
                v = r(item)
                s = to_str(v)
                if s is None:
                    known = False
                    s = v.partial if isinstance(v, Unknown) and v.partial is not None else "${?}"
                parts.append(s)
            if not self._fits(sum(map(len, parts)) + len(delim) * max(0, len(parts) - 1), whole, name):
                return Unknown(_text(whole))
            joined = delim.join(parts)
            return joined if known else Unknown(_text(whole), partial=joined)
        if name == "Fn::FindInMap":
            m, top, second = r(arg[0]), r(arg[1]), r(arg[2])
            default = arg[3].get("DefaultValue") if len(arg) > 3 and isinstance(arg[3], dict) else None
            if not all(isinstance(x, str) for x in (m, top, second)):
                return Unknown(_text(whole))
            try:
                return self.mappings[m][top][second]
            except (KeyError, TypeError):
                return r(default) if default is not None else Unknown(_text(whole))
        if name == "Fn::Select":
            idx, items = r(arg[0]), r(arg[1])
            if isinstance(idx, str) and idx.isdigit():
                idx = int(idx)
            if isinstance(idx, int) and isinstance(items, list) and 0 <= idx < len(items):
                return r(items[idx])
            return Unknown(_text(whole))
        if name == "Fn::Split":
            delim, s = r(arg[0]), r(arg[1])
            if isinstance(delim, str) and isinstance(s, str) and delim:
                return s.split(delim)
            return Unknown(_text(whole))
        if name == "Fn::If":
            return self._if(arg, r, whole)
        if name == "Fn::ToJsonString":
            v = self.deep(arg, extra, depth)
            if _has_unknown(v):
                return Unknown(_text(whole))
            text = json.dumps(v, separators=(",", ":"))
            return text if self._fits(len(text), whole, name) else Unknown(_text(whole))
        return Unknown(_text(whole))

    def _if(self, arg: Any, r: Any, whole: Any) -> Any:
        """The branch the condition decides; both, as alternatives whose
        reason names the condition and its unknown input, when undecided."""
        cond = arg[0]
        if self.conditions is not None and isinstance(cond, str):
            decided = self.conditions.decide(cond)
            if decided.value is not None:
                return r(arg[1] if decided.value else arg[2])
            why = decided.reason or "it is not known statically"
        else:
            why = "the template's Conditions are not available here"
        alts: list[Any] = []
        for v in (r(arg[1]), r(arg[2])):
            alts.extend(v.alternatives if isinstance(v, Unknown) and v.alternatives else [v])
        return Unknown(_text(whole), alternatives=tuple(alts), reason=f"chosen by condition {cond}, undecided: {why}")

    def sub(self, template: Any, variables: Mapping[str, Any]) -> Any:
        if not isinstance(template, str) or self.built > MAX_TOTAL_CHARS:
            return Unknown(_text({"Fn::Sub": template}))
        known = True
        length = len(template)

        def repl(m: re.Match[str]) -> str:
            nonlocal length
            if length > MAX_STRING:
                return ""  # over already: stop building
            out = _piece(m)
            length += len(out) - len(m.group(0))
            return out

        def _piece(m: re.Match[str]) -> str:
            nonlocal known
            key = m.group(1)
            if key.startswith("!"):
                return "${" + key[1:] + "}"
            if "." in key and key not in variables:
                # `${Profile.InferenceProfileArn}`: Fn::GetAtt in Sub's syntax.
                v = self.links.get_att(key, 0) if self.links is not None else None
                if isinstance(v, str):
                    return v
                known = False
                return v.partial if isinstance(v, Unknown) and v.partial is not None else "${" + key + "}"
            v = variables[key] if key in variables else self.ref(key, {})
            s = to_str(v)
            if s is None:
                known = False
                return v.partial if isinstance(v, Unknown) and v.partial is not None else "${" + key + "}"
            return s

        out = _SUB_VAR.sub(repl, template)
        if not self._fits(length, template, "Fn::Sub"):
            return Unknown(_text({"Fn::Sub": template}))
        return out if known else Unknown(_text({"Fn::Sub": template}), partial=out)


def _has_unknown(v: Any) -> bool:
    if isinstance(v, Unknown):
        return True
    if isinstance(v, dict):
        return any(_has_unknown(x) for x in v.values())
    if isinstance(v, list):
        return any(_has_unknown(x) for x in v)
    return False
