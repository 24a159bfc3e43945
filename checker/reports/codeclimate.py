"""GitLab code quality (Code Climate JSON), for merge-request widgets."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from checker.model import AssessedReference, ScanResult, Severity
from checker.reports.common import (
    UNRESOLVED_ID,
    WILDCARD_ID,
    definition_text,
    fingerprint,
    reference_key,
    replacement_sentence,
    unresolved_fingerprint,
    unresolved_message,
    unresolved_severity,
    wildcard_message,
)

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTICE: "info"}


def render(result: ScanResult) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": f.rule_id,
            "description": f.message
            + replacement_sentence(f)
            + ("." if replacement_sentence(f) else "")
            + (f" Defined at {definition_text(f.reference)}." if definition_text(f.reference) else ""),
            "categories": ["Compatibility"],
            "severity": _SEVERITY[f.severity],
            "fingerprint": fingerprint(f),
            "location": {"path": f.reference.location.file, "lines": {"begin": max(1, f.reference.location.line)}},
        }
        for f in result.findings
        if f.active
    ]
    # An undecided reference is an issue of its own (info, or critical when
    # the pipeline requires full resolution); a wildcard grant is listed as
    # info, inventory, so the widget is never empty while either exists.
    sev = _SEVERITY[unresolved_severity(result)]
    for a in result.unresolved:
        issues.append(_issue(a, UNRESOLVED_ID, unresolved_message(a), sev, unresolved_fingerprint(a)))
    for a in result.wildcards:
        fp = hashlib.sha256(f"{WILDCARD_ID}|{reference_key(a.reference)}".encode()).hexdigest()[:32]
        issues.append(_issue(a, WILDCARD_ID, wildcard_message(a), "info", fp))
    return json.dumps(issues, indent=2) + "\n"


def _issue(a: AssessedReference, check: str, text: str, severity: str, fp: str) -> dict[str, Any]:
    r = a.reference
    return {
        "type": "issue",
        "check_name": check,
        "description": text,
        "categories": ["Compatibility"],
        "severity": severity,
        "fingerprint": fp,
        "location": {"path": r.location.file, "lines": {"begin": max(1, r.location.line)}},
    }
