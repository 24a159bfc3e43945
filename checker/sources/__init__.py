"""Where model references come from.

Discovery walks the tree once, safely (no escaping the root through symlinks,
no loops, no vendored directories), and groups files into *units*: a Terraform
module directory, a CloudFormation/SAM template, a plan file, a CDK cloud
assembly.  Units are independent, so they can be scanned in parallel and cached.
Each source module exposes `scan_unit(unit, options) -> SourceResult`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

from checker.model import ScanError, SourceResult
from checker.util.textio import DEFAULT_MAX_FILE_BYTES

#: Directories that never hold the user's own IaC: provider binaries, vendored
#: packages, build output that duplicates a template.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".terraform",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".serverless",
        ".aws-sam",
        ".terragrunt-cache",
    }
)

TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".templ")


@dataclass(frozen=True)
class ScanOptions:
    """Everything a source may need; plain data so it crosses process boundaries."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    tf_vars: tuple[tuple[str, str], ...] = ()
    tf_var_files: tuple[str, ...] = ()
    cfn_parameters: tuple[tuple[str, str], ...] = ()
    cfn_parameter_files: tuple[str, ...] = ()
    roots: tuple[str, ...] = ()
    prefilter: bool = True


@dataclass(frozen=True)
class Unit:
    """One independently scannable piece of the tree."""

    source: str
    key: str
    files: tuple[str, ...]
    root: str = "."


@dataclass
class Discovery:
    units: list[Unit] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    files_seen: int = 0


#: source name -> module that implements `scan_unit`.
SOURCE_MODULES = {
    "terraform": "checker.sources.terraform",
    "terraform_plan": "checker.sources.terraform_plan",
    "cloudformation": "checker.sources.cloudformation",
    "cdk": "checker.sources.cdk",
}


def scanner_for(source: str) -> Callable[[Unit, ScanOptions], SourceResult]:
    module = import_module(SOURCE_MODULES[source])
    fn: Callable[[Unit, ScanOptions], SourceResult] = module.scan_unit
    return fn


def display_path(path: str | Path) -> str:
    """Paths as the user passed them, relative to the working directory when
    inside it, with forward slashes, so reports are stable across machines."""
    p = os.path.normpath(str(path))
    try:
        rel = os.path.relpath(p)
        if not rel.startswith(".."):
            p = rel
    except ValueError:
        pass
    return p.replace(os.sep, "/")


def _is_within(path: str, roots: Iterable[str]) -> bool:
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def inside(path: str, real_roots: Iterable[str]) -> bool:
    """Whether `path`, every symlink resolved, is at or below one of the
    roots (given as real paths).  Every path taken from file contents (module
    sources, TemplateURL, manifest entries) goes through here before it is read."""
    return _is_within(os.path.realpath(path), real_roots)


def walk(paths: Iterable[str], errors: list[ScanError]) -> list[str]:
    """Every regular file under `paths`, never leaving the real roots.

    Symlinks are followed only when their target stays inside a scanned root;
    a directory reached twice by its real path is a loop and is reported.
    """
    paths = list(paths)
    roots = [os.path.realpath(p) for p in paths]
    out: list[str] = []
    for given in paths:
        if not os.path.exists(given):
            errors.append(ScanError(display_path(given), "no such file or directory", kind="usage"))
            continue
        if os.path.isfile(given):
            out.append(given)
            continue
        visited: set[tuple[int, int]] = set()
        stack = [given]
        while stack:
            d = stack.pop()
            try:
                st = os.stat(d)
            except OSError as exc:
                errors.append(ScanError(display_path(d), f"cannot stat: {exc.strerror or exc}"))
                continue
            if (st.st_dev, st.st_ino) in visited:  # a bind mount or similar: each directory once
                errors.append(ScanError(display_path(d), "symlink loop: directory already visited, not followed"))
                continue
            visited.add((st.st_dev, st.st_ino))
            try:
                with os.scandir(d) as it:
                    entries = list(it)
            except OSError as exc:
                errors.append(ScanError(display_path(d), f"cannot list directory: {exc.strerror or exc}"))
                continue
            subdirs = []
            for e in entries:
                try:
                    if e.is_symlink():
                        target = os.path.realpath(e.path)
                        if not os.path.exists(target):
                            errors.append(ScanError(display_path(e.path), "broken symlink, not followed"))
                            continue
                        if not _is_within(target, roots):
                            errors.append(
                                ScanError(display_path(e.path), "symlink points outside the scanned tree, not followed")
                            )
                            continue
                        if os.path.isdir(target):
                            # The target is inside a scanned root, so it is read
                            # at its real place; following the link would scan it
                            # twice, or forever when it points at an ancestor.
                            if _is_within(os.path.realpath(d), [target]):
                                errors.append(ScanError(display_path(e.path), "symlink loop, not followed"))
                            continue
                        out.append(e.path)
                    elif e.is_dir(follow_symlinks=False):
                        if e.name not in SKIP_DIRS:
                            subdirs.append(e.path)
                    elif e.is_file(follow_symlinks=False):
                        out.append(e.path)
                except OSError as exc:
                    errors.append(ScanError(display_path(e.path), f"cannot stat: {exc.strerror or exc}"))
            stack.extend(subdirs)
    # One sort at the end instead of one per directory: the order is the
    # same for every run, at a fraction of the cost on large trees.
    out.sort()
    return out


