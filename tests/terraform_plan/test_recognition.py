"""Plans and states are recognised by content, in every encoding and style
real tools write, and what the user names is read whatever its name."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from tfjson import ENCODINGS, PT, REAL, STYLES, encode, go_json, go_json_indent, real, real_doc, real_raw_state

from checker import cli
from checker.feed import load_bundled_feed
from checker.model import Reference
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions, Unit, discover
from checker.sources.terraform_plan import scan_unit
from checker.sources.terraform_plan.recognise import Kind, classify, sniff_bytes, sniff_file

AS_OF = date(2026, 11, 24)
PLAN_ADDRESSES = {
    f"{PT}.late",
    f'{PT}.pt["<a&b>"]',
    f'{PT}.pt["plain"]',
    f'{PT}.pt["é-ü"]',
    f"{PT}.region",
    f"module.capacity.{PT}.inner[0]",
    f"module.capacity.{PT}.inner[1]",
}


def read(path: Path) -> tuple[list[Reference], list[str]]:
    res = scan_unit(Unit("terraform_plan", str(path), (str(path),)), ScanOptions())
    return res.references, [f"{e.line}: {e.message}" for e in res.errors]


def check_lines(path: Path, refs: list[Reference], key: str = "address") -> None:
    """Each reference's line is the line of its resource's `key` as written
    (whatever the escaping), or line 1 of a minified file."""
    lines = path.read_bytes().decode(json.detect_encoding(path.read_bytes())).lstrip("\ufeff").splitlines()
    if len(lines) == 1:
        assert {r.location.line for r in refs} == {1}
        return
    for r in refs:
        line = lines[r.location.line - 1].strip().rstrip(",")
        assert line.startswith(f'"{key}"'), (r.resource, line)
        if key == "address":
            assert json.loads("{" + line + "}")["address"] == r.resource


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_plan_in_every_style_and_encoding(tmp_path: Path, style: str, encoding: str) -> None:
    p = tmp_path / "tfplan.json"
    p.write_bytes(encode(STYLES[style](real_doc("plan.json")), encoding, crlf=encoding.startswith("utf-16le B")))
    assert sniff_bytes(p.read_bytes()) is Kind.PLAN
    [unit] = [u for u in discover([str(tmp_path)]).units if u.key == str(p)]
    assert unit.source == "terraform_plan"
    refs, errors = read(p)
    assert errors == []
    assert {r.resource for r in refs} == PLAN_ADDRESSES
    check_lines(p, refs)


def test_terraform_own_output_escapes_markup_and_keeps_utf8() -> None:
    """The fixture is what Terraform 1.11 wrote: the styles above are real."""
    text = real("plan.json")
    assert "\\u003ca\\u0026b\\u003e" in text and "é-ü" in text and "\n" not in text.strip()
    assert go_json(json.loads(text)) == text.strip()


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
@pytest.mark.parametrize("kind", ["shown", "raw"])
def test_states_in_every_encoding(tmp_path: Path, encoding: str, kind: str) -> None:
    doc = real_doc("state.json") if kind == "shown" else real_raw_state()
    text = json.dumps(doc, ensure_ascii=False, indent=2) if kind == "shown" else go_json_indent(doc)
    p = tmp_path / ("state.json" if kind == "shown" else "terraform.tfstate")
    p.write_bytes(encode(text, encoding))
    assert sniff_bytes(p.read_bytes()) is (Kind.SHOWN_STATE if kind == "shown" else Kind.RAW_STATE)
    [unit] = [u for u in discover([str(tmp_path)]).units if u.key == str(p)]
    assert unit.source == "terraform_plan"
    refs, errors = read(p)
    assert errors == []
    assert {r.resource for r in refs} == PLAN_ADDRESSES
    check_lines(p, refs, "address" if kind == "shown" else "attributes")


def test_sorted_keys_put_format_version_after_a_large_configuration(tmp_path: Path) -> None:
    doc = real_doc("plan.json")
    big = {f"r{i}": {"references": [f"var.v{i}"]} for i in range(3000)}  # 100 KB before format_version
    doc["configuration"]["root_module"]["resources"][0]["expressions"].update(big)
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"))
    assert text.index('"format_version"') > 100_000
    p = tmp_path / "plan.json"
    p.write_text(text)
    assert [u.source for u in discover([str(tmp_path)]).units] == ["terraform_plan"]


@pytest.mark.parametrize("name", ["tfplan.out", "plan.json.txt", "TFPLAN.JSON", "plan"])
def test_files_named_by_the_user_are_read_whatever_their_suffix(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / name
    p.write_text(real("plan.json"))
    result = scan([str(p)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    assert {a.reference.resource for a in result.references} == PLAN_ADDRESSES
    # creating provisioned throughput on a Legacy model: the plan command fails
    assert cli.main(["plan", str(p), "--as-of", "2026-11-24", "--format", "json"]) == 1
    assert {f["rule_id"] for f in json.loads(capsys.readouterr().out)["findings"]} >= {"CKV_BEDROCK_2"}


def test_files_found_in_a_tree_need_a_json_or_tfstate_suffix(tmp_path: Path) -> None:
    (tmp_path / "tfplan.out").write_text(real("plan.json"))
    (tmp_path / "terraform.tfstate").write_text(go_json_indent(real_raw_state()))
    units = discover([str(tmp_path)]).units
    assert [(Path(u.key).name, u.source) for u in units] == [("terraform.tfstate", "terraform_plan")]


@pytest.mark.parametrize(
    "doc",
    [
        {"format_version": "1.0", "provider_schemas": {"registry.terraform.io/hashicorp/aws": {"values": {}}}},
        {"format_version": "1.0", "valid": True, "error_count": 0, "warning_count": 0, "diagnostics": []},
        {"terraform_version": "1.11.4", "platform": "linux_amd64", "provider_selections": {}},
        {"format_version": "1.0", "function_signatures": {}},
    ],
    ids=["providers schema", "validate", "version", "metadata functions"],
)
def test_other_terraform_json_is_not_a_plan(tmp_path: Path, doc: dict[str, Any]) -> None:
    assert classify(doc) is None
    p = tmp_path / "out.json"
    p.write_text(json.dumps(doc))
    assert [u.source for u in discover([str(tmp_path)]).units] == ["cloudformation"]


def test_a_template_that_mentions_plan_keys_is_read_as_a_template(tmp_path: Path) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Metadata": {"Notes": {"format_version": "1", "resource_changes": "see the plan"}},
        "Resources": {
            "Agent": {
                "Type": "AWS::Bedrock::Agent",
                "Properties": {"AgentName": "a", "FoundationModel": "anthropic.claude-v2"},
            }
        },
    }
    p = tmp_path / "stack.json"
    p.write_text(json.dumps(template, indent=2))
    assert [u.source for u in discover([str(tmp_path)]).units] == ["terraform_plan"]  # by the cheap sniff
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    assert [(a.reference.framework, a.reference.raw) for a in result.references] == [
        ("cloudformation", "anthropic.claude-v2")
    ]


def test_a_named_file_that_is_not_a_plan_is_refused_by_plan_and_state(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "package.json"
    p.write_text('{"name": "app"}')
    assert cli.main(["plan", str(p)]) == 2
    assert "not a Terraform plan in JSON form" in capsys.readouterr().err
    s = tmp_path / "tfplan.json"
    s.write_text(real("plan.json"))
    assert cli.main(["state", str(s)]) == 2
    assert "a Terraform plan, not a state: use `bedrock-lifecycle plan" in capsys.readouterr().err


def test_a_named_file_that_only_mentions_the_keys_is_refused_with_its_keys(tmp_path: Path) -> None:
    p = tmp_path / "notes.txt"
    p.write_text(json.dumps({"example": {"format_version": "1.2", "resource_changes": []}}))
    os.chdir(tmp_path)
    result = scan([str(p)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert [(e.file, e.message) for e in result.errors] == [
        (p.name, "not a Terraform plan or state (top-level keys: example)")
    ]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16le BOM (PowerShell >)", "utf-16le"])
def test_keys_found_after_the_first_read_of_a_large_file(tmp_path: Path, encoding: str) -> None:
    """A sorted plan whose `format_version` comes after megabytes of
    configuration, over the probe's size limit: found by reading on."""
    doc = real_doc("plan.json")
    big = {f"r{i}": {"references": [f"var.v{i}"]} for i in range(25_000)}
    doc["configuration"]["root_module"]["resources"][0]["expressions"].update(big)
    text = json.dumps(doc, sort_keys=True, indent=2)
    assert text.index('"format_version"') > 1024 * 1024
    p = tmp_path / "plan.json"
    p.write_bytes(encode(text, encoding))
    assert sniff_file(str(p)) is Kind.PLAN
    units = discover([str(tmp_path)], ScanOptions(max_file_bytes=1_000_000)).units
    assert [u.source for u in units] == ["terraform_plan"]


def test_a_large_json_file_of_another_kind_is_read_no_further_than_its_first_key(tmp_path: Path) -> None:
    p = tmp_path / "data.json"
    p.write_text(json.dumps({"items": [{"format_version": "x"}] * 10, "rows": list(range(1_000_000))}))
    assert p.stat().st_size > 2 * 1024 * 1024
    assert sniff_file(str(p)) is None
    # the same keys under a top-level key a plan has are read on (and then judged exactly by the reader)
    q = tmp_path / "odd.json"
    q.write_text(json.dumps({"variables": list(range(1_000_000)), "format_version": "1.2", "resource_changes": []}))
    assert sniff_file(str(q)) is Kind.PLAN


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("tfplan", "it is Terraform's binary plan file: convert it with `terraform show -json PLANFILE`"),
        ("plan-log.jsonl", "it is the event log of `terraform plan -json`, not the plan"),
    ],
)
def test_files_taken_for_plans_are_named_for_what_they_are(
    name: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plan", str(REAL / name)]) == 2
    assert why in capsys.readouterr().err
