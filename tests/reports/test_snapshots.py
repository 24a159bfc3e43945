"""Golden files: every report format over sample_iac/, compared byte for
byte, so any change to what a user reads shows up in review as a diff of
tests/reports/snapshots/.

After a deliberate change, regenerate them and review the diff:

    .venv/bin/python -m pytest tests/reports/test_snapshots.py --update-snapshots
    UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/reports/test_snapshots.py
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.model import ScanResult
from checker.pipeline import ScanSettings, scan
from checker.reports import FORMATS, render
from checker.reports.text import render as render_text

REPO = Path(__file__).resolve().parents[2]
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
AS_OF = date(2026, 11, 24)
EXTENSIONS = {
    "text": "txt",
    "json": "json",
    "sarif": "sarif.json",
    "junit": "xml",
    "markdown": "md",
    "csv": "csv",
    "codeclimate": "codeclimate.json",
    "html": "html",
}


@pytest.fixture(scope="module")
def result() -> ScanResult:
    os.chdir(REPO)
    got = scan(["sample_iac"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), jobs=1))
    # The version is not what a snapshot is about: a release must not churn them.
    return replace(got, tool_version="SNAPSHOT")


def _updating(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-snapshots")) or os.environ.get("UPDATE_SNAPSHOTS") == "1"


def test_every_format_has_a_snapshot() -> None:
    assert set(EXTENSIONS) == set(FORMATS)
    names = {f"sample_iac.{ext}" for ext in EXTENSIONS.values()}
    assert {p.name for p in SNAPSHOTS.iterdir()} <= names


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_report_matches_its_snapshot(fmt: str, result: ScanResult, request: pytest.FixtureRequest) -> None:
    text = render_text(result, colour=False) if fmt == "text" else render(fmt, result)
    golden = SNAPSHOTS / f"sample_iac.{EXTENSIONS[fmt]}"
    if _updating(request):
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no snapshot for {fmt}: run with --update-snapshots and review the new file"
    expected = golden.read_text(encoding="utf-8")
    assert text == expected, f"{fmt} report differs from {golden.relative_to(REPO)}; if deliberate, --update-snapshots"
