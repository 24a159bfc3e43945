"""The CDK source: one unit per outermost cloud assembly."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from checker.model import SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.cdk.assembly import scan_assembly
from checker.sources.prefilter import Probe


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    # The files a cloud assembly counts are its templates (stacks, nested
    # stacks, stages), not the manifest, asset manifests or tree it also has.
    result = SourceResult()
    scan_assembly(unit.key, options, result)
    return result


class CdkSource:
    """A `manifest.json` the first pass recognised as a cloud assembly's
    claims its directory: the templates below it are read through the
    manifest (construct paths, nested assemblies), never on their own."""

    name = "cdk"
    suffixes = ("manifest.json",)
    early = True
    owns_directory = True

    def probe(self, path: str, probe: Probe) -> bool:
        return os.path.basename(path) == "manifest.json" and probe.assembly

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        return [
            Unit(self.name, d, (os.path.join(d, "manifest.json"),)) for d in sorted({os.path.dirname(f) for f in files})
        ]

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        return scan_unit(unit, options)


SOURCE = CdkSource()
