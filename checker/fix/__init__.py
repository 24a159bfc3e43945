"""`bedrock-lifecycle fix`: rewrite a Legacy or End-of-Life model id where it
is written, as a reviewable change.

AWS migrates nothing at End-of-Life, and the line a person must edit is often
not the resource's (a variable default, a tfvars entry, a parameter
`Default`).  The scan already records that line (`Reference.definition`);
this package decides, per definition site, whether a rewrite is safe, and
produces it as a unified diff or writes it.

Safe means: the replacement is Active at the evaluation date in the
resource's region, the feed does not say it is missing there, it is the same
kind of model, and the id keeps its form (an ARN keeps partition and region,
a geography prefix stays only where the feed knows that inference profile).
Everything else is said, not done: provisioned throughput and custom models
need a new commitment or a re-training; generated files (`cdk.out`, plan
JSON) are changed at their source; values that are not one literal are
listed.
"""

from __future__ import annotations

import codecs
import difflib
import fnmatch
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from checker.feed.model import Feed
from checker.fix.literal import LiteralNotFoundError, Span, find_model
from checker.model import Definition, Finding, Reference, ScanResult, SourceFramework, State, Usage
from checker.modelid import IdKind, parse_model_reference
from checker.util.atomic import atomic_write_bytes
from checker.util.enums import assert_never
from checker.util.textio import FileReadError

#: Words in a model id that say what the model does, for models the feed
#: gives no `kind`: a rewrite across kinds (an embedding model replaced by a
#: chat model) would break the resource, so it is refused.
_KINDS = (
    ("embedding", ("embed",)),
    ("rerank", ("rerank",)),
    ("image", ("image", "canvas", "stable-", "sd3", "diffusion")),
    ("video", ("reel", "ray-")),
    ("speech", ("sonic",)),
)

#: Usages whose model AWS will not swap in place.
_MANUAL_USAGE = {
    Usage.PROVISIONED_THROUGHPUT: (
        "provisioned throughput is bought for one model: buy a new commitment (term, model units) on the "
        "replacement, move traffic, then let the old one expire"
    ),
    Usage.CUSTOM_MODEL_BASE: (
        "a custom model is trained on its base model: re-train (fine-tune or distil) on the replacement; "
        "changing the base id alone would start a new training job"
    ),
}


def model_kind(model_id: str) -> str:
    """What a model is for, from its id (text when nothing else matches)."""
    name = model_id.split(".", 1)[-1].lower()
    for kind, words in _KINDS:
        if any(w in name for w in words):
            return kind
    return "text"


def syntax_of(path: str) -> str | None:
    """How a file writes its literals; None for files we never edit."""
    if path.endswith((".tf", ".tfvars")):
        return "hcl"
    if path.endswith(".json"):
        return "json"
    if path.endswith((".yaml", ".yml", ".template")):
        return "yaml"
    return None


def _generated(path: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    return "cdk.out" in parts or ".terraform" in parts


@dataclass(frozen=True)
class Edit:
    """One rewrite of one literal."""

    file: str
    line: int
    old: str
    new: str
    start: int
    end: int
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class Refusal:
    """A finding the tool will not rewrite, and why."""

    reference: Reference
    model_id: str
    reason: str
    where: str


@dataclass
class FixPlan:
    edits: list[Edit] = field(default_factory=list)
    manual: list[Refusal] = field(default_factory=list)
    untraced: list[Refusal] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: Each file's text exactly as stored (line endings kept, BOM apart), so
    #: an edit changes the id's bytes and nothing else.
    originals: dict[str, str] = field(default_factory=dict)
    boms: dict[str, bytes] = field(default_factory=dict)

    def new_texts(self) -> dict[str, str]:
        """Each edited file's new content; edits apply from the end so the
        offsets of earlier ones stay valid."""
        out: dict[str, str] = {}
        for file in sorted({e.file for e in self.edits}):
            text = self.originals[file]
            for e in sorted((e for e in self.edits if e.file == file), key=lambda e: -e.start):
                text = text[: e.start] + e.new + text[e.end :]
            out[file] = text
        return out

    def diff(self) -> str:
        chunks: list[str] = []
        for file, new in self.new_texts().items():
            old = self.originals[file]
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    f"a/{file}",
                    f"b/{file}",
                )
            )
        return "".join(c if c.endswith("\n") else c + "\n\\ No newline at end of file\n" for c in chunks)

    def write(self) -> list[str]:
        """Write every edited file atomically; returns the files written.
        A file that changed since it was read is not overwritten."""
        written = []
        for file, new in self.new_texts().items():
            bom = self.boms.get(file, b"")
            try:
                current = Path(file).read_bytes()
            except OSError as exc:
                self.errors.append(f"{file}: cannot read: {exc.strerror or exc}")
                continue
            if current != bom + self.originals[file].encode("utf-8"):
                self.errors.append(f"{file}: changed while the fix was prepared; not written")
                continue
            atomic_write_bytes(file, bom + new.encode("utf-8"))
            written.append(file)
        return written


