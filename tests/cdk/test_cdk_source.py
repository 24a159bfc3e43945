"""CDK cloud assemblies from a real `cdk synth` of sample_iac/cdk (aws-cdk-lib
and the CDK CLI, pinned; the synth is cached by content under .cache/)."""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions, Unit
from checker.sources.cdk import scan_unit

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import cdk_synth  # noqa: E402

AS_OF = date(2026, 11, 24)
pytestmark = pytest.mark.cdk


@pytest.fixture(scope="module")
def synthesized() -> Path:
    if shutil.which("node") is None and not os.environ.get("CI"):
        pytest.skip("Node.js is not installed")  # in CI a missing Node fails below instead
    return cdk_synth.synthesized()


def _tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_checked_in_assembly_is_what_synth_writes(synthesized: Path) -> None:
    checked_in = REPO / "sample_iac" / "cdk" / "cdk.out"
    assert _tree(checked_in) == _tree(synthesized)
    _, mismatch, errors = filecmp.cmpfiles(checked_in, synthesized, _tree(synthesized), shallow=False)
    assert mismatch == [] and errors == [], "run `python tools/cdk_synth.py --update`"


def test_real_synth_references_with_construct_paths(synthesized: Path) -> None:
    result = scan([str(synthesized)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    refs = {(Path(a.reference.location.file).name, a.reference.resource): a.reference for a in result.references}
    agent = refs[("SupportStack.template.json", "SupportAgent")]
    assert agent.construct_path == "SupportStack/SupportAgent"
    assert agent.model_id == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert agent.framework == "cdk" and agent.location.line > 0
    template = json.loads((synthesized / "SupportStack.template.json").read_text())
    assert "Fn::Join" in template["Resources"]["SupportAgent"]["Properties"]["FoundationModel"]
    lines = (synthesized / "SupportStack.template.json").read_text().splitlines()
    assert '"FoundationModel"' in lines[agent.location.line - 1]

    fn = next(r for (f, lid), r in refs.items() if lid.startswith("Summarizer"))
    assert (fn.construct_path, fn.raw) == ("SupportStack/Summarizer/Resource", "anthropic.claude-v2")
    sfn = next(r for (f, lid), r in refs.items() if lid.startswith("Triage") and "DefinitionString" in r.attribute)
    assert sfn.model_id == "ai21.jamba-1-5-large-v1:0"
    nested = refs[("SupportStackReportingA0D3EE31.nested.template.json", "ReportAgent")]
    assert nested.construct_path == "SupportStack/Reporting/ReportAgent"
    assert [Path(v.file).name for v in nested.via] == ["SupportStack.template.json"]
    stage = refs[("ProdFaq3C0C0CB6.template.json", "FaqAgent")]
    assert stage.construct_path == "Prod/Faq/FaqAgent" and stage.model_id == "amazon.nova-pro-v1:0"

    fired: dict[str, set[str]] = {}
    for f in result.findings:
        fired.setdefault(f.reference.construct_path or "", set()).add(f.rule_id)
    assert fired["SupportStack/SupportAgent"] == {"CKV_BEDROCK_3"}
    assert fired["SupportStack/ChargebackProfile"] == {"CKV_BEDROCK_3", "CKV_BEDROCK_4", "CKV_BEDROCK_5"}
    assert fired["SupportStack/Summarizer/Resource"] == {"CKV_BEDROCK_1"}
    assert fired["SupportStack/Reporting/ReportAgent"] == {"CKV_BEDROCK_6"}
    assert "CKV_BEDROCK_5" in fired["SupportStack/Triage/Resource"]
    assert "Prod/Faq/FaqAgent" not in fired and "SupportStack/Manuals" not in fired


def _assembly(tmp_path: Path, manifest: object) -> Path:
    asm = tmp_path / "cdk.out"
    asm.mkdir(parents=True)
    (asm / "manifest.json").write_text(manifest if isinstance(manifest, str) else json.dumps(manifest))
    return asm


def test_manifest_paths_outside_the_assembly_are_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.template.json").write_text(json.dumps({"Resources": {}}))
    asm = _assembly(
        tmp_path,
        {
            "version": "41.0.0",
            "artifacts": {
                "Escape": {
                    "type": "aws:cloudformation:stack",
                    "properties": {"templateFile": "../secret.template.json"},
                },
                "Abs": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "/etc/passwd"}},
                "Up": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "../.."}},
            },
        },
    )
    res = scan_unit(Unit("cdk", str(asm), (str(asm / "manifest.json"),)), ScanOptions(roots=(str(tmp_path),)))
    assert res.references == []
    assert sorted(e.message for e in res.errors) == [
        "nested assembly 'Up' directory '../..' points outside the assembly; not read",
        "stack artifact 'Abs' templateFile '/etc/passwd' points outside the assembly; not read",
        "stack artifact 'Escape' templateFile '../secret.template.json' points outside the assembly; not read",
    ]


def test_malformed_manifest_is_reported_and_the_scan_goes_on(tmp_path: Path) -> None:
    asm = _assembly(tmp_path / "a", '{"version": "41.0.0", "artifacts": {')
    other = tmp_path / "b.yaml"
    other.write_text(
        "Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: anthropic.claude-v2\n"
    )
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert [a.reference.raw for a in result.references] == ["anthropic.claude-v2"]
    [err] = result.errors
    assert err.file.endswith("cdk.out/manifest.json") and err.line == 1
    assert err.message.startswith("invalid cloud assembly manifest:")
    assert asm.exists()
