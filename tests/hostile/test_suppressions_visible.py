"""A repository cannot hide a finding without a trace: suppressed and
baselined findings appear in every report with their reason, a Markdown
summary with suppressed EOL models never says the scan is clean, and the
suppressions that give no reason (`checkov:skip` without one, rule
wildcards) are not honoured unless the pipeline allows them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from run_here import scan_in

from checker.model import ScanResult
from checker.reports import render
from checker.reports.common import fingerprint

AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
SUPPRESSED = """resource "aws_bedrockagent_agent" "quiet" {
  # bedrock-lifecycle:ignore CKV_BEDROCK_1 retired with the v1 API in December until=2027-01-31
  foundation_model = "anthropic.claude-v2"
}
resource "aws_bedrockagent_agent" "based" {
  foundation_model = "anthropic.claude-v2"
}
"""
UNJUSTIFIED = """resource "aws_bedrockagent_agent" "skip" {
  # checkov:skip=CKV_BEDROCK_1
  foundation_model = "anthropic.claude-v2"
}
resource "aws_bedrockagent_agent" "wild" {
  # bedrock-lifecycle:ignore CKV_BEDROCK_* all of them, trust me
  foundation_model = "anthropic.claude-v2"
}
"""


def _scan(root: Path, **kw: object) -> ScanResult:
    return scan_in(root, **kw)


def _suppressed_tree(tmp_path: Path) -> ScanResult:
    """Everything in it is EOL and every finding is suppressed or baselined."""
    (tmp_path / "main.tf").write_text(SUPPRESSED)
    first = _scan(tmp_path)
    based = {fingerprint(f) for f in first.findings if f.reference.resource.endswith("based")}
    result = _scan(tmp_path, baseline=frozenset(based))
    assert result.exit_code == 0 and not result.errors
    assert [f.active for f in result.findings] == [False, False]
    return result


def test_markdown_never_calls_a_suppressed_eol_clean(tmp_path: Path) -> None:
    md = render("markdown", _suppressed_tree(tmp_path))
    assert "No Legacy or End-of-Life" not in md
    assert "**2 suppressed or baselined**" in md
    assert "suppressed inline at main\\.tf\\:2 until 2027\\-01\\-31\\: retired with the v1 API in December" in md, md
    assert "| in the baseline |" in md


def test_text_lists_each_quiet_finding_with_its_reason(tmp_path: Path) -> None:
    text = render("text", _suppressed_tree(tmp_path))
    assert "1 finding(s) suppressed, 1 only in the baseline:" in text
    assert (
        "main.tf:3  error CKV_BEDROCK_1 anthropic.claude-v2 (End-of-Life) in aws_bedrockagent_agent.quiet: "
        "suppressed inline at main.tf:2 until 2027-01-31: retired with the v1 API in December"
    ) in text
    assert "in aws_bedrockagent_agent.based: in the baseline" in text


def test_sarif_carries_suppressions_with_kind_justification_and_expiry(tmp_path: Path) -> None:
    run = json.loads(render("sarif", _suppressed_tree(tmp_path)))["runs"][0]
    by_resource = {r["locations"][0]["logicalLocations"][0]["name"]: r for r in run["results"]}
    inline = by_resource["aws_bedrockagent_agent.quiet"]["suppressions"]
    assert inline == [
        {
            "kind": "inSource",
            "status": "accepted",
            "justification": "retired with the v1 API in December",
            "location": {
                "physicalLocation": {
                    "artifactLocation": {"uri": "main.tf", "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": 2},
                }
            },
            "properties": {"origin": "inline", "expires": "2027-01-31"},
        }
    ]
    assert by_resource["aws_bedrockagent_agent.based"]["suppressions"] == [
        {"kind": "external", "status": "accepted", "justification": "in the baseline"}
    ]


def test_junit_marks_them_skipped_with_the_reason(tmp_path: Path) -> None:
    suite = ET.fromstring(render("junit", _suppressed_tree(tmp_path)))
    skipped = {c.get("name"): c.find("skipped") for c in suite.iter("testcase") if c.find("skipped") is not None}
    assert skipped["CKV_BEDROCK_1 aws_bedrockagent_agent.quiet"].get("message") == (  # type: ignore[union-attr]
        "suppressed inline at main.tf:2 until 2027-01-31: retired with the v1 API in December"
    )
    assert skipped["CKV_BEDROCK_1 aws_bedrockagent_agent.based"].get("message") == "in the baseline"  # type: ignore[union-attr]
    assert suite.find("testsuite").get("skipped") == "2"  # type: ignore[union-attr]


def test_unjustified_suppressions_are_not_honoured(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(UNJUSTIFIED)
    (tmp_path / "good.tf").write_text(GOOD)
    result = _scan(tmp_path)
    assert {f.reference.resource: f.active for f in result.findings} == {
        "aws_bedrockagent_agent.good": True,
        "aws_bedrockagent_agent.skip": True,
        "aws_bedrockagent_agent.wild": True,
    }
    assert [f"{Path(e.file).name}:{e.line}: {e.message}" for e in result.errors] == [
        "main.tf:2: checkov skip of CKV_BEDROCK_1 has no reason, so it is not honoured: give a reason and name the "
        "rule (or the pipeline allows it with --allow-unjustified-suppressions)",
        "main.tf:6: suppression of CKV_BEDROCK_1 names rules by the wildcard CKV_BEDROCK_*, so it is not honoured: "
        "give a reason and name the rule (or the pipeline allows it with --allow-unjustified-suppressions)",
    ]
    allowed = _scan(tmp_path, allow_unjustified_suppressions=True)
    assert not allowed.errors
    assert {f.reference.resource: f.active for f in allowed.findings}["aws_bedrockagent_agent.skip"] is False
    assert "(checkov skip, no reason given)" in render("text", allowed)


def test_only_the_pipeline_allows_them(tmp_path: Path) -> None:
    """The repository's config has no such key (an unknown key is an error);
    the flag and the environment variable do."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.tf").write_text(UNJUSTIFIED)
    (repo / ".git").mkdir()

    def run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:

        return subprocess.run(
            [sys.executable, "-m", "checker", "scan", ".", "--as-of", "2026-11-24", *argv],
            cwd=repo,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )

    (repo / ".bedrock-lifecycle.yaml").write_text("allow_unjustified_suppressions: true\n")
    refused = run()
    assert refused.returncode == 2 and "allow_unjustified_suppressions" in refused.stderr
    (repo / ".bedrock-lifecycle.yaml").unlink()
    assert run().returncode == 2
    assert run("--allow-unjustified-suppressions").returncode == 0
    assert run(env={"BEDROCK_LIFECYCLE_ALLOW_UNJUSTIFIED_SUPPRESSIONS": "1"}).returncode == 0
