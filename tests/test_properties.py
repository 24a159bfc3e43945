"""Property tests: no input makes a parser or the model-id resolver raise.

Bounded so the suite stays quick; the atheris harnesses under fuzz/ run the
same targets for as long as you like (`make fuzz`)."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from checker.model import SourceResult
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.pipeline import scan_unit_safely
from checker.sources import ScanOptions, Unit
from checker.sources.cloudformation.yaml_loader import TemplateError, load_template_text

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HCL_TOKENS = [
    "resource",
    "variable",
    "locals",
    "module",
    "data",
    '"aws_bedrockagent_agent"',
    '"a"',
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "=",
    ",",
    ".",
    "\n",
    '"anthropic.claude-v2"',
    "var.m",
    "local.x",
    "${",
    "count.index",
    "each.value",
    "for",
    "in",
    ":",
    "?",
    "lookup",
    "format",
    '"%s"',
    "<<EOT\nx\nEOT\n",
    "#",
    "1",
    "true",
    "foundation_model",
    "default",
    "for_each",
    "count",
    "jsonencode",
    "null",
    "-",
    "!",
    "==",
    "&&",
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)


def _scan_file(name: str, content: str | bytes, source: str) -> SourceResult:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)
        key = str(p.parent) if source in ("terraform", "cdk") else str(p)
        unit = Unit(source, key, (str(p),))
        result = scan_unit_safely(unit, ScanOptions(roots=(d,), prefilter=False))
    assert not [e for e in result.errors if e.kind == "internal"], result.errors
    return result


@SETTINGS
@given(st.text(max_size=200))
def test_model_id_parser_never_raises(value: str) -> None:
    ident = parse_model_reference(value)
    assert ident.raw == value
    looks_like_model_reference(value)


@SETTINGS
@given(st.lists(st.sampled_from(HCL_TOKENS), max_size=60).map(" ".join))
def test_hcl_source_never_crashes(text: str) -> None:
    _scan_file("main.tf", text, "terraform")


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=200),
        st.lists(
            st.sampled_from(
                [*HCL_TOKENS, "\n", '"', "${", "%{", "}", "~}", "<<EOF\n", "EOF\n", "/*", "*/", "[*]", ".*", "\\"]
            ),
            max_size=60,
        ).map("".join),
    )
)
def test_hcl_parser_refuses_only_with_syntax_errors_and_positions_hold(text: str) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
    from targets import hclparse

    hclparse(text)


@SETTINGS
@given(st.binary(max_size=300))
def test_hcl_source_survives_bytes(data: bytes) -> None:
    _scan_file("main.tf", b'resource "aws_bedrockagent_agent" "a" {\n' + data, "terraform")


@SETTINGS
@given(st.text(max_size=300))
def test_yaml_loader_only_raises_template_errors(text: str) -> None:
    with contextlib.suppress(TemplateError):
        load_template_text(text)


@SETTINGS
@given(JSON)
def test_cloudformation_source_never_crashes(doc: Any) -> None:
    template = {"Resources": {"A": {"Type": "AWS::Bedrock::Agent", "Properties": doc}}}
    _scan_file("t.json", json.dumps(template), "cloudformation")


@SETTINGS
@given(JSON, JSON)
def test_plan_source_never_crashes(after: Any, extra: Any) -> None:
    plan = {
        "format_version": "1.2",
        "resource_changes": [
            {
                "address": "aws_bedrockagent_agent.a",
                "type": "aws_bedrockagent_agent",
                "mode": "managed",
                "change": {"actions": ["create"], "after": after, "after_unknown": extra},
            }
        ],
        "configuration": extra,
    }
    _scan_file("p.json", json.dumps(plan), "terraform_plan")


@SETTINGS
@given(JSON)
def test_cdk_manifest_never_crashes(artifacts: Any) -> None:
    _scan_file("cdk.out/manifest.json", json.dumps({"version": "41.0.0", "artifacts": artifacts}), "cdk")


TF_SNIPPETS = [
    'variable "{n}" {{\n  default = "{m}"\n}}\n',
    'variable "{n}" {{}}\n',
    'locals {{\n  {n} = var.{n2}\n  other_{n} = "{m}"\n}}\n',
    'locals {{ /* c */ {n} = "{m}" }}\n',
    'resource "aws_bedrockagent_agent" "{n}" {{\n  foundation_model = var.{n2}\n}}\n',
    'resource "aws_bedrockagent_agent" "l{n}" {{\n  foundation_model = local.{n2}\n}}\n',
    'resource "aws_bedrock_provisioned_model_throughput" "{n}" {{\n  model_arn = "arn:aws:bedrock:us-east-1::foundation-model/${{local.other_{n2}}}"\n}}\n',
    'resource "aws_s3_bucket" "{n}" {{\n  bucket = "${{var.{n2}}}-{{x}}"\n  policy = <<EOT\n}} {m}\nEOT\n}}\n',
    'output "{n}" {{\n  value = var.{n2}\n}}\n',
    "# {m}\n",
    'variable "{n}" {{\n  default = = "broken"\n}}\n',
]
NAMES = ["a", "b", "c"]
MODELS = ["anthropic.claude-v2", "amazon.nova-pro-v1:0", "meta.llama3-8b-instruct-v1:0"]


# A local defined twice, once behind a block comment: the lazy lookup must
# see both definitions, as a full parse does.
@example([(2, "c", "a", MODELS[0]), (3, "c", "a", MODELS[0]), (5, "a", "c", MODELS[0])])
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(TF_SNIPPETS) - 1),
            st.sampled_from(NAMES),
            st.sampled_from(NAMES),
            st.sampled_from(MODELS),
        ),
        max_size=10,
    )
)
def test_parsing_only_the_blocks_needed_finds_what_parsing_everything_finds(
    picks: list[tuple[int, str, str, str]],
) -> None:
    """The Terraform source parses a block only when the scan reads it; over
    generated modules that parse cleanly, the references are those of a full
    parse (a broken block makes the full parse fail the whole file, and is
    then skipped by the comparison)."""
    text = "".join(TF_SNIPPETS[k].format(n=n, n2=n2, m=m) for k, n, n2, m in picks)
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "main.tf").write_text(text)
        unit = Unit("terraform", d, (str(Path(d) / "main.tf"),))
        lazy = scan_unit_safely(unit, ScanOptions(roots=(d,)))
        full = scan_unit_safely(unit, ScanOptions(roots=(d,), prefilter=False))
    assert not [e for e in lazy.errors if e.kind == "internal"], lazy.errors
    if not full.errors:
        assert lazy.references == full.references
        assert not lazy.errors
