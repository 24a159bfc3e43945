"""Values that are another resource's output, followed through the shared
handles table: `!GetAtt`/`!Ref` in one template, a nested stack's outputs,
exports of stacks read together; what cannot be followed says why."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from checker.feed import load_bundled_feed
from checker.model import Reference, State
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions
from checker.sources.cloudformation import scan_template_file
from tests.cloudformation.test_cloudformation_source import template

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 24)
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def refs(path: Path) -> list[Reference]:
    res = scan_template_file(str(path), ScanOptions(roots=(str(path.parent),)))
    assert res.errors == []
    return res.references


def by_resource(references: list[Reference]) -> dict[str, list[Reference]]:
    out: dict[str, list[Reference]] = {}
    for r in references:
        out.setdefault(r.resource, []).append(r)
    return out


PROFILE = f"""
  Profile:
    Type: AWS::Bedrock::ApplicationInferenceProfile
    Properties:
      InferenceProfileName: p
      ModelSource:
        CopyFrom: arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}
"""


def test_profile_arn_is_judged_by_the_model_it_copies(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        "Resources:"
        + PROFILE
        + """
  Agent:
    Type: AWS::Bedrock::Agent
    Properties:
      AgentName: a
      FoundationModel: !GetAtt Profile.InferenceProfileArn
  Prompt:
    Type: AWS::Bedrock::Prompt
    Properties:
      Name: p
      Variants:
        - Name: main
          TemplateType: TEXT
          ModelId: !Ref Profile
  Grant:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: bedrock:InvokeModel
            Resource: [!GetAtt Profile.InferenceProfileArn]
""",
    )
    got = by_resource(refs(p))
    for lid, line in (("Agent", 13), ("Prompt", 21), ("Grant", 29)):
        [ref] = got[lid]
        assert ref.model_id == HAIKU and ref.effective_region == "us-east-1", lid
        assert ref.location.line == line and ref.resource == lid
        # The trace: the line to edit is the profile's CopyFrom, and the
        # expression that led there is kept.
        assert ref.definition is not None and ref.definition.elsewhere
        assert (ref.definition.location.line, ref.definition.kind) == (7, "resource Profile, ModelSource.CopyFrom")
    assert got["Agent"][0].expression == '{"Fn::GetAtt":["Profile","InferenceProfileArn"]}'
    # The profile's own reference is still written in the resource itself.
    assert got["Profile"][0].definition is not None and not got["Profile"][0].definition.elsewhere


def test_alias_and_versions_follow_to_the_model(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              AgentName: a
              FoundationModel: anthropic.claude-v2
          Alias:
            Type: AWS::Bedrock::AgentAlias
            Properties:
              AgentAliasName: live
              AgentId: !GetAtt Agent.AgentId
          Prompt:
            Type: AWS::Bedrock::Prompt
            Properties:
              Name: p
              Variants:
                - {Name: a, TemplateType: TEXT, ModelId: anthropic.claude-v2:1}
                - {Name: b, TemplateType: TEXT, ModelId: meta.llama3-70b-instruct-v1:0}
          Version:
            Type: AWS::Bedrock::PromptVersion
            Properties:
              PromptArn: !GetAtt Prompt.Arn
          Caller:
            Type: AWS::Lambda::Function
            Properties:
              Environment:
                Variables:
                  ALIAS: !GetAtt Alias.AgentAliasArn
                  PROMPT: !Ref Version
        """,
    )
    caller = sorted((r.attribute, r.raw, r.conditional) for r in by_resource(refs(p))["Caller"])
    # A prompt's variants are all used, not one of them chosen: not conditional.
    assert caller == [
        ("Properties.Environment.Variables.ALIAS", "anthropic.claude-v2", False),
        ("Properties.Environment.Variables.PROMPT", "anthropic.claude-v2:1", False),
        ("Properties.Environment.Variables.PROMPT", "meta.llama3-70b-instruct-v1:0", False),
    ]


def test_what_cannot_be_followed_says_which_input_is_unknown(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        """
        Parameters:
          Model:
            Type: String
        Resources:
          Lookup:
            Type: Custom::ModelLookup
            Properties:
              ServiceToken: arn:aws:lambda:us-east-1:123456789012:function:lookup
          Bucket:
            Type: AWS::S3::Bucket
          A:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Ref Model
          B:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !GetAtt Lookup.ModelArn
          C:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !ImportValue shared-model
          D:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !GetAtt Bucket.Arn
          E:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !GetAtt E.AgentArn
        """,
    )
    notes = {r.resource: (r.resolved, r.note) for r in refs(p)}
    assert notes == {
        "A": (False, "parameter Model has no Default and no value was given (--parameter Model=VALUE)"),
        "B": (False, "Fn::GetAtt Lookup.ModelArn: output of custom resource Lookup, known only at deployment"),
        "C": (False, 'imported from another stack: export "shared-model" is made by no stack read with this one'),
        "D": (False, "Fn::GetAtt Bucket.Arn: apply-time attribute of Bucket (AWS::S3::Bucket)"),
        "E": (False, "Fn::GetAtt E.AgentArn: the chain through E refers to itself"),
    }


