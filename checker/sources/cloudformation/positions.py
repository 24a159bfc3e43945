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
#: Most pieces followed in one value (CDK's longest Fn::Join has a few hundred).
MAX_PIECES = 10_000


def definition_locator(
    raw: Any, built: Any, default: tuple[int, int]
) -> Callable[[tuple[Key, ...], str], tuple[int, int]]:
    """(line, column) of a key path in the definition `raw` (as written)
    whose resolved value is `built`; `default` when it cannot be placed."""

    def locate(keys: tuple[Key, ...], _: str) -> tuple[int, int]:
        if isinstance(raw, (dict, list)) and intrinsic_name(raw) is None:
            return _in_object(raw, keys, default)
        if isinstance(built, str):
            offset = json_offset(built, keys)
            if offset is not None:
                return _in_pieces(raw, built, offset, default)
        return default

    return locate


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


def _in_pieces(raw: Any, built: str, offset: int, default: tuple[int, int]) -> tuple[int, int]:
    """Find each literal segment of the pieces in the built text, in order
    (substituted values sit between them), and place `offset` in the one
    that holds it."""
    cursor = 0
    #: Where the last literal segment ended: an offset in the gap after it
    #: is in a substituted value (`${Model}`), written where the gap is.
    previous: tuple[LStr, int] | None = None
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
            if offset < found:
                return _line_in(*previous, default) if previous is not None else default
            cursor = found + len(segment)
            if offset < cursor:
                return _line_in(piece, at_piece + (offset - found), default)
            previous = (piece, start_in_piece)
    return _line_in(*previous, default) if previous is not None else default


def _line_in(piece: LStr, index: int, default: tuple[int, int]) -> tuple[int, int]:
    if not piece.line:
        return default
    if piece.style == "|":
        before = piece[:index]
        # A literal block's content starts on the line after its indicator.
        return piece.line + 1 + before.count("\n"), 0
    return piece.line, piece.column


def json_offset(text: str, keys: tuple[Key, ...]) -> int | None:
    """Offset in JSON `text` of the value at `keys`: its last character for
    a string (a model id is the tail of an ARN, which may be built across
    several pieces), else where its key starts (the element's start for an
    index); JSON's last duplicate member wins, as for `json.loads`.  None
    when not there or not JSON."""
    try:
        i = _WS.match(text, 0).end()  # type: ignore[union-attr]
        at: int | None = None
        for k in keys:
            if isinstance(k, str):
                i, at = _member(text, i, k)
            else:
                i = at = _element(text, i, k)
            if i < 0:
                return None
        if text[i] == '"':
            return _skip(text, i) - 2
        return at
    except (IndexError, ValueError):
        return None


def _ws(text: str, i: int) -> int:
    return _WS.match(text, i).end()  # type: ignore[union-attr]


def _member(text: str, i: int, name: str) -> tuple[int, int]:
    """(value start, key start) of member `name` of the object at `i`."""
    if text[i] != "{":
        return -1, -1
    i = _ws(text, i + 1)
    hit = (-1, -1)
    while text[i] != "}":
        key_at = i
        key, i = _scanstring(text, i + 1)
        i = _ws(text, i)
        if text[i] != ":":
            return -1, -1
        i = _ws(text, i + 1)
        if key == name:
            hit = (i, key_at)
        i = _ws(text, _skip(text, i))
        if text[i] == ",":
            i = _ws(text, i + 1)
    return hit


def _element(text: str, i: int, index: int) -> int:
    if text[i] != "[":
        return -1
    i = _ws(text, i + 1)
    n = 0
    while text[i] != "]":
        if n == index:
            return i
        i = _ws(text, _skip(text, i))
        if text[i] == ",":
            i = _ws(text, i + 1)
        n += 1
    return -1


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
