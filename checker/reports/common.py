"""What several report formats share: fingerprints and short labels."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from checker.model import (
    AssessedReference,
    Definition,
    Finding,
    LifecycleStatus,
    Reference,
    ScanResult,
    Severity,
    SourceFramework,
    State,
)


def reference_key(ref: Reference) -> str:
    """What identifies a place across commits: not its line, which moves."""
    key = "|".join((ref.location.file, ref.resource, ref.attribute, ref.model_id or ref.raw))
    root = _calling_root(ref)
    return f"{key}|{root}" if root is not None else key


def _calling_root(ref: Reference) -> str | None:
    """The root module's directory, for a Terraform module outside it: a
    module that several roots call (a repository's `examples/*` calling
    `../..`) is one place per root.  `via` starts at the root's call.  A
    module inside its root's tree keeps the key it always had, so existing
    baselines still match."""
    if ref.framework is not SourceFramework.TERRAFORM or not ref.via:
        return None
    first = ref.via[0].file
    if not first.endswith((".tf", ".tf.json")):
        return None
    root = os.path.dirname(first)
    if not root or ref.location.file.startswith(root + os.sep):
        return None
    return root


def fingerprint(f: Finding) -> str:
    """Stable across runs and line moves; used by SARIF, the baseline and
    the GitLab code-quality report."""
    return hashlib.sha256(f"{f.rule_id}|{reference_key(f.reference)}".encode()).hexdigest()[:32]


#: How every report introduces `ScanResult.repository_changes`.
REPOSITORY_CHANGES = "settings taken from the scanned repository's configuration (they can weaken the policy)"


def where(ref: Reference) -> str:
    loc = f"{ref.location.file}:{ref.location.line}" if ref.location.line else ref.location.file
    return f"{loc} ({ref.construct_path or ref.resource})"


#: A date-less status older than this, at the evaluation date, is flagged:
#: "Active" seen in October says nothing certain about December.
STALE_STATUS_DAYS = 30


@dataclass(frozen=True)
class FeedNotice:
    """Something every report must say about the data behind its verdicts."""

    level: str  # "warning" or "note"
    text: str


def feed_age_days(result: ScanResult) -> int:
    return (result.as_of - result.feed_as_of).days


def feed_line(result: ScanResult) -> str:
    """Where the lifecycle data comes from and how old it is, in one line."""
    age = feed_age_days(result)
    when = f"{age} day{'s' if age != 1 else ''} before" if age >= 0 else f"{-age} day(s) after"
    source = f" ({result.feed_generated_by})" if result.feed_generated_by else ""
    return (
        f"Lifecycle feed: {result.feed_origin}{source}, data as of {result.feed_as_of.isoformat()}, "
        f"{when} the evaluation date {result.as_of.isoformat()}"
    )


def stale_status_note(status: LifecycleStatus) -> str | None:
    """Why a verdict may be out of date: it rests on a status without dates,
    observed long before the evaluation date."""
    if status.basis != "status" or status.observed_on is None:
        return None
    days = (status.as_of - status.observed_on).days
    if days <= STALE_STATUS_DAYS:
        return None
    return (
        f"this verdict rests on a status without dates observed on {status.observed_on.isoformat()}, "
        f"{days} days before {status.as_of.isoformat()}; refresh the feed to confirm it"
    )


def feed_notices(result: ScanResult) -> list[FeedNotice]:
    """The feed's age warning and the count of verdicts resting on stale
    date-less statuses; every format shows these (HTML too: call this)."""
    out: list[FeedNotice] = []
    age = feed_age_days(result)
    if age > result.max_feed_age_days:
        out.append(
            FeedNotice(
                "warning",
                f"the lifecycle feed's data is {age} days old (as of {result.feed_as_of.isoformat()}), older than "
                f"--max-feed-age {result.max_feed_age_days}: models that entered Legacy or got an EOL date since "
                "are missed. Refresh it (`bedrock-lifecycle feed refresh --from-docs`) or point --feed at a newer one",
            )
        )
    stale = [a for a in result.references if stale_status_note(a.status) is not None]
    if stale:
        out.append(
            FeedNotice(
                "note",
                f"{len(stale)} verdict(s) rest on a status without dates observed more than {STALE_STATUS_DAYS} "
                f"days before {result.as_of.isoformat()}",
            )
        )
    return out


def replacement_sentence(f: Finding) -> str:
    """The advice as a sentence to append to a message ("" when none applies)."""
    text = replacement_text(f)
    return f". {text[0].upper()}{text[1:]}" if text else ""


def replacement_text(f: Finding) -> str | None:
    """The advice line for a finding, or None where a replacement does not
    apply (the model is not in the feed, or nothing says it is going)."""
    if f.replacements:
        if f.replacement_suggested:
            return f"suggested replacement (AWS names no Active successor): {', '.join(f.replacements)}"
        return f"replace with: {', '.join(f.replacements)}"
    if f.model_name is None or f.status.state is State.LIFECYCLE_UNPUBLISHED:
        return None  # not in the feed, or no lifecycle published: nothing to replace it by
    if f.status.state is State.ACTIVE and f.status.eol_date is None:
        return None  # Active with no end announced (an ARN-shape warning): nothing to replace
    return "no Active replacement is known"


def definition_text(ref: Reference) -> str | None:
    """`variables.tf:31 (variable default; via locals.tf:5 -> main.tf:5)`:
    the line to edit when it is not the finding's own line, else None."""
    d = ref.definition
    if d is None or not d.elsewhere:
        return None
    chain = "".join(f" -> {c}" for c in d.chain)
    return f"{d.location} ({d.kind}{'; via ' + chain[4:] if chain else ''})"


