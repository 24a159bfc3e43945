"""Nested stacks seen from discovery: which local templates a template ships
as nested stacks, so that a child is scanned through its parent."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from checker.sources.base import ScanOptions, Unit
from checker.sources.prefilter import NOTHING, Probe
from checker.util.textio import FileReadError, read_text

_NESTED = re.compile(r"AWS::CloudFormation::Stack")
MAX_NESTING = 10
#: Most nested templates (with distinct parameters) one stack may bring in.
MAX_NESTED_SCANS = 1000


def nested_template_paths(text: str) -> list[str]:
    """Local template paths a template names as nested stacks (a cheap text
    pass used by discovery to scan children through their parents)."""
    if not _NESTED.search(text):
        return []
    out = re.findall(r'TemplateURL"?\s*:\s*"?([^"\s{}\[\],]+\.(?:ya?ml|json|template))', text)
    out += re.findall(r'"?aws:asset:path"?\s*:\s*"?([^"\s{}\[\],]+\.(?:ya?ml|json|template))', text)
    return [p for p in out if not p.startswith(("http://", "https://", "s3://"))]


def group_nested_templates(
    units: list[Unit], options: ScanOptions, probes: Mapping[str, Probe] | None = None
) -> list[Unit]:
    """A template that another scanned template ships as a nested stack is
    scanned through its parent (with the parameters the parent passes), not
    again on its own; its file joins the parent's unit (which then matters if
    any of its templates does)."""

    templates = {os.path.normpath(u.key): u for u in units if u.source == "cloudformation"}
    children: dict[str, list[str]] = {}
    for key, unit in templates.items():
        if probes is not None and not probes.get(unit.key, NOTHING).nests:
            continue  # the first pass read it: most templates nest nothing
        try:
            text = read_text(key, options.max_file_bytes)
        except FileReadError:
            continue
        if "AWS::CloudFormation::Stack" not in text:
            continue
        for rel in nested_template_paths(text):
            target = os.path.normpath(os.path.join(os.path.dirname(key), rel))
            if target in templates and target != key:
                children.setdefault(key, []).append(target)
    nested = {c for cs in children.values() for c in cs}
    reachable: set[str] = set()
    stack = [k for k in templates if k not in nested]
    while stack:
        k = stack.pop()
        if k not in reachable:
            reachable.add(k)
            stack.extend(children.get(k, []))
    out = []
    for u in units:
        key = os.path.normpath(u.key)
        if u.source != "cloudformation":
            out.append(u)
        elif key not in nested or key not in reachable:  # roots, and templates only reachable in a cycle
            kids = children.get(key, [])
            matters = u.matters or any(templates[c].matters for c in kids)
            out.append(Unit(u.source, u.key, (*u.files, *kids), u.root, matters))
    return out


def asset_keys(folder: str, max_bytes: int) -> dict[str, str]:
    """S3 object key -> asset file (relative to `folder`) from the
    `*.assets.json` manifests of a cloud assembly folder: where a template's
    `DefinitionS3Location` (or `TemplateURL`) names an uploaded file, the file
    is here.  Unreadable manifests are skipped: they only add files to read."""
    import json

    out: dict[str, str] = {}
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".assets.json"))
    except OSError:
        return out
    for name in names[:100]:
        try:
            doc = json.loads(read_text(os.path.join(folder, name), max_bytes))
        except (FileReadError, ValueError, RecursionError):
            continue
        files = doc.get("files") if isinstance(doc, dict) else None
        for asset in files.values() if isinstance(files, dict) else ():
            source = asset.get("source") if isinstance(asset, dict) else None
            path = source.get("path") if isinstance(source, dict) else None
            destinations = asset.get("destinations") if isinstance(asset, dict) else None
            if not isinstance(path, str) or not isinstance(destinations, dict):
                continue
            if os.path.isabs(path) or ".." in path.replace("\\", "/").split("/"):
                continue  # the CDK writes assets inside the assembly, never beside it
            for dest in destinations.values():
                key = dest.get("objectKey") if isinstance(dest, dict) else None
                if isinstance(key, str):
                    out.setdefault(key, path)
    return out
