"""Where each resource type holds a model, read from `data/model_attributes.json`.

Kept as data, not code, so that a new Bedrock resource or property is one line
in one file, and every source and the checkov policies pick it up together.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from checker.catalog.modes import Mode
from checker.model import Usage


class Framework(str, enum.Enum):
    """The syntaxes the catalog describes (its top-level keys)."""

    #: Terraform resources: HCL, plan JSON and checkov's rendering of them.
    TERRAFORM = "terraform"
    #: Terraform data sources.
    TERRAFORM_DATA = "terraform_data"
    #: CloudFormation and SAM resources (templates, cdk.out, checkov).
    CLOUDFORMATION = "cloudformation"


@dataclass(frozen=True)
class AttributeSpec:
    #: Keys from the resource's body to the value (`Properties` excluded).
    path: tuple[str, ...]
    #: How the resource uses the model (rules and reports tell them apart).
    usage: Usage
    #: How the value holds models.
    mode: Mode

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


#: model_attributes.json's list of Bedrock-looking types read and found to hold
#: no model (not a framework section: `not_examined` reads it).
_WITHOUT_MODELS = "examined_without_models"


def framework_sections(filename: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(framework, {resource type: entries}) of a data file keyed like the
    catalog; `$` keys are comments, and a framework the code does not know is
    a bug in the data file, refused here for every file alike."""
    raw = json.loads(resources.files("checker.data").joinpath(filename).read_text("utf-8"))
    for framework, types in raw.items():
        if framework.startswith("$") or framework == _WITHOUT_MODELS:
            continue
        Framework(framework)
        yield framework, types


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, tuple[AttributeSpec, ...]]]:
    out: dict[str, dict[str, tuple[AttributeSpec, ...]]] = {}
    for framework, types in framework_sections("model_attributes.json"):
        out[framework] = {
            rtype: tuple(AttributeSpec(tuple(s["path"].split(".")), Usage(s["usage"]), Mode(s["mode"])) for s in specs)
            for rtype, specs in types.items()
        }
    return out


@lru_cache(maxsize=1)
def _without_models() -> dict[str, frozenset[str]]:
    raw = json.loads(resources.files("checker.data").joinpath("model_attributes.json").read_text("utf-8"))
    return {fw: frozenset(types) for fw, types in raw.get(_WITHOUT_MODELS, {}).items() if not fw.startswith("$")}


def not_examined(framework: str, resource_type: str) -> bool:
    """A Terraform type that looks like Amazon Bedrock but that nobody has
    read for models: neither in the catalog nor known to hold none.  A new
    provider release adds such types; the scan says it did not look at them
    instead of passing them in silence."""
    if framework not in ("terraform", "terraform_data") or not resource_type.startswith(
        ("aws_bedrock", "awscc_bedrock")
    ):
        return False
    if framework == "terraform_data" and resource_type.startswith("awscc_"):
        return False  # every awscc data source takes only the id of what it reads
    return resource_type not in _catalog().get(framework, {}) and resource_type not in _without_models().get(
        framework, ()
    )


def not_examined_note(framework: str, resource_type: str) -> str:
    """What every report says of a type `not_examined` is true of."""
    kind = "data source" if framework == "terraform_data" else "resource"
    return (
        f"{kind} type {resource_type} looks like Amazon Bedrock but is not in bedrock-lifecycle's catalog: "
        "it was not examined for models"
    )


def specs_for(framework: str, resource_type: str) -> tuple[AttributeSpec, ...]:
    """Attribute specs for a resource type; framework is `terraform`,
    `terraform_data` or `cloudformation`."""
    return _catalog().get(framework, {}).get(resource_type, ())


def resource_types(framework: str) -> tuple[str, ...]:
    return tuple(_catalog().get(framework, {}))


def walk_path(value: Any, path: tuple[str, ...], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Yield (concrete path, value) for every value at `path`, visiting every
    element of any list met on the way (Terraform blocks, plan arrays and
    checkov's list-wrapped values all look like lists)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from walk_path(item, path, f"{prefix}[{i}]")
        return
    if not path:
        yield prefix.lstrip("."), value
        return
    if isinstance(value, dict) and path[0] in value:
        yield from walk_path(value[path[0]], path[1:], f"{prefix}.{path[0]}")
