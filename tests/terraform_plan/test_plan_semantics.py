"""What a plan means: replace-with-forget, aliased providers, deferred
changes, and values only apply knows, evaluated from the configuration."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from tfjson import PT, REAL, SONNET45, as_bedrock, go_json, real, real_doc

from checker.feed import load_bundled_feed
from checker.model import Action, Reference
from checker.pipeline import ScanSettings, scan
from checker.rules import RuleContext, findings_for
from checker.sources import ScanOptions, Unit
from checker.sources.terraform_plan import scan_unit

AS_OF = date(2026, 11, 24)
AGENT = "aws_bedrockagent_agent"
ARN = f"arn:aws:bedrock:us-east-1::foundation-model/{SONNET45}"


def rules(ref: Reference) -> set[str]:
    return {f.rule_id for f in findings_for(ref, RuleContext(AS_OF, load_bundled_feed()))}


def change(address: str, rtype: str, actions: list[str], after: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A resource change as Terraform 1.11 writes it (key order included)."""
    after_unknown = extra.pop("after_unknown", {})
    module, _, local = address.rpartition(f"{rtype}.")
    rc: dict[str, Any] = {"address": address}
    if module:
        rc["module_address"] = module.rstrip(".")
    rc.update(mode="managed", type=rtype, name=local.split("[")[0])
    rc.update(extra)
    rc["provider_name"] = "registry.terraform.io/hashicorp/aws"
    rc["change"] = {
        "actions": actions,
        "before": None if actions[0] == "create" else after,
        "after": after,
        "after_unknown": after_unknown,
        "before_sensitive": False,
        "after_sensitive": {},
    }
    return rc


def plan(changes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"format_version": "1.2", "terraform_version": "1.11.4"}
    if "variables" in extra:
        doc["variables"] = extra.pop("variables")
    doc["resource_changes"] = changes
    doc.update(extra)
    doc.update(timestamp="2026-11-24T09:00:00Z", applyable=True, complete=True, errored=False)
    return doc


def read(path: Path, doc: Any) -> list[Reference]:
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False))
    res = scan_unit(Unit("terraform_plan", str(path), (str(path),)), ScanOptions(roots=(str(path.parent),)))
    assert res.errors == []
    return res.references


def test_create_then_forget_is_a_create(tmp_path: Path) -> None:
    after = {"model_arn": ARN, "model_units": 1, "provisioned_model_name": "peak"}
    [ref] = read(tmp_path / "p.json", plan([change(f"{PT}.peak", PT, ["create", "forget"], after)]))
    assert ref.action is Action.CREATE and "forgotten" in (ref.note or "")
    assert rules(ref) == {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}


def test_plain_forget_changes_nothing_in_aws(tmp_path: Path) -> None:
    after = {"model_arn": ARN, "model_units": 1}
    assert read(tmp_path / "p.json", plan([change(f"{PT}.peak", PT, ["forget"], after)])) == []


def provider_config() -> dict[str, Any]:
    aws = {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}
    return {
        "aws": {**aws, "expressions": {"region": {"constant_value": "us-east-1"}}},
        "aws.west": {**aws, "alias": "west", "expressions": {"region": {"constant_value": "us-west-2"}}},
        "module.eu:aws": {
            **aws,
            "module_address": "module.eu",
            "expressions": {"region": {"constant_value": "eu-west-1"}},
        },
    }


def agent_config(key: str) -> dict[str, Any]:
    return {
        "address": f"{AGENT}.a",
        "mode": "managed",
        "type": AGENT,
        "name": "a",
        "provider_config_key": key,
        "expressions": {"foundation_model": {"constant_value": "amazon.nova-pro-v1:0"}},
        "schema_version": 0,
    }


