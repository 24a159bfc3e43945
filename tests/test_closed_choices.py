"""Closed choices (the framework that read a reference, the kind of a scan
error) are enums whose members print as the strings reports have always
carried, and stay members after a trip through the cache."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from checker import cache
from checker.feed import load_bundled_feed
from checker.model import ErrorKind, ScanError, SourceFramework, SourceResult
from checker.pipeline import ScanSettings, scan
from checker.reports import render

REPO = Path(__file__).resolve().parents[1]
AS_OF = date(2026, 11, 24)
CLAUDE_V2 = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"


def test_a_member_prints_hashes_and_serialises_as_its_value() -> None:
    kind = ErrorKind.USAGE
    # `%s` is how ElementTree writes an attribute.
    assert (str(kind), f"{kind}", "%s" % kind, f"{kind:>6}") == ("usage", "usage", "usage", " usage")  # noqa: UP031
    assert json.dumps({kind: kind}) == '{"usage": "usage"}'
    assert {"usage": 1}[kind] == 1 and hash(SourceFramework.CDK) == hash("cdk")
    assert ET.tostring(ET.Element("e", type=kind)) == b'<e type="usage" />'


def test_every_reference_of_a_scan_and_of_its_cache_entry_names_a_member() -> None:
    os.chdir(REPO)
    result = scan(["sample_iac"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    refs = [a.reference for a in result.references]
    assert {type(r.framework) for r in refs} == {SourceFramework}
    assert {r.framework for r in refs} == {
        SourceFramework.TERRAFORM,
        SourceFramework.TERRAFORM_PLAN,
        SourceFramework.CLOUDFORMATION,
        SourceFramework.CDK,
    }
    errors = [ScanError("a.tf", "broken", 3), ScanError("b.yaml", "no reason", 1, ErrorKind.SUPPRESSION)]
    back = cache.decode(cache.encode(SourceResult(references=refs, errors=errors)))
    assert back.references == refs and back.errors == errors
    assert {type(r.framework) for r in back.references} == {SourceFramework}
    assert [e.kind for e in back.errors] == [ErrorKind.ERROR, ErrorKind.SUPPRESSION]
    assert {type(e.kind) for e in back.errors} == {ErrorKind}


@pytest.mark.parametrize("fmt", ["json", "junit", "text"])
def test_an_error_kind_reaches_reports_as_its_value(tmp_path: Path, fmt: str) -> None:
    result = scan([str(tmp_path / "missing")], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert [e.kind for e in result.errors] == [ErrorKind.USAGE]
    out = render(fmt, result)
    assert "ErrorKind" not in out
    if fmt == "json":
        assert [e["kind"] for e in json.loads(out)["errors"]] == ["usage"]
    elif fmt == "junit":
        assert [e.get("type") for e in ET.fromstring(out).iter("error")] == ["usage"]


def _schema() -> dict[str, Any]:
    text = resources.files("checker.reports").joinpath("json-output.schema.json").read_text("utf-8")
    doc: dict[str, Any] = json.loads(text)
    return doc


def test_the_json_schema_lists_exactly_the_members() -> None:
    defs = _schema()["$defs"]
    frameworks = [m.value for m in SourceFramework]
    assert defs["reference"]["properties"]["framework"]["enum"] == frameworks
    assert defs["finding"]["properties"]["framework"]["enum"] == frameworks
    assert defs["error"]["properties"]["kind"]["enum"] == [m.value for m in ErrorKind]


def test_a_state_scan_and_an_error_report_validate_against_the_schema(tmp_path: Path) -> None:
    """The schema once left `terraform_state` out: a state scan's own JSON
    report did not validate."""
    pt = "aws_bedrock_provisioned_model_throughput"
    resource = {"address": f"{pt}.pt", "mode": "managed", "type": pt, "name": "pt", "values": {"model_arn": CLAUDE_V2}}
    state = tmp_path / "state.json"  # what `terraform show -json` prints for a state
    state.write_text(json.dumps({"format_version": "1.0", "values": {"root_module": {"resources": [resource]}}}))
    result = scan([str(state), str(tmp_path / "missing")], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert {a.reference.framework for a in result.references} == {SourceFramework.TERRAFORM_STATE}
    assert [e.kind for e in result.errors] == [ErrorKind.USAGE]
    jsonschema.Draft202012Validator(_schema()).validate(json.loads(render("json", result)))
