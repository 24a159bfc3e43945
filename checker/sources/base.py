"""What every source shares: the options a scan runs with, the unit of work,
and the `Source` protocol a format implements.

A source format is one folder under `checker/sources/` with an object that
satisfies `Source`, plus one line in `checker/sources/registry.py`; the
generic code (discovery, the pipeline, the cache) only ever loops over the
registry.  Plain data here, so everything crosses process boundaries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from checker.util.textio import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PLAN_BYTES

if TYPE_CHECKING:
    from checker.model import SourceResult
    from checker.sources.prefilter import Probe


@dataclass(frozen=True)
class ScanOptions:
    """Everything a source may need; plain data so it crosses process boundaries."""

    #: Files larger than this are reported and not read.
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    #: Terraform plans and states larger than this are reported and not read.
    max_plan_bytes: int = DEFAULT_MAX_PLAN_BYTES
    #: `--var NAME=VALUE`, in the order given (Terraform: the last wins).
    tf_vars: tuple[tuple[str, str], ...] = ()
    #: `--var-file`, applied after the root module's own tfvars.
    tf_var_files: tuple[str, ...] = ()
    #: `--parameter NAME=VALUE` for every template.
    cfn_parameters: tuple[tuple[str, str], ...] = ()
    #: `--parameters-file`, applied before `--parameter`.
    cfn_parameter_files: tuple[str, ...] = ()
    #: Real paths of the scanned roots: nothing outside them is ever read.
    roots: tuple[str, ...] = ()
    #: False with `--no-prefilter`: parse every file, even those the first
    #: pass rules out (the equivalence tests compare both).
    prefilter: bool = True


@dataclass(frozen=True)
class Unit:
    """One independently scannable piece of the tree."""

    #: `Source.name` of the source that scans it.
    source: str
    #: What identifies the unit: a root module's directory, a template's or
    #: plan's path, an assembly's directory.  Cache keys and errors use it.
    key: str
    #: Every file the unit reads (the cache hashes them).
    files: tuple[str, ...]
    #: Kept for the cache key format; always "." today.
    root: str = "."
    #: False when the first pass showed that no file of the unit can hold a
    #: model: the unit is then neither parsed nor looked up in the cache.
    matters: bool = True
    #: The files the first pass saw a suppression mark in (of `files`, or
    #: below the directory a directory unit owns): the source collects
    #: suppressions while reading those; any other file with a finding is
    #: read for them afterwards (a unit made by hand, a cached result).
    marked: frozenset[str] = frozenset()


class Source(Protocol):
    """One source format: which files it reads, how it groups them into
    units, and how it reads one unit into references."""

    #: The `Unit.source` of its units, and the name in errors.
    name: str
    #: File name endings it may read; the registry offers a file to the
    #: sources whose suffixes match, in registry order.
    suffixes: tuple[str, ...]
    #: Whether units are handed to the workers before the Terraform module
    #: graph is built (every source but Terraform, whose grouping is slow).
    early: bool
    #: Whether a file it claims claims its directory too: nothing below it
    #: is offered to another source (a cloud assembly's templates).
    owns_directory: bool

    def probe(self, path: str, probe: Probe) -> bool:
        """Whether this source claims the file, from its name and the first
        pass's verdict (a `.json` file may be a plan or a template)."""
        ...

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        """Group the files it claimed (in walk order) into units."""
        ...

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        """Read one unit; bad input becomes errors in the result, never an exception."""
        ...