def test_aliased_and_module_providers_give_their_own_region(tmp_path: Path) -> None:
    after = {"agent_name": "a", "foundation_model": "amazon.nova-pro-v1:0"}
    changes = [
        change(f"{AGENT}.a", AGENT, ["create"], after),
        change(f"module.west.{AGENT}.a", AGENT, ["create"], after),
        change(f"module.eu.{AGENT}.a", AGENT, ["create"], after),
        change(f"{AGENT}.own", AGENT, ["create"], {**after, "region": "ap-northeast-1"}),
    ]
    configuration = {
        "provider_config": provider_config(),
        "root_module": {
            "resources": [agent_config("aws"), {**agent_config("aws"), "address": f"{AGENT}.own", "name": "own"}],
            "module_calls": {
                # providers = { aws = aws.west }: Terraform points the key at the passed configuration
                "west": {"source": "./agent", "module": {"resources": [agent_config("aws.west")]}},
                "eu": {"source": "./agent", "module": {"resources": [agent_config("module.eu:aws")]}},
            },
        },
    }
    refs = read(tmp_path / "p.json", plan(changes, configuration=configuration))
    assert {r.resource: r.effective_region for r in refs} == {
        f"{AGENT}.a": "us-east-1",
        f"module.west.{AGENT}.a": "us-west-2",
        f"module.eu.{AGENT}.a": "eu-west-1",
        f"{AGENT}.own": "ap-northeast-1",  # the resource's own `region` (AWS provider 6)
    }


def test_deferred_changes_are_read(tmp_path: Path) -> None:
    after = {"model_arn": ARN, "model_units": 1}
    deferred = {
        "reason": "instance_count_unknown",
        "resource_change": change(f'{PT}.per_team["*"]', PT, ["create"], after, index="*"),
    }
    [ref] = read(tmp_path / "p.json", plan([], deferred_changes=[deferred]))
    assert ref.resource == f'{PT}.per_team["*"]' and ref.action is Action.CREATE
    assert ref.note is not None and ref.note.startswith("deferred (instance_count_unknown)")
    assert rules(ref) == {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}
    text = (tmp_path / "p.json").read_text().splitlines()
    assert '"address": "aws_bedrock_provisioned_model_throughput.per_team[\\"*\\"]"' in text[ref.location.line - 1]


# --- values only apply knows ------------------------------------------------

MAIN_TF = """\
variable "partition" {
  type = string
}

variable "model_id" {
  type = string
}

data "aws_region" "current" {}

locals {
  vendor = "anthropic"
}

resource "aws_bedrock_provisioned_model_throughput" "peak" {
  provisioned_model_name = "peak"
  model_units            = 1
  model_arn              = "arn:${var.partition}:bedrock:${data.aws_region.current.name}::foundation-model/${var.model_id}"
}

module "agents" {
  source = "./modules/agents"
  model  = "${local.vendor}.claude-v2"
}
"""

AGENTS_TF = """\
variable "model" {
  type = string
}

resource "aws_bedrockagent_agent" "helper" {
  agent_name       = "helper"
  foundation_model = var.model
}
"""


