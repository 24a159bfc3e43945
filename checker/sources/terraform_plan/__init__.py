"""Terraform plans and states: what apply will do, and what is deployed now.

A plan (`terraform show -json tfplan`) knows what static HCL cannot: the
final values and, above all, the action.  Creating provisioned throughput on
a Legacy model fails at apply, but keeping an existing one does not, so every
reference carries its action.  A state (`terraform show -json` without a
plan, or the `terraform.tfstate` file itself) is what a compliance audit
wants: every resource in it exists, so each is judged as kept (`no-op`).

Where a plan's value is unknown until apply (`after_unknown`), its
configuration is consulted (see `configuration`); what stays unknown is
reported as known only at apply, never guessed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from checker.catalog import AttributeSpec, Mode, extract_mode, not_examined, not_examined_note, specs_for, walk_path
from checker.catalog.extract import in_document
from checker.catalog.records import Found, ReferenceBuilder
from checker.model import Action, Location, Reference, ScanError, SourceFramework, SourceResult, Usage
from checker.modelid import parse_model_reference
from checker.sources import ScanOptions, Unit, display_path
from checker.sources.terraform_plan import positions
from checker.sources.terraform_plan.recognise import Kind, classify, decode_json
from checker.sources.values import Unknown, candidates
from checker.util.textio import FileReadError

if TYPE_CHECKING:
    from checker.sources.terraform_plan.configuration import ConfigSource

#: Major versions of the plan and shown-state JSON format this source reads:
#: 0.x (Terraform 0.12 to 0.15) and 1.x (Terraform 1.x, OpenTofu).
SUPPORTED_MAJOR = ("0", "1")
#: The raw state file format Terraform 0.12 and later write.
RAW_STATE_VERSION = 4

_ACTIONS = {
    ("no-op",): Action.NO_OP,
    ("create",): Action.CREATE,
    ("read",): Action.READ,
    ("update",): Action.UPDATE,
    ("delete",): Action.DELETE,
    ("delete", "create"): Action.REPLACE,
    ("create", "delete"): Action.REPLACE,
    # Replace where the old object is forgotten, not destroyed (a `removed`
    # block with `destroy = false`): a new object is still created.
    ("create", "forget"): Action.CREATE,
}
_ACTION_NOTES = {("create", "forget"): "created anew; the old object is forgotten by Terraform, not destroyed"}

_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")


def _actions(change: dict[str, Any]) -> tuple[str, ...]:
    actions = change.get("actions")
    return tuple(a for a in actions if isinstance(a, str)) if isinstance(actions, list) else ()


def _unknown_at(node: Any, path: tuple[str, ...]) -> bool:
    """True when `after_unknown` marks the path (or a block above it) unknown."""
    if node is True:
        return True
    if isinstance(node, list):
        return any(_unknown_at(item, path) for item in node)
    if path and isinstance(node, dict) and path[0] in node:
        return _unknown_at(node[path[0]], path[1:])
    return False


def _region(value: Any) -> str | None:
    return value if isinstance(value, str) and _REGION.fullmatch(value) else None


def _own_region(values: Any) -> str | None:
    """The region a resource says it is in: its `region` argument (AWS
    provider 6 and later) or the region part of its own ARN."""
    if not isinstance(values, dict):
        return None
    if (r := _region(values.get("region"))) is not None:
        return r
    arn = values.get("arn")
    if isinstance(arn, str) and arn.startswith("arn:"):
        parts = arn.split(":")
        return _region(parts[3]) if len(parts) > 3 else None
    return None


def _items(value: Any) -> list[Any]:
    """A list from the document, or nothing where it holds something else."""
    return value if isinstance(value, list) else []


def _specs(mode: Any, rtype: str) -> tuple[AttributeSpec, ...]:
    """Where models live in a resource type (none for most of a plan)."""
    return specs_for("terraform_data" if mode == "data" else "terraform", rtype)


def _wanted(mode: Any, rtype: str) -> bool:
    """A type whose instances are read: one in the catalog, or one that looks
    like Bedrock but is not (reported as not examined, never passed)."""
    return bool(_specs(mode, rtype)) or not_examined("terraform_data" if mode == "data" else "terraform", rtype)


def _module_path(module_address: Any) -> tuple[str, ...]:
    return tuple(re.findall(r"module\.([^.\[]+)", module_address)) if isinstance(module_address, str) else ()


@dataclass(frozen=True)
class Seen:
    """One resource instance as a plan or state shows it."""

    address: str
    mode: str
    rtype: str
    name: str
    module_address: str
    index: Any
    values: Any
    action: Action
    line: int
    after_unknown: Any = None
    note: str | None = None


class Reader:
    """Turns a positioned plan or state document into references."""

    def __init__(self, path: str, pdoc: positions.PositionedDoc, kind: Kind, options: ScanOptions) -> None:
        self.path = path
        self.shown = display_path(path)
        self.pdoc = pdoc
        self.doc: dict[str, Any] = pdoc.doc
        self.kind = kind
        self.options = options
        self.errors: list[ScanError] = []
        variables = self.doc.get("variables")
        self.variables = (
            {k: v.get("value") for k, v in variables.items() if isinstance(v, dict) and "value" in v}
            if isinstance(variables, dict)
            else {}
        )
        config = self.doc.get("configuration")
        self.config: dict[str, Any] = config if isinstance(config, dict) else {}
        root = self.config.get("root_module")
        self.root_config: dict[str, Any] = root if isinstance(root, dict) else {}
        self._source: ConfigSource | None = None
        self._provider_regions: dict[str, str | None] = {}

    # --- the configuration ----------------------------------------------------
    @property
    def source(self) -> ConfigSource:
        """The configuration beside the plan (loaded on first use: most plans
        know every model value and never need it)."""
        if self._source is None:
            from checker.sources.terraform_plan.configuration import ConfigSource

            self._source = ConfigSource(
                self.path,
                self.config,
                self.variables,
                self._config_roots(),
                self.options.max_file_bytes,
                self._data_values(),
            )
        return self._source

    def _data_values(self) -> dict[str, Any]:
        """Data sources Terraform read while planning: `prior_state` holds
        them with their values (those read only at apply are not there)."""
        out: dict[str, Any] = {}
        for _, res in _state_resources(self.doc.get("prior_state")):
            if res.get("mode") == "data" and isinstance(res.get("address"), str):
                out[res["address"]] = res.get("values")
        return out

    def _config_roots(self) -> tuple[str, ...]:
        """Where configuration may be read: the scanned trees, and the
        directory of a plan named on its own (never above it)."""
        here = os.path.realpath(os.path.dirname(os.path.abspath(self.path)))
        roots = tuple(os.path.dirname(r) if os.path.isfile(r) else r for r in self.options.roots)
        return (*roots, here)

    def _module_config(self, module_path: tuple[str, ...]) -> dict[str, Any] | None:
        node: Any = self.root_config
        for name in module_path:
            calls = node.get("module_calls") if isinstance(node, dict) else None
            call = calls.get(name) if isinstance(calls, dict) else None
            node = call.get("module") if isinstance(call, dict) else None
            if node is None:
                return None
        return node if isinstance(node, dict) else None

    def _config_resource(self, seen: Seen) -> dict[str, Any] | None:
        module = self._module_config(_module_path(seen.module_address))
        addr = f"{'data.' if seen.mode == 'data' else ''}{seen.rtype}.{seen.name}"
        for res in _items((module or {}).get("resources")):
            if isinstance(res, dict) and res.get("address") == addr:
                return res
        return None

    def _provider_region(self, key: str) -> str | None:
        """The region of a provider configuration (`aws`, `aws.west`,
        `module.m:aws`): its constant `region`, or its expression evaluated
        from the configuration beside the plan."""
        if key in self._provider_regions:
            return self._provider_regions[key]
        region = None
        providers = self.config.get("provider_config")
        p = providers.get(key) if isinstance(providers, dict) else None
        if isinstance(p, dict) and p.get("name") == "aws":
            exprs = p.get("expressions")
            expr = exprs.get("region") if isinstance(exprs, dict) else None
            if isinstance(expr, dict):
                if "constant_value" in expr:
                    region = _region(expr["constant_value"])
                elif not p.get("module_address"):
                    region = _region(self.source.provider_value(p.get("alias"), "region", expr))
        self._provider_regions[key] = region
        return region

    def region_of(self, seen: Seen) -> str | None:
        own = _own_region(seen.values)
        if own is not None:
            return own
        if self.kind is not Kind.PLAN:
            return None  # a state holds no provider configuration
        res = self._config_resource(seen)
        key = res.get("provider_config_key") if res else None
        if isinstance(key, str):
            return self._provider_region(key)
        return self._provider_region("aws")

    # --- plans ----------------------------------------------------------------
    def plan_instances(self) -> Iterator[Seen]:
        changes = self.doc.get("resource_changes")
        if changes is not None and not isinstance(changes, list):
            self.errors.append(ScanError(self.shown, "resource_changes is not a list"))
            changes = None
        for rc in changes or []:
            seen = self._from_change(rc, None)
            if seen is not None:
                yield seen
        deferred = self.doc.get("deferred_changes")
        if deferred is not None and not isinstance(deferred, list):
            self.errors.append(ScanError(self.shown, "deferred_changes is not a list"))
            deferred = None
        for d in deferred or []:
            if isinstance(d, dict):
                reason = d.get("reason")
                why = f" ({reason})" if isinstance(reason, str) and reason.isprintable() else ""
                seen = self._from_change(d.get("resource_change"), f"deferred{why}: Terraform plans it in a later run")
                if seen is not None:
                    yield seen

    def _from_change(self, rc: Any, note: str | None) -> Seen | None:
        if not isinstance(rc, dict):
            return None
        mode, rtype, address, change = rc.get("mode"), rc.get("type"), rc.get("address"), rc.get("change")
        if not isinstance(rtype, str) or not isinstance(address, str) or not isinstance(change, dict):
            return None
        if not _wanted(mode, rtype):
            return None  # most of a plan: skipped before any line is looked up
        actions = _actions(change)
        action = _ACTIONS.get(actions)
        if action is None:
            return None  # "forget" and unknown actions change nothing in AWS
        if actions in _ACTION_NOTES:
            note = f"{note}; {_ACTION_NOTES[actions]}" if note else _ACTION_NOTES[actions]
        values = change.get("before") if action is Action.DELETE else change.get("after")
        return Seen(
            address=address,
            mode=str(mode),
            rtype=rtype,
            name=str(rc.get("name")),
            module_address=str(rc.get("module_address") or ""),
            index=rc.get("index"),
            values=values,
            action=action,
            line=self.pdoc.key_line(rc, "address"),
            after_unknown=change.get("after_unknown"),
            note=note,
        )

    # --- states ---------------------------------------------------------------
    def shown_state_instances(self) -> Iterator[Seen]:
        for module, res in _state_resources(self.doc):
            address, rtype = res.get("address"), res.get("type")
            if not isinstance(address, str) or not isinstance(rtype, str) or not _wanted(res.get("mode"), rtype):
                continue
            yield Seen(
                address=address,
                mode=str(res.get("mode")),
                rtype=rtype,
                name=str(res.get("name")),
                module_address=str(module.get("address") or ""),
                index=res.get("index"),
                values=res.get("values"),
                action=Action.NO_OP,
                line=self.pdoc.key_line(res, "address"),
                note=_state_note(res.get("deposed_key")),
            )

    def raw_state_instances(self) -> Iterator[Seen]:
        resources = self.doc.get("resources")
        if not isinstance(resources, list):
            if resources is not None:
                self.errors.append(ScanError(self.shown, "resources is not a list"))
            return
        for res in resources:
            if not isinstance(res, dict):
                continue
            mode, rtype, name, module = res.get("mode"), res.get("type"), res.get("name"), res.get("module")
            if not isinstance(rtype, str) or not isinstance(name, str) or not _wanted(mode, rtype):
                continue
            prefix = f"{module}." if isinstance(module, str) and module else ""
            base = f"{prefix}{'data.' if mode == 'data' else ''}{rtype}.{name}"
            for inst in _items(res.get("instances")):
                if not isinstance(inst, dict):
                    continue
                key = inst.get("index_key")
                yield Seen(
                    address=base + _index_suffix(key),
                    mode=str(mode),
                    rtype=rtype,
                    name=name,
                    module_address=prefix.rstrip("."),
                    index=key,
                    values=inst.get("attributes"),
                    action=Action.NO_OP,
                    line=self.pdoc.key_line(inst, "attributes"),
                    note=_state_note(inst.get("deposed")),
                )

    # --- references -----------------------------------------------------------
    def instances(self) -> Iterator[Seen]:
        if self.kind is Kind.PLAN:
            return self.plan_instances()
        if self.kind is Kind.SHOWN_STATE:
            return self.shown_state_instances()
        return self.raw_state_instances()

    def references(self) -> Iterator[Reference]:
        for seen in self.instances():
            specs = _specs(seen.mode, seen.rtype)
            if not specs:
                yield self._not_examined(seen)
                continue
            region = self.region_of(seen)
            for spec in specs:
                yield from self._spec_refs(seen, spec, region)

    def _framework(self) -> SourceFramework:
        return SourceFramework.TERRAFORM_PLAN if self.kind is Kind.PLAN else SourceFramework.TERRAFORM_STATE

    def _not_examined(self, seen: Seen) -> Reference:
        """The plan's twin of the HCL source's notice: a Bedrock-looking type
        outside the catalog is listed, unresolved, as not examined."""
        note = not_examined_note("terraform_data" if seen.mode == "data" else "terraform", seen.rtype)
        builder = ReferenceBuilder(seen.address, seen.rtype, self._framework(), self.shown, seen.line, seen.line)
        return builder.build(Found(Usage.OTHER, seen.rtype, "*", (seen.line, 0), False, note=note))

    def _spec_refs(self, seen: Seen, spec: AttributeSpec, region: str | None) -> Iterator[Reference]:
        framework = self._framework()
        # A plan or state says where the resource's object starts, not where
        # each value sits: every reference points at that line.
        builder = ReferenceBuilder(
            seen.address, seen.rtype, framework, self.shown, seen.line, seen.line, region=region, action=seen.action
        )

        def ref(
            raw: str,
            attribute: str,
            resolved: bool = True,
            note: str | None = None,
            expression: str | None = None,
            conditional: bool = False,
            via: tuple[Location, ...] = (),
        ) -> Reference:
            notes = "; ".join(n for n in (seen.note, note) if n) or None
            found = Found(spec.usage, raw, attribute, (seen.line, 0), resolved, conditional, expression, notes)
            # `via` differs per value (the configuration file an expression
            # was evaluated from), so it is set on the builder per reference.
            return (replace(builder, via=via) if via else builder).build(found)

        found = [(p, v) for p, v in walk_path(seen.values, spec.path) if v is not None]
        if not found and seen.action is not Action.DELETE and _unknown_at(seen.after_unknown, spec.path):
            yield from self._from_configuration(seen, spec, ref)
            return
        for attr_path, value in found:
            if spec.mode is Mode.MODEL:
                if isinstance(value, str):
                    yield ref(value, attr_path)
                continue
            if spec.mode is Mode.ASL:
                # The integrations table's usage (a provisioned throughput a
                # state creates), the state's name, run-time choices.
                for hit in in_document(spec, attr_path, value, lambda _: (seen.line, 0)):
                    yield builder.build(replace(hit, note="; ".join(n for n in (seen.note, hit.note) if n) or None))
                continue
            for sub, v in extract_mode(spec.mode, value):
                sep = "" if sub.startswith("[") else "."
                yield ref(v, f"{attr_path}{sep}{sub}")

    def _from_configuration(self, seen: Seen, spec: AttributeSpec, ref: Any) -> Iterator[Reference]:
        """An attribute apply will compute: its constant from `configuration`,
        or its expression evaluated from the configuration beside the plan;
        else a reference known only at apply, naming what it depends on."""
        res = self._config_resource(seen)
        plan_exprs = [e for _, e in walk_path((res or {}).get("expressions") or {}, spec.path) if isinstance(e, dict)]
        plan_expr = plan_exprs[0] if len(plan_exprs) == 1 else None
        refs = plan_expr.get("references") if plan_expr else None
        depends = ", ".join(r for r in refs if isinstance(r, str)) if isinstance(refs, list) else ""
        evaluated: list[tuple[Any, str | None, str, tuple[Location, ...]]] = []
        if plan_expr is not None and "constant_value" in plan_expr:
            evaluated.append((plan_expr["constant_value"], None, "value from the configuration", ()))
        elif plan_expr is not None:
            for v, source_text, line, file in self.source.evaluate(
                _module_path(seen.module_address), seen.mode, seen.rtype, seen.name, spec.path, plan_expr, seen.index
            ):
                how = f"value from the configuration {display_path(file)}:{line}, evaluated with the plan's inputs"
                evaluated.append((v, source_text, how, (Location(display_path(file), line),)))
        unknown_note = "known only at apply" + (f" (depends on {depends})" if depends else "")
        emitted = False
        for value, text, how, via in evaluated:
            for v, conditional in candidates(value):
                got = v.partial if isinstance(v, Unknown) else v
                if spec.mode is Mode.MODEL:
                    if isinstance(got, str) and (got is v or parse_model_reference(got).resolvable):
                        emitted = True
                        yield ref(got, spec.dotted, note=how, expression=text, conditional=conditional, via=via)
                elif v is not None and not isinstance(v, Unknown):
                    for sub, found in extract_mode(spec.mode, v):
                        emitted = True
                        yield ref(found, f"{spec.dotted}.{sub}", note=how, conditional=conditional, via=via)
        if not emitted and spec.mode is Mode.MODEL:
            first = refs[0] if isinstance(refs, list) and refs and isinstance(refs[0], str) else None
            yield ref(first or f"{seen.address}.{spec.dotted}", spec.dotted, False, unknown_note, depends or None)


def _state_resources(state: Any) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(module, resource) for every resource of a shown state (`values.
    root_module` and its `child_modules`, however deep)."""
    values = state.get("values") if isinstance(state, dict) else None
    root = values.get("root_module") if isinstance(values, dict) else None
    stack = [root] if isinstance(root, dict) else []
    while stack:
        module = stack.pop()
        for res in _items(module.get("resources")):
            if isinstance(res, dict):
                yield module, res
        children = module.get("child_modules")
        if isinstance(children, list):
            stack.extend(c for c in children if isinstance(c, dict))


