#!/usr/bin/env python3
"""Build (once) a checkov environment with our package installed into it as a
user would, and print its checkov executable.

Our package has its own HCL parser and no `hcl2` of either kind, so it goes
into checkov's environment with its dependencies (a plain `pip install`);
checkov's bc-python-hcl2 stays as it is.  The tests use this environment for
the checkov policies; tests/checkov/test_one_environment.py builds fresh ones
in both install orders.

    python tools/checkov_env.py            # prints .cache/checkov-3.3.30/bin/checkov
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOV_VERSION = "3.3.30"
CACHE = Path(os.environ.get("BEDROCK_LIFECYCLE_CACHE", ROOT / ".cache"))


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def _source_hash() -> str:
    h = hashlib.sha256()
    for p in sorted([ROOT / "pyproject.toml", *(ROOT / "checker").rglob("*.py"), *(ROOT / "checker").rglob("*.json")]):
        h.update(str(p.relative_to(ROOT)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def ensure_checkov() -> Path:
    home = CACHE / f"checkov-{CHECKOV_VERSION}"
    python = home / "bin" / "python"
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / "checkov-env.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (home / ".checkov-ready").exists():
            _run([sys.executable, "-m", "venv", "--clear", str(home)])
            _run(
                [
                    str(python),
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    f"checkov=={CHECKOV_VERSION}",
                    "setuptools>=61",
                    "wheel",
                ]
            )
            (home / ".checkov-ready").write_text("ok\n")
        stamp = home / ".checker-installed"
        wanted = _source_hash()
        if not stamp.exists() or stamp.read_text() != wanted:
            # The wheel is built here, not in checkov's environment: building
            # pyproject.toml's SPDX `project.license` needs setuptools>=77 and
            # packaging>=24.2, and checkov pins packaging<24.
            with tempfile.TemporaryDirectory() as wheels:
                _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, str(ROOT)])
                (wheel,) = Path(wheels).glob("*.whl")
                # With dependencies, as `pip install bedrock-lifecycle-checker` would;
                # uninstalled first so a changed tree is really reinstalled, without
                # --force-reinstall putting every dependency back too.
                _run([str(python), "-m", "pip", "uninstall", "--quiet", "--yes", "bedrock-lifecycle-checker"])
                _run([str(python), "-m", "pip", "install", "--quiet", str(wheel)])
            stamp.write_text(wanted)
    return home / "bin" / "checkov"


if __name__ == "__main__":
    print(ensure_checkov())
