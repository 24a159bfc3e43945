"""The expression evaluator's limits: a function that would build a value
over MAX_VALUE gives Unknown and names itself, before it builds anything;
values within the limits are unchanged."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from checker.sources.terraform.evaluate import MAX_VALUE, Budget, Evaluator, Scope
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
        ("flatten([local.l, [3]])", {"l": [1, [2]]}, [1, [2], 3]),
        ("toset(local.l)", {"l": [1, 1.0, True, "1", "a", "a", None, None, [1], [1]]}, [1, True, "1", "a", None, [1]]),
    ],
)
def test_values_within_the_limits_are_unchanged(source: str, local: Any, expected: Any) -> None:
    value, budget = evaluate(source, **local)
    assert value == expected and type(value) is type(expected)
    assert budget.problem is None


def test_toset_of_a_long_list_takes_one_pass() -> None:
    """A million items, a thousand distinct: compared pairwise, a billion steps."""
    value, budget = evaluate("toset(local.l)", l=[f"m{i % 1000}" for i in range(1_000_000)])
    assert value == [f"m{i}" for i in range(1000)] and budget.problem is None


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
