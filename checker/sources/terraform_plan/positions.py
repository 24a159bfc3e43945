"""Parse plan and state JSON once, learning where each resource starts.

Reports need the line of every resource, and plans of large estates are tens
of megabytes.  Searching the text for each address again was quadratic (a
31.6 MB plan spent 20 of its 21 seconds there) and missed addresses whose
keys Terraform writes as raw UTF-8 or with `<>&` escaped as `\\u003c`, since
no re-encoding of the parsed address matches every writer.  Instead the few
containers that hold resources are walked here, member by member, while
everything else goes to the C decoder (`JSONDecoder.raw_decode`) in one call
per value; each resource's start offset falls out of the walk, and offsets
become lines in one pass over the text.  The walk is linear, and it is the
only parse of the file.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from typing import Any

#: Marks a value whose start and end offsets are recorded.
RECORD = "record"

#: Which values to record, as a shape of the document: a dict maps keys of an
#: object to the shape of their values, a one-element list gives the shape of
#: every element of an array, RECORD records the value.  Keys of plans
#: (`resource_changes`, `deferred_changes`), of `terraform show -json` states
#: (`values`) and of raw state files (`resources`) never clash, so one shape
#: serves all three.
_MODULE: dict[str, Any] = {"resources": [RECORD]}
_MODULE["child_modules"] = [_MODULE]
SHAPE: dict[str, Any] = {
    "resource_changes": [RECORD],
    "deferred_changes": [{"resource_change": RECORD}],
    "values": {"root_module": _MODULE},
    "resources": [{"instances": [RECORD]}],
}

_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class PositionedDoc:
    """The parsed document and the span of every recorded value, by identity
    (the values are the very objects in the document, alive as long as it)."""

    def __init__(self, text: str, doc: Any, spans: dict[int, tuple[int, int]]) -> None:
        self.text = text
        self.doc = doc
        self._spans = spans
        self._newlines: list[int] | None = None

    def span(self, value: Any) -> tuple[int, int] | None:
        return self._spans.get(id(value))

    def line_at(self, offset: int) -> int:
        """1-based line of a text offset, by binary search over the newline
        offsets (found once, in one pass over the text)."""
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect_right(self._newlines, offset - 1) + 1

    def key_line(self, value: Any, key: str) -> int:
        """Line of `key` inside a recorded object (where a pretty-printed
        plan shows the resource's address), else the line it starts on, else
        1.  The search stays inside the object's own span, so it costs the
        length of the object at most and the whole walk stays linear."""
        span = self.span(value)
        if span is None:
            return 1
        start, end = span
        pos = self.text.find(f'"{key}"', start, end)
        return self.line_at(pos if pos >= 0 else start)


def _skip(text: str, i: int) -> int:
    m = _WS.match(text, i)
    return m.end() if m else i


def _fail(message: str, text: str, i: int) -> json.JSONDecodeError:
    return json.JSONDecodeError(message, text, i)


def _after_item(text: str, i: int, closer: str) -> tuple[int, bool]:
    """Past the `,` after a member or element (False), or the closing
    bracket (True)."""
    i = _skip(text, i)
    if text.startswith(",", i):
        return _skip(text, i + 1), False
    if text.startswith(closer, i):
        return i + 1, True
    raise _fail("Expecting ',' delimiter", text, i)


def _parse(text: str, i: int, shape: Any, spans: dict[int, tuple[int, int]]) -> tuple[Any, int]:
    """The value starting at `i` (no leading space) and the offset after it."""
    if isinstance(shape, dict) and text.startswith("{", i):
        obj: dict[str, Any] = {}
        i = _skip(text, i + 1)
        if text.startswith("}", i):
            return obj, i + 1
        while True:
            if not text.startswith('"', i):
                raise _fail("Expecting property name enclosed in double quotes", text, i)
            key, i = _DECODER.raw_decode(text, i)
            i = _skip(text, i)
            if not text.startswith(":", i):
                raise _fail("Expecting ':' delimiter", text, i)
            i = _skip(text, i + 1)
            obj[key], i = _parse(text, i, shape.get(key), spans)
            i, done = _after_item(text, i, "}")
            if done:
                return obj, i
    if isinstance(shape, list) and text.startswith("[", i):
        arr: list[Any] = []
        i = _skip(text, i + 1)
        if text.startswith("]", i):
            return arr, i + 1
        while True:
            item, i = _parse(text, i, shape[0], spans)
            arr.append(item)
            i, done = _after_item(text, i, "]")
            if done:
                return arr, i
    start = i
    value, i = _DECODER.raw_decode(text, i)
    if shape is RECORD and isinstance(value, (dict, list)):
        spans[id(value)] = (start, i)
    return value, i


def load(text: str, shape: dict[str, Any] | None = None) -> PositionedDoc:
    """Parse `text` as one JSON document, recording spans along `shape`.

    Raises `json.JSONDecodeError` (with the line) as `json.loads` does, and
    RecursionError for nesting deeper than the C decoder follows."""
    spans: dict[int, tuple[int, int]] = {}
    i = _skip(text, 0)
    if i == len(text):
        raise _fail("Expecting value", text, i)
    doc, i = _parse(text, i, SHAPE if shape is None else shape, spans)
    i = _skip(text, i)
    if i != len(text):
        raise _fail("Extra data", text, i)
    return PositionedDoc(text, doc, spans)