@dataclass(frozen=True)
class FixRequest:
    """What the user narrowed the fix to."""

    rules: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()
    paths: tuple[str, ...] = ()
    to: str | None = None
    accept_suggestions: bool = False
    """Apply replacements the feed only suggests (AWS names none). Off by
    default: a suggestion is the newest Active model of the same provider and
    kind, which can differ from the old model in price and behaviour (a Haiku
    becomes an Opus), so a person picks it, not the tool."""


def _matches_path(ref: Reference, patterns: Sequence[str]) -> bool:
    if not patterns:
        return True
    files = {ref.location.file} | ({ref.definition.location.file} if ref.definition else set())
    for pat in patterns:
        p = pat.rstrip("/")
        for f in files:
            if f == p or f.startswith(p + "/") or fnmatch.fnmatch(f, pat):
                return True
    return False


def _chosen(findings: Iterable[Finding], request: FixRequest) -> dict[int, tuple[Reference, list[Finding]]]:
    out: dict[int, tuple[Reference, list[Finding]]] = {}
    for f in findings:
        if not f.active or f.status.state is State.UNRESOLVED:
            continue
        if request.rules and f.rule_id not in request.rules:
            continue
        if request.models and f.model_id not in request.models and f.reference.raw not in request.models:
            continue
        if not _matches_path(f.reference, request.paths):
            continue
        out.setdefault(id(f.reference), (f.reference, []))[1].append(f)
    return out


def _where(ref: Reference) -> str:
    return f"{ref.location} ({ref.construct_path or ref.resource})"


