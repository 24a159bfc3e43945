"""A template cannot hide a model by being read differently from how
CloudFormation reads it: a duplicate key (a second FoundationModel shadowing
an EOL one) is an error naming both lines, UTF-16 and UTF-32 templates are
read whether or not they carry a byte-order mark, aliases of a large string
are refused within a character budget, and a huge integer is only a value.
Each time the good file of the same scan keeps its finding."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from run_here import scan_in

AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
AGENT = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Agent:
    Type: AWS::Bedrock::Agent
    Properties:
      FoundationModel: anthropic.claude-v2
"""


def _scan(tmp_path: Path, name: str, data: bytes) -> tuple[list[str], dict[str, int]]:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "good.tf").write_text(GOOD)
    (root / name).write_bytes(data)
    result = scan_in(root)
    assert "aws_bedrockagent_agent.good" in {f.reference.resource for f in result.findings}
    lines = {
        f"{a.reference.resource}={a.reference.raw}": a.reference.location.line
        for a in result.references
        if a.reference.location.file == name
    }
    return [str(e) for e in result.errors], lines


DUPLICATES = [
    (
        "yaml.template",
        AGENT + "      FoundationModel: amazon.nova-pro-v1:0\n",
        "yaml.template:7: cannot parse template: duplicate key 'FoundationModel' (first at line 6); "
        "which value applies is ambiguous",
    ),
    (
        "json.template",
        '{"Resources": {\n "Agent": {"Type": "AWS::Bedrock::Agent", "Properties": {\n'
        '  "FoundationModel": "anthropic.claude-v2",\n  "FoundationModel": "amazon.nova-pro-v1:0"}}}}\n',
        "json.template:4: cannot parse template: duplicate key 'FoundationModel' (first at line 3); "
        "which value applies is ambiguous",
    ),
    (
        "resources.template",
        AGENT
        + "  Agent:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: amazon.nova-pro-v1:0\n",
        "resources.template:7: cannot parse template: duplicate key 'Agent' (first at line 3); "
        "which value applies is ambiguous",
    ),
]


@pytest.mark.parametrize(("name", "text", "error"), DUPLICATES, ids=[d[0] for d in DUPLICATES])
def test_duplicate_keys_are_errors(tmp_path: Path, name: str, text: str, error: str) -> None:
    errors, _ = _scan(tmp_path, name, text.encode())
    assert errors == [error]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be", "utf-32"])
def test_wide_encodings_with_or_without_bom_are_read(tmp_path: Path, encoding: str) -> None:
    errors, lines = _scan(tmp_path, "agent.template", AGENT.replace("\n", "\r\n").encode(encoding))
    assert errors == []
    assert lines == {"Agent=anthropic.claude-v2": 6}


def test_aliases_of_a_large_string_stay_within_the_character_budget(tmp_path: Path) -> None:
    big = "x" * 1_000_000
    lines = [*AGENT.splitlines(), f"Metadata:\n  a0: &a0 {big}"]
    lines += [f"  a{i}: [{', '.join(['*a0'] * 50)}]" for i in range(1, 4)]
    start = time.monotonic()
    errors, _ = _scan(tmp_path, "aliases.template", ("\n".join(lines) + "\n").encode())
    assert time.monotonic() - start < 20
    assert errors == [
        "aliases.template:8: cannot parse template: document expands to more than 33,554,432 characters "
        "(YAML aliases of large strings); refused"
    ]


def test_a_huge_integer_is_only_a_value(tmp_path: Path) -> None:
    text = AGENT + "      IdleSessionTTLInSeconds: " + "9" * 50_000 + "\n"
    errors, lines = _scan(tmp_path, "int.template", text.encode())
    assert errors == [] and lines == {"Agent=anthropic.claude-v2": 6}


TWICE = """{
  "resource": {"aws_bedrockagent_agent": {"first": {"agent_name": "a", "foundation_model": "anthropic.claude-v2"}}},
  "resource": {"aws_bedrockagent_agent": {"second": {"agent_name": "b", "foundation_model": "amazon.nova-pro-v1:0"}}}
}
"""
ARRAYS = """{
  "resource": [
    {"aws_bedrockagent_agent": {"third": {"agent_name": "c", "foundation_model": "anthropic.claude-v2"}}},
    {"aws_bedrockagent_agent": [{"fourth": {"agent_name": "d", "foundation_model": "anthropic.claude-v2"}}]}
  ]
}
"""
DUPLICATE_ARGUMENT = """{
  "resource": {"aws_bedrockagent_agent": {"dup": {
    "foundation_model": "anthropic.claude-v2", "foundation_model": "amazon.nova-pro-v1:0"}}}
}
"""


def test_terraform_json_keeps_every_definition_as_terraform_does(tmp_path: Path) -> None:
    """HCL's JSON syntax: a block type given twice, or as an array, declares
    all of them (`terraform apply` creates both); json.loads alone kept only
    the last "resource" and skipped the arrays, hiding three EOL agents.  An
    argument given twice is Terraform's "Duplicate attribute definition"."""
    errors, lines = _scan(tmp_path, "twice.tf.json", TWICE.encode())
    assert errors == [] and lines == {
        "aws_bedrockagent_agent.first=anthropic.claude-v2": 2,
        "aws_bedrockagent_agent.second=amazon.nova-pro-v1:0": 3,
    }
    (tmp_path / "repo").rename(tmp_path / "one")
    errors, lines = _scan(tmp_path, "arrays.tf.json", ARRAYS.encode())
    assert errors == [] and set(lines) == {
        "aws_bedrockagent_agent.third=anthropic.claude-v2",
        "aws_bedrockagent_agent.fourth=anthropic.claude-v2",
    }
    (tmp_path / "repo").rename(tmp_path / "two")
    errors, _ = _scan(tmp_path, "dup.tf.json", DUPLICATE_ARGUMENT.encode())
    assert errors == [
        "dup.tf.json:3: cannot parse HCL: duplicate attribute definition: the argument 'foundation_model' is set "
        "more than once"
    ]
