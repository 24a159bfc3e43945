"""The audit inventory: every model reference, not only findings, one row
each, for the spreadsheet a compliance team keeps.  Every cell goes through
`reports.escape.csv_cell`: a spreadsheet must not run a formula that a
scanned file planted in a resource name or value."""

from __future__ import annotations

import csv
import io

from checker.model import ScanResult, State
from checker.reports.escape import csv_cell

COLUMNS = (
    "file",
    "line",
    "resource",
    "resource_type",
    "attribute",
    "usage",
    "framework",
    "action",
    "model_id",
    "model_name",
    "raw",
    "resolved",
    "state",
    "legacy_date",
    "public_extended_access_date",
    "eol_date",
    "days_to_eol",
    "replacement",
    "region",
    "construct_path",
    "rules",
    "suppressed",
    "definition",
    "definition_kind",
    "unresolved_reason",
    "created_at",
)


def render(result: ScanResult) -> str:
    rules: dict[int, list[str]] = {}
    suppressed: dict[int, bool] = {}
    for f in result.findings:
        rules.setdefault(id(f.reference), []).append(f.rule_id)
        suppressed[id(f.reference)] = suppressed.get(id(f.reference), False) or not f.active
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    for a in result.references:
        r, s = a.reference, a.status
        row = [
            r.location.file,
            r.location.line or "",
            r.resource,
            r.resource_type,
            r.attribute,
            r.usage.value,
            r.framework,
            r.action.value if r.action else "",
            r.model_id or "",
            a.model_name or "",
            r.raw,
            "yes" if r.model_id else "no",
            s.state.value,
            s.legacy_date.isoformat() if s.legacy_date else "",
            s.public_extended_access_date.isoformat() if s.public_extended_access_date else "",
            s.eol_date.isoformat() if s.eol_date else "",
            "" if s.days_to_eol is None else s.days_to_eol,
            " ".join(a.replacements),
            r.effective_region or "",
            r.construct_path or "",
            " ".join(sorted(rules.get(id(r), []))),
            "yes" if suppressed.get(id(r)) else "",
            str(r.definition.location) if r.definition and r.definition.elsewhere else "",
            r.definition.kind if r.definition and r.definition.elsewhere else "",
            # A wildcard grant is inventory, not unknown: no reason to give.
            "" if s.state is State.WILDCARD else (r.unresolved_reason or ""),
            r.created_at or "",
        ]
        w.writerow([csv_cell(c) for c in row])
    return buf.getvalue()
