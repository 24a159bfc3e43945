"""Modules as real repositories use them: sibling module calls reading each
other's outputs, many example roots calling one module, nested arguments of
module calls, chains through resource outputs (catalog/handles.py), and the
limits that must be errors, never silence."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from checker.feed import load_bundled_feed
from checker.model import ScanResult, Usage
from checker.pipeline import ScanSettings, scan
from checker.reports.common import fingerprint, reference_key
from checker.sources.terraform.instance import MAX_INSTANCES, MAX_MODULE_INSTANCES
from tests.terraform.test_terraform_source import refs_of, write

AS_OF = date(2026, 11, 24)


def scan_tree(root: Path) -> ScanResult:
    return scan([str(root)], ScanSettings(feed=load_bundled_feed(), as_of=AS_OF))


def rel(root: Path, file: str) -> str:
    return os.path.relpath(file, root)


AGENT_MODULE = """
variable "model" {
  default = "anthropic.claude-v2"
}
variable "profile" {
  default = null
}
resource "aws_bedrockagent_agent" "this" {
  agent_name       = "a"
  foundation_model = coalesce(var.profile, var.model)
}
output "model" {
  value = var.model
}
"""


def test_sibling_modules_read_each_others_outputs(tmp_path: Path) -> None:
    """`module.b` takes `module.a.out` while `module.a` takes another output
    of `module.b` (Terraform orders by value, not by call): both resolve,
    and no false "references nest more than 100 deep" error appears."""
    write(
        tmp_path,
        {
            "main.tf": """
            module "a" {
              source = "./modules/agent"
              model  = module.b.model
            }
            module "b" {
              source  = "./modules/agent"
              model   = "amazon.titan-text-express-v1"
            }
            module "c" {
              source = "./modules/agent"
              model  = module.a.model
            }
            resource "aws_bedrockagent_agent" "root" {
              agent_name       = "r"
              foundation_model = module.c.model
            }
            """,
            "modules/agent/main.tf": AGENT_MODULE,
        },
    )
    result = scan_tree(tmp_path)
    assert result.errors == []
    got = sorted((a.reference.resource, a.reference.raw) for a in result.references)
    assert got == [
        ("aws_bedrockagent_agent.root", "amazon.titan-text-express-v1"),
        ("module.a.aws_bedrockagent_agent.this", "amazon.titan-text-express-v1"),
        ("module.b.aws_bedrockagent_agent.this", "amazon.titan-text-express-v1"),
        ("module.c.aws_bedrockagent_agent.this", "amazon.titan-text-express-v1"),
    ]


def test_modules_crossing_outputs_both_ways_resolve(tmp_path: Path) -> None:
    """a reads b's `name`, b reads a's `model`: a cycle between the calls but
    not between values, which Terraform accepts."""
    write(
        tmp_path,
        {
            "main.tf": """
            module "a" {
              source = "./a"
              suffix = module.b.name
            }
            module "b" {
              source = "./b"
              model  = module.a.model
            }
            """,
            "a/main.tf": """
            variable "suffix" {}
            output "model" {
              value = "anthropic.claude-v2"
            }
            resource "aws_bedrockagent_agent" "a" {
              agent_name       = "a-${var.suffix}"
              foundation_model = "anthropic.claude-instant-v1"
            }
            """,
            "b/main.tf": """
            variable "model" {}
            output "name" {
              value = "bee"
            }
            resource "aws_bedrockagent_agent" "b" {
              agent_name       = "b"
              foundation_model = var.model
            }
            """,
        },
    )
    refs = refs_of(tmp_path)
    assert sorted((r.resource, r.raw) for r in refs) == [
        ("module.a.aws_bedrockagent_agent.a", "anthropic.claude-instant-v1"),
        ("module.b.aws_bedrockagent_agent.b", "anthropic.claude-v2"),
    ]


def test_a_real_value_cycle_is_unresolved_naming_the_cycle(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            module "a" {
              source = "./modules/agent"
              model  = module.a.model
            }
            """,
            "modules/agent/main.tf": AGENT_MODULE,
        },
    )
    result = scan_tree(tmp_path)
    assert not any("nest more than" in e.message for e in result.errors)
    [ref] = [a.reference for a in result.references]
    assert not ref.resolved
    assert "cycle" in (ref.note or "")


