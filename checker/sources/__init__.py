"""Where model references come from: one folder per source format, each with
a `SOURCE` (`base.Source`) listed in `registry`.

Discovery (`checker.discovery`) walks the tree once, safely, and the
registered sources group its files into *units*: a Terraform root module with
its local modules, a CloudFormation/SAM template, a plan file, a CDK cloud
assembly.  Units are independent, so they are scanned in parallel and cached.

This module only re-exports, so that `from checker.sources import ScanOptions,
Unit, display_path, inside` keeps working for every source; the discovery
names are loaded on first use (they import the sources' first pass, which
imports this package).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from checker.discovery.pool import LazyPool
from checker.discovery.walk import SKIP_DIRS, display_path, inside, walk
from checker.sources.base import ScanOptions, Source, Unit

if TYPE_CHECKING:
    from checker.discovery.survey import PROBE_PARALLEL_THRESHOLD, Survey, probe_all, stat_files, survey, unchanged
    from checker.discovery.units import Discovery, discover, plan, plan_parts

_LAZY = {
    "PROBE_PARALLEL_THRESHOLD": "checker.discovery.survey",
    "Survey": "checker.discovery.survey",
    "probe_all": "checker.discovery.survey",
    "stat_files": "checker.discovery.survey",
    "survey": "checker.discovery.survey",
    "unchanged": "checker.discovery.survey",
    "Discovery": "checker.discovery.units",
    "discover": "checker.discovery.units",
    "plan": "checker.discovery.units",
    "plan_parts": "checker.discovery.units",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(module), name)


__all__ = [
    "PROBE_PARALLEL_THRESHOLD",
    "SKIP_DIRS",
    "Discovery",
    "LazyPool",
    "ScanOptions",
    "Source",
    "Survey",
    "Unit",
    "discover",
    "display_path",
    "inside",
    "plan",
    "plan_parts",
    "probe_all",
    "stat_files",
    "survey",
    "unchanged",
    "walk",
]
