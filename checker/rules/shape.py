"""Model references whose shape matches nothing at run time.

The model meant is clear (and judged by the lifecycle rules), but the ARN
written around it is one Bedrock never produces, so an API call rejects it
and an IAM statement with it grants nothing: an inference-profile id inside
a `foundation-model/` ARN (a common slip when moving to cross-region
inference: the IAM statement then needs the `inference-profile/` ARN and the
`foundation-model/` ARN of the bare id), a bare model id inside an
`inference-profile/` ARN, a foundation-model ARN with an account (AWS owns
those models: their ARNs have none), an inference-profile ARN without one,
or a model ARN with an empty region.
"""

from __future__ import annotations

import re

from checker.model import Severity, Usage
from checker.modelid import IdKind
from checker.rules.base import Evaluation, Rule, RuleContext

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def _fields(raw: str) -> tuple[str, str, str] | None:
    """(region, account, resource) of a Bedrock ARN, None for anything else."""
    # A placeholder (`${AWS::Region}`) is one field, whatever it holds.
    parts = _PLACEHOLDER.sub("X", raw.strip()).split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "bedrock":
        return None
    return parts[3], parts[4], parts[5]


def never_matches(raw: str, kind: IdKind, profile_prefix: str | None, iam: bool = True) -> str | None:
    """Why an ARN of this shape matches nothing at run time, or None.

    An IAM statement matches ARNs field by field, so an empty region or a
    missing account matches nothing there; some Bedrock APIs accept those
    fields empty (their patterns allow it), so outside IAM (`iam` False)
    only the shapes no API accepts are reported: never a guess."""
    fields = _fields(raw)
    if fields is None:
        return None
    region, account, resource = fields
    if iam and kind in (IdKind.FOUNDATION_MODEL_ARN, IdKind.INFERENCE_PROFILE_ARN) and not region:
        return (
            "a Bedrock model ARN names its region (arn:PARTITION:bedrock:REGION:...; `*` in IAM for any): "
            "with an empty region it matches nothing"
        )
    if kind is IdKind.FOUNDATION_MODEL_ARN:
        if profile_prefix is not None:
            rest = resource.split("/", 1)[1]
            return (
                f"{rest} is an inference profile id, and a foundation-model ARN with it matches no model: "
                f"use the inference-profile ARN (arn:...:ACCOUNT:inference-profile/{rest}) or the profile id, "
                "and in IAM also the foundation-model ARN of the model without the prefix"
            )
        if account:
            return (
                "a foundation-model ARN has no account (arn:PARTITION:bedrock:REGION::foundation-model/ID): "
                "with one it matches no model"
            )
    if kind is IdKind.INFERENCE_PROFILE_ARN:
        rest = resource.split("/", 1)[1]
        if profile_prefix is None:
            return (
                f"{rest} is a model id, not an inference profile id (those start with a geography such as us., "
                "eu., apac. or global.): this inference-profile ARN matches no profile"
            )
        if iam and not account:
            return (
                "an inference-profile ARN carries the account (arn:PARTITION:bedrock:REGION:ACCOUNT:"
                "inference-profile/ID): without it, it matches no profile"
            )
    return None


class ModelReferenceNeverMatches(Rule):
    id = "CKV_BEDROCK_7"
    name = "ModelReferenceNeverMatches"
    severity = Severity.WARNING
    title = "Bedrock model ARN matches nothing at run time"
    fires_when = "the model ARN has a shape Bedrock never produces (profile id in a foundation-model ARN, ...)"
    help = (
        "The model is clear, but the ARN around it is not one Bedrock uses: an inference-profile id inside a "
        "foundation-model ARN, a model id inside an inference-profile ARN, a foundation-model ARN with an "
        "account, an inference-profile ARN without one. API calls reject it and IAM statements with it grant "
        "nothing. Write the ARN Bedrock uses; the lifecycle rules judge the model meant either way."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        ident = ev.reference.identity
        if ident is None:
            return None
        why = never_matches(ident.raw, ident.kind, ident.profile_prefix, ev.reference.usage is Usage.IAM_POLICY)
        return f"{ident.raw} matches nothing at run time: {why}" if why else None
