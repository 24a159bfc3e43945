#!/usr/bin/env python3
"""Parse throughput: our HCL parser against python-hcl2 8.x on the same files.

The parse stage alone, one process, no prefilter: every `.tf` and `.tfvars`
file of a tree (a corpus from make_corpus.py, or any checkout) is read once
into memory, then parsed by each parser in turn.  python-hcl2 is slow enough
that by default it gets a deterministic sample (every Nth file, at least
`--sample-mb`); ours parses the same sample and then the whole tree.

    python bench/make_corpus.py --size large --out /tmp/corpus-large
    python bench/parse.py /tmp/corpus-large
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.sources.terraform.hclparse import parse_body  # noqa: E402


def _files(top: str) -> list[str]:
    out = []
    for d, dirs, names in os.walk(top):
        dirs.sort()
        out += [os.path.join(d, n) for n in sorted(names) if n.endswith((".tf", ".tfvars"))]
    return out


def _time(parse: Callable[[str], object], texts: list[str]) -> tuple[float, int]:
    failed = 0
    t0 = time.process_time()  # CPU time: the VM is shared, and wall time swings with its load
    for t in texts:
        try:
            parse(t)
        except Exception:
            failed += 1
    return time.process_time() - t0, failed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tree")
    ap.add_argument("--sample-mb", type=float, default=4.0, help="size of python-hcl2's sample")
    ap.add_argument("--no-hcl2", action="store_true", help="time only our parser")
    args = ap.parse_args()
    texts = []
    for p in _files(args.tree):
        with open(p, encoding="utf-8", errors="replace") as fh:
            texts.append(fh.read())
    total = sum(len(t.encode()) for t in texts)
    step = max(1, int(total / (args.sample_mb * 1024 * 1024)))
    sample = texts[::step]
    sample_bytes = sum(len(t.encode()) for t in sample)
    mb = 1024 * 1024
    print(f"{len(texts)} files, {total / mb:.1f} MB; ", end="")
    print(f"sample: every {step}th file, {len(sample)} files, {sample_bytes / mb:.1f} MB")
    rows = []
    secs, failed = _time(parse_body, sample)
    rows.append(("ours (sample)", secs, sample_bytes, failed))
    if not args.no_hcl2:
        from hcl2.api import parses_to_tree

        from tests.terraform.hcl2_reference import reference_body

        secs, failed = _time(parses_to_tree, sample)
        rows.append(("python-hcl2 parses_to_tree (sample)", secs, sample_bytes, failed))
        secs, failed = _time(reference_body, sample)
        rows.append(("python-hcl2 + tree builder, the old path (sample)", secs, sample_bytes, failed))
    secs, failed = _time(parse_body, texts)
    rows.append(("ours (whole tree)", secs, total, failed))
    for name, secs, size, failed in rows:
        note = f", {failed} files rejected" if failed else ""
        print(f"{name:52s} {secs:8.2f} s {size / mb / secs:7.2f} MB/s{note}")
    if not args.no_hcl2:
        old, lark_only = rows[2][1] / rows[0][1], rows[1][1] / rows[0][1]
        print(f"ratio on the sample: {old:.1f}x the old path, {lark_only:.1f}x parses_to_tree")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