def test_each_example_root_calling_one_module_is_reported(tmp_path: Path) -> None:
    """Three example roots call the repository's module with its defaults:
    three references, each naming its root in `via`, not one deduplicated."""
    files = {"main.tf": AGENT_MODULE}
    for name in ("basic", "complete", "with-profile"):
        files[f"examples/{name}/main.tf"] = """
        module "bedrock" {
          source = "../.."
        }
        """
    write(tmp_path, files)
    result = scan_tree(tmp_path)
    refs = [a.reference for a in result.references]
    assert [(r.resource, r.raw, rel(tmp_path, r.location.file), r.location.line) for r in refs] == [
        ("module.bedrock.aws_bedrockagent_agent.this", "anthropic.claude-v2", "main.tf", 9)
    ] * 3
    assert sorted((rel(tmp_path, r.via[0].file), r.via[0].line) for r in refs) == [
        ("examples/basic/main.tf", 1),
        ("examples/complete/main.tf", 1),
        ("examples/with-profile/main.tf", 1),
    ]
    assert all(f.reference.raw == "anthropic.claude-v2" for f in result.findings) and len(result.findings) == 3
    # SARIF, the baseline and Code Climate tell them apart too.
    assert len({fingerprint(f) for f in result.findings}) == 3


def test_a_module_inside_its_root_keeps_its_fingerprint(tmp_path: Path) -> None:
    write(
        tmp_path, {"main.tf": 'module "a" {\n  source = "./modules/agent"\n}\n', "modules/agent/main.tf": AGENT_MODULE}
    )
    [f] = scan_tree(tmp_path).findings
    assert f.reference.via and reference_key(f.reference) == "|".join(
        (f.reference.location.file, f.reference.resource, "foundation_model", "anthropic.claude-v2")
    )


def test_via_of_a_module_default_names_each_module_call(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'module "outer" {\n  source = "./outer"\n}\n',
            "outer/main.tf": 'module "inner" {\n  source = "../modules/agent"\n}\n',
            "modules/agent/main.tf": AGENT_MODULE,
        },
    )
    [ref] = refs_of(tmp_path)
    assert [(Path(v.file).parent.name, v.line) for v in ref.via] == [(tmp_path.name, 1), ("outer", 1)]


def test_nested_arguments_are_followed_into_local_modules(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            module "prompts" {
              source = "./prompts"
              variants_list = [
                { name = "a", model_id = "anthropic.claude-v2" },
                { name = "b", model_id = "amazon.titan-text-express-v1" },
              ]
              agents = {
                support = { model = "anthropic.claude-instant-v1" }
              }
            }
            """,
            "prompts/main.tf": """
            variable "variants_list" {
              type = list(object({ name = string, model_id = string }))
            }
            variable "agents" {
              type = map(object({ model = string }))
            }
            resource "aws_bedrockagent_prompt" "p" {
              name = "p"
              dynamic "variant" {
                for_each = var.variants_list
                content {
                  name     = variant.value.name
                  model_id = variant.value.model_id
                }
              }
            }
            resource "aws_bedrockagent_agent" "a" {
              for_each         = var.agents
              agent_name       = each.key
              foundation_model = each.value.model
            }
            """,
        },
    )
    refs = refs_of(tmp_path)
    prompt = [(r.resource, r.attribute, r.raw) for r in refs if r.resource_type == "aws_bedrockagent_prompt"]
    assert prompt == [
        ("module.prompts.aws_bedrockagent_prompt.p", "variant[0].model_id", "anthropic.claude-v2"),
        ("module.prompts.aws_bedrockagent_prompt.p", "variant[1].model_id", "amazon.titan-text-express-v1"),
    ]
    agent = [r for r in refs if r.resource_type == "aws_bedrockagent_agent"]
    assert [(r.resource, r.raw) for r in agent] == [
        ('module.prompts.aws_bedrockagent_agent.a["support"]', "anthropic.claude-instant-v1")
    ]
    assert agent[0].definition is not None and agent[0].definition.location.line == 8


def test_nested_arguments_of_registry_modules_are_module_inputs(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            locals {
              fallback = "meta.llama3-8b-instruct-v1:0"
            }
            module "prompts" {
              source  = "aws-ia/bedrock/aws"
              version = "0.0.30"
              variants_list = [
                {
                  name     = "a"
                  model_id = "anthropic.claude-v2"
                },
              ]
              routers = {
                main = { fallback_model = local.fallback }
              }
              name = "not-a-model"
            }
            """,
        },
    )
    refs = refs_of(tmp_path)
    assert [(r.resource, r.resource_type, r.attribute, r.raw, r.location.line) for r in refs] == [
        ("module.prompts", "module", "variants_list[0].model_id", "anthropic.claude-v2", 10),
        ("module.prompts", "module", "routers.main.fallback_model", "meta.llama3-8b-instruct-v1:0", 14),
    ]
    assert all(r.note == "passed to module source aws-ia/bedrock/aws" for r in refs)
    assert refs[1].definition is not None and refs[1].definition.location.line == 2


