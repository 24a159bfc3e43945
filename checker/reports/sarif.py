"""SARIF 2.1.0 for code-scanning tabs (GitHub, Azure DevOps).

Partial fingerprints hash what identifies a finding (rule, file, resource,
attribute, model), not its line, so code scanning keeps tracking a finding
when code above it moves.  File paths are percent-encoded URI references
(`reports.escape.uri`).  Suppressed and baselined findings stay in the log
with `suppressions` (kind, status, justification, where and until when), so
code scanning shows them as dismissed with their reason, never drops them.
"""

from __future__ import annotations

import json
from typing import Any

from checker.model import AssessedReference, Finding, Location, Reference, ScanResult, Severity
from checker.reports.common import (
    REPOSITORY_CHANGES,
    UNRESOLVED_HELP,
    UNRESOLVED_ID,
    UNRESOLVED_TITLE,
    created_text,
    feed_age_days,
    feed_line,
    feed_notices,
    fingerprint,
    replacement_sentence,
    stale_status_note,
    unresolved_fingerprint,
    unresolved_message,
    unresolved_severity,
    wildcard_message,
)
from checker.reports.escape import uri
from checker.rules import ALL_RULES
from checker.rules.base import DOCS_URL

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
INFORMATION_URI = "https://github.com/bedrock-lifecycle/bedrock-lifecycle"


def _rule(rule_index: int) -> dict[str, Any]:
    r = ALL_RULES[rule_index]
    return {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.help},
        "help": {"text": f"{r.title}. {r.help} See {r.help_uri}", "markdown": f"**{r.title}**\n\n{r.help}"},
        "helpUri": r.help_uri,
        "defaultConfiguration": {"level": LEVELS[r.severity]},
        "properties": {"tags": ["bedrock", "model-lifecycle", "ai-and-ml"], "problem.severity": r.severity.value},
    }


def _unresolved_rule() -> dict[str, Any]:
    return {
        "id": UNRESOLVED_ID,
        "name": "UnresolvedModelReference",
        "shortDescription": {"text": UNRESOLVED_TITLE},
        "fullDescription": {"text": UNRESOLVED_HELP},
        "help": {
            "text": f"{UNRESOLVED_TITLE}. {UNRESOLVED_HELP}",
            "markdown": f"**{UNRESOLVED_TITLE}**\n\n{UNRESOLVED_HELP}",
        },
        "helpUri": f"{DOCS_URL}#unresolved-references",
        "defaultConfiguration": {"level": "note"},
        "properties": {"tags": ["bedrock", "model-lifecycle", "ai-and-ml"], "problem.severity": "recommendation"},
    }


def _unresolved_result(a: AssessedReference, index: int, level: str) -> dict[str, Any]:
    """An undecided reference as a result of its own rule: code scanning
    shows it (a note, or an error under --fail-on-unresolved), never a pass."""
    r = a.reference
    properties = {"reason": r.unresolved_reason, "expression": r.raw}
    return _located(r, UNRESOLVED_ID, index, level, unresolved_message(a), unresolved_fingerprint(a), properties)


