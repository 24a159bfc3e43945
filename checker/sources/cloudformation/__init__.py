"""CloudFormation and SAM templates (YAML or JSON), and the templates inside a
CDK cloud assembly.

Templates are recognised by content (`Resources` or
`AWSTemplateFormatVersion`), never by name; other YAML and JSON files are
skipped quietly.  Intrinsics are resolved as far as the template and the
given parameters allow; nested stacks with a local template are followed with
the parameters the parent passes.  The modules: `template` (one template into
references), `properties` (the catalog path through resolved properties),
`nested` (nested stacks for discovery), `parameters` (command-line values),
`intrinsics`, `yaml_loader`, and `source` (the `Source` the registry lists).
"""

from checker.sources.cloudformation.nested import group_nested_templates, nested_template_paths
from checker.sources.cloudformation.properties import apply_subs, partials, walk_properties
from checker.sources.cloudformation.source import SOURCE, scan_template_file, scan_unit

__all__ = [
    "SOURCE",
    "apply_subs",
    "group_nested_templates",
    "nested_template_paths",
    "partials",
    "scan_template_file",
    "scan_unit",
    "walk_properties",
]
