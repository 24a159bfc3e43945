"""A pull-request comment or GITHUB_STEP_SUMMARY table."""

from __future__ import annotations

from checker.model import ScanResult, Severity
from checker.reports.common import REPOSITORY_CHANGES, definition_groups, definition_text, feed_line, feed_notices

_ICON = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "notice"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(result: ScanResult) -> str:
    active = [f for f in result.findings if f.active]
    lines = ["## Bedrock model lifecycle", ""]
    if result.repository_changes:
        lines += [f"**Note:** {REPOSITORY_CHANGES}:", ""]
        lines += ["- `" + c.replace("`", "'") + "`" for c in result.repository_changes]
        lines.append("")
    about = [f"_{_cell(feed_line(result))}._"]
    about += [f"> **{n.level.title()}:** {_cell(n.text)}" for n in feed_notices(result)]
    if not active and not result.errors:
        lines.append(
            f"No Legacy or End-of-Life Bedrock models in {len(result.references)} model reference(s) "
            f"(as of {result.as_of.isoformat()})."
        )
        lines += ["", *about]
        return "\n".join(lines) + "\n"
    counts = {s: sum(1 for f in active if f.severity is s) for s in Severity}
    lines.append(
        f"**{counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} warning(s), {counts[Severity.NOTICE]} "
        f"notice(s)** in {len(result.references)} model reference(s), as of {result.as_of.isoformat()} "
        f"(feed data {result.feed_as_of.isoformat()})."
    )
    lines += [
        "",
        "| Severity | Rule | Model | State | EOL date | Days left | Replacement | Where |",
        "|---|---|---|---|---|---|---|---|",
    ]
    order = sorted(
        active,
        key=lambda f: (
            -f.severity.rank,
            f.status.days_to_eol if f.status.days_to_eol is not None else 10**6,
            f.reference.location.file,
            f.reference.location.line,
        ),
    )
    for f in order:
        r = f.reference
        loc = f"`{r.location.file}:{r.location.line}`" if r.location.line else f"`{r.location.file}`"
        site = definition_text(r)
        if site is not None:
            loc += f" (defined at `{site}`)"
        lines.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    _ICON[f.severity],
                    f.rule_id,
                    f"`{f.model_id}`",
                    f.status.state.label,
                    f.status.eol_date.isoformat() if f.status.eol_date else "—",
                    str(f.status.days_to_eol) if f.status.days_to_eol is not None else "—",
                    (", ".join(f"`{x}`" for x in f.replacements) + (" (suggested)" if f.replacement_suggested else ""))
                    or "—",
                    f"{loc} `{r.construct_path or r.resource}`",
                )
            )
            + " |"
        )
    groups = definition_groups(active)
    if groups:
        lines += ["", "### Where to edit", "", "| Definition site | Kind | Model | Used by |", "|---|---|---|---|"]
        for d, found in groups:
            users = sorted({f"`{f.reference.construct_path or f.reference.resource}`" for f in found})
            lines.append(
                "| "
                + " | ".join(_cell(x) for x in (f"`{d.location}`", d.kind, f"`{found[0].model_id}`", ", ".join(users)))
                + " |"
            )
    lines += ["", *about]
    if result.errors:
        lines += ["", f"**{len(result.errors)} file(s) could not be read:**", ""]
        lines += [f"- `{e.file}{':' + str(e.line) if e.line else ''}`: {_cell(e.message)}" for e in result.errors]
    return "\n".join(lines) + "\n"
