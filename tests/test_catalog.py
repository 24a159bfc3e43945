"""The extraction layer on its own: catalog paths, the mode dispatch and the
special cases, as every front end and the checkov adapter call it."""

from __future__ import annotations

import json
from pathlib import Path

from checker.catalog import SPECIALS, Mode, extract_mode, resource_types, specs_for
from checker.catalog.extract import extract
from checker.catalog.records import Inputs

REPO = Path(__file__).resolve().parents[1]
FLOW = {
    "Nodes": [{"Configuration": {"Prompt": {"SourceConfiguration": {"Inline": {"ModelId": "anthropic.claude-v2"}}}}}]
}


def test_every_catalog_mode_is_a_mode_the_dispatch_handles() -> None:
    for fw in ("terraform", "terraform_data", "cloudformation"):
        for rtype in resource_types(fw):
            for spec in specs_for(fw, rtype):
                assert isinstance(spec.mode, Mode)
                list(extract_mode(spec.mode, {}))


def test_a_flow_definition_string_is_read_like_a_definition() -> None:
    as_object = list(extract("cloudformation", "AWS::Bedrock::Flow", {"Definition": FLOW}))
    as_string = list(extract("cloudformation", "AWS::Bedrock::Flow", {"DefinitionString": json.dumps(FLOW)}))
    assert [f.raw for f in as_object] == [f.raw for f in as_string] == ["anthropic.claude-v2"]
    assert as_string[0].attribute.startswith("Properties.DefinitionString.Nodes[0]")


def test_a_definition_file_is_unresolved_where_it_cannot_be_read() -> None:
    props = {"DefinitionUri": "statemachine/flow.asl.json"}
    [found] = extract("cloudformation", "AWS::Serverless::StateMachine", props)
    assert (found.resolved, found.raw) == (False, "statemachine/flow.asl.json")
    read = list(
        extract("cloudformation", "AWS::Serverless::StateMachine", props, Inputs(read_document=lambda *_: None))
    )
    assert read == []  # the reader reported why it could not read it


def test_sam_globals_apply_unless_the_function_sets_the_variable() -> None:
    inputs = Inputs(globals_env={"MODEL_ID": "anthropic.claude-v2", "OTHER": "amazon.nova-pro-v1:0"})
    props = {"Environment": {"Variables": {"OTHER": "x"}}}
    found = list(extract("cloudformation", "AWS::Serverless::Function", props, inputs))
    assert [(f.raw, f.attribute) for f in found] == [
        ("anthropic.claude-v2", "Globals.Function.Environment.Variables.MODEL_ID")
    ]


def test_docs_checkov_names_every_special_case() -> None:
    text = (REPO / "docs" / "checkov.md").read_text()
    for special in SPECIALS:
        assert f"`{special.name}`" in text, special.name


def test_a_rendered_terraform_body_is_walked_through_lists() -> None:
    body = {"environment": [{"variables": [{"MODEL_ID": "anthropic.claude-v2", "OTHER": "x"}]}]}
    found = list(extract("terraform", "aws_lambda_function", body))
    assert [(f.raw, f.attribute, f.resolved) for f in found] == [
        ("anthropic.claude-v2", "environment[0].variables[0].MODEL_ID", True)
    ]
    unrendered = Inputs(unrendered=lambda s: s.startswith("var."))
    [agent] = extract("terraform", "aws_bedrockagent_agent", {"foundation_model": ["var.m"]}, unrendered)
    assert (agent.raw, agent.resolved) == ("var.m", False)


def test_every_reference_is_made_by_the_one_builder() -> None:
    """A front end that fills a `Reference`'s fields itself drifts from the
    others (a forgotten `resource_end_line`, a note dropped); only the builder
    makes one, and the cache only rebuilds what it stored."""
    import re

    allowed = {"checker/catalog/records.py", "checker/cache.py"}
    makers = sorted(
        str(p.relative_to(REPO))
        for p in (REPO / "checker").rglob("*.py")
        if re.search(r"(?<![\w.])Reference\(", p.read_text("utf-8")) and str(p.relative_to(REPO)) not in allowed
    )
    assert makers == []


def test_a_resolved_document_is_read_for_each_alternative_and_known_part() -> None:
    """The one reading of a resolved non-`model` value that the Terraform
    evaluator and CloudFormation's resolver share."""
    from checker.catalog.extract import in_document
    from checker.sources.values import Unknown

    [spec] = specs_for("terraform", "aws_lambda_function")
    assert spec.mode is Mode.ENV_MAP
    either = Unknown("var.on ? a : b", alternatives=({"M": "anthropic.claude-v2"}, {"M": "amazon.titan-embed-text-v1"}))
    found = list(in_document(spec, "environment[0].variables", either, lambda sub: (len(sub), 1), expression="x"))
    assert [(f.raw, f.attribute, f.conditional, f.at, f.expression) for f in found] == [
        ("anthropic.claude-v2", "environment[0].variables.M", True, (1, 1), "x"),
        ("amazon.titan-embed-text-v1", "environment[0].variables.M", True, (1, 1), "x"),
    ]
    assert list(in_document(spec, "v", Unknown("var.env"), lambda _: (0, 0))) == []