def test_nested_stack_parameters_in_and_outputs_back(tmp_path: Path) -> None:
    template(
        tmp_path,
        """
        Parameters:
          ModelId: {Type: String}
          Unknown: {Type: String, Default: anthropic.claude-v2}
        Resources:
          Profile:
            Type: AWS::Bedrock::ApplicationInferenceProfile
            Properties:
              ModelSource:
                CopyFrom: !Sub arn:aws:bedrock:us-east-1::foundation-model/${ModelId}
          Other:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !Ref Unknown
        Outputs:
          ProfileArn:
            Value: !GetAtt Profile.InferenceProfileArn
        """,
        "child.yaml",
    )
    parent = template(
        tmp_path,
        f"""
        Parameters:
          Model: {{Type: String, Default: {HAIKU}}}
        Resources:
          Child:
            Type: AWS::CloudFormation::Stack
            Properties:
              TemplateURL: ./child.yaml
              Parameters:
                ModelId: !Ref Model
                Unknown: !GetAtt Bucket.Arn
          Bucket:
            Type: AWS::S3::Bucket
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !GetAtt Child.Outputs.ProfileArn
        """,
        "parent.yaml",
    )
    got = by_resource(refs(parent))
    [agent] = got["Agent"]
    assert (agent.model_id, agent.location.file.endswith("parent.yaml"), agent.location.line) == (HAIKU, True, 16)
    [profile] = got["Profile"]
    assert profile.model_id == HAIKU and profile.location.file.endswith("child.yaml")
    # The parent's value, unknown, wins over the child's Default, as in CloudFormation.
    [other] = got["Other"]
    assert not other.resolved
    assert other.note == (
        "nested stack Child passes parameter Unknown = Fn::GetAtt Bucket.Arn "
        "(Fn::GetAtt Bucket.Arn: apply-time attribute of Bucket (AWS::S3::Bucket))"
    )


def test_sample_chains_through_the_pipeline() -> None:
    import os

    os.chdir(REPO)
    result = scan(["sample_iac/cloudformation/chains"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    eol = {(a.reference.resource, a.reference.location.line) for a in result.references if a.status.state is State.EOL}
    assert eol == {
        ("ChargebackProfile", 19),
        ("AgentRole", 41),
        ("HelpdeskAgent", 47),
        ("TriagePrompt", 62),
        ("Router", 80),
        ("Router", 81),
    }
    assert {a.reference.resource for a in result.unresolved} == {"TenantAgent", "LookupAgent"}
    # The import of platform.template's export, another unit of the tree, is linked after both are read.
    [shared] = [a for a in result.references if a.reference.resource == "SharedAgent"]
    assert shared.status.state is State.LEGACY and shared.reference.definition is not None
    assert str(shared.reference.definition.location) == "sample_iac/cloudformation/chains/platform.template:8"
    flow = next(f for f in result.findings if f.reference.resource == "ReportFlow" and f.rule_id == "CKV_BEDROCK_5")
    assert flow.model_id == "anthropic.claude-opus-4-1-20250805-v1:0"


def test_imports_across_the_templates_of_a_tree(tmp_path: Path) -> None:
    import os

    def exporter(name: str, model: str) -> None:
        template(
            tmp_path,
            f"""
            Resources:
              Profile:
                Type: AWS::Bedrock::ApplicationInferenceProfile
                Properties:
                  ModelSource:
                    CopyFrom: arn:aws:bedrock:us-east-1::foundation-model/{model}
            Outputs:
              ProfileArn:
                Value: !GetAtt Profile.InferenceProfileArn
                Export: {{Name: shared-profile}}
            """,
            name,
        )

    template(
        tmp_path,
        """
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !ImportValue shared-profile
        """,
        "app/importer.yaml",
    )
    exporter("platform/prod.yaml", HAIKU)
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(tmp_path / "cache"))
    os.chdir(tmp_path)
    for _ in range(2):  # cold, then every unit (and the whole tree) from the cache
        [agent] = [a for a in scan(["."], settings).references if a.reference.resource == "Agent"]
        assert (agent.reference.model_id, agent.reference.conditional) == (HAIKU, False)
        assert [str(v) for v in agent.reference.via] == ["platform/prod.yaml:9"]
    # Two templates make the same export (one per environment): each is reported, conditional.
    exporter("platform/dev.yaml", "anthropic.claude-v2")
    agents = [a.reference for a in scan(["."], settings).references if a.reference.resource == "Agent"]
    assert sorted((r.model_id, r.conditional) for r in agents) == [(HAIKU, True), ("anthropic.claude-v2", True)]
    assert all("is made by 2 templates (platform/dev.yaml, platform/prod.yaml)" in (r.note or "") for r in agents)


def test_a_template_that_only_exports_a_model_is_read(tmp_path: Path) -> None:
    """The first pass skips templates with no resource that can hold a model;
    one that exports a model feeds the templates importing it, so it is read."""
    import os

    template(
        tmp_path,
        """
        Resources:
          Bucket: {Type: AWS::S3::Bucket}
        Outputs:
          Model:
            Value: anthropic.claude-v2
            Export: {Name: team-model}
        """,
        "config.yaml",
    )
    template(
        tmp_path,
        """
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              FoundationModel: !ImportValue team-model
        """,
        "app.yaml",
    )
    os.chdir(tmp_path)
    [agent] = scan(["."], ScanSettings(as_of=AS_OF, feed=load_bundled_feed())).references
    assert agent.reference.model_id == "anthropic.claude-v2" and agent.status.state is State.EOL
    assert agent.reference.definition is not None
    assert (str(agent.reference.definition.location), agent.reference.definition.kind) == (
        "config.yaml:5",
        "export team-model",
    )


def test_sub_with_getatt_syntax_follows_the_chain(tmp_path: Path) -> None:
    p = template(
        tmp_path,
        "Resources:"
        + PROFILE
        + """
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          MODEL: !Sub "${Profile.InferenceProfileArn}"
          OTHER: !Sub "${Bucket.Arn}/x"
  Bucket:
    Type: AWS::S3::Bucket
""",
    )
    [fn] = by_resource(refs(p))["Fn"]
    assert (fn.attribute, fn.model_id) == ("Properties.Environment.Variables.MODEL", HAIKU)
