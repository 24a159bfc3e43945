"""Where model references come from.

Discovery walks the tree once, safely (no escaping the root through symlinks,
no loops, no vendored directories), and groups files into *units*: a Terraform
module directory, a CloudFormation/SAM template, a plan file, a CDK cloud
assembly.  Units are independent, so they can be scanned in parallel and cached.
Each source module exposes `scan_unit(unit, options) -> SourceResult`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from importlib import import_module
from itertools import repeat
from pathlib import Path

from checker.model import ScanError, SourceResult
from checker.sources.prefilter import NOTHING, Probe
from checker.util.textio import DEFAULT_MAX_FILE_BYTES

#: Directories that never hold the user's own IaC: provider binaries, vendored
#: packages, build output that duplicates a template.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".serverless",
        ".aws-sam",
        ".terragrunt-cache",
    }
)

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".templ")


@dataclass(frozen=True)
class ScanOptions:
    """Everything a source may need; plain data so it crosses process boundaries."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    tf_vars: tuple[tuple[str, str], ...] = ()
    tf_var_files: tuple[str, ...] = ()
    cfn_parameters: tuple[tuple[str, str], ...] = ()
    cfn_parameter_files: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    prefilter: bool = True


@dataclass(frozen=True)
class Unit:
    """One independently scannable piece of the tree."""

    source: str
    key: str
    files: tuple[str, ...]
    root: str = "."
    #: False when the first pass showed that no file of the unit can hold a
    #: model: the unit is then neither parsed nor looked up in the cache.
    matters: bool = True


@dataclass
class Discovery:
    units: list[Unit] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    files_seen: int = 0


#: source name -> module that implements `scan_unit`.
SOURCE_MODULES = {
    "terraform": "checker.sources.terraform",
    "terraform_plan": "checker.sources.terraform_plan",
    "cloudformation": "checker.sources.cloudformation",
    "cdk": "checker.sources.cdk",
}


def scanner_for(source: str) -> Callable[[Unit, ScanOptions], SourceResult]:
    module = import_module(SOURCE_MODULES[source])
    fn: Callable[[Unit, ScanOptions], SourceResult] = module.scan_unit
    return fn


def display_path(path: str | Path) -> str:
    """Paths as the user passed them, relative to the working directory when
    inside it, with forward slashes, so reports are stable across machines."""
    p = os.path.normpath(str(path))
    try:
        rel = os.path.relpath(p)
        if not rel.startswith(".."):
            p = rel
    except ValueError:
        pass
    return p.replace(os.sep, "/")


