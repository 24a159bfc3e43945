"""Suppression marks are collected by the sources while they read each file:
applying them after the rules reads and parses nothing again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import checker.suppressions
from checker.feed import load_bundled_feed
from checker.pipeline import ScanSettings, scan

TF = """resource "aws_bedrockagent_agent" "a" {
  # bedrock-lifecycle:ignore CKV_BEDROCK_1 retired with the service in January
  foundation_model = "anthropic.claude-v2"
}
"""
TEMPLATE = """Resources:
  Agent:
    Type: AWS::Bedrock::Agent
    Metadata:
      checkov:
        skip:
          - id: CKV_BEDROCK_1
            comment: the agent is deleted with this stack
    Properties:
      FoundationModel: anthropic.claude-v2
"""


def test_suppressions_need_no_second_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(TF)
    (tmp_path / "template.yaml").write_text(TEMPLATE)

    def no_read(*_: object) -> str:
        raise AssertionError("suppressions read a file a source had read")

    monkeypatch.setattr(checker.suppressions, "read_text", no_read)
    result = scan([str(tmp_path)], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    eol = [f for f in result.findings if f.rule_id == "CKV_BEDROCK_1"]
    assert len(eol) == 2 and all(f.suppression is not None for f in eol)
    assert {f.suppression.origin for f in eol if f.suppression} == {"inline", "checkov"}
    assert result.errors == []
