"""The value that is not known before deployment, shared by every source.

`partial` is the string form with the unknown parts left as `${...}` (enough
when only an ARN's region is unknown, since the model id is the tail);
`alternatives` are the candidate values of a conditional whose condition is
not known, because either may be deployed.  `pieces` is the same string as
`partial`, cut into its known text and its holes, where a source can say
exactly which is which (the Terraform evaluator): text that happens to read
`${` is then never taken for a hole, nor a hole for text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Unknown:
    text: str
    partial: str | None = None
    alternatives: tuple[Any, ...] = ()
    #: Which input made the value unknown (a variable without a value, a
    #: data source, an apply-time attribute, an unsupported function), for
    #: the report; None when the source gives no reason.
    reason: str | None = None
    #: True when every alternative is used, not one chosen (the models of a
    #: prompt's variants, read through the prompt's ARN): not conditional.
    every: bool = False
    #: (known, text) in order: known text as Terraform would compute it, or
    #: the expression of a hole (shown as `${...}` in `partial`); empty when
    #: the source did not cut the string.
    pieces: tuple[tuple[bool, str], ...] = ()


def candidates(value: Any) -> list[tuple[Any, bool]]:
    """(value, conditional) for each value a setting may take."""
    if isinstance(value, Unknown) and value.alternatives:
        return [(a, not value.every) for a in value.alternatives]
    return [(value, False)]
