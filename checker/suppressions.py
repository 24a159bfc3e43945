"""Inline suppressions, so a team can accept a finding on purpose, with a
reason, and optionally only until a date.

    # bedrock-lifecycle:ignore CKV_BEDROCK_3 migrating in Q1 until=2027-01-31
    // bedrock-lifecycle:ignore CKV_BEDROCK_3,CKV_BEDROCK_4 contract pins this model
    # checkov:skip=CKV_BEDROCK_3:migration tracked in JIRA-123

On the reference's line or the line above it; checkov's skip anywhere in the
resource.  CloudFormation JSON has no comments, so a resource's `Metadata`
carries them:

    "Metadata": {"bedrock-lifecycle": {"ignore": [{"id": "CKV_BEDROCK_3", "reason": "...", "until": "2027-01-31"}]},
                 "checkov": {"skip": [{"id": "CKV_BEDROCK_3", "comment": "..."}]}}

A suppression without a reason, or with a date that is not a date, does not
apply and is reported as an error: silence must be explained.  The scanned
repository is untrusted, so the two forms that silence without saying why
-- a `checkov:skip` without a reason and a rule wildcard (`CKV_BEDROCK_*`)
-- are not honoured either, unless the pipeline allows them
(`--allow-unjustified-suppressions` or
`BEDROCK_LIFECYCLE_ALLOW_UNJUSTIFIED_SUPPRESSIONS=1`; never the repository's
config).  They are reported as errors only when they would hide a finding.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from checker.model import ErrorKind, Finding, Location, ScanError, SourceFramework, Suppression
from checker.util.textio import FileReadError, read_text

_OURS = re.compile(r"(?:#|//|/\*)\s*bedrock-lifecycle:ignore\b(.*)$")
_CHECKOV = re.compile(r"checkov:skip=([A-Za-z0-9_]+)(?::(.*))?$")
_RULE_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$|^[A-Z0-9_]+_\*$")
_UNTIL = re.compile(r"\buntil=(\S+)")


@dataclass(frozen=True)
class Inline:
    rule_ids: tuple[str, ...]
    reason: str
    line: int
    until: date | None
    origin: str
    #: Why the pipeline must allow it before it applies ("" when it may):
    #: no reason given, or rules named by a wildcard.
    unjustified: str = ""


def parse_line(text: str, line: int, file: str, errors: list[ScanError]) -> Inline | None:
    m = _OURS.search(text)
    if m:
        body = m.group(1).strip().removesuffix("*/").strip()
        until = None
        u = _UNTIL.search(body)
        if u:
            try:
                until = date.fromisoformat(u.group(1))
            except ValueError:
                errors.append(
                    ScanError(
                        file,
                        f"suppression has an invalid date {u.group(1)!r} (use until=YYYY-MM-DD)",
                        line,
                        kind=ErrorKind.SUPPRESSION,
                    )
                )
                return None
            body = (body[: u.start()] + body[u.end() :]).strip()
        ids_text, _, reason = body.partition(" ")
        ids = tuple(i for i in ids_text.split(",") if i)
        if not ids or not all(_RULE_ID.match(i) for i in ids):
            errors.append(
                ScanError(
                    file,
                    "suppression names no rule id (e.g. bedrock-lifecycle:ignore CKV_BEDROCK_3 reason)",
                    line,
                    kind=ErrorKind.SUPPRESSION,
                )
            )
            return None
        if not reason.strip():
            errors.append(
                ScanError(
                    file,
                    f"suppression of {','.join(ids)} has no reason; a reason is required",
                    line,
                    kind=ErrorKind.SUPPRESSION,
                )
            )
            return None
        return Inline(ids, reason.strip(), line, until, "inline", _wildcard(ids))
    m = _CHECKOV.search(text)
    if m:
        return _checkov(m.group(1), m.group(2), line)
    return None


def _wildcard(ids: tuple[str, ...]) -> str:
    wild = [i for i in ids if i.endswith("_*")]
    return f"names rules by the wildcard {', '.join(wild)}" if wild else ""


def _checkov(rule_id: str, reason: object, line: int) -> Inline:
    text = str(reason or "").strip()
    return Inline(
        (rule_id,),
        text or "(checkov skip, no reason given)",
        line,
        None,
        "checkov",
        _wildcard((rule_id,)) or ("" if text else "has no reason"),
    )


#: What a line or a file must contain to hold a suppression.
MARKS = ("bedrock-lifecycle:ignore", "checkov:skip")

#: Suppression lines of one file: (line number, line text).
MarkLines = tuple[tuple[int, str], ...]
#: Suppressions in one template's Metadata: logical id -> (origin, entry, line).
MetadataMarks = dict[str, list[tuple[str, Any, int]]]


def mark_lines(text: str) -> MarkLines | None:
    """The lines of a file that name a suppression, collected by the source
    that reads the file anyway, so suppressions need no second read.  None
    when the file names neither tool (most files: nothing to record); an
    empty tuple when it does but holds no suppression line."""
    if "bedrock-lifecycle" not in text and "checkov" not in text:
        return None
    if not any(m in text for m in MARKS):
        return ()
    return tuple((i, line) for i, line in enumerate(text.splitlines(), start=1) if any(m in line for m in MARKS))


def metadata_marks(doc: Any, text: str) -> MetadataMarks:
    """The suppressions a parsed template's resources carry in `Metadata`,
    collected by the template source from the document it parsed anyway."""
    from checker.sources.cloudformation.yaml_loader import line_of

    out: MetadataMarks = {}
    if "bedrock-lifecycle" not in text and "checkov" not in text:
        return out
    resources = doc.get("Resources") if isinstance(doc, dict) else None
    if not isinstance(resources, dict):
        return out
    for lid, body in resources.items():
        meta = body.get("Metadata") if isinstance(body, dict) else None
        if not isinstance(meta, dict):
            continue
        items: list[tuple[str, Any, int]] = []
        ours = meta.get("bedrock-lifecycle")
        for entry in (ours.get("ignore") or []) if isinstance(ours, dict) else []:
            items.append(("metadata", _plain(entry), line_of(entry, line_of(body))))
        ckv = meta.get("checkov")
        for entry in (ckv.get("skip") or []) if isinstance(ckv, dict) else []:
            items.append(("checkov", _plain(entry), line_of(entry, line_of(body))))
        out[str(lid)] = items
    return out


def _plain(value: Any) -> Any:
    """A Metadata entry without the loader's position types, so it pickles
    to the pipeline like any dict."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _matches(rule_ids: tuple[str, ...], rule_id: str) -> bool:
    return any(i == rule_id or (i.endswith("_*") and rule_id.startswith(i[:-1])) for i in rule_ids)