def _is_plan_json(path: str) -> bool:
    """A plan is a JSON object with `format_version` and plan-only keys; read
    only the head, as plans can be large."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    text = head.decode("utf-8", "replace")
    return '"format_version"' in text and any(
        k in text for k in ('"terraform_version"', '"resource_changes"', '"planned_values"', '"prior_state"')
    )


def _cdk_assembly_dirs(files: list[str]) -> set[str]:
    dirs = set()
    for f in files:
        if os.path.basename(f) == "manifest.json":
            d = os.path.dirname(f)
            try:
                with open(f, "rb") as fh:
                    head = fh.read(65536).decode("utf-8", "replace")
            except OSError:
                continue
            if '"artifacts"' in head and '"version"' in head:
                dirs.add(d)
    # Nested assemblies (assembly-*) belong to the outermost one.
    return {d for d in dirs if not any(d != o and _is_within(d, [o]) for o in dirs)}


def discover(paths: Iterable[str], options: ScanOptions | None = None) -> Discovery:
    paths = list(paths)
    disc = Discovery()
    files = walk(paths, disc.errors)
    disc.files_seen = len(files)
    disc.units = plan(files, options)
    return disc


def plan(files: list[str], options: ScanOptions | None = None) -> list[Unit]:
    """Group walked files into units (by content where names do not say)."""
    disc = Discovery()
    assemblies = _cdk_assembly_dirs(files)
    tf_dirs: dict[str, list[str]] = {}
    for f in files:
        name = os.path.basename(f)
        if assemblies and _is_within(f, assemblies):
            continue
        if name.endswith(TERRAFORM_SUFFIXES):
            tf_dirs.setdefault(os.path.dirname(f) or ".", []).append(f)
        elif name.endswith(".json") and _is_plan_json(f):
            disc.units.append(Unit("terraform_plan", f, (f,)))
        elif name.endswith(TEMPLATE_SUFFIXES):
            disc.units.append(Unit("cloudformation", f, (f,)))
    disc.units = group_nested_templates(disc.units, options or ScanOptions())
    disc.units.extend(terraform_units(tf_dirs, options or ScanOptions()))
    for a in sorted(assemblies):
        disc.units.append(Unit("cdk", a, (os.path.join(a, "manifest.json"),)))
    return disc.units


def group_nested_templates(units: list[Unit], options: ScanOptions) -> list[Unit]:
    """A template that another scanned template ships as a nested stack is
    scanned through its parent (with the parameters the parent passes), not
    again on its own; its file joins the parent's unit."""
    from checker.sources.cloudformation import nested_template_paths
    from checker.util.textio import FileReadError, read_text

    templates = {os.path.normpath(u.key): u for u in units if u.source == "cloudformation"}
    children: dict[str, list[str]] = {}
    for key in templates:
        try:
            with open(key, "rb") as fh:
                data = fh.read(options.max_file_bytes + 1)
        except OSError:
            continue
        if b"AWS::CloudFormation::Stack" not in data:
            continue  # the cheap test first: most templates nest nothing
        try:
            text = read_text(key, options.max_file_bytes)
        except FileReadError:
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
            out.append(Unit(u.source, u.key, (*u.files, *children.get(key, [])), u.root))
    return out


def terraform_units(tf_dirs: dict[str, list[str]], options: ScanOptions) -> list[Unit]:
    """Group Terraform directories into units.  The Terraform source decides
    (a root module and the local modules it calls form one unit); a directory
    per unit is the fallback."""
    module = import_module(SOURCE_MODULES["terraform"])
    plan: Callable[[dict[str, list[str]], ScanOptions], list[Unit]] | None = getattr(module, "plan_units", None)
    if plan is not None:
        return plan(tf_dirs, options)
    return [Unit("terraform", d, tuple(sorted(fs))) for d, fs in sorted(tf_dirs.items())]


def load_json_object(path: str, max_bytes: int) -> object:
    from checker.util.textio import read_text

    return json.loads(read_text(path, max_bytes))
