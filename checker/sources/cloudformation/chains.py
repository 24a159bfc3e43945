"""Values that are another resource's output: `!GetAtt Profile.InferenceProfileArn`,
`!Ref Agent`, a nested stack's `Outputs.X`, `Fn::ImportValue` of another stack's
export.

Such a value exists only after deployment, yet the model behind it is written
statically in the other resource (an application inference profile's
`CopyFrom`, an agent's `FoundationModel`). The shared handles table
(`checker/catalog/handles.py`) says which outputs of which type stand for which
of its catalog paths; the `Links` of a template answers the resolver's `Ref`,
`Fn::GetAtt` and `Fn::ImportValue` with that model, so the reference is judged
by the model it really calls. A model read this way is a distinct string that
remembers where it was written, registered as a definition site ("resource
Profile, ModelSource.CopyFrom"): the finding stays at the line that uses it and
names the line to edit.

Whatever cannot be followed stays unknown with the input that made it so (a
parameter without a default, an attribute no table entry covers, a custom
resource's output, an export no scanned stack makes), for the reports.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from checker.catalog.handles import Handle, handle_for
from checker.modelid import parse_model_reference
from checker.sources.cloudformation.exports import import_note
from checker.sources.cloudformation.origin import Sites
from checker.sources.cloudformation.properties import walk_properties
from checker.sources.cloudformation.yaml_loader import LStr, line_of
from checker.sources.values import Unknown

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
#: Longest chain followed (alias -> agent -> profile -> ...); real ones are 2-3.
MAX_LINKS = 20


def _short(value: Any) -> str:
    return str(value)[:200]


class Exports:
    """`Export` names of the stacks read together (one cloud assembly) -> the
    output's value, resolved lazily in the exporting stack's own context."""

    def __init__(self) -> None:
        self.by_name: dict[str, tuple[Links, str]] = {}

    def add(self, links: Links, outputs: Any) -> None:
        for name, export, _spec in exported(links.resolver, outputs):
            self.by_name.setdefault(export, (links, name))


def exported(resolver: Resolver, outputs: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(output, export name, output spec) of each output exported under a
    name known statically."""
    if not isinstance(outputs, dict):
        return
    for name, spec in outputs.items():
        if isinstance(spec, dict) and isinstance(spec.get("Export"), dict):
            export = resolver.resolve(spec["Export"].get("Name"))
            if isinstance(export, str):
                yield str(name), export, spec


