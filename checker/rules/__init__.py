"""Rules turn references plus the feed into findings.

`evaluate_reference` is the single entry point used by the CLI pipeline and by
the checkov policies, so the two can never disagree on a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable

from checker.model import Finding, LifecycleStatus, Reference, Severity, State
from checker.rules.base import Evaluation, Rule, RuleContext
from checker.rules.lifecycle import (
    ModelEndOfLifeSoon,
    ModelInPublicExtendedAccess,
    ModelIsEndOfLife,
    ModelIsLegacy,
    ModelNotInFeed,
    ProvisionedThroughputOnLegacyModel,
    needs_replacement,
    replacement_advice,
)
from checker.rules.shape import ModelReferenceNeverMatches

ALL_RULES: tuple[Rule, ...] = (
    ModelIsEndOfLife(),
    ProvisionedThroughputOnLegacyModel(),
    ModelIsLegacy(),
    ModelInPublicExtendedAccess(),
    ModelEndOfLifeSoon(),
    ModelNotInFeed(),
    ModelReferenceNeverMatches(),
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in ALL_RULES}


def evaluate(ref: Reference, ctx: RuleContext) -> Evaluation | None:
    """Join a reference with the feed; None when it names no model offline."""
    model_id = ref.model_id
    if model_id is None:
        return None
    model = ctx.feed.lookup(model_id)
    if model is None:
        status = LifecycleStatus(state=State.NOT_IN_FEED, as_of=ctx.as_of)
        return Evaluation(reference=ref, model=None, status=status)
    status = model.status_at(ctx.as_of, ref.effective_region, ref.usage.usage_class)
    advice = None
    if needs_replacement(status, ctx.eol_window_days):
        advice = replacement_advice(ctx.feed, model, ctx.as_of, ref.effective_region, ctx.eol_window_days)
    return Evaluation(reference=ref, model=model, status=status, advice=advice)


def reference_state(ref: Reference, ctx: RuleContext) -> LifecycleStatus:
    from checker.modelid import IdKind

    ev = evaluate(ref, ctx)
    if ev is not None:
        return ev.status
    ident = ref.identity
    state = State.WILDCARD if ident is not None and ident.kind is IdKind.WILDCARD else State.UNRESOLVED
    return LifecycleStatus(state=state, as_of=ctx.as_of)


def findings_for(
    ref: Reference,
    ctx: RuleContext,
    rules: Iterable[Rule] = ALL_RULES,
    severities: dict[str, Severity] | None = None,
) -> list[Finding]:
    """Every finding for one reference.  A resource being deleted needs no
    action, so it produces none."""
    from checker.model import Action

    if ref.action is Action.DELETE:
        return []
    ev = evaluate(ref, ctx)
    if ev is None:
        return []
    out = []
    for rule in rules:
        message = rule.check(ev, ctx)
        if message is None:
            continue
        severity = (severities or {}).get(rule.id, rule.severity)
        if ref.only_when is not None:
            # Not deployed with the parameters given: the user should know
            # (other parameters deploy it), but it cannot break this stack.
            severity = Severity.NOTICE
        out.append(
            Finding(
                rule_id=rule.id,
                rule_name=rule.name,
                severity=severity,
                reference=ref,
                status=ev.status,
                message=message + _condition_suffix(ref),
                replacements=ev.replacements,
                replacement_suggested=ev.replacement_suggested,
                model_name=ev.model.name if ev.model else None,
            )
        )
    return out


def _condition_suffix(ref: Reference) -> str:
    """Which state names the model, and what decides whether it is used at
    all, in the message itself: every report format shows the message, not
    every one shows the reference's fields."""
    out = ""
    if ref.state:
        out += f" (in states {ref.state})" if '", "' in ref.state else f" (in state {ref.state})"
    if ref.only_when is not None:
        out += f" (only when {ref.only_when}: false with the parameters given, so not deployed; a notice)"
    elif ref.conditional and ref.note:
        out += f" ({ref.note})"
    return out


__all__ = [
    "ALL_RULES",
    "RULES_BY_ID",
    "Evaluation",
    "Rule",
    "RuleContext",
    "evaluate",
    "findings_for",
    "reference_state",
]
