"""Nested stacks and nested cloud assemblies form a graph: each template or
assembly is read once whatever the fan-out (a DAG of 11 small templates of
width 4 has 4**10 paths and used to run for minutes), distinct parameters
cannot multiply the work past a named limit, and an assembly that links to
itself is reported once, its findings not repeated.  The good file of the
same scan keeps its finding."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from run_here import scan_in

from checker.model import ScanResult
from checker.sources.cloudformation.nested import MAX_NESTED_SCANS

AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
WIDTH, DEPTH = 4, 11


def _dag(root: Path, child_parameters: str) -> None:
    for level in range(DEPTH):
        if level < DEPTH - 1:
            body = "".join(
                f"  Child{k}:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                f"      TemplateURL: t{level + 1}.yaml\n      Parameters:\n" + child_parameters.format(k=k)
                for k in range(WIDTH)
            )
        else:
            body = "  Agent:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: !Ref Model\n"
        (root / f"t{level}.yaml").write_text(
            'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n'
            "  Model:\n    Type: String\n    Default: anthropic.claude-v2\n"
            "  Tag:\n    Type: String\n    Default: t\n"
            f"Resources:\n{body}"
        )


def _scan(root: Path, deadline: Any) -> ScanResult:
    (root / "good.tf").write_text(GOOD)
    with deadline(30):
        result = scan_in(root)
    assert "aws_bedrockagent_agent.good" in {f.reference.resource for f in result.findings}
    return result


def test_a_nested_stack_dag_is_read_once_per_template(tmp_path: Path, deadline: Any) -> None:
    _dag(tmp_path, "        Model: !Ref Model\n")
    result = _scan(tmp_path, deadline)
    assert result.errors == []
    agents = [a.reference for a in result.references if a.reference.location.file == "t10.yaml"]
    assert [(r.resource, r.raw) for r in agents] == [("Agent", "anthropic.claude-v2")]


def test_distinct_parameters_stop_at_the_limit(tmp_path: Path, deadline: Any) -> None:
    _dag(tmp_path, '        Model: !Ref Model\n        Tag: !Sub "${{Tag}}-{k}"\n')
    result = _scan(tmp_path, deadline)
    errors = [str(e) for e in result.errors]
    assert len(errors) == 1 and errors[0].endswith(
        f"more than {MAX_NESTED_SCANS:,} nested templates (with distinct parameters) in this stack; "
        "the rest are not read"
    ), errors
    assert any(a.reference.location.file == "t10.yaml" for a in result.references)


def test_an_assembly_linking_to_itself_is_reported_and_read_once(tmp_path: Path, deadline: Any) -> None:
    out = tmp_path / "cdk.out"
    inner = out / "assembly-Inner"
    inner.mkdir(parents=True)
    template = {
        "Resources": {
            "Agent": {"Type": "AWS::Bedrock::Agent", "Properties": {"FoundationModel": "anthropic.claude-v2"}}
        }
    }
    (inner / "Inner.template.json").write_text(json.dumps(template, indent=1))
    (inner / "manifest.json").write_text(
        json.dumps(
            {
                "version": "41.0.0",
                "artifacts": {
                    "Inner": {
                        "type": "aws:cloudformation:stack",
                        "properties": {"templateFile": "Inner.template.json"},
                    },
                    "Again": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "again"}},
                },
            },
            indent=1,
        )
    )
    (inner / "again").symlink_to(".")
    artifacts: dict[str, Any] = {}
    for k in range(WIDTH):
        (out / f"link{k}").symlink_to("assembly-Inner")
        artifacts[f"Link{k}"] = {"type": "cdk:cloud-assembly", "properties": {"directoryName": f"link{k}"}}
    (out / "manifest.json").write_text(json.dumps({"version": "41.0.0", "artifacts": artifacts}, indent=1))
    result = _scan(tmp_path, deadline)
    # The walk names the link as a loop; the assembly reader names the entry that uses it.
    assert sorted(str(e) for e in result.errors) == [
        "cdk.out/assembly-Inner/again: symlink loop, not followed",
        "cdk.out/link0/manifest.json: nested assembly 'Again' directory 'again' is this assembly or one around it; "
        "not read",
    ]
    agents = [a.reference for a in result.references if a.reference.framework == "cdk"]
    assert len(agents) == 1 and agents[0].raw == "anthropic.claude-v2"
