"""The rule registry (`checker.rules.ALL_RULES`) is the only list of rule ids,
titles, severities and "fires when" texts: everything else that names rules
is derived from it or held equal to it here, and a new rule must work
everywhere without touching a second list."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import config, rules
from checker.config import ConfigError, validate
from checker.integrations.policy_files import policy_files
from checker.model import Severity
from checker.rules import ALL_RULES, RULES_BY_ID
from checker.rules.base import Evaluation, Rule, RuleContext

REPO = Path(__file__).resolve().parents[1]


def test_ids_are_unique_and_every_rule_is_complete() -> None:
    assert len(RULES_BY_ID) == len(ALL_RULES)
    for r in ALL_RULES:
        assert re.fullmatch(r"CKV_BEDROCK_\d+", r.id)
        assert r.name and r.title and r.fires_when and r.help, r.id


def test_readme_table_is_the_registry() -> None:
    text = (REPO / "README.md").read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `CKV_BEDROCK_")]
    assert rows == [f"| `{r.id}` | {r.severity.value} | {r.fires_when} |" for r in ALL_RULES]


def test_docs_have_one_section_per_rule_with_its_title_and_severity() -> None:
    text = (REPO / "docs" / "rules.md").read_text()
    sections = re.findall(r"^## (CKV_BEDROCK_\d+)\n\n\*\*(.+?)\*\* — (\w+)\.", text, flags=re.M)
    assert sections == [(r.id, r.title, r.severity.value) for r in ALL_RULES]


def test_config_schema_accepts_exactly_the_registered_ids() -> None:
    for r in ALL_RULES:
        validate({"disabled_rules": [r.id], "severities": {r.id: "notice"}}, "test")
    with pytest.raises(ConfigError, match="disabled_rules"):
        validate({"disabled_rules": [f"CKV_BEDROCK_{len(ALL_RULES) + 1}"]}, "test")


class _NewRule(Rule):
    """What a contributor adds: one class, one registry line."""

    id = f"CKV_BEDROCK_{len(ALL_RULES) + 1}"
    name = "ModelIsNew"
    severity = Severity.NOTICE
    title = "Bedrock model is new"
    fires_when = "the model is new"
    help = "A test rule."

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        return None


def test_a_new_rule_needs_no_second_list(monkeypatch: pytest.MonkeyPatch) -> None:
    new = _NewRule()
    monkeypatch.setattr(rules, "ALL_RULES", (*ALL_RULES, new))
    monkeypatch.setitem(rules.RULES_BY_ID, new.id, new)
    config.config_schema.cache_clear()
    try:
        validate({"disabled_rules": [new.id], "severities": {new.id: "error"}}, "test")
        files = policy_files()  # a KeyError here crashed `bedrock-lifecycle checkov`
        assert f"fails when {new.fires_when}." in files[f"terraform/tf_ckv_bedrock_{len(ALL_RULES) + 1}.py"]
        assert f'cloudformation_check("{new.id}")' in files[f"cloudformation/cfn_ckv_bedrock_{len(ALL_RULES) + 1}.py"]
    finally:
        config.config_schema.cache_clear()