def definition_groups(findings: list[Finding]) -> list[tuple[Definition, list[Finding]]]:
    """Findings whose model is written somewhere other than the resource,
    grouped by that definition site (one edit there fixes all of them), in
    file and line order."""
    groups: dict[tuple[str, int, int], tuple[Definition, list[Finding]]] = {}
    for f in findings:
        d = f.reference.definition
        if d is None or not d.elsewhere:
            continue
        key = (d.location.file, d.location.line, d.location.column)
        groups.setdefault(key, (d, []))[1].append(f)
    return [groups[k] for k in sorted(groups)]


def quiet_because(f: Finding) -> str:
    """Why a finding does not count, in the words every format shows next to
    it: a suppressed or baselined finding stays visible, with its reason,
    where the reason was written and until when it holds."""
    parts = []
    s = f.suppression
    if s is not None and not s.expired:
        kind = {"checkov": "checkov skip", "metadata": "suppressed in Metadata"}.get(s.origin, "suppressed inline")
        until = f" until {s.until.isoformat()}" if s.until else ""
        parts.append(f"{kind} at {s.location}{until}: {s.reason}")
    if f.baselined:
        parts.append("in the baseline")
    return "; ".join(parts)


#: The id under which rule-shaped formats (SARIF, JUnit, Code Climate) list
#: a reference whose model could not be decided: it is not a lifecycle rule
#: (there is no model to judge), but a pipeline must see it, not a pass.
UNRESOLVED_ID = "BEDROCK_UNRESOLVED"
UNRESOLVED_TITLE = "Model reference could not be decided statically"
UNRESOLVED_HELP = (
    "The value that names the model is not known before deployment (a parameter or variable without a value, "
    "an import from another stack, a custom resource's output, an apply-time attribute). Nothing was judged: "
    "give the value (--parameter, --var) or check the model by hand; --fail-on-unresolved makes this fail."
)
#: The id under which those formats list a wildcard grant (inventory).
WILDCARD_ID = "BEDROCK_WILDCARD"


def unresolved_severity(result: ScanResult) -> Severity:
    """Notice, unless the pipeline requires full resolution."""
    return Severity.ERROR if result.fail_on_unresolved else Severity.NOTICE


def why_undecided(r: Reference) -> str:
    """The input that left a reference undecided, worded the same in every
    format that lists it."""
    return r.unresolved_reason or "value is not known statically"


def unresolved_message(a: AssessedReference) -> str:
    """`Agent.Properties.FoundationModel = {"Ref":"Model"}: the model could
    not be decided (parameter Model has no Default ...)`, for every format."""
    r = a.reference
    why = why_undecided(r)
    return f"{r.construct_path or r.resource}.{r.attribute} = {r.raw}: the model could not be decided ({why})"


def wildcard_message(a: AssessedReference) -> str:
    r = a.reference
    return f"{r.construct_path or r.resource}.{r.attribute} grants every model matching {r.raw} (inventory)"


def unresolved_fingerprint(a: AssessedReference) -> str:
    return hashlib.sha256(f"{UNRESOLVED_ID}|{reference_key(a.reference)}".encode()).hexdigest()[:32]


def created_text(ref: Reference) -> str | None:
    """`created at lib/stack.ts:25` for a CDK construct whose creation the
    assembly recorded: cdk.out is generated, the app's source is edited."""
    return f"created at {ref.created_at}" if ref.created_at else None