class _Planner:
    def __init__(self, result: ScanResult, feed: Feed, as_of: date, request: FixRequest) -> None:
        self.result = result
        self.feed = feed
        self.as_of = as_of
        self.request = request
        self.plan = FixPlan()

    # --- decisions -------------------------------------------------------
    def safe_target(self, ref: Reference, findings: list[Finding]) -> tuple[str | None, str]:
        """(replacement, "") or (None, why none is safe)."""
        old = ref.model_id or ref.raw
        region = ref.effective_region
        usage_class = ref.usage.usage_class
        if self.request.to:
            target = parse_model_reference(self.request.to).model_id
            if target is None:
                return None, f"--to {self.request.to} is not a model id"
            forced = self.feed.lookup(target)
            state = forced.status_at(self.as_of, region, usage_class).state if forced else State.NOT_IN_FEED
            if state is not State.ACTIVE:
                note = (
                    f"--to {target} is {state.label}{f' in {region}' if region else ''} on {self.as_of}; used as asked"
                )
                if note not in self.plan.notes:
                    self.plan.notes.append(note)
            return target, ""
        offered = next((f.replacements for f in findings if f.replacements), ())
        if not offered and any(f.status.state is State.NOT_IN_FEED for f in findings):
            return (
                None,
                f"{old} is not in the lifecycle feed (a typo?): correct it by hand or choose one with --to MODEL",
            )
        if not offered:
            return None, "the feed names no replacement; choose one with --to MODEL"
        why = []
        for cand in offered:
            model = self.feed.lookup(cand)
            if model is None:
                why.append(f"{cand} is not in the feed")
                continue
            status = model.status_at(self.as_of, region, usage_class)
            if status.state is not State.ACTIVE:
                since = status.legacy_date or status.eol_date
                why.append(
                    f"{cand} is {status.state.label}{f' since {since.isoformat()}' if since else ''}"
                    f"{f' in {region}' if region else ''}"
                )
                continue
            if region and model.region_status and model.region_status.get(region) not in ("ACTIVE", None):
                why.append(f"{cand} is {model.region_status[region]} in {region} per the feed")
                continue
            if not model.offered_in(region):
                why.append(f"{cand} is not offered in {region} per the feed")
                continue
            new_kind, old_kind = self.kind(cand), self.kind(old)
            if new_kind != old_kind:
                why.append(f"{cand} is a {new_kind} model, {old} a {old_kind} model")
                continue
            # The rules may offer their own suggestion where AWS names no
            # Active replacement; it is applied only when asked for, and the
            # diff is then said to rest on it.
            if any(f.replacement_suggested for f in findings):
                if not self.request.accept_suggestions:
                    return None, (
                        f"AWS names no Active replacement for {old}; the feed suggests {model.model_id}: "
                        "review it, then pass --accept-suggestions, or choose one with --to MODEL"
                    )
                note = f"{model.model_id} for {old} is a suggestion: AWS names no Active replacement; review it"
                if note not in self.plan.notes:
                    self.plan.notes.append(note)
            return model.model_id, ""
        return None, "no safe replacement: " + "; ".join(why) + "; choose one with --to MODEL"

    def kind(self, model_id: str) -> str:
        """The feed's `kind` for the model, else what its id says."""
        model = self.feed.lookup(model_id)
        return model.kind if model is not None and model.kind else model_kind(model_id)

    def profile_known(self, profile: str, target: str) -> bool:
        """Whether the feed knows `profile` (`us.<id>`) as an inference
        profile of `target`."""
        key = profile.lower()
        if key in self.feed.inference_profiles:
            return True
        model = self.feed.lookup(target)
        return model is not None and key in {p.lower() for p in model.profile_ids}

    def refusal(self, ref: Reference) -> str | None:
        """Why this reference must be changed by hand, if it must."""
        ident = ref.identity
        if ref.usage in _MANUAL_USAGE:
            return _MANUAL_USAGE[ref.usage]
        if ident is not None and ident.kind is IdKind.CUSTOM_MODEL_ARN:
            return _MANUAL_USAGE[Usage.CUSTOM_MODEL_BASE]
        match ref.framework:
            case SourceFramework.CDK:
                where = ref.construct_path or ref.resource
                return f"cdk.out is generated: change the model in the CDK app's construct {where}, then run cdk synth"
            case SourceFramework.TERRAFORM_PLAN:
                source = self._tf_source(ref)
                return f"a plan is derived from Terraform code: change the model of {ref.resource} there{source}"
            case SourceFramework.TERRAFORM_STATE:
                source = self._tf_source(ref)
                return (
                    f"a state file is what Terraform recorded: change the model of {ref.resource} in the Terraform "
                    f"code{source} and apply"
                )
            case SourceFramework.AWS:
                return f"{ref.resource} is a live resource in the account: change it in the code that deploys it"
            case SourceFramework.TERRAFORM | SourceFramework.CLOUDFORMATION:
                return None
            case _:
                assert_never(ref.framework)

    def _tf_source(self, ref: Reference) -> str:
        for a in self.result.references:
            r = a.reference
            if r.framework is SourceFramework.TERRAFORM and r.resource == ref.resource and r.model_id == ref.model_id:
                site = r.definition.location if r.definition else r.location
                return f" (written at {site})"
        return ""

    # --- the plan --------------------------------------------------------
    def run(self) -> FixPlan:
        chosen = _chosen(self.result.findings, self.request)
        by_site: dict[tuple[str, int, int], list[tuple[Reference, list[Finding]]]] = {}
        for ref, findings in chosen.values():
            model = ref.model_id or ref.raw
            reason = self.refusal(ref)
            if reason is not None:
                self.plan.manual.append(Refusal(ref, model, reason, _where(ref)))
                continue
            d = ref.definition
            if d is None:
                what = f"`{ref.expression}`" if ref.expression else "the value"
                self.plan.untraced.append(
                    Refusal(
                        ref,
                        model,
                        f"{what} is not one literal (computed, a data source or several inputs)",
                        _where(ref),
                    )
                )
                continue
            if _generated(d.location.file):
                self.plan.manual.append(Refusal(ref, model, f"{d.location.file} is a generated file", _where(ref)))
                continue
            by_site.setdefault((d.location.file, d.location.line, d.location.column), []).append((ref, findings))
        for key in sorted(by_site):
            self.site(by_site[key])
        return self.plan

    def site(self, users: list[tuple[Reference, list[Finding]]]) -> None:
        ref0 = users[0][0]
        d = ref0.definition
        assert d is not None
        model = ref0.model_id or ref0.raw
        # Everything else that reads this literal changes too: it must be
        # able to take the same replacement.
        sharing = [
            a.reference
            for a in self.result.references
            if a.reference.definition is not None and a.reference.definition.location == d.location
        ]
        blocked = [r for r in sharing if self.refusal(r) is not None]
        if blocked:
            b = blocked[0]
            reason = (
                f"{d.location} ({d.kind}) is shared with {b.resource} ({b.resource_type}), which needs a manual "
                f"change: {self.refusal(b)}; split the value first"
            )
            for ref, _ in users:
                self.plan.manual.append(Refusal(ref, model, reason, _where(ref)))
            return
        kinds = {self.kind(r.model_id or r.raw) for r in sharing} | {
            "embedding" if r.usage is Usage.KNOWLEDGE_BASE_EMBEDDING else "" for r in sharing
        }
        kinds.discard("")
        if len(kinds) > 1:
            reason = (
                f"{d.location} is read by resources that need different kinds of model ({', '.join(sorted(kinds))})"
            )
            for ref, _ in users:
                self.plan.manual.append(Refusal(ref, model, reason, _where(ref)))
            return
        targets: dict[str, list[Reference]] = {}
        for r in sharing:
            found = next((fs for rr, fs in users if rr is r), None)
            if found is None:
                found = [f for f in self.result.findings if f.reference is r]
            target, why = self.safe_target(r, found)
            if target is None:
                for ref, _ in users:
                    self.plan.manual.append(
                        Refusal(
                            ref, model, why if r is ref else f"{why} (for {r.resource}, which shares it)", _where(ref)
                        )
                    )
                return
            targets.setdefault(target, []).append(r)
        if len(targets) != 1:
            reason = f"{d.location} is shared by resources with different safe replacements ({', '.join(targets)})"
            for ref, _ in users:
                self.plan.manual.append(Refusal(ref, model, reason, _where(ref)))
            return
        target = next(iter(targets))
        self.rewrite(d, model, target, [u for u, _ in users], sharing)

    def rewrite(self, d: Definition, model: str, target: str, users: list[Reference], sharing: list[Reference]) -> None:
        file = d.location.file
        syntax = syntax_of(file)
        where = [_where(u) for u in users]
        if syntax is None or os.path.islink(file):
            why = "not a file type fix edits" if syntax is None else "a symbolic link; edit the file it points to"
            for u, w in zip(users, where, strict=True):
                self.plan.manual.append(Refusal(u, model, f"{file}: {why}", w))
            return
        if file not in self.plan.originals:
            try:
                self.plan.boms[file], self.plan.originals[file] = read_source(file)
            except FileReadError as exc:
                for u, w in zip(users, where, strict=True):
                    self.plan.manual.append(Refusal(u, model, f"{file}: {exc}", w))
                return
        text = self.plan.originals[file]
        try:
            span = find_model(text, d.location.line, d.location.column, syntax, model)
        except LiteralNotFoundError as exc:
            for u, w in zip(users, where, strict=True):
                self.plan.untraced.append(Refusal(u, model, f"{d.location}: {exc}", w))
            return
        if span.variant:
            for u, w in zip(users, where, strict=True):
                self.plan.manual.append(
                    Refusal(
                        u, model, f"{d.location} names the variant {span.variant}: pick the replacement's by hand", w
                    )
                )
            return
        forced = parse_model_reference(self.request.to) if self.request.to else None
        start = span.start
        new = target
        if span.prefix is not None:
            prefix = forced.profile_prefix if forced is not None and forced.profile_prefix else span.prefix
            profile = f"{prefix}.{target}"
            known = self.profile_known(profile, target) or (forced is not None and forced.profile_prefix)
            if not known:
                for u, w in zip(users, where, strict=True):
                    self.plan.manual.append(
                        Refusal(
                            u,
                            model,
                            f"{d.location} uses the {span.prefix}. inference profile; the feed knows no "
                            f"{profile} profile, so the prefix cannot be kept (use --to with the profile id)",
                            w,
                        )
                    )
                return
            start, new = span.prefix_start, profile
        old = text[start : span.end]
        if old == new:
            return
        if any(e.file == file and e.start == start for e in self.plan.edits):
            return
        line_text = text[text.rfind("\n", 0, start) + 1 : text.find("\n", start) if "\n" in text[start:] else None]
        if re.search(r"[\x00-\x08\x0b-\x1f]", new):
            raise ValueError("replacement id holds control characters")
        self.plan.edits.append(Edit(file, d.location.line, old, new, start, span.end, tuple(sharing)))
        if line_text.count(old) > 1:
            self.plan.notes.append(f"{d.location}: the line holds {old} more than once; only the literal changed")


