"""Where a CloudFormation value was written: the scalar behind a model id.

The loader gives every scalar a line (`LStr`) and the resolver hands the same
object through `Ref`, `Fn::FindInMap`, `Fn::If` and nested-stack parameters,
so the literal a model id came from is known by identity: the template
records which objects are parameter defaults, mapping values or SAM Globals,
and a reference whose value is one of them names that definition site.  A
string the resolver had to build (`Fn::Sub`, `Fn::Join`) is a new object with
no such record, and is reported as not traceable to one literal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from checker.model import Definition, Location
from checker.sources.cloudformation.yaml_loader import LStr

#: id(scalar) -> (file shown, what kind of definition it is)
Sites = dict[int, tuple[str, str]]


def template_sites(doc: Mapping[str, Any], shown: str) -> Sites:
    """The definition sites a template declares: parameter defaults, mapping
    values and SAM Globals environment variables."""
    sites: Sites = {}
    params = doc.get("Parameters")
    if isinstance(params, dict):
        for spec in params.values():
            if isinstance(spec, dict) and isinstance(spec.get("Default"), LStr):
                sites[id(spec["Default"])] = (shown, "parameter default")
    mappings = doc.get("Mappings")
    if isinstance(mappings, dict):
        for top in mappings.values():
            for second in top.values() if isinstance(top, dict) else ():
                for leaf in second.values() if isinstance(second, dict) else ():
                    if isinstance(leaf, LStr):
                        sites[id(leaf)] = (shown, "mapping")
    g = doc.get("Globals")
    fn = g.get("Function") if isinstance(g, dict) else None
    env = fn.get("Environment") if isinstance(fn, dict) else None
    variables = env.get("Variables") if isinstance(env, dict) else None
    if isinstance(variables, dict):
        for leaf in variables.values():
            if isinstance(leaf, LStr):
                sites[id(leaf)] = (shown, "Globals")
    return sites


def definition_for(value: Any, shown: str, sites: Sites, chain: tuple[Location, ...] = ()) -> Definition | None:
    """The literal `value` is, when the template wrote it as one scalar."""
    if not isinstance(value, LStr) or not value.line:
        return None
    file, kind = sites.get(id(value), (shown, "attribute"))
    # A value from the parent's parameters travelled through the nested-stack
    # lines in `chain`; one written in this template did not.
    own = file == shown and kind != "nested stack parameter"
    return Definition(Location(file, value.line, value.column), kind, () if own else chain)


class LineIndex:
    """The scalars of a template by line, built on first use: where a value
    was built by `Fn::Sub` or `Fn::Join` from a literal written in the
    resource, that literal is the scalar on the reference's line that holds
    the model id."""

    def __init__(self, doc: Any) -> None:
        self._doc = doc
        self._lines: dict[int, list[LStr]] | None = None
        #: Per scalar (a `|` block is on many lines, and large): how often it
        #: spells a model id, and the `${Name}`s it substitutes.
        self._counts: dict[tuple[int, str], int] = {}
        self._names: dict[int, list[str]] = {}

    def count(self, scalar: LStr, model_id: str) -> int:
        key = (id(scalar), model_id)
        if key not in self._counts:
            self._counts[key] = scalar.count(model_id)
        return self._counts[key]

    def sub_names(self, scalar: LStr) -> list[str]:
        if id(scalar) not in self._names:
            self._names[id(scalar)] = _SUB_NAME.findall(scalar)
        return self._names[id(scalar)]

    def on_line(self, line: int) -> list[LStr]:
        if self._lines is None:
            self._lines = {}
            stack = [self._doc]
            seen = 0
            while stack and seen < 200_000:
                v = stack.pop()
                seen += 1
                if isinstance(v, LStr) and v.line:
                    # A `|` block is on every line it covers: a model inside a
                    # definition string is reported at its own line there.
                    last = v.line + 1 + v.count("\n") if v.style == "|" else v.line
                    for covered in range(v.line, last + 1):
                        self._lines.setdefault(covered, []).append(v)
                elif isinstance(v, dict):
                    stack.extend(v.values())
                elif isinstance(v, list):
                    stack.extend(v)
        return self._lines.get(line, [])


def built_definition(
    model_id: str | None,
    line: int,
    shown: str,
    index: LineIndex,
    parameters: Mapping[str, Any],
    sites: Sites,
    chain: tuple[Location, ...],
) -> Definition | None:
    """For a value the resolver built (`Fn::Sub`, `Fn::Join`): the one scalar
    that spells `model_id`, either written on the reference's line or the
    parameter a `${Name}` on that line substitutes.  The rest of the string
    (a region, a partition) comes from pseudo parameters and stays as written."""
    if model_id is None or not line:
        return None
    scalars = index.on_line(line)
    hits = [s for s in scalars if index.count(s, model_id) == 1]
    if len(hits) == 1:
        return Definition(Location(shown, hits[0].line, hits[0].column), "attribute")
    if hits:
        return None
    found: dict[int, Definition] = {}
    for s in scalars:
        for name in index.sub_names(s):
            value = parameters.get(name)
            if isinstance(value, LStr) and value.count(model_id) == 1:
                d = definition_for(value, shown, sites, chain)
                if d is not None:
                    found[id(value)] = d
    return next(iter(found.values())) if len(found) == 1 else None


_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