class Suppressor:
    """Applies the suppressions of the files that have findings.  The marks
    come from the sources, collected while they read each file
    (`SourceResult.marks`, `.metadata_marks`); a file no source reported
    (a cached result, a plan) is read here, once."""

    def __init__(
        self,
        as_of: date,
        max_bytes: int,
        may_suppress: Callable[[str], bool] | None = None,
        marks: Mapping[str, MarkLines] | None = None,
        metadata: Mapping[str, MetadataMarks] | None = None,
        allow_unjustified: bool = False,
    ) -> None:
        self.as_of = as_of
        self.max_bytes = max_bytes
        self.allow_unjustified = allow_unjustified
        self._refused: set[tuple[str, int, str]] = set()
        #: From the first pass: False for a file that names no suppression
        #: mark, which then is not read again.
        self.may_suppress = may_suppress or (lambda _: True)
        self.errors: list[ScanError] = []
        self._marks = marks or {}
        self._metadata_marks = metadata or {}
        self._lines: dict[str, dict[int, Inline]] = {}
        self._metadata: dict[str, dict[str, list[Inline]]] = {}

    def _file(self, file: str) -> dict[int, Inline]:
        if file not in self._lines:
            found: dict[int, Inline] = {}
            if file in self._marks:
                lines = self._marks[file]
            elif not self.may_suppress(file):
                lines = ()
            else:
                try:
                    lines = mark_lines(read_text(file, self.max_bytes)) or ()
                except FileReadError:
                    lines = ()
            for i, line in lines:
                s = parse_line(line, i, file, self.errors)
                if s is not None:
                    found[i] = s
            self._lines[file] = found
        return self._lines[file]

    def _cfn_metadata(self, file: str) -> dict[str, list[Inline]]:
        if file in self._metadata:
            return self._metadata[file]
        out: dict[str, list[Inline]] = {}
        self._metadata[file] = out
        raw = self._metadata_marks.get(file)
        if raw is None:
            raw = self._read_metadata(file)
        for lid, entries in raw.items():
            items: list[Inline] = []
            for origin, entry, line in entries:
                if origin == "metadata":
                    s = self._metadata_entry(entry, file, line, origin)
                    if s:
                        items.append(s)
                elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    items.append(_checkov(entry["id"], entry.get("comment"), line))
            out[lid] = items
        return out

    def _read_metadata(self, file: str) -> MetadataMarks:
        """For a template no source reported (a cached result): read it."""
        if not self.may_suppress(file):
            return {}
        try:
            text = read_text(file, self.max_bytes)
        except FileReadError:
            return {}
        if "bedrock-lifecycle" not in text and "checkov" not in text:
            return {}
        from checker.sources.cloudformation.yaml_loader import TemplateError, load_template_text

        try:
            doc = load_template_text(text)
        except TemplateError:
            return {}
        return metadata_marks(doc, text)

    def _metadata_entry(self, entry: Any, file: str, line: int, origin: str) -> Inline | None:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            self.errors.append(
                ScanError(file, "suppression in Metadata needs an 'id'", line, kind=ErrorKind.SUPPRESSION)
            )
            return None
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            self.errors.append(
                ScanError(
                    file,
                    f"suppression of {entry['id']} has no reason; a reason is required",
                    line,
                    kind=ErrorKind.SUPPRESSION,
                )
            )
            return None
        until = None
        if entry.get("until") is not None:
            try:
                until = date.fromisoformat(str(entry["until"]))
            except ValueError:
                self.errors.append(
                    ScanError(
                        file,
                        f"suppression has an invalid date {entry['until']!r} (use YYYY-MM-DD)",
                        line,
                        kind=ErrorKind.SUPPRESSION,
                    )
                )
                return None
        ids = (entry["id"],)
        return Inline(ids, reason.strip(), line, until, origin, _wildcard(ids))

    def _honoured(self, s: Inline, f: Finding) -> bool:
        """Whether a matching suppression applies; one the pipeline has not
        allowed is reported (once) where it would have hidden the finding."""
        if not s.unjustified or self.allow_unjustified:
            return True
        file = f.reference.location.file
        key = (file, s.line, f.rule_id)
        if key not in self._refused:
            self._refused.add(key)
            what = "checkov skip" if s.origin == "checkov" else "suppression"
            self.errors.append(
                ScanError(
                    file,
                    f"{what} of {f.rule_id} {s.unjustified}, so it is not honoured: give a reason and name the rule "
                    "(or the pipeline allows it with --allow-unjustified-suppressions)",
                    s.line,
                    kind=ErrorKind.SUPPRESSION,
                )
            )
        return False

    def find(self, f: Finding) -> Inline | None:
        ref = f.reference
        file = ref.location.file
        lines = self._file(file)
        for ln in (ref.location.line, ref.location.line - 1):
            s = lines.get(ln)
            if s is not None and s.origin == "inline" and _matches(s.rule_ids, f.rule_id) and self._honoured(s, f):
                return s
        start = ref.resource_line or ref.location.line
        end = max(ref.resource_end_line, ref.location.line)
        for ln in range(max(1, start - 1), end + 1):
            s = lines.get(ln)
            if s is not None and s.origin == "checkov" and _matches(s.rule_ids, f.rule_id) and self._honoured(s, f):
                return s
        if ref.framework in (SourceFramework.CLOUDFORMATION, SourceFramework.CDK):
            lid = ref.resource.rsplit("/", 1)[-1]
            for s in self._cfn_metadata(file).get(lid, []):
                if _matches(s.rule_ids, f.rule_id) and self._honoured(s, f):
                    return s
        return None

    def apply(self, findings: list[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            s = self.find(f)
            if s is None:
                out.append(f)
                continue
            expired = s.until is not None and s.until < self.as_of
            sup = Suppression(
                f.rule_id, s.reason, Location(f.reference.location.file, s.line), s.until, expired, s.origin
            )
            message = f.message
            if expired:
                message += f" (suppression expired on {s.until.isoformat() if s.until else ''})"
            out.append(replace(f, suppression=sup, message=message))
        return out
