"""Terraform's regular expressions are RE2.  Python's `re` agrees with RE2
on the common subset once ASCII classes are asked for and `$` is made to
mean the end of the text; a pattern using anything where the two differ
(look-around, back-references, POSIX classes, Unicode classes, flags other
than i, m, s) is reported as unsupported rather than matched differently."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from checker.sources.terraform.functions.core import EvalError, NotEvaluatedError, as_string, sorted_dict

_REFUSED = re.compile(r"\(\?(?!:|P<|[is]+[):])|\\[0-9pPCXRzZGQE]|\[:|\{[0-9]{4,}")


@lru_cache(maxsize=256)
def compile_re2(pattern: str) -> re.Pattern[str]:
    if _REFUSED.search(pattern):
        raise NotEvaluatedError(f"the regular expression {pattern!r} uses RE2 syntax Python matches differently")
    out: list[str] = []
    i, in_class = 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\" and i + 1 < len(pattern):
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if c == "]" and not (out and out[-1] in ("[", "[^")):
                in_class = False
            elif c == "[":
                out.append("\\[")
                i += 1
                continue
            out.append(c)
        elif c == "[":
            in_class = True
            if pattern[i + 1 : i + 2] == "^":
                out.append("[^")
                i += 2
                if pattern[i : i + 1] == "]":
                    out.append("\\]")
                    i += 1
                continue
            out.append("[")
            if pattern[i + 1 : i + 2] == "]":
                out.append("\\]")
                i += 1
        elif c == "$":
            out.append("\\Z")
        else:
            out.append(c)
        i += 1
    text = "".join(out)
    try:
        return re.compile(text, re.ASCII)
    except re.error as exc:
        raise EvalError(f"invalid regular expression {pattern!r}: {exc}") from None


def _groups(m: re.Match[str], rx: re.Pattern[str]) -> Any:
    if rx.groups == 0:
        return m.group(0)
    if rx.groupindex:
        if len(rx.groupindex) != rx.groups:
            raise EvalError("regex: a pattern cannot mix named and unnamed groups")
        return sorted_dict((k, m.group(k)) for k in rx.groupindex)
    return list(m.groups())  # a group that took no part is null


def regex(pattern: Any, s: Any) -> Any:
    rx = compile_re2(as_string(pattern))
    m = rx.search(as_string(s))
    if m is None:
        raise EvalError("regex: the pattern does not match")
    return _groups(m, rx)


def regexall(pattern: Any, s: Any) -> list[Any]:
    rx = compile_re2(as_string(pattern))
    matches = list(rx.finditer(as_string(s)))
    if any(m.end() == m.start() for m in matches):
        raise NotEvaluatedError("regexall() with empty matches (RE2 skips some that Python keeps)")
    return [_groups(m, rx) for m in matches]


def regex_replace(s: str, pattern: str, repl: str) -> str:
    rx = compile_re2(pattern)
    out: list[str] = []
    last = 0
    for m in rx.finditer(s):
        if m.end() == m.start():
            raise NotEvaluatedError("replace() with a pattern that matches empty text")
        out.append(s[last : m.start()])
        out.append(_expand(repl, m, rx))
        last = m.end()
    out.append(s[last:])
    return "".join(out)


def _expand(template: str, m: re.Match[str], rx: re.Pattern[str]) -> str:
    """Go's Regexp.Expand: `$1`, `${1}`, `$name`, `${name}`, `$$`; `$name`
    takes the longest run of letters, digits and `_`, and an unknown name is
    empty."""
    out: list[str] = []
    i = 0
    while i < len(template):
        c = template[i]
        if c != "$" or i + 1 >= len(template):
            out.append(c)
            i += 1
            continue
        nxt = template[i + 1]
        if nxt == "$":
            out.append("$")
            i += 2
            continue
        if nxt == "{":
            j = template.find("}", i + 2)
            name = template[i + 2 : j] if j > 0 else ""
            if j < 0 or not re.fullmatch(r"[A-Za-z0-9_]+", name):
                out.append(c)
                i += 1
                continue
            i = j + 1
        else:
            mm = re.match(r"[A-Za-z0-9_]+", template[i + 1 :])
            if not mm:
                out.append(c)
                i += 1
                continue
            name = mm.group(0)
            i += 1 + len(name)
        if name.isdigit():
            k = int(name)
            out.append((m.group(k) or "") if k <= rx.groups else "")
        else:
            out.append((m.group(name) or "") if name in rx.groupindex else "")
    return "".join(out)
