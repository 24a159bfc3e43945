"""The records the extraction layer hands out and takes in: `Found` (a
model in a resource body, before a front end places it) and `Inputs` (what
a front end can supply beyond the body)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from checker.model import Action, Definition, Location, Reference, SourceFramework, Usage

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
    #: The state machine state(s) naming the model (see `Reference.state`).
    state: str | None = None


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
    #: Reads a file asset of the cloud assembly by its S3 object key (a
    #: state machine's `DefinitionS3Location` in cdk.out), or returns None
    #: when the key names no local asset; None: the front end has none.
    read_asset: Callable[[str, tuple[int, int]], Any] | None = None
    #: For rendered configurations (checkov): whether a string is an
    #: expression the renderer left as it was (`var.x`), so not a value.
    unrendered: Callable[[str], bool] | None = None


def join_notes(*notes: str | None) -> str | None:
    """The notes that apply to one reference, as one text."""
    return "; ".join(n for n in notes if n) or None


def partly_known_note(raw: str) -> str | None:
    """What a model reference known only in part leaves open, for the user:
    the ARN's partition, region or account that are holes, since the model
    is read from the rest; None when no part of the head is a hole."""
    from checker.modelid import arn_holes

    if "${" not in raw:
        return None
    holes = arn_holes(raw)
    if not holes:
        return None
    named = " and ".join(f"{part} (`{hole[2:-1]}`)" for part, hole in holes)
    verb = "is" if len(holes) == 1 else "are"
    return f"the ARN's {named} {verb} known only at apply; the model is read from the rest"


def expression_text(raw: Any) -> str:
    try:
        return json.dumps(raw, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError, RecursionError):
        return repr(raw)[:300]


@dataclass(frozen=True)
class ReferenceBuilder:
    """What a front end knows about one resource: `build` makes every
    `Reference` from a `Found`, so the fields are filled in one place."""

    resource: str
    resource_type: str
    framework: SourceFramework
    #: The file shown in reports.
    file: str
    #: First and last line of the resource (inline suppressions sit inside).
    resource_line: int = 0
    resource_end_line: int = 0
    region: str | None = None
    via: tuple[Location, ...] = ()
    construct_path: str | None = None
    action: Action | None = None
    created_at: str | None = None

    def build(self, found: Found, definition: Definition | None = None) -> Reference:
        """`definition`: where the value was written first, when the front
        end can say (a module argument, a local, a nested-stack parameter)."""
        return Reference(
            raw=found.raw,
            usage=found.usage,
            resource=self.resource,
            resource_type=self.resource_type,
            attribute=found.attribute,
            location=Location(self.file, found.at[0], found.at[1]),
            framework=self.framework,
            resolved=found.resolved,
            expression=found.expression,
            action=self.action,
            conditional=found.conditional,
            region=self.region,
            via=self.via,
            construct_path=self.construct_path,
            created_at=self.created_at,
            note=found.note,
            resource_line=self.resource_line,
            resource_end_line=self.resource_end_line,
            definition=definition,
            state=found.state,
        )
