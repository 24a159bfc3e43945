"""The safe walk of the scanned tree: regular files only, symlinks judged
once, never leaving the real roots, no loops, no vendored directories."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from checker.model import ErrorKind, ScanError
from checker.util.textio import special_kind

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


def is_within(path: str, roots: Iterable[str]) -> bool:
    """Whether `path` is at or below one of `roots`, by name alone."""
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def inside(path: str, real_roots: Iterable[str]) -> bool:
    """Whether `path`, every symlink resolved, is at or below one of the
    roots (given as real paths).  Every path taken from file contents (module
    sources, TemplateURL, manifest entries) goes through here before it is read."""
    return is_within(os.path.realpath(path), real_roots)


def list_dir(
    d: str,
    roots: list[str],
    errors: list[ScanError],
    out: list[str],
    visited: set[tuple[int, int]],
    dir_mtimes: dict[str, int] | None = None,
) -> list[str]:
    """Add the files of one directory to `out` and return its subdirectories
    to visit; symlinks are judged here, once, for every walk."""
    try:
        st = os.stat(d)
    except OSError as exc:
        errors.append(ScanError(display_path(d), f"cannot stat: {exc.strerror or exc}"))
        return []
    if (st.st_dev, st.st_ino) in visited:  # a bind mount or similar: each directory once
        errors.append(ScanError(display_path(d), "symlink loop: directory already visited, not followed"))
        return []
    visited.add((st.st_dev, st.st_ino))
    if dir_mtimes is not None:
        dir_mtimes[d] = st.st_mtime_ns
    try:
        with os.scandir(d) as it:
            entries = list(it)
    except OSError as exc:
        errors.append(ScanError(display_path(d), f"cannot list directory: {exc.strerror or exc}"))
        return []
    subdirs = []
    for e in entries:
        try:
            # Most entries are plain files: ask that first (d_type, no system call).
            if e.is_file(follow_symlinks=False):
                out.append(e.path)
            elif e.is_dir(follow_symlinks=False):
                if e.name not in SKIP_DIRS:
                    subdirs.append(e.path)
            elif e.is_symlink():
                target = os.path.realpath(e.path)
                if not os.path.exists(target):
                    errors.append(ScanError(display_path(e.path), "broken symlink, not followed"))
                    continue
                if not is_within(target, roots):
                    errors.append(
                        ScanError(display_path(e.path), "symlink points outside the scanned tree, not followed")
                    )
                    continue
                if os.path.isdir(target):
                    # The target is inside a scanned root, so it is read
                    # at its real place; following the link would scan it
                    # twice, or forever when it points at an ancestor.
                    if is_within(os.path.realpath(d), [target]):
                        errors.append(ScanError(display_path(e.path), "symlink loop, not followed"))
                    continue
                kind = special_kind(os.stat(target).st_mode)
                if kind is not None:
                    errors.append(ScanError(display_path(e.path), f"symlink to {kind}, not read"))
                    continue
                out.append(e.path)
            else:
                # FIFOs, sockets and devices: opening one can block forever
                # or never reach the end, so they are named and skipped.
                kind = special_kind(e.stat(follow_symlinks=False).st_mode)
                errors.append(ScanError(display_path(e.path), f"{kind}, not a regular file; not read"))
        except OSError as exc:
            errors.append(ScanError(display_path(e.path), f"cannot stat: {exc.strerror or exc}"))
    return subdirs


def walk_tree(
    top: str,
    roots: list[str],
    errors: list[ScanError],
    out: list[str],
    visited: set[tuple[int, int]],
    dir_mtimes: dict[str, int] | None = None,
) -> None:
    """Every file below `top` into `out` (unsorted), depth first."""
    stack = [top]
    while stack:
        stack.extend(list_dir(stack.pop(), roots, errors, out, visited, dir_mtimes))


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
            errors.append(ScanError(display_path(given), "no such file or directory", kind=ErrorKind.USAGE))
            continue
        if os.path.isfile(given):
            out.append(given)
            continue
        walk_tree(given, roots, errors, out, set())
    # One sort at the end instead of one per directory: the order is the
    # same for every run, at a fraction of the cost on large trees.
    out.sort()
    return out
