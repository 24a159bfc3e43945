"""GitLab code quality (Code Climate JSON), for merge-request widgets."""

from __future__ import annotations

import json

from checker.model import ScanResult, Severity
from checker.reports.common import definition_text, fingerprint, replacement_sentence

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
    return json.dumps(issues, indent=2) + "\n"
