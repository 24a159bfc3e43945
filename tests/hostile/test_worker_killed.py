"""A worker process killed mid-scan (the out-of-memory killer sends
SIGKILL) does not crash the scan or lose the other units: the units it had
not returned are read again one process each, the one that kills its worker
is named as an error (exit 2), and every other unit keeps its findings."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from run_here import scan_in

import checker.pipeline
from checker.pipeline import WORKER_DIED

AS_OF = date(2026, 11, 24)
AGENT = 'resource "aws_bedrockagent_agent" "a{n}" {{\n  foundation_model = "anthropic.claude-v2"\n}}\n'
real_scan_unit = checker.pipeline.scan_unit_safely


def killed_on_oom(unit: Any, options: Any) -> Any:
    """Stands in for the kernel: a worker that reads the `oom` module dies
    by SIGKILL, as the OOM killer would end it."""
    if os.path.basename(unit.key) == "oom" and multiprocessing.parent_process() is not None:
        os.kill(os.getpid(), signal.SIGKILL)
    return real_scan_unit(unit, options)


def test_a_killed_worker_is_an_error_and_the_other_units_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, deadline: Any
) -> None:
    if multiprocessing.get_start_method() != "fork":
        pytest.fail("the workers must inherit the stand-in for the OOM killer (fork start method)")
    for n in range(12):
        d = tmp_path / f"m{n:02}"
        d.mkdir()
        (d / "main.tf").write_text(AGENT.format(n=n))
    (tmp_path / "oom").mkdir()
    (tmp_path / "oom" / "main.tf").write_text(AGENT.format(n="oom"))
    monkeypatch.setattr(checker.pipeline, "scan_unit_safely", killed_on_oom)
    with deadline(120):
        result = scan_in(tmp_path, jobs=2)
    assert [str(e) for e in result.errors] == [f"oom: {WORKER_DIED}"]
    assert result.exit_code == 2
    assert sorted(f.reference.resource for f in result.findings) == sorted(
        f"aws_bedrockagent_agent.a{n}" for n in range(12)
    )
