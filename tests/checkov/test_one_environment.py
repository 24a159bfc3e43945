"""checkov and our package in ONE fresh environment, installed as users do:
`pip install checkov==3.3.30` and `pip install bedrock-lifecycle-checker`
(with its dependencies): README's commands as written (checkov first), ours
first, and both in one `pip install`.  Both must keep working: checkov's
own Terraform checks find their results (its bc-python-hcl2 untouched), and
our CLI scans Terraform.

Before our own HCL parser, python-hcl2 8.x replaced bc-python-hcl2's files
(checkov failed on every Terraform file with `cannot import name 'START_LINE'
from 'hcl2'`) or the other way round (our scan failed with `cannot import name
'parses_to_tree'`).  The environments are built once per module and shared by
the assertions; pip's cache keeps the downloads local after the first run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CHECKOV = "checkov==3.3.30"
AS_OF = "2026-11-24"
pytestmark = [pytest.mark.checkov, pytest.mark.xdist_group("one-environment")]


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, **kw)  # type: ignore[call-overload]
    assert proc.returncode == 0, f"{' '.join(cmd)}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our package as a wheel, the thing `pip install bedrock-lifecycle-checker` fetches."""
    out = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(REPO)])
    [whl] = out.glob("bedrock_lifecycle_checker-*.whl")
    return whl


def readme_install() -> list[str]:
    """The install lines of README's "Use with checkov", as written."""
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Use with checkov") :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh\n") + 6)]
    lines = [ln for ln in block.splitlines() if "venv" in ln and ("pip install" in ln or "-m venv" in ln)]
    assert len(lines) == 3, block
    return lines


def _copy_of_the_tree(dest: Path) -> Path:
    """What a fresh clone holds (the working tree, so uncommitted edits count)."""
    ignore = shutil.ignore_patterns(".git", ".venv*", ".cache", "*.egg-info", "__pycache__", ".*_cache", "build")
    shutil.copytree(REPO, dest, ignore=ignore)
    return dest


@pytest.fixture(scope="module", params=["README: checkov, then ours", "ours, then checkov", "one pip install"])
def env(request: pytest.FixtureRequest, wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param.startswith("README"):
        clone = _copy_of_the_tree(tmp_path_factory.mktemp("clone") / "bedrock-lifecycle")
        for line in readme_install():
            _run(["sh", "-c", line], cwd=clone)
        return clone / ".venv-checkov" / "bin"
    root = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", str(root)])
    pip = [str(root / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if request.param == "one pip install":
        _run([*pip, CHECKOV, str(wheel)])
    else:
        _run([*pip, str(wheel)])
        _run([*pip, CHECKOV])
    return root / "bin"


def test_checkov_keeps_bc_python_hcl2_and_we_bring_no_hcl2(env: Path) -> None:
    code = (
        "import importlib.metadata as m\n"
        "print(m.version('bc-python-hcl2'))\n"
        "try:\n    m.version('python-hcl2'); print('python-hcl2 present')\n"
        "except m.PackageNotFoundError:\n    print('no python-hcl2')\n"
        "print(sorted(r.split(';')[0].split('>')[0].split('<')[0].strip()\n"
        "      for r in m.requires('bedrock-lifecycle-checker') if 'extra ==' not in r))\n"
        "import hcl2; print(hcl2.loads('a = \"b\"\\n'))\n"
    )
    out = _run([str(env / "python"), "-c", code], cwd="/")
    lines = out.stdout.splitlines()
    assert lines[:2] == ["0.4.3", "no python-hcl2"]
    # our run-time requirements: no hcl2 of either kind, no lark (lark is there, as bc-python-hcl2's)
    assert lines[2] == "['PyYAML', 'jsonschema', 'platformdirs', 'tomli']"
    assert lines[3] == "{'a': ['b']}"  # checkov's fork, working


def test_checkov_runs_its_own_terraform_checks_and_ours(env: Path) -> None:
    proc = subprocess.run(
        [
            str(env / "checkov"),
            "-d",
            "sample_iac/terraform",
            "--framework",
            "terraform",
            "--external-checks-dir",
            "policies",
            "--check",
            "CKV_AWS_373,CKV_BEDROCK_1,CKV_BEDROCK_3",
            "-o",
            "json",
            "--skip-download",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=900,
        env={**os.environ, "BEDROCK_LIFECYCLE_AS_OF": AS_OF, "LOG_LEVEL": "ERROR"},
    )
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "cannot import name" not in proc.stderr
    doc = json.loads(proc.stdout)
    [report] = doc if isinstance(doc, list) else [doc]
    results = report["results"]
    ids = {c["check_id"] for kind in ("passed_checks", "failed_checks") for c in results[kind]}
    assert "CKV_AWS_373" in ids  # checkov's built-in check: its Terraform parsing works
    assert {"CKV_BEDROCK_1", "CKV_BEDROCK_3"} <= ids  # ours, through checkov
    assert report["summary"]["parsing_errors"] == 0


def test_our_cli_scans_terraform_there(env: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    proc = subprocess.run(
        [
            str(env / "bedrock-lifecycle"),
            "scan",
            "sample_iac/terraform",
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert proc.returncode == 1, proc.stderr[-3000:]  # findings, no errors
    report = json.loads(out.read_text())
    assert report["errors"] == []
    assert report["summary"]["references"] >= 20  # sample_iac/terraform's, through tfvars, locals and modules
    assert {"CKV_BEDROCK_1", "CKV_BEDROCK_3"} <= {f["rule_id"] for f in report["findings"]}


def test_readme_commands_run_as_written(env: Path, request: pytest.FixtureRequest) -> None:
    """The README block's two run lines, verbatim, in the clone they were installed in."""
    if not request.node.callspec.params["env"].startswith("README"):
        pytest.skip("README's commands run in README's environment")
    clone = env.parent.parent
    text = (REPO / "README.md").read_text()
    section = text[text.index("## Use with checkov") :]
    start = section.index("```sh\n") + 6
    block = section[start : section.index("```", start)]
    runs = [ln for ln in block.splitlines() if ln.strip() and ln not in readme_install()]
    assert [r.split()[1] if "=" in r.split()[0] else r.split()[0] for r in runs] == [
        ".venv-checkov/bin/checkov",
        ".venv-checkov/bin/bedrock-lifecycle",
    ]
    for line in runs:
        proc = subprocess.run(["sh", "-c", line], cwd=clone, capture_output=True, text=True, timeout=900)
        assert proc.returncode == 1, (line, proc.stdout[-2000:], proc.stderr[-2000:])  # findings on the samples
        assert "CKV_BEDROCK_1" in proc.stdout or "bedrock" in proc.stdout.lower()
