"""States: what is deployed now, judged as kept."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tfjson import PT, SONNET45, go_json, go_json_indent, real_doc, real_raw_state

from checker import cli
from checker.feed import load_bundled_feed
from checker.model import Action
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions, Unit
from checker.sources.terraform_plan import scan_unit

AS_OF = date(2026, 11, 24)


def findings(paths: list[str]) -> dict[str, set[str]]:
    result = scan(paths, ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    fired: dict[str, set[str]] = {}
    for a in result.references:
        fired.setdefault(a.reference.resource, set())
    for f in result.findings:
        fired[f.reference.resource].add(f.rule_id)
    return fired


@pytest.mark.parametrize("name", ["state.json", "terraform.tfstate"])
def test_legacy_throughput_in_a_state_is_kept_not_created(tmp_path: Path, name: str) -> None:
    p = tmp_path / name
    p.write_text(go_json(real_doc("state.json")) if name == "state.json" else go_json_indent(real_raw_state()))
    fired = findings([str(tmp_path)])
    assert fired[f'{PT}.pt["é-ü"]'] == {"CKV_BEDROCK_3"}
    assert fired[f"module.capacity.{PT}.inner[1]"] == {"CKV_BEDROCK_3"}
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions())
    assert {r.action for r in res.references} == {Action.NO_OP}
    assert {r.framework for r in res.references} == {"terraform_state"}


def test_an_end_of_life_model_in_the_state_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = go_json_indent(real_raw_state()).replace(SONNET45, "anthropic.claude-v2")
    (tmp_path / "terraform.tfstate").write_text(text)
    os.chdir(tmp_path)
    assert cli.main(["state", "terraform.tfstate", "--as-of", "2026-11-24", "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    # an existing throughput on an End-of-Life model has stopped working: both rules fire, as for a plan's no-op
    assert {f["rule_id"] for f in out["findings"]} == {"CKV_BEDROCK_1", "CKV_BEDROCK_2"}
    assert cli.main(["plan", "terraform.tfstate"]) == 2
    assert "a Terraform state file, not a plan: use `bedrock-lifecycle state terraform.tfstate`" in (
        capsys.readouterr().err
    )


def test_shown_state_region_comes_from_the_resource(tmp_path: Path) -> None:
    doc = real_doc("state.json")
    res = doc["values"]["root_module"]["resources"][0]
    res.update(type="aws_bedrockagent_agent", address="aws_bedrockagent_agent.a", name="a")
    res["values"] = {
        "agent_name": "a",
        "foundation_model": "amazon.nova-pro-v1:0",
        "agent_arn": "arn:aws:bedrock:eu-west-1:123456789012:agent/ABCDEFGHIJ",
        "region": "eu-west-1",
    }
    p = tmp_path / "state.json"
    p.write_text(json.dumps(doc, indent=2))
    refs = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions()).references
    got = {r.resource: r for r in refs}
    assert got["aws_bedrockagent_agent.a"].effective_region == "eu-west-1"
    line = p.read_text().splitlines()[got["aws_bedrockagent_agent.a"].location.line - 1]
    assert '"address": "aws_bedrockagent_agent.a"' in line


def test_deposed_objects_still_exist(tmp_path: Path) -> None:
    doc = real_raw_state()
    inst = doc["resources"][1]["instances"][0]
    doc["resources"][1]["instances"].append({**inst, "deposed": "00000001"})
    p = tmp_path / "terraform.tfstate"
    p.write_text(go_json_indent(doc))
    refs = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions()).references
    deposed = [r for r in refs if "deposed" in (r.note or "")]
    assert len(deposed) == 1 and deposed[0].action is Action.NO_OP


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"version": 3, "terraform_version": "0.11.14", "serial": 1, "lineage": "x", "modules": []},
            "unsupported state file version 3: this tool reads version 4 (Terraform 0.11 or older: "
            "run `terraform state pull` with Terraform 0.12+)",
        ),
        (
            {"format_version": "2.0", "terraform_version": "2.0.0", "values": {"root_module": {}}},
            "unsupported state format_version '2.0': this tool reads states of format 0.x and 1.x "
            "(Terraform 0.12 to 1.x, OpenTofu)",
        ),
        (
            {"version": 4, "terraform_version": "1.11.4", "serial": 1, "lineage": "x", "resources": {}},
            "resources is not a list",
        ),
    ],
)
def test_bad_states_are_refused_naming_the_file(tmp_path: Path, doc: dict[str, Any], message: str) -> None:
    p = tmp_path / "terraform.tfstate"
    p.write_text(json.dumps(doc, indent=2))
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions())
    assert res.references == [] and [e.message for e in res.errors] == [message]


def test_empty_shown_state(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "empty.json"
    p.write_text('{"format_version":"1.0"}\n')
    assert cli.main(["state", str(p)]) == 0
