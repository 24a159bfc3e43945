"""One template (and the nested stacks it ships) read into references."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from typing import Any

from checker.catalog import AttributeSpec, specs_for
from checker.discovery.walk import display_path, inside
from checker.model import Location, Reference, ScanError, SourceResult, Usage
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.sources.base import ScanOptions
from checker.sources.cloudformation.intrinsics import Resolver
from checker.sources.cloudformation.nested import MAX_NESTING
from checker.sources.cloudformation.properties import apply_subs, partials, walk_properties
from checker.sources.cloudformation.yaml_loader import (
    LDict,
    TemplateError,
    column_of,
    line_of,
    load_template_text,
)
from checker.sources.indirect import extract
from checker.sources.prefilter import template_may_matter
from checker.sources.values import Unknown, candidates
from checker.util.textio import FileReadError, read_text


class TemplateScan:
    def __init__(
        self,
        path: str,
        options: ScanOptions,
        result: SourceResult,
        *,
        framework: str,
        construct_paths: Mapping[str, str],
        display: str | None,
        parameters: Mapping[str, Any],
        via: tuple[Location, ...],
        chain: tuple[str, ...],
        region: str | None,
    ) -> None:
        self.path = path
        self.options = options
        self.result = result
        self.framework = framework
        self.construct_paths = construct_paths
        self.shown = display or display_path(path)
        self.given = parameters
        self.via = via
        self.chain = chain
        self.region = region
        self.roots = [os.path.realpath(r) for r in (options.roots or (os.path.dirname(path) or ".",))]

    def error(self, message: str, line: int = 0) -> None:
        self.result.errors.append(ScanError(self.shown, message, line))

    def run(self) -> None:
        try:
            text = read_text(self.path, self.options.max_file_bytes)
        except FileReadError as exc:
            self.error(str(exc))
            return
        if "Resources" not in text and "AWSTemplateFormatVersion" not in text:
            return
        given = bool(self.given) or bool(self.options.cfn_parameters or self.options.cfn_parameter_files)
        if self.options.prefilter and not self.chain[:-1] and not template_may_matter(text, given):
            return
        try:
            doc = load_template_text(text)
        except TemplateError as exc:
            self.error(f"cannot parse template: {exc}", exc.line)
            return
        if not isinstance(doc, dict) or not (
            isinstance(doc.get("Resources"), dict) or "AWSTemplateFormatVersion" in doc
        ):
            return  # valid YAML/JSON that is not CloudFormation: not ours
        resources = doc.get("Resources")
        if not isinstance(resources, dict):
            self.error("Resources is not a mapping", line_of(resources))
            return
        params: dict[str, Any] = {}
        declared = doc.get("Parameters")
        if isinstance(declared, dict):
            for name, spec in declared.items():
                if isinstance(spec, dict) and "Default" in spec:
                    params[name] = spec["Default"]
        params.update(self.given)
        mappings = doc.get("Mappings") if isinstance(doc.get("Mappings"), dict) else {}
        self.resolver = Resolver(params, mappings or {}, resources)
        region = params.get("AWS::Region")
        if isinstance(region, str):
            self.region = region
        globals_env = _globals_env(doc)
        for lid, body in resources.items():
            if not isinstance(body, dict):
                continue
            rtype = body.get("Type")
            if not isinstance(rtype, str):
                continue
            self.result.references.extend(self._resource_refs(str(lid), rtype, body, globals_env))
            if rtype == "AWS::CloudFormation::Stack":
                self._nested(str(lid), body)

    def _construct_path(self, lid: str, body: dict[str, Any]) -> str | None:
        meta = body.get("Metadata")
        if isinstance(meta, dict) and isinstance(meta.get("aws:cdk:path"), str):
            return str(meta["aws:cdk:path"])
        return self.construct_paths.get(lid)

    def _resource_refs(
        self, lid: str, rtype: str, body: dict[str, Any], globals_env: dict[str, Any]
    ) -> Iterator[Reference]:
        props = self.resolver.resolve(body.get("Properties"))
        if not isinstance(props, dict):
            return
        cpath = self._construct_path(lid, body)
        start = line_of(body)
        end = _end_line(body)

        def ref(
            spec_usage: Usage,
            raw: str,
            attribute: str,
            loc: tuple[int, int],
            *,
            resolved: bool = True,
            conditional: bool = False,
            expression: str | None = None,
            note: str | None = None,
        ) -> Reference:
            return Reference(
                raw=raw,
                usage=spec_usage,
                resource=lid,
                resource_type=rtype,
                attribute=attribute,
                location=Location(self.shown, loc[0], loc[1]),
                framework=self.framework,
                resolved=resolved,
                expression=expression,
                conditional=conditional,
                region=self.region,
                via=self.via,
                construct_path=cpath,
                note=note,
                resource_line=start,
                resource_end_line=end,
            )

        subs = self.resolver.deep(props.get("DefinitionSubstitutions")) if "DefinitionSubstitutions" in props else {}
        for spec in specs_for("cloudformation", rtype):
            yield from self._spec_refs(spec, props, subs if isinstance(subs, dict) else {}, ref)
        if rtype in ("AWS::Bedrock::Flow", "AWS::Bedrock::FlowVersion") and "DefinitionString" in props:
            yield from self._flow_string(rtype, props, subs if isinstance(subs, dict) else {}, ref)
        if rtype == "AWS::Serverless::StateMachine" and isinstance(props.get("DefinitionUri"), str):
            yield from self._definition_uri(props, subs if isinstance(subs, dict) else {}, ref)
        if rtype == "AWS::Serverless::Function" and globals_env:
            own = props.get("Environment", {})
            own_vars = own.get("Variables", {}) if isinstance(own, dict) else {}
            for name, value in globals_env.items():
                if isinstance(own_vars, dict) and name in own_vars:
                    continue
                v = self.resolver.resolve(value)
                for cand, cond in candidates(v):
                    if isinstance(cand, str) and looks_like_model_reference(cand):
                        yield ref(
                            Usage.ENVIRONMENT_VARIABLE,
                            cand,
                            f"Globals.Function.Environment.Variables.{name}",
                            (line_of(value), column_of(value)),
                            conditional=cond,
                            note="inherited from the template's Globals",
                        )

    def _spec_refs(
        self, spec: AttributeSpec, props: dict[str, Any], subs: dict[str, Any], ref: Any
    ) -> Iterator[Reference]:
        for attr_path, raw, value, cond, loc in self._walk(props, spec.path, "Properties", (line_of(props), 0)):
            if spec.mode == "model":
                if isinstance(value, str):
                    yield ref(
                        spec.usage,
                        value,
                        attr_path,
                        loc,
                        conditional=cond,
                        expression=None if isinstance(raw, str) else _expr_text(raw),
                    )
                elif isinstance(value, Unknown):
                    if value.partial is not None and parse_model_reference(value.partial).resolvable:
                        yield ref(
                            spec.usage, value.partial, attr_path, loc, conditional=cond, expression=_expr_text(raw)
                        )
                    else:
                        yield ref(
                            spec.usage,
                            _expr_text(raw),
                            attr_path,
                            loc,
                            resolved=False,
                            conditional=cond,
                            expression=_expr_text(raw),
                            note="value is not known before deployment",
                        )
                continue
            full = partials(self.resolver.deep(raw))
            if subs:
                full = apply_subs(full, subs)
            for c, c_cond in candidates(full):
                if isinstance(c, Unknown):
                    if c.partial is None:
                        continue
                    c = c.partial
                for sub, found in extract(spec.mode, c):
                    sep = "" if not sub or sub.startswith("[") else "."
                    yield ref(
                        spec.usage, found, f"{attr_path}{sep}{sub}", _loc_in(raw, sub, loc), conditional=cond or c_cond
                    )

    def _walk(
        self, value: Any, path: tuple[str, ...], prefix: str, loc: tuple[int, int], cond: bool = False
    ) -> Iterator[tuple[str, Any, Any, bool, tuple[int, int]]]:
        return walk_properties(self.resolver, value, path, prefix, loc, cond)

    def _flow_string(self, rtype: str, props: dict[str, Any], subs: dict[str, Any], ref: Any) -> Iterator[Reference]:
        raw = props["DefinitionString"]
        text = self.resolver.resolve(raw)
        if isinstance(text, Unknown):
            text = text.partial
        if not isinstance(text, str):
            return
        text = apply_subs(text, subs)
        try:
            definition = json.loads(text)
        except ValueError:
            return
        loc = (line_of(raw), column_of(raw))
        for spec in specs_for("cloudformation", rtype):
            if spec.path[0] != "Definition":
                continue
            for attr_path, _, value, cond, _ in self._walk(
                definition, spec.path[1:], "Properties.DefinitionString", loc
            ):
                if isinstance(value, str):
                    yield ref(spec.usage, value, attr_path, loc, conditional=cond)

    def _definition_uri(self, props: dict[str, Any], subs: dict[str, Any], ref: Any) -> Iterator[Reference]:
        uri = str(props["DefinitionUri"])
        if uri.startswith("s3://"):
            return
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), uri))
        loc = (line_of(props["DefinitionUri"]), column_of(props["DefinitionUri"]))
        if not self._inside(target):
            self.error(f"DefinitionUri {uri!r} resolves outside the scanned tree; not read", loc[0])
            return
        try:
            doc = load_template_text(read_text(target, self.options.max_file_bytes))
        except (FileReadError, TemplateError) as exc:
            self.error(f"cannot read DefinitionUri {uri!r}: {exc}", loc[0])
            return
        doc = apply_subs(self.resolver.deep(doc), subs)
        for sub, found in extract("asl", doc):
            yield ref(Usage.STATE_MACHINE, found, f"Properties.DefinitionUri({uri}).{sub}", loc)

    def _inside(self, target: str) -> bool:
        return inside(target, self.roots)

    def _nested(self, lid: str, body: dict[str, Any]) -> None:
        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        assert isinstance(props, dict)
        url = self.resolver.resolve(props.get("TemplateURL"))
        meta = body.get("Metadata")
        if (not isinstance(url, str) or url.startswith(("http", "s3://"))) and isinstance(meta, dict):
            url = meta.get("aws:asset:path", url)
        if not isinstance(url, str) or url.startswith(("http://", "https://", "s3://")):
            return
        line = line_of(props.get("TemplateURL"), line_of(body))
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), url))
        if not self._inside(target):
            self.error(f"nested stack {lid} TemplateURL {url!r} resolves outside the scanned tree; not read", line)
            return
        if not os.path.isfile(target):
            return  # a local path not shipped with the template: nothing to read
        if target in self.chain or len(self.chain) > MAX_NESTING:
            self.error(f"nested stack {lid} includes its own template; not followed", line)
            return
        given: dict[str, Any] = {}
        params = props.get("Parameters")
        if isinstance(params, dict):
            for k, v in params.items():
                rv = self.resolver.deep(v)
                if not isinstance(rv, Unknown):
                    given[str(k)] = rv
        child = TemplateScan(
            target,
            self.options,
            self.result,
            framework=self.framework,
            construct_paths=self.construct_paths,
            display=None,
            parameters=given,
            via=(*self.via, Location(self.shown, line)),
            chain=(*self.chain, target),
            region=self.region,
        )
        child.run()


def _globals_env(doc: dict[str, Any]) -> dict[str, Any]:
    g = doc.get("Globals")
    fn = g.get("Function") if isinstance(g, dict) else None
    env = fn.get("Environment") if isinstance(fn, dict) else None
    variables = env.get("Variables") if isinstance(env, dict) else None
    return dict(variables) if isinstance(variables, dict) else {}


def _expr_text(raw: Any) -> str:
    try:
        return json.dumps(raw, separators=(",", ":"), default=str)[:300]
    except (TypeError, ValueError, RecursionError):
        return repr(raw)[:300]


def _end_line(body: Any) -> int:
    """Last line of a resource, from the deepest line any of its values carries."""
    best = line_of(body)
    stack = [body]
    seen = 0
    while stack and seen < 5000:
        v = stack.pop()
        seen += 1
        best = max(best, line_of(v))
        if isinstance(v, dict):
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return best


def _loc_in(raw: Any, sub: str, default: tuple[int, int]) -> tuple[int, int]:
    """Line of a sub-path inside a YAML/JSON object (env var name, ASL key)."""
    node = raw
    best = default
    for part in re.findall(r"[^.\[\]]+", sub):
        if isinstance(node, dict) and part in node:
            if isinstance(node, LDict) and part in node.key_lines:
                best = node.key_lines[part]
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            if line_of(node):
                best = (line_of(node), column_of(node))
        else:
            break
    if line_of(node):
        best = (line_of(node), column_of(node))
    return best
