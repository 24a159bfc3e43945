"""The awscc provider (Terraform AWS Cloud Control): nested settings are
object attributes (`attr = { ... }`) and lists of objects (`attr = [{ ... }]`),
never blocks, and real modules pass them whole (`variants = var.variants`).
Paths are those of hashicorp/terraform-provider-awscc docs/resources; the
catalog's own entries are each run through the CLI and checkov by
tests/checkov/test_catalog_fixtures.py."""

from __future__ import annotations

import json
from pathlib import Path

from test_terraform_source import by_resource, refs_of, write

from checker.catalog import not_examined, resource_types, specs_for
from checker.model import Usage
from checker.sources import ScanOptions, Unit
from checker.sources.terraform_plan import scan_unit as scan_plan

CLAUDE_V2 = "anthropic.claude-v2"
HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0"
NOVA = "amazon.nova-pro-v1:0"


def arn(model: str) -> str:
    return f"arn:aws:bedrock:us-east-1::foundation-model/{model}"


def test_literal_objects_and_lists_of_objects_keep_each_models_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
        resource "awscc_bedrock_agent" "a" {{
          foundation_model = "{CLAUDE_V2}"
          prompt_override_configuration = {{
            prompt_configurations = [
              {{ prompt_type = "PRE_PROCESSING", foundation_model = "{HAIKU3}" }},
              {{
                prompt_type      = "ORCHESTRATION"
                foundation_model = "{NOVA}"
              }},
            ]
          }}
        }}

        resource "awscc_bedrock_intelligent_prompt_router" "r" {{
          models = [
            {{ model_arn = "{arn(HAIKU3)}" }},
            {{ model_arn = "{arn(NOVA)}" }},
          ]
          fallback_model = {{
            model_arn = "{arn(HAIKU3)}"
          }}
        }}
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    agent = [(r.attribute, r.model_id, r.location.line, r.usage) for r in refs["awscc_bedrock_agent.a"]]
    assert agent == [
        ("foundation_model", CLAUDE_V2, 2, Usage.AGENT),
        ("prompt_override_configuration.prompt_configurations[0].foundation_model", HAIKU3, 5, Usage.AGENT),
        ("prompt_override_configuration.prompt_configurations[1].foundation_model", NOVA, 8, Usage.AGENT),
    ]
    router = [(r.attribute, r.model_id, r.location.line) for r in refs["awscc_bedrock_intelligent_prompt_router.r"]]
    assert router == [
        ("models[0].model_arn", HAIKU3, 16),
        ("models[1].model_arn", NOVA, 17),
        ("fallback_model.model_arn", HAIKU3, 20),
    ]


def test_objects_passed_whole_through_variables_modules_locals_and_for(tmp_path: Path) -> None:
    """How public modules write it: a list of objects handed to the module,
    set as the attribute's whole value; the finding names the line to edit."""
    write(
        tmp_path,
        {
            "main.tf": f"""
        module "prompts" {{
          source = "./modules/prompt"
          variants_list = [
            {{
              name     = "main"
              model_id = "{CLAUDE_V2}"
            }},
          ]
        }}

        locals {{
          memory_models = ["{HAIKU3}", "{NOVA}"]
        }}

        resource "awscc_bedrockagentcore_memory" "m" {{
          name = "m"
          memory_strategies = [for m in local.memory_models : {{
            custom_memory_strategy = {{
              name          = "s"
              configuration = {{ semantic_override = {{ extraction = {{ model_id = m }} }} }}
            }}
          }}]
        }}
    """,
            "modules/prompt/main.tf": """
        variable "variants_list" {
          type = list(object({ name = string, model_id = optional(string) }))
        }

        resource "awscc_bedrock_prompt" "p" {
          name     = "p"
          variants = var.variants_list
        }
    """,
        },
    )
    refs = by_resource(refs_of(tmp_path))
    [prompt] = refs["module.prompts.awscc_bedrock_prompt.p"]
    assert (prompt.attribute, prompt.model_id, prompt.location.line) == ("variants[0].model_id", CLAUDE_V2, 7)
    assert prompt.definition is not None
    assert (prompt.definition.location.file.endswith("/main.tf"), prompt.definition.location.line) == (True, 6)
    memory = refs["awscc_bedrockagentcore_memory.m"]
    path = "custom_memory_strategy.configuration.semantic_override.extraction.model_id"
    assert [(r.attribute, r.model_id) for r in memory] == [
        (f"memory_strategies[0].{path}", HAIKU3),
        (f"memory_strategies[1].{path}", NOVA),
    ]


