"""The Terraform source against real python-hcl2: each resolution path with
the line, address and calling lines it reports."""

from __future__ import annotations

import os
import textwrap
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.model import Reference, Usage
from checker.pipeline import ScanSettings, scan
from checker.rules import RuleContext, findings_for
from checker.sources import ScanOptions, discover
from checker.sources.terraform import scan_unit

AS_OF = date(2026, 11, 24)
REPO = Path(__file__).resolve().parents[2]


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def refs_of(root: Path, **opts: object) -> list[Reference]:
    options = ScanOptions(roots=(str(root),), **opts)  # type: ignore[arg-type]
    out: list[Reference] = []
    for unit in discover([str(root)], options).units:
        if unit.source == "terraform":
            out.extend(scan_unit(unit, options).references)
    return out


def by_resource(refs: list[Reference]) -> dict[str, list[Reference]]:
    out: dict[str, list[Reference]] = {}
    for r in refs:
        out.setdefault(r.resource, []).append(r)
    return out


def test_literal_and_variable_default_with_real_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        variable "model" {
          default = "anthropic.claude-v2"
        }

        resource "aws_bedrockagent_agent" "a" {
          agent_name       = "a"
          foundation_model = var.model
        }

        resource "aws_bedrock_custom_model" "c" {
          base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0"
        }
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    agent = refs["aws_bedrockagent_agent.a"][0]
    assert (agent.raw, agent.location.line, agent.location.column, agent.usage) == (
        "anthropic.claude-v2",
        7,
        22,
        Usage.AGENT,
    )
    assert agent.expression == "var.model"
    assert agent.resource_line == 5 and agent.resource_end_line == 8
    custom = refs["aws_bedrock_custom_model.c"][0]
    assert custom.usage is Usage.CUSTOM_MODEL_BASE and custom.model_id == "amazon.nova-pro-v1:0"
    assert custom.location.line == 11


def test_tfvars_precedence_and_var_options(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            variable "m" {
              default = "amazon.nova-pro-v1:0"
            }
            resource "aws_bedrockagent_agent" "a" {
              foundation_model = var.m
            }
        """,
            "terraform.tfvars": 'm = "anthropic.claude-v2"\n',
            "b.auto.tfvars": 'm = "anthropic.claude-v2:1"\n',
            "env/prod.tfvars": 'm = "anthropic.claude-instant-v1"\n',
        },
    )
    (tmp_path / "a.auto.tfvars").write_text('m = "meta.llama2-13b-v1"\n')
    [ref] = refs_of(tmp_path)
    assert ref.raw == "anthropic.claude-v2:1"  # b.auto.tfvars sorts after a.auto.tfvars and terraform.tfvars
    [via] = ref.via
    assert via.file.endswith("/b.auto.tfvars") and via.line == 1
    [ref] = refs_of(tmp_path, tf_var_files=(str(tmp_path / "env/prod.tfvars"),))
    assert ref.raw == "anthropic.claude-instant-v1"
    [ref] = refs_of(tmp_path, tf_var_files=(str(tmp_path / "env/prod.tfvars"),), tf_vars=(("m", "ai21.j2-mid"),))
    assert ref.raw == "ai21.j2-mid"


def test_locals_lookup_index_format_and_interpolation(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        variable "region" {
          default = "eu-west-1"
        }
        locals {
          base   = "anthropic"
          models = { chat = "${local.base}.claude-v2", embed = "amazon.titan-embed-text-v2:0" }
          picked = lookup(local.models, "missing", local.models.chat)
        }
        resource "aws_bedrockagent_agent" "a" {
          foundation_model = local.picked
        }
        resource "aws_bedrockagent_knowledge_base" "kb" {
          knowledge_base_configuration {
            vector_knowledge_base_configuration {
              embedding_model_arn = format("arn:aws:bedrock:%s::foundation-model/%s", var.region, local.models["embed"])
            }
          }
        }
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    assert refs["aws_bedrockagent_agent.a"][0].raw == "anthropic.claude-v2"
    kb = refs["aws_bedrockagent_knowledge_base.kb"][0]
    assert kb.raw == "arn:aws:bedrock:eu-west-1::foundation-model/amazon.titan-embed-text-v2:0"
    assert kb.effective_region == "eu-west-1"
    assert kb.attribute == (
        "knowledge_base_configuration[0].vector_knowledge_base_configuration[0].embedding_model_arn"
    )
    assert kb.usage is Usage.KNOWLEDGE_BASE_EMBEDDING and kb.location.line == 15


def test_module_inputs_give_address_and_calling_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            locals {
              chat = "anthropic.claude-v2"
            }
            module "agents" {
              source = "./modules/agents"
              model  = local.chat
            }
        """,
            "modules/agents/main.tf": """
            variable "model" {}
            module "inner" {
              source = "../inner"
              m      = var.model
            }
        """,
            "modules/inner/main.tf": """
            variable "m" {}
            resource "aws_bedrockagent_agent" "main" {
              foundation_model = var.m
            }
        """,
        },
    )
    refs = refs_of(tmp_path)
    assert [r.resource for r in refs] == ["module.agents.module.inner.aws_bedrockagent_agent.main"]
    ref = refs[0]
    assert ref.raw == "anthropic.claude-v2"
    assert ref.location.file.endswith("modules/inner/main.tf") and ref.location.line == 3
    assert [(Path(v.file).name, Path(v.file).parent.name, v.line) for v in ref.via] == [
        ("main.tf", tmp_path.name, 6),
        ("main.tf", "agents", 4),
    ]


