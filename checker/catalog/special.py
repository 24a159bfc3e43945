"""The cases the catalog's paths and modes cannot express, named, in one table.

Every front end (the CLI's sources) and the checkov adapter reach these
through `checker.catalog.extract`, so a case cannot be handled in one and
forgotten in the other.  Where checkov cannot supply the input (it hands a
check one resource, never the template around it or a file beside it),
`checkov` says what the adapter does instead; docs/checkov.md lists the same.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.catalog.modes import Mode
from checker.catalog.records import Found, Inputs
from checker.catalog.spec import AttributeSpec, specs_for
from checker.model import Usage
from checker.modelid import looks_like_model_reference
from checker.sources.values import Unknown, candidates

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

#: Reads a special case from a resource's properties: (resource type,
#: properties, DefinitionSubstitutions, resolver, front-end inputs).
Reader = Callable[[str, dict[str, Any], dict[str, Any], "Resolver", Inputs], Iterator[Found]]


class CheckovInput(str, enum.Enum):
    """What the plain checkov adapter has for a special case."""

    #: checkov's resource configuration holds the input: same verdict as the CLI.
    FULL = "full"
    #: The input is elsewhere (a file): the adapter reports the model as
    #: unresolved, so the check is UNKNOWN, never PASSED.
    UNRESOLVED = "unresolved"
    #: checkov never hands the input to a resource check (a Terraform data
    #: block): plain checkov misses it; `bedrock-lifecycle checkov` hands
    #: the check the CLI's references.
    MISSING = "missing"


@dataclass(frozen=True)
class Special:
    #: The name front ends and tests use.
    name: str
    #: `model_attributes.json` framework key it applies to.
    framework: str
    #: Resource types it applies to.
    resource_types: tuple[str, ...]
    #: What plain checkov can give it.
    checkov: CheckovInput
    #: What it does, for docs/checkov.md and readers.
    summary: str
    #: Applied by `checker.catalog.extract` after the catalog's paths; None
    #: when the case lives where its input is (a front end's name resolution,
    #: a mode).
    read: Reader | None = None


def _definition_string(
    rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    from checker.sources.cloudformation.properties import apply_subs, walk_properties
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    if "DefinitionString" not in props:
        return
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
        for attr_path, _, value, cond, _, why in walk_properties(
            resolver, definition, spec.path[1:], "Properties.DefinitionString", loc
        ):
            if isinstance(value, str):
                yield Found(spec.usage, value, attr_path, loc, conditional=cond, note=why)


def _definition_file(
    rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    from checker.sources.cloudformation.properties import apply_subs
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    if not isinstance(props.get("DefinitionUri"), str):
        return
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
    from checker.catalog.extract import in_document

    doc = apply_subs(resolver.deep(doc), subs)
    # The models are placed at the DefinitionUri line of the template (the
    # reference names the state; the file is the DefinitionUri).
    spec = AttributeSpec(("DefinitionUri",), Usage.STATE_MACHINE, Mode.ASL)
    yield from in_document(spec, f"Properties.DefinitionUri({uri})", doc, lambda _: loc)


#: The object key CDK gives a file asset: its content hash.
_ASSET_KEY = re.compile(r"[0-9a-f]{64}\.(?:json|ya?ml|asl\.json)")


def _definition_asset(
    rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    from checker.catalog.extract import in_document
    from checker.sources.cloudformation.properties import apply_subs, partials
    from checker.sources.cloudformation.yaml_loader import column_of, line_of

    where = props.get("DefinitionS3Location")
    key = resolver.resolve(where.get("Key")) if isinstance(where, dict) else None
    if not isinstance(key, str):
        return
    loc = (line_of(where), column_of(where))
    if inputs.read_asset is None:
        if _ASSET_KEY.fullmatch(key):  # a cdk.out asset: it may name a model, so never a pass
            note = "the definition is a file asset this check cannot read"
            yield Found(Usage.STATE_MACHINE, key, "Properties.DefinitionS3Location", loc, resolved=False, note=note)
        return
    doc = inputs.read_asset(key, loc)
    if doc is None:
        return
    doc = apply_subs(partials(resolver.deep(doc)), subs)
    spec = AttributeSpec(("DefinitionS3Location",), Usage.STATE_MACHINE, Mode.ASL)
    yield from in_document(spec, f"Properties.DefinitionS3Location({key})", doc, lambda _: loc)


def _sam_globals(
    rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    globals_env = inputs.globals_env
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


def _custom_resource(
    rtype: str, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver, inputs: Inputs
) -> Iterator[Found]:
    from checker.catalog.extract import _loc_in
    from checker.sources.cloudformation.yaml_loader import line_of

    for name, raw in props.items():
        if name in ("ServiceToken", "ServiceTimeout"):
            continue
        for sub, value, cond in _model_like(resolver.deep(raw), str(name), 0):
            yield Found(
                Usage.OTHER, value, f"Properties.{sub}", _loc_in(props, sub, (line_of(raw), 0)), conditional=cond
            )


def _model_like(value: Any, path: str, depth: int) -> Iterator[tuple[str, str, bool]]:
    """(path, value, conditional) of the strings that look like model ids,
    through both branches of an undecided `Fn::If`."""
    if depth > 32:
        return
    for v, cond in candidates(value):
        if isinstance(v, Unknown):
            v = v.partial
        if isinstance(v, str):
            if looks_like_model_reference(v):
                yield path, v, cond
        elif isinstance(v, dict):
            for k, item in v.items():
                for sub, found, c in _model_like(item, f"{path}.{k}", depth + 1):
                    yield sub, found, c or cond
        elif isinstance(v, list):
            for i, item in enumerate(v):
                for sub, found, c in _model_like(item, f"{path}[{i}]", depth + 1):
                    yield sub, found, c or cond


DEFINITION_STRING = Special(
    "definition_string_json",
    "cloudformation",
    ("AWS::Bedrock::Flow", "AWS::Bedrock::FlowVersion"),
    CheckovInput.FULL,
    "a Flow's DefinitionString is the Definition as JSON text: parsed, then walked with the Definition paths",
    _definition_string,
)
DEFINITION_FILE = Special(
    "definition_file",
    "cloudformation",
    ("AWS::Serverless::StateMachine",),
    CheckovInput.UNRESOLVED,
    "a SAM state machine's local DefinitionUri file is read and walked as Amazon States Language",
    _definition_file,
)
SAM_GLOBALS = Special(
    "sam_globals",
    "cloudformation",
    ("AWS::Serverless::Function",),
    CheckovInput.FULL,
    "a SAM function inherits Globals.Function.Environment.Variables it does not set itself "
    "(checkov merges Globals into each function itself, so the catalog path finds them)",
    _sam_globals,
)
DATA_SOURCE_LOOKUP = Special(
    "data_source_lookup",
    "terraform_data",
    ("aws_bedrock_foundation_model", "aws_bedrock_inference_profile"),
    CheckovInput.MISSING,
    "a data source's id, ARN or model_id attribute, read elsewhere, is the model the data block names",
)
STEP_FUNCTIONS_INTEGRATIONS = Special(
    "step_functions_integrations",
    "cloudformation",
    ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine"),
    CheckovInput.FULL,
    "DefinitionSubstitutions are applied to a definition before its bedrock:invokeModel states are read "
    "(the `asl` mode, also for Terraform's aws_sfn_state_machine)",
)

DEFINITION_ASSET = Special(
    "definition_asset",
    "cloudformation",
    ("AWS::StepFunctions::StateMachine",),
    CheckovInput.UNRESOLVED,
    "a state machine whose DefinitionS3Location is a file asset of the cloud assembly (CDK's "
    "DefinitionBody.fromFile) is read from that file, with its DefinitionSubstitutions",
    _definition_asset,
)
CUSTOM_RESOURCE = Special(
    "custom_resource_properties",
    "cloudformation",
    ("AWS::CloudFormation::CustomResource", "Custom::*"),
    CheckovInput.MISSING,
    "a custom resource's properties go to its function, which may call Bedrock with them: values that look like "
    "model ids are reported (its type is the template's own, so no checkov check can name it)",
    _custom_resource,
)

SPECIALS: tuple[Special, ...] = (
    DEFINITION_STRING,
    DEFINITION_FILE,
    SAM_GLOBALS,
    DATA_SOURCE_LOOKUP,
    STEP_FUNCTIONS_INTEGRATIONS,
    DEFINITION_ASSET,
    CUSTOM_RESOURCE,
)

#: Data sources that name a model: data type -> (the argument naming it,
#: {attribute read elsewhere: its value, `{}` standing for the argument}).
DATA_LOOKUPS: dict[str, tuple[str, dict[str, str]]] = {
    "aws_bedrock_foundation_model": (
        "model_id",
        {"model_id": "{}", "id": "{}", "model_arn": "arn:aws:bedrock:${{region}}::foundation-model/{}"},
    ),
    "aws_bedrock_inference_profile": (
        "inference_profile_id",
        {
            "inference_profile_id": "{}",
            "id": "{}",
            "inference_profile_arn": "arn:aws:bedrock:${{region}}:${{account}}:inference-profile/{}",
        },
    ),
}


def specials_for(framework: str, resource_type: str) -> tuple[Special, ...]:
    """`Custom::*` stands for every custom resource type (`Custom::Anything`)."""
    wild = "Custom::*" if resource_type.startswith("Custom::") else None
    return tuple(
        s
        for s in SPECIALS
        if s.framework == framework and (resource_type in s.resource_types or wild in s.resource_types)
    )


def special_resource_types(framework: str) -> tuple[str, ...]:
    """The types the special cases add to the catalog's (`Custom::*` as the
    prefix `Custom::`), for the prefilter."""
    return tuple(
        t.rstrip("*") for s in SPECIALS if s.framework == framework and s.read is not None for t in s.resource_types
    )
