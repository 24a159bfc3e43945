"""GitLab code quality (Code Climate JSON), for merge-request widgets."""

from __future__ import annotations

import json

from checker.model import ScanResult, Severity
from checker.reports.common import fingerprint, replacement_text

_SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.NOTICE: "info"}


def render(result: ScanResult) -> str:
    issues = [
        {
            "type": "issue",
            "check_name": f.rule_id,
            "description": f.message + (f". {replacement_text(f)}." if replacement_text(f) else ""),
            "categories": ["Compatibility"],
            "severity": _SEVERITY[f.severity],
            "fingerprint": fingerprint(f),
            "location": {"path": f.reference.location.file, "lines": {"begin": max(1, f.reference.location.line)}},
        }
        for f in result.findings
        if f.active
    ]
    return json.dumps(issues, indent=2) + "\n"
