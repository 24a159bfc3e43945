"""Decode files the way editors save them, and say clearly when we cannot.

IaC files arrive as UTF-8 with or without BOM, sometimes UTF-16 from Windows
tooling, with CRLF line endings.  Line numbers must match what the user sees.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

#: Default largest file a source will read.  Larger files are reported and
#: skipped: generated files that size hold no hand-written model ids, and
#: parsing them would dominate the scan.
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
#: Default largest Terraform plan or state read.  Those are generated, but
#: they are what is reviewed, and a large estate's plan is tens of megabytes;
#: reading one costs about ten times its size in memory.
DEFAULT_MAX_PLAN_BYTES = 128 * 1024 * 1024


#: Largest single read: a limit of 10**30 bytes must not overflow a C size.
_CHUNK = 1 << 24


class FileReadError(Exception):
    """A file that cannot be turned into text; the message names the problem."""


#: Byte-order marks, UTF-32 first: its little-endian mark starts with
#: UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def sniff_wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the zero
    bytes of the first characters fall (every IaC file starts with ASCII,
    as RFC 4627 used to detect JSON's encoding).  Read as UTF-8 such a file
    would fail or, worse, pass with NULs between the letters and match no
    model id."""
    head = data[:4]
    if len(head) < 4 or b"\x00" not in head:
        return None
    z = [b == 0 for b in head]
    if z == [False, True, True, True]:
        return "utf-32-le"
    if z == [True, True, True, False]:
        return "utf-32-be"
    if z == [False, True, False, True]:
        return "utf-16-le"
    if z == [True, False, True, False]:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> str:
    """Decode with BOM detection, and UTF-16/32 detection without one;
    normalise CRLF/CR so line counts are right."""
    bom = next(((mark, enc) for mark, enc in _BOMS if data.startswith(mark)), None)
    wide = None if bom else sniff_wide_encoding(data)
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    elif bom is not None:
        text = data.decode(bom[1])
    elif wide is not None:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError as exc:
            raise FileReadError(
                f"looks like {wide.upper()} without a byte-order mark but does not decode as it "
                f"(offset {exc.start}); save the file as UTF-8"
            ) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileReadError(
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8"
            ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is, for the message: reading a
    FIFO waits for a writer forever, /dev/zero never ends, /dev/stdin eats
    the CI job's input."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _SPECIAL if test(mode)), "not a regular file")


def read_regular_bytes(path: str | os.PathLike[str], max_bytes: int, limit_hint: str = " (--max-file-size)") -> bytes:
    """The bytes of a regular file of at most `max_bytes`.  Opened without
    blocking and checked on the open descriptor, so a FIFO or device put in
    its place (or behind a symlink) is refused, never waited on or read
    forever; the size is checked before and while reading."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    try:
        st = os.fstat(fd)
        kind = special_kind(st.st_mode)
        if kind is not None:
            raise FileReadError(f"{kind}, not a regular file; not read")
        if st.st_size > max_bytes:
            raise FileReadError(f"file is {st.st_size:,} bytes, over the {max_bytes:,}-byte limit{limit_hint}")
        chunks = []
        got = 0
        while got <= max_bytes:
            more = os.read(fd, min(max_bytes + 1 - got, _CHUNK))
            if not more:
                break
            chunks.append(more)
            got += len(more)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if got > max_bytes:
        raise FileReadError(f"file grew past the {max_bytes:,}-byte limit while being read")
    return b"".join(chunks)


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    data = read_regular_bytes(path, max_bytes)
    try:
        return decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise FileReadError(f"cannot decode: {exc.reason}") from None
