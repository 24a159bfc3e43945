"""CDK cloud assemblies (`cdk.out/`), read through `manifest.json`.

The manifest says which templates are stacks, which directories are nested
assemblies (CDK Pipelines stages) and which construct path each logical id
came from, so a finding in `SupportStack.template.json` can point at
`SupportStack/SupportAgent` in the app's source.  Templates are scanned by
the CloudFormation source; nested stacks are followed from their parent's
`aws:asset:path` metadata.
"""

from __future__ import annotations

import json
import os
from typing import Any

from checker.discovery.walk import display_path, inside
from checker.model import ScanError, SourceFramework, SourceResult
from checker.sources.base import ScanOptions
from checker.sources.cloudformation.source import scan_template_file
from checker.util.textio import FileReadError, read_text

MAX_ASSEMBLY_DEPTH = 10


def _inside(path: str, root: str) -> bool:
    return inside(path, [os.path.realpath(root)])


def construct_paths(artifact: dict[str, Any]) -> dict[str, str]:
    """logical id -> construct path, from the manifest's `aws:cdk:logicalId` entries."""
    out: dict[str, str] = {}
    metadata = artifact.get("metadata")
    if not isinstance(metadata, dict):
        return out
    for path, entries in metadata.items():
        if not isinstance(entries, list):
            continue
        for entry in entries:
            if (
                isinstance(entry, dict)
                and entry.get("type") == "aws:cdk:logicalId"
                and isinstance(entry.get("data"), str)
            ):
                out[entry["data"]] = str(path).lstrip("/")
    return out


def scan_assembly(
    directory: str,
    options: ScanOptions,
    result: SourceResult,
    depth: int = 0,
    seen: set[str] | None = None,
    ancestors: tuple[str, ...] = (),
) -> None:
    """Nested assemblies form a graph, not a tree (symlinks can make two
    entries, or an entry and its own parent, the same folder): `seen` holds
    the real path of every assembly and template read for this unit, so each
    is read once whatever the fan-out, and a loop is reported, not walked."""
    seen = set() if seen is None else seen
    real_dir = os.path.realpath(directory)
    seen.add(real_dir)
    ancestors = (*ancestors, real_dir)
    manifest_path = os.path.join(directory, "manifest.json")
    shown = display_path(manifest_path)
    try:
        manifest = json.loads(read_text(manifest_path, options.max_file_bytes))
    except FileReadError as exc:
        result.errors.append(ScanError(shown, str(exc)))
        return
    except json.JSONDecodeError as exc:
        result.errors.append(ScanError(shown, f"invalid cloud assembly manifest: {exc.msg}", exc.lineno))
        return
    except RecursionError:
        result.errors.append(ScanError(shown, "cloud assembly manifest nested too deeply to read"))
        return
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        result.errors.append(ScanError(shown, "invalid cloud assembly manifest: no 'artifacts' object"))
        return
    for name, artifact in sorted(artifacts.items()):
        if not isinstance(artifact, dict):
            continue
        props = artifact.get("properties") if isinstance(artifact.get("properties"), dict) else {}
        assert isinstance(props, dict)
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack":
            rel = props.get("templateFile")
            if not isinstance(rel, str):
                result.errors.append(ScanError(shown, f"stack artifact {name!r} has no templateFile"))
                continue
            target = os.path.normpath(os.path.join(directory, rel))
            if os.path.isabs(rel) or not _inside(target, directory):
                result.errors.append(
                    ScanError(
                        shown, f"stack artifact {name!r} templateFile {rel!r} points outside the assembly; not read"
                    )
                )
                continue
            if not os.path.isfile(target):
                result.errors.append(ScanError(shown, f"stack artifact {name!r} templateFile {rel!r} is missing"))
                continue
            real = os.path.realpath(target)
            if real in seen:
                continue  # the same template through another link: read once
            seen.add(real)
            result.files.append(target)
            scan_template_file(
                target, options, framework=SourceFramework.CDK, construct_paths=construct_paths(artifact), result=result
            )
        elif kind == "cdk:cloud-assembly":
            rel = props.get("directoryName")
            if not isinstance(rel, str):
                continue
            target = os.path.normpath(os.path.join(directory, rel))
            if os.path.isabs(rel) or not _inside(target, directory) or target == os.path.normpath(directory):
                result.errors.append(
                    ScanError(
                        shown, f"nested assembly {name!r} directory {rel!r} points outside the assembly; not read"
                    )
                )
                continue
            real = os.path.realpath(target)
            if real in ancestors:
                result.errors.append(
                    ScanError(
                        shown, f"nested assembly {name!r} directory {rel!r} is this assembly or one around it; not read"
                    )
                )
                continue
            if real in seen:
                continue  # reached through another entry already: read once
            if depth >= MAX_ASSEMBLY_DEPTH:
                result.errors.append(ScanError(shown, f"nested assembly {name!r} is nested too deeply; not read"))
                continue
            if os.path.isfile(os.path.join(target, "manifest.json")):
                scan_assembly(target, options, result, depth + 1, seen, ancestors)