def _index_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, str):
        return "[" + json.dumps(key, ensure_ascii=False) + "]"
    return f"[{key}]"


def _state_note(deposed: Any) -> str:
    notes = ["in the state: exists now"]
    if isinstance(deposed, str) and deposed:
        notes.append("a deposed object awaiting destruction")
    return "; ".join(notes)


def _version_error(kind: Kind, doc: dict[str, Any]) -> str | None:
    if kind is Kind.RAW_STATE:
        version = doc.get("version")
        if version == RAW_STATE_VERSION:
            return None
        old = version in (1, 2, 3)
        hint = " (Terraform 0.11 or older: run `terraform state pull` with Terraform 0.12+)" if old else ""
        return f"unsupported state file version {version!r}: this tool reads version {RAW_STATE_VERSION}{hint}"
    version = doc.get("format_version")
    if isinstance(version, str) and version.split(".")[0] in SUPPORTED_MAJOR:
        return None
    what = "plan" if kind is Kind.PLAN else "state"
    return (
        f"unsupported {what} format_version {version!r}: this tool reads {what}s of format 0.x and 1.x "
        "(Terraform 0.12 to 1.x, OpenTofu)"
    )


def read_bytes(path: str, limit: int) -> bytes:
    """The file's bytes, refused over `limit` with how to raise it."""
    try:
        size = os.stat(path).st_size
        if size > limit:
            raise FileReadError(
                f"file is {size:,} bytes, over the {limit:,}-byte limit for plans and states "
                "(raise it with --max-plan-size BYTES or max_plan_size in the configuration)"
            )
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise FileReadError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise FileReadError(f"file grew past the {limit:,}-byte limit while being read")
    return data


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    path = unit.files[0]
    shown = display_path(path)
    result = SourceResult(files=[path])
    try:
        text = decode_json(read_bytes(path, options.max_plan_bytes))
    except FileReadError as exc:
        result.errors.append(ScanError(shown, str(exc)))
        return result
    try:
        pdoc = positions.load(text)
    except json.JSONDecodeError as exc:
        result.errors.append(ScanError(shown, f"invalid plan JSON: {exc.msg}", exc.lineno))
        return result
    except RecursionError:
        result.errors.append(ScanError(shown, "plan JSON nested too deeply to read"))
        return result
    doc = pdoc.doc
    if not isinstance(doc, dict):
        result.errors.append(ScanError(shown, f"a plan must be a JSON object, not {type(doc).__name__}"))
        return result
    kind = classify(doc)
    if kind is None:
        from checker.sources.registry import source

        templates = source("cloudformation")
        if path.endswith(templates.suffixes):
            # It only mentions a plan's keys: a template or other JSON after all.
            return templates.scan_unit(Unit(templates.name, unit.key, unit.files, unit.root), options)
        keys = ", ".join(sorted(str(k) for k in doc)[:8])
        result.errors.append(ScanError(shown, f"not a Terraform plan or state (top-level keys: {keys or 'none'})", 1))
        return result
    problem = _version_error(kind, doc)
    if problem is not None:
        result.errors.append(ScanError(shown, problem, 1))
        return result
    reader = Reader(path, pdoc, kind, options)
    try:
        result.references.extend(reader.references())
    except RecursionError:
        result.references.clear()
        result.errors.append(ScanError(shown, "values nested too deeply to read"))
    result.errors.extend(reader.errors)
    # Read the configuration beside it (or looked for it): other files count.
    result.cacheable = reader._source is None
    return result
