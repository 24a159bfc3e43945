"""Blank out top-level blocks that cannot matter, before the slow parse.

A module that holds one Bedrock resource usually holds many S3 buckets, VPCs
and security groups, and even our own parser (hclparse, a few MB/s) is far
slower than this text scan.  A
`resource` or `data` block whose type is not in the catalog can produce no
reference, and what it exports is unknown before apply anyway, so it is
replaced by a comment holding its newlines (so every later line stays where it
was, and the parser reads one token instead of the block).  Variables, locals,
modules, outputs and providers are always kept.

The scanner tracks strings, interpolations, heredocs and comments; if it loses
its way (unbalanced braces), it gives up and the whole text is parsed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_HEADER = re.compile(r'(?:^|\n)[ \t]*([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*$')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?([A-Za-z][\w.-]*)[ \t]*\r?\n")


_CODE_STOP = re.compile(r'["#/<{}]')
_STRING_STOP = re.compile(r'[\\"$%\n]')


def _block_spans(text: str) -> list[tuple[int, int, int]] | None:
    """(header start, body open, body end) of each top-level block, or None
    when the text does not balance.

    The scanner jumps from one character that can change its state to the
    next (a regex search), so it runs at C speed over the ordinary text that
    makes up most of a file."""
    spans: list[tuple[int, int, int]] = []
    stack: list[list[int]] = [[0]]  # code contexts hold [depth]; strings are marked by depth -1
    i, n = 0, len(text)
    block_open = -1
    last_end = 0
    code_stop, string_stop = _CODE_STOP.search, _STRING_STOP.search
    while True:
        top = stack[-1]
        m = (string_stop if top[0] == -1 else code_stop)(text, i)
        if m is None:
            break
        i = m.start()
        c = text[i]
        if top[0] == -1:  # inside a quoted string
            if c == "\\":
                i += 2
                continue
            if c == '"':
                stack.pop()
            elif c in "$%" and text.startswith("{", i + 1):
                if text[i - 1 : i] == c:
                    i += 2  # $${ / %%{ escapes
                    continue
                stack.append([0])
                i += 2
                continue
            elif c == "\n":
                return None
            i += 1
            continue
        if c == "#" or text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/":
            if text.startswith("/*", i):
                j = text.find("*/", i + 2)
                if j < 0:
                    return None
                i = j + 2
                continue
        elif c == '"':
            stack.append([-1])
        elif c == "<":
            hm = _HEREDOC.match(text, i) if text.startswith("<<", i) else None
            if hm:
                end = re.compile(rf"^[ \t]*{re.escape(hm.group(1))}[ \t]*\r?$", re.MULTILINE).search(text, hm.end())
                if end is None:
                    return None
                i = end.end()
                continue
        elif c == "{":
            if len(stack) == 1 and top[0] == 0:
                block_open = i
            top[0] += 1
        elif c == "}":
            if top[0] == 0:
                if len(stack) == 1:
                    return None
                stack.pop()  # end of an interpolation: back in the string
            else:
                top[0] -= 1
                if len(stack) == 1 and top[0] == 0:
                    header_start = text.rfind("\n", last_end, block_open) + 1
                    spans.append((header_start, block_open, i + 1))
                    last_end = i + 1
        i += 1
    return spans if len(stack) == 1 and stack[0][0] == 0 else None


def prune(text: str, keep: Callable[[str, tuple[str, ...], str], bool]) -> str:
    """The text with every top-level block that `keep(type, labels, body)`
    rejects turned into whitespace."""
    spans = _block_spans(text)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for start, open_, end in spans:
        m = _HEADER.search(text[start:open_].rstrip())
        if m is None:
            continue
        labels = tuple(a or b for a, b in _LABEL.findall(m.group(2)))
        if keep(m.group(1), labels, text[open_:end]):
            continue
        out.append(text[pos:start])
        # One multi-line comment holding the block's newlines: lines stay
        # where they were, and the parser sees one token, not one per line.
        out.append("/*" + "\n" * text.count("\n", start, end) + "*/")
        pos = end
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Span:
    """One top-level block, found without parsing: its header, its source
    and the line it starts on, so it can be parsed alone when needed."""

    type: str
    labels: tuple[str, ...]
    text: str
    line: int
    body: str


_HEADER_LINE = re.compile(r'[ \t]*([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n\\]*"|[A-Za-z_][\w-]*))*)[ \t]*')
# Blank space and comments between blocks.  Each alternative is decided by its
# first characters and has one possible length (a line comment runs to the end
# of its line, a block comment to its first `*/`), so a failed match never
# backtracks through the ways of splitting a run of `#`s: that was exponential.
_GAP = re.compile(r"(?:\s|#[^\n]*(?![^\n])|//[^\n]*(?![^\n])|/\*[^*]*\*+(?:[^/*][^*]*\*+)*/)*")


def index_blocks(text: str) -> list[Span] | None:
    """Every top-level block of a file, or None when the file is anything but
    blocks separated by blank space and comments (unbalanced, a header this
    scanner does not read, a stray token): the caller then parses the file
    whole, so the parser reports whatever is wrong."""
    spans = _block_spans(text)
    if spans is None:
        return None
    out: list[Span] = []
    pos, line = 0, 1
    for start, open_, end in spans:
        if start < pos or not _GAP.fullmatch(text, pos, start):
            return None
        m = _HEADER_LINE.fullmatch(text, start, open_)
        if m is None:
            return None
        line += text.count("\n", pos, start)
        labels = tuple(a or b for a, b in _LABEL.findall(m.group(2)))
        out.append(Span(m.group(1), labels, text[start:end] + "\n", line, text[open_:end]))
        line += text.count("\n", start, end)
        pos = end
    return out if _GAP.fullmatch(text, pos) else None


_ATTRIBUTE_NAME = re.compile(r"(?:^|[{\n]|\*/)[ \t]*([^\W\d][\w-]*)[ \t]*=(?![=>])")


def attribute_names(body: str) -> frozenset[str]:
    """Names that may be defined in a `locals` body: every `name =` at the
    start of a line, after a `{` or after a block comment, at any depth, so a
    superset.  It must be one: a name defined twice (which Terraform rejects)
    would otherwise resolve to whichever definition was parsed, not the last
    one as a full parse finds.  A lookup that misses them all still parses
    every locals block before it gives up."""
    return frozenset(_ATTRIBUTE_NAME.findall(body))
