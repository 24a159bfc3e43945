"""A content-hash cache of source results, so re-scanning an unchanged tree
skips parsing.

Entries are JSON, never pickle: the cache directory may be shared or
restored from a CI cache, and loading it must not be able to run code.  A
corrupt or foreign entry is ignored and rebuilt.  The key covers the content
of every file in the unit, the scan options, the tool (its version and a
digest of its code, see `code_version`) and the feed, so a change to any of
them is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import __version__
from checker.model import Action, Definition, Location, Reference, ScanError, SourceResult, Usage
from checker.util.atomic import atomic_write_text

if TYPE_CHECKING:
    from checker.discovery.survey import Survey

CACHE_FORMAT = 1


@lru_cache(maxsize=1)
def code_version() -> str:
    """The tool's version and a digest of its own code and data files.  The
    version number alone would let a development install, a patched copy or
    a rebuild under the same number read results that other code wrote;
    hashing some sixty small files costs a few milliseconds, once."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".json") and p.is_file()):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return f"{__version__}+{h.hexdigest()[:16]}"


def default_cache_dir() -> Path:
    """The user's cache directory (XDG on Linux), created on first write."""
    try:
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("bedrock-lifecycle"))
    except ImportError:  # pragma: no cover - platformdirs is a declared dependency
        return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "bedrock-lifecycle"


def unit_key(source: str, key: str, files: tuple[str, ...], options_repr: str, salt: str) -> str | None:
    """Hash of everything a unit's result depends on; None when a file cannot
    be read (the scan itself will report it)."""
    h = hashlib.sha256()
    for part in (str(CACHE_FORMAT), code_version(), salt, source, key, options_repr):
        h.update(part.encode())
        h.update(b"\0")
    for f in files:
        h.update(f.encode())
        h.update(b"\0")
        try:
            with open(f, "rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
        except OSError:
            return None
        h.update(b"\0")
    return h.hexdigest()


def tree_key(
    files: list[str],
    extra_files: tuple[str, ...],
    settings_repr: str,
    salt: str,
    stats: dict[str, tuple[int, int]] | None = None,
    digest: str | None = None,
) -> str | None:
    """Key of a whole scan from every file's path, size and modification time
    (as make and git trust them): an unchanged tree is not even read again.
    Any change falls back to the per-unit content hashes.  None when a file
    cannot be stat'ed.  `stats` are the walk's, when it took them."""
    h = hashlib.sha256()
    for part in (str(CACHE_FORMAT), code_version(), salt, settings_repr):
        h.update(part.encode())
        h.update(b"\0")
    if digest is not None:
        # The stats were read back from the cache and checked unchanged: the
        # digest of that entry stands for all of them.
        h.update(digest.encode())
        files = []
    for f in sorted(files) + sorted(extra_files):
        known = stats.get(f) if stats is not None else None
        if known is None:
            try:
                st = os.stat(f)
            except OSError:
                return None
            known = (st.st_size, st.st_mtime_ns)
        h.update(f"{f}\0{known[0]}\0{known[1]}\0".encode())
    return "tree-" + h.hexdigest()


def _ref_to_json(r: Reference) -> dict[str, Any]:
    d = asdict(r)
    d["usage"] = r.usage.value
    d["action"] = r.action.value if r.action else None
    return d


def _ref_from_json(d: dict[str, Any]) -> Reference:
    names = {f.name for f in fields(Reference)}
    if set(d) != names:
        raise ValueError("reference fields differ")
    d = dict(d)
    d["usage"] = Usage(d["usage"])
    d["action"] = Action(d["action"]) if d["action"] else None
    d["location"] = Location(**d["location"])
    d["via"] = tuple(Location(**v) for v in d["via"])
    if d["definition"] is not None:
        dd = d["definition"]
        d["definition"] = Definition(Location(**dd["location"]), dd["kind"], tuple(Location(**c) for c in dd["chain"]))
    return Reference(**d)


def encode(result: SourceResult) -> str:
    return json.dumps(
        {
            "format": CACHE_FORMAT,
            "version": code_version(),
            "references": [_ref_to_json(r) for r in result.references],
            "errors": [asdict(e) for e in result.errors],
            "files": result.files,
        }
    )


def decode(text: str) -> SourceResult:
    doc = json.loads(text)
    if doc.get("format") != CACHE_FORMAT or doc.get("version") != code_version():
        raise ValueError("cache entry from another version")
    return SourceResult(
        references=[_ref_from_json(r) for r in doc["references"]],
        errors=[ScanError(**e) for e in doc["errors"]],
        files=list(doc["files"]),
    )


class ResultCache:
    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> SourceResult | None:
        path = self._path(key)
        try:
            result = decode(path.read_text("utf-8"))
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError):
            # Corrupt, truncated or foreign: never trusted, rebuilt below.
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: SourceResult) -> None:
        # A read-only or full cache directory must not fail the scan.
        with contextlib.suppress(OSError):
            atomic_write_text(self._path(key), encode(result), durable=False)

    def get_report(self, key: str) -> tuple[str, int] | None:
        """A rendered report and its exit code, for an unchanged tree scanned
        with the same settings, date, feed and tool; never trusted when it
        does not have exactly that shape."""
        try:
            doc = json.loads(self._path(key).read_text("utf-8"))
        except (OSError, ValueError):
            self.misses += 1
            return None
        if (
            not isinstance(doc, dict)
            or doc.get("format") != CACHE_FORMAT
            or doc.get("kind") != "report"
            or not isinstance(doc.get("text"), str)
            or doc.get("exit_code") not in (0, 1, 2)
        ):
            self.misses += 1
            return None
        self.hits += 1
        return doc["text"], doc["exit_code"]

    def get_walk(self, key: str) -> Survey | None:
        """The stat-only survey of a tree taken last time (see
        `checker.discovery.survey.unchanged`); None when missing or malformed."""
        from checker.sources import Survey

        try:
            raw = self._path(key).read_bytes()
            doc = json.loads(raw)
            if doc.get("format") != CACHE_FORMAT or doc.get("kind") != "walk":
                raise ValueError("not a walk entry")
            files = [str(f) for f, _, _ in doc["files"]]
            stats = {str(f): (int(size), int(mtime)) for f, size, mtime in doc["files"]}
            dirs = {str(d): int(mtime) for d, mtime in doc["dirs"]}
            errors = [ScanError(str(f), str(m), int(ln), str(k)) for f, m, ln, k in doc["errors"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return Survey(files, {}, errors, stats, dirs, hashlib.sha256(raw).hexdigest())

    def put_walk(self, key: str, walked: Survey) -> str | None:
        """Store a stat-only survey; returns the digest of what was stored
        (the same `get_walk` gives when it reads it back)."""
        if walked.stats is None or walked.dir_mtimes is None:
            return None
        doc = {
            "format": CACHE_FORMAT,
            "kind": "walk",
            "files": [[f, *walked.stats[f]] for f in walked.files if f in walked.stats],
            "dirs": [[d, m] for d, m in walked.dir_mtimes.items()],
            "errors": [[e.file, e.message, e.line, e.kind] for e in walked.errors],
        }
        text = json.dumps(doc, separators=(",", ":"))
        with contextlib.suppress(OSError):
            atomic_write_text(self._path(key), text, durable=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def put_report(self, key: str, text: str, exit_code: int) -> None:
        doc = {"format": CACHE_FORMAT, "kind": "report", "exit_code": exit_code, "text": text}
        with contextlib.suppress(OSError):
            atomic_write_text(self._path(key), json.dumps(doc), durable=False)
