"""`bedrock-lifecycle checkov -- ARGS`: run checkov with our checks and the
same feed settings, without installing anything into checkov's environment,
after our own scan of the same paths, whose resolved references the checks
judge (`checker.integrations.handoff`; docs/checkov.md says when which applies).

checkov must keep its own `hcl2` (bc-python-hcl2), so we never put this
environment's site-packages on checkov's path.  Instead a shim folder holds
only a link to the `checker` package, and goes on PYTHONPATH; the policy
files are written from `checker.integrations.policy_files` (the repository's
`policies/` is the same text, held equal by a test), so every rule of the
registry has its checks even when `policies/` was not regenerated.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import checker


def _find_checkov(explicit: str | None) -> str:
    candidate = explicit or os.environ.get("BEDROCK_LIFECYCLE_CHECKOV") or shutil.which("checkov")
    if not candidate:
        raise SystemExit(
            "bedrock-lifecycle: checkov not found. Install it in its own environment (for example "
            "`pipx install checkov`) and put it on PATH, or pass --checkov PATH."
        )
    return candidate


def _shim_and_policies() -> tuple[Path, Path]:
    from checker.cache import default_cache_dir
    from checker.integrations.policy_files import write_policy_dir

    package = Path(checker.__file__).resolve().parent
    base = Path(os.environ.get("BEDROCK_LIFECYCLE_CACHE", default_cache_dir())) / f"checkov-shim-{checker.__version__}"
    shim = base / "path"
    shim.mkdir(parents=True, exist_ok=True)
    link = shim / "checker"
    if not link.exists() or link.resolve() != package:
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(package, target_is_directory=True)
    return shim, write_policy_dir(base / "policies")


def scanned_roots(checkov_args: list[str]) -> list[str]:
    """The directories (`-d`) and files (`-f`) checkov is asked to scan."""
    out = []
    for i, a in enumerate(checkov_args):
        for flag in ("-d", "--directory", "-f", "--file"):
            if a == flag and i + 1 < len(checkov_args):
                out.append(checkov_args[i + 1])
            elif a.startswith(flag + "=") and flag.startswith("--"):
                out.append(a.split("=", 1)[1])
    return out


def _write_references(paths: list[str], target: Path) -> int:
    """Scan with our sources and write what they resolved for the checks;
    returns the number of errors (reported on stderr, never fatal: the
    checks fall back to what checkov renders)."""
    from checker.integrations.handoff import resolve_document
    from checker.util.atomic import atomic_write_text

    doc, errors = resolve_document(paths)
    atomic_write_text(str(target), json.dumps(doc))
    for e in errors:
        sys.stderr.write(f"bedrock-lifecycle: {e}\n")
    return len(errors)


def run(args: argparse.Namespace) -> int:
    from checker.integrations.handoff import ENV_RESOLVE, ENV_RESOLVED

    exe = _find_checkov(args.checkov)
    shim, policies = _shim_and_policies()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(shim), env.get("PYTHONPATH", "")) if p)
    if args.feed:
        env["BEDROCK_LIFECYCLE_FEED"] = args.feed
    if args.as_of:
        env["BEDROCK_LIFECYCLE_AS_OF"] = args.as_of
    if args.eol_window is not None:
        env["BEDROCK_LIFECYCLE_EOL_WINDOW"] = str(args.eol_window)
    passthrough = [a for a in args.checkov_args if a != "--"]
    cmd = [exe, *passthrough, "--external-checks-dir", str(policies)]
    with tempfile.TemporaryDirectory(prefix="bedrock-lifecycle-") as tmp:
        if args.no_resolve:
            env[ENV_RESOLVE] = "0"  # nor in the checks' own process
        else:
            resolved = Path(tmp) / "references.json"
            _write_references(scanned_roots(passthrough), resolved)
            env[ENV_RESOLVED] = str(resolved)
        return subprocess.call(cmd, env=env)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "checkov",
        help="run checkov with the CKV_BEDROCK_* checks and these feed settings",
        description="Everything after -- goes to checkov, e.g. "
        "`bedrock-lifecycle checkov -- -d infra --check CKV_BEDROCK_*`.",
    )
    p.add_argument("--checkov", metavar="PATH", help="checkov executable (default: $BEDROCK_LIFECYCLE_CHECKOV or PATH)")
    p.add_argument("--feed", metavar="FILE|URL", help="lifecycle feed (BEDROCK_LIFECYCLE_FEED)")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="evaluation date (BEDROCK_LIFECYCLE_AS_OF)")
    p.add_argument("--eol-window", type=int, metavar="DAYS", help="CKV_BEDROCK_5 window (BEDROCK_LIFECYCLE_EOL_WINDOW)")
    p.add_argument(
        "--no-resolve",
        action="store_true",
        help="do not resolve with our scan (first, nor inside the checks): the checks judge only what checkov renders",
    )
    p.add_argument("checkov_args", nargs=argparse.REMAINDER, help="arguments for checkov, after --")
    p.set_defaults(func=run)
