"""CDK cloud assemblies (`cdk.out/`): `assembly` reads a manifest and its
templates, `source` is the `Source` the registry lists."""

from checker.sources.cdk.assembly import construct_paths, scan_assembly
from checker.sources.cdk.source import SOURCE, scan_unit

__all__ = ["SOURCE", "construct_paths", "scan_assembly", "scan_unit"]
