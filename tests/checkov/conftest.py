"""The real checkov, in its own cached virtualenv, for every test here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from checkov_env import ensure_checkov


@pytest.fixture(scope="module")
def checkov() -> Path:
    return ensure_checkov()
