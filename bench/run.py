#!/usr/bin/env python3
"""Time `bedrock-lifecycle scan` against checkov (our checks only) and `grep -r`
on the same generated tree, in one run.

Prints, per tool: median wall time over the repetitions, MB/s, peak RSS of
the whole process tree (workers included), and the ratio to checkov.  The
numbers in bench/README.md come from this script.

    python bench/run.py --size small --reps 5
    python bench/run.py --size large --reps 3 --no-checkov
    python bench/run.py --size large --checkov-timeout 3600   # checkov once, at most an hour

checkov runs once by default (`--checkov-reps`): minutes on the small
corpus, over an hour on the large one.  Its memory is sampled during that
run, and its CPU time is printed too (its work runs in one process, so on an
idle machine its wall time is close to that).  A run stopped by
`--checkov-timeout` is reported as a lower bound (`>`), and so is the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                ppid = vm = 0
                for line in fh:
                    if line.startswith("PPid:"):
                        ppid = int(line.split()[1])
                    elif line.startswith("VmRSS:"):
                        vm = int(line.split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(entry))
        rss[int(entry)] = vm
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


class Run(NamedTuple):
    seconds: float
    peak_kb: int  # resident memory of the whole process tree; 0 when not sampled
    code: int
    cpu_seconds: float
    timed_out: bool


def measure(cmd: list[str], env: dict[str, str] | None = None, rss: bool = False, timeout: float | None = None) -> Run:
    """One run.  Sampling memory reads /proc every 50 ms, which takes CPU from
    the tool being timed, so the timed runs of the fast tools do not sample
    (`rss=False`) and one more run does.  A run over `timeout` is stopped with
    its whole process group."""
    start = time.perf_counter()
    cpu_before = _children_cpu()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            done.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    if rss:
        t.start()
    timed_out = False
    try:
        code = proc.wait(timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    if rss:
        t.join()
    return Run(elapsed, peak, code, _children_cpu() - cpu_before, timed_out)


def tree_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", choices=["small", "large"], default="small")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="scan this tree instead of generating one")
    ap.add_argument("--no-checkov", action="store_true", help="skip checkov (it takes minutes on large)")
    ap.add_argument("--checkov", help="checkov executable (default: the cached test environment)")
    ap.add_argument("--checkov-reps", type=int, default=1, help="times checkov is run (default 1)")
    ap.add_argument(
        "--checkov-timeout", type=float, help="stop a checkov run after this many seconds and report a lower bound"
    )
    ap.add_argument("--cache", action="store_true", help="also time a warm-cache re-scan")
    ap.add_argument("--json", type=Path, help="write the results here as JSON")
    ap.add_argument(
        "--double",
        action="store_true",
        help="also time the tree doubled (a second corpus of the same size, another seed, scanned together)",
    )
    args = ap.parse_args(argv)

    corpus = args.corpus
    if corpus is None:
        from make_corpus import generate

        corpus = ROOT / "bench" / "corpus" / args.size
        generate(args.size, corpus)
    mb = tree_bytes(corpus) / 1e6
    tool = str(Path(sys.executable).parent / "bedrock-lifecycle")
    scan = [tool, "scan", str(corpus), "--format", "json", "--output", os.devnull, "-q", "--as-of", "2026-11-24"]

    runs: dict[str, list[str]] = {"bedrock-lifecycle": scan}
    env = dict(os.environ)
    if args.cache:
        cache_dir = ROOT / "bench" / "results" / "cache"
        shutil.rmtree(cache_dir, ignore_errors=True)
        runs["bedrock-lifecycle (warm cache)"] = [*scan, "--cache", str(cache_dir)]
    if args.double:
        from make_corpus import generate

        twin = ROOT / "bench" / "corpus" / f"{corpus.name}-seed2"
        if not twin.is_dir():
            generate(args.size, twin, seed=2)
        runs["bedrock-lifecycle (tree doubled)"] = [*scan[:2], str(twin), *scan[2:]]
    runs["grep -r (floor)"] = ["grep", "-rIl", "-e", "foundation", "-e", "anthropic", str(corpus)]
    if not args.no_checkov:
        checkov = args.checkov
        if checkov is None:
            from tools.checkov_env import ensure_checkov  # type: ignore[import-not-found]

            checkov = str(ensure_checkov())
        runs["checkov (CKV_BEDROCK_* only)"] = [
            checkov, "-d", str(corpus), "--external-checks-dir", str(ROOT / "policies"),
            "--check", "CKV_BEDROCK_*", "--framework", "terraform", "terraform_plan", "cloudformation",
            "-o", "json", "--quiet", "--skip-download",
        ]  # fmt: skip

    results: dict[str, dict[str, float]] = {}
    for name, cmd in runs.items():
        slow = name.startswith("checkov")
        if "warm cache" in name:
            measure(cmd, env)  # fill the cache once
        times, cpus, peak, stopped = [], [], 0, False
        for _ in range(args.checkov_reps if slow else args.reps):
            # checkov runs for minutes: sampling its memory costs it nothing
            # that matters, and a second run just for memory would cost an hour.
            run = measure(cmd, env, rss=slow, timeout=args.checkov_timeout if slow else None)
            if run.code > 2 and "grep" not in name and not run.timed_out:
                print(f"{name}: exit code {run.code}", file=sys.stderr)
            times.append(run.seconds)
            cpus.append(run.cpu_seconds)
            peak = max(peak, run.peak_kb)
            stopped |= run.timed_out
        if not slow:
            peak = measure(cmd, env, rss=True).peak_kb
        med = statistics.median(times)
        size = mb * 2 if "doubled" in name else mb
        results[name] = {
            "median_s": med,
            "min_s": min(times),
            "max_s": max(times),
            "mb_per_s": size / med,
            "peak_rss_mb": peak / 1024,
            "cpu_s": statistics.median(cpus),
            "stopped_at_timeout": stopped,
        }
    checkov = next((r for n, r in results.items() if n.startswith("checkov")), None)
    bound = ">" if checkov and checkov["stopped_at_timeout"] else ""
    print(f"corpus: {corpus} ({mb:.1f} MB), {args.reps} repetitions, {os.cpu_count()} cores, {platform.platform()}")
    print(
        f"{'tool':<32} {'median s':>9} {'min-max s':>14} {'CPU s':>8} {'MB/s':>8} {'peak RSS MB':>12} "
        f"{'vs checkov':>11}"
    )
    for name, r in results.items():
        ratio = f"{bound}{checkov['median_s'] / r['median_s']:.1f}x" if checkov else "-"
        mark = bound if r is checkov else ""
        # A stopped run's workers are killed unreaped, so its CPU time is not known.
        cpu = "-" if mark else f"{r['cpu_s']:.1f}"
        spread = f"{r['min_s']:.2f}-{r['max_s']:.2f}"
        print(
            f"{name:<32} {mark + format(r['median_s'], '.2f'):>9} {spread:>14} {cpu:>8} "
            f"{r['mb_per_s']:>8.2f} {r['peak_rss_mb']:>12.0f} {ratio:>11}"
        )
    doubled = results.get("bedrock-lifecycle (tree doubled)")
    if doubled:
        ratio = doubled["median_s"] / results["bedrock-lifecycle"]["median_s"]
        print(f"doubling the tree multiplied the time by {ratio:.2f} (target: at most 2.2)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"corpus_mb": mb, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