def unknown_plan(partition: Any = "aws") -> dict[str, Any]:
    pt = change(
        f"{PT}.peak",
        PT,
        ["create"],
        {"model_units": 1, "provisioned_model_name": "peak"},
        after_unknown={"model_arn": True, "id": True},
    )
    agent = change(
        f"module.agents.{AGENT}.helper",
        AGENT,
        ["create"],
        {"agent_name": "helper"},
        after_unknown={"foundation_model": True},
    )
    variables = {"model_id": {"value": SONNET45}}
    if partition is not None:
        variables["partition"] = {"value": partition}
    configuration = {
        "provider_config": {"aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}},
        "root_module": {
            "resources": [
                {
                    "address": f"{PT}.peak",
                    "mode": "managed",
                    "type": PT,
                    "name": "peak",
                    "provider_config_key": "aws",
                    "expressions": {
                        "model_arn": {
                            "references": [
                                "var.partition",
                                "data.aws_region.current.name",
                                "data.aws_region.current",
                                "var.model_id",
                            ]
                        },
                        "model_units": {"constant_value": 1},
                        "provisioned_model_name": {"constant_value": "peak"},
                    },
                    "schema_version": 0,
                },
                {
                    "address": "data.aws_region.current",
                    "mode": "data",
                    "type": "aws_region",
                    "name": "current",
                    "provider_config_key": "aws",
                    "schema_version": 0,
                },
            ],
            "module_calls": {
                "agents": {
                    "source": "./modules/agents",
                    "expressions": {"model": {"references": ["local.vendor"]}},
                    "module": {
                        "resources": [
                            {
                                "address": f"{AGENT}.helper",
                                "mode": "managed",
                                "type": AGENT,
                                "name": "helper",
                                "provider_config_key": "aws",
                                "expressions": {
                                    "agent_name": {"constant_value": "helper"},
                                    "foundation_model": {"references": ["var.model"]},
                                },
                                "schema_version": 0,
                            }
                        ],
                        "variables": {"model": {}},
                    },
                }
            },
            "variables": {"model_id": {}, "partition": {}},
        },
    }
    return plan([pt, agent], variables=variables, configuration=configuration)


def configuration_dir(tmp_path: Path, main: str = MAIN_TF) -> Path:
    (tmp_path / "modules/agents").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(main)
    (tmp_path / "modules/agents/main.tf").write_text(AGENTS_TF)
    return tmp_path


def test_apply_time_arn_is_evaluated_from_the_configuration_beside_the_plan(tmp_path: Path) -> None:
    refs = {r.resource: r for r in read(configuration_dir(tmp_path) / "tfplan.json", unknown_plan())}
    pt = refs[f"{PT}.peak"]
    # the region is known only at apply; the model part is kept
    assert pt.raw == f"arn:aws:bedrock:${{data.aws_region.current.name}}::foundation-model/{SONNET45}"
    assert pt.model_id == SONNET45 and pt.resolved
    assert pt.note is not None and pt.note.endswith("main.tf:18, evaluated with the plan's inputs")
    assert [(Path(v.file).name, v.line) for v in pt.via] == [("main.tf", 18)]
    assert rules(pt) == {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}
    agent = refs[f"module.agents.{AGENT}.helper"]
    assert (agent.raw, agent.expression) == ("anthropic.claude-v2", "var.model")  # "${local.vendor}.claude-v2"
    assert "CKV_BEDROCK_1" in rules(agent)


def test_unknown_partition_still_keeps_the_model(tmp_path: Path) -> None:
    refs = {r.resource: r for r in read(configuration_dir(tmp_path) / "tfplan.json", unknown_plan(partition=None))}
    assert refs[f"{PT}.peak"].model_id == SONNET45


def test_a_configuration_changed_since_the_plan_is_not_used(tmp_path: Path) -> None:
    edited = MAIN_TF.replace('${var.model_id}"', '${var.other}"')
    refs = {r.resource: r for r in read(configuration_dir(tmp_path, edited) / "tfplan.json", unknown_plan())}
    pt = refs[f"{PT}.peak"]
    assert (
        not pt.resolved and pt.note is not None and pt.note.startswith("known only at apply (depends on var.partition")
    )


def test_without_the_configuration_nothing_is_guessed(tmp_path: Path) -> None:
    """The plan lists what an expression references, not the expression: the
    model is not the first reference's value (`aws`), nor a variable's."""
    refs = {r.resource: r for r in read(tmp_path / "tfplan.json", unknown_plan())}
    pt = refs[f"{PT}.peak"]
    assert not pt.resolved and pt.model_id is None
    assert pt.note == (
        "known only at apply (depends on var.partition, data.aws_region.current.name, data.aws_region.current, "
        "var.model_id)"
    )
    agent = refs[f"module.agents.{AGENT}.helper"]
    assert not agent.resolved and agent.raw == "var.model"


def test_the_configuration_is_looked_for_above_the_plan(tmp_path: Path) -> None:
    configuration_dir(tmp_path)
    (tmp_path / "plans").mkdir()
    p = tmp_path / "plans/tfplan.json"
    p.write_text(go_json(unknown_plan()))
    os.chdir(tmp_path)
    result = scan(["."], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    planned = [a.reference for a in result.references if a.reference.framework == "terraform_plan"]
    assert {r.model_id for r in planned} == {SONNET45, "anthropic.claude-v2"}


def test_fallback_agrees_with_what_terraform_applied(tmp_path: Path) -> None:
    """Terraform itself is the oracle: in the real plan `late`'s ARN is
    unknown (its region is another resource's output); evaluated from the
    configuration beside the plan it names the model the applied state holds."""
    (tmp_path / "modules/capacity").mkdir(parents=True)
    (tmp_path / "main.tf").write_text(as_bedrock((REAL / "main.tf.txt").read_text()))
    (tmp_path / "modules/capacity/main.tf").write_text(as_bedrock((REAL / "capacity.tf.txt").read_text()))
    (tmp_path / "tfplan.json").write_text(real("plan.json"))
    res = scan_unit(
        Unit("terraform_plan", str(tmp_path / "tfplan.json"), (str(tmp_path / "tfplan.json"),)),
        ScanOptions(roots=(str(tmp_path),)),
    )
    late = next(r for r in res.references if r.resource == f"{PT}.late")
    assert late.resolved and late.note is not None and "main.tf:13" in late.note
    applied = next(
        r["values"]["model_arn"]
        for r in real_doc("state.json")["values"]["root_module"]["resources"]
        if r["address"] == f"{PT}.late"
    )
    assert late.raw == f"arn:aws:bedrock:${{{PT}.region.output}}::foundation-model/{SONNET45}"
    assert applied == f"arn:aws:bedrock:us-west-2::foundation-model/{SONNET45}"
    assert late.model_id == applied.rsplit("/", 1)[1]


def test_data_sources_read_while_planning_come_from_prior_state(tmp_path: Path) -> None:
    doc = unknown_plan()
    region = {
        "address": "data.aws_region.current",
        "mode": "data",
        "type": "aws_region",
        "name": "current",
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0,
        "values": {"description": "US West (Oregon)", "endpoint": "ec2.us-west-2.amazonaws.com", "name": "us-west-2"},
        "sensitive_values": {},
    }
    doc["prior_state"] = {
        "format_version": "1.0",
        "terraform_version": "1.11.4",
        "values": {"root_module": {"resources": [region]}},
    }
    refs = {r.resource: r for r in read(configuration_dir(tmp_path) / "tfplan.json", doc)}
    pt = refs[f"{PT}.peak"]
    assert pt.raw == f"arn:aws:bedrock:us-west-2::foundation-model/{SONNET45}"
    assert pt.effective_region == "us-west-2"


def test_provider_region_from_a_variable_is_evaluated_from_the_configuration(tmp_path: Path) -> None:
    providers = (
        'provider "aws" {\n  region = var.region\n}\n\nprovider "aws" {\n  alias  = "west"\n  region = "us-west-2"\n}\n'
    )
    main = MAIN_TF + '\nvariable "region" {\n  type = string\n}\n\n' + providers
    doc = unknown_plan()
    doc["variables"]["region"] = {"value": "eu-central-1"}
    aws = {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws"}
    doc["configuration"]["provider_config"] = {
        "aws": {**aws, "expressions": {"region": {"references": ["var.region"]}}},
        "aws.west": {**aws, "alias": "west", "expressions": {"region": {"constant_value": "us-west-2"}}},
    }
    refs = {r.resource: r for r in read(configuration_dir(tmp_path, main) / "tfplan.json", doc)}
    assert refs[f"module.agents.{AGENT}.helper"].effective_region == "eu-central-1"
    # without the configuration the provider's region is not known, and is not guessed from var.region
    (tmp_path / "main.tf").unlink()
    refs = {r.resource: r for r in read(tmp_path / "tfplan.json", doc)}
    assert refs[f"module.agents.{AGENT}.helper"].effective_region is None


def test_a_cached_scan_sees_the_configuration_change(tmp_path: Path) -> None:
    """The plan's unit is the plan file, so a result evaluated with the
    configuration beside it is not cached: editing that configuration (the
    plan unchanged) is seen by the next cached scan."""
    repo = tmp_path / "repo"
    configuration_dir(repo)
    (repo / "tfplan.json").write_text(go_json(unknown_plan()))
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(tmp_path / "cache"))

    def agent_model(paths: list[str]) -> set[str | None]:
        result = scan(paths, settings)
        return {
            a.reference.model_id
            for a in result.references
            if a.reference.framework == "terraform_plan" and a.reference.resource.startswith("module.agents")
        }

    for paths in ([str(repo)], [str(repo / "tfplan.json")]):
        main = MAIN_TF
        (repo / "main.tf").write_text(main)
        assert agent_model(paths) == {"anthropic.claude-v2"}
        (repo / "main.tf").write_text(
            main.replace('"${local.vendor}.claude-v2"', '"${local.vendor}.claude-instant-v1"')
        )
        assert agent_model(paths) == {"anthropic.claude-instant-v1"}
