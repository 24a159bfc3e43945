"""Group walked files into units, by asking the registered sources.

Each file is offered to the sources whose suffix it ends with, the most
specific suffix first (`x.tf.json` is Terraform's before it is anyone's
`.json`), then in registry order; the first whose `probe` accepts it claims
it.  A source that owns directories (a CDK cloud assembly) claims first, and
nothing below a directory it owns is offered to the others.  Each source then
groups its own files into units.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from checker.discovery.survey import probe_all
from checker.discovery.walk import is_within, walk
from checker.model import ScanError
from checker.sources.base import ScanOptions, Source, Unit
from checker.sources.prefilter import NOTHING, Probe


@dataclass
class Discovery:
    """The walk and the units planned from it, for callers outside the pipeline."""

    units: list[Unit] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    files_seen: int = 0


def discover(paths: Iterable[str], options: ScanOptions | None = None) -> Discovery:
    paths = list(paths)
    disc = Discovery()
    files = walk(paths, disc.errors)
    disc.files_seen = len(files)
    disc.units = plan(files, options)
    return disc


def _claimants(name: str, sources: Sequence[Source]) -> list[Source]:
    """The sources a file may belong to, most specific suffix first."""
    hits = [
        (max(len(s) for s in src.suffixes if name.endswith(s)), i, src)
        for i, src in enumerate(sources)
        if name.endswith(src.suffixes)
    ]
    hits.sort(key=lambda h: (-h[0], h[1]))
    return [src for _, _, src in hits]


def claim(
    files: Sequence[str], probes: Mapping[str, Probe], named: frozenset[str] = frozenset()
) -> dict[str, list[str]]:
    """Source name -> the files it claims, in walk order.  A file the user
    named (`named`: real paths) that no suffix claims is offered to the
    sources that read such files by content (`claims_named`)."""
    from checker.sources.registry import sources

    registered = sources()
    claimed: dict[str, list[str]] = {s.name: [] for s in registered}
    owners = [s for s in registered if s.owns_directory]
    owned: list[str] = []
    for src in owners:
        mine = [f for f in files if f.endswith(src.suffixes) and src.probe(f, probes.get(f, NOTHING))]
        dirs = {os.path.dirname(f) for f in mine}
        # A directory inside another one (a nested assembly) belongs to it.
        outer = {d for d in dirs if not any(d != o and is_within(d, [o]) for o in dirs)}
        claimed[src.name] = [f for f in mine if os.path.dirname(f) in outer]
        owned.extend(outer)
    below = tuple(d.rstrip(os.sep) + os.sep for d in owned)
    others = [s for s in registered if not s.owns_directory]
    # Large trees repeat a few names (main.tf, variables.tf): the candidates
    # are worked out once per name, which keeps this loop at walk speed.
    by_name: dict[str, list[Source]] = {}
    for f in files:
        if below and f.startswith(below):
            continue
        name = f[f.rfind(os.sep) + 1 :]
        candidates = by_name.get(name)
        if candidates is None:
            candidates = by_name[name] = _claimants(name, others)
        probe = probes.get(f, NOTHING)
        for src in candidates:
            if src.probe(f, probe):
                claimed[src.name].append(f)
                break
        else:
            if named and os.path.realpath(f) in named:
                for src in others:
                    reads = getattr(src, "claims_named", None)  # optional: see plan_source
                    if reads is not None and reads(f):
                        claimed[src.name].append(f)
                        break
    return claimed


def plan_parts(
    files: list[str], options: ScanOptions, probes: Mapping[str, Probe]
) -> tuple[list[Unit], dict[str, list[str]]]:
    """The units of every early source (templates, plans, assemblies: quick
    to group, handed to the workers first), and the files claimed by the
    others, grouped later with `late_units` (Terraform's module graph is the
    one slow step of planning)."""
    from checker.sources.registry import sources

    claimed = claim(files, probes, frozenset(r for r in options.roots if os.path.isfile(r)))
    early = [u for s in sources() if s.early for u in s.units(claimed[s.name], options, probes)]
    late = {s.name: claimed[s.name] for s in sources() if not s.early}
    return _with_marks(early, probes), late


def late_units(late: Mapping[str, list[str]], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
    from checker.sources.registry import source

    return _with_marks([u for name, fs in late.items() for u in source(name).units(fs, options, probes)], probes)


def _with_marks(units: list[Unit], probes: Mapping[str, Probe]) -> list[Unit]:
    """Tell each unit which of its files the first pass saw a suppression
    mark in, so its source looks for suppressions only there (most units:
    none, and they are passed on as they are).  A CDK assembly's source looks
    in every template it reads: they are not the unit's files."""
    if not any(p.suppresses for p in probes.values()):
        return units
    out = []
    for u in units:
        marked = frozenset(f for f in u.files if probes.get(f, NOTHING).suppresses)
        out.append(replace(u, marked=marked) if marked else u)
    return out


def plan(files: list[str], options: ScanOptions | None = None, probes: Mapping[str, Probe] | None = None) -> list[Unit]:
    """Group walked files into units (by content where names do not say), and
    mark the units the first pass rules out, from one read of each file."""
    options = options or ScanOptions()
    if probes is None:
        probes = probe_all(files, options)
    early, late = plan_parts(files, options, probes)
    return [*early, *late_units(late, options, probes)]