def _is_within(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def inside(path: str, real_roots: Iterable[str]) -> bool:
    """Whether `path`, every symlink resolved, is at or below one of the
    roots (given as real paths).  Every path taken from file contents (module
    sources, TemplateURL, manifest entries) goes through here before it is read."""
    return _is_within(os.path.realpath(path), real_roots)


def _list_dir(
    d: str,
    roots: list[str],
    errors: list[ScanError],
    out: list[str],
    visited: set[tuple[int, int]],
    dir_mtimes: dict[str, int] | None = None,
) -> list[str]:
    """Add the files of one directory to `out` and return its subdirectories
    to visit; symlinks are judged here, once, for every walk."""
    try:
        st = os.stat(d)
    except OSError as exc:
        errors.append(ScanError(display_path(d), f"cannot stat: {exc.strerror or exc}"))
        return []
    if (st.st_dev, st.st_ino) in visited:  # a bind mount or similar: each directory once
        errors.append(ScanError(display_path(d), "symlink loop: directory already visited, not followed"))
        return []
    visited.add((st.st_dev, st.st_ino))
    if dir_mtimes is not None:
        dir_mtimes[d] = st.st_mtime_ns
    try:
        with os.scandir(d) as it:
            entries = list(it)
    except OSError as exc:
        errors.append(ScanError(display_path(d), f"cannot list directory: {exc.strerror or exc}"))
        return []
    subdirs = []
    for e in entries:
        try:
            # Most entries are plain files: ask that first (d_type, no system call).
            if e.is_file(follow_symlinks=False):
                out.append(e.path)
            elif e.is_dir(follow_symlinks=False):
                if e.name not in SKIP_DIRS:
                    subdirs.append(e.path)
            elif e.is_symlink():
                target = os.path.realpath(e.path)
                if not os.path.exists(target):
                    errors.append(ScanError(display_path(e.path), "broken symlink, not followed"))
                    continue
                if not _is_within(target, roots):
                    errors.append(
                        ScanError(display_path(e.path), "symlink points outside the scanned tree, not followed")
                    )
                    continue
                if os.path.isdir(target):
                    # The target is inside a scanned root, so it is read
                    # at its real place; following the link would scan it
                    # twice, or forever when it points at an ancestor.
                    if _is_within(os.path.realpath(d), [target]):
                        errors.append(ScanError(display_path(e.path), "symlink loop, not followed"))
                    continue
                out.append(e.path)
        except OSError as exc:
            errors.append(ScanError(display_path(e.path), f"cannot stat: {exc.strerror or exc}"))
    return subdirs


def _walk_tree(
    top: str,
    roots: list[str],
    errors: list[ScanError],
    out: list[str],
    visited: set[tuple[int, int]],
    dir_mtimes: dict[str, int] | None = None,
) -> None:
    stack = [top]
    while stack:
        stack.extend(_list_dir(stack.pop(), roots, errors, out, visited, dir_mtimes))


def walk(paths: Iterable[str], errors: list[ScanError]) -> list[str]:
    """Every regular file under `paths`, never leaving the real roots.

    Symlinks are followed only when their target stays inside a scanned root;
    a directory reached twice by its real path is a loop and is reported.
    """
    paths = list(paths)
    roots = [os.path.realpath(p) for p in paths]
    out: list[str] = []
    for given in paths:
        if not os.path.exists(given):
            errors.append(ScanError(display_path(given), "no such file or directory", kind="usage"))
            continue
        if os.path.isfile(given):
            out.append(given)
            continue
        _walk_tree(given, roots, errors, out, set())
    # One sort at the end instead of one per directory: the order is the
    # same for every run, at a fraction of the cost on large trees.
    out.sort()
    return out


@dataclass
class Survey:
    """The walk and the first pass together: every file, what one read of
    each said, and what could not be read."""

    files: list[str]
    probes: dict[str, Probe]
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
        _walk_tree(d, roots, errors, files, set(seen), dir_mtimes)
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


class LazyPool:
    """One process pool for a whole scan (walk and first pass, then parsing),
    started only when some stage finds enough work to pay for it."""

    def __init__(self, jobs: int = 0) -> None:
        self.workers = jobs or (os.cpu_count() or 1)
        self._pool: Executor | None = None

    def get(self) -> Executor | None:
        if self.workers <= 1:
            return None
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


#: Subtrees per worker worth sharing out; fewer, and the tree is walked here.
SUBTREES_PER_WORKER = 16
#: Files below which the first pass runs here rather than in workers.
PROBE_PARALLEL_THRESHOLD = 2000


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
            errors.append(ScanError(display_path(p), "no such file or directory", kind="usage"))
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
        level = [s for d in level for s in _list_dir(d, roots, errors, files, seen, dir_mtimes)]
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


def _is_plan_json(path: str) -> bool:
    """A plan is a JSON object with `format_version` and plan-only keys; read
    only the head, as plans can be large."""
    from checker.sources.prefilter import PLAN_HEAD, looks_like_plan

    try:
        with open(path, "rb") as fh:
            return looks_like_plan(fh.read(PLAN_HEAD))
    except OSError:
        return False


def discover(paths: Iterable[str], options: ScanOptions | None = None) -> Discovery:
    paths = list(paths)
    disc = Discovery()
    files = walk(paths, disc.errors)
    disc.files_seen = len(files)
    disc.units = plan(files, options)
    return disc


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


def plan(files: list[str], options: ScanOptions | None = None, probes: Mapping[str, Probe] | None = None) -> list[Unit]:
    """Group walked files into units (by content where names do not say), and
    mark the units the first pass rules out, from one read of each file."""
    options = options or ScanOptions()
    if probes is None:
        probes = probe_all(files, options)
    early, tf_dirs, late = plan_parts(files, options, probes)
    return [*early, *terraform_units(tf_dirs, options, probes), *late]


def plan_parts(
    files: list[str], options: ScanOptions, probes: Mapping[str, Probe]
) -> tuple[list[Unit], dict[str, list[str]], list[Unit]]:
    """`plan` in parts, in output order: templates and plans, the Terraform
    directories (grouping them into units walks the module graph, the one
    slow step of planning), then cloud assemblies.  The pipeline starts the
    first part scanning before it groups the Terraform directories."""
    assemblies = {os.path.dirname(f) for f, p in probes.items() if p.assembly}
    # Nested assemblies (assembly-*) belong to the outermost one.
    assemblies = {d for d in assemblies if not any(d != o and _is_within(d, [o]) for o in assemblies)}
    inside_assembly = tuple(a.rstrip(os.sep) + os.sep for a in assemblies)
    tf_dirs: dict[str, list[str]] = {}
    units: list[Unit] = []
    for f in files:
        if inside_assembly and f.startswith(inside_assembly):
            continue
        d, _, name = f.rpartition(os.sep)
        if name.endswith(TERRAFORM_SUFFIXES):
            tf_dirs.setdefault(d or ".", []).append(f)
        elif name.endswith(TEMPLATE_SUFFIXES):
            probe = probes.get(f, NOTHING)
            if probe.plan:
                units.append(Unit("terraform_plan", f, (f,)))
            else:
                units.append(Unit("cloudformation", f, (f,), matters=probe.matters))
    early = group_nested_templates(units, options, probes)
    late = [Unit("cdk", a, (os.path.join(a, "manifest.json"),)) for a in sorted(assemblies)]
    return early, tf_dirs, late


def group_nested_templates(
    units: list[Unit], options: ScanOptions, probes: Mapping[str, Probe] | None = None
) -> list[Unit]:
    """A template that another scanned template ships as a nested stack is
    scanned through its parent (with the parameters the parent passes), not
    again on its own; its file joins the parent's unit (which then matters if
    any of its templates does)."""
    from checker.sources.cloudformation import nested_template_paths
    from checker.util.textio import FileReadError, read_text

    templates = {os.path.normpath(u.key): u for u in units if u.source == "cloudformation"}
    children: dict[str, list[str]] = {}
    for key, unit in templates.items():
        if probes is not None and not probes.get(unit.key, NOTHING).nests:
            continue  # the first pass read it: most templates nest nothing
        try:
            text = read_text(key, options.max_file_bytes)
        except FileReadError:
            continue
        if "AWS::CloudFormation::Stack" not in text:
            continue
        for rel in nested_template_paths(text):
            target = os.path.normpath(os.path.join(os.path.dirname(key), rel))
            if target in templates and target != key:
                children.setdefault(key, []).append(target)
    nested = {c for cs in children.values() for c in cs}
    reachable: set[str] = set()
    stack = [k for k in templates if k not in nested]
    while stack:
        k = stack.pop()
        if k not in reachable:
            reachable.add(k)
            stack.extend(children.get(k, []))
    out = []
    for u in units:
        key = os.path.normpath(u.key)
        if u.source != "cloudformation":
            out.append(u)
        elif key not in nested or key not in reachable:  # roots, and templates only reachable in a cycle
            kids = children.get(key, [])
            matters = u.matters or any(templates[c].matters for c in kids)
            out.append(Unit(u.source, u.key, (*u.files, *kids), u.root, matters))
    return out


def terraform_units(
    tf_dirs: dict[str, list[str]], options: ScanOptions, probes: Mapping[str, Probe] | None = None
) -> list[Unit]:
    """Group Terraform directories into units: a root module and the local
    modules it calls form one unit (the Terraform source decides)."""
    from checker.sources.terraform import plan_units

    return plan_units(tf_dirs, options, probes)


def load_json_object(path: str, max_bytes: int) -> object:
    from checker.util.textio import read_text

    return json.loads(read_text(path, max_bytes))
