"""A pull-request comment or GITHUB_STEP_SUMMARY table.

Everything taken from the scanned tree is escaped for GitHub-flavoured
Markdown (`reports.escape`): a logical id or file name cannot open a link,
raw HTML, a mention or a new table row in the comment.  Suppressed and
baselined findings are listed with their reasons, and the report never calls
a scan clean while it hides any.
"""

from __future__ import annotations

from checker.model import Finding, ScanResult, Severity
from checker.reports.common import (
    REPOSITORY_CHANGES,
    created_text,
    definition_groups,
    definition_text,
    feed_line,
    feed_notices,
    quiet_because,
    unresolved_severity,
    why_undecided,
)
from checker.reports.escape import markdown as md
from checker.reports.escape import markdown_code as code

_ICON = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}


def _cell(text: str) -> str:
    """Our own text (feed lines, notices) in a cell or a quote."""
    return text.replace("|", "\\|").replace("\n", " ")


def _row(cells: tuple[str, ...]) -> str:
    return "| " + " | ".join(cells) + " |"


def _model_cells(f: Finding) -> tuple[str, ...]:
    return (
        _ICON[f.severity],
        f.rule_id,
        code(f.model_id),
        f.status.state.label,
        f.status.eol_date.isoformat() if f.status.eol_date else "—",
    )


def _where(f: Finding) -> str:
    r = f.reference
    loc = code(f"{r.location.file}:{r.location.line}" if r.location.line else r.location.file)
    site = definition_text(r)
    if site is not None:
        loc += f" (defined at {code(site)})"
    created = created_text(r)
    if created is not None:
        loc += f" ({md(created)})"
    return f"{loc} {code(r.construct_path or r.resource)}"


def _order(findings: list[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            -f.severity.rank,
            f.status.days_to_eol if f.status.days_to_eol is not None else 10**6,
            f.reference.location.file,
            f.reference.location.line,
        ),
    )


def _undecided(result: ScanResult) -> list[str]:
    """Unresolved references (with the input that made each unknown) and
    wildcard grants: a summary that hides them would call a scan clean
    that judged nothing."""
    lines: list[str] = []
    if result.unresolved:
        fails = " (`--fail-on-unresolved`: they fail the check)" if result.fail_on_unresolved else ""
        lines += [
            "",
            f"**{len(result.unresolved)} model reference(s) could not be decided**{fails}:",
            "",
            "| Severity | Where | Value | Why |",
            "|---|---|---|---|",
        ]
        sev = _ICON[unresolved_severity(result)]
        for a in result.unresolved:
            r = a.reference
            loc = code(f"{r.location.file}:{r.location.line}" if r.location.line else r.location.file)
            why = md(why_undecided(r))
            lines.append(_row((sev, f"{loc} {code(r.construct_path or r.resource)}", code(r.raw), why)))
    if result.wildcards:
        lines += [
            "",
            f"**{len(result.wildcards)} wildcard grant(s)** (inventory: they allow every matching model):",
            "",
            "| Where | Grant |",
            "|---|---|",
        ]
        for a in result.wildcards:
            r = a.reference
            loc = code(f"{r.location.file}:{r.location.line}" if r.location.line else r.location.file)
            lines.append(_row((f"{loc} {code(r.construct_path or r.resource)}", code(r.raw))))
    return lines


def render(result: ScanResult) -> str:
    active = [f for f in result.findings if f.active]
    quiet = [f for f in result.findings if not f.active]
    lines = ["## Bedrock model lifecycle", ""]
    if result.repository_changes:
        lines += [f"**Note:** {REPOSITORY_CHANGES}:", ""]
        lines += [f"- {code(c)}" for c in result.repository_changes]
        lines.append("")
    about = [f"_{_cell(feed_line(result))}._"]
    about += [f"> **{n.level.title()}:** {_cell(n.text)}" for n in feed_notices(result)]
    undecided = _undecided(result)
    if not active and not quiet and not result.errors:
        decided = len(result.references) - len(result.unresolved)
        lines.append(
            f"No Legacy or End-of-Life Bedrock models in {decided} decided model reference(s) "
            f"(as of {result.as_of.isoformat()})"
            + (f"; **{len(result.unresolved)} could not be decided**, listed below." if result.unresolved else ".")
        )
        lines += [*undecided, "", *about]
        return "\n".join(lines) + "\n"
    counts = {s: sum(1 for f in active if f.severity is s) for s in Severity}
    lines.append(
        f"**{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.NOTICE]} "
        f"notice(s)** in {len(result.references)} model reference(s), as of {result.as_of.isoformat()} "
        f"(feed data {result.feed_as_of.isoformat()})"
        + (f"; **{len(quiet)} suppressed or baselined**, listed below." if quiet else ".")
    )
    if active:
        lines += [
            "",
            "| Severity | Rule | Model | State | EOL date | Days left | Replacement | Where |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in _order(active):
            replacement = ", ".join(code(x) for x in f.replacements) + (
                " (suggested)" if f.replacement_suggested and f.replacements else ""
            )
            lines.append(
                _row(
                    (
                        *_model_cells(f),
                        str(f.status.days_to_eol) if f.status.days_to_eol is not None else "—",
                        replacement or "—",
                        _where(f),
                    )
                )
            )
    groups = definition_groups(active)
    if groups:
        lines += ["", "### Where to edit", "", "| Definition site | Kind | Model | Used by |", "|---|---|---|---|"]
        for d, found in groups:
            users = sorted({code(f.reference.construct_path or f.reference.resource) for f in found})
            lines.append(_row((code(d.location), _cell(d.kind), code(found[0].model_id), ", ".join(users))))
    lines += undecided
    if quiet:
        lines += [
            "",
            f"**{len(quiet)} finding(s) suppressed or in the baseline** (they do not fail the check):",
            "",
            "| Severity | Rule | Model | State | EOL date | Where | Why |",
            "|---|---|---|---|---|---|---|",
        ]
        for f in _order(quiet):
            lines.append(_row((*_model_cells(f), _where(f), md(quiet_because(f)))))
    lines += ["", *about]
    if result.errors:
        lines += ["", f"**{len(result.errors)} file(s) could not be read:**", ""]
        lines += [f"- {code(f'{e.file}:{e.line}' if e.line else e.file)}: {md(e.message)}" for e in result.errors]
    return "\n".join(lines) + "\n"
