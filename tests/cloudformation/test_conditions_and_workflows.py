"""Conditions decided from parameters, Step Functions integrations read
through the one table, models placed at their state's line, and ARNs that
match nothing: against real PyYAML templates and the real pipeline."""

from __future__ import annotations

import json
import textwrap
from datetime import date
from pathlib import Path

import pytest

from checker.catalog.asl import integration_of
from checker.feed import load_bundled_feed
from checker.model import Reference, Severity, Usage
from checker.modelid import IdKind, parse_model_reference
from checker.pipeline import ScanResult, ScanSettings, scan
from checker.sources import ScanOptions
from checker.sources.cloudformation import scan_template_file
from checker.sources.cloudformation.positions import json_offset

AS_OF = date(2026, 11, 24)
REPO = Path(__file__).resolve().parents[2]


def template(tmp_path: Path, text: str, name: str = "t.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


def refs(path: Path, **opts: object) -> list[Reference]:
    options = ScanOptions(roots=(str(path.parent),), **opts)  # type: ignore[arg-type]
    res = scan_template_file(str(path), options)
    assert res.errors == []
    return res.references


def run(path: Path, **opts: object) -> ScanResult:
    options = ScanOptions(**opts)  # type: ignore[arg-type]
    return scan([str(path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), options=options))


CONDITIONS = """
    Parameters:
      Stage: {Type: String, Default: dev}
      Bucket: {Type: String}
    Conditions:
      IsProd: !Equals [!Ref Stage, prod]
      IsDev: !Not [!Condition IsProd]
      HasBucket: !Not [!Equals [!Ref Bucket, ""]]
      ProdAndBucket: !And [!Condition IsProd, !Condition HasBucket]
      DevOrBucket: !Or [!Condition IsDev, !Condition HasBucket]
      Loop: !Not [!Condition Loop]
      NumberIsString: !Equals [1, "1"]
    Resources:
      Picked:
        Type: AWS::Bedrock::Agent
        Properties:
          FoundationModel: !If [IsProd, anthropic.claude-v2, amazon.nova-pro-v1:0]
      ProdOnly:
        Type: AWS::Bedrock::Agent
        Condition: IsProd
        Properties:
          FoundationModel: anthropic.claude-v2
      ShortCircuitFalse:
        Type: AWS::Bedrock::Agent
        Condition: ProdAndBucket
        Properties:
          FoundationModel: anthropic.claude-instant-v1
      ShortCircuitTrue:
        Type: AWS::Bedrock::Agent
        Condition: DevOrBucket
        Properties:
          FoundationModel: amazon.nova-lite-v1:0
      Undecided:
        Type: AWS::Bedrock::Agent
        Properties:
          FoundationModel: !If [HasBucket, anthropic.claude-v2, amazon.nova-micro-v1:0]
      UndecidedResource:
        Type: AWS::Bedrock::Agent
        Condition: HasBucket
        Properties:
          FoundationModel: amazon.nova-micro-v1:0
      Cyclic:
        Type: AWS::Bedrock::Agent
        Condition: Loop
        Properties:
          FoundationModel: amazon.nova-micro-v1:0
      Strings:
        Type: AWS::Bedrock::Agent
        Properties:
          FoundationModel: !If [NumberIsString, amazon.nova-pro-v1:0, anthropic.claude-v2]
"""


def test_conditions_are_decided_from_defaults(tmp_path: Path) -> None:
    got = {(r.resource, r.raw): r for r in refs(template(tmp_path, CONDITIONS))}
    assert [k for k in got if k[0] == "Picked"] == [("Picked", "amazon.nova-pro-v1:0")]
    assert not got[("Picked", "amazon.nova-pro-v1:0")].conditional
    prod = got[("ProdOnly", "anthropic.claude-v2")]
    assert prod.only_when == "IsProd" and "not deployed" in (prod.note or "")
    # And: one false operand decides, though the other is unknown; Or: one true operand decides.
    assert got[("ShortCircuitFalse", "anthropic.claude-instant-v1")].only_when == "ProdAndBucket"
    short_true = got[("ShortCircuitTrue", "amazon.nova-lite-v1:0")]
    assert (short_true.only_when, short_true.conditional) == (None, False)
    undecided = [r for k, r in got.items() if k[0] == "Undecided"]
    assert sorted(r.raw for r in undecided) == ["amazon.nova-micro-v1:0", "anthropic.claude-v2"]
    assert all(r.conditional for r in undecided)
    assert {r.note for r in undecided} == {
        "chosen by condition HasBucket, undecided: parameter Bucket has no default and no --parameter value"
    }
    res = got[("UndecidedResource", "amazon.nova-micro-v1:0")]
    assert res.conditional and res.only_when is None and "condition HasBucket" in (res.note or "")
    cyclic = got[("Cyclic", "amazon.nova-micro-v1:0")]
    assert cyclic.conditional and "refers to itself" in (cyclic.note or "")
    assert ("Strings", "amazon.nova-pro-v1:0") in got  # CloudFormation compares 1 and "1" as strings


def test_parameter_overrides_decide_conditions(tmp_path: Path) -> None:
    p = template(tmp_path, CONDITIONS)
    got = {(r.resource, r.raw): r for r in refs(p, cfn_parameters=(("Stage", "prod"), ("Bucket", "b")))}
    assert ("Picked", "anthropic.claude-v2") in got and ("Picked", "amazon.nova-pro-v1:0") not in got
    assert got[("ProdOnly", "anthropic.claude-v2")].only_when is None
    assert got[("ShortCircuitFalse", "anthropic.claude-instant-v1")].only_when is None
    assert [k for k in got if k[0] == "Undecided"] == [("Undecided", "anthropic.claude-v2")]


def test_a_resource_not_deployed_gives_notices_not_errors(tmp_path: Path) -> None:
    result = run(template(tmp_path, CONDITIONS))
    prod = [f for f in result.findings if f.reference.resource == "ProdOnly"]
    assert [(f.rule_id, f.severity) for f in prod] == [("CKV_BEDROCK_1", Severity.NOTICE)]
    assert "only when IsProd" in prod[0].message and "not deployed" in prod[0].message
    undecided = [f for f in result.findings if f.reference.resource == "Undecided"]
    assert [(f.rule_id, f.severity) for f in undecided] == [("CKV_BEDROCK_1", Severity.ERROR)]
    assert "condition HasBucket" in undecided[0].message
    flipped = run(template(tmp_path, CONDITIONS), cfn_parameters=(("Stage", "prod"),))
    assert {f.severity for f in flipped.findings if f.reference.resource == "ProdOnly"} == {Severity.ERROR}


@pytest.mark.parametrize(
    "value", ["MANAGED", "", "CHANGE.ME", "REPLACE_ME.model", "arn:aws:bedrock:us-east-1::foundation-model/MANAGED"]
)
def test_values_not_shaped_like_a_model_id_are_not_a_model(tmp_path: Path, value: str) -> None:
    assert parse_model_reference(value).kind is IdKind.NOT_A_MODEL
    p = template(
        tmp_path,
        f"""
        Resources:
          A:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: "{value}"
        """,
    )
    result = run(p)
    assert result.findings == []  # not CKV_BEDROCK_6's "check the id for a typo, or refresh the feed"
    [a] = result.references
    assert a.reference.unresolved_reason == "not a Bedrock model identifier"


def test_model_ids_of_the_feed_keep_their_shape() -> None:
    for model in load_bundled_feed().models:
        assert parse_model_reference(model.model_id).model_id == model.model_id


def test_integrations_table() -> None:
    assert integration_of("arn:aws:states:::bedrock:invokeModel") == {"modelid": Usage.STATE_MACHINE}
    assert integration_of("arn:${AWS::Partition}:states:::bedrock:createModelCustomizationJob.sync") == {
        "basemodelidentifier": Usage.CUSTOM_MODEL_BASE
    }
    assert integration_of("arn:aws-cn:states:::aws-sdk:bedrock:createProvisionedModelThroughput") == {
        "modelid": Usage.PROVISIONED_THROUGHPUT
    }
    assert integration_of("arn:aws:states:::lambda:invoke") is None
    assert integration_of("arn:aws:states:::aws-sdk:bedrockruntime:converse.waitForTaskToken") is not None


WORKFLOWS = """
    Parameters:
      Model: {Type: String, Default: anthropic.claude-v2}
    Resources:
      Sub:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          DefinitionSubstitutions:
            Base: amazon.titan-text-express-v1
          DefinitionString: !Sub |
            {
              "StartAt": "Ask",
              "States": {
                "Ask": {
                  "Type": "Task",
                  "Resource": "arn:${AWS::Partition}:states:::bedrock:invokeModel",
                  "Parameters": {"ModelId": "${Model}"},
                  "Next": "Tune"
                },
                "Tune": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::bedrock:createModelCustomizationJob.sync",
                  "Parameters": {"BaseModelIdentifier": "${Base}"},
                  "Next": "Buy"
                },
                "Buy": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::aws-sdk:bedrock:createProvisionedModelThroughput",
                  "Parameters": {"ModelId": "anthropic.claude-instant-v1", "ModelUnits": 1},
                  "Next": "Pick"
                },
                "Pick": {
                  "Type": "Task",
                  "Resource": "arn:aws:states:::bedrock:invokeModel",
                  "Parameters": {"ModelId.$": "$.model"},
                  "End": true
                }
              }
            }
      Join:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          DefinitionString:
            Fn::Join:
              - ""
              - - '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:'
                - Ref: AWS::Partition
                - ':states:::bedrock:invokeModel","Parameters":{"ModelId":"cohere.command-text-v14"},"Next":"B"},'
                - '"B":{"Type":"Task","Resource":"arn:aws:states:::bedrock:invokeModel","Parameters":{"ModelId":"cohere.command-text-v14"},"Next":"C"},"C":{"Type":"Task","Resource":"arn:aws:states:::bedrock:invokeModel","Parameters":{"ModelId":"cohere.command-text-v14"},"End":true}}}'
      Sam:
        Type: AWS::Serverless::StateMachine
        Properties:
          Definition:
            QueryLanguage: JSONata
            StartAt: Kb
            States:
              Kb:
                Type: Task
                Resource: arn:aws:states:::aws-sdk:bedrockagentruntime:retrieveAndGenerate
                Arguments:
                  RetrieveAndGenerateConfiguration:
                    KnowledgeBaseConfiguration:
                      KnowledgeBaseId: kb
                      ModelArn: amazon.titan-text-premier-v1:0
                Next: Chat
              Chat:
                Type: Task
                Resource: arn:aws:states:::aws-sdk:bedrockruntime:converse
                Arguments: "{% $states.input.request %}"
                End: true
"""


def test_every_integration_member_at_its_state_line(tmp_path: Path) -> None:
    got = {(r.resource, r.state, r.raw): r for r in refs(template(tmp_path, WORKFLOWS))}
    ask = got[("Sub", '"Ask"', "anthropic.claude-v2")]
    assert (ask.location.line, ask.usage) == (16, Usage.STATE_MACHINE)
    tune = got[("Sub", '"Tune"', "amazon.titan-text-express-v1")]
    assert (tune.location.line, tune.usage) == (22, Usage.CUSTOM_MODEL_BASE)  # substitution in BaseModelIdentifier
    buy = got[("Sub", '"Buy"', "anthropic.claude-instant-v1")]
    assert (buy.location.line, buy.usage) == (28, Usage.PROVISIONED_THROUGHPUT)
    pick = got[("Sub", '"Pick"', "$.model")]
    assert (pick.resolved, pick.location.line) == (False, 34)
    assert pick.note == "the model is chosen at run time, by '$.model'"
    # A: its own Join part (line 47); B and C share one line (48): one reference naming both states.
    assert got[("Join", '"A"', "cohere.command-text-v14")].location.line == 47
    assert got[("Join", '"B", "C"', "cohere.command-text-v14")].location.line == 48
    assert len([k for k in got if k[0] == "Join"]) == 2
    kb = got[("Sam", '"Kb"', "amazon.titan-text-premier-v1:0")]
    assert kb.location.line == 63
    chat = got[("Sam", '"Chat"', "{% $states.input.request %}")]
    assert not chat.resolved


def test_workflow_findings_name_the_state_and_provisioned_throughput_fires(tmp_path: Path) -> None:
    result = run(template(tmp_path, WORKFLOWS))
    buy = {f.rule_id: f for f in result.findings if f.reference.state == '"Buy"'}
    assert set(buy) == {"CKV_BEDROCK_1", "CKV_BEDROCK_2"}
    assert buy["CKV_BEDROCK_2"].message.endswith('(in state "Buy")')
    grouped = [f for f in result.findings if f.reference.resource == "Join"]
    assert [f.message.endswith('(in states "B", "C")') for f in grouped] == [False, True]


def test_terraform_state_machines_read_the_same_table(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        textwrap.dedent(
            """
            resource "aws_sfn_state_machine" "m" {
              name     = "m"
              role_arn = "arn:aws:iam::123456789012:role/m"
              definition = jsonencode({
                StartAt = "Buy"
                States = {
                  Buy = {
                    Type       = "Task"
                    Resource   = "arn:aws:states:::aws-sdk:bedrock:createProvisionedModelThroughput"
                    Parameters = { ModelId = "anthropic.claude-instant-v1", ModelUnits = 1 }
                    End        = true
                  }
                }
              })
            }
            """
        )
    )
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert {(f.rule_id, f.reference.usage, f.reference.state) for f in result.findings} == {
        ("CKV_BEDROCK_1", Usage.PROVISIONED_THROUGHPUT, '"Buy"'),
        ("CKV_BEDROCK_2", Usage.PROVISIONED_THROUGHPUT, '"Buy"'),
    }


@pytest.mark.parametrize(
    ("arn", "fires"),
    [
        ("arn:aws:bedrock:us-east-1::foundation-model/us.anthropic.claude-3-5-haiku-20241022-v1:0", "profile id"),
        ("arn:aws:bedrock:us-east-1:123456789012:foundation-model/amazon.nova-pro-v1:0", "has no account"),
        ("arn:aws:bedrock:us-east-1:123456789012:inference-profile/amazon.nova-pro-v1:0", "not an inference"),
        ("arn:aws:bedrock:${AWS::Region}::inference-profile/us.amazon.nova-pro-v1:0", "carries the account"),
        ("arn:aws:bedrock:::foundation-model/amazon.nova-pro-v1:0", "empty region"),
        ("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", None),
        ("arn:aws:bedrock:${AWS::Region}::foundation-model/amazon.nova-pro-v1:0", None),
        ("arn:aws:bedrock:*::foundation-model/amazon.nova-pro-v1:0", None),
        ("arn:aws:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/us.amazon.nova-pro-v1:0", None),
    ],
)
def test_arns_that_match_nothing_get_a_warning(tmp_path: Path, arn: str, fires: str | None) -> None:
    p = template(
        tmp_path,
        f"""
        Resources:
          A:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Sub "{arn}"
          P:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Action: bedrock:InvokeModel
                    Resource: !Sub "{arn}"
        """,
    )
    got = {f.reference.resource: f for f in run(p).findings if f.rule_id == "CKV_BEDROCK_7"}
    if fires is None:
        assert got == {}
        return
    assert got["P"].severity is Severity.WARNING and fires in got["P"].message
    # Some APIs accept an empty region or account (their patterns allow it): only IAM is sure to match nothing.
    assert ("A" in got) is (fires not in ("empty region", "carries the account"))


def test_json_offset_follows_the_path() -> None:
    text = '{"a": {"b": [1, {"c": "x"}], "a": 2}, "States": {"S.1": {"ModelId": "m"}, "S.1": {"ModelId": "n"}}}'
    assert text[json_offset(text, ("a", "b", 1, "c")) or 0 :].startswith('x"}')
    assert text[json_offset(text, ("a", "b")) or 0 :].startswith('"b"')
    # JSON's last duplicate wins, for the definition as for json.loads
    assert text[json_offset(text, ("States", "S.1", "ModelId")) or 0 :].startswith('n"}}')
    assert json_offset(text, ("missing",)) is None
    assert json_offset("{not json", ("a",)) is None


def test_samples_show_conditions_and_workflows() -> None:
    result = scan(
        [
            str(REPO / "sample_iac" / "cloudformation" / "workflows"),
            str(REPO / "sample_iac" / "sam" / "workflows.yaml"),
        ],
        ScanSettings(as_of=AS_OF, feed=load_bundled_feed()),
    )
    fired = {(f.reference.resource, f.rule_id, f.severity.value) for f in result.findings}
    assert ("ProdEscalation", "CKV_BEDROCK_1", "notice") in fired
    assert ("Archivist", "CKV_BEDROCK_1", "error") in fired
    assert ("Concierge", "CKV_BEDROCK_7", "warning") in fired
    assert ("ReviewWorkflow", "CKV_BEDROCK_2", "error") in fired
    assert ("AnswerFlow", "CKV_BEDROCK_1", "error") in fired
    assert ("JudgeWorkflow", "CKV_BEDROCK_1", "error") in fired
    assert not any(r == "Triage" for r, _, _ in fired)  # the default stage picks the Active branch


def test_a_substitution_known_but_for_its_region_still_names_its_model() -> None:
    from checker.sources.cloudformation.properties import apply_subs
    from checker.sources.values import Unknown

    partial = "arn:aws:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/global.amazon.nova-2-lite-v1:0"
    got = apply_subs('{"ModelId": "${ModelId}"}', {"ModelId": Unknown("Fn::Sub", partial=partial)})
    assert got == '{"ModelId": "' + partial + '"}'


def test_a_definition_with_thousands_of_model_states_is_placed_quickly(tmp_path: Path) -> None:
    import time

    states = {
        f"S{i}": {
            "Type": "Task",
            "Resource": "arn:aws:states:::bedrock:invokeModel",
            "Parameters": {"ModelId": "anthropic.claude-v2" if i % 2 else "amazon.nova-pro-v1:0"},
            "Next": f"S{i + 1}",
        }
        for i in range(3000)
    }
    block = "\n".join(
        "        " + line for line in json.dumps({"StartAt": "S0", "States": states}, indent=1).splitlines()
    )
    p = tmp_path / "big.yaml"
    p.write_text(
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n"
        f"      DefinitionString: !Sub |\n{block}\n"
    )
    start = time.process_time()
    got = refs(p, max_file_bytes=20_000_000)
    assert time.process_time() - start < 15
    assert len(got) == 3000 and len({r.location.line for r in got}) == 3000  # each at its own state's line


@pytest.mark.parametrize(
    ("expression", "model"),
    [
        (
            "{% 'arn:aws:bedrock:' & $split($states.context.StateMachine.Id, ':')[3] & '::foundation-model/"
            "anthropic.claude-v2:1' %}",
            "anthropic.claude-v2:1",
        ),
        ('{% "us." & "amazon.nova-pro-v1:0" %}', "amazon.nova-pro-v1:0"),
        ("{% $states.input.model %}", None),
        ("{% 'anthropic.claude-' & $version %}", None),
    ],
)
def test_a_jsonata_concatenation_with_a_literal_model_names_it(
    tmp_path: Path, expression: str, model: str | None
) -> None:
    p = template(
        tmp_path,
        f"""
        Resources:
          M:
            Type: AWS::StepFunctions::StateMachine
            Properties:
              Definition:
                QueryLanguage: JSONata
                StartAt: Ask
                States:
                  Ask:
                    Type: Task
                    Resource: arn:aws:states:::bedrock:invokeModel
                    Arguments:
                      ModelId: {json.dumps(expression)}
                    End: true
        """,
    )
    [ref] = refs(p)
    assert (ref.model_id, ref.resolved) == (model, model is not None)
    if model is not None:
        assert ref.expression == expression


def test_custom_resource_properties_that_look_like_model_ids(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Resources:
          Pipeline:
            Type: AWS::CloudFormation::CustomResource
            Properties:
              ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:setup
              EmbeddingModelId: amazon.titan-embed-text-v1
              Name: search
          Connector:
            Type: Custom::Connector
            Properties:
              ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:connect
              Models:
                - {Chat: anthropic.claude-v2, Region: us-east-1}
        """,
    )
    got = sorted((r.resource, r.attribute, r.raw, r.location.line, r.usage.value) for r in refs(p))
    assert got == [
        ("Connector", "Properties.Models[0].Chat", "anthropic.claude-v2", 13, "other"),
        ("Pipeline", "Properties.EmbeddingModelId", "amazon.titan-embed-text-v1", 6, "other"),
    ]


def test_a_definition_uploaded_as_a_cdk_asset_is_read_from_the_assembly(tmp_path: Path) -> None:
    key = "ab" * 32 + ".json"
    definition = {
        "StartAt": "Draw",
        "States": {
            "Draw": {
                "Type": "Task",
                "Resource": "arn:aws:states:::bedrock:invokeModel",
                "Parameters": {
                    "ModelId": "arn:aws:bedrock:${region}::foundation-model/stability.stable-diffusion-xl-v1"
                },
                "End": True,
            }
        },
    }
    (tmp_path / f"asset.{key}").write_text(json.dumps(definition))
    (tmp_path / "Stack.assets.json").write_text(
        json.dumps(
            {
                "version": "36.0.0",
                "files": {
                    "ab": {
                        "source": {"path": f"asset.{key}", "packaging": "file"},
                        "destinations": {"current": {"bucketName": "cdk-assets", "objectKey": key}},
                    }
                },
            }
        )
    )
    template = {
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "DefinitionS3Location": {"Bucket": {"Fn::Sub": "cdk-assets-${AWS::AccountId}"}, "Key": key},
                    "DefinitionSubstitutions": {"region": {"Ref": "AWS::Region"}},
                },
            }
        }
    }
    p = tmp_path / "Stack.template.json"
    p.write_text(json.dumps(template, indent=1))
    [ref] = refs(p)
    assert (ref.model_id, ref.state, ref.location.line) == ("stability.stable-diffusion-xl-v1", '"Draw"', 6)
    # A front end without the assembly (plain checkov) cannot read it: unresolved, never a pass.
    from checker.catalog.extract import extract

    [found] = extract(
        "cloudformation", "AWS::StepFunctions::StateMachine", template["Resources"]["Machine"]["Properties"]
    )
    assert (found.resolved, found.note) == (False, "the definition is a file asset this check cannot read")


def test_a_template_whose_only_model_is_in_its_definition_file_is_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "flow.asl.json").write_text(
        json.dumps(
            {
                "StartAt": "Ask",
                "States": {
                    "Ask": {
                        "Type": "Task",
                        "Resource": "arn:aws:states:::bedrock:invokeModel",
                        "Parameters": {"ModelId": "anthropic.claude-v2"},
                        "End": True,
                    }
                },
            }
        )
    )
    p = template(
        tmp_path,
        """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Flow:
            Type: AWS::Serverless::StateMachine
            Properties:
              DefinitionUri: flow.asl.json
        """,
    )
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert [(f.rule_id, f.reference.state) for f in result.findings] == [("CKV_BEDROCK_1", '"Ask"')]
    assert p.exists()


def test_a_long_chain_of_conditions_is_bounded(tmp_path: Path) -> None:
    chain = "\n".join(f"  C{i}: !Condition C{i + 1}" for i in range(3000))
    p = tmp_path / "t.yaml"
    p.write_text(
        "Conditions:\n"
        + chain
        + "\n  C3000: !Equals [a, a]\n"
        + "Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n    Condition: C0\n"
        + "    Properties:\n      FoundationModel: !If [C1, anthropic.claude-v2, amazon.nova-pro-v1:0]\n"
    )
    got = refs(p)
    assert got and all(r.conditional and "nest more than" in (r.note or "") for r in got)


def test_a_nested_stack_under_a_false_condition_is_not_deployed(tmp_path: Path) -> None:
    template(
        tmp_path,
        """
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: anthropic.claude-v2
        """,
        name="child.yaml",
    )
    p = template(
        tmp_path,
        """
        Parameters:
          Stage: {Type: String, Default: dev}
        Conditions:
          IsProd: !Equals [!Ref Stage, prod]
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Condition: IsProd
            Properties:
              TemplateURL: child.yaml
        """,
    )
    [ref] = refs(p)
    assert (ref.resource, ref.only_when) == ("Agent", "IsProd")
