"""Which Terraform directories form one unit: a root module and the local
modules it calls, found from the first pass (no parsing)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from checker.sources.base import ScanOptions, Unit
from checker.sources.prefilter import NOTHING, Probe


def plan_units(
    tf_dirs: dict[str, list[str]], options: ScanOptions, probes: Mapping[str, Probe] | None = None
) -> list[Unit]:
    """Group directories into root modules plus the local modules they call.

    A directory called by another scanned directory is scanned only through
    its caller (so its variables get the caller's values); a directory nobody
    calls is a root.  Directories only reachable through a cycle become roots.
    A unit matters when any of its files may hold a model, or when variables
    given on the command line may bring one in.
    """
    if probes is None:
        from checker.sources.prefilter import probe_files

        probes = probe_files([f for fs in tf_dirs.values() for f in fs], options.max_file_bytes)
    norm = {os.path.normpath(d): fs for d, fs in tf_dirs.items()}
    calls: dict[str, list[str]] = {}
    called: set[str] = set()
    for d, fs in norm.items():
        targets = []
        for f in fs:
            for src in probes.get(f, NOTHING).modules:
                t = os.path.normpath(os.path.join(d, src))
                if t in norm and t != d:
                    targets.append(t)
                    called.add(t)
        calls[d] = targets
    given = bool(options.tf_vars or options.tf_var_files)

    def unit(key: str, dirs: list[str]) -> Unit:
        files = tuple(f for x in dirs for f in sorted(norm[x]))
        return Unit("terraform", key, files, matters=given or any(probes.get(f, NOTHING).matters for f in files))

    roots = sorted(d for d in norm if d not in called)
    units: list[Unit] = []
    covered: set[str] = set()

    def closure(root: str) -> list[str]:
        seen, stack = [], [root]
        while stack:
            d = stack.pop()
            if d in seen:
                continue
            seen.append(d)
            stack.extend(calls.get(d, []))
        return seen

    for r in roots:
        dirs = closure(r)
        covered.update(dirs)
        units.append(unit(r, dirs))
    for d in sorted(norm):
        if d not in covered:
            dirs = closure(d)
            covered.update(dirs)
            units.append(unit(d, dirs))
    return units
