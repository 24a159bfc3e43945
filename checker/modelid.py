"""Turn anything a template can hold into a model identity.

Templates name models in a dozen shapes: bare ids, ids with a context-window
variant, foundation-model ARNs in any partition, cross-region inference
profiles, custom-model ARNs that embed their base model, and opaque ARNs
(provisioned models, application inference profiles) that only AWS can resolve.
Every source and the checkov adapter call this one function so that they can
never disagree on what a value means.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from functools import lru_cache

#: Provider prefixes come from the lifecycle feed's data (every model id's
#: part before the first dot), not from a list here: a provider AWS adds
#: (`xai.` was one) is recognised as soon as the feed lists one of its models.
#: They are used only where a value is *not* in a model attribute (environment
#: variables, SSM values, IAM resources), to avoid calling every dotted string
#: a model.  `register_feed_vocabulary` adds a custom feed's prefixes.
_registered_providers: set[str] = set()
_registered_prefixes: set[str] = set()


@lru_cache(maxsize=1)
def _bundled_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    from checker.feed.loader import load_bundled_feed

    feed = load_bundled_feed()
    return feed.providers, feed.profile_prefixes


def known_providers() -> frozenset[str]:
    """Provider prefixes of the bundled feed and of any feed registered since."""
    return _bundled_vocabulary()[0] | _registered_providers


def register_feed_vocabulary(providers: frozenset[str], prefixes: frozenset[str]) -> None:
    """Make a custom feed's provider and geography prefixes known (a feed for
    a provider the bundled snapshot does not list yet)."""
    if providers <= known_providers() and prefixes <= _profile_prefixes():
        return
    _registered_providers.update(providers)
    _registered_prefixes.update(prefixes)
    _profile_prefixes.cache_clear()
    _known.cache_clear()
    parse_model_reference.cache_clear()


#: Geography prefixes of system-defined (cross-region) inference profiles.  A
#: prefix not listed here is still recognised when the rest is a model id with
#: a known provider, so a new geography does not hide a model.
PROFILE_PREFIXES = frozenset({"us", "eu", "apac", "global", "us-gov", "jp", "au", "ca", "sa", "me", "uk", "in"})


@lru_cache(maxsize=1)
def _profile_prefixes() -> frozenset[str]:
    """The documented geographies plus those the feed's profile ids use."""
    return PROFILE_PREFIXES | _bundled_vocabulary()[1] | _registered_prefixes


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return known_providers()


class IdKind(str, enum.Enum):
    MODEL_ID = "model_id"
    FOUNDATION_MODEL_ARN = "foundation_model_arn"
    INFERENCE_PROFILE_ID = "inference_profile_id"
    INFERENCE_PROFILE_ARN = "inference_profile_arn"
    CUSTOM_MODEL_ARN = "custom_model_arn"
    PROVISIONED_MODEL_ARN = "provisioned_model_arn"
    APPLICATION_INFERENCE_PROFILE_ARN = "application_inference_profile_arn"
    IMPORTED_MODEL_ARN = "imported_model_arn"
    CUSTOM_MODEL_DEPLOYMENT_ARN = "custom_model_deployment_arn"
    PROMPT_ROUTER_ARN = "prompt_router_arn"
    MARKETPLACE_ENDPOINT_ARN = "marketplace_endpoint_arn"
    WILDCARD = "wildcard"
    NOT_A_MODEL = "not_a_model"


_OPAQUE_REASONS = {
    IdKind.PROVISIONED_MODEL_ARN: "a provisioned-model ARN names no model offline; "
    "run `bedrock-lifecycle audit aws` to see which model it serves",
    IdKind.APPLICATION_INFERENCE_PROFILE_ARN: "an application inference profile ARN names no model offline; "
    "run `bedrock-lifecycle audit aws` to see which model it copies",
    IdKind.IMPORTED_MODEL_ARN: "imported models have no Bedrock lifecycle",
    IdKind.CUSTOM_MODEL_DEPLOYMENT_ARN: "a custom-model deployment ARN names no base model offline",
    IdKind.PROMPT_ROUTER_ARN: "a prompt router routes to several models; check the router's models",
    IdKind.MARKETPLACE_ENDPOINT_ARN: "Marketplace endpoints are not governed by the Bedrock model lifecycle",
    IdKind.WILDCARD: "a wildcard matches many models",
    IdKind.NOT_A_MODEL: "not a Bedrock model identifier",
}


@dataclass(frozen=True)
class ModelIdentity:
    """What a value names.  `model_id` is the base foundation model (version
    kept, context-window variant and geography prefix stripped) or None when
    the value cannot be resolved offline (`reason` says why)."""

    kind: IdKind
    raw: str
    model_id: str | None = None
    variant: str | None = None
    profile_prefix: str | None = None
    region: str | None = None
    partition: str | None = None
    account: str | None = None
    reason: str | None = None

    @property
    def resolvable(self) -> bool:
        return self.model_id is not None


