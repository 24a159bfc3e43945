"""Values known in part keep their model (issue #15 part B): the evaluator's
strings with holes, conditionals whose condition is not decided, IAM
wildcards, and the line each IAM reference is reported at.  The oracle's
`hand-partly-*` cases prove against terraform that no hole is reported as
a known value; these pin what the scan makes of the known parts."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from checker.model import Reference
from checker.modelid import IdKind, arn_holes, parse_model_reference
from checker.sources import ScanOptions, discover
from checker.sources.terraform import scan_unit
from checker.sources.terraform.evaluate import Budget, Evaluator, Scope
from checker.sources.terraform.hclast import Attribute, parse_hcl
from checker.sources.terraform.partial import replace_literal
from checker.sources.values import Unknown

PARTITION = "data.aws_partition.current.partition"
REGION = "data.aws_region.current.name"
ARN = f'"arn:${{{PARTITION}}}:bedrock:${{{REGION}}}::foundation-model/${{local.model}}"'
SHOWN = f"arn:${{{PARTITION}}}:bedrock:${{{REGION}}}::foundation-model/anthropic.claude-v2"


def evaluate(source: str) -> Any:
    item = parse_hcl(f"x = {source}\n", "t.tf").body[0]
    assert isinstance(item, Attribute)
    locals_ = {"model": "anthropic.claude-v2", "none": None, "empty": ""}
    scope = Scope(
        lambda n: Unknown(f"var.{n}", reason=f"variable `var.{n}` has no value"),
        lambda n: locals_.get(n, Unknown(f"local.{n}")),
        lambda t, n, a: Unknown(f"data.{t}.{n}.{a}", reason=f"data source `data.{t}.{n}` is read at apply"),
        lambda *a: Unknown("module"),
        budget=Budget(),
    )
    return Evaluator(scope).eval(item.expr)


@pytest.mark.parametrize(
    ("source", "partial"),
    [
        (ARN, SHOWN),
        (f'replace({ARN}, "claude-v2", "claude-v2:1")', SHOWN + ":1"),
        (f'coalesce(local.none, "", {ARN}, "amazon.titan-text-express-v1")', SHOWN),
        (
            f'format("arn:%s:bedrock:%s::foundation-model/%s", {PARTITION}, {REGION}, local.model)',
            SHOWN,
        ),
        (f'format("%s|%d|%%|%5s", {ARN}, 7, "ab")', SHOWN + "|7|%|   ab"),
        (f'join("", ["arn:", {PARTITION}, ":bedrock:", {REGION}, "::foundation-model/", local.model])', SHOWN),
        (f'true ? {ARN} : "x"', SHOWN),
        (f'"${{{ARN}}}"', SHOWN),
        (f'"pre-${{{ARN}}}"', "pre-" + SHOWN),
        (  # what aws-ia/terraform-aws-bedrock does to its default embedding model ARN
            'replace(replace("arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0",'
            f' "arn:aws", "arn:${{{PARTITION}}}"), "us-east-1", {REGION})',
            f"arn:${{{PARTITION}}}:bedrock:${{{REGION}}}::foundation-model/amazon.titan-embed-text-v2:0",
        ),
    ],
)
def test_known_parts_flow_through_templates_and_functions(source: str, partial: str) -> None:
    value = evaluate(source)
    assert isinstance(value, Unknown), value  # never a known value: Terraform knows it only at apply
    assert value.partial == partial
    assert "".join(t if known else "${" + t + "}" for known, t in value.pieces) == partial
    if "|" not in partial:
        assert parse_model_reference(value.partial).model_id == partial.rsplit("/", 1)[1]


@pytest.mark.parametrize(
    "source",
    [
        f'replace({ARN}, "/claude-v[0-9]/", "x")',  # a regex may match across a hole
        f'replace("x${{{REGION}}}yz", "1y", "Q")',  # a match may start in the hole
        f'replace("abc", "x", {REGION})',  # nothing replaced: no hole left, yet Terraform knows it only at apply
        f"upper({ARN})",
        f'coalesce("${{{REGION}}}", "amazon.titan-text-express-v1")',  # the hole may be empty
        f'format("%5s/%s", {REGION}, "x")',  # a width pads text that is not known
        f'format("%[1]s/%s", {REGION}, "x")',
        f"jsonencode({ARN})",
        f"length({ARN})",
    ],
)
def test_what_cannot_be_decided_on_a_string_with_holes_is_wholly_unknown(source: str) -> None:
    value = evaluate(source)
    assert isinstance(value, Unknown) and value.partial is None and not value.alternatives, value


def test_concat_places_unknown_items_and_keeps_the_known_ones() -> None:
    assert evaluate(f'concat(["anthropic.claude-v2"], [{REGION}])[0]') == "anthropic.claude-v2"
    tail = evaluate(f'concat(["anthropic.claude-v2"], [{REGION}])[1]')
    assert isinstance(tail, Unknown)


def test_replace_is_decided_only_when_no_match_can_cross_a_hole() -> None:
    pieces = ((True, "arn:"), (False, "p"), (True, ":bedrock::foundation-model/a.claude-v2"))
    assert replace_literal(pieces, "claude-v2", ((True, "claude-v3"),)) == (
        (True, "arn:"),
        (False, "p"),
        (True, ":bedrock::foundation-model/a.claude-v3"),
    )
    assert (
        replace_literal(pieces, ":b", ((True, "x"),)) is None
    )  # `:b` may be the hole's last char and the text's first
    assert replace_literal(pieces, "n:", ((True, "x"),)) is None  # `n:` ends the text before the hole
    assert replace_literal(pieces, "", ((True, "x"),)) is None


def test_an_undecided_condition_keeps_every_branch_and_names_the_condition() -> None:
    value = evaluate('var.new ? "anthropic.claude-3-haiku-20240307-v1:0" : local.model')
    assert isinstance(value, Unknown)
    assert value.alternatives == ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-v2")
    assert value.reason is not None and "`var.new`" in value.reason
    inside = evaluate('"anthropic.claude-${var.new ? "instant-v1" : "v2"}"')
    assert isinstance(inside, Unknown) and inside.alternatives == ("anthropic.claude-instant-v1", "anthropic.claude-v2")
    call = evaluate('lower(var.new ? "A.B" : "C.D")')
    assert isinstance(call, Unknown) and call.alternatives == ("a.b", "c.d")


def test_try_over_a_value_known_in_part_gives_each_argument_as_an_alternative() -> None:
    value = evaluate(f'try({ARN}, "amazon.titan-text-express-v1")')
    assert isinstance(value, Unknown) and len(value.alternatives) == 2
    first, second = value.alternatives
    assert isinstance(first, Unknown) and first.partial == SHOWN
    assert second == "amazon.titan-text-express-v1"
    assert value.reason is not None and "try()" in value.reason


def test_arn_heads_with_holes_record_the_unknown_parts() -> None:
    ident = parse_model_reference(SHOWN)
    assert (ident.kind, ident.model_id, ident.partition, ident.region) == (
        IdKind.FOUNDATION_MODEL_ARN,
        "anthropic.claude-v2",
        None,
        None,
    )
    assert arn_holes(SHOWN) == [("partition", "${" + PARTITION + "}"), ("region", "${" + REGION + "}")]
    mixed = parse_model_reference("arn:aws:bedrock:${r}:${a}:inference-profile/us.anthropic.claude-instant-v1")
    assert (mixed.partition, mixed.region, mixed.account, mixed.model_id) == (
        "aws",
        None,
        None,
        "anthropic.claude-instant-v1",
    )
    every_geography = parse_model_reference("arn:${p}:bedrock:*::inference-profile/*.anthropic.claude-v2")
    assert (every_geography.kind, every_geography.model_id) == (IdKind.INFERENCE_PROFILE_ARN, "anthropic.claude-v2")
    for wildcard in (
        "arn:aws:bedrock:*::foundation-model/*",
        "arn:${" + PARTITION + "}:bedrock:*::inference-profile/*",
    ):
        assert parse_model_reference(wildcard).kind is IdKind.WILDCARD


MAIN = """
data "aws_partition" "current" {}
data "aws_region" "current" {}

