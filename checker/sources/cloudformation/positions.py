"""Where a value inside a state machine definition is written in the template.

An inline `Definition` is YAML/JSON the loader gave lines to: the key path
leads to the line.  A `DefinitionString` is one string the resolver built
from literal pieces (`Fn::Join` parts, an `Fn::Sub` template, a block
scalar): the key path is found in the built JSON text, the literal piece
holding that offset is found in the template, and the line is that piece's
line (plus the lines before the offset when the piece is a `|` block, whose
newlines are the file's).  Without this every model in a definition would
be reported at the line of `DefinitionString`, often far from its state.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from json import decoder
from typing import Any

from checker.catalog.asl import Key
from checker.sources.cloudformation.intrinsics import intrinsic_name
from checker.sources.cloudformation.yaml_loader import LDict, LStr, column_of, line_of

#: The standard library's JSON string scanner (C-fast; not in its stubs).
_scanstring: Callable[[str, int], tuple[str, int]] = decoder.scanstring  # type: ignore[attr-defined]
_WS = re.compile(r"[ \t\r\n]*")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SCALAR = re.compile(r"[^,\]}\s]+")
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
#: Deepest nesting indexed (real definitions are shallow; deeper values are
#: skipped, and a model there is placed at the definition's line).
MAX_DEPTH = 64
#: Most pieces followed in one value (CDK's longest Fn::Join has a few hundred).
MAX_PIECES = 10_000


def definition_locator(
    raw: Any, built: Any, default: tuple[int, int]
) -> Callable[[tuple[Key, ...], str], tuple[int, int]]:
    """(line, column) of a key path in the definition `raw` (as written)
    whose resolved value is `built`; `default` when it cannot be placed.
    The text is indexed once, on the first call: a definition may name a
    model in thousands of states."""
    index: list[_TextIndex] = []

    def locate(keys: tuple[Key, ...], _: str) -> tuple[int, int]:
        if isinstance(raw, (dict, list)) and intrinsic_name(raw) is None:
            return _in_object(raw, keys, default)
        if not isinstance(built, str):
            return default
        if not index:
            index.append(_TextIndex(raw, built))
        return index[0].locate(keys, default)

    return locate


class _TextIndex:
    """Offsets of a built JSON text's values, and where each literal
    segment of the pieces sits in it (substituted values lie between)."""

    def __init__(self, raw: Any, built: str) -> None:
        self.offsets = json_index(built) or {}
        self._newlines: dict[int, list[int]] = {}
        self.starts: list[int] = []
        self.spans: list[tuple[int, int, LStr, int]] = []
        cursor = 0
        for n, piece in enumerate(_pieces(raw)):
            if n > MAX_PIECES:
                break
            start_in_piece = 0
            for segment in _PLACEHOLDER.split(piece):
                if not segment:
                    continue
                at_piece = piece.find(segment, start_in_piece)
                start_in_piece = at_piece + len(segment)
                found = built.find(segment, cursor)
                if found < 0:
                    continue
                cursor = found + len(segment)
                self.starts.append(found)
                self.spans.append((found, cursor, piece, at_piece))

    def locate(self, keys: tuple[Key, ...], default: tuple[int, int]) -> tuple[int, int]:
        offset = self.offsets.get(keys)
        if offset is None:
            return default
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return default
        found, end, piece, at_piece = self.spans[i]
        # Past the segment's end: in a substituted value (`${Model}`),
        # written where the gap is, at the end of the segment before it.
        return self._line_in(piece, at_piece + (min(offset, end) - found), default)

    def _line_in(self, piece: LStr, index: int, default: tuple[int, int]) -> tuple[int, int]:
        if not piece.line:
            return default
        if piece.style != "|":
            return piece.line, piece.column
        if id(piece) not in self._newlines:
            self._newlines[id(piece)] = [m.start() for m in re.finditer("\n", piece)]
        # A literal block's content starts on the line after its indicator.
        return piece.line + 1 + bisect.bisect_left(self._newlines[id(piece)], index), 0


def _in_object(node: Any, keys: tuple[Key, ...], best: tuple[int, int]) -> tuple[int, int]:
    for k in keys:
        if isinstance(k, str) and isinstance(node, dict) and k in node:
            if isinstance(node, LDict) and k in node.key_lines:
                best = node.key_lines[k]
            node = node[k]
        elif isinstance(k, int) and isinstance(node, list) and 0 <= k < len(node):
            node = node[k]
            if line_of(node):
                best = (line_of(node), column_of(node))
        else:
            break
    return best


def _pieces(raw: Any, depth: int = 0) -> Iterator[LStr]:
    """The literal strings of a built value, in the order they appear in it."""
    if depth > 50:
        return
    if isinstance(raw, LStr):
        yield raw
    elif isinstance(raw, list):
        for item in raw:
            yield from _pieces(item, depth + 1)
    elif isinstance(raw, dict):
        fn = intrinsic_name(raw)
        if fn == "Fn::Sub":
            arg = raw[fn]
            yield from _pieces(arg[0] if isinstance(arg, list) and arg else arg, depth + 1)
        elif fn == "Fn::Join" and isinstance(raw[fn], list) and len(raw[fn]) == 2:
            yield from _pieces(raw[fn][1], depth + 1)


def json_offset(text: str, keys: tuple[Key, ...]) -> int | None:
    """Offset in JSON `text` of the value at `keys` (see `json_index`)."""
    index = json_index(text)
    return index.get(keys) if index is not None else None


def json_index(text: str) -> dict[tuple[Key, ...], int] | None:
    """Key path -> offset of every member and element of JSON `text`, in one
    pass: a string's last character (a model id is the tail of an ARN,
    which may be built across several pieces), else where its key starts
    (the element's start in an array).  JSON's last duplicate member wins,
    as for `json.loads`.  None when the text is not JSON."""
    out: dict[tuple[Key, ...], int] = {}
    try:
        _index_value(text, _ws(text, 0), (), 0, out)
    except (IndexError, ValueError):
        return None
    return out


def _index_value(text: str, i: int, path: tuple[Key, ...], depth: int, out: dict[tuple[Key, ...], int]) -> int:
    """Index the value at `i` (below `path`); the offset just after it."""
    c = text[i]
    if c not in "{[" or depth > MAX_DEPTH:
        return _skip(text, i)
    close = "}" if c == "{" else "]"
    i = _ws(text, i + 1)
    n = 0
    while text[i] != close:
        at = i
        key: Key = n
        if c == "{":
            name, i = _scanstring(text, i + 1)
            key = name
            i = _ws(text, i)
            if text[i] != ":":
                raise ValueError("expected ':'")
            i = _ws(text, i + 1)
        sub = (*path, key)
        if text[i] == '"':
            end = _skip(text, i)
            out[sub] = end - 2
        else:
            out[sub] = at
            end = _index_value(text, i, sub, depth + 1, out)
        i = _ws(text, end)
        if text[i] == ",":
            i = _ws(text, i + 1)
        n += 1
    return i + 1


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _skip(text: str, i: int) -> int:
    """The offset just after the JSON value starting at `i`."""
    c = text[i]
    if c == '"':
        return int(_scanstring(text, i + 1)[1])
    if c in "{[":
        depth = 0
        for m in _TOKEN.finditer(text, i):
            t = m.group(0)
            if t in "{[":
                depth += 1
            elif t in "}]":
                depth -= 1
                if depth == 0:
                    return m.end()
        raise ValueError("unbalanced")
    scalar = _SCALAR.match(text, i)
    if scalar is None:
        raise ValueError("no value")
    return scalar.end()
