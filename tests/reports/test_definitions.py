"""Definition sites: every finding whose model is written elsewhere (a
variable default, tfvars, a local, a module input, a CloudFormation parameter
default, a mapping, SAM Globals) names that line in every report format."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.model import Reference, ScanResult
from checker.pipeline import ScanSettings, scan
from checker.reports import render

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 24)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    os.chdir(REPO)
    return scan(["sample_iac"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))


def _ref(result: ScanResult, file: str, resource: str, model: str) -> Reference:
    """`resource@attribute-prefix` picks one of a resource's references."""
    resource, _, attr = resource.partition("@")
    hits = [
        a.reference
        for a in result.references
        if a.reference.location.file == file
        and a.reference.resource == resource
        and a.reference.model_id == model
        and a.reference.attribute.startswith(attr)
    ]
    assert len(hits) == 1, hits
    return hits[0]


@pytest.mark.parametrize(
    ("file", "resource", "model", "site", "kind", "chain"),
    [
        (
            "sample_iac/terraform/modules/agents/main.tf",
            "module.agents.aws_bedrockagent_agent.support",
            "anthropic.claude-opus-4-1-20250805-v1:0",
            "sample_iac/terraform/terraform.tfvars:1",
            "tfvars",
            ["sample_iac/terraform/locals.tf:5", "sample_iac/terraform/main.tf:5"],
        ),
        (
            "sample_iac/terraform/main.tf",
            'aws_bedrockagent_prompt.triage["candidate"]',
            "ai21.jamba-1-5-large-v1:0",
            "sample_iac/terraform/variables.tf:32",
            "variable default",
            [],
        ),
        (
            "sample_iac/terraform/main.tf",
            "aws_lambda_function.batch_summary",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "sample_iac/terraform/locals.tf:7",
            "local",
            [],
        ),
        (
            "sample_iac/terraform/main.tf",
            "data.aws_iam_policy_document.invoke",
            "anthropic.claude-3-haiku-20240307-v1:0",
            "sample_iac/terraform/locals.tf:7",
            "local",
            [],
        ),
        (
            "sample_iac/terraform/main.tf",
            "aws_sfn_state_machine.nightly_summary",
            "anthropic.claude-v2",
            "sample_iac/terraform/variables.tf:19",
            "variable default",
            [],
        ),
        (
            "sample_iac/terraform/modules/knowledge/main.tf",
            "module.knowledge.aws_bedrockagent_data_source.manuals",
            "twelvelabs.marengo-embed-2-7-v1:0",
            "sample_iac/terraform/modules/knowledge/variables.tf:15",
            "variable default",
            [],
        ),
        (
            "sample_iac/cloudformation/support-agent.template",
            "SupportAgent",
            "anthropic.claude-opus-4-1-20250805-v1:0",
            "sample_iac/cloudformation/support-agent.template:11",
            "parameter default",
            [],
        ),
        (
            "sample_iac/cloudformation/support-agent.template",
            "AgentRole",
            "anthropic.claude-opus-4-1-20250805-v1:0",
            "sample_iac/cloudformation/support-agent.template:11",
            "parameter default",
            [],
        ),
        (
            "sample_iac/cloudformation/support-agent.template",
            "SummaryPrompt",
            "anthropic.claude-v2",
            "sample_iac/cloudformation/support-agent.template:19",
            "mapping",
            [],
        ),
        (
            "sample_iac/cloudformation/nested/reporting.template",
            "NightlyReport",
            "anthropic.claude-v2",
            "sample_iac/cloudformation/support-agent.template:19",
            "mapping",
            ["sample_iac/cloudformation/support-agent.template:156"],
        ),
        (
            "sample_iac/sam/template.yaml",
            "SummarizeFunction@Globals",
            "anthropic.claude-sonnet-4-20250514-v1:0",
            "sample_iac/sam/template.yaml:13",
            "Globals",
            [],
        ),
        (
            "sample_iac/sam/template.yaml",
            "Pipeline",
            "anthropic.claude-3-5-haiku-20241022-v1:0",
            "sample_iac/sam/template.yaml:58",
            "definition substitution",
            [],
        ),
    ],
)
def test_definition_site_and_chain(
    result: ScanResult, file: str, resource: str, model: str, site: str, kind: str, chain: list[str]
) -> None:
    d = _ref(result, file, resource, model).definition
    assert d is not None
    assert (str(d.location), d.kind, [str(c) for c in d.chain]) == (site, kind, chain)


def test_values_that_are_not_one_literal_have_no_definition(result: ScanResult) -> None:
    # lookup(local.models, "embedding", default) reaches var.embedding_model's
    # default through the map; the default argument is not used, but a
    # format() over two inputs is still traced to the one literal that spells
    # the model.
    kb = _ref(
        result,
        "sample_iac/terraform/modules/knowledge/main.tf",
        "module.knowledge.aws_bedrockagent_knowledge_base.manuals",
        "amazon.titan-embed-text-v2:0",
    )
    assert kb.definition is not None and str(kb.definition.location) == "sample_iac/terraform/variables.tf:24"
    # Unknown before apply: nothing to point at.
    assert all(a.reference.definition is None for a in result.references if not a.reference.resolved)
    # A plan is derived: its values have no literal of their own.
    assert all(a.reference.definition is None for a in result.references if a.reference.framework == "terraform_plan")


