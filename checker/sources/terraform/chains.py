"""Resource outputs that stand for a model (catalog/handles.py), in Terraform.

`aws_bedrock_inference_profile.p.arn`, `aws_bedrock_custom_model.m.custom_model_arn`
are known only after apply, yet the model behind them is written statically
in the other resource's own arguments.  The evaluator hands such an output
over as a `Stands`: still an unknown value (so a string built from it, a
comparison or a function over it stays unknown, exactly as Terraform would
have it at plan), but one that carries the model the handle leads to.  Only
where the output reaches a model-bearing attribute unchanged (directly, or
through variables, locals, module outputs and conditionals) is the reference
judged by that model, with the resource it went through in `via` and `note`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from checker.model import Location
from checker.sources.values import Unknown, candidates

#: Most resources one chain goes through (an alias -> agent -> profile is 3).
MAX_CHAIN = 8


@dataclass(frozen=True, eq=False)
class Stands(Unknown):
    """An apply-time resource output that stands for the model(s) `values`.

    Compared and hashed as the Unknown it is (its extra fields hold module
    instances and iterator values, which need not be hashable)."""

    #: The values of the catalog paths the output stands for (each a string,
    #: a list, an Unknown, or another Stands when the chain goes on).
    values: tuple[Any, ...] = ()
    #: The resource address the output belongs to (`aws_bedrock_inference_profile.p`).
    through: str = ""
    #: The lines of the resource's arguments the values were read from.
    where: tuple[Location, ...] = ()
    #: origin.Origin of each value's expression, in its own instance, for the definition site.
    origins: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Link:
    """One model a chain leads to (or the unknown at its end)."""

    value: Any
    conditional: bool
    #: The resources gone through, nearest the reference first.
    through: tuple[str, ...]
    where: tuple[Location, ...]
    origin: Any

    @property
    def note(self) -> str:
        return "through " + " -> ".join(self.through)


def links(stands: Stands, conditional: bool = False) -> Iterator[Link]:
    """Every model the chain from `stands` may end in: conditionals along the
    way make the results conditional, as a conditional in the attribute does."""
    stack: list[tuple[Stands, bool, tuple[str, ...], tuple[Location, ...]]] = [(stands, conditional, (), ())]
    while stack:
        s, cond, through, where = stack.pop(0)
        through, where = (*through, s.through), (*where, *s.where)
        for i, value in enumerate(s.values):
            origin = s.origins[i] if i < len(s.origins) else None
            for v, c in candidates(value):
                if isinstance(v, Stands) and len(through) < MAX_CHAIN and v.through not in through:
                    stack.append((v, cond or c, through, where))
                else:
                    yield Link(v, cond or c, through, where, origin)


def through_chains(value: Any, depth: int = 0) -> tuple[Any, dict[str, Link]]:
    """`value` (a document: environment variables, a policy) with each
    `Stands` inside it replaced by the model it leads to, when it leads to
    exactly one string (several are kept as a conditional's alternatives),
    and the link behind each model string, for the reference's note, `via`
    and definition.  Anything else is left as it is."""
    found: dict[str, Link] = {}

    def swap(v: Any, d: int) -> Any:
        if isinstance(v, Stands):
            ends = [link for link in links(v) if isinstance(link.value, str)]
            if not ends or len(ends) != len(list(links(v))):
                return v
            for link in ends:
                found.setdefault(link.value, link)
            if len(ends) == 1 and not ends[0].conditional:
                return ends[0].value
            return Unknown(v.text, alternatives=tuple(link.value for link in ends), reason=v.reason)
        if d >= 32:
            return v
        if type(v) is list:  # a set keeps its elements (and their order) as they are
            return [swap(x, d + 1) for x in v]
        if isinstance(v, dict):
            return {k: swap(x, d + 1) for k, x in v.items()}
        return v

    return swap(value, depth), found
