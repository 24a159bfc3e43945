"""The Terraform HCL source: scan one unit (a root module and the local
modules it calls) into references."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from checker.discovery.walk import display_path
from checker.model import Location, ScanError, SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.prefilter import Probe
from checker.sources.terraform.instance import Instance, provider_region
from checker.sources.terraform.module_graph import plan_units
from checker.sources.terraform.unit_scan import UnitScan

#: Most references one unit may give: `count` and `for_each` on nested module
#: calls multiply, and a hostile tree could ask for millions.
MAX_UNIT_REFERENCES = 20_000


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    scan = UnitScan(unit, options)
    root_dir = scan.load_dir(unit.key)
    root = Instance(scan, root_dir, "", scan.root_inputs(), (os.path.normpath(unit.key),))
    # awscc resources are created in the awscc provider's region.
    regions = {"aws": provider_region(root), "awscc": provider_region(root, "awscc")}
    seen: set[tuple[Any, ...]] = set()
    for ref in root.references():
        key = (ref.resource, ref.attribute, ref.raw, ref.location)
        if key in seen:
            continue
        if len(seen) >= MAX_UNIT_REFERENCES:
            scan.result.errors.append(
                ScanError(
                    ref.location.file,
                    f"more than {MAX_UNIT_REFERENCES:,} model references in one root module (count and for_each "
                    "on nested module calls multiply); the rest are not checked",
                    ref.location.line,
                )
            )
            break
        seen.add(key)
        region = regions["awscc" if ref.resource_type.startswith("awscc_") else "aws"]
        if region and ref.region is None:
            ref = replace(ref, region=region)
        scan.result.references.append(ref)
    # Files of this unit that no module call reached are still Terraform the
    # user wrote: parse them so syntax errors are reported.
    for f in unit.files:
        d = os.path.normpath(os.path.dirname(f))
        if f.endswith((".tf", ".tf.json")) and d not in scan.dirs:
            scan.load_dir(d).parse_all()
    if scan.budget.problem:
        where = scan.budget_where or Location(display_path(unit.key), 0)
        scan.result.errors.append(
            ScanError(
                where.file,
                f"{scan.budget.problem}; such values are treated as unknown, "
                "and the references that need them are reported as unresolved",
                where.line,
            )
        )
    return scan.result


class TerraformSource:
    """`.tf`, `.tf.json` and tfvars files, grouped by directory into root
    modules with the local modules they call."""

    name = "terraform"
    suffixes = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
    early = False
    owns_directory = False

    def probe(self, path: str, probe: Probe) -> bool:
        return True

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        dirs: dict[str, list[str]] = {}
        for f in files:
            d = f.rpartition(os.sep)[0]
            dirs.setdefault(d or ".", []).append(f)
        return plan_units(dirs, options, probes)

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        return scan_unit(unit, options)


SOURCE = TerraformSource()
