"""For people at a terminal: grouped by file, worst first, with what to do.

Colour only when stdout is a terminal and NO_COLOR is unset (FORCE_COLOR
forces it), so logs and pipes stay clean.
"""

from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict

from checker.model import Finding, ScanResult, Severity
from checker.reports.common import (
    REPOSITORY_CHANGES,
    created_text,
    definition_groups,
    definition_text,
    feed_line,
    feed_notices,
    quiet_because,
    replacement_text,
    stale_status_note,
    unresolved_severity,
    why_undecided,
)
from checker.reports.escape import text as t

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.NOTICE: "36"}


def use_colour() -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


def render(result: ScanResult, colour: bool | None = None) -> str:
    colour = use_colour() if colour is None else colour

    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    # Every string from the scanned tree goes through `t`: input never
    # writes a raw control character to the terminal (see reports.escape).
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.active:
            by_file[f.reference.location.file].append(f)
    for file in sorted(by_file):
        lines.append(paint(t(file), "1"))
        for f in sorted(by_file[file], key=lambda f: (f.reference.location.line, -f.severity.rank, f.rule_id)):
            r = f.reference
            sev = paint(f"{f.severity.value:<7}", _COLOURS[f.severity])
            lines.append(f"  {r.location.line:>5}  {sev} {f.rule_id:<13} {t(r.construct_path or r.resource)}")
            lines.append(f"         {t(f.message)}")
            advice = replacement_text(f)
            if advice:
                lines.append(f"         {t(advice)}")
            stale = stale_status_note(f.status)
            if stale:
                lines.append(f"         note: {stale}")
            if f.suppression is not None and f.suppression.expired:
                lines.append(
                    f"         suppression expired on {f.suppression.until}: {t(f.suppression.reason)} "
                    f"({t(f.suppression.location)})"
                )
            created = created_text(r)
            if created is not None:
                lines.append(f"         {t(created)}")
            site = definition_text(r)
            if site is not None:
                lines.append(f"         defined at {t(site)}")
            else:
                for v in r.via:
                    lines.append(f"         value from {t(v)}")
        lines.append("")
    groups = definition_groups([f for f in result.findings if f.active])
    if groups:
        lines.append(paint("Where to edit (the model is written here, not at the resource):", "1"))
        for d, found in groups:
            model = found[0].model_id
            lines.append(f"  {t(d.location)}  {d.kind}: {t(model)}")
            seen: set[tuple[str, str]] = set()
            for f in sorted(found, key=lambda f: (f.reference.location.file, f.reference.location.line)):
                r = f.reference
                if (r.resource, str(r.location)) in seen:
                    continue
                seen.add((r.resource, str(r.location)))
                rules = sorted({g.rule_id for g in found if g.reference.resource == r.resource})
                chain = "".join(f"{c} -> " for c in (r.definition.chain if r.definition else ()))
                lines.append(
                    f"         used by {t(r.construct_path or r.resource)} ({t(chain)}{t(r.location)}) "
                    + ", ".join(rules)
                )
        lines.append("")
    unresolved = result.unresolved
    if unresolved:
        head = f"{len(unresolved)} reference(s) could not be resolved statically"
        if unresolved_severity(result) is Severity.ERROR:
            head = paint(head, _COLOURS[Severity.ERROR]) + " (--fail-on-unresolved: they fail the scan)"
        lines.append(head + ":")
        for a in unresolved:
            r = a.reference
            why = why_undecided(r)
            lines.append(
                f"  {t(r.location)}  {t(r.construct_path or r.resource)}.{t(r.attribute)} = {t(r.raw)}  ({t(why)})"
            )
        lines.append("")
    if result.wildcards:
        lines.append(f"{len(result.wildcards)} wildcard grant(s), inventory (they allow every matching model):")
        for a in result.wildcards:
            r = a.reference
            lines.append(f"  {t(r.location)}  {t(r.construct_path or r.resource)}.{t(r.attribute)} = {t(r.raw)}")
        lines.append("")
    quiet = [f for f in result.findings if not f.active]
    if quiet:
        suppressed = sum(1 for f in quiet if f.suppression is not None and not f.suppression.expired)
        lines.append(f"{suppressed} finding(s) suppressed, {len(quiet) - suppressed} only in the baseline:")
        for f in sorted(quiet, key=lambda f: (f.reference.location.file, f.reference.location.line, f.rule_id)):
            r = f.reference
            lines.append(
                f"  {t(r.location)}  {f.severity.value} {t(f.rule_id)} {t(f.model_id)} "
                f"({f.status.state.label}) in {t(r.construct_path or r.resource)}: {t(quiet_because(f))}"
            )
        lines.append("")
    for e in result.errors:
        lines.append(paint(f"error: {t(e)}", "31"))
    if result.repository_changes:
        lines.append(paint(f"warning: {REPOSITORY_CHANGES}:", "33"))
        lines.extend(f"  {t(c)}" for c in result.repository_changes)
    lines.append(feed_line(result))
    for n in feed_notices(result):
        lines.append(paint(f"{n.level}: {n.text}", "33") if n.level == "warning" else f"{n.level}: {n.text}")
    counts = Counter(f.severity.value for f in result.findings if f.active)
    states = Counter(a.status.state.label for a in result.references)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "notice"))
    state_summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
    lines.append(
        f"{len(result.references)} model reference(s) in {result.files_scanned} file(s): {summary}"
        + (f"; {len(result.errors)} file error(s)" if result.errors else "")
        + (f" [{state_summary}]" if state_summary else "")
        + f" (as of {result.as_of.isoformat()}, feed data {result.feed_as_of.isoformat()})"
    )
    return "\n".join(lines) + "\n"
