"""Where models sit, as data, and the one layer that reads them.

`spec` reads `checker/data/model_attributes.json` (resource type -> paths,
usage, mode); `modes` is the one mode dispatch; `special` names the cases the
paths cannot express; `extract` (import it as `checker.catalog.extract`: it
reaches into the CloudFormation resolver) applies all three to a resource body.
"""

from checker.catalog.modes import Mode, extract_mode
from checker.catalog.spec import (
    AttributeSpec,
    Framework,
    not_examined,
    not_examined_note,
    resource_types,
    specs_for,
    walk_path,
)
from checker.catalog.special import SPECIALS, CheckovInput, Special, specials_for

__all__ = [
    "SPECIALS",
    "AttributeSpec",
    "CheckovInput",
    "Framework",
    "Mode",
    "Special",
    "extract_mode",
    "not_examined",
    "not_examined_note",
    "resource_types",
    "specials_for",
    "specs_for",
    "walk_path",
]
