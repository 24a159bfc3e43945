#!/usr/bin/env python3
"""Synthesize sample_iac/cdk with the pinned aws-cdk-lib and CDK CLI.

The toolchain (a virtualenv with aws-cdk-lib, an npm prefix with the `cdk`
CLI) is built once under .cache/, and each synth result is cached by a hash of
the app's source and the versions, so the test suite pays for a real synth
only when something changed.

    python tools/cdk_synth.py                 # synth into .cache and print the path
    python tools/cdk_synth.py --update        # refresh the checked-in sample_iac/cdk/cdk.out
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "sample_iac" / "cdk"
CDK_CLI_VERSION = "2.1148.1"
CACHE = Path(os.environ.get("BEDROCK_LIFECYCLE_CACHE", ROOT / ".cache"))


def _requirements() -> str:
    return (APP / "requirements.txt").read_text()


def _key(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode())
        h.update(b"\0")
    return h.hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    """One builder at a time (pytest-xdist workers share the cache)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(cmd: list[str], **kw: object) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)  # type: ignore[call-overload]
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")


def ensure_toolchain() -> tuple[Path, Path]:
    """(python of the CDK venv, the cdk CLI), built once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("the CDK synth needs Node.js and npm on PATH")
    home = CACHE / f"cdk-toolchain-{_key(_requirements(), CDK_CLI_VERSION)}"
    python = home / "venv" / "bin" / "python"
    cli = home / "npm" / "node_modules" / ".bin" / "cdk"
    with _locked(CACHE / "cdk-toolchain.lock"):
        if not (home / "ready").exists():
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            _run([sys.executable, "-m", "venv", str(home / "venv")])
            _run([str(python), "-m", "pip", "install", "--quiet", "-r", str(APP / "requirements.txt")])
            _run(
                [
                    "npm",
                    "install",
                    "--prefix",
                    str(home / "npm"),
                    "--no-audit",
                    "--no-fund",
                    f"aws-cdk@{CDK_CLI_VERSION}",
                ]
            )
            (home / "ready").write_text("ok\n")
    return python, cli


def app_hash() -> str:
    files = sorted(p for p in APP.iterdir() if p.is_file())
    return _key(_requirements(), CDK_CLI_VERSION, *(f"{p.name}\n{p.read_text()}" for p in files))


def synth(out: Path) -> None:
    python, cli = ensure_toolchain()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    env = {**os.environ, "CDK_DISABLE_VERSION_CHECK": "1", "CDK_CLI_NOTICES": "false"}
    env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
    _run(
        [
            str(cli),
            "synth",
            "--quiet",
            "--no-notices",
            "--no-version-reporting",
            "--app",
            f"{python} app.py",
            "--output",
            str(tmp),
        ],
        cwd=str(APP),
        env=env,
    )
    # aws-cdk-lib writes its timing counters only when a synth is slow (a
    # loaded machine): not part of the assembly, and it would make the synth's
    # output depend on the machine's load.
    (tmp / "performance-counters.json").unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)


def synthesized() -> Path:
    """A fresh synth of the current app, cached by content."""
    out = CACHE / "cdk-synth" / app_hash()
    with _locked(CACHE / "cdk-synth.lock"):
        if not (out / "manifest.json").exists():
            out.parent.mkdir(parents=True, exist_ok=True)
            synth(out)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="copy the synth into sample_iac/cdk/cdk.out")
    args = ap.parse_args(argv)
    out = synthesized()
    if args.update:
        target = APP / "cdk.out"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(out, target)
        print(target)
    else:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
