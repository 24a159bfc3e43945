#!/usr/bin/env python3
"""Compare our HCL parser with python-hcl2 8.x on every `.tf` / `.tfvars` file
under the given directories (checkouts of real repositories), and let the
`terraform` binary decide each disagreement it can.

For each file: both parse, or both refuse, or one refuses (then `terraform
fmt` says which is right); when both parse, every attribute and block is
compared (name, labels, position, value, and each expression node's type,
position and text: tests/terraform/hcl2_reference.py).  A differing
literal value (heredocs, mostly) is evaluated with `terraform console` and
the side it matches is counted.  Nothing is written; the counts are printed.

    git clone --depth 1 https://github.com/aws-ia/terraform-aws-bedrock /tmp/repos/bedrock
    .venv/bin/python tools/hcl_differential.py /tmp/repos/*
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.sources.terraform.hclast import Attribute, Expr, Lit  # noqa: E402
from tests.terraform.hcl2_reference import Tally, compare  # noqa: E402

TF_ENV = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE=os.devnull)


def _files(tops: list[str]) -> Iterator[str]:
    for top in tops:
        for d, dirs, names in os.walk(top):
            dirs[:] = sorted(x for x in dirs if x != ".git")
            yield from (os.path.join(d, n) for n in sorted(names) if n.endswith((".tf", ".tfvars")))


def _fmt_accepts(src: str) -> bool | None:
    if shutil.which("terraform") is None:
        return None
    r = subprocess.run(["terraform", "fmt", "-no-color", "-"], input=src, capture_output=True, text=True, env=TF_ENV)
    return r.returncode == 0


def _console(expr_text: str) -> Any:
    with tempfile.TemporaryDirectory() as d:
        Path(d, "main.tf").write_text("locals {\n  v = " + expr_text + "\n}\n")
        r = subprocess.run(
            ["terraform", "console"], input="jsonencode(local.v)\n", cwd=d, capture_output=True, text=True, env=TF_ENV
        )
        return json.loads(json.loads(r.stdout)) if r.returncode == 0 else None


def _literal_pairs(ours: Any, ref: Any) -> Iterator[tuple[Lit, Lit]]:
    """Pairs of differing literal values (heredocs, strings) in two trees."""
    for a, b in zip(ours, ref, strict=False):
        if isinstance(a, Attribute):
            yield from _expr_pairs(a.expr, b.expr)
        else:
            yield from _literal_pairs(a.body, b.body)


def _expr_pairs(a: Expr, b: Expr) -> Iterator[tuple[Lit, Lit]]:
    if isinstance(a, Lit) and isinstance(b, Lit):
        if a.value != b.value:
            yield a, b
        return
    for f in a.__dataclass_fields__:
        x, y = getattr(a, f), getattr(b, f, None)
        if isinstance(x, Expr) and isinstance(y, Expr):
            yield from _expr_pairs(x, y)
        elif isinstance(x, tuple) and isinstance(y, tuple):
            for p, q in zip(x, y, strict=False):
                if isinstance(p, tuple):
                    for pp, qq in zip(p, q, strict=False):
                        yield from _expr_pairs(pp, qq)
                elif isinstance(p, Expr) and isinstance(q, Expr):
                    yield from _expr_pairs(p, q)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--show", type=int, default=5, help="differences shown per file")
    args = ap.parse_args()
    tally = Tally()
    counts: collections.Counter[str] = collections.Counter()
    verdicts: collections.Counter[str] = collections.Counter()
    for path in _files(args.dirs):
        with open(path, encoding="utf-8", errors="replace") as fh:
            src = fh.read()
        counts["files"] += 1
        outcome, ours, ref, diffs = compare(src, tally)
        if outcome == "both refuse":
            counts["both refuse"] += 1
            continue
        if outcome in ("we refuse", "python-hcl2 refuses"):
            tf = _fmt_accepts(src)
            who = "?" if tf is None else "ours" if tf == (outcome == "python-hcl2 refuses") else "python-hcl2"
            counts["one refuses"] += 1
            verdicts[f"acceptance: terraform sides with {who}"] += 1
            print(f"ONE REFUSES {path}: ours={ours!s:.120} ref={ref!s:.120} -> terraform sides with {who}")
            continue
        if not diffs:
            counts["identical"] += 1
            continue
        counts["differ"] += 1
        print(f"DIFFERS {path}")
        for d in diffs[: args.show]:
            print(f"    {d[:300]}")
        if shutil.which("terraform"):
            for a, b in _literal_pairs(ours, ref):
                tf = _console(a.text)
                who = "ours" if tf == a.value else "python-hcl2" if tf == b.value else "neither"
                verdicts[f"value: terraform console sides with {who}"] += 1
                print(f"    line {a.line}: terraform console sides with {who}")
    print(dict(counts))
    print(f"compared: {tally.attributes} attributes, {tally.blocks} blocks, {tally.nodes} expression nodes")
    print(dict(verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
