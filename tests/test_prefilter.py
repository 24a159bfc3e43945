"""The first pass's text searches: what they find, and that no file makes
them slow (a hostile repository in an audit is still scanned)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources.prefilter import module_sources

if TYPE_CHECKING:
    from tests.conftest import Deadline

#: The definition: a module header, anything but `}`, then a local source.
#: Exact, but quadratic on headers without a `}`; module_sources must find
#: what it finds, in linear time.
DEFINITION = re.compile(rb'module\s+"[^"]*"\s*\{[^}]*?\bsource\s*=\s*"(\.{1,2}/[^"]*)"', re.DOTALL)

FRAGMENTS = [
    b'module "a" {',
    b"module ",
    b'"x"',
    b"{",
    b"}",
    b" ",
    b"\n",
    b'source = "./m"',
    b'source="../n/o"',
    b'source = "git::x"',
    b"resource_source = ",
    b'"./p"',
    b"#",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_module_sources_finds_what_the_one_pattern_definition_finds(parts: list[bytes]) -> None:
    text = b"".join(parts)
    expected = tuple(m.group(1).decode() for m in DEFINITION.finditer(text))
    assert module_sources(text) == expected


def test_module_sources_reads_real_calls() -> None:
    text = (
        b'module "a" {\n  source = "./modules/agent"\n  model = var.m\n}\n'
        b'module "b" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n}\n'
        b'module "c" { source = "../shared" }\n'
    )
    assert module_sources(text) == ("./modules/agent", "../shared")


def test_a_file_of_headers_without_a_closing_brace_is_read_in_linear_time(deadline: Deadline) -> None:
    """5 MB (the default size limit) of `module "" {`: the one-pattern
    definition would take hours on it."""
    with deadline(20):
        assert module_sources(b'module "" {' * 480_000) == ()
        assert module_sources(b'module "" {' * 480_000 + b'source = "./m"') == ("./m",)


# --- the first pass never skips a model assembled from parts -----------------

#: (provider word, rest): ids the feed knows, assembled around the dot.
_IDS = [("amazon", "nova-pro-v1:0"), ("meta", "llama3-8b-instruct-v1:0"), ("anthropic", "claude-v2")]

#: Hosts: (file text with {VALUE}, whether it is a Bedrock type).  A heuristic
#: host (Lambda, SSM, IAM) reports the value only when it looks like a model.
_HOSTS = [
    (
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n  role = "r"\n'
        "  environment {\n    variables = { MODEL = {VALUE} }\n  }\n}\n",
        False,
    ),
    ('resource "aws_ssm_parameter" "p" {\n  name = "/m"\n  type = "String"\n  value = {VALUE}\n}\n', False),
    (
        'resource "aws_iam_policy" "p" {\n  policy = jsonencode({ Statement = [{ Effect = "Allow",'
        ' Action = "bedrock:InvokeModel",\n    Resource = "arn:aws:bedrock:us-east-1::foundation-model/${{VALUE}}" }] })\n}\n',
        True,  # `bedrock:InvokeModel` is a token: the unit is kept whatever the ARN
    ),
    ('resource "aws_bedrockagent_agent" "a" {\n  agent_name = "a"\n  foundation_model = {VALUE}\n}\n', True),
]


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if c.isalpha() and i % 2 == 0 else c for i, c in enumerate(text))


@st.composite
def _assembled(draw: st.DrawFn) -> tuple[dict[str, str], bool]:
    """A unit whose model id is assembled so that no token of the first
    pass appears whole where the id is used; the parts sit in variables,
    locals or tfvars of other files.  Ids split inside a provider name
    (`"anth" + "ropic"`) are drawn only for Bedrock hosts (see docs)."""
    vendor, rest = draw(st.sampled_from(_IDS))
    host, bedrock = draw(st.sampled_from(_HOSTS))
    forms = ["template", "join", "format", "escape", "upper", "tfvars"]
    if bedrock:
        forms.append("split-word")
    form = draw(st.sampled_from(forms))
    files: dict[str, str] = {}
    where = draw(st.sampled_from(["variables.tf", "locals.tf"]))
    if form == "template":
        files[where] = (
            f'variable "vendor" {{\n  default = "{vendor}"\n}}\nvariable "name" {{\n  default = "{rest}"\n}}\n'
        )
        value = '"${var.vendor}.${var.name}"'
    elif form == "join":
        files[where] = f'locals {{\n  parts = ["{vendor}", "{rest}"]\n}}\n'
        value = 'join(".", local.parts)'
    elif form == "format":
        files[where] = f'locals {{\n  vendor = "{vendor}"\n}}\n'
        value = f'format("%s.%s", local.vendor, "{rest}")'
    elif form == "escape":
        value = '"' + _escaped(f"{vendor}.{rest}") + '"'
    elif form == "upper":
        files[where] = f'variable "vendor" {{\n  default = "{vendor.upper()}"\n}}\n'
        value = f'"${{lower(var.vendor)}}.{rest}"'
    elif form == "tfvars":
        files["variables.tf"] = 'variable "vendor" {}\n'
        files["terraform.tfvars"] = f'vendor = "{vendor}"\n'
        value = f'"${{var.vendor}}.{rest}"'
    else:
        cut = draw(st.integers(1, len(vendor) - 1))
        files[where] = f'locals {{\n  head = "{vendor[:cut]}"\n}}\n'
        value = f'"${{local.head}}{vendor[cut:]}.{rest}"'
    if "${{VALUE}}" in host:
        inner = value[1:-1] if value.startswith('"') else "${" + value + "}"
        files["main.tf"] = host.replace("${{VALUE}}", inner)
    else:
        files["main.tf"] = host.replace("{VALUE}", value)
    return files, bedrock


@settings(max_examples=60, deadline=None)
@given(_assembled())
def test_the_first_pass_keeps_every_unit_whose_model_is_assembled_from_parts(case: tuple[dict[str, str], bool]) -> None:
    """Default scan == `--no-prefilter` on configurations built to defeat
    token matching, and each names its model."""
    import tempfile
    from dataclasses import replace
    from pathlib import Path

    from checker.sources import ScanOptions, discover
    from checker.sources.terraform import scan_unit

    files, _ = case
    with tempfile.TemporaryDirectory() as d:
        for name, text in files.items():
            Path(d, name).write_text(text)
        options = ScanOptions(roots=(d,))
        units = discover([d], options).units
        on = [r for u in units if u.matters for r in scan_unit(u, options).references]
        off_opts = replace(options, prefilter=False)
        off = [r for u in discover([d], off_opts).units for r in scan_unit(u, off_opts).references]
    assert on == off, files
    assert any(r.model_id for r in on), (files, off)