def test_every_format_names_the_definition_site(result: ScanResult) -> None:
    site = "sample_iac/terraform/terraform.tfvars:1"
    text = render("text", result)
    assert f"defined at {site} (tfvars; via sample_iac/terraform/locals.tf:5 -> sample_iac/terraform/main.tf:5)" in text
    # Findings of several resources sharing one definition are grouped under it.
    block = text.split("Where to edit")[1].split("\n\n")[0]
    group = block.split("support-agent.template:11  parameter default")[1].split("\n  sample_iac")[0]
    assert "used by AgentRole" in group and "used by SupportAgent" in group
    md = render("markdown", result)
    assert "| `sample_iac/cloudformation/support-agent.template:11` | parameter default |" in md
    assert "`AgentRole`, `SupportAgent`" in md
    doc = json.loads(render("json", result))
    f = next(x for x in doc["findings"] if x["resource"] == "module.agents.aws_bedrockagent_agent.support")
    assert f["definition"]["kind"] == "tfvars" and f["definition"]["line"] == 1
    sarif = json.loads(render("sarif", result))
    res = next(
        r
        for r in sarif["runs"][0]["results"]
        if r["locations"][0]["logicalLocations"][0]["name"] == "module.agents.aws_bedrockagent_agent.support"
    )
    first = res["relatedLocations"][0]
    assert first["physicalLocation"]["artifactLocation"]["uri"] == "sample_iac/terraform/terraform.tfvars"
    assert first["physicalLocation"]["region"]["startLine"] == 1 and "edit this line" in first["message"]["text"]
    rows = list(csv.DictReader(io.StringIO(render("csv", result))))
    assert any(r["definition"] == site and r["definition_kind"] == "tfvars" for r in rows)
    assert f"defined at {site}" in render("junit", result)
    assert f"Defined at {site}" in render("codeclimate", result)


def _scan(paths: list[str]) -> ScanResult:
    return scan(paths, ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), jobs=1))


def test_module_input_and_nested_stack_parameter(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "tf/mod").mkdir(parents=True)
    (tmp_path / "tf/main.tf").write_text('module "chat" {\n  source = "./mod"\n  model  = "anthropic.claude-v2"\n}\n')
    (tmp_path / "tf/mod/main.tf").write_text(
        'variable "model" {}\n'
        "locals {\n  models = [var.model]\n}\n"
        'resource "aws_bedrockagent_agent" "a" {\n  count            = 1\n  foundation_model = local.models[count.index]\n}\n'
    )
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn/parent.yaml").write_text(
        "Resources:\n"
        "  Child:\n"
        "    Type: AWS::CloudFormation::Stack\n"
        "    Properties:\n"
        "      TemplateURL: child.yaml\n"
        "      Parameters:\n"
        "        Model: anthropic.claude-v2\n"
    )
    (tmp_path / "cfn/child.yaml").write_text(
        "Parameters:\n"
        "  Model:\n"
        "    Type: String\n"
        "Resources:\n"
        "  Agent:\n"
        "    Type: AWS::Bedrock::Agent\n"
        "    Properties:\n"
        "      FoundationModel: !Ref Model\n"
    )
    result = _scan(["tf", "cfn"])
    tf = _ref(result, "tf/mod/main.tf", "module.chat.aws_bedrockagent_agent.a[0]", "anthropic.claude-v2").definition
    assert tf is not None and (str(tf.location), tf.kind) == ("tf/main.tf:3", "module input")
    assert [str(c) for c in tf.chain] == ["tf/mod/main.tf:3"]  # through the local
    cfn = _ref(result, "cfn/child.yaml", "Agent", "anthropic.claude-v2").definition
    assert cfn is not None and (str(cfn.location), cfn.kind) == ("cfn/parent.yaml:7", "nested stack parameter")
    assert [str(c) for c in cfn.chain] == ["cfn/parent.yaml:5"]
    text = render("text", result)
    assert "defined at tf/main.tf:3 (module input; via tf/mod/main.tf:3)" in text
    assert "defined at cfn/parent.yaml:7 (nested stack parameter; via cfn/parent.yaml:5)" in text


def test_a_value_from_two_places_names_neither_unless_the_condition_is_known(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "main.tf").write_text(
        'variable "a" {\n  default = "anthropic.claude-v2"\n}\n'
        'variable "b" {\n  default = "anthropic.claude-v2"\n}\n'
        'variable "pick" {\n  default = true\n}\n'
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.pick ? var.a : var.b\n}\n'
        'resource "aws_bedrockagent_agent" "b" {\n  foundation_model = upper(var.a)\n}\n'
    )
    result = _scan(["."])
    # The condition is known, so the literal is var.a's default, as Terraform would pick.
    refs = [a.reference for a in result.references if a.reference.resource == "aws_bedrockagent_agent.a"]
    assert len(refs) == 1 and refs[0].definition is not None and refs[0].definition.location.line == 2
    # Unknown condition: either default could be it; neither is named.
    (tmp_path / "main.tf").write_text((tmp_path / "main.tf").read_text().replace("default = true", "type = bool"))
    result = _scan(["."])
    refs = [a.reference for a in result.references if a.reference.resource == "aws_bedrockagent_agent.a"]
    assert refs and all(r.definition is None for r in refs)
    b = [a.reference for a in result.references if a.reference.resource == "aws_bedrockagent_agent.b"]
    assert all(r.definition is None for r in b)