_ARN_TYPES = (
    "foundation-model",
    "inference-profile",
    "application-inference-profile",
    "custom-model-deployment",
    "custom-model",
    "provisioned-model",
    "imported-model",
    "default-prompt-router",
    "prompt-router",
)
_ARN_TAIL = re.compile(r"(?:^|:)(" + "|".join(re.escape(t) for t in _ARN_TYPES) + r")/(.+)$")
_ARN_HEAD = re.compile(r"^arn:([a-z0-9-]+):bedrock:([a-z0-9-]*):(\d{12})?:")
#: The same head where the partition, region or account may be a hole of a
#: partly known value (`arn:${data.aws_partition.current.partition}:bedrock:
#: ${data.aws_region.current.name}::foundation-model/...`): the model part is
#: known, the holes are recorded as unknown (None), never guessed.
_HOLE = r"\$\{[^{}]*\}"
_ARN_HEAD_HOLES = re.compile(rf"^arn:([a-z0-9-]+|{_HOLE}):bedrock:([a-z0-9-]*|{_HOLE}):(\d{{12}}|{_HOLE})?:")


def _arn_head(value: str) -> tuple[str | None, str | None, str | None]:
    """(partition, region, account) of a Bedrock ARN; None for a part that
    is absent or a hole."""
    head = _ARN_HEAD.match(value) or _ARN_HEAD_HOLES.match(value)
    if head is None:
        return None, None, None
    parts = [head.group(i) or None for i in (1, 2, 3)]
    p, r, a = (None if x is None or x.startswith("${") else x for x in parts)
    return p, r, a


def arn_holes(value: str) -> list[tuple[str, str]]:
    """(part, hole) for each part of a Bedrock ARN's head that is a hole:
    `[("partition", "${data.aws_partition.current.partition}"), ...]`."""
    head = _ARN_HEAD_HOLES.match(value.strip())
    if head is None:
        return []
    named = zip(("partition", "region", "account"), (head.group(1), head.group(2), head.group(3)), strict=True)
    return [(part, hole) for part, hole in named if hole and hole.startswith("${")]


_SAGEMAKER = re.compile(r"^arn:[a-z0-9-]+:sagemaker:")
_ID_CHARS = re.compile(r"^[A-Za-z0-9._:-]+$")


def split_variant(model_id: str) -> tuple[str, str | None]:
    """Split `provider.name:version:variant` into base id and variant.

    Bedrock ids have at most two `:` segments: a version, then a
    context-window / provisioning variant (`:28k`, `:200k`, `:mm`).  A lone
    segment that is not a number (`ai21.j2-ultra-v1:8k`) is a variant too.
    """
    name, _, rest = model_id.partition(":")
    if not rest:
        return model_id, None
    parts = rest.split(":")
    if len(parts) >= 2:
        return f"{name}:{parts[0]}", ":".join(parts[1:])
    if parts[0].isdigit():
        return model_id, None
    return name, parts[0]


def _provider(model_id: str) -> str:
    return model_id.split(".", 1)[0].lower()


def _strip_profile(value: str) -> tuple[str | None, str]:
    """Return (geography prefix, rest) for `us.anthropic.x`, or (None, value)."""
    head, dot, rest = value.partition(".")
    if not dot or "." not in rest.split(":", 1)[0]:
        return None, value
    known = _known()
    if head in _profile_prefixes() or (head not in known and _provider(rest) in known):
        return head, rest
    return None, value


#: AWS's shape of a model id (the Bedrock API's model-identifier patterns):
#: lower-case `provider.name`, a version and a variant after colons.  A value
#: of another shape (`MANAGED`, `CHANGE.ME`, a placeholder) names no model at
#: all: it is "not a Bedrock model id", not a typo to look up in the feed.
_MODEL_SHAPE = re.compile(r"^[a-z0-9-]{1,63}\.[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){0,3}(?::[a-z0-9-]{1,63})?$")


def _bare(value: str, kind: IdKind, **kw: str | None) -> ModelIdentity:
    prefix, rest = _strip_profile(value)
    if prefix is not None and kind is IdKind.MODEL_ID:
        kind = IdKind.INFERENCE_PROFILE_ID
    base, variant = split_variant(rest)
    if not _MODEL_SHAPE.match(base):
        return ModelIdentity(IdKind.NOT_A_MODEL, kw.get("raw") or value, reason=_OPAQUE_REASONS[IdKind.NOT_A_MODEL])
    return ModelIdentity(
        kind=kind, raw=kw.pop("raw", None) or value, model_id=base, variant=variant, profile_prefix=prefix, **kw
    )


