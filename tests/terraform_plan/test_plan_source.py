"""Terraform plan JSON review: actions decide the verdict.

Plans follow the documented `terraform show -json` format
(https://developer.hashicorp.com/terraform/internals/json-format).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checker.feed import load_bundled_feed
from checker.model import Action, Reference
from checker.pipeline import ScanSettings, scan
from checker.rules import RuleContext, findings_for
from checker.sources import ScanOptions, Unit, discover
from checker.sources.terraform_plan import scan_unit

AS_OF = date(2026, 11, 24)
REPO = Path(__file__).resolve().parents[2]
SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
PT = "aws_bedrock_provisioned_model_throughput"


def pt_change(actions: list[str], model: str = SONNET45, address: str = f"{PT}.pt") -> dict[str, Any]:
    values = {
        "provisioned_model_name": "pt",
        "model_units": 1,
        "model_arn": f"arn:aws:bedrock:us-east-1::foundation-model/{model}",
    }
    return {
        "address": address,
        "mode": "managed",
        "type": PT,
        "name": address.split(".")[-1].split("[")[0],
        "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {
            "actions": actions,
            "before": None if actions == ["create"] else values,
            "after": None if actions == ["delete"] else values,
            "after_unknown": {},
        },
    }


def plan(changes: list[dict[str, Any]], version: str = "1.2", **extra: Any) -> dict[str, Any]:
    return {"format_version": version, "terraform_version": "1.9.8", "resource_changes": changes, **extra}


def run(tmp_path: Path, doc: Any, name: str = "tfplan.json") -> tuple[list[Reference], list[str]]:
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions())
    return res.references, [f"{e.line}: {e.message}" for e in res.errors]


def rules(ref: Reference) -> set[str]:
    return {f.rule_id for f in findings_for(ref, RuleContext(AS_OF, load_bundled_feed()))}


@pytest.mark.parametrize(
    ("actions", "action", "expected"),
    [
        (["create"], Action.CREATE, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (["delete", "create"], Action.REPLACE, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (["create", "delete"], Action.REPLACE, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (["no-op"], Action.NO_OP, {"CKV_BEDROCK_3"}),
        (["update"], Action.UPDATE, {"CKV_BEDROCK_3"}),
        (["delete"], Action.DELETE, set()),
    ],
)
def test_action_decides_provisioned_throughput_verdict(
    tmp_path: Path, actions: list[str], action: Action, expected: set[str]
) -> None:
    [ref], errors = run(tmp_path, plan([pt_change(actions)]))
    assert errors == []
    assert ref.action is action
    assert rules(ref) == expected


def test_any_action_on_an_eol_model_is_an_error(tmp_path: Path) -> None:
    refs, _ = run(
        tmp_path,
        plan(
            [
                pt_change(["no-op"], "anthropic.claude-v2", f"{PT}.a"),
                pt_change(["update"], "anthropic.claude-v2", f"{PT}.b"),
            ]
        ),
    )
    assert all("CKV_BEDROCK_1" in rules(r) for r in refs) and len(refs) == 2


def test_forget_is_skipped(tmp_path: Path) -> None:
    refs, errors = run(tmp_path, plan([pt_change(["forget"])]))
    assert refs == [] and errors == []


def test_module_count_and_for_each_addresses_with_lines(tmp_path: Path) -> None:
    changes = [
        pt_change(["create"], address=f"module.capacity.module.inner.{PT}.pt[0]"),
        pt_change(["create"], "amazon.nova-pro-v1:0", address=f'{PT}.by_name["nova"]'),
    ]
    changes[0]["module_address"] = "module.capacity.module.inner"
    changes[0]["index"] = 0
    changes[1]["index"] = "nova"
    refs, _ = run(tmp_path, plan(changes))
    text = (tmp_path / "tfplan.json").read_text().splitlines()
    got = {r.resource: r for r in refs}
    assert set(got) == {f"module.capacity.module.inner.{PT}.pt[0]", f'{PT}.by_name["nova"]'}
    for addr, ref in got.items():
        assert json.dumps(addr) in text[ref.location.line - 1]
    assert got[f'{PT}.by_name["nova"]'].model_id == "amazon.nova-pro-v1:0"


def test_unknown_at_apply_falls_back_to_configuration(tmp_path: Path) -> None:
    agent = {
        "address": "module.agents.aws_bedrockagent_agent.a",
        "module_address": "module.agents",
        "mode": "managed",
        "type": "aws_bedrockagent_agent",
        "name": "a",
        "change": {
            "actions": ["create"],
            "before": None,
            "after": {"agent_name": "a"},
            "after_unknown": {"foundation_model": True},
        },
    }
    pt = pt_change(["create"], address=f"{PT}.tuned")
    pt["change"]["after"] = {"model_units": 1}
    pt["change"]["after_unknown"] = {"model_arn": True}
    config = {
        "root_module": {
            "resources": [
                {
                    "address": f"{PT}.tuned",
                    "mode": "managed",
                    "type": PT,
                    "name": "tuned",
                    "expressions": {
                        "model_arn": {
                            "references": ["aws_bedrock_custom_model.c.custom_model_arn", "aws_bedrock_custom_model.c"]
                        }
                    },
                }
            ],
            "module_calls": {
                "agents": {
                    "expressions": {"model": {"references": ["var.agent_model"]}},
                    "module": {
                        "resources": [
                            {
                                "address": "aws_bedrockagent_agent.a",
                                "mode": "managed",
                                "type": "aws_bedrockagent_agent",
                                "name": "a",
                                "expressions": {"foundation_model": {"references": ["var.model"]}},
                            }
                        ]
                    },
                }
            },
        }
    }
    doc = plan([agent, pt], configuration=config, variables={"agent_model": {"value": "anthropic.claude-v2"}})
    refs, _ = run(tmp_path, doc)
    got = {r.resource: r for r in refs}
    # The plan lists what `foundation_model` references, not the expression
    # (`var.model`, `"${var.model}:1"` and `lower(var.model)` all read the
    # same), and no configuration is beside it: nothing is guessed.
    a = got["module.agents.aws_bedrockagent_agent.a"]
    assert (a.raw, a.resolved, a.note) == ("var.model", False, "known only at apply (depends on var.model)")
    t = got[f"{PT}.tuned"]
    assert (t.resolved, t.raw) == (False, "aws_bedrock_custom_model.c.custom_model_arn")
    assert t.note == (
        "known only at apply (depends on aws_bedrock_custom_model.c.custom_model_arn, aws_bedrock_custom_model.c)"
    )


def test_indirect_references_in_plans(tmp_path: Path) -> None:
    definition = json.dumps({"States": {"A": {"Type": "Task", "Parameters": {"ModelId": "anthropic.claude-v2"}}}})
    sfn = {
        "address": "aws_sfn_state_machine.s",
        "mode": "managed",
        "type": "aws_sfn_state_machine",
        "name": "s",
        "change": {
            "actions": ["update"],
            "before": {"definition": definition},
            "after": {"definition": definition},
            "after_unknown": {},
        },
    }
    lam = {
        "address": "aws_lambda_function.f",
        "mode": "managed",
        "type": "aws_lambda_function",
        "name": "f",
        "change": {
            "actions": ["no-op"],
            "after": {"environment": [{"variables": {"MODEL": "amazon.nova-pro-v1:0"}}]},
            "before": {},
            "after_unknown": {},
        },
    }
    data = {
        "address": "data.aws_bedrock_foundation_model.fm",
        "mode": "data",
        "type": "aws_bedrock_foundation_model",
        "name": "fm",
        "change": {
            "actions": ["read"],
            "before": None,
            "after": {"model_id": "anthropic.claude-v2:1"},
            "after_unknown": {"model_arn": True},
        },
    }
    refs, _ = run(tmp_path, plan([sfn, lam, data]))
    assert sorted((r.resource, r.raw, r.attribute) for r in refs) == [
        ("aws_lambda_function.f", "amazon.nova-pro-v1:0", "environment[0].variables.MODEL"),
        ("aws_sfn_state_machine.s", "anthropic.claude-v2", "definition.States.A.Parameters.ModelId"),
        ("data.aws_bedrock_foundation_model.fm", "anthropic.claude-v2:1", "model_id"),
    ]


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.2", "1.9"])
def test_supported_format_versions(tmp_path: Path, version: str) -> None:
    refs, errors = run(tmp_path, plan([pt_change(["create"])], version=version))
    assert errors == [] and len(refs) == 1


def test_opentofu_plan(tmp_path: Path) -> None:
    doc = plan([pt_change(["create"])], version="1.2")
    del doc["terraform_version"]
    doc["opentofu_version"] = "1.8.3"
    doc["resource_changes"][0]["provider_name"] = "registry.opentofu.org/hashicorp/aws"
    refs, errors = run(tmp_path, doc)
    assert errors == [] and refs[0].action is Action.CREATE


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            plan([pt_change(["create"])], version="2.0"),
            "1: unsupported plan format_version '2.0': this tool reads plans of format 0.x and 1.x "
            "(Terraform 0.12 to 1.x, OpenTofu)",
        ),
        ('{"format_version": "1.2",\n "resource_changes": [\n', "3: invalid plan JSON: Expecting value"),
        ("[1, 2]", "0: a plan must be a JSON object, not list"),
        ({"format_version": "1.2", "resource_changes": {"x": 1}}, "0: resource_changes is not a list"),
    ],
)
def test_bad_plans_are_refused_with_file_and_line(tmp_path: Path, doc: Any, message: str) -> None:
    refs, errors = run(tmp_path, doc)
    assert refs == [] and errors == [message]


def test_odd_shapes_do_not_crash(tmp_path: Path) -> None:
    changes: list[Any] = [
        None,
        3,
        {"type": PT},
        {"type": PT, "address": "x", "change": None},
        {"type": PT, "address": "y", "change": {"actions": "create", "after": []}},
        {"type": PT, "address": "z", "change": {"actions": ["create"], "after": {"model_arn": 7}}},
    ]
    refs, errors = run(tmp_path, plan(changes))
    assert refs == [] and errors == []


def test_discovery_picks_plans_by_content(tmp_path: Path) -> None:
    (tmp_path / "tfplan.json").write_text(json.dumps(plan([])))
    (tmp_path / "plan-output.json").write_text(json.dumps({"format_version": "1.0", "planned_values": {}}))
    (tmp_path / "package.json").write_text(json.dumps({"name": "app", "version": "1.0.0"}))
    units = discover([str(tmp_path)]).units
    assert sorted(Path(u.key).name for u in units if u.source == "terraform_plan") == [
        "plan-output.json",
        "tfplan.json",
    ]


def test_sample_plan() -> None:
    os.chdir(REPO)
    result = scan(["sample_iac/terraform/plans/tfplan.json"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    fired: dict[str, set[str]] = {}
    for f in result.findings:
        fired.setdefault(f.reference.resource, set()).add(f.rule_id)
    assert fired[f"{PT}.peak"] == {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}
    assert fired[f"{PT}.existing"] == {"CKV_BEDROCK_3"}
    assert fired["aws_sfn_state_machine.nightly_summary"] == {"CKV_BEDROCK_1"}
    # `foundation_model = var.escalation_model`, known only at apply, and
    # the plan's configuration is not beside it (see test_plan_semantics).
    assert "module.agents.aws_bedrockagent_agent.escalation" not in fired
    assert "aws_bedrockagent_agent.legacy_helper" not in fired  # being deleted
    assert "aws_bedrockagent_knowledge_base.manuals" not in fired  # replaced onto an Active model
    assert fired['aws_bedrockagent_prompt.triage["experiment"]'] == {"CKV_BEDROCK_6"}
    unresolved = [a.reference.resource for a in result.references if not a.reference.resolved]
    assert unresolved == [f"{PT}.tuned", "module.agents.aws_bedrockagent_agent.escalation"]
    # The provider's `region = var.region` is not evaluated without its
    # configuration; model ARNs carry their region.
    regions = {a.reference.resource: a.reference.effective_region for a in result.references}
    assert regions[f"{PT}.peak"] == "us-east-1" and regions["aws_sfn_state_machine.nightly_summary"] is None