def test_count_and_for_each_yield_one_reference_per_element(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        variable "models" {
          default = ["anthropic.claude-v2", "amazon.nova-pro-v1:0"]
        }
        variable "by_name" {
          default = { chat = "anthropic.claude-v2:1", embed = "amazon.titan-embed-text-v2:0" }
        }
        resource "aws_bedrockagent_agent" "counted" {
          count            = length(var.models)
          foundation_model = var.models[count.index]
        }
        resource "aws_bedrockagent_agent" "each" {
          for_each         = var.by_name
          agent_name       = each.key
          foundation_model = each.value
        }
        resource "aws_bedrockagent_agent" "set" {
          for_each         = toset(var.models)
          foundation_model = each.key
        }
    """
        },
    )
    got = sorted((r.resource, r.raw) for r in refs_of(tmp_path))
    assert got == [
        ("aws_bedrockagent_agent.counted[0]", "anthropic.claude-v2"),
        ("aws_bedrockagent_agent.counted[1]", "amazon.nova-pro-v1:0"),
        ('aws_bedrockagent_agent.each["chat"]', "anthropic.claude-v2:1"),
        ('aws_bedrockagent_agent.each["embed"]', "amazon.titan-embed-text-v2:0"),
        ('aws_bedrockagent_agent.set["amazon.nova-pro-v1:0"]', "amazon.nova-pro-v1:0"),
        ('aws_bedrockagent_agent.set["anthropic.claude-v2"]', "anthropic.claude-v2"),
    ]


def test_unknown_values_are_reported_unresolved_with_their_expression(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        variable "unset" {}
        resource "aws_bedrockagent_agent" "a" {
          foundation_model = var.unset
        }
        resource "aws_bedrock_provisioned_model_throughput" "pt" {
          model_arn = aws_bedrock_custom_model.x.custom_model_arn
        }
        resource "aws_bedrockagent_agent" "cond" {
          foundation_model = var.unset == "prod" ? "anthropic.claude-v2" : "amazon.nova-pro-v1:0"
        }
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    a = refs["aws_bedrockagent_agent.a"][0]
    assert (a.resolved, a.raw, a.model_id) == (False, "var.unset", None)
    pt = refs["aws_bedrock_provisioned_model_throughput.pt"][0]
    assert (pt.resolved, pt.raw) == (False, "aws_bedrock_custom_model.x.custom_model_arn")
    cond = refs["aws_bedrockagent_agent.cond"]
    assert sorted((r.raw, r.conditional) for r in cond) == [
        ("amazon.nova-pro-v1:0", True),
        ("anthropic.claude-v2", True),
    ]


def test_indirect_references(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        variable "model" {
          default = "anthropic.claude-v2"
        }
        resource "aws_lambda_function" "f" {
          environment {
            variables = {
              LOG_LEVEL = "INFO"
              MODEL_ID  = "us.anthropic.claude-3-haiku-20240307-v1:0"
              HOST      = "api.example.com"
            }
          }
        }
        resource "aws_ssm_parameter" "p" {
          value = var.model
        }
        resource "aws_sfn_state_machine" "json" {
          definition = jsonencode({
            States = { A = { Type = "Task", Resource = "arn:aws:states:::bedrock:invokeModel",
                             Parameters = { ModelId = var.model, Body = { input = aws_s3_bucket.b.arn } } } }
          })
        }
        resource "aws_sfn_state_machine" "jsonata" {
          definition = <<-EOT
            {"QueryLanguage": "JSONata", "States": {"A": {"Type": "Task",
              "Arguments": {"ModelId": "amazon.nova-pro-v1:0"}, "Next": "B"},
              "B": {"Type": "Task", "Parameters": {"ModelId.$": "$.model"}}}}
          EOT
        }
        resource "aws_iam_policy" "p" {
          policy = jsonencode({
            Statement = [
              { Effect = "Allow", Action = "bedrock:InvokeModel*",
                Resource = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1" },
              { Effect = "Allow", Action = "s3:GetObject",
                Resource = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama2-13b-v1" },
              { Effect = "Deny", Action = "bedrock:InvokeModel",
                Resource = "arn:aws:bedrock:us-east-1::foundation-model/meta.llama2-70b-v1" },
            ]
          })
        }
        data "aws_iam_policy_document" "d" {
          statement {
            actions   = ["bedrock:InvokeModel"]
            resources = ["arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.amazon.nova-pro-v1:0"]
          }
        }
        resource "aws_ecs_task_definition" "t" {
          container_definitions = jsonencode([
            { name = "app", environment = [{ name = "MODEL", value = "cohere.command-r-v1:0" }] }
          ])
        }
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    lam = refs["aws_lambda_function.f"]
    assert [(r.raw, r.usage, r.location.line, r.attribute) for r in lam] == [
        (
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            Usage.ENVIRONMENT_VARIABLE,
            8,
            "environment[0].variables.MODEL_ID",
        )
    ]
    assert refs["aws_ssm_parameter.p"][0].raw == "anthropic.claude-v2"
    assert [r.raw for r in refs["aws_sfn_state_machine.json"]] == ["anthropic.claude-v2"]
    assert [r.raw for r in refs["aws_sfn_state_machine.jsonata"]] == ["amazon.nova-pro-v1:0"]
    assert [r.model_id for r in refs["aws_iam_policy.p"]] == ["anthropic.claude-v2:1"]
    assert [r.model_id for r in refs["data.aws_iam_policy_document.d"]] == ["amazon.nova-pro-v1:0"]
    assert [r.raw for r in refs["aws_ecs_task_definition.t"]] == ["cohere.command-r-v1:0"]
    assert all(r.usage is not Usage.OTHER for rs in refs.values() for r in rs)


def test_data_source_lookup_flows_into_users(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
        data "aws_bedrock_foundation_model" "fm" {
          model_id = "anthropic.claude-sonnet-4-5-20250929-v1:0"
        }
        resource "aws_bedrock_provisioned_model_throughput" "pt" {
          model_arn = data.aws_bedrock_foundation_model.fm.model_arn
        }
    """
        },
    )
    refs = by_resource(refs_of(tmp_path))
    assert refs["data.aws_bedrock_foundation_model.fm"][0].usage is Usage.DATA_LOOKUP
    pt = refs["aws_bedrock_provisioned_model_throughput.pt"][0]
    assert pt.resolved and pt.model_id == "anthropic.claude-sonnet-4-5-20250929-v1:0"
    fired = {f.rule_id for f in findings_for(pt, RuleContext(AS_OF, load_bundled_feed()))}
    assert fired == {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}


