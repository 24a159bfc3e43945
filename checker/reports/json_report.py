"""The machine format: stable keys, every reference, every finding, every error."""

from __future__ import annotations

import json
from typing import Any

from checker.model import AssessedReference, Finding, Reference, ScanError, ScanResult, State
from checker.reports.common import feed_age_days, feed_line, feed_notices, stale_status_note

JSON_FORMAT_VERSION = "1.2"


def _d(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def definition_dict(r: Reference) -> dict[str, Any] | None:
    """The literal to edit, with the chain from it to the resource."""
    d = r.definition
    if d is None:
        return None
    return {
        "file": d.location.file,
        "line": d.location.line,
        "column": d.location.column,
        "kind": d.kind,
        "chain": [{"file": v.file, "line": v.line} for v in d.chain],
    }


def reference_dict(a: AssessedReference) -> dict[str, Any]:
    r = a.reference
    ident = r.identity
    return {
        "model_id": r.model_id,
        "raw": r.raw,
        "resolved": r.resolved and ident is not None and ident.resolvable,
        "id_kind": ident.kind.value if ident is not None else None,
        "unresolved_reason": None if a.status.state is State.WILDCARD else r.unresolved_reason,
        "expression": r.expression,
        "file": r.location.file,
        "line": r.location.line,
        "column": r.location.column,
        "resource": r.resource,
        "resource_type": r.resource_type,
        "attribute": r.attribute,
        "usage": r.usage.value,
        "framework": r.framework,
        "action": r.action.value if r.action else None,
        "conditional": r.conditional,
        "region": r.effective_region,
        "construct_path": r.construct_path,
        "created_at": r.created_at,
        "via": [{"file": v.file, "line": v.line} for v in r.via],
        "definition": definition_dict(r),
        "note": r.note,
        "state": r.state,
        "status": a.status.state.value,
        "model_name": a.model_name,
        "legacy_date": _d(a.status.legacy_date),
        "public_extended_access_date": _d(a.status.public_extended_access_date),
        "eol_date": _d(a.status.eol_date),
        "days_to_eol": a.status.days_to_eol,
        "replacement": list(a.replacements),
        "replacement_suggested": a.replacement_suggested,
        "status_observed_on": _d(a.status.observed_on),
        "stale_status": stale_status_note(a.status),
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    r = f.reference
    return {
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "severity": f.severity.value,
        "model_id": f.model_id,
        "model_name": f.model_name,
        "status": f.status.state.value,
        "legacy_date": _d(f.status.legacy_date),
        "public_extended_access_date": _d(f.status.public_extended_access_date),
        "eol_date": _d(f.status.eol_date),
        "days_to_eol": f.status.days_to_eol,
        "file": r.location.file,
        "line": r.location.line,
        "column": r.location.column,
        "resource": r.resource,
        "resource_type": r.resource_type,
        "attribute": r.attribute,
        "usage": r.usage.value,
        "framework": r.framework,
        "action": r.action.value if r.action else None,
        "construct_path": r.construct_path,
        "created_at": r.created_at,
        "definition": definition_dict(r),
        "message": f.message,
        "replacement": list(f.replacements),
        "replacement_suggested": f.replacement_suggested,
        "status_observed_on": _d(f.status.observed_on),
        "stale_status": stale_status_note(f.status),
        "suppressed": f.suppression is not None and not f.suppression.expired,
        "baselined": f.baselined,
    }


def error_dict(e: ScanError) -> dict[str, Any]:
    return {"file": e.file, "line": e.line, "message": e.message, "kind": e.kind}


def as_document(result: ScanResult) -> dict[str, Any]:
    return {
        "format_version": JSON_FORMAT_VERSION,
        "tool": {"name": "bedrock-lifecycle", "version": result.tool_version},
        "as_of": result.as_of.isoformat(),
        "feed": {
            "as_of": result.feed_as_of.isoformat(),
            "origin": result.feed_origin,
            "generated_by": result.feed_generated_by,
            "age_days": feed_age_days(result),
            "max_age_days": result.max_feed_age_days,
            "summary": feed_line(result),
            "notices": [{"level": n.level, "text": n.text} for n in feed_notices(result)],
        },
        "fail_on": result.fail_on.value,
        "eol_window_days": result.eol_window_days,
        "summary": {
            "files_scanned": result.files_scanned,
            "references": len(result.references),
            "findings": len(result.findings),
            "failing": len(result.failing_findings),
            "errors": len(result.errors),
            "exit_code": result.exit_code,
            "unresolved": len(result.unresolved),
            "wildcard_grants": len(result.wildcards),
            "fail_on_unresolved": result.fail_on_unresolved,
        },
        "references": [reference_dict(a) for a in result.references],
        "findings": [finding_dict(f) for f in result.findings],
        "errors": [error_dict(e) for e in result.errors],
        # Only when there are any, so that other reports stay as they were.
        **({"repository_changes": list(result.repository_changes)} if result.repository_changes else {}),
    }


def render(result: ScanResult) -> str:
    """Indented at the top, one compact object per line in the long lists:
    as easy to read and diff as fully indented JSON, and written by the C
    encoder (`indent` would take the pure-Python one, slow on large scans)."""
    doc = as_document(result)
    enc = json.JSONEncoder(separators=(", ", ": ")).encode
    lines = ["{"]
    for i, (key, value) in enumerate(doc.items()):
        comma = "," if i < len(doc) - 1 else ""
        if isinstance(value, list) and value:
            lines.append(f"  {enc(key)}: [")
            lines.extend(f"    {enc(item)}," for item in value[:-1])
            lines.append(f"    {enc(value[-1])}")
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {enc(key)}: {enc(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
