"""What a cloud assembly records beside its templates: construct paths and
creation stacks in `<stack>.metadata.json`, nested stacks through the asset
manifests, exports between its stacks, each stack's environment, stages.
Over the hand-written TypeScript app's assembly in sample_iac/cdk-typescript
(path metadata off, stack traces on, as `cdk synth` writes it) and small
assemblies built here."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from checker.feed import load_bundled_feed
from checker.model import ScanResult, State
from checker.pipeline import ScanSettings, scan
from checker.sources.cdk.assembly import user_frame

REPO = Path(__file__).resolve().parents[2]
APP = "sample_iac/cdk-typescript"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"


def run(paths: list[str], as_of: date = date(2026, 11, 24)) -> ScanResult:
    os.chdir(REPO)
    return scan(paths, ScanSettings(as_of=as_of, feed=load_bundled_feed()))


def test_typescript_assembly_without_path_metadata() -> None:
    result = run([APP])
    assert result.errors == []
    got = {
        (
            a.reference.location.file.removeprefix(f"{APP}/cdk.out/"),
            a.reference.resource,
            a.reference.construct_path,
            a.reference.created_at,
            a.reference.model_id,
            a.reference.effective_region,
        )
        for a in result.references
    }
    assert got == {
        # The construct path and the app's line come from the metadata file;
        # the templates carry no aws:cdk:path.
        (
            "ModelsStack.template.json",
            "ReportingProfile",
            "ModelsStack/ReportingProfile",
            f"{APP}/lib/models-stack.ts:11",
            HAIKU,
            "eu-central-1",
        ),
        # Fn::ImportValue of the models stack's export, through to the model the profile copies.
        (
            "AssistantStack.template.json",
            "ReportAgent",
            "AssistantStack/ReportAgent",
            f"{APP}/lib/assistant-stack.ts:13",
            HAIKU,
            "eu-central-1",
        ),
        # A nested stack named only by its S3 object key, found through AssistantStack.assets.json.
        (
            "AssistantStackReporting8A6D4C21.nested.template.json",
            "WeeklyPrompt",
            "AssistantStack/Reporting/WeeklyPrompt",
            f"{APP}/lib/reporting-stack.ts:8",
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            "eu-central-1",
        ),
        # The stage: another account and region, from its own manifest.
        (
            "assembly-Staging/StagingModels1A2B3C4D.template.json",
            "ReportingProfile",
            "Staging/Models/ReportingProfile",
            f"{APP}/lib/models-stack.ts:11",
            HAIKU,
            "us-west-2",
        ),
    }
    agent = next(a for a in result.references if a.reference.resource == "ReportAgent").reference
    assert agent.definition is not None and agent.definition.location.file.endswith("ModelsStack.template.json")
    # Templates are counted, each once; not manifests, asset manifests, tree or metadata files.
    assert result.files_scanned == 4


def test_messages_use_the_stack_environment_region(tmp_path: Path) -> None:
    def assembly(name: str, environment: str) -> Path:
        d = tmp_path / name / "cdk.out"
        d.mkdir(parents=True)
        (d / "S.template.json").write_text(
            json.dumps(
                {
                    "Resources": {
                        "Agent": {
                            "Type": "AWS::Bedrock::Agent",
                            "Properties": {"FoundationModel": "anthropic.claude-3-7-sonnet-20250219-v1:0"},
                        }
                    }
                }
            )
        )
        manifest = {
            "version": "48.0.0",
            "artifacts": {
                "S": {
                    "type": "aws:cloudformation:stack",
                    "environment": environment,
                    "properties": {"templateFile": "S.template.json"},
                }
            },
        }
        (d / "manifest.json").write_text(json.dumps(manifest))
        return d

    # Claude 3.7 Sonnet reaches EOL on 2026-04-28 in most regions, 2026-07-30 in GovCloud.
    gov = run([str(assembly("gov", "aws://123456789012/us-gov-west-1"))], date(2026, 6, 1))
    anywhere = run([str(assembly("agnostic", "aws://unknown-account/unknown-region"))], date(2026, 6, 1))
    [g], [a] = gov.references, anywhere.references
    assert g.reference.region == "us-gov-west-1" and g.status.state is State.PUBLIC_EXTENDED_ACCESS
    assert g.status.eol_date == date(2026, 7, 30)
    assert a.reference.region is None and a.status.state is State.EOL


def test_creation_stack_frames() -> None:
    trace = [
        "new CfnAgent (/app/node_modules/aws-cdk-lib/aws-bedrock/lib/bedrock.generated.js:1:2)",
        "new Assistant (/app/lib/assistant.ts:25:5)",
        "Object.<anonymous> (/app/bin/app.ts:7:1)",
    ]
    assert user_frame(trace) == "/app/lib/assistant.ts:25"
    # Python apps record their frames only with CDK_DEBUG=true (as real synth writes them) ...
    python = ["...jsii runtime, node internals...", "__init__ (/app/stacks/kb.py:150)", "<module> (/app/app.py:17)"]
    assert user_frame(python) == "/app/stacks/kb.py:150"
    # ... and otherwise none of the user's code.
    assert user_frame(["...jsii runtime, node internals...", "(no user code in 10 frames)"]) is None
    assert user_frame(["node:internal/main/run_main_module:28:49"]) is None
    assert user_frame("not a list") is None


def test_asset_manifest_paths_outside_the_assembly_are_not_followed(tmp_path: Path) -> None:
    d = tmp_path / "cdk.out"
    d.mkdir()
    (tmp_path / "evil.json").write_text(
        json.dumps({"Resources": {"A": {"Type": "AWS::Bedrock::Agent", "Properties": {"FoundationModel": "x.y"}}}})
    )
    key = "abc.json"
    (d / "S.assets.json").write_text(
        json.dumps({"files": {"abc": {"source": {"path": "../evil.json"}, "destinations": {"d": {"objectKey": key}}}}})
    )
    url = {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::URLSuffix"}, f"/bucket/{key}"]]}
    nested = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}
    own = {"Type": "AWS::Bedrock::Agent", "Properties": {"FoundationModel": "anthropic.claude-v2"}}
    (d / "S.template.json").write_text(json.dumps({"Resources": {"N": nested, "Own": own}}))
    (d / "manifest.json").write_text(
        json.dumps(
            {
                "version": "48.0.0",
                "artifacts": {
                    "S.assets": {"type": "cdk:asset-manifest", "properties": {"file": "S.assets.json"}},
                    "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}},
                },
            }
        )
    )
    # The assembly is read (its own agent), the asset path leaving it is not
    # followed; evil.json, inside the scanned tree, is read only on its own.
    result = run([str(tmp_path)])
    assert result.errors == []
    got = {(a.reference.resource, a.reference.framework) for a in result.references}
    assert got == {("Own", "cdk"), ("A", "cloudformation")}


def test_an_l2_resource_takes_its_construct_s_trace_never_the_stack_s(tmp_path: Path) -> None:
    d = tmp_path / "cdk.out"
    d.mkdir()
    agent = {"Type": "AWS::Bedrock::Agent", "Properties": {"FoundationModel": "anthropic.claude-v2"}}
    (d / "S.template.json").write_text(json.dumps({"Resources": {"AgentRes1": agent, "Other2": agent}}))
    trace = ["...jsii runtime, node internals...", "__init__ (/app/stacks/s.py:{})", "<module> (/app/app.py:9)"]
    metadata = {
        "/S": [{"type": "aws:cdk:creationStack", "data": [t.format(3) for t in trace]}],
        "/S/Agent": [{"type": "aws:cdk:creationStack", "data": [t.format(40) for t in trace]}],
        "/S/Agent/Resource": [{"type": "aws:cdk:logicalId", "data": "AgentRes1"}],
        "/S/Other": [{"type": "aws:cdk:logicalId", "data": "Other2"}],
    }
    (d / "S.metadata.json").write_text(json.dumps(metadata))
    artifact = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}
    manifest = {"version": "48.0.0", "artifacts": {"S": {**artifact, "additionalMetadataFile": "S.metadata.json"}}}
    (d / "manifest.json").write_text(json.dumps(manifest))
    got = {a.reference.resource: a.reference.created_at for a in run([str(d)]).references}
    assert got == {"AgentRes1": "/app/stacks/s.py:40", "Other2": None}
