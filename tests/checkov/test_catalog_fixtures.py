"""One generated fixture per catalog entry (every resource type and every
attribute path of checker/data/model_attributes.json, in every framework),
plus one per special case checkov can be handed, run through the CLI's
sources and through the real checkov with our policies: both must see the
same End-of-Life model and give the same verdict for every rule.

A new catalog entry is covered here without writing a test; an entry one
side cannot read fails here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_checkov_policies import AS_OF, run_checkov

from checker.catalog import Mode, resource_types, specs_for
from checker.rules import ALL_RULES

MODEL = "anthropic.claude-v2"  # End-of-Life at AS_OF: CKV_BEDROCK_1 fires
ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{MODEL}"
pytestmark = [pytest.mark.checkov, pytest.mark.xdist_group("checkov")]


def _asl() -> dict[str, Any]:
    task = {"Type": "Task", "Resource": "arn:aws:states:::bedrock:invokeModel", "Parameters": {"ModelId": MODEL}}
    return {"StartAt": "Ask", "States": {"Ask": {**task, "End": True}}}


def _iam() -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": ARN}],
    }


def _value(mode: Mode, framework: str) -> Any:
    """A value of the shape `mode` reads, naming MODEL."""
    if mode in (Mode.MODEL, Mode.HEURISTIC):
        return MODEL
    if mode is Mode.ENV_MAP:
        return {"MODEL_ID": MODEL}
    if mode is Mode.ASL:
        return _asl()
    if mode is Mode.IAM:
        return [_iam()] if framework == "sam_policies" else _iam()
    if mode is Mode.ECS_CONTAINERS:
        key = (lambda k: k.lower()) if framework == "terraform" else (lambda k: k)
        return [{key("Name"): "app", key("Environment"): [{key("Name"): "MODEL_ID", key("Value"): MODEL}]}]
    raise AssertionError(mode)


def _hcl(value: Any, depth: int) -> str:
    if isinstance(value, (str, bool)):
        return json.dumps(value)
    if isinstance(value, dict):
        pad = "  " * (depth + 1)
        items = "".join(f"{pad}{json.dumps(k)} = {_hcl(v, depth + 1)}\n" for k, v in value.items())
        return "{\n" + items + "  " * depth + "}"
    return "[" + ", ".join(_hcl(v, depth) for v in value) + "]"


#: awscc attributes that are lists of objects (the provider's docs/resources
#: say "Attributes List"); its other nested attributes are single objects.
AWSCC_LISTS = {"prompt_configurations", "models", "variants", "memory_strategies", "nodes", "policies"}


def terraform_fixture() -> tuple[str, list[str]]:
    """main.tf with one resource per (type, path): every segment but the last
    a nested block (awscc: an object attribute `seg = { ... }`, or a list of
    one object where the provider has a list), the last an attribute;
    documents as jsonencode()."""
    blocks, names = [], []
    for rtype in resource_types("terraform"):
        for i, spec in enumerate(specs_for("terraform", rtype)):
            value = _value(spec.mode, "terraform")
            if spec.mode in (Mode.ASL, Mode.IAM, Mode.ECS_CONTAINERS):
                rendered = f"jsonencode({_hcl(value, len(spec.path))})"
            else:
                rendered = _hcl(value, len(spec.path))
            *outer, last = spec.path
            body = "  " * (len(outer) + 1) + f"{last} = {rendered}\n"
            for depth, seg in reversed(list(enumerate(outer))):
                pad = "  " * (depth + 1)
                if not rtype.startswith("awscc_"):
                    body = f"{pad}{seg} {{\n{body}{pad}}}\n"
                elif seg in AWSCC_LISTS:
                    body = f"{pad}{seg} = [{{\n{body}{pad}}}]\n"
                else:
                    body = f"{pad}{seg} = {{\n{body}{pad}}}\n"
            name = f"e{i}"
            blocks.append(f'resource "{rtype}" "{name}" {{\n{body}}}\n')
            names.append(f"{rtype}.{name}")
    return "\n".join(blocks), names


def _nest(path: tuple[str, ...], leaf: Any) -> Any:
    for seg in reversed(path):
        leaf = {seg: leaf}
    return leaf


def cloudformation_fixture() -> tuple[dict[str, Any], list[str]]:
    """A template with one resource per (type, path), and one per special
    case checkov is handed the input of (a Flow's DefinitionString)."""
    resources: dict[str, Any] = {}
    for rtype in resource_types("cloudformation"):
        for i, spec in enumerate(specs_for("cloudformation", rtype)):
            kind = "sam_policies" if spec.path == ("Policies",) else "cloudformation"
            lid = f"{rtype.replace('::', '')}{i}"
            resources[lid] = {"Type": rtype, "Properties": _nest(spec.path, _value(spec.mode, kind))}
    flow = {
        "Nodes": [
            {
                "Name": "n",
                "Type": "Prompt",
                "Configuration": {"Prompt": {"SourceConfiguration": {"Inline": {"ModelId": MODEL}}}},
            }
        ]
    }
    resources["FlowAsString"] = {
        "Type": "AWS::Bedrock::Flow",
        "Properties": {"Name": "f", "DefinitionString": json.dumps(flow)},
    }
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Transform": "AWS::Serverless-2016-10-31",
        "Resources": resources,
    }
    return template, [f"{resources[lid]['Type']}.{lid}" for lid in resources]


def _cli(tmp: Path) -> dict[tuple[str, str], dict[str, Any]]:
    cli = Path(sys.executable).parent / "bedrock-lifecycle"
    proc = subprocess.run(
        [str(cli), "scan", ".", "--as-of", AS_OF, "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
        cwd=tmp,
        timeout=300,
    )
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["errors"] == []
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for ref in doc["references"]:
        entry = out.setdefault((ref["file"], ref["resource"]), {"models": set(), "fired": set()})
        entry["models"].add(ref["model_id"])
    for f in doc["findings"]:
        out[(f["file"], f["resource"])]["fired"].add(f["rule_id"])
    return out


def test_every_catalog_entry_gets_the_same_verdict_from_the_cli_and_checkov(checkov: Path, tmp_path: Path) -> None:
    tf_text, tf_names = terraform_fixture()
    (tmp_path / "main.tf").write_text(tf_text)
    template, cfn_names = cloudformation_fixture()
    (tmp_path / "template.json").write_text(json.dumps(template, indent=2))
    cli = _cli(tmp_path)
    results, _ = run_checkov(
        checkov,
        "-d",
        str(tmp_path),
        "--external-checks-dir",
        str(Path(__file__).resolve().parents[2] / "policies"),
        "--framework",
        "terraform",
        "cloudformation",
        "--check",
        "CKV_BEDROCK_*",
    )
    checked = 0
    for file, names in (("main.tf", tf_names), ("template.json", cfn_names)):
        for name in names:
            cli_key = (file, name if file == "main.tf" else name.split(".", 1)[1])
            entry = cli.get(cli_key)
            assert entry is not None and entry["models"] == {MODEL}, (name, entry)
            for rule in ALL_RULES:
                want = "FAILED" if rule.id in entry["fired"] else "PASSED"
                assert results.get((file, name, rule.id)) == want, (name, rule.id, entry["fired"])
            assert "CKV_BEDROCK_1" in entry["fired"], name
            checked += 1
    specs = sum(len(specs_for(fw, t)) for fw in ("terraform", "cloudformation") for t in resource_types(fw))
    assert checked == specs + 1
