"""A content-hash cache of source results, so re-scanning an unchanged tree
skips parsing.

Entries are JSON, never pickle: the cache directory may be shared or
restored from a CI cache, and loading it must not be able to run code.  A
corrupt or foreign entry is ignored and rebuilt.  The key covers the content
of every file in the unit, the scan options, the tool (its version and a
digest of its code, see `code_version`) and the feed, so a change to any of
them is a miss.

The cache must not be able to change a verdict, and everything in those
keys is public (a repository's files, the tool's code, the bundled feed): an
entry planted in a restored CI cache could otherwise replay "0 files, exit
0".  So every entry is bound to a secret the tool keeps outside the cache
(`cache_secret`): its file name is an HMAC of the key and its content
carries an HMAC of itself, and an entry that fails either is a miss.  A
result with errors is never stored (an unreadable file may be readable next
time, with the same size and mtime), and the directory is kept under a size
limit by evicting the least recently used entries.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker import __version__
from checker.model import (
    Action,
    Definition,
    ErrorKind,
    Location,
    Reference,
    ScanError,
    SourceFramework,
    SourceResult,
    Usage,
)
from checker.util.atomic import atomic_write_text

if TYPE_CHECKING:
    from checker.discovery.survey import Survey

CACHE_FORMAT = 3
#: Default bound of the cache directory (BEDROCK_LIFECYCLE_CACHE_MAX_BYTES).
DEFAULT_MAX_CACHE_BYTES = 512 * 1024 * 1024
#: Trimming goes down to this share of the bound, so it is not done at
#: every write once the directory is full.
_TRIM_TO = 0.8


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


def _key_file() -> Path:
    try:
        from platformdirs import user_config_dir

        return Path(user_config_dir("bedrock-lifecycle")) / "cache-key"
    except ImportError:  # pragma: no cover - platformdirs is a declared dependency
        return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "bedrock-lifecycle" / "cache-key"


@lru_cache(maxsize=1)
def cache_secret() -> bytes:
    """The secret entries are bound to: BEDROCK_LIFECYCLE_CACHE_KEY (a CI
    secret, to share a cache between runners), else a random key made once
    in the user's config directory (never in the cache directory, which may
    come from somewhere else), else -- when neither can be had -- a key for
    this process only, so the cache is then merely not reused."""
    given = os.environ.get("BEDROCK_LIFECYCLE_CACHE_KEY")
    if given:
        return hashlib.sha256(given.encode()).digest()
    path = _key_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
        text = path.read_text("ascii").strip()
        if len(text) >= 32:
            return hashlib.sha256(text.encode()).digest()
    except (OSError, UnicodeDecodeError):
        pass
    return secrets.token_bytes(32)


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
            # Non-blocking: a FIFO put in place of a file gives EOF, not a hang.
            fd = os.open(f, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as fh:
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
    d["framework"] = SourceFramework(d["framework"])
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
            "exports": [_ref_to_json(r) for r in result.exports],
        }
    )


def decode(text: str) -> SourceResult:
    doc = json.loads(text)
    if doc.get("format") != CACHE_FORMAT or doc.get("version") != code_version():
        raise ValueError("cache entry from another version")
    return SourceResult(
        references=[_ref_from_json(r) for r in doc["references"]],
        errors=[ScanError(**{**e, "kind": ErrorKind(e["kind"])}) for e in doc["errors"]],
        files=list(doc["files"]),
        exports=[_ref_from_json(r) for r in doc["exports"]],
    )


class ResultCache:
    def __init__(self, directory: str | os.PathLike[str], max_bytes: int | None = None) -> None:
        self.directory = Path(directory)
        self.hits = 0
        self.misses = 0
        self.max_bytes = max_bytes if max_bytes is not None else _max_bytes_from_env()
        self._secret = cache_secret()
        self._written = 0

    def _path(self, key: str) -> Path:
        # The kind stays readable (tree-, walk-); the rest is bound to the secret.
        kind, dash, _ = key.partition("-")
        prefix = kind + dash if dash and kind.isalpha() else ""
        name = hmac.new(self._secret, key.encode(), hashlib.sha256).hexdigest()
        return self.directory / name[:2] / f"{prefix}{name}.json"

    def _mac(self, key: str, body: bytes) -> str:
        return hmac.new(self._secret, key.encode() + b"\0" + body, hashlib.sha256).hexdigest()

    def _read(self, key: str) -> bytes | None:
        """The entry's body when its HMAC is right; None otherwise."""
        path = self._path(key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        mac, nl, body = raw.partition(b"\n")
        if not nl or not hmac.compare_digest(mac.decode("ascii", "replace"), self._mac(key, body)):
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: evicted last
        return body

    def _write(self, key: str, body: str) -> None:
        data = body.encode("utf-8")
        # A read-only or full cache directory must not fail the scan.
        with contextlib.suppress(OSError):
            atomic_write_text(self._path(key), self._mac(key, data) + "\n" + body, durable=False)
            self._written += len(data)

    def get(self, key: str) -> SourceResult | None:
        body = self._read(key)
        try:
            if body is None:
                raise ValueError("no entry")
            result = decode(body.decode("utf-8"))
        except (ValueError, KeyError, TypeError):
            # Missing, corrupt, foreign or planted: never trusted, rebuilt.
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: SourceResult) -> None:
        if any(transient(e) for e in result.errors):
            return
        self._write(key, encode(result))

    def get_report(self, key: str) -> tuple[str, int] | None:
        """A rendered report and its exit code, for an unchanged tree scanned
        with the same settings, date, feed and tool; never trusted when it
        does not have exactly that shape."""
        body = self._read(key)
        try:
            doc = json.loads(body) if body is not None else None
        except ValueError:
            doc = None
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

        raw = self._read(key)
        try:
            if raw is None:
                raise ValueError("no entry")
            doc = json.loads(raw)
            if doc.get("format") != CACHE_FORMAT or doc.get("kind") != "walk":
                raise ValueError("not a walk entry")
            files = [str(f) for f, _, _ in doc["files"]]
            stats = {str(f): (int(size), int(mtime)) for f, size, mtime in doc["files"]}
            dirs = {str(d): int(mtime) for d, mtime in doc["dirs"]}
            errors = [ScanError(str(f), str(m), int(ln), ErrorKind(k)) for f, m, ln, k in doc["errors"]]
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return Survey(files, {}, errors, stats, dirs, hashlib.sha256(raw).hexdigest())

    def put_walk(self, key: str, walked: Survey) -> str | None:
        """Store a stat-only survey; returns the digest of what was stored
        (the same `get_walk` gives when it reads it back)."""
        if walked.stats is None or walked.dir_mtimes is None or any(transient(e) for e in walked.errors):
            return None
        doc = {
            "format": CACHE_FORMAT,
            "kind": "walk",
            "files": [[f, *walked.stats[f]] for f in walked.files if f in walked.stats],
            "dirs": [[d, m] for d, m in walked.dir_mtimes.items()],
            "errors": [[e.file, e.message, e.line, e.kind] for e in walked.errors],
        }
        text = json.dumps(doc, separators=(",", ":"))
        self._write(key, text)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def put_report(self, key: str, text: str, exit_code: int) -> None:
        doc = {"format": CACHE_FORMAT, "kind": "report", "exit_code": exit_code, "text": text}
        self._write(key, json.dumps(doc))

    def trim(self) -> int:
        """Evict least recently used entries while the directory is over its
        bound; only after this process wrote something.  Returns the bytes
        removed."""
        if not self._written:
            return 0
        self._written = 0
        entries = []
        total = 0
        with contextlib.suppress(OSError):
            for sub in os.scandir(self.directory):
                if not sub.is_dir(follow_symlinks=False):
                    continue
                for e in os.scandir(sub.path):
                    with contextlib.suppress(OSError):
                        st = e.stat(follow_symlinks=False)
                        entries.append((st.st_mtime_ns, st.st_size, e.path))
                        total += st.st_size
        if total <= self.max_bytes:
            return 0
        removed = 0
        for _, size, path in sorted(entries):
            if total - removed <= self.max_bytes * _TRIM_TO:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
                removed += size
        return removed


#: How the messages of errors that come from the machine rather than the
#: file's content begin (textio, the walk, the pipeline's crash guard).
_TRANSIENT = ("cannot read", "cannot stat", "cannot list", "input too large to read in memory")


def transient(e: ScanError) -> bool:
    """An error that may be gone next time with the file unchanged (its
    permissions fixed, memory freed, a crash): never stored, since an
    unchanged size and mtime would replay it after its cause is gone.
    Parse errors depend only on the content and are stored like results."""
    return e.kind is ErrorKind.INTERNAL or e.message.startswith(_TRANSIENT)


def _max_bytes_from_env() -> int:
    value = os.environ.get("BEDROCK_LIFECYCLE_CACHE_MAX_BYTES", "")
    return int(value) if value.isdigit() and len(value) < 19 else DEFAULT_MAX_CACHE_BYTES
