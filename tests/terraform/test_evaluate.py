"""The expression evaluator's limits: a function that would build a value
over MAX_VALUE gives Unknown and names itself, before it builds anything;
values within the limits are unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from checker.sources.terraform.evaluate import MAX_VALUE, Budget, Evaluator, Scope
from checker.sources.terraform.functions.core import TfSet
from checker.sources.terraform.hclast import Attribute, parse_hcl
from checker.sources.values import Unknown

if TYPE_CHECKING:
    from tests.conftest import Deadline


def evaluate(source: str, **local: Any) -> tuple[Any, Budget]:
    item = parse_hcl(f"x = {source}\n", "t.tf").body[0]
    assert isinstance(item, Attribute)
    budget = Budget()
    scope = Scope(
        lambda n: Unknown(f"var.{n}"),
        lambda n: local.get(n, Unknown(f"local.{n}")),
        lambda *a: Unknown("data"),
        lambda *a: Unknown("module"),
        budget=budget,
    )
    return Evaluator(scope).eval(item.expr), budget


HALF = MAX_VALUE // 2 + 1


@pytest.mark.parametrize(
    ("source", "local", "problem"),
    [
        ('join(",", local.l)', {"l": ["x" * 2048] * 1024}, "join() would build a string"),
        ('replace(local.s, "a", local.b)', {"s": "a" * 1000, "b": "b" * 2000}, "replace() would build a string"),
        ("jsonencode(local.l)", {"l": ["x" * 2048] * 1024}, "jsonencode() would build a string"),
        ('format("%s%s", local.s, local.s)', {"s": "x" * HALF}, "format() would build a string"),
        (
            "merge(local.m, local.n)",
            {"m": {str(i): i for i in range(HALF)}, "n": {"a": 1} | {str(i): 0 for i in range(HALF)}},
            "merge() would build a map",
        ),
        ("flatten(local.ll)", {"ll": [[1] * HALF, [1] * HALF]}, "flatten() would build a list"),
        ("[local.l, local.l]", {"l": [1] * HALF}, "an expression builds a collection"),
        ("concat(local.l, local.l)", {"l": [1] * HALF}, "concat() would build a list"),
        ('"${local.s}${local.s}"', {"s": "x" * HALF}, "an expression builds a string"),
    ],
    ids=["join", "replace", "jsonencode", "format", "merge", "flatten", "tuple", "concat", "template"],
)
def test_a_function_over_the_limit_gives_unknown_and_names_itself(source: str, local: Any, problem: str) -> None:
    value, budget = evaluate(source, **local)
    assert isinstance(value, Unknown) and value.text == source
    assert budget.problem is not None and budget.problem.startswith(problem), budget.problem


@pytest.mark.parametrize(
    ("source", "local", "expected"),
    [
        ('join(",", local.l)', {"l": ["a", "b"]}, "a,b"),
        ('replace("a-b-c", "-", local.s)', {"s": "::"}, "a::b::c"),
        ('replace("ab", "", "-")', {}, "-a-b-"),
        ("jsonencode({ m = local.l })", {"l": ["anthropic.claude-v2"]}, '{"m":["anthropic.claude-v2"]}'),
        ('format("%s/%s", "a", local.s)', {"s": "b"}, "a/b"),
        ("flatten([local.l, [3]])", {"l": [1, [2]]}, [1, 2, 3]),
        ("toset(local.l)", {"l": ["b", "a", "b", "10", "9"]}, TfSet(["10", "9", "a", "b"])),
    ],
)
def test_values_within_the_limits_are_unchanged(source: str, local: Any, expected: Any) -> None:
    value, budget = evaluate(source, **local)
    assert value == expected and type(value) is type(expected)
    assert budget.problem is None


def test_toset_of_a_long_list_takes_one_pass() -> None:
    """A million items, a thousand distinct: compared pairwise, a billion steps."""
    value, budget = evaluate("toset(local.l)", l=[f"m{i % 1000}" for i in range(1_000_000)])
    assert value == sorted(f"m{i}" for i in range(1000)) and budget.problem is None


def test_a_value_that_shares_its_parts_is_walked_once_per_part(deadline: Deadline) -> None:
    """Sixty lists, each holding the one before twice: 2**60 items to a walk
    that does not notice sharing."""
    from checker.sources.terraform.evaluate import is_known

    shared: list[Any] = ["anthropic.claude-v2"]
    for _ in range(60):
        shared = [shared, shared]
    with deadline(10):
        assert is_known(shared)
        assert not is_known([shared, Unknown("var.x")])


def test_nesting_cannot_hide_a_value_that_doubles() -> None:
    value, budget = evaluate("[local.l, local.l]", l=[[["x" * 1000] * 1000] * 600])
    assert isinstance(value, Unknown) and budget.problem is not None
    assert budget.problem.startswith("an expression builds a collection")


# --- semantics (the oracle suite checks these against terraform itself) -----

from checker.sources.terraform.hclast import (  # noqa: E402
    Expr,
    GetAttr,
    Lit,
    Name,
    Splat,
    SplatItem,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
)


def _lit(v: Any) -> Lit:
    return Lit(1, 0, repr(v), v)


def _eval_node(node: Expr, **local: Any) -> Any:
    scope = Scope(
        lambda n: Unknown(f"var.{n}"),
        lambda n: local.get(n, Unknown(f"local.{n}")),
        lambda *a: Unknown("data"),
        lambda *a: Unknown("module"),
    )
    return Evaluator(scope).eval(node)


def _local(name: str) -> Expr:
    return GetAttr(1, 0, f"local.{name}", Name(1, 0, "local", "local"), name)


def test_template_if_and_for_directives() -> None:
    cond = TemplateIf(1, 0, "%{if}", _local("on"), _lit("yes"), _lit("no"))
    body = Template(1, 0, "${k}=${v};", (Name(1, 0, "k", "k"), "=", Name(1, 0, "v", "v"), ";"))
    loop = TemplateFor(1, 0, "%{for}", "k", "v", _local("m"), body)
    tpl = Template(1, 0, "t", ("[", cond, "|", loop, "]"))
    assert _eval_node(tpl, on=True, m={"b": "2", "a": "1"}) == "[yes|a=1;b=2;]"
    assert _eval_node(tpl, on=False, m={}) == "[no|]"
    unknown = _eval_node(tpl, m={})
    assert isinstance(unknown, Unknown) and unknown.reason is not None


def test_splat_applies_the_traversal_to_each_element() -> None:
    each = GetAttr(1, 0, ".a", SplatItem(1, 0, ""), "a")
    assert _eval_node(Splat(1, 0, "l[*].a", _local("l"), each, True), l=[{"a": "x"}, {"a": "y"}]) == ["x", "y"]
    assert _eval_node(Splat(1, 0, "o[*].a", _local("o"), each, True), o={"a": "z"}) == ["z"]
    assert _eval_node(Splat(1, 0, "n[*].a", _local("n"), each, True), n=None) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('try(local.m["x"], "fb")', "fb"),
        ('try(var.unset, "fb")', None),  # unknown stays unknown
        ("can(local.m.x)", False),
        ("can(var.unset)", None),
        ('"${2.0}/${10 / 4}/${-7 % 3}"', "2/2.5/-1"),
        ('jsonencode({ b = "<&>", a = 1 })', '{"a":1,"b":"\\u003c\\u0026\\u003e"}'),
        ('format("%5.1f|%-3d|%q|%%", 3.14159, 7, "a")', '  3.1|7  |"a"|%'),
        ('split(",", "a,b")[1]', "b"),
        ("element([1, 2], -1)", None),
        ("element([1], -1)", 1),
        ('format("%s", [1])', None),
        ('replace("a1b22", "/[0-9]+/", "#")', "a#b#"),
        ('join(",", keys({ b = 1, a = 2 }))', "a,b"),
        ('join(",", toset(["b", "a", "b"]))', "a,b"),
    ],
)
def test_terraform_semantics(source: str, expected: Any) -> None:
    value, _ = evaluate(source, m={"a": "1"})
    if expected is None:
        assert isinstance(value, Unknown) and value.reason, value
    else:
        assert value == expected


def test_a_folded_negative_zero_literal_keeps_its_sign() -> None:
    """Terraform's parser folds `-0` into one literal, which prints "-0"."""
    from checker.sources.terraform.functions.core import number_text

    value = _eval_node(Lit(1, 0, "-0", 0))
    assert number_text(value) == "-0"


