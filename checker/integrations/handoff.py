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

Plain `checkov --external-checks-dir` has no such file.  There, a Terraform
check whose resource checkov could not render (some model left unresolved)
runs our scan once per checkov process, in process, over the paths checkov
was given (`-d`, `-f` on its command line), and judges what that scan
resolved for the resource; `BEDROCK_LIFECYCLE_RESOLVE=0` turns this off.
Our package installs into checkov's environment (its HCL parser is our own),
so nothing beyond it is needed.
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
ENV_RESOLVE = "BEDROCK_LIFECYCLE_RESOLVE"
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


def resolve_document(paths: Sequence[str], jobs: int = 0) -> tuple[dict[str, Any], list[str]]:
    """Scan `paths` with our sources and key what they resolved as checkov
    names files; also the scan's errors, as lines (never fatal: the checks
    fall back to what checkov renders).  The verdicts stay the checks' (their
    feed, date and window): the scan only resolves references, so the
    bundled feed serves."""
    from datetime import date

    from checker.feed import load_bundled_feed
    from checker.pipeline import ScanSettings, scan

    existing = [p for p in paths if os.path.exists(p)]
    if not existing:
        return document([], []), []
    result = scan(existing, ScanSettings(as_of=date.today(), feed=load_bundled_feed(), jobs=jobs))
    roots = [p if os.path.isdir(p) else (os.path.dirname(p) or ".") for p in existing]
    return document((a.reference for a in result.references), roots), [str(e) for e in result.errors]


@lru_cache(maxsize=1)
def _in_process() -> dict[str, list[dict[str, Any]]] | None:
    """Our scan of what this checkov process was asked to scan, once; None
    when it cannot be had (the checks then judge checkov's rendering)."""
    import sys

    from checker.commands.checkov import scanned_roots

    try:
        # One process: checkov's own workers must not fork a pool each.
        doc, errors = resolve_document(scanned_roots(sys.argv[1:]), jobs=1)
    except Exception as exc:  # never break checkov's run
        sys.stderr.write(f"bedrock-lifecycle: not resolving with our scan: {type(exc).__name__}: {exc}\n")
        return None
    for e in errors:
        sys.stderr.write(f"bedrock-lifecycle: {e}\n")
    resources: dict[str, list[dict[str, Any]]] = doc["resources"]
    return resources


def _inside_checkov() -> bool:
    import sys

    return "checkov.main" in sys.modules and os.environ.get(ENV_RESOLVE, "1") != "0"


@lru_cache(maxsize=2)
def _load(path: str) -> dict[str, list[dict[str, Any]]]:
    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or doc.get("format_version") != FORMAT_VERSION:
        raise ValueError(f"{path}: not a bedrock-lifecycle reference file of format {FORMAT_VERSION}")
    resources: dict[str, list[dict[str, Any]]] = doc["resources"]
    return resources


def handed(
    entity_path: str, resource_type: str, address: str | None, in_process: bool = False
) -> list[Reference] | None:
    """The references our scan resolved for the resource a check is given
    (`entity_path` is checkov's `file:type:name`), or None when there is no
    file or the resource is not in it.  `in_process`: without a file, scan
    here (plain checkov, a resource checkov left unresolved)."""
    path = os.environ.get(ENV_RESOLVED)
    resources: dict[str, list[dict[str, Any]]] | None
    if path:
        resources = _load(path)
    elif in_process and _inside_checkov():
        resources = _in_process()
    else:
        return None
    if resources is None:
        return None
    file, sep, name = entity_path.rpartition(f":{resource_type}:")
    if not sep:
        return None
    entries = resources.get(key(file, address or name))
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