@lru_cache(maxsize=8192)
def parse_model_reference(value: str) -> ModelIdentity:
    """Parse any model-bearing value.  Never raises; values that cannot name a
    model come back with kind NOT_A_MODEL and a reason."""
    raw = value
    value = value.strip()
    if not value or len(value) > 2048:
        return ModelIdentity(IdKind.NOT_A_MODEL, raw, reason=_OPAQUE_REASONS[IdKind.NOT_A_MODEL])
    if _SAGEMAKER.match(value):
        return ModelIdentity(
            IdKind.MARKETPLACE_ENDPOINT_ARN, raw, reason=_OPAQUE_REASONS[IdKind.MARKETPLACE_ENDPOINT_ARN]
        )
    tail = _ARN_TAIL.search(value)
    if tail is not None and (value.startswith("arn:") or "bedrock" in value):
        partition, region, account = _arn_head(value)
        rtype, rest = tail.group(1), tail.group(2)
        meta = {"raw": raw, "partition": partition, "region": region, "account": account}
        if "{" in rest or "}" in rest:
            # Only the model part matters; an unknown region or account is fine.
            return ModelIdentity(IdKind.NOT_A_MODEL, raw, reason="the model part is not known statically")
        if rtype == "inference-profile" and rest.startswith("*.") and not any(c in rest[2:] for c in "*?"):
            # `inference-profile/*.anthropic.claude-v2`: every geography's
            # profile of one model, which is known.
            ident = _bare(rest[2:], IdKind.INFERENCE_PROFILE_ARN, **meta)
            return replace(ident, profile_prefix="*")
        if "*" in rest or "?" in rest:
            return ModelIdentity(
                IdKind.WILDCARD, raw, region=region, partition=partition, reason=_OPAQUE_REASONS[IdKind.WILDCARD]
            )
        if not _ID_CHARS.match(rest.replace("/", "")):
            return ModelIdentity(IdKind.NOT_A_MODEL, raw, reason=_OPAQUE_REASONS[IdKind.NOT_A_MODEL])
        if rtype == "foundation-model":
            return _bare(rest, IdKind.FOUNDATION_MODEL_ARN, **meta)
        if rtype == "inference-profile":
            ident = _bare(rest, IdKind.INFERENCE_PROFILE_ARN, **meta)
            return ident
        if rtype == "custom-model":
            base = rest.split("/", 1)[0]
            if "." in base and base != "imported":
                return _bare(base, IdKind.CUSTOM_MODEL_ARN, **meta)
            return ModelIdentity(
                IdKind.IMPORTED_MODEL_ARN,
                raw,
                region=region,
                partition=partition,
                account=account,
                reason=_OPAQUE_REASONS[IdKind.IMPORTED_MODEL_ARN],
            )
        kind = {
            "application-inference-profile": IdKind.APPLICATION_INFERENCE_PROFILE_ARN,
            "provisioned-model": IdKind.PROVISIONED_MODEL_ARN,
            "imported-model": IdKind.IMPORTED_MODEL_ARN,
            "custom-model-deployment": IdKind.CUSTOM_MODEL_DEPLOYMENT_ARN,
            "default-prompt-router": IdKind.PROMPT_ROUTER_ARN,
            "prompt-router": IdKind.PROMPT_ROUTER_ARN,
        }[rtype]
        return ModelIdentity(
            kind, raw, region=region, partition=partition, account=account, reason=_OPAQUE_REASONS[kind]
        )
    if value == "*":
        # An IAM resource of every resource (the sources yield it only for a
        # statement that allows invoking Bedrock models).
        return ModelIdentity(IdKind.WILDCARD, raw, reason=_OPAQUE_REASONS[IdKind.WILDCARD])
    if value.startswith("arn:") or not _ID_CHARS.match(value) or "." not in value:
        return ModelIdentity(IdKind.NOT_A_MODEL, raw, reason=_OPAQUE_REASONS[IdKind.NOT_A_MODEL])
    if "*" in value:
        return ModelIdentity(IdKind.WILDCARD, raw, reason=_OPAQUE_REASONS[IdKind.WILDCARD])
    return _bare(value, IdKind.MODEL_ID, raw=raw)


def looks_like_model_reference(value: str) -> bool:
    """True when a free-form value (an environment variable, an SSM parameter,
    an IAM resource) is a Bedrock model reference worth reporting.

    Stricter than `parse_model_reference`: a bare id must start with a known
    provider (after an optional geography prefix), so that `app.example.com`
    is not taken for a model.
    """
    ident = parse_model_reference(value)
    if ident.kind is IdKind.NOT_A_MODEL or ident.kind is IdKind.WILDCARD:
        return False
    if ident.kind in (IdKind.MODEL_ID, IdKind.INFERENCE_PROFILE_ID):
        if ident.model_id is None or _provider(ident.model_id) not in _known():
            return False
        # Every Bedrock model name carries a version or a dash (`grok-4.7`,
        # `v3.2`); a host name such as `google.com` or `nvidia.com` does not,
        # and providers' own domains must not read as models.
        name = ident.model_id.split(".", 1)[1]
        return any(c.isdigit() or c == "-" for c in name)
    return True
