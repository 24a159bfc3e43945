"""One extraction layer: a resource's body (resolved values) in, the models
it names out, for every front end and the checkov adapter alike.

`extract` walks each catalog path of the resource type, dispatches once on
the path's mode (`checker.catalog.modes`), and then applies the special cases
`checker.catalog.special` names for the type.  Front ends differ only in how
they resolve their syntax (a `Resolver` over the template, or none for
checkov's already-rendered configuration) and in what else they can supply
(`Inputs`); each turns the `Found` records into `Reference`s with its own
locations.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.catalog.modes import Mode, extract_mode
from checker.catalog.spec import AttributeSpec, specs_for, walk_path
from checker.catalog.special import DEFINITION_FILE, DEFINITION_STRING, SAM_GLOBALS, specials_for
from checker.model import Usage
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.sources.values import Unknown, candidates

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

#: What the front end shows for a value not known before deployment.
NOT_KNOWN = "value is not known before deployment"


@dataclass(frozen=True)
class Found:
    """One model reference in a resource body, before a front end places it."""

    #: How the resource uses the model.
    usage: Usage
    #: The model reference text; for an unresolved value, the expression.
    raw: str
    #: Where in the resource, e.g. `Properties.Definition.Nodes[0]...ModelId`.
    attribute: str
    #: (line, column) from the body's position marks; (0, 0) when it has none.
    at: tuple[int, int] = (0, 0)
    #: False when the value is not known before deployment.
    resolved: bool = True
    #: True when a condition not known statically chose this value.
    conditional: bool = False
    #: The expression text, when the value was computed from one.
    expression: str | None = None
    #: Said to the user next to the reference.
    note: str | None = None


@dataclass(frozen=True)
class Inputs:
    """What a front end can supply beyond the resource body."""

    #: Resolves intrinsics in the template's context; None: plain values.
    resolver: Resolver | None = None
    #: SAM `Globals.Function.Environment.Variables` (empty when unknown).
    globals_env: Mapping[str, Any] = field(default_factory=dict)
    #: Reads a local definition file (SAM DefinitionUri) into a document,
    #: or returns None after reporting why; None: the front end cannot
    #: read files (checkov), and the reference is reported unresolved.
    read_document: Callable[[str, tuple[int, int]], Any] | None = None
    #: For rendered configurations (checkov): whether a string is an
    #: expression the renderer left as it was (`var.x`), so not a value.
    unrendered: Callable[[str], bool] | None = None


def expression_text(raw: Any) -> str:
    try:
        return json.dumps(raw, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError, RecursionError):
        return repr(raw)[:300]


def extract(framework: str, resource_type: str, body: Any, inputs: Inputs | None = None) -> Iterator[Found]:
    """Every model the resource's body names.  `body` is CloudFormation's
    `Properties` (intrinsics resolved by `inputs.resolver` on the way) or a
    Terraform resource's rendered values (lists wrapping values are walked)."""
    inputs = inputs or Inputs()
    if framework == "cloudformation":
        yield from _cloudformation(resource_type, body, inputs)
    else:
        yield from _plain(framework, resource_type, body, inputs)


def _plain(framework: str, resource_type: str, body: Any, inputs: Inputs) -> Iterator[Found]:
    unrendered = inputs.unrendered or (lambda _: False)
    for spec in specs_for(framework, resource_type):
        for path, value in walk_path(body, spec.path):
            if spec.mode is Mode.MODEL:
                if isinstance(value, str):
                    yield Found(spec.usage, value, path, resolved=not unrendered(value))
                continue
            found_any = False
            for sub, found in extract_mode(spec.mode, value):
                found_any = True
                yield Found(spec.usage, found, f"{path}.{sub}")
            if not found_any and any(unrendered(s) for s in _strings(value)):
                # Part of the document is still an expression: it may hold a
                # model, so the verdict cannot be a pass.
                yield Found(spec.usage, path, path, resolved=False, note=NOT_KNOWN)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


# --- CloudFormation --------------------------------------------------------


def _cloudformation(rtype: str, props: Any, inputs: Inputs) -> Iterator[Found]:
    from checker.sources.cloudformation.intrinsics import Resolver

    if not isinstance(props, dict):
        return
    resolver = inputs.resolver or Resolver({}, {}, {})
    subs = resolver.deep(props.get("DefinitionSubstitutions")) if "DefinitionSubstitutions" in props else {}
    subs = subs if isinstance(subs, dict) else {}
    for spec in specs_for("cloudformation", rtype):
        yield from _cfn_spec(spec, props, subs, resolver)
    for special in specials_for("cloudformation", rtype):
        if special is DEFINITION_STRING and "DefinitionString" in props:
            yield from _definition_string(rtype, props, subs, resolver)
        elif special is DEFINITION_FILE and isinstance(props.get("DefinitionUri"), str):
            yield from _definition_file(props, subs, resolver, inputs)
        elif special is SAM_GLOBALS and inputs.globals_env:
            yield from _sam_globals(props, resolver, inputs.globals_env)


