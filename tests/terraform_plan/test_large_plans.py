"""Large plans: read in linear time, within the default size limit."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from checker import cli
from checker.sources import ScanOptions, Unit
from checker.sources.terraform_plan import scan_unit
from checker.util.textio import DEFAULT_MAX_PLAN_BYTES

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from make_plan import make_plan, render


def best_time(path: Path, reps: int = 3) -> tuple[float, int]:
    best = float("inf")
    n = 0
    for _ in range(reps):
        # CPU time, not wall time: the other test worker (pip installing checkov
        # for tests/checkov/test_one_environment.py) would otherwise be timed too.
        t0 = time.process_time()
        res = scan_unit(Unit("terraform_plan", str(path), (str(path),)), ScanOptions())
        best = min(best, time.process_time() - t0)
        assert res.errors == []
        n = len(res.references)
    return best, n


def test_reading_time_grows_linearly_with_the_plan(tmp_path: Path) -> None:
    """Four times the plan takes about four times as long (the old line
    lookup searched the text again for every resource: sixteen times)."""
    small, large = tmp_path / "small.json", tmp_path / "large.json"
    small.write_text(render(make_plan(1_500_000), "jq"))
    large.write_text(render(make_plan(6_000_000), "jq"))
    assert 3.5 < large.stat().st_size / small.stat().st_size < 4.5
    t_small, n_small = best_time(small)
    t_large, n_large = best_time(large)
    assert n_large > 3 * n_small
    assert t_large / t_small < 8, (t_small, t_large)


def test_lines_of_a_generated_plan(tmp_path: Path) -> None:
    p = tmp_path / "plan.json"
    p.write_text(render(make_plan(800_000), "jq -S"))
    lines = p.read_text().splitlines()
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions())
    assert res.references
    for r in res.references:
        line = lines[r.location.line - 1].strip().rstrip(",")
        assert json.loads("{" + line + "}")["address"] == r.resource


def test_default_limit_reads_plans_of_tens_of_megabytes() -> None:
    assert DEFAULT_MAX_PLAN_BYTES >= 100 * 1024 * 1024


def test_limit_is_reported_with_how_to_raise_it(tmp_path: Path) -> None:
    p = tmp_path / "plan.json"
    p.write_text(render(make_plan(200_000), "terraform"))
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions(max_plan_bytes=100_000))
    [error] = res.errors
    assert "over the 100,000-byte limit for plans and states (raise it with --max-plan-size BYTES" in error.message


def test_limit_is_raised_on_the_command_line_and_in_the_configuration(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "plan.json"
    p.write_text(render(make_plan(200_000), "terraform"))
    assert cli.main(["plan", str(p), "--max-plan-size", "100000", "-q"]) == 2
    assert "100,000-byte limit for plans and states" in capsys.readouterr().out
    config = tmp_path / "settings.yaml"
    config.write_text("max_plan_size: 100000\n")
    assert cli.main(["plan", str(p), "--config", str(config), "-q"]) == 2
    assert (
        cli.main(["plan", str(p), "--config", str(config), "--max-plan-size", "10000000", "-q"]) == 1
    )  # read: findings
