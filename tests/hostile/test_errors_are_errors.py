"""Every failure is exit 2 with a one-line message, never exit 1 (the
findings code) with a traceback: an --output that cannot be written (a
directory, a path under a file, a full disk) still leaves the other reports
written, and huge integers or malformed values in a feed, baseline or
config are named errors."""

from __future__ import annotations

import resource
import subprocess
import time
from pathlib import Path

import pytest
from run_here import run_python

GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
HUGE = "9" * 5000


def _run(cwd: Path, *argv: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if fsize is not None:
            # Writes past the limit fail with EFBIG, as on a full disk
            # (Python ignores SIGXFSZ, so the write raises instead).
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return run_python(cwd, "-m", "checker", "scan", ".", "--as-of", "2026-11-24", "-q", *argv, limit=limit)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "good.tf").write_text(GOOD)
    (root / "a-file").write_text("")
    (root / "sub").mkdir()
    return root


@pytest.mark.parametrize(
    ("target", "why"),
    [("a-file/report.json", "Not a directory"), ("sub", "Is a directory"), ("big.json", "File too large")],
    ids=["under-a-file", "a-directory", "disk-full"],
)
def test_an_unwritable_output_is_exit_2_and_the_other_reports_are_written(repo: Path, target: str, why: str) -> None:
    proc = _run(repo, "-f", "json", "-o", target, "-f", "text", fsize=500 if why == "File too large" else None)
    assert proc.returncode == 2
    assert proc.stderr == f"bedrock-lifecycle: cannot write the report to {target}: {why}\n"
    assert "aws_bedrockagent_agent.good" in proc.stdout
    assert not [p.name for p in repo.iterdir() if p.name.endswith(".tmp")]  # nothing half-written left


@pytest.mark.parametrize(
    ("name", "content", "option", "message"),
    [
        (
            "feed.json",
            '{"schema_version": "1.0", "n": ' + HUGE + "}",
            "--feed",
            "feed.json: feed is not valid JSON: Exceeds the limit (4300 digits) for integer string conversion",
        ),
        (
            "baseline.json",
            '{"version": 1, "findings": [], "n": ' + HUGE + "}",
            "--baseline",
            "baseline.json: baseline is not valid JSON (Exceeds the limit (4300 digits) for integer string conversion",
        ),
        (
            "config.yaml",
            "eol_window: " + HUGE,
            "--config",
            "config.yaml: invalid value: Exceeds the limit (4300 digits) for integer string conversion",
        ),
        ("config.yaml", "eol_window: soon", "--config", "config.yaml: invalid configuration:"),
    ],
    ids=["feed", "baseline", "config-int", "config-value"],
)
def test_huge_and_malformed_values_are_named_errors(
    repo: Path, name: str, content: str, option: str, message: str
) -> None:
    (repo / name).write_text(content)
    proc = _run(repo, option, name)
    assert proc.returncode == 2
    assert proc.stderr.startswith(f"bedrock-lifecycle: {message}"), proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_huge_file_size_limit_is_only_a_limit(repo: Path) -> None:
    proc = _run(repo, "--max-file-size", "9" * 30)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert "aws_bedrockagent_agent.good" in proc.stdout


def test_a_huge_integer_in_terraform_is_an_unknown_number(repo: Path) -> None:
    """In the same module as the good resource: its finding must survive."""
    (repo / "locals.tf").write_text(f"locals {{\n  n = {HUGE}\n}}\n")
    proc = _run(repo)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert "aws_bedrockagent_agent.good" in proc.stdout and "error:" not in proc.stdout


def test_a_renderer_that_fails_costs_only_its_own_report(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stands in for a bug that input could trigger in one format."""
    import checker.reports.junit
    from checker.cli import main

    def broken(result: object) -> str:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(checker.reports.junit, "render", broken)
    monkeypatch.chdir(repo)
    code = main(["scan", ".", "--as-of", "2026-11-24", "-q", "-f", "junit", "-o", "out.xml", "-f", "text"])
    out = capsys.readouterr()
    assert code == 2 and not (repo / "out.xml").exists()
    assert out.err.startswith("bedrock-lifecycle: cannot render the junit report (") and out.err.count("\n") == 1
    assert out.err.endswith("RuntimeError: boom second line\n")
    assert "aws_bedrockagent_agent.good" in out.out


def test_the_repository_cannot_raise_the_file_size_limit(repo: Path) -> None:
    """It may lower it; a higher value is listed and not applied."""
    (repo / "big.tf").write_text(GOOD.replace('"good"', '"big"') + "#" * 6 * 1024 * 1024 + "\n")
    (repo / ".bedrock-lifecycle.yaml").write_text(f"max_file_size: {10**12}\n")
    proc = _run(repo)
    assert proc.returncode == 2
    assert "error: big.tf: file is 6,291,544 bytes, over the 5,242,880-byte limit (--max-file-size)" in proc.stdout
    assert f"max_file_size: {10**12} not applied (only the pipeline may raise the limit)" in proc.stdout
    assert "aws_bedrockagent_agent.good" in proc.stdout


def test_the_repository_cannot_raise_the_plan_size_limit(repo: Path) -> None:
    (repo / ".bedrock-lifecycle.yaml").write_text(f"max_plan_size: {10**12}\n")
    proc = _run(repo)
    assert f"max_plan_size: {10**12} not applied (only the pipeline may raise the limit)" in proc.stdout
    assert "aws_bedrockagent_agent.good" in proc.stdout


def test_a_huge_jobs_count_is_capped(repo: Path) -> None:
    for n in range(10):  # enough units for a process pool
        (repo / f"m{n}").mkdir()
        (repo / f"m{n}" / "main.tf").write_text(GOOD.replace('"good"', f'"m{n}"'))
    start = time.monotonic()
    proc = _run(repo, "--jobs", "9" * 20)
    assert (proc.returncode, proc.stderr) == (1, "")
    assert time.monotonic() - start < 60 and "aws_bedrockagent_agent.m9" in proc.stdout


def test_a_reference_whose_judgement_fails_costs_only_itself(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug met while judging one reference (injected here) is an internal
    error naming its file and line; every other reference keeps its finding
    and the report is written, exit 2."""
    import checker.pipeline as pipeline
    from checker.cli import main

    (repo / "bad.tf").write_text(GOOD.replace('"good"', '"bad"').replace("claude-v2", "claude-instant-v1"))
    real = pipeline.findings_for

    def flaky(ref, *args, **kwargs):  # type: ignore[no-untyped-def]
        if ref.raw == "anthropic.claude-instant-v1":
            raise KeyError("no such field")
        return real(ref, *args, **kwargs)

    monkeypatch.setattr(pipeline, "findings_for", flaky)
    monkeypatch.chdir(repo)
    code = main(["scan", ".", "--as-of", "2026-11-24", "--jobs", "1", "-f", "text"])
    out = capsys.readouterr().out
    assert code == 2
    assert "bad.tf:2: internal error while judging aws_bedrockagent_agent.bad.foundation_model: KeyError" in out
    assert "CKV_BEDROCK_1 aws_bedrockagent_agent.good" in out
