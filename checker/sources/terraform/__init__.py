"""Terraform HCL source: modules, variables, locals, tfvars, module inputs,
count and for_each, resolved the way Terraform would for what is known before
apply.

A *unit* is a root module together with the local modules it calls, so a
model passed down through `module "x" { model = var.model }` is resolved with
the root's tfvars and reported at the resource, with the calling lines in
`via`.  The modules: `module_graph` (which directories form a unit),
`module_dir` (a directory's blocks, parsed on first use), `unit_scan` (one
unit's state and root inputs), `instance` (one module instance: names,
expansion, references), `source` (the `Source` the registry lists).
"""

from checker.sources.terraform.evaluate import is_known, to_str
from checker.sources.terraform.module_graph import plan_units
from checker.sources.terraform.source import SOURCE, scan_unit

__all__ = ["SOURCE", "is_known", "plan_units", "scan_unit", "to_str"]
