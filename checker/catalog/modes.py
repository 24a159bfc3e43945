"""The one mode dispatch: find models in a value the way the catalog's `mode`
says, including those hidden inside other documents (environment maps, Step
Functions definitions and their service integrations, IAM policies, ECS
container definitions).

These references break at EOL just like a Bedrock resource does, but the model
id sits inside a value whose shape is not Bedrock's.  Every source resolves its
own syntax to plain Python values first (dicts, lists, strings), then calls
`extract` with the catalog's `mode`; the same logic serves Terraform, plans,
CloudFormation and checkov.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from typing import Any

from checker.modelid import IdKind, looks_like_model_reference, parse_model_reference
from checker.util.enums import assert_never

#: Deepest nesting followed inside an embedded document; hostile input can be
#: nested arbitrarily, real ASL and IAM documents are shallow.
MAX_DEPTH = 64

_INVOKE_ACTIONS = ("bedrock:invokemodel", "bedrock:invokemodelwithresponsestream", "bedrock:converse")


def maybe_json(value: Any) -> Any:
    """Parse JSON text embedded in a string (heredocs, DefinitionString)."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in "{[":
            try:
                return json.loads(text)
            except (ValueError, RecursionError):
                return value
    return value


def _get(d: dict[str, Any], *names: str) -> Any:
    for n in names:
        if n in d:
            return d[n]
    return None


def _as_list(v: Any) -> list[Any]:
    if v is None:
        return []
    return v if isinstance(v, list) else [v]


class Mode(str, enum.Enum):
    """How a catalog attribute holds models (`mode` in model_attributes.json)."""

    #: The value names a model and is always reported, even a typo.
    MODEL = "model"
    #: A free string, reported when it looks like a model id.
    HEURISTIC = "heuristic"
    #: A map of environment variables; values that look like model ids.
    ENV_MAP = "env_map"
    #: A Step Functions definition (object or JSON string).
    ASL = "asl"
    #: An IAM policy document (object or JSON string).
    IAM = "iam"
    #: ECS container definitions (JSON string or list).
    ECS_CONTAINERS = "ecs_containers"


def extract_mode(mode: str, value: Any) -> Iterator[tuple[str, str]]:
    """Yield (sub-path, model reference string) for each model found in
    `value` according to `mode` (see `checker/data/model_attributes.json`).

    Mode `model` yields the string itself whatever it looks like: the
    attribute is documented to hold a model, so even a typo is worth a notice.
    """
    try:
        m = Mode(mode)
    except ValueError:
        raise ValueError(f"unknown extraction mode {mode!r}") from None
    if m is Mode.MODEL:
        for path, v in _strings(value, "", 0):
            yield path, v
    elif m is Mode.HEURISTIC:
        for path, v in _strings(value, "", 0):
            if looks_like_model_reference(v):
                yield path, v
    elif m is Mode.ENV_MAP:
        yield from _env_map(maybe_json(value))
    elif m is Mode.ASL:
        yield from _asl(maybe_json(value))
    elif m is Mode.IAM:
        yield from _iam(maybe_json(value), "", 0)
    elif m is Mode.ECS_CONTAINERS:
        yield from _ecs(maybe_json(value))
    else:
        assert_never(m)


def _strings(value: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]", depth + 1)


def _env_map(value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, list):
        for item in value:
            yield from _env_map(item)
        return
    if not isinstance(value, dict):
        return
    for key, v in value.items():
        if isinstance(v, list) and len(v) == 1:
            v = v[0]
        if isinstance(v, str) and looks_like_model_reference(v):
            yield str(key), v


def _asl(doc: Any) -> Iterator[tuple[str, str]]:
    """The literal models of a Step Functions definition (`checker.catalog.asl`
    has the integrations table, the states and the run-time choices)."""
    from checker.catalog.asl import asl_models

    for hit in asl_models(doc):
        if not hit.dynamic:
            yield hit.path, hit.value


def _grants_invoke(actions: list[Any]) -> bool:
    for a in actions:
        if not isinstance(a, str):
            continue
        low = a.lower()
        if low in ("*", "bedrock:*") or low.startswith(_INVOKE_ACTIONS):
            return True
        if low.endswith("*") and any(x.startswith(low[:-1]) for x in _INVOKE_ACTIONS):
            return True
    return False


#: Resource types whose wildcard (`.../*`) grants every model.
_GRANT_TYPES = (":foundation-model/", ":inference-profile/", ":application-inference-profile/")


def _names_bedrock(actions: list[Any]) -> bool:
    """An action that names Bedrock itself (not `*`, which every
    administrator policy grants: that is not a statement about models)."""
    return any(isinstance(a, str) and a.lower().startswith("bedrock:") for a in actions)


def _iam(doc: Any, path: str, depth: int) -> Iterator[tuple[str, str]]:
    """Model ARNs in statements that allow invoking models.  Accepts a whole
    policy document, a list of statements, a Terraform
    `aws_iam_policy_document` `statement` block list (lower-case keys), or
    SAM `Policies` (a list mixing names and documents)."""
    if depth > MAX_DEPTH:
        return
    doc = maybe_json(doc)
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            yield from _iam(item, f"{path}[{i}]", depth + 1)
        return
    if not isinstance(doc, dict):
        return
    statements = _get(doc, "Statement", "statement")
    if statements is not None:
        sub = f"{path}.Statement" if path else "Statement"
        yield from _iam(statements, sub, depth + 1)
        return
    if "PolicyDocument" in doc:
        yield from _iam(doc["PolicyDocument"], f"{path}.PolicyDocument", depth + 1)
        return
    effect = _get(doc, "Effect", "effect")
    if isinstance(effect, list):
        effect = effect[0] if effect else None
    if effect is not None and str(effect).lower() != "allow":
        return
    actions = _as_list(_get(doc, "Action", "actions"))
    if actions and isinstance(actions[0], list):
        actions = [a for inner in actions for a in _as_list(inner)]
    if not _grants_invoke(actions):
        return
    key = "Resource" if "Resource" in doc else "resources"
    for rpath, res in _strings(_as_list(doc.get(key)), f"{path}.{key}" if path else key, 0):
        ident = parse_model_reference(res)
        if ident.kind in (IdKind.FOUNDATION_MODEL_ARN, IdKind.INFERENCE_PROFILE_ARN, IdKind.CUSTOM_MODEL_ARN):
            yield rpath, res
        elif ident.kind is IdKind.WILDCARD and any(t in res for t in _GRANT_TYPES):
            yield rpath, res  # a grant of every model (or every profile): inventory, not unresolved
        elif res == "*" and _names_bedrock(actions):
            yield rpath, res  # `bedrock:InvokeModel` on every resource: every model
        elif "${" in res and (":foundation-model/" in res or ":inference-profile/" in res):
            yield rpath, res  # a model ARN whose model part is unresolved: reported as such


def _ecs(doc: Any) -> Iterator[tuple[str, str]]:
    for i, container in enumerate(_as_list(doc)):
        if not isinstance(container, dict):
            continue
        env = _get(container, "environment", "Environment")
        for j, item in enumerate(_as_list(env)):
            if not isinstance(item, dict):
                continue
            name = _get(item, "name", "Name")
            value = _get(item, "value", "Value")
            if isinstance(value, str) and looks_like_model_reference(value):
                yield f"[{i}].environment[{j}].{name}", value