def test_undecided_condition_over_objects_and_unknown_containers(tmp_path: Path) -> None:
    """Every branch's model, marked conditional; a container whose value is
    not known statically is reported unresolved with its reason, not dropped."""
    write(
        tmp_path,
        {
            "main.tf": f"""
        variable "override" {{
          type = bool
        }}

        variable "strategies" {{
          type = any
        }}

        resource "awscc_bedrock_agent" "a" {{
          foundation_model = "{NOVA}"
          prompt_override_configuration = var.override ? {{
            prompt_configurations = [{{ foundation_model = "{HAIKU3}" }}]
          }} : null
        }}

        resource "awscc_bedrockagentcore_memory" "m" {{
          name              = "m"
          memory_strategies = var.strategies
        }}

        resource "awscc_bedrock_knowledge_base" "kb" {{
          name = "kb"
          knowledge_base_configuration = {{
            type                                = "VECTOR"
            vector_knowledge_base_configuration = null
          }}
        }}
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    override = refs["awscc_bedrock_agent.a"][1]
    assert (override.model_id, override.conditional) == (HAIKU3, True)
    assert not refs["awscc_bedrock_agent.a"][0].conditional
    memory = refs["awscc_bedrockagentcore_memory.m"]
    assert memory and all(not r.resolved for r in memory)
    assert all(r.raw == "var.strategies" and r.note for r in memory)
    assert "awscc_bedrock_knowledge_base.kb" not in refs  # null: no model, nothing unknown


def test_agentcore_runtime_environment_variables(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
        resource "awscc_bedrockagentcore_runtime" "r" {{
          agent_runtime_name = "r"
          environment_variables = {{
            LOG_LEVEL = "INFO"
            MODEL_ID  = "{HAIKU3}"
          }}
        }}
    """
        },
    )
    [ref] = refs_of(tmp_path)
    assert (ref.attribute, ref.model_id, ref.location.line, ref.usage) == (
        "environment_variables.MODEL_ID",
        HAIKU3,
        5,
        Usage.ENVIRONMENT_VARIABLE,
    )


