"""`Fn::ImportValue` across the templates of a tree.

Each template is its own unit, scanned apart (in worker processes, cached
apart), so an import of another template's export cannot be followed while
the template is read: the reference is left unresolved with a note naming the
export, and the template that makes an export records the model it stands for
(`SourceResult.exports`). Once every unit is read, `link_imports` gives each
such import the exporter's model and definition site. Exports of the stacks of
one cloud assembly are followed while it is read (`chains.Exports`).

CloudFormation export names are unique per account and region; two templates
of a tree exporting the same name are alternatives (one per environment, say),
so the import is reported once per exporter, marked conditional.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import replace

from checker.model import Reference

_NOTE = re.compile(r'^imported from another stack: export ("(?:[^"\\]|\\.)*") is made by no stack read with this one$')


def import_note(name: str) -> str:
    """The note of an import left for `link_imports`; the export's name is
    kept exactly (JSON-quoted), so the link does not depend on wording."""
    return f"imported from another stack: export {json.dumps(name)} is made by no stack read with this one"


def imported_name(note: str | None) -> str | None:
    m = _NOTE.match(note or "")
    if m is None:
        return None
    try:
        name = json.loads(m.group(1))
    except ValueError:
        return None
    return name if isinstance(name, str) else None


def link_imports(references: Iterable[Reference], exports: Iterable[Reference]) -> list[Reference]:
    """Each unresolved import of an export another template of the scan
    makes, resolved to that export's model (conditional when several make it)."""
    by_name: dict[str, dict[tuple[str, str], Reference]] = {}
    for e in exports:
        by_name.setdefault(e.attribute, {})[(e.location.file, e.resource)] = e
    out: list[Reference] = []
    for ref in references:
        name = imported_name(ref.note) if not ref.resolved else None
        makers = by_name.get(name) if name is not None else None
        if not makers:
            out.append(ref)
            continue
        several = len(makers) > 1
        note = (
            f"export {name} is made by {len(makers)} templates ({', '.join(sorted(f for f, _ in makers))}); "
            "which one deploys with this stack is not known, so each is reported"
            if several
            else None
        )
        for _, e in sorted(makers.items()):
            out.append(
                replace(
                    ref,
                    raw=e.raw,
                    resolved=True,
                    conditional=ref.conditional or several,
                    note=note,
                    region=ref.region or e.region,
                    via=(*ref.via, e.location),
                    definition=e.definition,
                )
            )
    return out
