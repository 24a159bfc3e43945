"""The Terraform plan source as the registry sees it.  The reading itself is
`checker.sources.terraform_plan`; this module only says which files are
plans or states (the first pass recognised them by their content, see
`checker.sources.terraform_plan.recognise`) and that each is a unit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from checker.model import SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.prefilter import Probe


def is_plan_json(path: str) -> bool:
    """A plan or state, by its content, whatever the file is named."""
    from checker.sources.terraform_plan.recognise import sniff_file

    return sniff_file(path) is not None


class TerraformPlanSource:
    """`terraform show -json` output of plans and states, and state files
    (`terraform.tfstate`): one unit per file."""

    name = "terraform_plan"
    suffixes = (".json", ".tfstate")
    early = True
    owns_directory = False

    def probe(self, path: str, probe: Probe) -> bool:
        return probe.plan

    def claims_named(self, path: str) -> bool:
        """A file the user named whatever its suffix (`tfplan.out`,
        `plan.json.txt`, `TFPLAN.JSON`), read by content: the first pass
        looks only at the suffixes it knows."""
        return is_plan_json(path)

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        return [Unit(self.name, f, (f,)) for f in files]

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        from checker.sources.terraform_plan import scan_unit

        return scan_unit(unit, options)


SOURCE = TerraformPlanSource()
__all__ = ["SOURCE", "is_plan_json"]
