"""What the hostile tests share: running this tool as CI does, in a child
process with this checkout on its path, optionally under resource limits.
(A plain module, not a conftest: tests import it by name.)"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
