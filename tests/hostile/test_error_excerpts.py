"""Errors quote at most a short excerpt of the input: a 100,000-character
YAML tag or nested-stack path is cut in the middle with its length said, so
a hostile file cannot put itself into every report through an error, and
the end of the message still says what happened."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from run_here import scan_in

from checker.reports import render

AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
AGENT = "Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: "


def test_long_quotes_in_errors_are_cut(tmp_path: Path) -> None:
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / "tag.template").write_text(AGENT + "!" + "T" * 100_000 + " anthropic.claude-v2\n")
    (tmp_path / "stack.template").write_text(
        "Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
        f"      TemplateURL: {'../' * 30_000}etc/passwd.yaml\n"
        + AGENT[len("Resources:\n") :].replace("  A:", "  B:")
        + "anthropic.claude-v2\n"
    )
    result = scan_in(tmp_path)
    assert sorted(str(e) for e in result.errors) == [
        "stack.template:5: nested stack Child TemplateURL '../../../../../../../../../../…(89,955 characters)…"
        "../../../../../etc/passwd.yaml' resolves outside the scanned tree; not read",
        "tag.template:5: cannot parse template: unknown YAML tag '!TTTTTTTTTTTTTTTTTTTTTTTTTTTTT…(99,941 characters)…"
        "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTT'",
    ]
    assert {"aws_bedrockagent_agent.good", "B"} <= {f.reference.resource for f in result.findings}
    assert len(render("text", result)) < 3000
