"""The six lifecycle rules.  Each is one small class; messages speak to the
person who has to act: the model, its state, the date, and what to move to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from checker.feed.model import Feed, FeedModel
from checker.model import Action, LifecycleStatus, Severity, State, Usage
from checker.rules.base import Evaluation, Rule, RuleContext


def _when(d: date | None, as_of: date) -> str:
    if d is None:
        return "on a date not yet announced"
    days = (d - as_of).days
    if days > 0:
        return f"on {d.isoformat()} ({days} day{'s' if days != 1 else ''} from {as_of.isoformat()})"
    if days == 0:
        return f"today ({d.isoformat()})"
    return f"since {d.isoformat()} ({-days} day{'s' if days != -1 else ''} ago)"


def _name(ev: Evaluation) -> str:
    model_id = ev.reference.model_id or ev.reference.raw
    if ev.model is not None and ev.model.name:
        return f"{ev.model.name} ({model_id})"
    return model_id


def _regions(ev: Evaluation) -> str:
    """Where the state applies: the reference's own region when known, else
    the regions of the announcement (empty when it covers every region)."""
    region = ev.reference.effective_region
    if region:
        return f" in {region}"
    regions = ev.status.regions
    if not regions:
        return ""
    shown = ", ".join(regions[:4]) + (f" and {len(regions) - 4} more" if len(regions) > 4 else "")
    return f" in {shown}"


class ModelIsEndOfLife(Rule):
    id = "CKV_BEDROCK_1"
    name = "ModelIsEndOfLife"
    severity = Severity.ERROR
    title = "Bedrock model is End-of-Life"
    fires_when = "the model is End-of-Life at the evaluation date"
    help = (
        "After its EOL date every API call to the model fails, in every region, and AWS migrates nothing. "
        "Move to the recommended replacement before the resource is applied again."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        if ev.status.state is not State.EOL:
            return None
        return f"{_name(ev)} is End-of-Life{_regions(ev)} {_when(ev.status.eol_date, ctx.as_of)}; calls to it fail"


class ProvisionedThroughputOnLegacyModel(Rule):
    id = "CKV_BEDROCK_2"
    name = "ProvisionedThroughputOnLegacyModel"
    severity = Severity.ERROR
    title = "Provisioned throughput on a Legacy or End-of-Life Bedrock model"
    fires_when = "provisioned throughput is created (or, outside a plan, declared) on a Legacy or EOL model"
    help = (
        "AWS refuses to create new provisioned throughput for a model in the Legacy state, so creating or "
        "replacing one fails at apply. An existing, unchanged provisioned throughput keeps working until EOL "
        "(CKV_BEDROCK_3 still warns about it)."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        ref = ev.reference
        if ref.usage is not Usage.PROVISIONED_THROUGHPUT:
            return None
        if not (ev.status.state.is_legacy or ev.status.state is State.EOL):
            return None
        if ref.action is not None and not ref.action.creates and ev.status.state is not State.EOL:
            return None
        verb = (
            "creating" if ref.action is Action.CREATE else "replacing" if ref.action is Action.REPLACE else "creating"
        )
        if ev.status.state is State.EOL:
            return f"provisioned throughput on {_name(ev)}, which is End-of-Life {_when(ev.status.eol_date, ctx.as_of)}"
        return (
            f"{verb} provisioned throughput on {_name(ev)} fails: the model is {ev.status.state.label} "
            f"since {ev.status.legacy_date.isoformat() if ev.status.legacy_date else 'an unannounced date'} "
            "and AWS creates no new provisioned throughput for Legacy models"
        )


class ModelIsLegacy(Rule):
    id = "CKV_BEDROCK_3"
    name = "ModelIsLegacy"
    severity = Severity.WARNING
    title = "Bedrock model is Legacy"
    fires_when = "the model is Legacy"
    help = (
        "Legacy models keep working for existing users, but new customers and inactive accounts can lose "
        "access, no new provisioned throughput can be created and customization may be limited. Plan the "
        "move before the EOL date."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        if not ev.status.state.is_legacy:
            return None
        return f"{_name(ev)} is Legacy{_regions(ev)}; it reaches End-of-Life {_when(ev.status.eol_date, ctx.as_of)}"


class ModelInPublicExtendedAccess(Rule):
    id = "CKV_BEDROCK_4"
    name = "ModelInPublicExtendedAccess"
    severity = Severity.WARNING
    title = "Bedrock model is in Public Extended Access"
    fires_when = "the model is in Public Extended Access"
    help = (
        "In Public Extended Access (the last part of Legacy) quota increases are generally not approved and "
        "the provider may raise the price."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        if ev.status.state is not State.PUBLIC_EXTENDED_ACCESS:
            return None
        start = ev.status.public_extended_access_date
        return (
            f"{_name(ev)} is in Public Extended Access{_regions(ev)} since "
            f"{start.isoformat() if start else 'an unannounced date'}: quota increases are generally not "
            f"approved and the price may change; End-of-Life {_when(ev.status.eol_date, ctx.as_of)}"
        )


class ModelEndOfLifeSoon(Rule):
    id = "CKV_BEDROCK_5"
    name = "ModelEndOfLifeSoon"
    severity = Severity.ERROR
    title = "Bedrock model reaches End-of-Life within the EOL window"
    fires_when = "the model reaches EOL within the window (`--eol-window`, default 90 days)"
    help = "The model's EOL date falls within the configured window (default 90 days, --eol-window)."

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        days = ev.status.days_to_eol
        if ev.status.state is State.EOL or days is None or days > ctx.eol_window_days:
            return None
        return (
            f"{_name(ev)} reaches End-of-Life{_regions(ev)} {_when(ev.status.eol_date, ctx.as_of)}, "
            f"within the {ctx.eol_window_days}-day window"
        )


class ModelNotInFeed(Rule):
    id = "CKV_BEDROCK_6"
    name = "ModelNotInFeed"
    severity = Severity.NOTICE
    title = "Bedrock model id is not in the lifecycle feed"
    fires_when = (
        "the model id is not in the lifecycle feed (typo or stale feed), or the feed knows no published lifecycle "
        "state for it"
    )
    help = (
        "The id is not a model the feed knows: a typo, a model the feed does not list yet, or a stale feed. "
        "Check the id, or refresh the feed with `bedrock-lifecycle feed refresh --from-docs` (no credentials needed)."
    )

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        if ev.status.state is State.LIFECYCLE_UNPUBLISHED and ev.model is not None:
            seen = ev.status.observed_on
            return (
                f"{_name(ev)} is in AWS's model catalogue"
                f"{f' (listed on {seen.isoformat()})' if seen else ''}, but no page the feed read publishes "
                "its lifecycle state, so it is not known to be Active: check it with "
                f"`aws bedrock get-foundation-model --model-identifier {ev.model.model_id}`, or refresh the feed"
            )
        if ev.status.state is not State.NOT_IN_FEED:
            return None
        return (
            f"{ev.reference.model_id or ev.reference.raw} is not in the lifecycle feed (as of "
            f"{ctx.feed.as_of.isoformat()}): check the id for a typo, or refresh the feed"
        )


# --------------------------------------------------------------------------- replacement advice


@dataclass(frozen=True)
class Advice:
    """What to move to.  `suggested` is True when AWS names no Active
    replacement and `models` is our pick: the newest Active model of the same
    provider and kind offered in the region."""

    models: tuple[str, ...] = ()
    suggested: bool = False


_SAFE_STATES = frozenset({State.ACTIVE})
#: Successor chains are short; a longer walk means a cycle in the data.
_MAX_HOPS = 12


def needs_replacement(status: LifecycleStatus, window_days: int) -> bool:
    """Whether a model in `status` needs advice on what to move to: it is
    going (not Active, or EOL within the window).  A model whose lifecycle is
    not published needs none: nothing says it is going, and nothing says it
    is safe either."""
    days = status.days_to_eol
    if days is not None and days <= window_days:
        return True
    return status.state not in (State.ACTIVE, State.LIFECYCLE_UNPUBLISHED)


def is_safe_target(model: FeedModel, on: date, region: str | None, window_days: int) -> bool:
    """A model we may recommend: Active at `on` (in `region` when known) and
    not reaching EOL within the window."""
    if not model.offered_in(region):
        return False
    st = model.status_at(on, region)
    if st.state not in _SAFE_STATES:
        return False
    return st.days_to_eol is None or st.days_to_eol > window_days


def replacement_advice(feed: Feed, model: FeedModel, on: date, region: str | None, window_days: int = 90) -> Advice:
    """Never recommend a Legacy, extended-access, EOL or soon-EOL model:
    follow AWS's successor chain to Active models; where it ends nowhere
    safe, suggest the newest Active model of the same provider and kind.
    Cached per feed, model, region and date (the hot path asks once per
    reference)."""
    key = (model.model_id, region, on, window_days)
    cached = feed._advice.get(key)
    if cached is not None:
        advice: Advice = cached
        return advice
    advice = _advice(feed, model, on, region, window_days)
    feed._advice[key] = advice
    return advice


def _advice(feed: Feed, model: FeedModel, on: date, region: str | None, window_days: int) -> Advice:
    found: list[str] = []
    seen = {model.model_id}
    frontier = list(model.replacements)
    for _ in range(_MAX_HOPS):
        nxt: list[str] = []
        for rid in frontier:
            target = feed.lookup(rid)
            if target is None or target.model_id in seen:
                continue
            seen.add(target.model_id)
            if is_safe_target(target, on, region, window_days):
                found.append(target.model_id)
            else:
                nxt.extend(target.replacements)
        if found or not nxt:
            break
        frontier = nxt
    if found:
        return Advice(tuple(dict.fromkeys(found)))
    newest = _newest_active(feed, model, on, region, window_days)
    return Advice((newest.model_id,), suggested=True) if newest is not None else Advice()


def _newest_active(feed: Feed, model: FeedModel, on: date, region: str | None, window_days: int) -> FeedModel | None:
    if model.kind is None:
        return None
    candidates = [
        m
        for m in feed.models
        if m is not model
        and m.provider == model.provider
        and m.kind == model.kind
        and m.access in (None, "general")
        and m.launch_date is not None
        and m.launch_date <= on
        and is_safe_target(m, on, region, window_days)
    ]
    if not candidates:
        return None
    # A Haiku user moves to a Haiku, not to the provider's newest (and
    # dearest) Opus: prefer the same family when the feed has one Active.
    family = _family(model.name)
    same = [m for m in candidates if family and _family(m.name) == family]
    return max(same or candidates, key=lambda m: (m.launch_date or date.min, m.model_id))


def _family(name: str) -> frozenset[str]:
    """The words of a model's name without its version marks: "Claude 3
    Haiku" and "Claude Haiku 4.5" are both {claude, haiku}; "Claude v2" is
    {claude}, which names no family of its own."""
    words = frozenset(w for w in re.split(r"[^a-z0-9.]+", name.lower()) if w and not any(c.isdigit() for c in w))
    return words if len(words) > 1 else frozenset()
