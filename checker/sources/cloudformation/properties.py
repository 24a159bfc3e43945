"""Resolved resource properties: the catalog path walked through intrinsics,
DefinitionSubstitutions applied, unknown parts kept in their partial form."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from checker.sources.cloudformation.intrinsics import Resolver, intrinsic_name
from checker.sources.cloudformation.yaml_loader import (
    LDict,
    column_of,
    line_of,
)
from checker.sources.values import Unknown, candidates


def walk_properties(
    resolver: Resolver,
    value: Any,
    path: tuple[str, ...],
    prefix: str,
    loc: tuple[int, int],
    cond: bool = False,
    note: str | None = None,
) -> Iterator[tuple[str, Any, Any, bool, tuple[int, int], str | None]]:
    """Follow a catalog path through resource properties, resolving any
    intrinsic met on the way (an `Fn::If` can choose a whole object).
    Yields (attribute path, raw leaf, resolved leaf, conditional, location,
    note); the note names the undecided condition of a conditional leaf."""
    here = (line_of(value, loc[0]), column_of(value) if line_of(value) else loc[1])
    resolved = resolver.resolve(value)
    if isinstance(resolved, Unknown) and resolved.alternatives and resolved.reason:
        note = note or resolved.reason
    for cand, c in candidates(resolved):
        c = c or cond
        if isinstance(cand, list) and (path or intrinsic_name(value) is None):
            for i, item in enumerate(cand):
                yield from walk_properties(resolver, item, path, f"{prefix}[{i}]", here, c, note)
        elif not path:
            yield prefix, (value if not c else cand), cand, c, here, note if c else None
        elif isinstance(cand, dict) and path[0] in cand:
            key_loc = cand.key_lines.get(path[0], here) if isinstance(cand, LDict) else here
            yield from walk_properties(resolver, cand[path[0]], path[1:], f"{prefix}.{path[0]}", key_loc, c, note)


def partials(value: Any) -> Any:
    """Inside a document (policy, definition), an ARN whose region is unknown
    still names its model: keep such strings in their partial form."""
    if isinstance(value, Unknown):
        if value.alternatives:
            return replace(value, alternatives=tuple(partials(a) for a in value.alternatives))
        return value.partial if value.partial is not None else value
    if isinstance(value, dict):
        return {k: partials(v) for k, v in value.items()}
    if isinstance(value, list):
        return [partials(v) for v in value]
    return value


def apply_subs(value: Any, subs: Mapping[str, Any]) -> Any:
    """Apply DefinitionSubstitutions (`${Name}` in a Step Functions or Flow
    definition) where the substitution is known."""
    if isinstance(value, str):
        whole = re.fullmatch(r"\$\{([^}]+)\}", value)
        if whole is not None and isinstance(subs.get(whole.group(1)), str):
            return subs[whole.group(1)]  # the substituted scalar itself, so its definition site is known

        def repl(m: re.Match[str]) -> str:
            v = subs.get(m.group(1))
            if isinstance(v, Unknown) and v.partial is not None and not v.alternatives:
                return v.partial  # `!Sub arn:...:${AWS::Region}:...`: the model part is known
            return str(v) if isinstance(v, (str, int, float)) and not isinstance(v, bool) else m.group(0)

        return re.sub(r"\$\{([^}]+)\}", repl, value)
    if isinstance(value, dict):
        return {k: apply_subs(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [apply_subs(v, subs) for v in value]
    if isinstance(value, Unknown) and value.partial is not None:
        return replace(value, partial=apply_subs(value.partial, subs))
    return value
