"""The registered source formats, in the order they are offered a file whose
suffix several of them read (see `checker.discovery.units`); the report lists
units in this order too (the early ones first).

A new format is a folder under `checker/sources/` with a `SOURCE` object
(`checker.sources.base.Source`) and one line here.  Modules are imported on
first use, so the checkov adapter, which imports no source, stays light.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from checker.sources.base import Source

REGISTRY: tuple[str, ...] = (
    "checker.sources.cdk",
    "checker.sources.plan_source",
    "checker.sources.cloudformation",
    "checker.sources.terraform",
)


@lru_cache(maxsize=1)
def sources() -> tuple[Source, ...]:
    out = []
    for module in REGISTRY:
        src: Source = import_module(module).SOURCE
        out.append(src)
    return tuple(out)


def source(name: str) -> Source:
    """The source whose units carry this `Unit.source` name."""
    for src in sources():
        if src.name == name:
            return src
    raise KeyError(f"no registered source is named {name!r}")