class Links:
    """Answers a template's references to its own resources, nested stacks
    and other stacks' exports, through the handles table."""

    def __init__(
        self,
        resources: Mapping[str, Any],
        declared: Mapping[str, Any],
        shown: str,
        sites: Sites,
        outputs: Any = None,
        nested_output: Callable[[str, str, int], Any] | None = None,
        exports: Exports | None = None,
    ) -> None:
        self.resources = resources
        self.declared = declared
        self.shown = shown
        self.sites = sites
        self.outputs = outputs if isinstance(outputs, dict) else {}
        self.nested_output = nested_output
        self.exports = exports
        self.resolver: Resolver  # set by the template once built
        #: Resources being followed now: a cycle is reported, not walked.
        self._active: list[str] = []
        #: The copies registered as definition sites stay alive with the
        #: template, so their ids are never reused by another object.
        self._keep: list[LStr] = []
        self._memo: dict[tuple[str, str], Any] = {}

    # --- what the resolver asks ------------------------------------------

    def ref(self, name: str, depth: int) -> Any:
        """`Ref` of something that is not a known parameter value."""
        text = f"Ref {name}"
        partial = "${" + name + "}"
        if name in self.declared:
            return Unknown(
                text,
                partial,
                reason=f"parameter {name} has no Default and no value was given (--parameter {name}=VALUE)",
            )
        if name in self.resources:
            return self.attribute(name, "Ref", text, partial, depth)
        return Unknown(text, partial, reason=f"Ref {name}: no parameter or resource of that name in the template")

    def get_att(self, arg: Any, depth: int) -> Any:
        if isinstance(arg, str):
            lid, _, attr = arg.partition(".")
        elif isinstance(arg, list) and len(arg) == 2:
            lid, attr = arg[0], self.resolver.resolve(arg[1], None, depth)
        else:
            return Unknown(f"Fn::GetAtt {_short(arg)}", reason="malformed Fn::GetAtt")
        if not isinstance(lid, str) or not isinstance(attr, str):
            return Unknown(f"Fn::GetAtt {_short(arg)}", reason="Fn::GetAtt with an attribute not known statically")
        text = f"Fn::GetAtt {lid}.{attr}"
        return self.attribute(lid, attr, text, "${" + f"{lid}.{attr}" + "}", depth)

    def import_value(self, arg: Any, depth: int) -> Any:
        name = self.resolver.resolve(arg, None, depth)
        if not isinstance(name, str):
            return Unknown(f"Fn::ImportValue {_short(arg)}", reason="Fn::ImportValue of a name not known statically")
        found = self.exports.by_name.get(name) if self.exports is not None else None
        if found is None:
            # Another template of the tree may make it: linked once every
            # unit is read (exports.link_imports), else reported as such.
            return Unknown(f"Fn::ImportValue {name}", reason=import_note(name))
        links, output = found
        return self.adopt(links.output(output, depth, f"export {name}"), links.sites)

    def adopt(self, value: Any, sites: Sites) -> Any:
        """A value read in another template (a nested stack's output, an
        export) keeps the definition site that template registered for it,
        so a finding here names that file's line, never a line of this one."""
        for v in (value, value.partial if isinstance(value, Unknown) else None):
            if v is not None and id(v) in sites:
                self.sites[id(v)] = sites[id(v)]
        if isinstance(value, Unknown):
            for a in value.alternatives:
                self.adopt(a, sites)
        return value

    # --- following ---------------------------------------------------------

    def output(self, name: str, depth: int, kind: str) -> Any:
        """The value of this template's output `name` (for a parent's
        `Outputs.X` or another stack's import)."""
        spec = self.outputs.get(name)
        if not isinstance(spec, dict) or "Value" not in spec:
            return Unknown(f"Outputs.{name}", reason=f"{self.shown} has no output {name}")
        key = f"Outputs.{name}"  # not a logical id: those have no dot
        if key in self._active:
            return Unknown(key, reason=f"output {name} refers to itself")
        self._active.append(key)
        try:
            value = self.resolver.resolve(spec["Value"], None, depth + 1)
        finally:
            self._active.pop()
        return self._site(value, self.shown, kind)

    def attribute(self, lid: str, attr: str, text: str, partial: str, depth: int) -> Any:
        body = self.resources.get(lid)
        rtype = body.get("Type") if isinstance(body, dict) else None
        if not isinstance(rtype, str):
            return Unknown(text, partial, reason=f"{text}: no resource {lid} in the template")
        if rtype == "AWS::CloudFormation::Stack" and attr.startswith("Outputs."):
            if self.nested_output is None:
                return Unknown(text, partial, reason=f"{text}: output of a nested stack whose template is not read")
            return self.nested_output(lid, attr[len("Outputs.") :], depth)
        if rtype.startswith("Custom::") or rtype == "AWS::CloudFormation::CustomResource":
            return Unknown(text, partial, reason=f"{text}: output of custom resource {lid}, known only at deployment")
        handle = handle_for("cloudformation", rtype, attr)
        if handle is None:
            return Unknown(text, partial, reason=f"{text}: apply-time attribute of {lid} ({rtype})")
        if lid in self._active or len(self._active) >= MAX_LINKS or depth > 90:
            return Unknown(text, partial, reason=f"{text}: the chain through {lid} refers to itself")
        memo = self._memo.get((lid, attr))
        if memo is not None:
            return memo
        props = body.get("Properties") if isinstance(body, dict) else None
        self._active.append(lid)
        try:
            value = self._follow(lid, handle, props, depth, text, partial)
        finally:
            self._active.pop()
        self._memo[(lid, attr)] = value
        return value

    def _follow(self, lid: str, handle: Handle, props: Any, depth: int, text: str, partial: str) -> Any:
        resolved = self.resolver.resolve(props, None, depth + 1)
        if not isinstance(resolved, dict):
            return Unknown(text, partial, reason=f"{text}: {lid} has no Properties")
        if handle.follow:
            node: Any = resolved
            for part in handle.follow:
                node = self.resolver.resolve(node, None, depth + 1)
                node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return Unknown(text, partial, reason=f"{text}: {lid} sets no {'.'.join(handle.follow)}")
            return self.resolver.resolve(node, None, depth + 1)
        leaves: list[tuple[Any, bool]] = []
        for spec in handle.specs:
            for _path, raw, value, cond, _loc, _why in walk_properties(
                self.resolver, resolved, spec.path, "Properties", (line_of(props), 0)
            ):
                leaves.append((self._site(value, self.shown, f"resource {lid}, {spec.dotted}", raw), cond))
        if not leaves:
            return Unknown(text, partial, reason=f"{text}: {lid} names no model")
        if len(leaves) == 1 and not leaves[0][1]:
            return leaves[0][0]
        # Several models (a prompt's variants) are all used, not one of them
        # chosen: `every` keeps them unconditional; a leaf an undecided
        # condition chose keeps the whole set conditional.
        every = not any(c for _, c in leaves)
        return Unknown(text, partial, alternatives=tuple(v for v, _ in leaves), every=every)

    def _site(self, value: Any, file: str, kind: str, raw: Any = None) -> Any:
        """A literal read through a link, as a new string registered as the
        definition site; a value already registered (a parameter default)
        keeps its own site. A value built by `Fn::Sub`/`Fn::Join` (an ARN of
        pseudo parameters) is placed at the one literal inside it that spells
        the model, when there is exactly one."""
        if isinstance(value, Unknown) and value.alternatives:
            return replace(value, alternatives=tuple(self._site(a, file, kind) for a in value.alternatives))
        built = value.partial if isinstance(value, Unknown) else value
        if isinstance(built, str) and not isinstance(built, LStr) and raw is not None:
            placed = self._built_site(built, raw, file, kind)
            if placed is None:
                return value
            return replace(value, partial=placed) if isinstance(value, Unknown) else placed
        if not isinstance(value, LStr) or not value.line or id(value) in self.sites:
            return value
        return self._register(LStr(value, value.line, value.column), file, kind)

    def _built_site(self, built: str, raw: Any, file: str, kind: str) -> LStr | None:
        """A string `Fn::Sub`/`Fn::Join` built, placed at the literal that
        spells its model: one written in `raw`, else the registered
        parameter a `${Name}` in it substitutes; None when neither is one."""
        spot = _spelling(raw, built)
        if spot is not None:
            return self._register(LStr(built, spot.line, spot.column), file, kind)
        given = self._substituted(raw, built)
        if given is None:
            return None
        site_file, site_kind = self.sites[id(given)]
        return self._register(LStr(built, given.line, given.column), site_file, site_kind)

    def _substituted(self, raw: Any, partial: str) -> LStr | None:
        """The parameter a `${Name}` in `raw` substitutes when it is the
        registered literal that spells the model (a default, or a value a
        parent stack passed)."""
        model = parse_model_reference(partial).model_id
        if model is None:
            return None
        found: dict[int, LStr] = {}
        stack, seen = [raw], 0
        while stack and seen < 200:
            v = stack.pop()
            seen += 1
            if isinstance(v, str):
                for name in _SUB_NAME.findall(v):
                    given = self.resolver.parameters.get(name)
                    if isinstance(given, LStr) and given.count(model) == 1 and id(given) in self.sites:
                        found[id(given)] = given
            elif isinstance(v, dict):
                stack.extend(v.values())
            elif isinstance(v, list):
                stack.extend(v)
        return next(iter(found.values())) if len(found) == 1 else None

    def _register(self, copy: LStr, file: str, kind: str) -> LStr:
        self._keep.append(copy)
        self.sites[id(copy)] = (file, kind)
        return copy


def _spelling(raw: Any, partial: str) -> LStr | None:
    """The one literal under `raw` that holds the model id `partial` names."""
    model = parse_model_reference(partial).model_id
    if model is None:
        return None
    hits: list[LStr] = []
    stack, seen = [raw], 0
    while stack and seen < 200:
        v = stack.pop()
        seen += 1
        if isinstance(v, LStr) and v.line and v.count(model) == 1:
            hits.append(v)
        elif isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return hits[0] if len(hits) == 1 else None
