"""For people at a terminal: grouped by file, worst first, with what to do."""

from __future__ import annotations

from collections import Counter, defaultdict

from checker.model import Finding, ScanResult, State


def render(result: ScanResult) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.active:
            by_file[f.reference.location.file].append(f)
    for file in sorted(by_file):
        lines.append(file)
        for f in sorted(by_file[file], key=lambda f: (f.reference.location.line, -f.severity.rank, f.rule_id)):
            r = f.reference
            lines.append(f"  {r.location.line:>5}  {f.severity.value:<7} {f.rule_id:<13} {r.resource}")
            lines.append(f"         {f.message}")
            if f.replacements:
                lines.append(f"         replace with: {', '.join(f.replacements)}")
        lines.append("")
    unresolved = [a for a in result.references if a.status.state is State.UNRESOLVED]
    if unresolved:
        lines.append(f"{len(unresolved)} reference(s) could not be resolved statically:")
        for a in unresolved:
            r = a.reference
            ident = r.identity
            why = ident.reason if ident is not None and ident.reason else "value is not known statically"
            lines.append(f"  {r.location}  {r.resource}.{r.attribute} = {r.raw}  ({why})")
        lines.append("")
    for e in result.errors:
        lines.append(f"error: {e}")
    counts = Counter(f.severity.value for f in result.findings if f.active)
    states = Counter(a.status.state.value for a in result.references)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in ("error", "warning", "notice"))
    state_summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
    lines.append(
        f"{len(result.references)} model reference(s) in {result.files_scanned} file(s): {summary}"
        + (f"; {len(result.errors)} file error(s)" if result.errors else "")
        + (f" [{state_summary}]" if state_summary else "")
        + f" (as of {result.as_of.isoformat()}, feed {result.feed_as_of.isoformat()})"
    )
    return "\n".join(lines) + "\n"