def _cfn_spec(spec: AttributeSpec, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver) -> Iterator[Found]:
    from checker.sources.cloudformation.properties import apply_subs, partials, walk_properties
    from checker.sources.cloudformation.yaml_loader import line_of

    for attr_path, raw, value, cond, loc in walk_properties(
        resolver, props, spec.path, "Properties", (line_of(props), 0)
    ):
        if spec.mode is Mode.MODEL:
            if isinstance(value, str):
                expr = None if isinstance(raw, str) else expression_text(raw)
                yield Found(spec.usage, value, attr_path, loc, conditional=cond, expression=expr)
            elif isinstance(value, Unknown):
                text = expression_text(raw)
                if value.partial is not None and parse_model_reference(value.partial).resolvable:
                    yield Found(spec.usage, value.partial, attr_path, loc, conditional=cond, expression=text)
                else:
                    yield Found(spec.usage, text, attr_path, loc, False, cond, expression=text, note=NOT_KNOWN)
            continue
        full = partials(resolver.deep(raw))
        if subs:
            full = apply_subs(full, subs)
        for c, c_cond in candidates(full):
            if isinstance(c, Unknown):
                if c.partial is None:
                    continue
                c = c.partial
            for sub, found in extract_mode(spec.mode, c):
                sep = "" if not sub or sub.startswith("[") else "."
                yield Found(
                    spec.usage, found, f"{attr_path}{sep}{sub}", _loc_in(raw, sub, loc), conditional=cond or c_cond
                )


def _definition_string(rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver) -> Iterator[Found]:
    from checker.sources.cloudformation.properties import apply_subs, walk_properties
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    raw = props["DefinitionString"]
    text = resolver.resolve(raw)
    if isinstance(text, Unknown):
        text = text.partial
    if not isinstance(text, str):
        return
    text = apply_subs(text, subs)
    try:
        definition = json.loads(text)
    except (ValueError, RecursionError):
        return
    loc = (line_of(raw), column_of(raw))
    for spec in specs_for("cloudformation", rtype):
        if spec.path[0] != "Definition":
            continue
        for attr_path, _, value, cond, _ in walk_properties(
            resolver, definition, spec.path[1:], "Properties.DefinitionString", loc
        ):
            if isinstance(value, str):
                yield Found(spec.usage, value, attr_path, loc, conditional=cond)


def _definition_file(
    props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    from checker.sources.cloudformation.properties import apply_subs
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    uri = str(props["DefinitionUri"])
    if uri.startswith("s3://"):
        return
    loc = (line_of(props["DefinitionUri"]), column_of(props["DefinitionUri"]))
    if inputs.read_document is None:
        note = "the definition is in a file this check cannot read"
        yield Found(Usage.STATE_MACHINE, uri, "Properties.DefinitionUri", loc, resolved=False, note=note)
        return
    doc = inputs.read_document(uri, loc)
    if doc is None:
        return
    doc = apply_subs(resolver.deep(doc), subs)
    for sub, found in extract_mode(Mode.ASL, doc):
        yield Found(Usage.STATE_MACHINE, found, f"Properties.DefinitionUri({uri}).{sub}", loc)


def _sam_globals(props: dict[str, Any], resolver: Resolver, globals_env: Mapping[str, Any]) -> Iterator[Found]:
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    own = props.get("Environment", {})
    own_vars = own.get("Variables", {}) if isinstance(own, dict) else {}
    for name, value in globals_env.items():
        if isinstance(own_vars, dict) and name in own_vars:
            continue
        v = resolver.resolve(value)
        for cand, cond in candidates(v):
            if isinstance(cand, str) and looks_like_model_reference(cand):
                yield Found(
                    Usage.ENVIRONMENT_VARIABLE,
                    cand,
                    f"Globals.Function.Environment.Variables.{name}",
                    (line_of(value), column_of(value)),
                    conditional=cond,
                    note="inherited from the template's Globals",
                )


def _loc_in(raw: Any, sub: str, default: tuple[int, int]) -> tuple[int, int]:
    """Line of a sub-path inside a YAML/JSON object (env var name, ASL key)."""
    import re

    from checker.sources.cloudformation.yaml_loader import LDict, column_of, line_of

    node = raw
    best = default
    for part in re.findall(r"[^.\[\]]+", sub):
        if isinstance(node, dict) and part in node:
            if isinstance(node, LDict) and part in node.key_lines:
                best = node.key_lines[part]
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            if line_of(node):
                best = (line_of(node), column_of(node))
        else:
            break
    if line_of(node):
        best = (line_of(node), column_of(node))
    return best
