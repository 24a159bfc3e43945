"""`make oracle`: thousands of generated cases over several seeds, plus the
hand-written ones, against the real `terraform`; exits 1 on any
disagreement, printing each with its configuration.

    python -m tests.terraform.oracle --seeds 1 2 3 4 --cases 600
"""

from __future__ import annotations

import argparse
import sys
import time

from tests.terraform.oracle import generator, handwritten
from tests.terraform.oracle.harness import Tally, run_cases, terraform_path


def main() -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.terraform.oracle")
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4])
    ap.add_argument("--cases", type=int, default=600, help="generated cases per seed")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--show", type=int, default=10, help="disagreements printed in full")
    args = ap.parse_args()
    if terraform_path() is None:
        print("terraform is not on PATH: the differential suite cannot run", file=sys.stderr)
        return 2
    total = Tally()
    for seed in args.seeds:
        t0 = time.monotonic()
        tally = run_cases(generator.generate(seed, args.cases), args.workers)
        print(f"seed {seed}: {tally.summary()} [{time.monotonic() - t0:.0f} s]")
        total.add(tally)
    t0 = time.monotonic()
    hand = run_cases(handwritten.cases(), args.workers)
    print(f"hand-written: {hand.summary()} [{time.monotonic() - t0:.0f} s]")
    total.add(hand)
    print(f"total: {total.summary()}")
    for note, n in sorted(total.unresolved_notes.items(), key=lambda kv: -kv[1]):
        print(f"  unresolved {n:5d}  {note}")
    for d in total.disagreements[: args.show]:
        print("\n=== DISAGREEMENT ===\n" + d)
    return 1 if total.disagreements else 0


if __name__ == "__main__":
    sys.exit(main())
