"""The Terraform plan source as the registry sees it.  The reading itself is
`checker.sources.terraform_plan`; this module only says which files are
plans (the first pass recognised them by their keys) and that each is a unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.model import SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.prefilter import PLAN_HEAD, Probe, looks_like_plan


def is_plan_json(path: str) -> bool:
    """A plan is a JSON object with `format_version` and plan-only keys; read
    only the head, as plans can be large."""
    try:
        with open(path, "rb") as fh:
            return looks_like_plan(fh.read(PLAN_HEAD))
    except OSError:
        return False


class TerraformPlanSource:
    """`terraform show -json` output: one unit per plan file."""

    name = "terraform_plan"
    suffixes = (".json",)
    early = True
    owns_directory = False

    def probe(self, path: str, probe: Probe) -> bool:
        return probe.plan

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        return [Unit(self.name, f, (f,)) for f in files]

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        from checker.sources.terraform_plan import scan_unit

        return scan_unit(unit, options)


SOURCE = TerraformPlanSource()
__all__ = ["SOURCE", "is_plan_json"]
