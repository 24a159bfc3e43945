"""`bedrock-lifecycle checkov` runs our scan first and hands the resolved
references to the checks (BEDROCK_LIFECYCLE_RESOLVED), so a value checkov
cannot render gets the CLI's verdict; plain `checkov --external-checks-dir`
keeps judging what checkov renders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_checkov_policies import REPO, run_checkov, run_ours

from checker.commands.checkov import scanned_roots
from checker.integrations.handoff import document, handed, key
from checker.model import Location, Reference, Usage

pytestmark = [pytest.mark.checkov, pytest.mark.xdist_group("checkov")]

ROOT_TF = """
locals {
  models = { primary = "anthropic.claude-v2" }
}
module "agent" {
  source = "./mod"
  model  = local.models["primary"]
}
"""
MODULE_TF = """
variable "model" {}
resource "aws_bedrockagent_agent" "inner" {
  agent_name       = "inner"
  foundation_model = var.model
}
"""
INNER = ("/mod/main.tf", "module.agent.aws_bedrockagent_agent.inner", "CKV_BEDROCK_1")


def _tree(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    (tree / "mod").mkdir(parents=True)
    (tree / "main.tf").write_text(ROOT_TF)
    (tree / "mod" / "main.tf").write_text(MODULE_TF)
    return tree


def _ours(checkov: Path, tree: Path, *extra: str) -> dict[tuple[str, str, str], str]:
    proc = run_ours(checkov, "-d", str(tree), "--check", "CKV_BEDROCK_*", options=extra, env={"LOG_LEVEL": "ERROR"})
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    out = {}
    for rep in doc if isinstance(doc, list) else [doc]:
        for kind, verdict in (("passed_checks", "PASSED"), ("failed_checks", "FAILED")):
            for c in rep.get("results", {}).get(kind, []):
                out[(c["file_path"], c["resource"], c["check_id"])] = verdict
    return out


def test_a_module_input_through_a_local_map_gets_the_cli_verdict(checkov: Path, tmp_path: Path) -> None:
    tree = _tree(tmp_path)
    args = ("-d", str(tree), "--external-checks-dir", str(REPO / "policies"), "--check", "CKV_BEDROCK_*")
    # checkov cannot render local.models["primary"]; alone it leaves the
    # check UNKNOWN (left out of its report).
    alone, _ = run_checkov(checkov, *args, env={"BEDROCK_LIFECYCLE_RESOLVE": "0"})
    assert INNER not in alone
    # Plain checkov with our policies: the check runs our scan in process
    # for what checkov could not render, and gives the CLI's verdict.
    plain, _ = run_checkov(checkov, *args)
    assert plain[(INNER[0].lstrip("/"), *INNER[1:])] == "FAILED"
    assert _ours(checkov, tree)[INNER] == "FAILED"
    assert INNER not in _ours(checkov, tree, "--no-resolve")


def test_the_file_is_keyed_by_file_and_address(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ref = Reference(
        raw="anthropic.claude-v2",
        usage=Usage.AGENT,
        resource="module.a.aws_bedrockagent_agent.x",
        resource_type="aws_bedrockagent_agent",
        attribute="foundation_model",
        location=Location(str(tmp_path / "tree" / "mod" / "main.tf"), 4),
        framework="terraform",
    )
    doc = document([ref], [str(tmp_path / "tree")])
    assert list(doc["resources"]) == [key("/mod/main.tf", "module.a.aws_bedrockagent_agent.x")]
    path = tmp_path / "refs.json"
    path.write_text(json.dumps(doc))
    monkeypatch.setenv("BEDROCK_LIFECYCLE_RESOLVED", str(path))
    got = handed("/mod/main.tf:aws_bedrockagent_agent:x", "aws_bedrockagent_agent", "module.a.aws_bedrockagent_agent.x")
    assert got is not None and [(r.raw, r.usage, r.attribute) for r in got] == [(ref.raw, ref.usage, ref.attribute)]
    assert handed("/main.tf:aws_bedrockagent_agent:y", "aws_bedrockagent_agent", None) is None
    monkeypatch.delenv("BEDROCK_LIFECYCLE_RESOLVED")
    assert (
        handed("/mod/main.tf:aws_bedrockagent_agent:x", "aws_bedrockagent_agent", "module.a.aws_bedrockagent_agent.x")
        is None
    )


def test_scanned_roots_come_from_checkovs_arguments() -> None:
    assert scanned_roots(["-d", "infra", "--file", "t.yaml", "--directory=more", "--check", "X"]) == [
        "infra",
        "t.yaml",
        "more",
    ]
