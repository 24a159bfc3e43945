"""The records the extraction layer hands out and takes in: `Found` (a
model in a resource body, before a front end places it) and `Inputs` (what
a front end can supply beyond the body)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.model import Usage

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

#: What the front end shows for a value not known before deployment.
NOT_KNOWN = "value is not known before deployment"


@dataclass(frozen=True)
class Found:
    """One model reference in a resource body, before a front end places it."""

    #: How the resource uses the model.
    usage: Usage
    #: The model reference text; for an unresolved value, the expression.
    raw: str
    #: Where in the resource, e.g. `Properties.Definition.Nodes[0]...ModelId`.
    attribute: str
    #: (line, column) from the body's position marks; (0, 0) when it has none.
    at: tuple[int, int] = (0, 0)
    #: False when the value is not known before deployment.
    resolved: bool = True
    #: True when a condition not known statically chose this value.
    conditional: bool = False
    #: The expression text, when the value was computed from one.
    expression: str | None = None
    #: Said to the user next to the reference.
    note: str | None = None


@dataclass(frozen=True)
class Inputs:
    """What a front end can supply beyond the resource body."""

    #: Resolves intrinsics in the template's context; None: plain values.
    resolver: Resolver | None = None
    #: SAM `Globals.Function.Environment.Variables` (empty when unknown).
    globals_env: Mapping[str, Any] = field(default_factory=dict)
    #: Reads a local definition file (SAM DefinitionUri) into a document,
    #: or returns None after reporting why; None: the front end cannot
    #: read files (checkov), and the reference is reported unresolved.
    read_document: Callable[[str, tuple[int, int]], Any] | None = None
    #: For rendered configurations (checkov): whether a string is an
    #: expression the renderer left as it was (`var.x`), so not a value.
    unrendered: Callable[[str], bool] | None = None


def expression_text(raw: Any) -> str:
    try:
        return json.dumps(raw, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError, RecursionError):
        return repr(raw)[:300]