def test_an_unknown_says_which_input_made_it_unknown() -> None:
    value, _ = evaluate('"${var.model}-x"')
    assert isinstance(value, Unknown) and value.reason is not None and "var.model" in value.reason
    value, _ = evaluate("aws_bedrockagent_agent.a.agent_arn")
    assert isinstance(value, Unknown) and "known only after apply" in (value.reason or "")
    value, _ = evaluate('provider::aws::arn_parse("x")')
    assert isinstance(value, Unknown) and "provider-defined" in (value.reason or "")
    value, _ = evaluate("yamlencode(1)")
    assert isinstance(value, Unknown) and "yamlencode" in (value.reason or "")
    value, _ = evaluate('element(["a", "b"], -1)')
    assert isinstance(value, Unknown) and "Terraform rejects" in (value.reason or "")
    assert TupleExpr  # keep the import used


def test_every_unresolved_reference_names_the_input(tmp_path: Any) -> None:
    """Through the whole Terraform source and into the report field."""
    from checker.sources import ScanOptions, discover
    from checker.sources.terraform import scan_unit

    (tmp_path / "main.tf").write_text(
        'variable "model" {}\n'
        'data "aws_ssm_parameter" "p" {\n  name = "x"\n}\n'
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.model\n}\n'
        'resource "aws_bedrockagent_agent" "b" {\n  foundation_model = data.aws_ssm_parameter.p.value\n}\n'
        'resource "aws_bedrockagent_agent" "c" {\n  foundation_model = aws_bedrockagent_agent.a.prepared_at\n}\n'
        'resource "aws_bedrockagent_agent" "d" {\n  foundation_model = provider::aws::arn_build("a")\n}\n'
        'resource "aws_bedrockagent_agent" "e" {\n  foundation_model = element(["x", "y"], -1)\n}\n'
    )
    options = ScanOptions(roots=(str(tmp_path),))
    refs = {}
    for unit in discover([str(tmp_path)], options).units:
        for r in scan_unit(unit, options).references:
            refs[r.resource] = r
    expect = {
        "aws_bedrockagent_agent.a": "`var.model` has no default",
        "aws_bedrockagent_agent.b": "data source `data.aws_ssm_parameter.p`",
        "aws_bedrockagent_agent.c": "known only after apply",
        "aws_bedrockagent_agent.d": "provider-defined function",
        "aws_bedrockagent_agent.e": "Terraform rejects",
    }
    for resource, words in expect.items():
        r = refs[resource]
        assert not r.resolved and r.unresolved_reason is not None and words in r.unresolved_reason, r


def test_floats_from_json_documents_are_terraform_numbers() -> None:
    """tfvars.json and plans give Python floats; Terraform read the decimal."""
    value, _ = evaluate('"${local.f}|${local.f + 1}|${local.f == 1.5}|${jsonencode(local.g)}"', f=1.5, g=[0.1, 2.0])
    assert value == "1.5|2.5|true|[0.1,2]"
