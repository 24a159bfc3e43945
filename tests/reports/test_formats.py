"""Every output format over sample_iac/, checked for content, not only syntax.

The SARIF test validates against the official SARIF 2.1.0 schema, copied
with its provenance into tests/data/ (see tests/data/README.md)."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from checker.feed import load_bundled_feed
from checker.model import ScanResult
from checker.pipeline import ScanSettings, scan
from checker.reports import FORMATS, render
from checker.reports.text import render as render_text
from checker.rules import ALL_RULES

REPO = Path(__file__).resolve().parents[2]
SARIF_SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
AS_OF = date(2026, 11, 24)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    os.chdir(REPO)
    return scan(["sample_iac"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))


def test_sample_scan_is_clean_of_errors(result: ScanResult) -> None:
    assert result.errors == []
    assert {f.rule_id for f in result.findings} == {r.id for r in ALL_RULES}
    assert {a.reference.framework for a in result.references} == {
        "terraform",
        "terraform_plan",
        "cloudformation",
        "cdk",
    }
    assert result.exit_code == 1


def test_json_validates_against_its_own_schema(result: ScanResult) -> None:
    doc = json.loads(render("json", result))
    schema = json.loads(resources.files("checker.reports").joinpath("json-output.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["summary"]["references"] == len(result.references) and doc["summary"]["exit_code"] == 1
    f = next(x for x in doc["findings"] if x["rule_id"] == "CKV_BEDROCK_1" and x["file"].endswith("main.tf"))
    assert f["status"] == "EOL" and f["eol_date"] and f["message"] and f["line"] > 0
    pt = next(x for x in doc["findings"] if x["rule_id"] == "CKV_BEDROCK_2" and x["framework"] == "terraform_plan")
    assert pt["action"] == "create" and pt["resource"] == "aws_bedrock_provisioned_model_throughput.peak"


def test_json_is_the_document_with_one_item_per_line(result: ScanResult) -> None:
    from dataclasses import replace

    from checker.reports.json_report import as_document

    text = render("json", result)
    assert json.loads(text) == as_document(result)
    lines = text.splitlines()
    assert not result.errors and len(lines) == len(result.references) + len(result.findings) + 14
    empty = replace(result, references=[], findings=[], errors=[])
    assert json.loads(render("json", empty)) == as_document(empty)


def test_sarif_validates_against_the_official_schema(result: ScanResult) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.fail(f"the official SARIF schema is expected at {SARIF_SCHEMA}")
    schema = json.loads(SARIF_SCHEMA.read_text())
    doc = json.loads(render("sarif", result))
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [*(r.id for r in ALL_RULES), "BEDROCK_UNRESOLVED"]
    assert all(r["helpUri"].startswith("https://") and r["defaultConfiguration"]["level"] for r in rules)
    assert len(run["results"]) == len(result.findings) + len(result.unresolved)
    first = run["results"][0]
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1
    assert len(first["partialFingerprints"]["bedrockLifecycle/v1"]) == 32


def test_sarif_fingerprints_survive_line_moves(tmp_path: Path) -> None:
    tf = tmp_path / "main.tf"
    body = 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    tf.write_text(body)
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed())
    before = json.loads(render("sarif", scan([str(tmp_path)], settings)))["runs"][0]["results"]
    tf.write_text("# a comment\n\n" + body)
    after = json.loads(render("sarif", scan([str(tmp_path)], settings)))["runs"][0]["results"]
    assert before[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 2
    assert after[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    assert before[0]["partialFingerprints"] == after[0]["partialFingerprints"]


def test_junit_has_a_case_per_resource_and_rule(result: ScanResult) -> None:
    root = ET.fromstring(render("junit", result))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    resources_ = {(a.reference.location.file, a.reference.resource) for a in result.references}
    # A case per resource and rule, and one per undecided reference and wildcard grant.
    assert len(cases) == len(ALL_RULES) * len(resources_) + len(result.unresolved) + len(result.wildcards)
    failing = {(c.get("classname"), c.get("name")) for c in cases if c.find("failure") is not None}
    expected = {
        (f.reference.location.file, f"{f.rule_id} {f.reference.resource}")
        for f in result.findings
        if f.severity.value == "error"
    }
    assert failing == expected
    assert int(suite.get("failures", "-1")) == len(expected)
    warning_case = next(
        c for c in cases if c.get("name") == "CKV_BEDROCK_3 aws_bedrock_provisioned_model_throughput.existing"
    )
    assert warning_case.find("failure") is None and "Legacy" in (warning_case.findtext("system-out") or "")


def test_markdown_table(result: ScanResult) -> None:
    md = render("markdown", result)
    assert md.startswith("## Bedrock model lifecycle")
    assert "| Severity | Rule | Model | State | EOL date | Days left | Replacement | Where |" in md
    rows = [
        ln
        for ln in md.splitlines()
        if ln.startswith("| error") or ln.startswith("| warning") or ln.startswith("| notice")
    ]
    # A row per active finding, and one per undecided reference (notice level).
    assert len(rows) == len([f for f in result.findings if f.active]) + len(result.unresolved)
    # AWS named Claude Sonnet 4.5, itself Legacy since 2026-10-08: never offered.
    # The chain ends there, so the newest Active Anthropic text model is suggested.
    assert any(
        "`anthropic.claude-v2`" in r and "End-of-Life" in r and "`anthropic.claude-opus-5` (suggested)" in r
        for r in rows
    )
    assert "_Lifecycle feed: bundled feed" in md


def test_csv_inventory_has_every_reference(result: ScanResult) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", result))))
    assert len(rows) == len(result.references)
    active = [r for r in rows if r["state"] == "ACTIVE"]
    assert active and all(r["rules"] == "" for r in active)
    kb = next(r for r in rows if r["resource"] == "SupportAgent" and r["framework"] == "cloudformation")
    assert kb["eol_date"] == "2027-01-08" and kb["model_id"] == "anthropic.claude-opus-4-1-20250805-v1:0"
    assert kb["rules"] == "CKV_BEDROCK_3 CKV_BEDROCK_4 CKV_BEDROCK_5"


def test_codeclimate(result: ScanResult) -> None:
    issues = json.loads(render("codeclimate", result))
    undecided = len(result.unresolved) + len(result.wildcards)
    assert len(issues) == len([f for f in result.findings if f.active]) + undecided
    assert {i["severity"] for i in issues} <= {"critical", "major", "info"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_text_groups_by_file_and_colours_only_on_request(result: ScanResult) -> None:
    plain = render_text(result, colour=False)
    assert "\033[" not in plain
    assert "replace with: anthropic.claude-sonnet-4-5-20250929-v1:0" not in plain
    assert "suggested replacement (AWS names no Active successor): anthropic.claude-opus-5" in plain
    assert "sample_iac/terraform/main.tf\n" in plain
    assert plain.rstrip().splitlines()[-1].startswith(f"{len(result.references)} model reference(s)")
    assert any(ln.startswith("Lifecycle feed: bundled feed") and "2026-12-01" in ln for ln in plain.splitlines())
    coloured = render_text(result, colour=True)
    assert "\033[31merror" in coloured


def test_every_format_is_registered() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "junit", "markdown", "csv", "codeclimate", "html"}
