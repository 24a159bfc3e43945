"""What could not be decided, in every format, on a synthetic result: an
unresolved reference is shown with the input that made it unknown (notice
level; an error with --fail-on-unresolved), a wildcard grant is inventory,
never counted as unresolved, and a clean summary never hides either."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date

import pytest

from checker.model import (
    AssessedReference,
    LifecycleStatus,
    Location,
    Reference,
    ScanResult,
    Severity,
    SourceFramework,
    State,
    Usage,
)
from checker.reports import FORMATS, render

AS_OF = date(2026, 11, 24)
WHY = "parameter TenantModel has no Default and no value was given (--parameter TenantModel=VALUE)"
GRANT = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.*"


def _ref(resource: str, raw: str, line: int, *, resolved: bool, note: str | None = None) -> Reference:
    return Reference(
        raw=raw,
        usage=Usage.AGENT if resolved is False else Usage.IAM_POLICY,
        resource=resource,
        resource_type="AWS::Bedrock::Agent" if resolved is False else "AWS::IAM::ManagedPolicy",
        attribute="Properties.FoundationModel" if resolved is False else "Properties.PolicyDocument.Statement[0]",
        location=Location("infra/app.yaml", line, 7),
        framework=SourceFramework.CLOUDFORMATION,
        resolved=resolved,
        note=note,
    )


def result(fail_on_unresolved: bool = False) -> ScanResult:
    unresolved = _ref("TenantAgent", '{"Ref":"TenantModel"}', 12, resolved=False, note=WHY)
    wildcard = _ref("InvokeAnthropic", GRANT, 30, resolved=True)
    return ScanResult(
        references=[
            AssessedReference(unresolved, LifecycleStatus(State.UNRESOLVED, AS_OF)),
            AssessedReference(wildcard, LifecycleStatus(State.WILDCARD, AS_OF)),
        ],
        findings=[],
        errors=[],
        as_of=AS_OF,
        feed_as_of=AS_OF,
        feed_origin="bundled feed",
        fail_on=Severity.ERROR,
        eol_window_days=90,
        files_scanned=1,
        fail_on_unresolved=fail_on_unresolved,
    )


def test_exit_code_follows_fail_on_unresolved() -> None:
    assert result().exit_code == 0
    assert result(True).exit_code == 1
    only_wildcard = replace(result(True), references=result().references[1:])
    assert only_wildcard.unresolved == [] and only_wildcard.exit_code == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_names_the_unknown_input_and_the_grant(fmt: str) -> None:
    text = render(fmt, result())
    assert "TenantModel" in text and "has no Default" in text, fmt
    assert "anthropic.*" in text, fmt


def test_markdown_summary_does_not_call_the_scan_clean() -> None:
    md = render("markdown", result())
    assert "No Legacy or End-of-Life Bedrock models in 1 decided model reference(s)" in md
    assert "**1 could not be decided**" in md
    assert "| notice | `infra/app.yaml:12` `TenantAgent` |" in md
    assert "**1 wildcard grant(s)** (inventory: they allow every matching model)" in md


def test_sarif_results_and_inventory() -> None:
    run = json.loads(render("sarif", result()))["runs"][0]
    [res] = run["results"]
    assert (res["ruleId"], res["level"], res["properties"]["reason"]) == ("BEDROCK_UNRESOLVED", "note", WHY)
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "BEDROCK_UNRESOLVED"
    assert [w["grant"] for w in run["properties"]["wildcardGrants"]] == [GRANT]
    strict = json.loads(render("sarif", result(True)))["runs"][0]
    assert strict["results"][0]["level"] == "error" and strict["properties"]["failOnUnresolved"] is True


def test_junit_skips_or_fails_never_passes() -> None:
    def cases(r: ScanResult) -> dict[str, ET.Element]:
        suite = ET.fromstring(render("junit", r)).find("testsuite")
        assert suite is not None
        return {c.get("name", ""): c for c in suite.findall("testcase")}

    lenient = cases(result())["BEDROCK_UNRESOLVED TenantAgent.Properties.FoundationModel"]
    assert lenient.find("skipped") is not None and lenient.find("failure") is None
    strict = cases(result(True))["BEDROCK_UNRESOLVED TenantAgent.Properties.FoundationModel"]
    assert strict.find("failure") is not None
    grant = cases(result())["BEDROCK_WILDCARD InvokeAnthropic.Properties.PolicyDocument.Statement[0]"]
    assert grant.find("failure") is None and "grants every model matching" in (grant.findtext("system-out") or "")


def test_codeclimate_json_and_csv() -> None:
    issues = {i["check_name"]: i for i in json.loads(render("codeclimate", result()))}
    assert issues["BEDROCK_UNRESOLVED"]["severity"] == "info" and WHY in issues["BEDROCK_UNRESOLVED"]["description"]
    assert issues["BEDROCK_WILDCARD"]["severity"] == "info"
    assert json.loads(render("codeclimate", result(True)))[0]["severity"] == "critical"
    doc = json.loads(render("json", result(True)))
    summary = doc["summary"]
    assert (summary["unresolved"], summary["wildcard_grants"], summary["fail_on_unresolved"]) == (1, 1, True)
    assert summary["exit_code"] == 1
    states = {r["resource"]: (r["status"], r["unresolved_reason"]) for r in doc["references"]}
    assert states == {"TenantAgent": ("UNRESOLVED", WHY), "InvokeAnthropic": ("WILDCARD", None)}
    rows = {r["resource"]: r for r in csv.DictReader(io.StringIO(render("csv", result())))}
    assert rows["InvokeAnthropic"]["state"] == "WILDCARD" and rows["InvokeAnthropic"]["unresolved_reason"] == ""
    assert rows["TenantAgent"]["unresolved_reason"] == WHY


def test_json_schema_knows_every_state() -> None:
    """A state the model gains (WILDCARD, LIFECYCLE_UNPUBLISHED) must be
    one the report's own schema accepts, or a valid report fails validation."""
    from importlib import resources

    schema = json.loads(resources.files("checker.reports").joinpath("json-output.schema.json").read_text())
    assert schema["$defs"]["state"]["enum"] == [s.value for s in State]
