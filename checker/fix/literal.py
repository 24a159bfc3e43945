"""Find the bytes of one model id inside one string literal, on one line.

A definition site is a line and the column where the literal starts (0 when
the source only knows the line, as for `.tf.json`).  The literal's extent is
read with the quoting rules of its format, so a model id in a comment after
it, or in a neighbouring literal, is never touched; the edit replaces only
the id's characters, so quotes, escapes elsewhere, comments and spacing stay
as they were.  An id spelled with escapes is not found and the caller lists
the value instead of guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Characters that continue a model id token: finding `anthropic.claude-v2`
#: inside `anthropic.claude-v2:1` is not a match.
_ID_CONT = re.compile(r"[A-Za-z0-9_.-]")
_PREFIX = re.compile(r"([a-z][a-z-]*)\.$")
_VARIANT = re.compile(r":[A-Za-z0-9]+")


@dataclass(frozen=True)
class Span:
    """Where the id sits in the file's text (character offsets)."""

    start: int
    end: int
    prefix: str | None  # geography prefix of an inference profile, `us` in `us.anthropic...`
    prefix_start: int
    variant: str | None  # `:200k` after the id


class LiteralNotFoundError(Exception):
    """The model id could not be found in exactly one literal at the site."""


def line_offset(text: str, line: int) -> int:
    if line < 1:
        raise LiteralNotFoundError("the definition has no line")
    pos = 0
    for _ in range(line - 1):
        nxt = text.find("\n", pos)
        if nxt < 0:
            raise LiteralNotFoundError(f"line {line} is past the end of the file")
        pos = nxt + 1
    return pos


def _quoted_end(text: str, start: int, quote: str, hcl: bool) -> int:
    """Index just past the closing quote of the literal opening at `start`.
    HCL templates may nest quotes inside `${ ... }`; YAML single quotes
    escape by doubling."""
    i, depth = start + 1, 0
    while i < len(text):
        c = text[i]
        if c == "\n" and quote != "'" and depth == 0:
            break
        if quote == "'" and c == "'":
            if text.startswith("''", i):
                i += 2
                continue
            return i + 1
        if quote == '"' and c == "\\":
            i += 2
            continue
        if hcl and text.startswith(("${", "%{"), i) and not text.startswith(("$${", "%%{"), i - 1 if i else 0):
            depth += 1
            i += 2
            continue
        if hcl and depth and c == "}":
            depth -= 1
        elif hcl and depth and c == '"':
            i = _quoted_end(text, i, '"', True)
            continue
        elif c == quote and depth == 0:
            return i + 1
        i += 1
    raise LiteralNotFoundError("the string literal does not end on its line")


def literal_extent(text: str, line: int, column: int, syntax: str) -> list[tuple[int, int]]:
    """The literals that may hold the value: the one starting at `column`, or
    (column 0) every quoted string on the line.  `syntax` is hcl, json or
    yaml."""
    start = line_offset(text, line)
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    if column > 0:
        at = start + column - 1
        if at >= len(text):
            raise LiteralNotFoundError("the definition's column is past the end of its line")
        if syntax == "yaml" and text[at] == "!":
            # A short-form intrinsic (`!Sub arn:...`): the scalar follows the tag.
            while at < end and not text[at].isspace():
                at += 1
            while at < end and text[at] in " \t":
                at += 1
            if at >= end:
                raise LiteralNotFoundError("the tagged value does not continue on its line")
        c = text[at]
        if c in "\"'" and (c == '"' or syntax == "yaml"):
            return [(at, _quoted_end(text, at, c, syntax == "hcl"))]
        if syntax == "yaml" and c not in "|>[{&*!":
            # A plain scalar: up to a comment (` #`) or the end of the line.
            stop = text.find(" #", at, end)
            stop = end if stop < 0 else stop
            return [(at, len(text[at:stop].rstrip()) + at)]
        raise LiteralNotFoundError("no single-line string literal starts at the definition's column")
    out = []
    i = start
    while i < end:
        if text[i] == '"':
            close = _quoted_end(text, i, '"', syntax == "hcl")
            out.append((i, close))
            i = close
        elif syntax == "hcl" and (text[i] == "#" or text.startswith("//", i)):
            break
        else:
            i += 1
    return out


def find_model(text: str, line: int, column: int, syntax: str, model_id: str) -> Span:
    """The one occurrence of `model_id` inside the literal at the site."""
    hits: list[Span] = []
    for lo, hi in literal_extent(text, line, column, syntax):
        pos = text.find(model_id, lo, hi)
        while pos >= 0:
            end = pos + len(model_id)
            before = text[pos - 1] if pos > lo else ""
            after = text[end] if end < hi else ""
            if not (_ID_CONT.match(after) or (before and re.match(r"[A-Za-z0-9_-]", before))):
                prefix = None
                prefix_start = pos
                m = _PREFIX.search(text[lo:pos])
                if m is not None and before == ".":
                    lead = text[lo + m.start() - 1] if lo + m.start() > lo else ""
                    if not lead or not re.match(r"[A-Za-z0-9_.-]", lead):
                        prefix, prefix_start = m.group(1), lo + m.start()
                variant = None
                v = _VARIANT.match(text, end, hi)
                if v is not None:
                    variant = v.group(0)
                hits.append(Span(pos, end, prefix, prefix_start, variant))
            pos = text.find(model_id, end, hi)
    if not hits:
        raise LiteralNotFoundError(f"{model_id} is not written as such in the literal (escaped or built from parts)")
    if len(hits) > 1:
        raise LiteralNotFoundError(
            f"{model_id} appears {len(hits)} times in the literal; which one to change is unclear"
        )
    return hits[0]