variable "use_new" {
  type = bool
}

locals {
  model = "anthropic.claude-v2"
  arn   = "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}::foundation-model/${local.model}"
}

data "aws_iam_policy_document" "invoke" {
  statement {
    actions = ["bedrock:InvokeModel"]
    resources = [
      local.arn,
      "arn:aws:bedrock:*::foundation-model/*",
    ]
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "bedrock:InvokeModel"
      Resource = [
        "arn:${data.aws_partition.current.partition}:bedrock:*::inference-profile/*",
        local.arn,
      ]
    }]
  })
}

resource "aws_iam_role_policy" "heredoc" {
  role   = "r"
  policy = <<EOF
{
  "Statement": [{
    "Effect": "Allow",
    "Action": "bedrock:InvokeModel",
    "Resource": "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}::foundation-model/cohere.command-text-v14"
  }]
}
EOF
}

resource "aws_lambda_function" "f" {
  function_name = "f"
  role          = "r"
  environment {
    variables = {
      MODEL_ARN = local.arn
      STAGE     = "prod"
      MODEL_ID  = var.use_new ? "anthropic.claude-3-haiku-20240307-v1:0" : "anthropic.claude-instant-v1"
    }
  }
}

resource "aws_sfn_state_machine" "s" {
  name     = "s"
  role_arn = "r"
  definition = jsonencode({
    StartAt = "Invoke"
    States = {
      Invoke = {
        Type       = "Task"
        Resource   = "arn:aws:states:::bedrock:invokeModel"
        Parameters = { ModelId = local.arn }
        End        = true
      }
    }
  })
}
"""


@pytest.fixture(scope="module")
def refs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Reference]]:
    root = tmp_path_factory.mktemp("partly")
    (root / "main.tf").write_text(textwrap.dedent(MAIN).lstrip("\n"))
    options = ScanOptions(roots=(str(root),))
    out: dict[str, list[Reference]] = {}
    for unit in discover([str(root)], options).units:
        for r in scan_unit(unit, options).references:
            out.setdefault(r.resource, []).append(r)
    return out


def _line(text: str) -> int:
    lines = textwrap.dedent(MAIN).lstrip("\n").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_partly_known_arns_name_their_model_in_every_usage(refs: dict[str, list[Reference]]) -> None:
    for resource in (
        "data.aws_iam_policy_document.invoke",
        "aws_iam_policy.p",
        "aws_lambda_function.f",
        "aws_sfn_state_machine.s",
    ):
        got = [r for r in refs[resource] if r.model_id == "anthropic.claude-v2"]
        assert len(got) == 1, (resource, refs[resource])
        r = got[0]
        assert r.resolved and not r.conditional and r.raw == SHOWN
        assert r.identity is not None and r.identity.region is None
        assert r.note is not None and "region (`data.aws_region.current.name`)" in r.note
    heredoc = refs["aws_iam_role_policy.heredoc"]
    assert [r.model_id for r in heredoc] == ["cohere.command-text-v14"]


def test_iam_wildcards_are_wildcards_literal_or_interpolated(refs: dict[str, list[Reference]]) -> None:
    for resource in ("data.aws_iam_policy_document.invoke", "aws_iam_policy.p"):
        kinds = [r.identity.kind for r in refs[resource] if r.identity is not None]
        assert kinds.count(IdKind.WILDCARD) == 1, refs[resource]


def test_iam_references_are_at_the_line_of_the_arn(refs: dict[str, list[Reference]]) -> None:
    doc = {r.raw: r.location.line for r in refs["data.aws_iam_policy_document.invoke"]}
    assert doc[SHOWN] == _line("      local.arn,")
    assert doc["arn:aws:bedrock:*::foundation-model/*"] == _line('"arn:aws:bedrock:*::foundation-model/*"')
    policy = {r.raw: r.location.line for r in refs["aws_iam_policy.p"]}
    assert policy[SHOWN] == _line("        local.arn,")
    assert [r.location.line for r in refs["aws_iam_role_policy.heredoc"]] == [_line("cohere.command-text-v14")]


def test_an_undecided_condition_in_a_document_reports_each_branch_conditional(
    refs: dict[str, list[Reference]],
) -> None:
    env = {r.raw: r for r in refs["aws_lambda_function.f"]}
    assert set(env) == {SHOWN, "anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-instant-v1"}
    assert not env[SHOWN].conditional
    for raw in ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-instant-v1"):
        r = env[raw]
        assert r.conditional and r.resolved and r.location.line == _line("MODEL_ID  =")
        assert r.note is not None and "`var.use_new`" in r.note


def test_partly_known_arn_in_a_model_attribute(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        textwrap.dedent(
            """
            data "aws_partition" "current" {}
            variable "new" { type = bool }
            resource "aws_bedrockagent_agent" "a" {
              foundation_model = var.new ? "anthropic.claude-3-haiku-20240307-v1:0" : "arn:${data.aws_partition.current.partition}:bedrock:us-east-1::foundation-model/anthropic.claude-v2"
            }
            """
        )
    )
    options = ScanOptions(roots=(str(tmp_path),))
    got = [r for u in discover([str(tmp_path)], options).units for r in scan_unit(u, options).references]
    assert sorted((r.model_id, r.conditional) for r in got) == [
        ("anthropic.claude-3-haiku-20240307-v1:0", True),
        ("anthropic.claude-v2", True),
    ]
    assert all(r.note and "`var.new`" in r.note for r in got)
    arn = next(r for r in got if r.model_id == "anthropic.claude-v2")
    assert arn.note is not None and "partition (`data.aws_partition.current.partition`)" in arn.note
    assert arn.effective_region is None or arn.effective_region == "us-east-1"


def test_a_policy_document_in_a_module_reads_its_conditional_lists_and_names_the_calling_line(
    tmp_path: Path,
) -> None:
    """As aws-ia/terraform-aws-bedrock writes it: `distinct(concat(flag ? [...]
    : [], ...))` of ARNs with a partition and region hole, in a module whose
    model comes from the example root.  Every model ARN is read (Terraform's
    value is unknown: a reduced list of strings with holes), at the ARN's own
    line, with the module call in `via`."""
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(
        textwrap.dedent(
            """
            variable "foundation_model" {}
            variable "use_profile" { default = false }
            data "aws_partition" "current" {}
            data "aws_iam_policy_document" "agent" {
              statement {
                actions = ["bedrock:InvokeModel*"]
                resources = distinct(concat(
                  var.use_profile ? ["arn:aws:bedrock:*:*:inference-profile/*"] : [],
                  !var.use_profile ? [
                    "arn:${data.aws_partition.current.partition}:bedrock:us-east-1::foundation-model/${var.foundation_model}",
                    "arn:${data.aws_partition.current.partition}:bedrock:*::foundation-model/${var.foundation_model}",
                  ] : []
                ))
              }
            }
            """
        ).lstrip("\n")
    )
    (tmp_path / "main.tf").write_text(
        'module "agent" {\n  source           = "./mod"\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    options = ScanOptions(roots=(str(tmp_path),))
    got = [r for u in discover([str(tmp_path)], options).units for r in scan_unit(u, options).references]
    assert [(r.model_id, r.location.line) for r in got] == [("anthropic.claude-v2", 10), ("anthropic.claude-v2", 11)]
    assert all(r.via and r.via[0].file.endswith("main.tf") and r.via[0].line == 3 for r in got), got
    assert all(not r.conditional for r in got)


def test_every_resource_is_a_wildcard_only_where_the_statement_names_bedrock() -> None:
    from checker.catalog.modes import extract_mode

    bedrock = {"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}
    admin = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    assert list(extract_mode("iam", bedrock)) == [("Statement[0].Resource[0]", "*")]
    assert parse_model_reference("*").kind is IdKind.WILDCARD
    assert list(extract_mode("iam", admin)) == []
    profiles = {
        "Statement": {
            "Effect": "Allow",
            "Action": "bedrock:InvokeModel",
            "Resource": "arn:aws:bedrock:*:*:application-inference-profile/*",
        }
    }
    assert [parse_model_reference(r).kind for _, r in extract_mode("iam", profiles)] == [IdKind.WILDCARD]


def test_a_document_keeps_the_items_of_known_lists_concatenated_with_an_unknown_one() -> None:
    item = parse_hcl(f"x = concat([{ARN}], aws_x.y.arns)\n", "t.tf").body[0]
    assert isinstance(item, Attribute)
    scope = Scope(
        lambda n: Unknown(f"var.{n}"),
        lambda n: {"model": "anthropic.claude-v2"}.get(n, Unknown(f"local.{n}")),
        lambda t, n, a: Unknown(f"data.{t}.{n}.{a}"),
        lambda *a: Unknown("module"),
        budget=Budget(),
    )
    assert isinstance(Evaluator(scope).eval(item.expr), Unknown)  # Terraform's value: unknown
    reading = Evaluator(replace(scope, reading=True)).eval(item.expr)
    assert isinstance(reading, list) and [v.partial for v in reading] == [SHOWN]