CHAINS = """
variable "base" {
  default = "amazon.titan-text-express-v1:0:8k"
}
resource "aws_bedrock_custom_model" "tuned" {
  custom_model_name     = "tuned"
  job_name              = "tune"
  role_arn              = "arn:aws:iam::111122223333:role/r"
  base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/${var.base}"
}
resource "aws_bedrock_provisioned_model_throughput" "pt" {
  provisioned_model_name = "pt"
  model_units            = 1
  model_arn              = aws_bedrock_custom_model.tuned.custom_model_arn
}
resource "aws_bedrock_inference_profile" "p" {
  for_each = toset(["eu", "us"])
  name     = "p-${each.key}"
  model_source {
    copy_from = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"
  }
}
variable "use_profile" {
  type = bool
}
resource "aws_bedrockagent_agent" "a" {
  agent_name       = "a"
  foundation_model = var.use_profile ? aws_bedrock_inference_profile.p["eu"].arn : "amazon.titan-text-express-v1"
}
resource "aws_bedrockagent_agent" "b" {
  agent_name       = "b"
  foundation_model = "${aws_bedrock_inference_profile.p["us"].arn}/x"
}
"""


def test_chains_judge_by_the_model_behind_the_output(tmp_path: Path) -> None:
    write(tmp_path, {"main.tf": CHAINS})
    refs = {(r.resource, r.raw): r for r in refs_of(tmp_path)}
    pt = refs[
        (
            "aws_bedrock_provisioned_model_throughput.pt",
            "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
        )
    ]
    assert pt.usage is Usage.PROVISIONED_THROUGHPUT and pt.resolved and not pt.conditional
    assert pt.note == "through aws_bedrock_custom_model.tuned"
    assert pt.expression == "aws_bedrock_custom_model.tuned.custom_model_arn"
    assert [v.line for v in pt.via] == [8]
    assert pt.definition is not None and pt.definition.location.line == 2
    claude = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"
    agent = refs[("aws_bedrockagent_agent.a", claude)]
    assert agent.conditional and agent.note == 'through aws_bedrock_inference_profile.p["eu"]'
    assert agent.definition is not None and agent.definition.location.line == 19
    assert agent.definition.kind == 'argument of aws_bedrock_inference_profile.p["eu"]'
    assert refs[("aws_bedrockagent_agent.a", "amazon.titan-text-express-v1")].conditional
    # A string built from the profile's ARN is not the profile: unknown, as at plan.
    [b] = [r for (res, _), r in refs.items() if res == "aws_bedrockagent_agent.b"]
    assert not b.resolved and "known only after apply" in (b.note or "")