def _located(
    r: Reference, rule_id: str, index: int, level: str, text: str, fp: str, properties: dict[str, Any]
) -> dict[str, Any]:
    """What every result has: rule, level, message, where, fingerprint,
    the reference's own properties after `properties`, related places."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(r.location.file), "uriBaseId": "%SRCROOT%"}}
    if r.location.line > 0:
        region: dict[str, Any] = {"startLine": r.location.line}
        if r.location.column > 0:
            region["startColumn"] = r.location.column
        physical["region"] = region
    out: dict[str, Any] = {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [
                    {"name": r.resource, "fullyQualifiedName": r.construct_path or r.resource, "kind": "resource"}
                ],
            }
        ],
        "partialFingerprints": {"bedrockLifecycle/v1": fp},
        "properties": {
            **properties,
            "usage": r.usage.value,
            "resourceType": r.resource_type,
            "framework": r.framework,
        },
    }
    related = _related(r)
    if related:
        out["relatedLocations"] = related
    return out


def _related_location(index: int, loc: Location, text: str) -> dict[str, Any]:
    region: dict[str, Any] = {}
    if loc.line > 0:
        region["startLine"] = loc.line
        if loc.column > 0:
            region["startColumn"] = loc.column
    return {
        "id": index,
        "message": {"text": text},
        "physicalLocation": {
            "artifactLocation": {"uri": uri(loc.file), "uriBaseId": "%SRCROOT%"},
            **({"region": region} if region else {}),
        },
    }


def _related(r: Reference) -> list[dict[str, Any]]:
    """The definition site first (the line to edit), then each place the
    value passes on its way to the resource."""
    d = r.definition
    if d is not None and d.elsewhere:
        out = [_related_location(1, d.location, f"model id written here ({d.kind}): edit this line")]
        out += [_related_location(i + 2, c, "value passed on from here") for i, c in enumerate(d.chain)]
        return out
    return [_related_location(i + 1, v, "value passed from here") for i, v in enumerate(r.via)]


def _result(f: Finding, rule_index: dict[str, int]) -> dict[str, Any]:
    r = f.reference
    text = f.message
    text += replacement_sentence(f)
    stale = stale_status_note(f.status)
    if stale:
        text += f". Note: {stale}"
    if r.created_at:
        text += f" (construct {created_text(r)})"
    properties = {
        "modelId": f.model_id,
        "state": f.status.state.value,
        "eolDate": f.status.eol_date.isoformat() if f.status.eol_date else None,
        "daysToEol": f.status.days_to_eol,
        "replacement": list(f.replacements),
        "replacementSuggested": f.replacement_suggested,
        "statusObservedOn": f.status.observed_on.isoformat() if f.status.observed_on else None,
    }
    out = _located(r, f.rule_id, rule_index[f.rule_id], LEVELS[f.severity], text, fingerprint(f), properties)
    suppressions: list[dict[str, Any]] = []
    s = f.suppression
    if s is not None and not s.expired:
        sup: dict[str, Any] = {
            "kind": "inSource",
            "status": "accepted",
            "justification": s.reason,
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(s.location.file), "uriBaseId": "%SRCROOT%"},
                    **({"region": {"startLine": s.location.line}} if s.location.line > 0 else {}),
                }
            },
            "properties": {"origin": s.origin},
        }
        if s.until is not None:
            sup["properties"]["expires"] = s.until.isoformat()
        suppressions.append(sup)
    if f.baselined:
        suppressions.append({"kind": "external", "status": "accepted", "justification": "in the baseline"})
    if suppressions:
        out["suppressions"] = suppressions
    return out


def _wildcard(a: AssessedReference) -> dict[str, Any]:
    """A wildcard grant, as inventory in the run's properties (it names no
    model to judge, and nothing about it is unknown)."""
    r = a.reference
    return {
        "uri": r.location.file,
        "line": r.location.line,
        "resource": r.resource,
        "grant": r.raw,
        "text": wildcard_message(a),
    }


def as_document(result: ScanResult) -> dict[str, Any]:
    rule_index = {r.id: i for i, r in enumerate(ALL_RULES)}
    level = LEVELS[unresolved_severity(result)]
    notifications = [
        {
            "level": "error",
            "message": {"text": e.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(e.file), "uriBaseId": "%SRCROOT%"},
                        **({"region": {"startLine": e.line}} if e.line > 0 else {}),
                    }
                }
            ],
        }
        for e in result.errors
    ]
    notifications += [
        {"level": "warning", "message": {"text": f"{REPOSITORY_CHANGES}: {c}"}} for c in result.repository_changes
    ]
    notifications += [
        {"level": "warning" if n.level == "warning" else "note", "message": {"text": n.text}}
        for n in feed_notices(result)
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "bedrock-lifecycle",
                        "version": result.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [*(_rule(i) for i in range(len(ALL_RULES))), _unresolved_rule()],
                    }
                },
                "invocations": [
                    {"executionSuccessful": not result.errors, "toolExecutionNotifications": notifications}
                ],
                "results": [
                    *(_result(f, rule_index) for f in result.findings),
                    *(_unresolved_result(a, len(ALL_RULES), level) for a in result.unresolved),
                ],
                "properties": {
                    "asOf": result.as_of.isoformat(),
                    "feedAsOf": result.feed_as_of.isoformat(),
                    **({"repositoryChanges": list(result.repository_changes)} if result.repository_changes else {}),
                    **({"failOnUnresolved": True} if result.fail_on_unresolved else {}),
                    **({"wildcardGrants": [_wildcard(a) for a in result.wildcards]} if result.wildcards else {}),
                    "feed": {
                        "origin": result.feed_origin,
                        "generatedBy": result.feed_generated_by,
                        "asOf": result.feed_as_of.isoformat(),
                        "ageDays": feed_age_days(result),
                        "maxAgeDays": result.max_feed_age_days,
                        "summary": feed_line(result),
                    },
                },
            }
        ],
    }


def render(result: ScanResult) -> str:
    return json.dumps(as_document(result), indent=2) + "\n"
