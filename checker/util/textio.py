"""Decode files the way editors save them, and say clearly when we cannot.

IaC files arrive as UTF-8 with or without BOM, sometimes UTF-16 from Windows
tooling, with CRLF line endings.  Line numbers must match what the user sees.
"""

from __future__ import annotations

import codecs
from pathlib import Path

#: Default largest file a source will read.  Larger files are reported and
#: skipped: generated files that size hold no hand-written model ids, and
#: parsing them would dominate the scan.
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
#: Default largest Terraform plan or state read.  Those are generated, but
#: they are what is reviewed, and a large estate's plan is tens of megabytes;
#: reading one costs about ten times its size in memory.
DEFAULT_MAX_PLAN_BYTES = 128 * 1024 * 1024


class FileReadError(Exception):
    """A file that cannot be turned into text; the message names the problem."""


def decode_bytes(data: bytes) -> str:
    """Decode with BOM detection; normalise CRLF/CR so line counts are right."""
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16")
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


def read_text(path: str | Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> str:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise FileReadError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (--max-file-size)")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise FileReadError(f"file grew past the {max_bytes:,}-byte limit while being read")
    try:
        return decode_bytes(data)
    except UnicodeDecodeError as exc:
        raise FileReadError(f"cannot decode: {exc.reason}") from None