def test_tf_json_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf.json": """
        {
          "variable": {"m": {"default": "anthropic.claude-v2"}},
          "resource": {
            "aws_bedrockagent_agent": {
              "a": {
                "foundation_model": "${var.m}"
              }
            }
          }
        }
    """
        },
    )
    [ref] = refs_of(tmp_path)
    assert (ref.resource, ref.raw, ref.location.line) == ("aws_bedrockagent_agent.a", "anthropic.claude-v2", 6)


def test_broken_hcl_names_file_and_line_and_the_rest_still_scans(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "good.tf": """
            resource "aws_bedrockagent_agent" "a" {
              foundation_model = "anthropic.claude-v2"
            }
        """,
            "broken.tf": """
            resource "aws_bedrockagent_agent" "b" {
              foundation_model = "anthropic.claude-v2
            }
        """,
            "other/main.tf": """
            resource "aws_bedrockagent_agent" "c" {
              foundation_model = "amazon.nova-pro-v1:0"
            }
        """,
        },
    )
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed())
    result = scan([str(tmp_path)], settings)
    assert sorted(a.reference.resource for a in result.references) == [
        "aws_bedrockagent_agent.a",
        "aws_bedrockagent_agent.c",
    ]
    [err] = result.errors
    assert err.file.endswith("broken.tf") and err.line == 2
    assert err.message.startswith("cannot parse HCL: ")
    assert result.exit_code == 2


def test_module_source_outside_the_tree_is_refused(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside", {"main.tf": 'variable "m" {}\n'})
    root = write(
        tmp_path / "repo",
        {
            "main.tf": f"""
        module "x" {{
          source = "{os.path.relpath(outside, tmp_path / "repo")}"
          m      = "anthropic.claude-v2"
        }}
        module "self" {{
          source = "./"
        }}
    """
        },
    )
    options = ScanOptions(roots=(str(root),))
    [unit] = [u for u in discover([str(root)], options).units if u.source == "terraform"]
    result = scan_unit(unit, options)
    assert result.references == []
    messages = sorted(e.message for e in result.errors)
    assert messages == [
        "module \"self\" source './' calls itself (module cycle); not followed",
        "module \"x\" source '../outside' resolves outside the scanned tree; not read",
    ]


def test_units_group_a_root_with_its_local_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "live/main.tf": 'module "a" {\n  source = "../modules/a"\n}\n',
            "modules/a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
            "modules/b/main.tf": "",
            "standalone/main.tf": "",
        },
    )
    units = [u for u in discover([str(tmp_path)]).units if u.source == "terraform"]
    got = {os.path.relpath(u.key, tmp_path): sorted(os.path.relpath(f, tmp_path) for f in u.files) for u in units}
    assert got == {
        "live": ["live/main.tf", "modules/a/main.tf", "modules/b/main.tf"],
        "standalone": ["standalone/main.tf"],
    }


def test_sample_project_rules(tmp_path: Path) -> None:
    """The sample fires every rule that applies to Terraform, and the clean root passes."""
    os.chdir(REPO)
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed())
    result = scan(["sample_iac/terraform"], settings)
    assert result.errors == []
    fired = {(f.reference.resource, f.rule_id) for f in result.findings if f.reference.framework == "terraform"}
    expected = {
        ("aws_bedrock_provisioned_model_throughput.peak", "CKV_BEDROCK_2"),
        ("aws_bedrock_provisioned_model_throughput.peak", "CKV_BEDROCK_3"),
        ('aws_bedrockagent_prompt.triage["candidate"]', "CKV_BEDROCK_5"),
        ('aws_bedrockagent_prompt.triage["experiment"]', "CKV_BEDROCK_6"),
        ("aws_lambda_function.batch_summary", "CKV_BEDROCK_1"),
        ("aws_sfn_state_machine.nightly_summary", "CKV_BEDROCK_1"),
        ("module.agents.aws_bedrockagent_agent.support", "CKV_BEDROCK_4"),
        ("module.knowledge.aws_bedrockagent_data_source.manuals", "CKV_BEDROCK_5"),
    }
    assert expected <= fired
    clean = [f for f in result.findings if "/clean/" in f.reference.location.file]
    assert clean == []
    unresolved = [
        a.reference for a in result.references if not a.reference.resolved and a.reference.framework == "terraform"
    ]
    assert unresolved == []
    # The custom model's ARN exists only after apply; the throughput is judged by its base model.
    tuned = [a.reference for a in result.references if a.reference.resource.endswith("throughput.tuned")]
    assert [(r.raw, r.note) for r in tuned if r.framework == "terraform"] == [
        ("arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", "through aws_bedrock_custom_model.tuned")
    ]
    support = next(
        f
        for f in result.findings
        if f.reference.resource.endswith("agents.aws_bedrockagent_agent.support")
        and f.reference.framework == "terraform"
    )
    assert [(v.file, v.line) for v in support.reference.via] == [
        ("sample_iac/terraform/terraform.tfvars", 1),
        ("sample_iac/terraform/main.tf", 5),
    ]


def test_sample_with_prod_var_file() -> None:
    os.chdir(REPO)
    options = ScanOptions(tf_var_files=("sample_iac/terraform/environments/prod.tfvars",))
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), options=options)
    result = scan(["sample_iac/terraform"], settings)
    support = [
        a.reference
        for a in result.references
        if a.reference.resource.endswith("agent.support") and a.reference.framework == "terraform"
    ]
    assert [r.raw for r in support] == ["anthropic.claude-sonnet-4-5-20250929-v1:0"]


@pytest.mark.parametrize("root", ["sample_iac/terraform", "bench_small"])
def test_prefilter_changes_no_result(root: str, tmp_path: Path) -> None:
    os.chdir(REPO)
    if root == "bench_small":
        import sys

        sys.path.insert(0, str(REPO / "bench"))
        from make_corpus import generate

        generate("small", tmp_path / "corpus")
        root = str(tmp_path / "corpus")
    feed = load_bundled_feed()
    on = scan([root], ScanSettings(as_of=AS_OF, feed=feed, jobs=1))
    off_opts = replace(ScanOptions(), prefilter=False)
    off = scan([root], ScanSettings(as_of=AS_OF, feed=feed, jobs=1, options=off_opts))
    assert [a.reference for a in on.references] == [a.reference for a in off.references]
    assert [(f.rule_id, f.reference) for f in on.findings] == [(f.rule_id, f.reference) for f in off.findings]
    assert len(on.references) > 0
    # The same with the walk, the first pass and parsing shared out to workers.
    par = scan([root], ScanSettings(as_of=AS_OF, feed=feed, jobs=2))
    assert [a.reference for a in par.references] == [a.reference for a in on.references]
    assert [(f.rule_id, f.reference) for f in par.findings] == [(f.rule_id, f.reference) for f in on.findings]
    assert sorted(map(str, par.errors)) == sorted(map(str, on.errors))


def test_blocks_are_parsed_when_read_and_locals_are_found_wherever_they_hide(tmp_path: Path) -> None:
    """Variables, locals and outputs are parsed only when an expression reads
    them; a local the text scan cannot see (after a comment on its line) is
    still found, and a broken block that nothing reads is left unparsed."""
    root = write(
        tmp_path,
        {
            "main.tf": """
            locals { /* hidden */ model = "anthropic.claude-v2" }
            variable "unused" {
              default = = "broken"
            }
            module "m" {
              source = "./m"
              model  = local.model
            }
            """,
            "m/main.tf": """
            variable "model" {}
            output "unused" { value = = 1 }
            resource "aws_bedrockagent_agent" "a" {
              foundation_model = var.model
            }
            """,
        },
    )
    options = ScanOptions(roots=(str(root),))
    [unit] = discover([str(root)], options).units
    result = scan_unit(unit, options)
    assert [(r.resource, r.raw) for r in result.references] == [
        ("module.m.aws_bedrockagent_agent.a", "anthropic.claude-v2")
    ]
    assert result.errors == []
    full = scan_unit(unit, replace(options, prefilter=False))
    assert [r.raw for r in full.references] == []  # a syntax error stops the whole file
    assert [e.line for e in full.errors] == [3, 2]


def test_our_environment_has_python_hcl2_8_and_not_checkovs_fork() -> None:
    """python-hcl2 8.x is the reference our parser is tested against
    (tests/terraform/test_hclparse.py), so the dev environment must hold 8.x,
    not checkov's fork.  checker/ itself never imports either."""
    import importlib.metadata as md

    import hcl2

    assert md.version("python-hcl2").startswith("8.")
    with pytest.raises(md.PackageNotFoundError):
        md.version("bc-python-hcl2")
    assert hcl2.loads('a = "b"\n')["a"] == '"b"'  # python-hcl2 8 keeps quotes; bc's fork returns ['b']
