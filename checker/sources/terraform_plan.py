"""Terraform plan JSON (`terraform show -json tfplan`): what apply will do.

A plan knows what static HCL cannot: the final values and, above all, the
action.  Creating provisioned throughput on a Legacy model fails at apply, but
keeping an existing one does not, so every reference carries its action.
Where a value is unknown until apply (`after_unknown`), the configuration's
expression is used if it is a constant or a variable; otherwise the reference
is reported as known only at apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from checker.catalog import AttributeSpec, specs_for, walk_path
from checker.model import Action, Location, Reference, ScanError, SourceResult
from checker.sources import ScanOptions, Unit, display_path
from checker.sources.indirect import extract
from checker.util.textio import FileReadError, read_text

#: Major versions of the plan JSON format this source reads: 0.x (Terraform
#: 0.12 to 0.15) and 1.x (Terraform 1.x, OpenTofu).
SUPPORTED_MAJOR = ("0", "1")

_ACTIONS = {
    ("no-op",): Action.NO_OP,
    ("create",): Action.CREATE,
    ("read",): Action.READ,
    ("update",): Action.UPDATE,
    ("delete",): Action.DELETE,
    ("delete", "create"): Action.REPLACE,
    ("create", "delete"): Action.REPLACE,
}


def _action(actions: Any) -> Action | None:
    if not isinstance(actions, list):
        return None
    return _ACTIONS.get(tuple(a for a in actions if isinstance(a, str)))


def _unknown_at(node: Any, path: tuple[str, ...]) -> bool:
    """True when `after_unknown` marks the path (or a block above it) unknown."""
    if node is True:
        return True
    if isinstance(node, list):
        return any(_unknown_at(item, path) for item in node)
    if path and isinstance(node, dict) and path[0] in node:
        return _unknown_at(node[path[0]], path[1:])
    return False


class PlanReader:
    def __init__(self, path: str, text: str, doc: dict[str, Any]) -> None:
        self.path = path
        self.shown = display_path(path)
        self.text = text
        self.doc = doc
        variables = doc.get("variables")
        self.variables = (
            {k: v.get("value") for k, v in variables.items() if isinstance(v, dict)}
            if isinstance(variables, dict)
            else {}
        )
        config = doc.get("configuration")
        self.root_config = config.get("root_module", {}) if isinstance(config, dict) else {}
        self.region = self._provider_region(config)

    def _provider_region(self, config: Any) -> str | None:
        if not isinstance(config, dict):
            return None
        providers = config.get("provider_config")
        if not isinstance(providers, dict):
            return None
        for p in providers.values():
            if not isinstance(p, dict) or p.get("name") != "aws" or p.get("alias") or p.get("module_address"):
                continue
            expr = (p.get("expressions") or {}).get("region")
            value = self._resolve_expression(expr, ()) if isinstance(expr, dict) else None
            if isinstance(value, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", value):
                return value
        return None

    def line_of(self, address: str) -> int:
        quoted = json.dumps(address)
        pos = self.text.find(f'"address": {quoted}')
        if pos < 0:
            pos = self.text.find(f'"address":{quoted}')
        return self.text.count("\n", 0, pos) + 1 if pos >= 0 else 1

    # --- configuration fallback ---------------------------------------------
    def _module_config(self, module_path: tuple[str, ...]) -> dict[str, Any] | None:
        node: Any = self.root_config
        for name in module_path:
            calls = node.get("module_calls") if isinstance(node, dict) else None
            call = calls.get(name) if isinstance(calls, dict) else None
            node = call.get("module") if isinstance(call, dict) else None
            if node is None:
                return None
        return node if isinstance(node, dict) else None

    def _resolve_expression(self, expr: dict[str, Any], module_path: tuple[str, ...], depth: int = 0) -> Any:
        """A constant, or a variable traced up through module calls to a
        constant or the plan's input variables; None when only apply knows."""
        if depth > 32:
            return None
        if "constant_value" in expr:
            return expr["constant_value"]
        refs = expr.get("references")
        if not isinstance(refs, list) or not refs or not isinstance(refs[0], str):
            return None
        ref = refs[0]
        if not ref.startswith("var."):
            return None
        name = ref[4:].split(".")[0].split("[")[0]
        if not module_path:
            return self.variables.get(name)
        parent = self._module_config(module_path[:-1])
        calls = parent.get("module_calls") if parent else None
        call = calls.get(module_path[-1]) if isinstance(calls, dict) else None
        exprs = call.get("expressions") if isinstance(call, dict) else None
        arg = exprs.get(name) if isinstance(exprs, dict) else None
        if isinstance(arg, dict):
            return self._resolve_expression(arg, module_path[:-1], depth + 1)
        module = self._module_config(module_path)
        variables = module.get("variables") if module else None
        var = variables.get(name) if isinstance(variables, dict) else None
        return var.get("default") if isinstance(var, dict) else None

    def config_value(self, rc: dict[str, Any], spec: AttributeSpec) -> tuple[Any, str | None]:
        """(value, expression text) for the spec's attribute from `configuration`."""
        module_address = rc.get("module_address") or ""
        module_path = tuple(re.findall(r"module\.([^.\[]+)", module_address))
        module = self._module_config(module_path)
        if module is None:
            return None, None
        addr = f"{'data.' if rc.get('mode') == 'data' else ''}{rc.get('type')}.{rc.get('name')}"
        for res in module.get("resources", []) or []:
            if not isinstance(res, dict) or res.get("address") != addr:
                continue
            for _, expr in walk_path(res.get("expressions") or {}, spec.path):
                if isinstance(expr, dict):
                    refs = expr.get("references")
                    text = refs[0] if isinstance(refs, list) and refs and isinstance(refs[0], str) else None
                    return self._resolve_expression(expr, module_path), text
        return None, None

    # --- references -----------------------------------------------------------
    def references(self, result: SourceResult) -> Iterator[Reference]:
        changes = self.doc.get("resource_changes")
        if changes is None:
            return
        if not isinstance(changes, list):
            result.errors.append(ScanError(self.shown, "resource_changes is not a list"))
            return
        for rc in changes:
            if not isinstance(rc, dict):
                continue
            mode, rtype, address = rc.get("mode"), rc.get("type"), rc.get("address")
            if not isinstance(rtype, str) or not isinstance(address, str):
                continue
            specs = specs_for("terraform_data" if mode == "data" else "terraform", rtype)
            change = rc.get("change")
            if not specs or not isinstance(change, dict):
                continue
            action = _action(change.get("actions"))
            if action is None:
                continue  # "forget" and unknown actions change nothing in AWS
            values = change.get("before") if action is Action.DELETE else change.get("after")
            line = self.line_of(address)
            for spec in specs:
                yield from self._spec_refs(rc, spec, values, change.get("after_unknown"), action, address, line)

    def _spec_refs(
        self,
        rc: dict[str, Any],
        spec: AttributeSpec,
        values: Any,
        after_unknown: Any,
        action: Action,
        address: str,
        line: int,
    ) -> Iterator[Reference]:
        def ref(
            raw: str, attribute: str, resolved: bool = True, note: str | None = None, expression: str | None = None
        ) -> Reference:
            return Reference(
                raw=raw,
                usage=spec.usage,
                resource=address,
                resource_type=str(rc.get("type")),
                attribute=attribute,
                location=Location(self.shown, line),
                framework="terraform_plan",
                resolved=resolved,
                expression=expression,
                action=action,
                region=self.region,
                note=note,
                resource_line=line,
                resource_end_line=line,
            )

        found = [(p, v) for p, v in walk_path(values, spec.path) if v is not None]
        if not found and action is not Action.DELETE and _unknown_at(after_unknown, spec.path):
            value, expr_text = self.config_value(rc, spec)
            if isinstance(value, str) and spec.mode == "model":
                yield ref(
                    value,
                    spec.dotted,
                    note="value from the configuration; the plan knows it only at apply",
                    expression=expr_text,
                )
            elif value is not None and spec.mode != "model":
                for sub, v in extract(spec.mode, value):
                    yield ref(v, f"{spec.dotted}.{sub}", note="value from the configuration")
            elif spec.mode == "model":
                yield ref(
                    expr_text or f"{address}.{spec.dotted}",
                    spec.dotted,
                    resolved=False,
                    note="known only at apply",
                    expression=expr_text,
                )
            return
        for attr_path, value in found:
            if spec.mode == "model":
                if isinstance(value, str):
                    yield ref(value, attr_path)
                continue
            for sub, v in extract(spec.mode, value):
                sep = "" if sub.startswith("[") else "."
                yield ref(v, f"{attr_path}{sep}{sub}")


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    path = unit.files[0]
    shown = display_path(path)
    result = SourceResult(files=[path])
    try:
        text = read_text(path, options.max_file_bytes)
    except FileReadError as exc:
        result.errors.append(ScanError(shown, str(exc)))
        return result
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        result.errors.append(ScanError(shown, f"invalid plan JSON: {exc.msg}", exc.lineno))
        return result
    except RecursionError:
        result.errors.append(ScanError(shown, "plan JSON nested too deeply to read"))
        return result
    if not isinstance(doc, dict):
        result.errors.append(ScanError(shown, f"a plan must be a JSON object, not {type(doc).__name__}"))
        return result
    version = doc.get("format_version")
    if not isinstance(version, str) or version.split(".")[0] not in SUPPORTED_MAJOR:
        result.errors.append(
            ScanError(
                shown,
                f"unsupported plan format_version {version!r}: this tool reads plans of format 0.x and 1.x "
                "(Terraform 0.12 to 1.x, OpenTofu)",
                1,
            )
        )
        return result
    reader = PlanReader(path, text, doc)
    result.references.extend(reader.references(result))
    return result