def test_a_chain_through_a_module_output_and_an_unknown_end(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """
            module "profile" {
              source = "./profile"
            }
            resource "aws_bedrockagent_agent" "a" {
              agent_name       = "a"
              foundation_model = module.profile.arn
            }
            resource "aws_bedrock_inference_profile" "unknown" {
              name = "u"
              model_source {
                copy_from = var.nothing
              }
            }
            variable "nothing" {}
            resource "aws_bedrockagent_agent" "b" {
              agent_name       = "b"
              foundation_model = aws_bedrock_inference_profile.unknown.arn
            }
            """,
            "profile/main.tf": """
            resource "aws_bedrock_inference_profile" "p" {
              name = "p"
              model_source {
                copy_from = "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-instant-v1"
              }
            }
            output "arn" {
              value = aws_bedrock_inference_profile.p.arn
            }
            """,
        },
    )
    refs = {r.resource: r for r in refs_of(tmp_path)}
    a = refs["aws_bedrockagent_agent.a"]
    assert (
        a.raw.endswith("anthropic.claude-instant-v1")
        and a.note == "through module.profile.aws_bedrock_inference_profile.p"
    )
    b = refs["aws_bedrockagent_agent.b"]
    assert not b.resolved
    assert b.note is not None and b.note.startswith("through aws_bedrock_inference_profile.unknown, whose model")
    assert "var.nothing" in b.note


def _error_lines(root: Path, result: ScanResult) -> list[tuple[str, int, str]]:
    return [(rel(root, e.file), e.line, e.message) for e in result.errors]


