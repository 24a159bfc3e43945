"""What the hostile tests share: scanning a tree as CI does, from inside it
(reports then show relative paths), in this process or in a child process
with this checkout on its path, optionally under resource limits.  (A plain
module, not a conftest: tests import it by name.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from checker.feed import load_bundled_feed
from checker.model import ScanResult
from checker.pipeline import ScanSettings, scan

AS_OF = date(2026, 11, 24)

REPO = Path(__file__).resolve().parents[2]


def run_python(
    cwd: Path, *argv: str, limit: Callable[[], None] | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`python ARGV...` in `cwd`; `limit` runs in the child before it starts
    (resource.setrlimit), `env` adds to the environment."""
    return subprocess.run(
        [sys.executable, *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
    )


def scan_in(root: Path, **settings: Any) -> ScanResult:
    """`scan .` from inside `root` with the bundled feed on AS_OF."""
    here = os.getcwd()
    os.chdir(root)
    try:
        return scan(["."], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), **settings))
    finally:
        os.chdir(here)