def read_source(path: str, max_bytes: int = 64 << 20) -> tuple[bytes, str]:
    """(BOM, text) of a file fix may edit, decoded without normalising line
    ends: the scan's reader turns CRLF into LF for line numbers, and writing
    that back would rewrite every line.  Lines still count the same (a CR
    sits only before its LF); files whose bytes cannot round-trip are
    refused."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise FileReadError(f"file is over {max_bytes:,} bytes")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileReadError("UTF-16 file: fix only rewrites UTF-8 files; edit it by hand")
    try:
        text = data[len(bom) :].decode("utf-8")
    except UnicodeDecodeError:
        raise FileReadError("not valid UTF-8") from None
    if re.search(r"\r(?!\n)", text):
        raise FileReadError("line ends with a lone CR: fix keeps bytes exactly and cannot count lines here")
    return bom, text


def plan_fixes(result: ScanResult, feed: Feed, request: FixRequest | None = None) -> FixPlan:
    """What `fix` would change for the findings of `result`."""
    return _Planner(result, feed, result.as_of, request or FixRequest()).run()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _clean(line: str, limit: int = 600) -> str:
    """A line fit for a terminal: ids, paths and expressions come from the
    scanned tree, which may hold control characters (an escape sequence
    could rewrite the user's screen)."""
    line = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", line)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def describe(plan: FixPlan) -> str:
    """The summary for the terminal (stderr): what changes, what is left."""
    lines = []
    for e in plan.edits:
        users = ", ".join(sorted({r.construct_path or r.resource for r in e.references}))
        lines.append(f"fix: {e.file}:{e.line}: {e.old} -> {e.new} ({users})")
    for r in plan.manual:
        lines.append(f"needs a manual change: {r.where}: {r.model_id}: {r.reason}")
    for r in plan.untraced:
        lines.append(f"not traced to one literal: {r.where}: {r.model_id}: {r.reason}")
    lines.extend(f"note: {n}" for n in plan.notes)
    lines.extend(f"error: {e}" for e in plan.errors)
    return "".join(_clean(line) + "\n" for line in lines)


__all__ = ["Edit", "FixPlan", "FixRequest", "Refusal", "Span", "describe", "model_kind", "plan_fixes"]