def test_count_over_the_limit_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": f"""
            resource "aws_bedrockagent_agent" "many" {{
              count            = {MAX_INSTANCES + 1}
              agent_name       = "a${{count.index}}"
              foundation_model = "anthropic.claude-v${{count.index}}"
            }}
            resource "aws_bedrockagent_agent" "each" {{
              for_each         = {{ for i in range({MAX_INSTANCES + 5}) : "k${{i}}" => i }}
              agent_name       = each.key
              foundation_model = "anthropic.claude-v2"
            }}
            """
        },
    )
    result = scan_tree(tmp_path)
    assert result.exit_code == 2
    errors = _error_lines(tmp_path, result)
    assert [(f, line) for f, line, _ in errors] == [("main.tf", 2), ("main.tf", 7)]
    assert "count is 1001, over the limit of 1,000" in errors[0][2]
    assert "for_each has 1,005 elements, over the limit of 1,000" in errors[1][2]
    many = [a.reference for a in result.references if a.reference.resource.startswith("aws_bedrockagent_agent.many")]
    assert [r.resolved for r in many] == [False]
    # A value that does not use the instance key is still reported.
    each = [a.reference for a in result.references if "each" in a.reference.resource]
    assert [(r.raw, r.resolved) for r in each] == [("anthropic.claude-v2", True)]


def test_module_instances_over_the_limit_are_an_error(tmp_path: Path) -> None:
    """Over 10,000 module instances (count on nested calls multiplies): the
    error names the limit and the call, exit 2; before, later calls were
    skipped silently and the EOL model behind them disappeared."""
    per = 200
    write(
        tmp_path,
        {
            "main.tf": f"""
            module "fan" {{
              source = "./l1"
              count  = {per}
            }}
            module "late" {{
              source = "./leaf"
            }}
            """,
            "l1/main.tf": f'module "l2" {{\n  source = "../leaf"\n  count  = {per}\n}}\n',
            "leaf/main.tf": 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n',
        },
    )
    assert per * per > MAX_MODULE_INSTANCES
    result = scan_tree(tmp_path)
    assert result.exit_code == 2
    errors = [e for e in result.errors if "module instances" in e.message]
    assert len(errors) == 1
    assert rel(tmp_path, errors[0].file) in ("l1/main.tf", "main.tf") and errors[0].line in (1, 5)
    assert f"more than {MAX_MODULE_INSTANCES:,} module instances in one root module" in errors[0].message


def test_module_calls_nested_too_deep_say_so(tmp_path: Path) -> None:
    files = {f"m{i}/main.tf": f'module "next" {{\n  source = "../m{i + 1}"\n}}\n' for i in range(40)}
    files["m40/main.tf"] = 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    files["main.tf"] = 'module "first" {\n  source = "./m0"\n}\n'
    write(tmp_path, files)
    result = scan_tree(tmp_path)
    assert result.exit_code == 2
    [error] = result.errors
    assert "local module calls nest more than 32 deep" in error.message and error.line == 1
    assert "cycle" not in error.message


def test_dynamic_blocks_are_expanded_in_place(tmp_path: Path) -> None:
    """`dynamic` blocks over a list, a map (with `iterator`) and an unknown
    collection, next to a static block: in Terraform's order, and the unknown
    one unresolved rather than dropped; IAM statements from `dynamic` too."""
    write(
        tmp_path,
        {
            "main.tf": """
            variable "extra" {}
            resource "aws_bedrockagent_prompt" "p" {
              name = "p"
              variant {
                name     = "static"
                model_id = "amazon.nova-pro-v1:0"
              }
              dynamic "variant" {
                for_each = ["anthropic.claude-v2", "cohere.command-r-v1:0"]
                content {
                  name     = "v${variant.key}"
                  model_id = variant.value
                }
              }
              dynamic "variant" {
                for_each = { b = "meta.llama3-8b-instruct-v1:0", a = "anthropic.claude-instant-v1" }
                iterator = v
                content {
                  name     = v.key
                  model_id = v.value
                }
              }
              dynamic "variant" {
                for_each = var.extra
                content {
                  name     = "x"
                  model_id = variant.value
                }
              }
            }
            data "aws_iam_policy_document" "invoke" {
              dynamic "statement" {
                for_each = ["anthropic.claude-v2"]
                content {
                  actions   = ["bedrock:InvokeModel"]
                  resources = ["arn:aws:bedrock:us-east-1::foundation-model/${statement.value}"]
                }
              }
            }
            """
        },
    )
    refs = refs_of(tmp_path)
    prompt = [(r.attribute, r.raw, r.resolved) for r in refs if r.resource_type == "aws_bedrockagent_prompt"]
    assert prompt == [
        ("variant[0].model_id", "amazon.nova-pro-v1:0", True),
        ("variant[1].model_id", "anthropic.claude-v2", True),
        ("variant[2].model_id", "cohere.command-r-v1:0", True),
        ("variant[3].model_id", "anthropic.claude-instant-v1", True),
        ("variant[4].model_id", "meta.llama3-8b-instruct-v1:0", True),
        ("variant[5].model_id", "variant.value", False),
    ]
    # Each is traced to its literal in the collection, as `fix` needs.
    lines = [r.definition.location.line if r.definition else None for r in refs]
    assert lines[:6] == [6, 9, 9, 16, 16, None]
    iam = [r for r in refs if r.resource_type == "aws_iam_policy_document"]
    assert [r.raw for r in iam] == ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"]
    assert iam[0].definition is not None and iam[0].definition.location.line == 33


def test_an_instance_of_a_data_source_with_for_each(tmp_path: Path) -> None:
    """`data.aws_bedrock_foundation_model.kb[var.id].model_arn`, the way
    modules look up each model they are given: each key its own model."""
    write(
        tmp_path,
        {
            "main.tf": """
            variable "kb_model" {
              default = "amazon.titan-embed-text-v1"
            }
            locals {
              ids = toset([var.kb_model, "cohere.embed-english-v3"])
            }
            data "aws_bedrock_foundation_model" "kb" {
              for_each = local.ids
              model_id = each.value
            }
            resource "aws_bedrockagent_knowledge_base" "this" {
              name     = "kb"
              role_arn = "r"
              knowledge_base_configuration {
                type = "VECTOR"
                vector_knowledge_base_configuration {
                  embedding_model_arn = data.aws_bedrock_foundation_model.kb[var.kb_model].model_arn
                }
              }
            }
            data "aws_iam_policy_document" "p" {
              statement {
                actions   = ["bedrock:InvokeModel"]
                resources = [for id in local.ids : data.aws_bedrock_foundation_model.kb[id].model_arn]
              }
            }
            """
        },
    )
    refs = refs_of(tmp_path)
    kb = [r for r in refs if r.resource == "aws_bedrockagent_knowledge_base.this"]
    assert [(r.model_id, r.resolved) for r in kb] == [("amazon.titan-embed-text-v1", True)]
    iam = [r.model_id for r in refs if r.resource == "data.aws_iam_policy_document.p"]
    assert iam == ["amazon.titan-embed-text-v1", "cohere.embed-english-v3"]


def test_an_instance_of_a_module_call_by_key(tmp_path: Path) -> None:
    """`module.agents["b"].model` and `module.pool[1].model`: the output of
    that instance, not unknown because the call has several."""
    write(
        tmp_path,
        {
            "main.tf": """
            module "agents" {
              source   = "./m"
              for_each = { a = "anthropic.claude-v2", b = "amazon.titan-text-express-v1" }
              model    = each.value
            }
            module "pool" {
              source = "./m"
              count  = 2
              model  = count.index == 0 ? "meta.llama3-8b-instruct-v1:0" : "cohere.command-r-v1:0"
            }
            resource "aws_bedrockagent_agent" "picked" {
              agent_name       = "p"
              foundation_model = module.agents["b"].model
            }
            resource "aws_bedrockagent_agent" "second" {
              agent_name       = "s"
              foundation_model = module.pool[1].model
            }
            """,
            "m/main.tf": 'variable "model" {}\noutput "model" {\n  value = var.model\n}\n',
        },
    )
    refs = {r.resource: r.raw for r in refs_of(tmp_path)}
    assert refs == {
        "aws_bedrockagent_agent.picked": "amazon.titan-text-express-v1",
        "aws_bedrockagent_agent.second": "cohere.command-r-v1:0",
    }


def test_a_chain_inside_a_document(tmp_path: Path) -> None:
    """An environment variable or an IAM statement set to a profile's ARN:
    the model the profile copies, with the trail; a string built from the
    ARN stays unknown (nothing is reported for it)."""
    write(
        tmp_path,
        {
            "main.tf": """
            resource "aws_bedrock_inference_profile" "p" {
              name = "p"
              model_source {
                copy_from = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"
              }
            }
            resource "aws_lambda_function" "f" {
              function_name = "f"
              role          = "r"
              environment {
                variables = {
                  MODEL_ID = aws_bedrock_inference_profile.p.arn
                  BUILT    = "${aws_bedrock_inference_profile.p.arn}-x"
                }
              }
            }
            resource "aws_iam_role_policy" "invoke" {
              role = "r"
              policy = jsonencode({
                Version = "2012-10-17"
                Statement = [{
                  Effect   = "Allow"
                  Action   = ["bedrock:InvokeModel"]
                  Resource = [aws_bedrock_inference_profile.p.arn]
                }]
              })
            }
            """
        },
    )
    refs = [r for r in refs_of(tmp_path) if r.resource != "aws_bedrock_inference_profile.p"]
    assert [(r.resource, r.attribute, r.model_id, r.note) for r in refs] == [
        (
            "aws_lambda_function.f",
            "environment[0].variables.MODEL_ID",
            "anthropic.claude-v2",
            "through aws_bedrock_inference_profile.p",
        ),
        (
            "aws_iam_role_policy.invoke",
            "policy.Statement[0].Resource[0]",
            "anthropic.claude-v2",
            "through aws_bedrock_inference_profile.p",
        ),
    ]
    assert all([v.line for v in r.via] == [4] and r.definition and r.definition.location.line == 4 for r in refs)


def test_a_long_chain_of_sibling_modules_resolves(tmp_path: Path) -> None:
    """Each module takes the previous one's output: every instance resolves
    (each value computed once, in the order the calls are written), far past
    what one nested evaluation per module would reach before the depth limit."""
    calls = ['module "m0" {\n  source = "./m"\n  x = "anthropic.claude-v2"\n}\n']
    calls += [f'module "m{i}" {{\n  source = "./m"\n  x = module.m{i - 1}.x\n}}\n' for i in range(1, 150)]
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "main.tf").write_text(
        'variable "x" {}\noutput "x" {\n  value = var.x\n}\n'
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.x\n}\n'
    )
    (tmp_path / "main.tf").write_text("".join(calls))
    result = scan_tree(tmp_path)
    assert result.errors == []
    assert len(result.references) == 150
    assert {a.reference.raw for a in result.references} == {"anthropic.claude-v2"}
