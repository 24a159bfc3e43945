"""The CloudFormation/SAM source: one template per unit, with the nested
stacks it ships; the CDK source scans assembly templates through here."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from checker.model import SourceFramework, SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.cloudformation.nested import group_nested_templates
from checker.sources.cloudformation.parameters import parameter_overrides
from checker.sources.cloudformation.template import TemplateScan
from checker.sources.prefilter import NOTHING, Probe


def scan_template_file(
    path: str,
    options: ScanOptions,
    *,
    framework: SourceFramework = SourceFramework.CLOUDFORMATION,
    construct_paths: dict[str, str] | None = None,
    display: str | None = None,
    result: SourceResult | None = None,
    may_hold_marks: Callable[[str], bool] = lambda _: True,
) -> SourceResult:
    """Scan one template (and the nested stacks it ships).  The CDK source
    calls this with `framework="cdk"` and the assembly's construct paths."""
    result = result if result is not None else SourceResult(files=[path])
    overrides = parameter_overrides(options, result.errors)
    scan = TemplateScan(
        path,
        options,
        result,
        framework=framework,
        construct_paths=construct_paths or {},
        display=display,
        parameters=overrides,
        via=(),
        chain=(os.path.normpath(path),),
        region=None,
        may_hold_marks=may_hold_marks,
    )
    scan.run()
    return result


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    return scan_template_file(
        unit.key, options, result=SourceResult(files=list(unit.files)), may_hold_marks=unit.marked.__contains__
    )


class CloudFormationSource:
    """YAML and JSON files that are templates (recognised by content when
    read: other YAML and JSON is skipped quietly), one unit per template
    with the local templates it ships as nested stacks."""

    name = "cloudformation"
    suffixes = (".yaml", ".yml", ".json", ".template", ".templ")
    early = True
    owns_directory = False

    def probe(self, path: str, probe: Probe) -> bool:
        return True

    def units(self, files: Sequence[str], options: ScanOptions, probes: Mapping[str, Probe]) -> list[Unit]:
        units = [Unit(self.name, f, (f,), matters=probes.get(f, NOTHING).matters) for f in files]
        return group_nested_templates(units, options, probes)

    def scan_unit(self, unit: Unit, options: ScanOptions) -> SourceResult:
        return scan_unit(unit, options)


SOURCE = CloudFormationSource()
