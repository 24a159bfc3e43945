"""The references our scan resolved, handed to the checkov checks.

`bedrock-lifecycle checkov` scans the tree with our sources first, in our
own environment, and writes what it found to a JSON file named by
`BEDROCK_LIFECYCLE_RESOLVED`, keyed by file and resource address as checkov
names them (`/path/from/the/root.tf|module.m.aws_x.y`).  A check that finds
its resource there judges those references, so values checkov cannot render
(a module input through a local map, a value only tfvars give, a SAM
Globals variable, a DefinitionUri file) get the CLI's verdict.  A resource
not in the file, or plain `checkov --external-checks-dir`, falls back to
what checkov itself rendered.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from checker.catalog.records import Found, ReferenceBuilder
from checker.model import Action, Reference, SourceFramework, Usage

ENV_RESOLVED = "BEDROCK_LIFECYCLE_RESOLVED"
FORMAT_VERSION = 1


def key(file: str, address: str) -> str:
    return f"{file}|{address}"


def _checkov_file(path: str, roots: Sequence[str]) -> str | None:
    """How checkov names a file: relative to the scanned directory, with a
    leading slash."""
    real = os.path.realpath(path)
    for root in roots:
        rel = os.path.relpath(real, os.path.realpath(root))
        if not rel.startswith(".."):
            return "/" + rel.replace(os.sep, "/")
    return None


def document(references: Iterable[Reference], roots: Sequence[str]) -> dict[str, Any]:
    resources: dict[str, list[dict[str, Any]]] = {}
    for ref in references:
        file = _checkov_file(ref.location.file, roots)
        if file is None or not ref.resource:
            continue
        resources.setdefault(key(file, ref.resource), []).append(
            {
                "raw": ref.raw,
                "usage": ref.usage.value,
                "resource_type": ref.resource_type,
                "attribute": ref.attribute,
                "framework": ref.framework,
                "resolved": ref.resolved,
                "action": ref.action.value if ref.action else None,
                "conditional": ref.conditional,
                "region": ref.region,
            }
        )
    return {"format_version": FORMAT_VERSION, "resources": resources}


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or doc.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: not a bedrock-lifecycle reference file of format {FORMAT_VERSION}")
    resources: dict[str, list[dict[str, Any]]] = doc["resources"]
    return resources


def handed(entity_path: str, resource_type: str, address: str | None) -> list[Reference] | None:
    """The references our scan resolved for the resource a check is given
    (`entity_path` is checkov's `file:type:name`), or None when there is no
    file or the resource is not in it."""
    path = os.environ.get(ENV_RESOLVED)
    if not path:
        return None
    file, sep, name = entity_path.rpartition(f":{resource_type}:")
    if not sep:
        return None
    entries = _load(path).get(key(file, address or name))
    if entries is None:
        return None
    resource = address or name
    return [
        ReferenceBuilder(
            resource,
            e["resource_type"],
            SourceFramework(e["framework"]),
            file,
            region=e["region"],
            action=Action(e["action"]) if e["action"] else None,
        ).build(
            Found(Usage(e["usage"]), e["raw"], e["attribute"], resolved=e["resolved"], conditional=e["conditional"])
        )
        for e in entries
    ]
