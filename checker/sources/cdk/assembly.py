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
import re
from dataclasses import dataclass, field
from typing import Any

from checker.discovery.walk import display_path, inside
from checker.model import ScanError, SourceFramework, SourceResult
from checker.sources.base import ScanOptions
from checker.sources.cloudformation.chains import Exports
from checker.sources.cloudformation.parameters import parameter_overrides
from checker.sources.cloudformation.template import TemplateScan
from checker.util.textio import FileReadError, read_text

MAX_ASSEMBLY_DEPTH = 10


def _inside(path: str, root: str) -> bool:
    return inside(path, [os.path.realpath(root)])


@dataclass
class StackMetadata:
    """What an assembly records about one stack's constructs, by logical id."""

    #: logical id -> construct path (`aws:cdk:logicalId` entries).
    paths: dict[str, str] = field(default_factory=dict)
    #: construct path -> `file:line` of the user's code that created it
    #: (the first frame of the recorded creation stack outside the CDK).
    created: dict[str, str] = field(default_factory=dict)


#: A creation-stack frame: `new SupportStack (/app/lib/stack.ts:25:5)` or
#: `at /app/bin/app.ts:7:1`; the file and line are the user's source.
_FRAME = re.compile(r"\(?((?:[A-Za-z]:)?[^\s()]+\.(?:ts|tsx|js|mjs|cjs|py|java|go|cs|kt)):(\d+)(?::\d+)?\)?\s*$")
#: Frames of the CDK, jsii and Node itself, never the user's code.
_LIBRARY = ("node_modules", "node:", "/jsii", "jsii-runtime", "/aws_cdk/", "/constructs/", "internal/")


def user_frame(trace: Any, app_dir: str | None = None) -> str | None:
    """The first frame of a creation stack in the user's own code, as
    `file:line`; None when the trace names none (Python apps record only
    jsii frames). The path is the synth machine's: when its tail names a
    file of the app beside the assembly, that file is shown instead."""
    if not isinstance(trace, list):
        return None
    for frame in trace[:200]:
        if not isinstance(frame, str) or any(x in frame for x in _LIBRARY):
            continue
        m = _FRAME.search(frame)
        if m is not None:
            return f"{_local(m.group(1), app_dir)}:{m.group(2)}"
    return None


def _local(path: str, app_dir: str | None) -> str:
    parts = [p for p in path.replace("\\", "/").split("/") if p]
    if app_dir is None:
        return path
    for i in range(len(parts)):
        candidate = os.path.join(app_dir, *parts[i:])
        if os.path.isfile(candidate) and _inside(candidate, app_dir):
            return display_path(candidate)
    return path


def construct_paths(artifact: dict[str, Any]) -> dict[str, str]:
    """logical id -> construct path, from the manifest's `aws:cdk:logicalId` entries."""
    return stack_metadata(artifact.get("metadata")).paths


def stack_metadata(*sources: Any, app_dir: str | None = None) -> StackMetadata:
    """Logical ids and creation stacks from the manifest's `metadata` and
    the stack's `additionalMetadataFile` (current aws-cdk-lib writes them
    there, not in the manifest)."""
    out = StackMetadata()
    for metadata in sources:
        if not isinstance(metadata, dict):
            continue
        for path, entries in metadata.items():
            if not isinstance(entries, list):
                continue
            cpath = str(path).lstrip("/")
            for entry in entries:
                if not isinstance(entry, dict):
                    continue
                kind, data = entry.get("type"), entry.get("data")
                if kind == "aws:cdk:logicalId" and isinstance(data, str):
                    out.paths[data] = cpath
                frame = user_frame(entry.get("trace"), app_dir) or (
                    user_frame(data, app_dir) if kind == "aws:cdk:creationStack" else None
                )
                if frame is not None:
                    out.created.setdefault(cpath, frame)
    return out


def _environment(artifact: dict[str, Any]) -> str | None:
    """The region of `environment: aws://ACCOUNT/REGION`, when set (an
    environment-agnostic stack says `unknown-region`)."""
    env = artifact.get("environment")
    if isinstance(env, str) and env.startswith("aws://"):
        region = env[len("aws://") :].partition("/")[2]
        if region and region != "unknown-region" and re.fullmatch(r"[a-z]{2}(?:-[a-z]+)+-\d", region):
            return region
    return None


def _read_json(path: str, options: ScanOptions, result: SourceResult, what: str) -> Any:
    try:
        return json.loads(read_text(path, options.max_file_bytes))
    except FileReadError as exc:
        result.errors.append(ScanError(display_path(path), str(exc)))
    except json.JSONDecodeError as exc:
        result.errors.append(ScanError(display_path(path), f"invalid {what}: {exc.msg}", exc.lineno))
    except RecursionError:
        result.errors.append(ScanError(display_path(path), f"{what} nested too deeply to read"))
    return None


def scan_assembly(
    directory: str,
    options: ScanOptions,
    result: SourceResult,
    depth: int = 0,
    seen: set[str] | None = None,
    ancestors: tuple[str, ...] = (),
    app_dir: str | None = None,
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
    exports = Exports()
    stacks: list[TemplateScan] = []
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
            meta = stack_metadata(
                artifact.get("metadata"),
                _metadata_file(directory, artifact, options, result),
                app_dir=app_dir or os.path.dirname(os.path.abspath(directory)),
            )
            scan = TemplateScan(
                target,
                options,
                result,
                framework=SourceFramework.CDK,
                construct_paths=meta.paths,
                created=meta.created,
                display=None,
                parameters=parameter_overrides(options, result.errors),
                via=(),
                chain=(os.path.normpath(target),),
                region=_environment(artifact),
                exports=exports,
                templates_read=seen,
            )
            # Every stack registers its exports before any is read, so an
            # import resolves whatever the order of the stacks.
            if scan.prepare():
                stacks.append(scan)
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
                app = app_dir or os.path.dirname(os.path.abspath(directory))
                scan_assembly(target, options, result, depth + 1, seen, ancestors, app)
    for scan in stacks:
        scan.extract()


def _metadata_file(directory: str, artifact: dict[str, Any], options: ScanOptions, result: SourceResult) -> Any:
    rel = artifact.get("additionalMetadataFile")
    if not isinstance(rel, str):
        return None
    target = os.path.normpath(os.path.join(directory, rel))
    if os.path.isabs(rel) or not _inside(target, directory) or not os.path.isfile(target):
        return None
    return _read_json(target, options, result, "stack metadata file")
