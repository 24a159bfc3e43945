"""Strings with known and unknown parts: the Terraform evaluator's "template
with holes".

`arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}::foundation-model/${local.model}`
is unknown to `terraform plan`, yet its model is known: only the partition
and region are holes.  Such a value stays an `Unknown` (so it is never taken
for a value Terraform computes; the oracle proves nothing leaks), with its
`pieces`: the known text exactly as Terraform computes it, and each hole's
expression.  The operations here are those whose result on the known text
can be decided whatever the holes hold; every other operation leaves the
value wholly unknown, as before.
"""

from __future__ import annotations

from typing import Any

from checker.sources.terraform.functions.core import is_number, to_str
from checker.sources.values import Unknown

Pieces = tuple[tuple[bool, str], ...]


def pieces_of(value: Any, hole: str | None = None) -> Pieces | None:
    """The pieces of a string, a number or bool (as a template shows it), or
    an Unknown (its own pieces, or one hole named `hole` or by its text);
    None for what has no string form (null, collections, alternatives)."""
    if isinstance(value, Unknown):
        if value.alternatives:
            return None
        if value.pieces:
            return value.pieces
        return ((False, hole if hole is not None else value.text),)
    if isinstance(value, str):
        return ((True, value),)
    if isinstance(value, bool) or is_number(value):
        text = to_str(value)
        return None if text is None else ((True, text),)
    return None


def with_holes(text: str, pieces: list[tuple[bool, str]] | Pieces, reason: str | None) -> Unknown:
    """An Unknown for `text` whose string is `pieces` (adjacent known text
    merged; at least one hole, or the caller would have a known value)."""
    merged = _merged(pieces)
    partial = "".join(t if known else "${" + t + "}" for known, t in merged)
    return Unknown(text, partial=partial, reason=reason, pieces=merged)


def _merged(pieces: list[tuple[bool, str]] | Pieces) -> Pieces:
    """Adjacent known text as one piece; empty text dropped."""
    out: list[tuple[bool, str]] = []
    for known, t in pieces:
        if known and not t:
            continue
        if known and out and out[-1][0]:
            out[-1] = (True, out[-1][1] + t)
        else:
            out.append((known, t))
    return tuple(out)


def has_known_text(pieces: Pieces) -> bool:
    """Whether the string is certainly not empty."""
    return any(known and t for known, t in pieces)


def replace_literal(pieces: Pieces, old: str, new: Pieces) -> Pieces | None:
    """`replace(s, old, new)` for a literal `old` on a string with holes
    (`new` may have holes too: `replace(arn, "arn:aws", "arn:${partition}")`),
    or None when the result cannot be decided: when a match could start in a
    hole and end in known text (or the reverse), the known text Terraform
    gives depends on what the hole holds.  Otherwise every match lies inside
    one piece, so replacing in each known piece is exactly Terraform's
    leftmost, non-overlapping replacement; a hole stays a hole."""
    if not old:
        return None
    for i, (known, text) in enumerate(pieces):
        if not known:
            continue
        hole_before = i > 0 and not pieces[i - 1][0]
        hole_after = i + 1 < len(pieces) and not pieces[i + 1][0]
        for cut in range(1, len(old)):
            head, tail = old[:cut], old[cut:]
            if hole_before and (text.startswith(tail) or tail.startswith(text)):
                return None
            if hole_after and (text.endswith(head) or head.endswith(text)):
                return None
    out: list[tuple[bool, str]] = []
    for known, text in pieces:
        if not known:
            out.append((known, text))
            continue
        for j, part in enumerate(text.split(old)):
            if j:
                out.extend(new)
            out.append((True, part))
    return _merged(out)


__all__ = ["Pieces", "has_known_text", "pieces_of", "replace_literal", "with_holes"]
