"""`bedrock-lifecycle fix` over copies of sample_iac/: the diff per format
(golden files in tests/fix/golden/; UPDATE_GOLDEN=1 rewrites them), --write
then a re-scan, idempotency, edits that keep comments and odd quoting, and
each refusal."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from checker.cli import main
from checker.feed import load_bundled_feed
from checker.fix import FixPlan, FixRequest, Refusal, describe, model_kind, plan_fixes
from checker.fix.literal import LiteralNotFoundError, find_model
from checker.pipeline import ScanSettings, scan

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2026-11-24"
OPUS_41 = "anthropic.claude-opus-4-1-20250805-v1:0"
OPUS_45 = "anthropic.claude-opus-4-5-20251101-v1:0"
HAIKU_35 = "anthropic.claude-3-5-haiku-20241022-v1:0"
HAIKU_45 = "anthropic.claude-haiku-4-5-20251001-v1:0"


@pytest.fixture
def tree(here: Path) -> Iterator[Path]:
    """A private copy of sample_iac/, the working directory for the test."""
    shutil.copytree(REPO / "sample_iac", here / "sample_iac", symlinks=True)
    old = os.getcwd()
    try:
        yield here
    finally:
        os.chdir(old)


@pytest.fixture
def here(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working directory for a tree written by the test."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", "--as-of", AS_OF, "--jobs", "1", *args])
    out, err = capsys.readouterr()
    return code, out, err


def check_golden(name: str, diff: str) -> None:
    path = GOLDEN / f"{name}.diff"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(diff)
    assert diff == path.read_text(), f"diff differs from {path}"


CASES = {
    # name: arguments (the format is the file the definition sits in)
    "tfvars": [
        "sample_iac/terraform",
        "--model",
        OPUS_41,
        "--to",
        OPUS_45,
        "--path",
        "sample_iac/terraform/terraform.tfvars",
    ],
    "tf": [
        "sample_iac/terraform",
        "--model",
        "anthropic.claude-v2",
        "--to",
        HAIKU_45,
        "--path",
        "sample_iac/terraform/variables.tf",
    ],
    "tf_json": ["sample_iac/terraform/json"],
    "cloudformation_yaml": ["sample_iac/cloudformation/support-agent.template", "--model", OPUS_41, "--to", OPUS_45],
    "cloudformation_json": ["sample_iac/cloudformation/analytics.template.json"],
    "sam": ["sample_iac/sam", "--model", "anthropic.claude-sonnet-4-20250514-v1:0", "--to", HAIKU_45],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_fix_diff_per_format(tree: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    _, out, err = run_fix(capsys, *CASES[name])
    assert out.startswith("--- a/sample_iac/"), err
    check_golden(name, out)
    # Only the id's characters change: quotes, spacing and comments around
    # it are the same on every changed line.
    minus = [line[1:] for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    plus = [line[1:] for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert len(minus) == len(plus) > 0
    for a, b in zip(minus, plus, strict=True):
        head = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
        tail = next((i for i, (x, y) in enumerate(zip(a[::-1], b[::-1], strict=False)) if x != y), min(len(a), len(b)))
        tail = min(tail, len(a) - head, len(b) - head)
        for middle in (a[head : len(a) - tail], b[head : len(b) - tail]):
            assert re.fullmatch(r"[A-Za-z0-9.:-]*", middle), (a, b)


def test_write_then_rescan_and_idempotent(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = scan(["sample_iac/sam"], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    fixed = [f for f in before.findings if f.model_id == "anthropic.claude-sonnet-4-20250514-v1:0"]
    assert len(fixed) == 2
    _, out, err = run_fix(capsys, *CASES["sam"], "--write")
    assert out == "" and "wrote sample_iac/sam/template.yaml" in err
    text = (tree / "sample_iac/sam/template.yaml").read_text()
    assert "anthropic.claude-sonnet-4-20250514-v1:0" not in text and text.count(HAIKU_45) == 2
    after = scan(["sample_iac/sam"], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    assert not [f for f in after.findings if f.model_id == "anthropic.claude-sonnet-4-20250514-v1:0"]
    assert not [f for f in after.findings if f.model_id == HAIKU_45]
    # Nothing else moved: the other findings are the same.
    rest = sorted((f.rule_id, f.reference.resource, f.model_id) for f in before.findings if f not in fixed)
    assert sorted((f.rule_id, f.reference.resource, f.model_id) for f in after.findings) == rest
    # A second run changes nothing.
    _, out, _ = run_fix(capsys, *CASES["sam"])
    assert out == ""
    run_fix(capsys, *CASES["sam"], "--write")
    assert (tree / "sample_iac/sam/template.yaml").read_text() == text


def test_write_every_safe_fix_over_the_whole_tree(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_fix(capsys, "sample_iac", "--write")
    assert code == 1  # some findings need a manual change
    written = {line.split("wrote ")[1] for line in err.splitlines() if " wrote " in line}
    assert {"sample_iac/cloudformation/analytics.template.json", "sample_iac/terraform/json/main.tf.json"} <= written
    assert not any("cdk.out" in f or f.endswith("tfplan.json") for f in written)
    sites = {line.split(": ")[1] for line in err.splitlines() if line.startswith("fix: ")}
    after = scan(["sample_iac"], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    left = [
        f
        for f in after.findings
        if f.reference.definition is not None
        and str(f.reference.definition.location) in sites
        and f.rule_id != "CKV_BEDROCK_7"  # fix moves the model, not the shape of the ARN around it
    ]
    assert sites and left == []  # every rewritten literal now names a model with nothing to report
    _, out, _ = run_fix(capsys, "sample_iac")
    assert out == ""


def test_comments_and_odd_quoting_survive(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "tf").mkdir()
    hcl = (
        'variable "model" {\n'
        f'  default   =   "{HAIKU_35}"   # was {HAIKU_35} until the EOL notice\n'
        "}\n\n"
        'resource "aws_bedrockagent_agent" "a" {\n'
        '  agent_name       = "a" // the router\n'
        "  foundation_model = var.model\n"
        "}\n"
    )
    (here / "tf/main.tf").write_text(hcl)
    yaml = (
        "AWSTemplateFormatVersion: '2010-09-09'\n"
        "Parameters:\n"
        "  Model:\n"
        "    Type: String\n"
        f"    Default:   '{HAIKU_35}'    # {HAIKU_35} reaches EOL\n"
        "Resources:\n"
        "  Agent:\n"
        "    Type: AWS::Bedrock::Agent\n"
        "    Properties:\n"
        "      AgentName: a\n"
        "      FoundationModel: {Ref: Model}\n"
        "  Fn:\n"
        "    Type: AWS::Lambda::Function\n"
        "    Properties:\n"
        "      Environment:\n"
        "        Variables:\n"
        f'          MODEL_ID: "{HAIKU_35}" #  also {HAIKU_35}\n'
    )
    (here / "t.yaml").write_text(yaml)
    code, _, err = run_fix(capsys, "tf", "t.yaml", "--write")
    assert code == 0, err
    assert (here / "tf/main.tf").read_text() == hcl.replace(f'"{HAIKU_35}"', f'"{HAIKU_45}"')
    assert (here / "t.yaml").read_text() == yaml.replace(f"'{HAIKU_35}'", f"'{HAIKU_45}'").replace(
        f'"{HAIKU_35}"', f'"{HAIKU_45}"'
    )
    assert run_fix(capsys, "tf", "t.yaml")[1] == ""


def _messages(err: str, kind: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(kind)]


def test_refusals_are_reported_not_rewritten(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_fix(capsys, "sample_iac")
    manual = _messages(err, "needs a manual change")
    untraced = _messages(err, "not traced to one literal")
    assert code == 1
    # Provisioned throughput: a commitment, never rewritten.
    pt = [m for m in manual if "aws_bedrock_provisioned_model_throughput.peak" in m and "main.tf:21" in m]
    assert pt and "new commitment" in pt[0]
    # cdk.out is generated: the construct path is named instead.
    cdk = [m for m in manual if "SupportStack/Summarizer/Resource" in m]
    assert cdk and "construct SupportStack/Summarizer/Resource" in cdk[0] and "cdk synth" in cdk[0]
    # A plan is derived: the Terraform source is named.
    plan = [m for m in manual if "tfplan.json" in m and "aws_sfn_state_machine.nightly_summary" in m]
    assert plan and "written at sample_iac/terraform/variables.tf:19" in plan[0]
    # Nothing to move to: the feed names no replacement that is Active.
    assert any('triage["candidate"]' in m and "the feed names no replacement" in m for m in manual)
    # A typo is not replaced by a guess.
    assert any("ClassifierPrompt" in m and "a typo?" in m for m in manual)
    # A geography prefix is kept where the feed knows the replacement's profile.
    assert any(
        line.startswith("fix: sample_iac/sam/template.yaml:58:") and f"-> us.{HAIKU_45} (Pipeline)" in line
        for line in err.splitlines()
    )
    # Where AWS names no Active replacement the feed's suggestion is not
    # applied unasked: it is listed with what to do.
    nested = [m for m in manual if "(NightlyReport)" in m]
    assert nested and all("the feed suggests" in m and "--accept-suggestions" in m for m in nested), nested
    # A nested stack's definition string reaches, through a substitution and
    # a parameter, the parent's mapping: one edit there serves both users.
    _, _, err = run_fix(capsys, "sample_iac", "--accept-suggestions")
    assert any(
        line.startswith("fix: sample_iac/cloudformation/support-agent.template:19:")
        and "(NightlyReport, SummaryPrompt)" in line
        for line in err.splitlines()
    )
    # Every value in the samples is traced to one literal (computed values
    # are listed: test_values_not_from_one_literal_are_listed).
    assert untraced == []
    # A literal inside a policy document's statement blocks is traced too.
    assert any(line.startswith("fix: sample_iac/terraform/main.tf:119:") for line in err.splitlines())
    assert "cdk.out" not in out and "tfplan.json" not in out
    removed = [line for line in out.splitlines() if line.startswith("-")]
    assert not any("foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0" in line for line in removed)


def test_shared_with_a_resource_of_another_kind_is_manual(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "tf").mkdir()
    (here / "tf/main.tf").write_text(
        'variable "model" {\n'
        f'  default = "{HAIKU_35}"\n'
        "}\n"
        'resource "aws_bedrockagent_agent" "a" {\n'
        '  agent_name       = "a"\n'
        "  foundation_model = var.model\n"
        "}\n"
        'resource "aws_bedrock_provisioned_model_throughput" "p" {\n'
        '  provisioned_model_name = "p"\n'
        "  model_units            = 1\n"
        '  model_arn              = "arn:aws:bedrock:us-east-1::foundation-model/${var.model}"\n'
        "}\n"
        'resource "aws_bedrock_custom_model" "c" {\n'
        '  custom_model_name     = "c"\n'
        '  base_model_identifier = "anthropic.claude-3-5-sonnet-20240620-v1:0"\n'
        "}\n"
    )
    code, out, err = run_fix(capsys, "tf")
    assert out == "" and code == 1
    manual = _messages(err, "needs a manual change")
    assert any(
        "aws_bedrockagent_agent.a" in m and "shared with aws_bedrock_provisioned_model_throughput.p" in m
        for m in manual
    )
    assert any("aws_bedrock_custom_model.c" in m and "re-train" in m for m in manual)


def test_to_forces_the_target_and_keeps_the_arn_form(tree: Path) -> None:
    result = scan(["sample_iac/sam"], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    plan = plan_fixes(result, load_bundled_feed(), FixRequest(to=f"us.{HAIKU_45}"))
    pipeline = [e for e in plan.edits if any(r.resource == "Pipeline" for r in e.references)]
    assert pipeline and pipeline[0].old == f"us.{HAIKU_35}" and pipeline[0].new == f"us.{HAIKU_45}"
    policy = [e for e in plan.edits if e.line == 32]
    assert policy and policy[0].new == HAIKU_45  # inside the ARN; partition and region stay as written
    text = plan.new_texts()["sample_iac/sam/template.yaml"]
    assert f"arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{HAIKU_45}" in text


def test_find_model_reads_only_the_literal() -> None:
    text = f'x = "${{var.a}}/{HAIKU_35}" # {HAIKU_35}\n'
    span = find_model(text, 1, 5, "hcl", HAIKU_35)
    assert text[span.start : span.end] == HAIKU_35 and span.start < text.index("#")
    text = f'x = "us.{HAIKU_35}"\n'
    span = find_model(text, 1, 5, "hcl", HAIKU_35)
    assert span.prefix == "us" and text[span.prefix_start : span.end] == f"us.{HAIKU_35}"
    with pytest.raises(LiteralNotFoundError):
        find_model('x = "anthropic.claude-v2:1"\n', 1, 5, "hcl", "anthropic.claude-v2:")
    with pytest.raises(LiteralNotFoundError):  # escaped spelling: listed, not guessed
        find_model('x = "\\u0061nthropic.claude-v2"\n', 1, 5, "hcl", "anthropic.claude-v2")
    span = find_model('{"a": "anthropic.claude-v2:1:200k"}\n', 1, 0, "json", "anthropic.claude-v2:1")
    assert span.variant == ":200k"


def test_model_kind() -> None:
    assert model_kind("amazon.titan-embed-text-v2:0") == "embedding"
    assert model_kind("cohere.rerank-v3-5:0") == "rerank"
    assert model_kind("amazon.nova-canvas-v1:0") == "image"
    assert model_kind(HAIKU_45) == "text"


def test_crlf_and_bom_are_kept_byte_for_byte(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "tf").mkdir()
    raw = (
        b"\xef\xbb\xbf"
        + (
            'variable "model" {\r\n'
            f'  default = "{HAIKU_35}"\r\n'
            "}\r\n"
            'resource "aws_bedrockagent_agent" "a" {\r\n'
            '  agent_name       = "a"\r\n'
            "  foundation_model = var.model\r\n"
            "}\r\n"
        ).encode()
    )
    (here / "tf/main.tf").write_bytes(raw)
    code, _, err = run_fix(capsys, "tf", "--write")
    assert code == 0, err
    assert (here / "tf/main.tf").read_bytes() == raw.replace(HAIKU_35.encode(), HAIKU_45.encode())


def test_a_forced_target_that_is_not_active_is_said(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run_fix(capsys, *CASES["sam"][:3], "--to", "anthropic.claude-sonnet-4-5-20250929-v1:0")
    assert "anthropic.claude-sonnet-4-5-20250929-v1:0" in out
    assert "note: --to anthropic.claude-sonnet-4-5-20250929-v1:0 is Legacy" in err


def test_a_symlinked_definition_is_not_replaced_by_a_file(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "tf").mkdir()
    (here / "tf/real.tfvars").write_text(f'model = "{HAIKU_35}"\n')
    (here / "tf/terraform.tfvars").symlink_to("real.tfvars")
    (here / "tf/main.tf").write_text(
        'variable "model" {}\nresource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.model\n}\n'
    )
    code, _, err = run_fix(capsys, "tf", "--write")
    assert code == 1 and "a symbolic link" in err
    assert (here / "tf/terraform.tfvars").is_symlink()
    assert (here / "tf/real.tfvars").read_text() == f'model = "{HAIKU_35}"\n'


def test_rule_and_path_narrow_the_fix(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = "sample_iac/cloudformation/analytics.template.json"
    assert run_fix(capsys, target, "--rule", "CKV_BEDROCK_3")[1] == ""  # its findings are CKV_BEDROCK_1
    assert run_fix(capsys, target, "--rule", "CKV_BEDROCK_1")[1] != ""
    assert run_fix(capsys, "sample_iac", "--path", "sample_iac/cdk")[1] == ""  # generated: never edited
    _, out, _ = run_fix(capsys, "sample_iac", "--path", "sample_iac/terraform/json/")
    assert out.startswith("--- a/sample_iac/terraform/json/main.tf.json") and out.count("--- a/") == 1


def test_the_summary_never_writes_control_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ids, paths and expressions in the summary come from the scanned tree."""
    monkeypatch.chdir(REPO)
    result = scan(["sample_iac/sam"], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
    ref = result.references[0].reference
    plan = FixPlan(untraced=[Refusal(ref, "m\x1b[2J", "`\x1b]0;owned\x07` is not one literal", "w\n")])
    out = describe(plan)
    assert "\x1b" not in out and "\x07" not in out and out.count("\n") == 1
    assert "\\x1b[2J" in out


def test_values_not_from_one_literal_are_listed(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "main.tf").write_text(
        'data "aws_bedrock_foundation_model" "m" {\n  model_id = "anthropic.claude-v2"\n}\n'
        'resource "aws_bedrockagent_agent" "computed" {\n  foundation_model = lower("ANTHROPIC.CLAUDE-V2")\n}\n'
        'resource "aws_bedrockagent_agent" "data" {\n'
        "  foundation_model = data.aws_bedrock_foundation_model.m.model_id\n}\n"
    )
    code, out, err = run_fix(capsys, ".", "--to", HAIKU_45)
    untraced = _messages(err, "not traced to one literal")
    # The data source's own argument is a literal, and is what changes.
    assert code == 1 and out.count("\n-") == 1 and f'+  model_id = "{HAIKU_45}"' in out
    assert any("aws_bedrockagent_agent.computed" in m and "lower(" in m for m in untraced)
    assert any(
        "aws_bedrockagent_agent.data" in m and "data.aws_bedrock_foundation_model.m.model_id" in m for m in untraced
    )


def test_tfvars_json_values_are_rewritten_in_place(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (here / "main.tf").write_text(
        'variable "chat" {}\nvariable "prompts" {}\n'
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.chat\n}\n'
        'resource "aws_bedrockagent_prompt" "p" {\n  for_each = var.prompts\n'
        "  variant {\n    model_id = each.value\n  }\n}\n"
    )
    doc = (
        "{\n"
        f'  "chat": "{HAIKU_35}",\n'
        '  "prompts": {\n'
        '    "short": "amazon.nova-micro-v1:0",\n'
        f'    "long":  "{HAIKU_35}"\n'
        "  }\n"
        "}\n"
    )
    (here / "terraform.tfvars.json").write_text(doc)
    code, _, err = run_fix(capsys, ".", "--write")
    assert code == 0, err
    assert (here / "terraform.tfvars.json").read_text() == doc.replace(HAIKU_35, HAIKU_45)


def test_a_profile_prefix_is_kept_only_where_that_profile_exists(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "us" {\n'
        f'  foundation_model = "us.{HAIKU_35}"\n}}\n'
        'resource "aws_bedrockagent_agent" "jp" {\n'
        f'  foundation_model = "jp.{HAIKU_35}"\n}}\n'
    )
    model = load_bundled_feed().lookup(HAIKU_45)
    assert model is not None and f"us.{HAIKU_45}" in model.profile_ids and f"jp.{HAIKU_45}" not in model.profile_ids
    code, out, err = run_fix(capsys, ".")
    assert code == 1
    added = [line for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert added == [f'+  foundation_model = "us.{HAIKU_45}"']
    assert any("aws_bedrockagent_agent.jp" in m and "jp. inference profile" in m for m in _messages(err, "needs"))


def test_a_state_file_is_never_rewritten(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    state = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "0d4a6c1e-0000-4000-8000-000000000001",
        "outputs": {},
        "resources": [
            {
                "mode": "managed",
                "type": "aws_bedrockagent_agent",
                "name": "support",
                "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                "instances": [
                    {
                        "schema_version": 0,
                        "attributes": {"agent_name": "support", "foundation_model": HAIKU_35},
                        "sensitive_attributes": [],
                    }
                ],
            }
        ],
        "check_results": None,
    }
    text = json.dumps(state, indent=2) + "\n"
    (here / "terraform.tfstate").write_text(text)
    code, out, err = run_fix(capsys, "terraform.tfstate", "--write")
    assert (here / "terraform.tfstate").read_text() == text
    assert out == "" and code == 1, err
    [line] = [m for m in _messages(err, "needs a manual change") if "aws_bedrockagent_agent.support" in m]
    assert "a state file is what Terraform recorded" in line
