"""Models in an Amazon States Language definition, state by state.

Which integrations name a model, in which request member and for which
usage, is data (`checker/data/stepfunctions_integrations.json`): Terraform's
`aws_sfn_state_machine`, CloudFormation and SAM state machines and the checkov
adapter all read definitions here, so a new integration is one line.

A state's request is its `Parameters` (JSONPath) or `Arguments` (JSONata).
A member named in the table is reported whatever it holds (the integration
documents it to hold a model, so a typo is worth a notice), and when it is
chosen at run time (`ModelId.$`, a JSONata `{% ... %}` expression) it is
reported as not known statically, never dropped.  Other states' requests (a
Lambda payload, an SQS message) are read for values that look like model ids.
Each hit carries its state's name and the key path to it, so a front end can
point at the state's line and say which state it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from checker.model import Usage
from checker.modelid import IdKind, looks_like_model_reference, parse_model_reference

#: Deepest nesting followed (Parallel branches, Map processors, requests).
MAX_DEPTH = 64
#: `arn:PARTITION:states:::SERVICE:ACTION[.sync|.sync:2|.waitForTaskToken]`,
#: the partition possibly a placeholder (`${AWS::Partition}`).
_RESOURCE = re.compile(
    r"^arn:(?:\$\{[^}]*\}|[^:]*):states:::(?P<name>[A-Za-z0-9-]+(?::[A-Za-z0-9-]+)+?)(?:\.[A-Za-z0-9:]+)?$"
)

Key = str | int


@dataclass(frozen=True)
class AslModel:
    """One model (or model slot) in a definition."""

    #: Key path from the document's root to the value.
    keys: tuple[Key, ...]
    #: The model text, or the expression when chosen at run time.
    value: str
    #: The state that names it.
    state: str
    #: The integration's usage for the member; None for a value found by its
    #: look in another state's request (the catalog's usage then applies).
    usage: Usage | None = None
    #: True when the value is chosen at run time (JSONPath `.$`, JSONata).
    dynamic: bool = False
    #: The JSONata expression a model was read from, when the model is a
    #: literal part of it (`'arn:aws:bedrock:' & $region & '::foundation-model/ID'`).
    expression: str | None = None

    @property
    def path(self) -> str:
        out = ""
        for k in self.keys:
            out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
        return out


@lru_cache(maxsize=1)
def integrations() -> Mapping[str, Mapping[str, Usage]]:
    """Integration (`bedrock:invokeModel`, `aws-sdk:bedrockruntime:converse`)
    -> request member -> usage, with member names lower-cased (Step Functions
    wants PascalCase; a camelCase member is still the same member to a reader)."""
    raw = json.loads(resources.files("checker.data").joinpath("stepfunctions_integrations.json").read_text("utf-8"))
    return {
        name.lower(): {member.lower(): Usage(usage) for member, usage in fields.items()}
        for name, fields in raw["integrations"].items()
    }


def integration_of(resource: Any) -> Mapping[str, Usage] | None:
    """The table's entry for a Task's `Resource`, None for any other."""
    if not isinstance(resource, str):
        return None
    m = _RESOURCE.match(resource.strip())
    return integrations().get(m.group("name").lower()) if m else None


def asl_models(doc: Any) -> Iterator[AslModel]:
    """Every model a definition names.  A document without `States` (a
    fragment, or a value that is not ASL) is read for model-looking values."""
    if isinstance(doc, dict) and isinstance(doc.get("States"), dict):
        yield from _states(doc["States"], ("States",), 0)
    elif isinstance(doc, (dict, list)):
        yield from _loose(doc, (), "", 0)


def _states(states: dict[str, Any], at: tuple[Key, ...], depth: int) -> Iterator[AslModel]:
    if depth > MAX_DEPTH:
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        here = (*at, name)
        fields = integration_of(state.get("Resource"))
        for key in ("Parameters", "Arguments"):
            if key not in state:
                continue
            request = state[key]
            if fields is not None:
                yield from _members(request, fields, (*here, key), str(name), depth)
            else:
                yield from _loose(request, (*here, key), str(name), depth)
        for key in ("Result", "Assign", "Output"):
            # A Pass state's result or a variable can carry the model a later
            # state reads at run time.
            if key in state:
                yield from _loose(state[key], (*here, key), str(name), depth)
        for key in ("Branches",):
            branches = state.get(key)
            for i, branch in enumerate(branches if isinstance(branches, list) else []):
                if isinstance(branch, dict) and isinstance(branch.get("States"), dict):
                    yield from _states(branch["States"], (*here, key, i, "States"), depth + 1)
        for key in ("ItemProcessor", "Iterator"):
            inner = state.get(key)
            if isinstance(inner, dict) and isinstance(inner.get("States"), dict):
                yield from _states(inner["States"], (*here, key, "States"), depth + 1)


def _dynamic(value: str) -> bool:
    text = value.strip()
    return text.startswith("{%") and text.endswith("%}")


def _jsonata_model(value: str) -> str | None:
    """The model a JSONata string concatenation names in its literal parts
    (only the region or account computed), as CloudFormation's `Fn::Join`
    of pseudo parameters: the unknown operands become `${?}`.  None for any
    other expression: what it computes is not known before the run."""
    body = value.strip()[2:-2].strip()
    operands, current, quote, depth = [], "", "", 0
    for ch in body[:4096]:
        if quote:
            quote = "" if ch == quote and not current.endswith("\\") else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "&" and depth == 0:
            operands.append(current.strip())
            current = ""
            continue
        current += ch
    operands.append(current.strip())
    out, literal = "", False
    for op in operands:
        m = _QUOTED.fullmatch(op)
        if m is not None:
            out += m.group(1) if m.group(1) is not None else m.group(2)
            literal = True
        else:
            out += "${?}"
    return out if literal and len(operands) > 1 and parse_model_reference(out).resolvable else None


_QUOTED = re.compile(r"'([^'\\]*)'|\"([^\"\\]*)\"")


def _members(
    value: Any, fields: Mapping[str, Usage], at: tuple[Key, ...], state: str, depth: int
) -> Iterator[AslModel]:
    """The table's members anywhere in a request: each is reported, literal
    or dynamic; a request that is one JSONata expression hides them all."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str) and _dynamic(value) and at[-1] == "Arguments":
        usage = next(iter(fields.values()))
        yield AslModel(at, value, state, usage, dynamic=True)
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _members(item, fields, (*at, i), state, depth + 1)
        return
    if not isinstance(value, dict):
        return
    for key, v in value.items():
        k = str(key)
        name, dynamic = (k[:-2], True) if k.endswith(".$") else (k, False)
        member = fields.get(name.lower())
        if member is not None and isinstance(v, str):
            known = _jsonata_model(v) if _dynamic(v) else None
            if known is not None:
                yield AslModel((*at, k), known, state, member, expression=v)
            else:
                yield AslModel((*at, k), v, state, member, dynamic=dynamic or _dynamic(v))
        elif not dynamic:
            yield from _members(v, fields, (*at, k), state, depth + 1)


def _loose(value: Any, at: tuple[Key, ...], state: str, depth: int) -> Iterator[AslModel]:
    """Values that look like model ids in a request the table does not
    describe (a Lambda payload): `ModelId` keys that parse as a model (or
    hold a `${Substitution}` still open), and strings that look like one."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _loose(item, (*at, i), state, depth + 1)
    elif isinstance(value, dict):
        for key, v in value.items():
            k = str(key)
            if k.endswith(".$"):
                continue  # a path into the input: not a value
            if isinstance(v, str):
                named = k == "ModelId" and (parse_model_reference(v).kind is not IdKind.NOT_A_MODEL or "${" in v)
                if named or looks_like_model_reference(v):
                    yield AslModel((*at, k), v, state)
            else:
                yield from _loose(v, (*at, k), state, depth + 1)
