"""CloudFormation and SAM templates against real PyYAML: each resolution path
with file, line and logical id; bad input gives a clear error or a quiet skip."""

from __future__ import annotations

import json
import os
import textwrap
import time
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.model import Reference, Usage
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions, discover
from checker.sources.cloudformation import scan_template_file

AS_OF = date(2026, 11, 24)
REPO = Path(__file__).resolve().parents[2]


def template(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


def refs(path: Path, **opts: object) -> tuple[list[Reference], list[str]]:
    options = ScanOptions(roots=(str(path.parent),), **opts)  # type: ignore[arg-type]
    res = scan_template_file(str(path), options)
    return res.references, [f"{e.line}: {e.message}" for e in res.errors]


def test_short_tags_parameters_and_lines(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Parameters:
          Model:
            Type: String
            Default: anthropic.claude-v2
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              AgentName: !Sub "agent-${AWS::StackName}"
              FoundationModel: !Ref Model
    """,
    )
    [ref], errors = refs(p)
    assert errors == []
    assert (ref.resource, ref.resource_type, ref.raw, ref.location.line, ref.location.column) == (
        "Agent",
        "AWS::Bedrock::Agent",
        "anthropic.claude-v2",
        10,
        24,
    )
    assert ref.attribute == "Properties.FoundationModel" and ref.usage is Usage.AGENT
    assert ref.resource_line == 7 and ref.resource_end_line == 10


def test_parameter_overrides_and_parameters_file(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Parameters:
          Model:
            Type: String
            Default: anthropic.claude-v2
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Ref Model
    """,
    )
    pf = tmp_path / "params.json"
    pf.write_text(json.dumps([{"ParameterKey": "Model", "ParameterValue": "amazon.nova-pro-v1:0"}]))
    [ref], _ = refs(p, cfn_parameter_files=(str(pf),))
    assert ref.raw == "amazon.nova-pro-v1:0"
    [ref], _ = refs(p, cfn_parameter_files=(str(pf),), cfn_parameters=(("Model", "anthropic.claude-v2:1"),))
    assert ref.raw == "anthropic.claude-v2:1"
    [ref], _ = refs(p, cfn_parameters=(("AWS::Region", "eu-west-1"),))
    assert ref.effective_region == "eu-west-1"


def test_cdk_style_join_sub_findinmap_select_split(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Mappings:
          Models:
            prod: {Chat: anthropic.claude-opus-4-1-20250805-v1:0}
        Resources:
          Kb:
            Type: AWS::Bedrock::KnowledgeBase
            Properties:
              KnowledgeBaseConfiguration:
                VectorKnowledgeBaseConfiguration:
                  EmbeddingModelArn:
                    Fn::Join:
                      - ""
                      - - "arn:"
                        - Ref: AWS::Partition
                        - ":bedrock:"
                        - Ref: AWS::Region
                        - "::foundation-model/amazon.titan-embed-text-v2:0"
          A1:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Sub
                - "${Model}"
                - Model: !FindInMap [Models, prod, Chat]
          A2:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Select [1, !Split [",", "amazon.nova-pro-v1:0,anthropic.claude-v2"]]
          A3:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Sub "arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.amazon.nova-pro-v1:0"
    """,
    )
    got = {r.resource: r for r in refs(p)[0]}
    assert got["Kb"].model_id == "amazon.titan-embed-text-v2:0"
    assert (
        got["Kb"].raw == "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/amazon.titan-embed-text-v2:0"
    )
    assert got["Kb"].location.line == 11
    assert got["A1"].raw == "anthropic.claude-opus-4-1-20250805-v1:0"
    assert got["A2"].raw == "anthropic.claude-v2"
    assert got["A3"].model_id == "amazon.nova-pro-v1:0"


def test_undecided_if_keeps_both_branches_and_getatt_is_unresolved(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Parameters:
          Env: {Type: String}
        Conditions:
          Prod: !Equals [!Ref Env, prod]
        Resources:
          A:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !If [Prod, anthropic.claude-v2, amazon.nova-pro-v1:0]
          B:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !GetAtt Profile.InferenceProfileArn
          C:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !ImportValue shared-model
    """,
    )
    got = refs(p)[0]
    a = sorted((r.raw, r.conditional) for r in got if r.resource == "A")
    assert a == [("amazon.nova-pro-v1:0", True), ("anthropic.claude-v2", True)]
    assert {r.note for r in got if r.resource == "A"} == {
        "chosen by condition Prod, undecided: parameter Env has no default and no --parameter value"
    }
    b = next(r for r in got if r.resource == "B")
    assert (b.resolved, b.raw) == (False, '{"Fn::GetAtt":["Profile","InferenceProfileArn"]}')
    c = next(r for r in got if r.resource == "C")
    assert (c.resolved, c.raw) == (False, '{"Fn::ImportValue":"shared-model"}')


def test_every_catalog_property(tmp_path: Path) -> None:
    m = "anthropic.claude-v2"
    p = template(
        tmp_path,
        f"""
        Resources:
          Profile:
            Type: AWS::Bedrock::ApplicationInferenceProfile
            Properties:
              ModelSource: {{CopyFrom: "arn:aws:bedrock:us-east-1::foundation-model/{m}"}}
          Ds:
            Type: AWS::Bedrock::DataSource
            Properties:
              VectorIngestionConfiguration:
                ContextEnrichmentConfiguration:
                  BedrockFoundationModelConfiguration: {{ModelArn: {m}}}
          Flow:
            Type: AWS::Bedrock::Flow
            Properties:
              Definition:
                Nodes:
                  - Name: p
                    Configuration:
                      Prompt: {{SourceConfiguration: {{Inline: {{ModelId: {m}}}}}}}
                  - Name: kb
                    Configuration:
                      KnowledgeBase: {{ModelId: {m}}}
          FlowString:
            Type: AWS::Bedrock::Flow
            Properties:
              DefinitionString: '{{"Nodes": [{{"Configuration": {{"KnowledgeBase": {{"ModelId": "${{M}}"}}}}}}]}}'
              DefinitionSubstitutions: {{M: {m}}}
          Router:
            Type: AWS::Bedrock::IntelligentPromptRouter
            Properties:
              Models: [{{ModelArn: "arn:aws:bedrock:us-east-1::foundation-model/{m}"}}]
              FallbackModel: {{ModelArn: "arn:aws:bedrock:us-east-1::foundation-model/{m}"}}
          Override:
            Type: AWS::Bedrock::Agent
            Properties:
              PromptOverrideConfiguration:
                PromptConfigurations: [{{FoundationModel: {m}}}]
          Eval:
            Type: AWS::BedrockAgentCore::Evaluator
            Properties:
              EvaluatorConfig: {{LlmAsAJudge: {{ModelConfig: {{BedrockEvaluatorModelConfig: {{ModelId: {m}}}}}}}}}
          Harness:
            Type: AWS::BedrockAgentCore::Harness
            Properties:
              Model: {{BedrockModelConfig: {{ModelId: {m}}}}}
          Memory:
            Type: AWS::BedrockAgentCore::Memory
            Properties:
              MemoryStrategies:
                - CustomMemoryStrategy:
                    Configuration: {{SemanticOverride: {{Extraction: {{ModelId: {m}}}}}}}
          Gateway:
            Type: AWS::BedrockAgentCore::GatewayTarget
            Properties:
              TargetConfiguration:
                Inference: {{Provider: {{Operations: [{{Models: [{{Model: {m}}}]}}]}}}}
          Ecs:
            Type: AWS::ECS::TaskDefinition
            Properties:
              ContainerDefinitions:
                - Name: app
                  Environment: [{{Name: MODEL, Value: {m}}}]
          Sfn:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              Definition:
                States:
                  A: {{Type: Task, Resource: "arn:aws:states:::bedrock:invokeModel", Parameters: {{ModelId: {m}}}}}
    """,
    )
    got, errors = refs(p)
    assert errors == []
    counts: dict[str, int] = {}
    for r in got:
        assert r.model_id == m, r
        counts[r.resource] = counts.get(r.resource, 0) + 1
    assert counts == {
        "Profile": 1, "Ds": 1, "Flow": 2, "FlowString": 1, "Router": 2, "Override": 1, "Eval": 1, "Harness": 1,
        "Memory": 1, "Gateway": 1, "Ecs": 1, "Sfn": 1,
    }  # fmt: skip
    usages = {r.resource: r.usage for r in got}
    assert usages["Ecs"] is Usage.ENVIRONMENT_VARIABLE and usages["Sfn"] is Usage.STATE_MACHINE
    sfn = next(r for r in got if r.resource == "Sfn")
    assert sfn.attribute == "Properties.Definition.States.A.Parameters.ModelId"


def test_nested_stack_passes_parameters_and_refuses_escape(tmp_path: Path) -> None:
    template(
        tmp_path,
        """
        Parameters:
          M: {Type: String}
        Resources:
          A:
            Type: AWS::Bedrock::Agent
            Properties: {FoundationModel: !Ref M}
    """,
        "child.yaml",
    )
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("Resources: {}\n")
    parent = template(
        tmp_path,
        f"""
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ./child.yaml
              Parameters: {{M: anthropic.claude-v2}}
          Escape:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ../{outside.name}
          Remote:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: https://s3.amazonaws.com/bucket/child.yaml
    """,
        "parent.yaml",
    )
    got, errors = refs(parent)
    [ref] = got
    assert (ref.resource, ref.raw) == ("A", "anthropic.claude-v2")
    assert ref.location.file.endswith("child.yaml") and ref.location.line == 6
    assert [(Path(v.file).name, v.line) for v in ref.via] == [("parent.yaml", 5)]
    assert errors == [
        f"10: nested stack Escape TemplateURL '../{outside.name}' resolves outside the scanned tree; not read"
    ]
    units = [u for u in discover([str(tmp_path)]).units if u.source == "cloudformation"]
    assert [Path(u.key).name for u in units] == ["parent.yaml"]  # the child is scanned through its parent


def test_sam_globals_and_policies(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Environment:
              Variables:
                MODEL_ID: anthropic.claude-v2
        Resources:
          Inherits:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.h
              Policies:
                - Statement:
                    - Effect: Allow
                      Action: [bedrock:InvokeModel]
                      Resource: !Sub arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.claude-v2:1
          Overrides:
            Type: AWS::Serverless::Function
            Properties:
              Environment:
                Variables: {MODEL_ID: amazon.nova-pro-v1:0}
    """,
    )
    got = sorted((r.resource, r.attribute, r.model_id, r.location.line) for r in refs(p)[0])
    assert got == [
        ("Inherits", "Globals.Function.Environment.Variables.MODEL_ID", "anthropic.claude-v2", 6),
        ("Inherits", "Properties.Policies[0].Statement[0].Resource[0]", "anthropic.claude-v2:1", 16),
        ("Overrides", "Properties.Environment.Variables.MODEL_ID", "amazon.nova-pro-v1:0", 21),
    ]


def test_json_templates_have_lines(tmp_path: Path) -> None:
    doc = {
        "Resources": {"A": {"Type": "AWS::Bedrock::Agent", "Properties": {"FoundationModel": "anthropic.claude-v2"}}}
    }
    p = tmp_path / "t.json"
    p.write_text(json.dumps(doc, indent=2))
    [ref], _ = refs(p)
    assert ref.location.line == 6


LAMBDA = "Resources:\n  L:\n    Type: AWS::Lambda::Function\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n   Properties: [\n", "cannot parse template: invalid YAML"),
        (LAMBDA + "  A: !Evil anthropic.claude-v2\n", "4: cannot parse template: unknown YAML tag '!Evil'"),
        (
            LAMBDA + "  A: !!python/object/apply:os.system [echo anthropic.claude-v2]\n",
            "4: cannot parse template: unknown YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",
        ),
        (LAMBDA + "  A: &a [*a]\n  B: anthropic.claude-v2\n", "cannot parse template"),
    ],
)
def test_bad_templates_give_clear_errors(tmp_path: Path, text: str, expected: str) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    got, errors = refs(p)
    assert got == []
    assert len(errors) == 1 and expected in errors[0]


def test_first_pass_skips_templates_without_a_resource_that_can_hold_a_model(tmp_path: Path) -> None:
    """A model id in a stack of buckets goes nowhere, so the template is not
    parsed (its own errors are CloudFormation's to report); with the first
    pass off, it is parsed and the error shows."""
    p = tmp_path / "stack.yaml"
    p.write_text("Parameters:\n  M: {Type: String, Default: anthropic.claude-v2}\nResources:\n  A: !Evil x\n")
    assert refs(p) == ([], [])
    assert refs(p, prefilter=False) == ([], ["4: cannot parse template: unknown YAML tag '!Evil'"])
    p.write_text(
        "Resources:\n  F:\n    Type: AWS::Lambda::Function\n    Properties: {Environment: {Variables: {M: !Ref M}}}\n"
    )
    assert refs(p) == ([], [])  # no model named: nothing to resolve
    [ref], _ = refs(p, cfn_parameters=(("M", "anthropic.claude-v2"),))
    assert ref.model_id == "anthropic.claude-v2"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = [*LAMBDA.splitlines(), '  a0: &a0 ["anthropic.claude-v2", "lol"]']
    for i in range(1, 30):
        lines.append(f"  a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]")
    p = tmp_path / "bomb.yaml"
    p.write_text("\n".join(lines) + "\n")
    # CPU time, not wall time: the bound is about the loader's work, and a
    # busy machine (CI beside other jobs) must not fail it.
    start = time.process_time()
    got, errors = refs(p)
    assert time.process_time() - start < 5
    assert got == []
    assert len(errors) == 1 and "expands to more than 500,000 values (YAML alias expansion); refused" in errors[0]


def test_deep_nesting_is_bounded(tmp_path: Path) -> None:
    p = tmp_path / "deep.yaml"
    p.write_text(LAMBDA + "  A: " + "[" * 5000 + "anthropic.claude-v2" + "]" * 5000 + "\n")
    got, errors = refs(p)
    assert got == [] and len(errors) == 1 and "nesting depth" in errors[0]


def test_non_templates_are_skipped_quietly(tmp_path: Path) -> None:
    (tmp_path / "workflow.yml").write_text("on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n")
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\ndata:\n  MODEL: anthropic.claude-v2\n")
    (tmp_path / "package.json").write_text('{"name": "x", "Resources": "docs"}')
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.references == [] and result.errors == []


def test_non_utf8_template_names_the_file(tmp_path: Path) -> None:
    p = tmp_path / "latin1.yaml"
    p.write_bytes("Resources:\n  A:\n    Type: AWS::Bedrock::Agent # caf\xe9\n".encode("latin-1"))
    _, errors = refs(p)
    assert errors == ["0: not valid UTF-8 (byte 0xe9 at offset 51); save the file as UTF-8"]


def test_utf16_and_crlf_templates_keep_lines(tmp_path: Path) -> None:
    text = "Resources:\r\n  A:\r\n    Type: AWS::Bedrock::Agent\r\n    Properties:\r\n      FoundationModel: anthropic.claude-v2\r\n"
    p16 = tmp_path / "u16.yaml"
    p16.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    [ref], _ = refs(p16)
    assert ref.location.line == 5
    pbom = tmp_path / "bom.yaml"
    pbom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    [ref], _ = refs(pbom)
    assert ref.location.line == 5


def test_samples_fire_every_cloudformation_rule() -> None:
    os.chdir(REPO)
    result = scan(["sample_iac/cloudformation", "sample_iac/sam"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    fired: dict[str, set[str]] = {}
    for f in result.findings:
        fired.setdefault(f.reference.resource, set()).add(f.rule_id)
    assert fired["SupportAgent"] == {"CKV_BEDROCK_3", "CKV_BEDROCK_4", "CKV_BEDROCK_5"}
    assert fired["SummaryPrompt"] == {"CKV_BEDROCK_1", "CKV_BEDROCK_3"}
    assert fired["ClassifierPrompt"] == {"CKV_BEDROCK_6"}
    assert fired["NightlyReport"] == {"CKV_BEDROCK_1"}
    assert fired["SummarizeFunction"] == {"CKV_BEDROCK_1"}
    assert fired["Pipeline"] == {"CKV_BEDROCK_1"}
    assert "TriageAgent" in fired and "CKV_BEDROCK_5" in fired["TriageAgent"]
    assert "FaqAgent" not in fired and "SupportProfile" not in fired and "Manuals" not in fired
    # CloudFormation has no PT resource: only a state machine's createProvisionedModelThroughput state creates one
    assert {f.reference.resource for f in result.findings if f.rule_id == "CKV_BEDROCK_2"} == {"ReviewWorkflow"}
    nightly = next(f for f in result.findings if f.reference.resource == "NightlyReport")
    assert nightly.reference.location.file == "sample_iac/cloudformation/nested/reporting.template"
    assert [(v.file, v.line) for v in nightly.reference.via] == [
        ("sample_iac/cloudformation/support-agent.template", 156)
    ]
