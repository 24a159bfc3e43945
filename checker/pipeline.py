"""One pipeline: discover units, read references from each, judge them
against the feed, hand the result to a report.

A reference flows one way: sources -> rules -> reports.  Units are
independent, so they are scanned in worker processes when there are enough of
them to pay for the start-up.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import date
from itertools import repeat
from typing import Any

from checker import __version__
from checker.baseline import apply_baseline
from checker.cache import ResultCache, code_version, tree_key, unit_key
from checker.discovery.pool import LazyPool
from checker.discovery.survey import PROBE_PARALLEL_THRESHOLD, Survey, probe_all, survey, unchanged
from checker.discovery.units import late_units, plan_parts
from checker.discovery.walk import display_path
from checker.feed.model import Feed
from checker.model import (
    AssessedReference,
    ErrorKind,
    Finding,
    LifecycleStatus,
    Reference,
    ScanError,
    ScanResult,
    Severity,
    SourceFramework,
    SourceResult,
    State,
)
from checker.rules import ALL_RULES, RuleContext, evaluate, findings_for
from checker.rules.base import Rule
from checker.settings import DEFAULT_EOL_WINDOW
from checker.sources.base import ScanOptions, Unit
from checker.sources.cloudformation.exports import link_imports
from checker.sources.prefilter import NOTHING, Probe, wants_probe
from checker.sources.registry import source
from checker.suppressions import Suppressor

#: Below this many units a process pool costs more than it saves.
PARALLEL_THRESHOLD = 8


@dataclass(frozen=True)
class ScanSettings:
    """What the user asked for, after CLI flags and config are merged."""

    as_of: date
    feed: Feed
    fail_on: Severity = Severity.ERROR
    #: `--fail-on-unresolved`: any undecided reference fails the scan.
    fail_on_unresolved: bool = False
    eol_window_days: int = DEFAULT_EOL_WINDOW
    jobs: int = 0
    options: ScanOptions = field(default_factory=ScanOptions)
    severities: dict[str, Severity] = field(default_factory=dict)
    enabled_rules: frozenset[str] | None = None
    skip_paths: tuple[str, ...] = ()
    baseline: frozenset[str] | None = None
    cache_dir: str | None = None
    #: Settings the scanned repository's configuration changed that can
    #: weaken the policy (`checker.settings`); every report lists them.
    repository_changes: tuple[str, ...] = ()
    max_feed_age_days: int = 45
    #: Honour `checkov:skip` without a reason and rule wildcards; only the
    #: pipeline (flag or environment) may set it, never the repository.
    allow_unjustified_suppressions: bool = False


def scan_unit_safely(unit: Unit, options: ScanOptions) -> SourceResult:
    """Run one source on one unit; an unexpected exception becomes an error
    entry naming the unit, so one hostile file never stops the scan."""
    try:
        return source(unit.source).scan_unit(unit, options)
    except RecursionError:
        return SourceResult(errors=[ScanError(display_path(unit.key), "input nested too deeply to read")])
    except MemoryError:
        return SourceResult(errors=[ScanError(display_path(unit.key), "input too large to read in memory")])
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        origin = f" ({os.path.basename(where.filename)}:{where.lineno})" if where else ""
        return SourceResult(
            errors=[
                ScanError(
                    display_path(unit.key),
                    f"internal error in the {unit.source} source{origin}: {type(exc).__name__}: {exc}",
                    kind=ErrorKind.INTERNAL,
                )
            ]
        )


def run_units(
    units: Sequence[Unit],
    options: ScanOptions,
    jobs: int = 0,
    on_progress: Callable[[int, int], None] | None = None,
    cache: ResultCache | None = None,
    cache_salt: str = "",
    pools: LazyPool | None = None,
) -> list[SourceResult]:
    """Scan units, in parallel when worthwhile; results keep the units' order
    so that output is deterministic whatever the scheduling.  With a cache,
    a unit whose files, options, tool and feed are unchanged is not parsed."""
    return start_units(units, options, jobs, cache, cache_salt, pools)(on_progress)


def start_units(
    units: Sequence[Unit],
    options: ScanOptions,
    jobs: int = 0,
    cache: ResultCache | None = None,
    cache_salt: str = "",
    pools: LazyPool | None = None,
) -> Callable[[Callable[[int, int], None] | None], list[SourceResult]]:
    """`run_units` in two steps: the work is handed to the workers now, and
    the returned function waits for the results, so this process can plan
    more work (Terraform's module graph) while the workers scan."""
    results: list[SourceResult | None] = [None] * len(units)
    keys: list[str | None] = [None] * len(units)
    todo: list[int] = []
    for i, unit in enumerate(units):
        if options.prefilter and not unit.matters:
            results[i] = SourceResult(files=list(unit.files))
            continue
        if cache is not None:
            key = unit_key(unit.source, unit.key, unit.files, repr(options), cache_salt)
            keys[i] = key
            hit = cache.get(key) if key else None
            if hit is not None:
                results[i] = hit
                continue
        todo.append(i)
    workers = jobs or (os.cpu_count() or 1)
    fresh: Iterator[SourceResult]
    own = None
    if workers <= 1 or len(todo) < PARALLEL_THRESHOLD:
        fresh = (scan_unit_safely(units[i], options) for i in todo)
    else:
        pool = pools.get() if pools is not None else None
        if pool is None:
            pool = own = ProcessPoolExecutor(max_workers=workers)
        # Small chunks: a few units (a big root module) can cost as much as
        # thousands of others, and the last chunk should not keep one worker
        # busy while the other waits.
        chunk = max(1, min(16, len(todo) // (workers * 16)))
        try:
            fresh = pool.map(scan_unit_safely, [units[i] for i in todo], repeat(options), chunksize=chunk)
        except BrokenProcessPool:  # killed while earlier work ran in it
            fresh = _isolated([units[i] for i in todo], options)

    def finish(on_progress: Callable[[int, int], None] | None) -> list[SourceResult]:
        done = len(units) - len(todo)

        def take(i: int, res: SourceResult) -> None:
            nonlocal done
            results[i] = res
            key = keys[i]
            if (
                cache is not None
                and key is not None
                and res.cacheable
                and not any(e.kind is ErrorKind.INTERNAL for e in res.errors)
            ):
                cache.put(key, res)
            done += 1
            if on_progress:
                on_progress(done, len(units))

        try:
            for i, res in zip(todo, fresh, strict=True):
                take(i, res)
        except BrokenProcessPool:
            # A worker was killed (the OOM killer, a signal): the units it
            # had not returned are scanned again one process each, so the
            # one that kills its worker is named and the others still count.
            left = [i for i in todo if results[i] is None]
            for i, res in zip(left, _isolated([units[i] for i in left], options), strict=True):
                take(i, res)
        finally:
            if own is not None:
                own.shutdown()
        return [r if r is not None else SourceResult() for r in results]

    return finish


#: After this many units killed their worker, the rest are not tried: the
#: machine is out of memory, and the report says which were not read.
MAX_WORKER_DEATHS = 3
WORKER_DIED = "the worker process reading this was killed (out of memory, or a signal); not read"


def _isolated(units: Sequence[Unit], options: ScanOptions) -> Iterator[SourceResult]:
    deaths = 0
    for unit in units:
        if deaths >= MAX_WORKER_DEATHS:
            message = f"not read: {deaths} worker processes were killed (out of memory?)"
            yield SourceResult(errors=[ScanError(display_path(unit.key), message, kind=ErrorKind.INTERNAL)])
            continue
        with ProcessPoolExecutor(max_workers=1) as solo:
            try:
                yield solo.submit(scan_unit_safely, unit, options).result()
            except BrokenProcessPool:
                deaths += 1
                yield SourceResult(errors=[ScanError(display_path(unit.key), WORKER_DIED, kind=ErrorKind.INTERNAL)])


def _suppression_hint(files: list[str], probes: Mapping[str, Probe] | None) -> Callable[[str], bool] | None:
    """Which files can hold a suppression, from the first pass; a file it did
    not read (or that a report names differently) is read to find out."""
    if probes is None:
        return None
    walked = set(files)

    def may_suppress(file: str) -> bool:
        if file in walked and wants_probe(file):
            return probes.get(file, NOTHING).suppresses
        return True

    return may_suppress


def assess(
    references: Iterable[Reference], settings: ScanSettings, errors: list[ScanError] | None = None
) -> tuple[list[AssessedReference], list[Finding]]:
    """Judge references against the feed.  Every reference is kept for the
    inventory (csv, json), not only those with findings.

    A reference whose judgement fails (a bug, or a feed entry no test
    foresaw) must not cost the report of all the others: with `errors`, the
    failure becomes an internal error naming the reference's file and line,
    the reference is listed as unresolved, and the rest are judged."""
    ctx = RuleContext(as_of=settings.as_of, feed=settings.feed, eol_window_days=settings.eol_window_days)
    rules = [r for r in ALL_RULES if settings.enabled_rules is None or r.id in settings.enabled_rules]
    assessed: list[AssessedReference] = []
    findings: list[Finding] = []
    for ref in references:
        if errors is None:
            _assess_one(ref, ctx, rules, settings, assessed, findings)
            continue
        try:
            _assess_one(ref, ctx, rules, settings, assessed, findings)
        except Exception as exc:
            errors.append(
                ScanError(
                    ref.location.file,
                    f"internal error while judging {ref.resource}.{ref.attribute}: {type(exc).__name__}: {exc}",
                    ref.location.line,
                    kind=ErrorKind.INTERNAL,
                )
            )
            assessed.append(AssessedReference(ref, LifecycleStatus(state=State.UNRESOLVED, as_of=settings.as_of)))
    return assessed, findings


def _assess_one(
    ref: Reference,
    ctx: RuleContext,
    rules: list[Rule],
    settings: ScanSettings,
    assessed: list[AssessedReference],
    findings: list[Finding],
) -> None:
    """Judge one reference; appends to the lists only once all of it is
    computed, so a failure leaves no half-judged reference behind."""
    ev = evaluate(ref, ctx)
    if ev is None:
        from checker.rules import reference_state

        row = AssessedReference(ref, reference_state(ref, ctx))
    else:
        row = AssessedReference(
            ref,
            ev.status,
            ev.model.name if ev.model else None,
            ev.replacements,
            ev.replacement_suggested,
        )
    found = findings_for(ref, ctx, rules, settings.severities)
    assessed.append(row)
    findings.extend(found)


def _dedupe(refs: Iterable[Reference]) -> list[Reference]:
    """Two sources can reach the same value (a nested template scanned through
    its parent and on its own); report each place once.  A Terraform module
    called by several roots (a repository's examples) is one instance per
    root, told apart by `via`, which names the root's call: each is kept."""
    seen: set[tuple[object, ...]] = set()
    out = []
    for r in refs:
        roots = r.via if r.framework is SourceFramework.TERRAFORM else ()
        key = (r.location.file, r.location.line, r.location.column, r.resource, r.attribute, r.raw, r.action, roots)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out


def _kept_by(patterns: Sequence[str]) -> Callable[[Unit], bool]:
    return (lambda u: not _skipped(u.key, patterns)) if patterns else (lambda u: True)


def _skipped(path: str, patterns: Sequence[str]) -> bool:
    import fnmatch

    p = display_path(path)
    return any(fnmatch.fnmatch(p, pat) or fnmatch.fnmatch(p, pat.rstrip("/") + "/*") for pat in patterns)


def _with_roots(options: ScanOptions, paths: Sequence[str]) -> ScanOptions:
    if options.roots:
        return options
    from dataclasses import replace

    return replace(options, roots=tuple(os.path.realpath(p) for p in paths))


def scan(
    paths: Sequence[str],
    settings: ScanSettings,
    on_progress: Callable[[int, int], None] | None = None,
    walked: Survey | None = None,
) -> ScanResult:
    """The whole pipeline.  `walked` is a stat-only survey of `paths` taken
    by the caller (to look up a cached report first), so the tree is not
    walked twice."""
    options = _with_roots(settings.options, paths)
    pools = LazyPool(settings.jobs)
    try:
        return _scan(paths, settings, options, pools, on_progress, walked)
    finally:
        pools.close()


def stat_walk(paths: Sequence[str], settings: ScanSettings, cache: ResultCache | None = None) -> Survey:
    """Every file with its size and modification time: how a cached scan
    recognises an unchanged tree.  With a cache, last time's walk is checked
    first (one stat per directory and file, no listing); otherwise, or when
    anything changed, the tree is walked again, in the workers when large."""
    key = None
    if cache is not None:
        h = hashlib.sha256(repr(("walk", code_version(), os.getcwd(), tuple(paths))).encode())
        key = "walk-" + h.hexdigest()
        previous = cache.get_walk(key)
        if previous is not None and unchanged(previous):
            return previous
    pools = LazyPool(settings.jobs)
    try:
        walked = survey(paths, _with_roots(settings.options, paths), pools, stat_only=True)
    finally:
        pools.close()
    if cache is not None and key is not None:
        walked.digest = cache.put_walk(key, walked)
    return walked


def report_key(paths: Sequence[str], settings: ScanSettings, walked: Survey, variant: str) -> str | None:
    """Key of a finished report: the tree (every file's size and mtime), the
    given paths and working directory (reports show paths relative to it),
    every setting that changes a finding, the date, the feed and the tool.
    `variant` names the format and anything else the rendering depends on."""
    extra = (*settings.options.tf_var_files, *settings.options.cfn_parameter_files)
    described = repr(
        (
            "report",
            variant,
            os.getcwd(),
            tuple(paths),
            settings.as_of.isoformat(),
            settings.fail_on.value,
            settings.eol_window_days,
            settings.max_feed_age_days,
            settings.options,
            sorted((k, v.value) for k, v in settings.severities.items()),
            sorted(settings.enabled_rules) if settings.enabled_rules is not None else None,
            settings.skip_paths,
            sorted(settings.baseline) if settings.baseline is not None else None,
            settings.repository_changes,
            settings.allow_unjustified_suppressions,
        )
    )
    return tree_key(walked.files, extra, described, settings.feed.fingerprint, walked.stats, walked.digest)


def _scan(
    paths: Sequence[str],
    settings: ScanSettings,
    options: ScanOptions,
    pools: LazyPool,
    on_progress: Callable[[int, int], None] | None,
    walked: Survey | None = None,
) -> ScanResult:
    stats = None
    if settings.cache_dir:
        # An unchanged tree is recognised from the walk alone (sizes and
        # mtimes), so the cached scan reads no file at all.
        walked = walked or survey(paths, options, pools, stat_only=True)
        files, walk_errors, stats = walked.files, walked.errors, walked.stats
        probes = None
    else:
        found = survey(paths, options, pools)
        files, probes, walk_errors = found.files, found.probes, found.errors
    cache = ResultCache(settings.cache_dir) if settings.cache_dir else None
    salt = settings.feed.fingerprint
    whole = None
    cached = None
    if cache is not None:
        extra = (*options.tf_var_files, *options.cfn_parameter_files)
        whole = tree_key(files, extra, repr((options, settings.skip_paths)), salt, stats)
        cached = cache.get(whole) if whole else None
    if cached is not None:
        results = [cached]
    else:
        if probes is None:
            probes = probe_all(files, options, pools.get() if len(files) >= PROBE_PARALLEL_THRESHOLD else None)
        early, late = plan_parts(files, options, probes)
        kept = _kept_by(settings.skip_paths)
        first = [u for u in early if kept(u)]
        finish_first = start_units(first, options, settings.jobs, cache, salt, pools)
        rest = [u for u in late_units(late, options, probes) if kept(u)]
        finish_rest = start_units(rest, options, settings.jobs, cache, salt, pools)
        total = len(first) + len(rest)
        done_first = finish_first(on_progress and (lambda d, _: on_progress(d, total)))
        done_rest = finish_rest(on_progress and (lambda d, _: on_progress(len(first) + d, total)))
        # Units quick to group (templates, plans, assemblies) are handed to
        # the workers before the Terraform module graph is built; results
        # keep the planned order whatever the overlap.
        results = [*done_first, *done_rest]
        internal = any(e.kind is ErrorKind.INTERNAL for res in results for e in res.errors)
        if cache is not None and whole is not None and not internal and all(r.cacheable for r in results):
            combined = SourceResult()
            for res in results:
                combined.extend(res)
            cache.put(whole, combined)
        if cache is not None:
            cache.trim()
    refs: list[Reference] = []
    errors: list[ScanError] = list(walk_errors)
    for res in results:
        refs.extend(res.references)
        errors.extend(res.errors)
    # Templates are units of their own: an import of another template's
    # export is linked now that every unit is read.
    refs = link_imports(refs, (e for res in results for e in res.exports))
    refs = _dedupe(refs)
    refs.sort(key=lambda r: (r.location.file, r.location.line, r.location.column, r.resource, r.attribute))
    assessed, findings = assess(refs, settings, errors)
    marks: dict[str, tuple[tuple[int, str], ...]] = {}
    metadata: dict[str, dict[str, list[tuple[str, Any, int]]]] = {}
    for res in results:
        marks.update(res.marks)
        metadata.update(res.metadata_marks)
    suppressor = Suppressor(
        settings.as_of,
        options.max_file_bytes,
        _suppression_hint(files, probes),
        marks,
        metadata,
        allow_unjustified=settings.allow_unjustified_suppressions,
    )
    findings = suppressor.apply(findings)
    errors.extend(suppressor.errors)
    if settings.baseline is not None:
        findings = apply_baseline(findings, set(settings.baseline))
    return ScanResult(
        references=assessed,
        findings=findings,
        errors=errors,
        as_of=settings.as_of,
        feed_as_of=settings.feed.as_of,
        feed_origin=settings.feed.origin,
        fail_on=settings.fail_on,
        fail_on_unresolved=settings.fail_on_unresolved,
        eol_window_days=settings.eol_window_days,
        # What the sources read (a cloud assembly counts its templates, not
        # its manifests and assets), not every candidate file the walk saw.
        files_scanned=len({f for res in results for f in res.files}),
        roots=tuple(display_path(p) for p in paths),
        tool_version=__version__,
        repository_changes=settings.repository_changes,
        max_feed_age_days=settings.max_feed_age_days,
        feed_generated_by=settings.feed.generated_by,
        cacheable=all(r.cacheable for r in results),
    )
