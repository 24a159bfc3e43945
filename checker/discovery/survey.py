"""The walk and the first pass together, shared out to the workers when the
tree is wide enough: every file, what one read of each said, and what could
not be read."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from itertools import repeat

from checker.discovery.pool import LazyPool
from checker.discovery.walk import display_path, list_dir, walk_tree
from checker.model import ErrorKind, ScanError
from checker.sources.base import ScanOptions
from checker.sources.prefilter import Probe

#: Subtrees per worker worth sharing out; fewer, and the tree is walked here.
SUBTREES_PER_WORKER = 16
#: Files below which the first pass runs here rather than in workers.
PROBE_PARALLEL_THRESHOLD = 2000


@dataclass
class Survey:
    """The walk and the first pass together: every file, what one read of
    each said, and what could not be read."""

    #: Every regular file found, sorted.
    files: list[str]
    #: The first pass's verdict per file (files it says nothing about are absent).
    probes: dict[str, Probe]
    #: What could not be walked or read.
    errors: list[ScanError]
    #: Size and modification time of each file, instead of probes, when the
    #: survey only has to tell whether the tree changed (`stat_only`), and
    #: the modification time of each directory (which changes when an entry
    #: is added, removed or renamed).
    stats: dict[str, tuple[int, int]] | None = None
    dir_mtimes: dict[str, int] | None = None
    #: For a survey read back from the cache and found unchanged: a digest of
    #: everything in it, which keys the tree without hashing every entry.
    digest: str | None = None


def stat_files(files: list[str]) -> dict[str, tuple[int, int]]:
    """(size, mtime in ns) of each file; one that vanished is left out."""
    out = {}
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            continue
        out[f] = (st.st_size, st.st_mtime_ns)
    return out


def _survey_subtrees(
    dirs: list[str],
    roots: list[str],
    seen: set[tuple[int, int]],
    max_bytes: int,
    parameters_given: bool,
    stat_only: bool = False,
) -> Survey:
    """A worker's share: walk these subtrees and read their files once (or
    only stat them).  `seen` holds the directories above them, so a loop
    back up is caught."""
    from checker.sources.prefilter import probe_files

    files: list[str] = []
    errors: list[ScanError] = []
    dir_mtimes: dict[str, int] | None = {} if stat_only else None
    for d in dirs:
        walk_tree(d, roots, errors, files, set(seen), dir_mtimes)
    if stat_only:
        return Survey(files, {}, errors, stat_files(files), dir_mtimes)
    return Survey(files, probe_files(files, max_bytes, parameters_given), errors)


def unchanged(previous: Survey) -> bool:
    """Whether a tree still is as a stat-only survey saw it, without walking
    it again: every directory keeps its modification time (so no entry was
    added, removed or renamed in it) and every file its size and time."""
    if previous.stats is None or previous.dir_mtimes is None:
        return False
    try:
        for d, mtime in previous.dir_mtimes.items():
            if os.stat(d).st_mtime_ns != mtime:
                return False
        for f, (size, mtime) in previous.stats.items():
            st = os.stat(f)
            if st.st_mtime_ns != mtime or st.st_size != size:
                return False
    except OSError:
        return False
    return len(previous.stats) == len(previous.files)


def survey(
    paths: Sequence[str], options: ScanOptions, pools: LazyPool | None = None, stat_only: bool = False
) -> Survey:
    """Walk the tree and run the first pass (or, with `stat_only`, only stat
    every file, to recognise an unchanged tree).  The top levels are listed
    here, breadth first; when they show a tree wide enough to share out, the
    subtrees below are walked and read in the workers, so that neither the
    walk nor the reads wait on one core."""
    given = bool(options.cfn_parameters or options.cfn_parameter_files)
    roots = [os.path.realpath(p) for p in paths]
    files: list[str] = []
    errors: list[ScanError] = []
    seen: set[tuple[int, int]] = set()
    level: list[str] = []
    for p in paths:
        if not os.path.exists(p):
            errors.append(ScanError(display_path(p), "no such file or directory", kind=ErrorKind.USAGE))
        elif os.path.isfile(p):
            files.append(p)
        else:
            level.append(p)
    workers = pools.workers if pools is not None else 1
    pool = None
    dir_mtimes: dict[str, int] | None = {} if stat_only else None
    while level:
        if workers > 1 and len(level) >= SUBTREES_PER_WORKER * workers:
            pool = pools.get() if pools is not None else None
            break
        level = [s for d in level for s in list_dir(d, roots, errors, files, seen, dir_mtimes)]
    if pool is None:
        files.sort()
        if stat_only:
            return Survey(files, {}, errors, stat_files(files), dir_mtimes)
        many = workers > 1 and len(files) >= PROBE_PARALLEL_THRESHOLD and pools is not None
        return Survey(files, probe_all(files, options, pools.get() if many and pools else None), errors)
    level.sort()
    n = 4 * workers
    batches = [level[i::n] for i in range(min(len(level), n))]
    if stat_only:
        merged = Survey(files, {}, errors, stat_files(files), dir_mtimes)
    else:
        merged = Survey(files, probe_all(files, options), errors)
    for part in pool.map(
        _survey_subtrees,
        batches,
        repeat(roots),
        repeat(seen),
        repeat(options.max_file_bytes),
        repeat(given),
        repeat(stat_only),
    ):
        merged.files.extend(part.files)
        merged.probes.update(part.probes)
        merged.errors.extend(part.errors)
        if merged.stats is not None and part.stats is not None:
            merged.stats.update(part.stats)
        if merged.dir_mtimes is not None and part.dir_mtimes is not None:
            merged.dir_mtimes.update(part.dir_mtimes)
    merged.files.sort()
    return merged


def probe_all(files: Sequence[str], options: ScanOptions, pool: Executor | None = None) -> dict[str, Probe]:
    """The first pass over every file a source could read, in the pool's
    workers when there is one (batches keep the round trips few).  Files
    whose probe says nothing are left out (see `prefilter.NOTHING`)."""
    from checker.sources.prefilter import probe_files, wants_probe

    todo = [f for f in files if wants_probe(f)]
    given = bool(options.cfn_parameters or options.cfn_parameter_files)
    if pool is None:
        return probe_files(todo, options.max_file_bytes, given)
    size = max(64, min(1024, len(todo) // 64 or 1))
    batches = [todo[i : i + size] for i in range(0, len(todo), size)]
    probes: dict[str, Probe] = {}
    for got in pool.map(probe_files, batches, repeat(options.max_file_bytes), repeat(given)):
        probes.update(got)
    return probes
