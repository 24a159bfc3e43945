"""The cases the catalog's paths and modes cannot express, named, in one table.

Every front end (the CLI's sources) and the checkov adapter reach these
through `checker.catalog.extract`, so a case cannot be handled in one and
forgotten in the other.  Where checkov cannot supply the input (it hands a
check one resource, never the template around it or a file beside it),
`checkov` says what the adapter does instead; docs/checkov.md lists the same.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


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


DEFINITION_STRING = Special(
    "definition_string_json",
    "cloudformation",
    ("AWS::Bedrock::Flow", "AWS::Bedrock::FlowVersion"),
    CheckovInput.FULL,
    "a Flow's DefinitionString is the Definition as JSON text: parsed, then walked with the Definition paths",
)
DEFINITION_FILE = Special(
    "definition_file",
    "cloudformation",
    ("AWS::Serverless::StateMachine",),
    CheckovInput.UNRESOLVED,
    "a SAM state machine's local DefinitionUri file is read and walked as Amazon States Language",
)
SAM_GLOBALS = Special(
    "sam_globals",
    "cloudformation",
    ("AWS::Serverless::Function",),
    CheckovInput.FULL,
    "a SAM function inherits Globals.Function.Environment.Variables it does not set itself "
    "(checkov merges Globals into each function itself, so the catalog path finds them)",
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

SPECIALS: tuple[Special, ...] = (
    DEFINITION_STRING,
    DEFINITION_FILE,
    SAM_GLOBALS,
    DATA_SOURCE_LOOKUP,
    STEP_FUNCTIONS_INTEGRATIONS,
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
    return tuple(s for s in SPECIALS if s.framework == framework and resource_type in s.resource_types)
