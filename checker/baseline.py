"""A baseline: the findings a repository already had when it adopted the
tool, so that only new ones fail the pipeline.

Findings are matched by fingerprint (rule, file, resource, attribute, model),
which survives lines moving.  The file is written atomically and a corrupt
one is refused with a clear error, never silently replaced.
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from checker import __version__
from checker.model import Finding
from checker.reports.common import fingerprint
from checker.util.atomic import atomic_write_text
from checker.util.textio import FileReadError, read_regular_bytes

BASELINE_VERSION = 1
#: A baseline holds one short entry per finding; far larger is not one.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    pass


def write_baseline(path: str | Path, findings: list[Finding], created: date) -> int:
    entries = sorted(
        (
            {
                "fingerprint": fingerprint(f),
                "rule_id": f.rule_id,
                "file": f.reference.location.file,
                "resource": f.reference.resource,
                "model_id": f.model_id,
            }
            for f in findings
            if f.suppression is None or f.suppression.expired
        ),
        key=lambda e: (e["file"], e["resource"], e["rule_id"], e["fingerprint"]),
    )
    unique = list({e["fingerprint"]: e for e in entries}.values())
    doc = {
        "version": BASELINE_VERSION,
        "tool": f"bedrock-lifecycle {__version__}",
        "created": created.isoformat(),
        "findings": unique,
    }
    atomic_write_text(path, json.dumps(doc, indent=2) + "\n")
    return len(unique)


def load_baseline(path: str | Path) -> set[str]:
    p = Path(path)
    if not os.path.lexists(p):
        raise BaselineError(f"{p}: baseline not found (create it with --create-baseline {p})")
    try:
        # A regular file of bounded size: a FIFO or /dev/zero must not hang
        # or exhaust the job.
        doc: Any = json.loads(read_regular_bytes(p, MAX_BASELINE_BYTES, "").decode("utf-8"))
    except (FileReadError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{p}: cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"{p}: baseline is not valid JSON ({exc.msg} at line {exc.lineno}); "
            "fix it or create a new one with --create-baseline"
        ) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise BaselineError(f"{p}: baseline is not valid JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("version") != BASELINE_VERSION or not isinstance(doc.get("findings"), list):
        raise BaselineError(
            f"{p}: not a bedrock-lifecycle baseline (expected version {BASELINE_VERSION} with a 'findings' list)"
        )
    out = set()
    for i, e in enumerate(doc["findings"]):
        if not isinstance(e, dict) or not isinstance(e.get("fingerprint"), str):
            raise BaselineError(f"{p}: findings[{i}] has no fingerprint")
        out.add(e["fingerprint"])
    return out


def apply_baseline(findings: list[Finding], known: set[str]) -> list[Finding]:
    return [replace(f, baselined=True) if fingerprint(f) in known else f for f in findings]