def test_bedrock_looking_types_outside_the_catalog_are_listed_as_not_examined(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
        resource "awscc_bedrock_shiny_new_thing" "n" {{
          model = "{CLAUDE_V2}"
        }}

        resource "aws_bedrockagent_agentcore_someday" "g" {{
          name = "g"
        }}

        resource "awscc_bedrock_not_yet_known" "none" {{
          count = 0
        }}

        data "aws_bedrock_new_lookup" "l" {{}}

        resource "awscc_bedrock_guardrail" "known_to_hold_none" {{
          name = "g"
        }}

        data "awscc_bedrock_agent" "by_id" {{
          id = "AGENT1234"
        }}

        resource "aws_s3_bucket" "b" {{}}
    """
        },
    )
    refs = refs_of(tmp_path)
    got = sorted((r.resource, r.location.line, r.resolved) for r in refs)
    assert got == [
        ("aws_bedrockagent_agentcore_someday.g", 5, False),
        ("awscc_bedrock_shiny_new_thing.n", 1, False),
        ("data.aws_bedrock_new_lookup.l", 13, False),
    ]
    new = next(r for r in refs if r.resource == "awscc_bedrock_shiny_new_thing.n")
    assert new.note is not None and "awscc_bedrock_shiny_new_thing" in new.note and "not examined" in new.note
    lookup = next(r for r in refs if r.resource.startswith("data."))
    assert lookup.note is not None and lookup.note.startswith("data source type")


def test_no_catalog_type_is_also_listed_as_holding_none() -> None:
    for fw in ("terraform", "terraform_data"):
        for rtype in resource_types(fw):
            assert specs_for(fw, rtype) and not not_examined(fw, rtype), rtype
    assert not not_examined("terraform", "awscc_bedrock_flow_alias")
    assert not not_examined("terraform", "aws_bedrockagent_agent_action_group")
    assert not_examined("terraform", "awscc_bedrockagentcore_future_thing")
    assert not not_examined("cloudformation", "AWS::Bedrock::Anything")


def _change(rtype: str, address: str, after: object) -> dict[str, object]:
    return {
        "address": address,
        "mode": "managed",
        "type": rtype,
        "name": address.split(".")[-1],
        "provider_name": "registry.terraform.io/hashicorp/awscc",
        "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": {}},
    }


def test_plans_and_states_read_awscc_objects_and_list_the_unexamined(tmp_path: Path) -> None:
    changes = [
        _change(
            "awscc_bedrock_prompt",
            "awscc_bedrock_prompt.p",
            {"name": "p", "variants": [{"name": "a", "model_id": CLAUDE_V2}, {"name": "b", "model_id": NOVA}]},
        ),
        _change(
            "awscc_bedrock_application_inference_profile",
            "awscc_bedrock_application_inference_profile.i",
            {"inference_profile_name": "i", "model_source": {"copy_from": arn(HAIKU3)}},
        ),
        _change("awscc_bedrock_brand_new", "awscc_bedrock_brand_new.n", {"name": "n"}),
        _change("awscc_bedrock_guardrail", "awscc_bedrock_guardrail.g", {"name": "g"}),
    ]
    doc = {"format_version": "1.2", "terraform_version": "1.11.0", "resource_changes": changes}
    p = tmp_path / "tfplan.json"
    p.write_text(json.dumps(doc, indent=2))
    res = scan_plan(Unit("terraform_plan", str(p), (str(p),)), ScanOptions())
    assert res.errors == []
    got = [(r.resource, r.attribute, r.model_id, r.resolved) for r in res.references]
    assert got == [
        ("awscc_bedrock_prompt.p", "variants[0].model_id", CLAUDE_V2, True),
        ("awscc_bedrock_prompt.p", "variants[1].model_id", NOVA, True),
        ("awscc_bedrock_application_inference_profile.i", "model_source.copy_from", HAIKU3, True),
        ("awscc_bedrock_brand_new.n", "*", None, False),
    ]


def test_awscc_resources_are_judged_in_the_awscc_providers_region(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
        provider "aws" {{
          region = "eu-west-1"
        }}

        provider "awscc" {{
          region = "us-west-2"
        }}

        resource "awscc_bedrock_agent" "cc" {{
          foundation_model = "{CLAUDE_V2}"
        }}

        resource "aws_bedrockagent_agent" "classic" {{
          foundation_model = "{CLAUDE_V2}"
        }}
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    assert refs["awscc_bedrock_agent.cc"][0].region == "us-west-2"
    assert refs["aws_bedrockagent_agent.classic"][0].region == "eu-west-1"


def test_awscc_outputs_that_stand_for_a_model_are_in_the_handles_table() -> None:
    from checker.catalog.handles import handle_for

    profile = handle_for("terraform", "awscc_bedrock_application_inference_profile", "inference_profile_arn")
    assert profile is not None and [s.dotted for s in profile.specs] == ["model_source.copy_from"]
    agent = handle_for("terraform", "awscc_bedrock_agent", "agent_arn")
    assert agent is not None and {s.dotted for s in agent.specs} == {
        "foundation_model",
        "prompt_override_configuration.prompt_configurations.foundation_model",
    }
    alias = handle_for("terraform", "awscc_bedrock_agent_alias", "agent_alias_arn")
    assert alias is not None and alias.follow == ("agent_id",)
    assert handle_for("terraform", "awscc_bedrock_agent", "agent_status") is None


def test_a_for_that_only_renames_list_items_keeps_each_items_definition(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
        variable "arns" {{
          type    = set(string)
          default = ["{arn(HAIKU3)}", "{arn(NOVA)}"]
        }}

        locals {{
          models = [
            "{arn(HAIKU3)}",
            "{arn(NOVA)}",
          ]
        }}

        resource "awscc_bedrock_intelligent_prompt_router" "r" {{
          models         = [for m in local.models : {{ model_arn = m }}]
          fallback_model = {{ model_arn = local.models[1] }}
        }}

        resource "awscc_bedrock_intelligent_prompt_router" "from_set" {{
          models = [for a in var.arns : {{ model_arn = a }}]
        }}
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    got = [
        (r.model_id, r.definition and r.definition.location.line)
        for r in refs["awscc_bedrock_intelligent_prompt_router.r"]
    ]
    assert got == [(HAIKU3, 8), (NOVA, 9), (NOVA, 9)]
    # A set iterates in its sorted order, not as written: the models are
    # found (sorted, as Terraform gives them), and no wrong line is named.
    from_set = refs["awscc_bedrock_intelligent_prompt_router.from_set"]
    assert [r.model_id for r in from_set] == [NOVA, HAIKU3]  # terraform console agrees
    assert all(r.definition is None or r.definition.location.line == 3 for r in from_set)
