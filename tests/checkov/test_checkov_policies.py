"""The real checkov CLI (3.3.30, in its own cached virtualenv) running our
policies: per-resource verdicts over sample_iac/, skip comments, check
selection, both supported installs, checkov's own parsing left intact, and
agreement with the bedrock-lifecycle CLI wherever both can decide."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]

AS_OF = "2026-11-24"
pytestmark = [pytest.mark.checkov, pytest.mark.xdist_group("checkov")]

Results = dict[tuple[str, str, str], str]


def run_checkov(
    checkov: Path, *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[Results, list[dict[str, Any]]]:
    env = {**os.environ, "BEDROCK_LIFECYCLE_AS_OF": AS_OF, "LOG_LEVEL": "ERROR", **(env or {})}
    proc = subprocess.run(
        [str(checkov), *args, "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd or REPO,
        timeout=900,
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    doc = json.loads(proc.stdout)
    reports = doc if isinstance(doc, list) else [doc]
    out: Results = {}
    for rep in reports:
        results = rep.get("results", {})
        for kind, verdict in (("passed_checks", "PASSED"), ("failed_checks", "FAILED"), ("skipped_checks", "SKIPPED")):
            for c in results.get(kind, []):
                out[(c["file_path"].lstrip("/"), c["resource"], c["check_id"])] = verdict
    return out, reports


@pytest.fixture(scope="module")
def sample_results(checkov: Path) -> Results:
    results, _ = run_checkov(
        checkov,
        "-d",
        "sample_iac",
        "--external-checks-dir",
        "policies",
        "--framework",
        "terraform",
        "terraform_plan",
        "cloudformation",
        "--check",
        "CKV_BEDROCK_*,CKV_AWS_373",
    )
    return results


def verdicts(results: Results, file: str, resource: str) -> dict[str, str]:
    return {
        cid: v for (f, r, cid), v in results.items() if f == file and r == resource and cid.startswith("CKV_BEDROCK")
    }


def expect(results: Results, file: str, resource: str, failed: set[int], unknown: set[int] = frozenset()) -> None:  # type: ignore[assignment]
    got = verdicts(results, file, resource)
    from checker.rules import ALL_RULES

    want = {
        f"CKV_BEDROCK_{i}": "FAILED" if i in failed else "PASSED"
        for i in range(1, len(ALL_RULES) + 1)
        if i not in unknown
    }
    assert got == want, (file, resource)


def test_checkov_keeps_its_own_hcl2(checkov: Path) -> None:
    code = (
        "import importlib.metadata as m, hcl2, checker\n"
        "print(m.version('bc-python-hcl2'))\n"
        "print(hcl2.loads('a = \"b\"\\n'))\n"
        "print('site-packages' in checker.__file__)\n"
        "try:\n    m.version('python-hcl2'); print('python-hcl2 present')\n"
        "except m.PackageNotFoundError:\n    print('no python-hcl2')\n"
    )
    out = subprocess.run(
        [str(checkov.parent / "python"), "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    assert out.stdout.split("\n")[:4] == ["0.4.3", "{'a': ['b']}", "True", "no python-hcl2"]


def test_builtin_check_still_fires_in_the_same_run(sample_results: Results) -> None:
    assert (
        sample_results[
            ("terraform/modules/agents/main.tf", "module.agents.aws_bedrockagent_agent.router", "CKV_AWS_373")
        ]
        == "FAILED"
    )


def test_terraform_verdicts(sample_results: Results) -> None:
    r = sample_results
    expect(r, "terraform/main.tf", "aws_bedrock_provisioned_model_throughput.peak", {2, 3})
    expect(r, "terraform/main.tf", 'aws_bedrockagent_prompt.triage["candidate"]', {3, 4, 5})
    expect(r, "terraform/main.tf", 'aws_bedrockagent_prompt.triage["experiment"]', {6})
    expect(r, "terraform/main.tf", 'aws_bedrockagent_prompt.triage["baseline"]', set())
    expect(r, "terraform/main.tf", "aws_sfn_state_machine.nightly_summary", {1})
    expect(r, "terraform/modules/knowledge/main.tf", "module.knowledge.aws_bedrockagent_data_source.manuals", {3, 4, 5})
    expect(r, "terraform/clean/main.tf", "aws_bedrockagent_agent.faq", set())
    # Checkov cannot render the custom model's ARN; the check asks our scan,
    # which judges the throughput by the custom model's base model (Active).
    expect(r, "terraform/main.tf", "aws_bedrock_provisioned_model_throughput.tuned", set())


def test_module_sample_verdicts(sample_results: Results) -> None:
    """sample_iac/terraform/assistant-module: a module called by several
    example roots, sibling outputs, a PT on a custom model, an agent on an
    application inference profile (each resource as checkov names it)."""
    r = sample_results
    module = "terraform/assistant-module/main.tf"
    expect(r, module, "module.assistant.aws_bedrock_provisioned_model_throughput.fine_tuned[0]", {1, 2})
    expect(r, module, "module.assistant.aws_bedrock_custom_model.fine_tuned[0]", {1})
    expect(r, module, "module.assistant.aws_bedrock_inference_profile.team[0]", {1})
    expect(r, module, "module.assistant.aws_bedrockagent_agent.assistant", {1})
    expect(r, module, "module.drafter.aws_bedrockagent_agent.assistant", {1})
    expect(r, module, "module.reviewer.aws_bedrockagent_agent.assistant", {1})
    expect(
        r,
        "terraform/assistant-module/modules/runbooks/main.tf",
        "module.runbooks.aws_bedrockagent_knowledge_base.runbooks",
        set(),
    )


def test_awscc_sample_verdicts(sample_results: Results) -> None:
    """awscc writes nested settings as objects and lists of objects; checkov
    renders them its own way, and still decides every rule on each of them."""
    r = sample_results
    expect(r, "terraform/awscc/agent.tf", "awscc_bedrock_agent.assistant", {1})  # override: Active
    expect(r, "terraform/awscc/agent.tf", "awscc_iam_role_policy.agent_models", {1})
    expect(r, "terraform/awscc/knowledge_base.tf", "awscc_bedrock_knowledge_base.handbook", set())
    expect(r, "terraform/awscc/knowledge_base.tf", "awscc_bedrock_data_source.manuals", {1})  # parsing model
    expect(r, "terraform/awscc/prompts.tf", "awscc_bedrock_prompt.reply", {3})  # second variant
    expect(r, "terraform/awscc/prompts.tf", "awscc_bedrock_application_inference_profile.reporting", {1})
    expect(r, "terraform/awscc/prompts.tf", "awscc_bedrock_intelligent_prompt_router.triage", {3})  # a `for`
    expect(r, "terraform/awscc/agentcore.tf", "awscc_bedrockagentcore_runtime.summariser", set())
    expect(r, "terraform/awscc/agentcore.tf", "awscc_bedrockagentcore_memory.conversations", {1})


def test_partly_known_values_verdicts(sample_results: Results) -> None:
    """ARNs built from the partition and region data sources, a model chosen
    by a variable without a value: checkov leaves them unrendered, our
    evaluator keeps their models (issue #15), and the verdicts are the CLI's."""
    r = sample_results
    f = "terraform/partly_known/main.tf"
    expect(r, f, "aws_iam_role_policy.worker_invoke", {1})
    expect(r, f, "aws_lambda_function.summary", {1})
    expect(r, f, "aws_sfn_state_machine.digest", {1})
    expect(r, f, "aws_bedrockagent_agent.assistant", {1})  # both branches of var.environment == "prod"


def test_plan_verdicts_depend_on_the_action(sample_results: Results) -> None:
    plan = "terraform/plans/tfplan.json"
    r = sample_results
    expect(r, plan, "aws_bedrock_provisioned_model_throughput.peak", {2, 3})  # create on a Legacy model
    expect(r, plan, "aws_bedrock_provisioned_model_throughput.existing", {3})  # no-op: CKV_BEDROCK_2 passes
    expect(r, plan, "aws_sfn_state_machine.nightly_summary", {1})
    assert verdicts(r, plan, "module.agents.aws_bedrockagent_agent.escalation") == {}  # known only at apply
    assert verdicts(r, plan, "aws_bedrockagent_agent.legacy_helper") == {}  # being deleted: not in the plan's values


def test_cloudformation_sam_and_cdk_verdicts(sample_results: Results) -> None:
    r = sample_results
    cfn = "cloudformation/support-agent.template"
    expect(r, cfn, "AWS::Bedrock::Agent.SupportAgent", {3, 4, 5})
    expect(r, cfn, "AWS::Bedrock::Prompt.SummaryPrompt", {1, 3})
    expect(r, cfn, "AWS::Bedrock::Prompt.ClassifierPrompt", {6})
    expect(r, cfn, "AWS::Bedrock::KnowledgeBase.Manuals", set())
    expect(r, "cloudformation/analytics.template.json", "AWS::Lambda::Function.AnalyticsFunction", {1})
    expect(r, "sam/template.yaml", "AWS::Serverless::Function.HealthFunction", set())
    expect(r, "sam/template.yaml", "AWS::Serverless::Function.SummarizeFunction", {1})
    # The definition is in a file checkov does not hand the check: our in-process scan reads it.
    expect(r, "sam/template.yaml", "AWS::Serverless::StateMachine.Pipeline", {1})
    # A Flow whose DefinitionString names an EOL model; Step Functions integrations from the one table.
    wf = "cloudformation/workflows"
    expect(r, f"{wf}/flow.template", "AWS::Bedrock::Flow.AnswerFlow", {1})
    expect(r, f"{wf}/conditions.template", "AWS::Bedrock::Agent.Concierge", {1, 7})
    assert verdicts(r, f"{wf}/review-pipeline.template", "AWS::StepFunctions::StateMachine.ReviewWorkflow").get(
        "CKV_BEDROCK_2"
    ) in ("FAILED", None)
    out = "cdk/cdk.out"
    expect(r, f"{out}/SupportStack.template.json", "AWS::Bedrock::Agent.SupportAgent", {3})  # Fn::Join of pseudo params
    expect(r, f"{out}/SupportStack.template.json", "AWS::Lambda::Function.Summarizer60E14556", {1})
    expect(r, f"{out}/SupportStackReportingA0D3EE31.nested.template.json", "AWS::Bedrock::Agent.ReportAgent", {6})
    expect(r, f"{out}/assembly-Prod/ProdFaq3C0C0CB6.template.json", "AWS::Bedrock::Agent.FaqAgent", set())
    # Chains: an output of another resource, which checkov hands a check
    # alone, gets the template-wide scan's verdict (the model the profile copies).
    chains = "cloudformation/chains/assistant.template"
    expect(r, chains, "AWS::Bedrock::Agent.HelpdeskAgent", {1})
    expect(r, chains, "AWS::Bedrock::Prompt.TriagePrompt", {1})
    expect(r, chains, "AWS::IAM::Role.AgentRole", {1})
    expect(r, chains, "AWS::Lambda::Function.Router", {1})
    expect(r, "cloudformation/chains/nested/parent.template", "AWS::Bedrock::Flow.ReportFlow", {3, 4, 5})
    # An import of platform.template's export, linked across the tree.
    expect(r, chains, "AWS::Bedrock::Agent.SharedAgent", {3})
    # Undecidable (a parameter without a default): neither passed nor failed.
    assert verdicts(r, chains, "AWS::Bedrock::Agent.TenantAgent") == {}
    ts = "cdk-typescript/cdk.out"
    expect(r, f"{ts}/AssistantStack.template.json", "AWS::Bedrock::Agent.ReportAgent", {1})  # Fn::ImportValue


def test_skip_comments_and_check_selection(checkov: Path, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n'
        "  # checkov:skip=CKV_BEDROCK_3:migration to Sonnet 4.6 tracked in PLAT-123\n"
        '  agent_name       = "a"\n'
        '  foundation_model = "anthropic.claude-sonnet-4-5-20250929-v1:0"\n'
        "}\n"
    )
    results, _ = run_checkov(
        checkov,
        "-d",
        str(tmp_path),
        "--external-checks-dir",
        str(REPO / "policies"),
        "--framework",
        "terraform",
        "--check",
        "CKV_BEDROCK_*",
    )
    got = {cid: v for (_, _, cid), v in results.items()}
    assert got["CKV_BEDROCK_3"] == "SKIPPED"
    assert set(got) == {f"CKV_BEDROCK_{i}" for i in range(1, 8)}  # only ours: CKV_AWS_373 not run


def test_external_checks_git(checkov: Path, tmp_path: Path) -> None:
    """Mode 2: checkov clones the repository and loads policies/ from it."""
    bare = tmp_path / "bedrock-lifecycle.git"
    subprocess.run(["git", "clone", "--quiet", "--bare", str(REPO), str(bare)], check=True)
    work = tmp_path / "work"
    work.mkdir()
    (work / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    results, _ = run_checkov(
        checkov,
        "-d",
        str(work),
        "--external-checks-git",
        f"file://{bare}//policies",
        "--framework",
        "terraform",
        "--check",
        "CKV_BEDROCK_1,CKV_AWS_373",
        cwd=tmp_path,
    )
    got = {cid: v for (_, _, cid), v in results.items()}
    assert got == {"CKV_BEDROCK_1": "FAILED", "CKV_AWS_373": "FAILED"}


def test_bootstrap_finds_checker_in_a_clone_without_installation() -> None:
    """Without `checker` installed, the policies put their clone's root on sys.path."""
    code = "import sys; sys.path.insert(0, sys.argv[1]); import bedrock_lifecycle_bootstrap, checker; print(checker.__file__)"
    out = subprocess.run(
        [sys.executable, "-S", "-c", code, str(REPO / "policies")], capture_output=True, text=True, check=True, cwd="/"
    )
    assert out.stdout.strip() == str(REPO / "checker" / "__init__.py")


def test_cli_and_checkov_agree_wherever_both_decide(sample_results: Results) -> None:
    from datetime import date

    from checker.feed import load_bundled_feed
    from checker.model import State
    from checker.pipeline import ScanSettings, scan

    os.chdir(REPO)
    result = scan(["sample_iac"], ScanSettings(as_of=date.fromisoformat(AS_OF), feed=load_bundled_feed()))
    cli: dict[tuple[str, str], dict[str, Any]] = {}
    for a in result.references:
        r = a.reference
        if r.attribute.startswith("Globals.") or r.resource.startswith("data."):
            continue  # checkov's resource checks see neither SAM Globals nor data blocks
        key = (r.location.file, r.resource)
        entry = cli.setdefault(key, {"unresolved": False, "fired": set()})
        entry["unresolved"] |= a.status.state is State.UNRESOLVED
    for f in result.findings:
        key = (f.reference.location.file, f.reference.resource)
        if key in cli and not f.reference.attribute.startswith("Globals."):
            cli[key]["fired"].add(f.rule_id)
    compared = 0
    for (file, resource, cid), verdict in sample_results.items():
        if not cid.startswith("CKV_BEDROCK") or verdict == "SKIPPED":
            continue
        name = resource.split(".", 2)[-1] if resource.startswith("AWS::") else resource
        entry = cli.get((f"sample_iac/{file}", name))
        if entry is None:
            continue
        if cid in entry["fired"]:
            assert verdict == "FAILED", (file, resource, cid)
        elif not entry["unresolved"]:
            assert verdict == "PASSED", (file, resource, cid)
        compared += 1
    assert compared >= 150
    # Every awscc sample resource the CLI reports is decided by checkov too.
    awscc = {k for k in cli if "/terraform/awscc/" in k[0]}
    decided = {(f"sample_iac/{f}", res) for (f, res, cid) in sample_results if cid.startswith("CKV_BEDROCK")}
    assert len(awscc) == 9 and awscc <= decided


def test_policies_folder_is_what_the_package_writes() -> None:
    from checker.integrations.policy_files import policy_files

    files = policy_files()
    on_disk = {str(p.relative_to(REPO / "policies")): p.read_text() for p in (REPO / "policies").rglob("*.py")}
    assert on_disk == files


def run_ours(
    checkov: Path,
    *checkov_args: str,
    options: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
    timeout: int = 900,
) -> subprocess.CompletedProcess[str]:
    """`bedrock-lifecycle checkov [OPTIONS] -- CHECKOV_ARGS -o json --skip-download`."""
    cli = Path(sys.executable).parent / "bedrock-lifecycle"
    ours = [str(cli), "checkov", "--checkov", str(checkov), "--as-of", AS_OF, *options]
    return subprocess.run(
        [*ours, "--", *checkov_args, "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_convenience_command_runs_checkov_with_our_checks(checkov: Path, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    proc = run_ours(
        checkov,
        "-d",
        str(tmp_path),
        "--framework",
        "terraform",
        "--check",
        "CKV_BEDROCK_1,CKV_BEDROCK_3,CKV_AWS_373",
        env={"BEDROCK_LIFECYCLE_CACHE": str(tmp_path / "cache")},
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    results = json.loads(proc.stdout)["results"]
    failed = sorted(c["check_id"] for c in results["failed_checks"])
    passed = sorted(c["check_id"] for c in results["passed_checks"])
    assert failed == ["CKV_AWS_373", "CKV_BEDROCK_1"] and passed == ["CKV_BEDROCK_3"]
