"""One template (and the nested stacks it ships) read into references."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from checker.catalog.extract import extract
from checker.catalog.records import Found, Inputs, ReferenceBuilder
from checker.discovery.walk import display_path, inside
from checker.model import Definition, Location, Reference, ScanError, SourceFramework, SourceResult, Usage
from checker.modelid import parse_model_reference
from checker.sources.base import ScanOptions
from checker.sources.cloudformation.chains import Exports, Links, exported
from checker.sources.cloudformation.conditions import ConditionTable, under_condition
from checker.sources.cloudformation.intrinsics import Resolver
from checker.sources.cloudformation.nested import MAX_NESTED_SCANS, MAX_NESTING, asset_keys
from checker.sources.cloudformation.origin import LineIndex, Sites, built_definition, definition_for, template_sites
from checker.sources.cloudformation.yaml_loader import (
    TemplateError,
    column_of,
    line_of,
    load_template_text,
)
from checker.sources.prefilter import template_may_matter
from checker.sources.values import Unknown
from checker.suppressions import mark_lines, metadata_marks
from checker.util.textio import FileReadError, read_text


class TemplateScan:
    def __init__(
        self,
        path: str,
        options: ScanOptions,
        result: SourceResult,
        *,
        framework: SourceFramework,
        construct_paths: Mapping[str, str],
        display: str | None,
        parameters: Mapping[str, Any],
        via: tuple[Location, ...],
        chain: tuple[str, ...],
        region: str | None,
        may_hold_marks: Callable[[str], bool] = lambda _: True,
        seen: set[tuple[str, str]] | None = None,
        exports: Exports | None = None,
        created: Mapping[str, str] | None = None,
        templates_read: set[str] | None = None,
    ) -> None:
        self.path = path
        #: construct path -> `file:line` of the user's code that created it
        #: (a cloud assembly's recorded creation stacks).
        self.created: Mapping[str, str] = created or {}
        #: Real paths of the templates a cloud assembly read: a nested
        #: template counts once among the files scanned.
        self.templates_read = templates_read
        #: The parameters given, as the key of a (template, parameters) scan.
        self.key = ""
        self.resources: dict[str, Any] = {}
        #: Exports of the stacks read with this one (one cloud assembly).
        self.exports = exports
        self._prepared: bool | None = None
        #: Nested stacks set up (parameters given) by logical id, so the
        #: parent's `Outputs.X` and the child's scan share one parse.
        self._children: dict[str, TemplateScan | None] = {}
        #: (template, parameters) already scanned in this unit: shared by
        #: the whole nested-stack graph so a diamond is scanned once, not
        #: once per path (a DAG of width 4 and depth 11 has 4**10 paths).
        self.seen = seen if seen is not None else set()
        self.options = options
        self.result = result
        self.framework = framework
        self.construct_paths = construct_paths
        self.shown = display or display_path(path)
        self.given = parameters
        self.via = via
        self.chain = chain
        self.region = region
        #: Definition sites of values this template got from its parent.
        self.inherited: Sites = {}
        #: The DefinitionSubstitutions of the resource being read.
        self.substitutions: dict[str, Any] = {}
        #: S3 object key -> file of the cloud assembly's assets, read once.
        self.assets: dict[str, str] | None = None
        #: Whether to look for suppression marks in a file (the unit knows
        #: from the first pass which of its files have none).
        self.may_hold_marks = may_hold_marks
        self.roots = [os.path.realpath(r) for r in (options.roots or (os.path.dirname(path) or ".",))]

    def error(self, message: str, line: int = 0) -> None:
        self.result.errors.append(ScanError(self.shown, message, line))

    def run(self) -> None:
        if self.prepare():
            self.extract()

    def prepare(self) -> bool:
        """Read and parse the template and set up its resolver (and links),
        without reading references yet: stacks read together register their
        exports first, so an import in any of them resolves. False when the
        file holds nothing to read (the reason reported when it is an error)."""
        if self._prepared is not None:
            return self._prepared
        self._prepared = False
        try:
            text = read_text(self.path, self.options.max_file_bytes)
        except FileReadError as exc:
            self.error(str(exc))
            return False
        if "Resources" not in text and "AWSTemplateFormatVersion" not in text:
            return False
        given = bool(self.given) or bool(self.options.cfn_parameters or self.options.cfn_parameter_files)
        if self.options.prefilter and not self.chain[:-1] and not template_may_matter(text, given):
            return False
        try:
            doc = load_template_text(text)
        except TemplateError as exc:
            self.error(f"cannot parse template: {exc}", exc.line)
            return False
        marks = mark_lines(text) if self.may_hold_marks(self.path) else None
        if marks is not None:
            self.result.marks[self.shown] = marks
            self.result.metadata_marks[self.shown] = metadata_marks(doc, text)
        if not isinstance(doc, dict) or not (
            isinstance(doc.get("Resources"), dict) or "AWSTemplateFormatVersion" in doc
        ):
            return False  # valid YAML/JSON that is not CloudFormation: not ours
        resources = doc.get("Resources")
        if not isinstance(resources, dict):
            self.error("Resources is not a mapping", line_of(resources))
            return False
        params: dict[str, Any] = {}
        declared = doc.get("Parameters")
        if isinstance(declared, dict):
            for name, spec in declared.items():
                if isinstance(spec, dict) and "Default" in spec:
                    params[name] = spec["Default"]
        params.update(self.given)
        self.sites = {**template_sites(doc, self.shown), **self.inherited}
        self.lines = LineIndex(doc)
        mappings = doc.get("Mappings") if isinstance(doc.get("Mappings"), dict) else {}
        self.links = Links(
            resources,
            declared if isinstance(declared, dict) else {},
            self.shown,
            self.sites,
            doc.get("Outputs"),
            self._nested_output,
            self.exports,
        )
        self.resolver = Resolver(params, mappings or {}, resources, self.links)
        self.links.resolver = self.resolver
        conditions = doc.get("Conditions")
        self.resolver.conditions = ConditionTable(conditions if isinstance(conditions, dict) else {}, self.resolver)
        if self.exports is not None:
            self.exports.add(self.links, doc.get("Outputs"))
        region = params.get("AWS::Region")
        if isinstance(region, str):
            self.region = region
        self.doc = doc
        self.resources = resources
        self._prepared = True
        return True

    def extract(self) -> None:
        """Read every resource's references (and follow nested stacks)."""
        doc, resources = self.doc, self.doc["Resources"]
        globals_env = _globals_env(doc)
        for lid, body in resources.items():
            if not isinstance(body, dict):
                continue
            rtype = body.get("Type")
            if not isinstance(rtype, str):
                continue
            refs = self._resource_refs(str(lid), rtype, body, globals_env)
            self.result.references.extend(under_condition(refs, body.get("Condition"), self.resolver.conditions))
            if rtype == "AWS::CloudFormation::Stack":
                before = len(self.result.references)
                self._nested(str(lid), body)
                # A nested stack under a Condition deploys its models only then.
                inner = self.result.references[before:]
                conditions = self.resolver.conditions
                self.result.references[before:] = under_condition(inner, body.get("Condition"), conditions)
        self._record_exports(doc.get("Outputs"))
        if self.resolver.over is not None:
            self.error(*self.resolver.over)

    def _record_exports(self, outputs: Any) -> None:
        """The model each `Export` of this template stands for, for imports
        in other templates of the tree (`exports.link_imports`)."""
        for name, export, spec in exported(self.resolver, outputs):
            value = self.links.output(name, 0, f"export {export}")
            text = value.partial if isinstance(value, Unknown) and not value.alternatives else value
            if not isinstance(text, str) or not parse_model_reference(text).resolvable:
                continue
            line = line_of(spec.get("Value"), line_of(spec))
            found = Found(Usage.OTHER, text, export, (line, column_of(spec.get("Value"))))
            builder = ReferenceBuilder(
                name, "AWS::CloudFormation::Output", self.framework, self.shown, region=self.region
            )
            self.result.exports.append(builder.build(found, self._definition(text, line)))

    def _definition(self, raw: str, line: int) -> Definition | None:
        return definition_for(raw, self.shown, self.sites, self.via) or built_definition(
            parse_model_reference(raw).model_id,
            line,
            self.shown,
            self.lines,
            {**self.resolver.parameters, **self.substitutions},
            self.sites,
            self.via,
        )

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
        start = line_of(body)
        end = _end_line(body)
        inputs = Inputs(self.resolver, globals_env, self._read_definition, self._read_asset)
        subs = self.resolver.deep(props.get("DefinitionSubstitutions")) if "DefinitionSubstitutions" in props else {}
        self.substitutions = subs if isinstance(subs, dict) else {}
        for v in self.substitutions.values():
            self.sites.setdefault(id(v), (self.shown, "definition substitution"))
        path = self._construct_path(lid, body)
        builder = ReferenceBuilder(
            lid,
            rtype,
            self.framework,
            self.shown,
            start,
            end,
            self.region,
            self.via,
            path,
            created_at=self._created_at(path),
        )
        for found in extract("cloudformation", rtype, props, inputs):
            yield builder.build(found, self._definition(found.raw, found.at[0]) if found.resolved else None)

    def _created_at(self, path: str | None) -> str | None:
        """Where the app created the construct: its own recorded trace, else
        the nearest enclosing construct's below the stack (an L2 construct's
        trace is on it, not on the `Resource` it makes)."""
        while path and "/" in path:  # not up to the stack's own trace
            found = self.created.get(path)
            if found is not None:
                return found
            path = path.rpartition("/")[0]
        return None

    def _read_definition(self, uri: str, loc: tuple[int, int]) -> Any:
        """A SAM DefinitionUri's local file, never outside the scanned tree;
        None (with the reason reported) when it cannot be read."""
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), uri))
        if not self._inside(target):
            self.error(f"DefinitionUri {uri!r} resolves outside the scanned tree; not read", loc[0])
            return None
        try:
            return load_template_text(read_text(target, self.options.max_file_bytes))
        except (FileReadError, TemplateError) as exc:
            self.error(f"cannot read DefinitionUri {uri!r}: {exc}", loc[0])
            return None

    def _read_asset(self, key: str, loc: tuple[int, int]) -> Any:
        """The file asset a cloud assembly uploads under S3 object key `key`
        (its `*.assets.json` beside the template say which file), parsed;
        None when no asset of this assembly has that key, as for a bucket
        the template does not ship."""
        folder = os.path.dirname(self.path) or "."
        if self.assets is None:
            self.assets = asset_keys(folder, self.options.max_file_bytes)
        rel = self.assets.get(key)
        if rel is None:
            return None
        return self._read_definition(rel, loc)

    def _inside(self, target: str) -> bool:
        return inside(target, self.roots)

    def _nested(self, lid: str, body: dict[str, Any]) -> None:
        child = self._child(lid, body)
        if child is None:
            return
        key = (child.path, child.key)
        if key in self.seen:
            return  # scanned already through another parent, with the same parameters
        if len(self.seen) >= MAX_NESTED_SCANS:
            if ("", "") not in self.seen:  # said once, where it first happened
                self.seen.add(("", ""))
                self.error(
                    f"nested stack {lid}: more than {MAX_NESTED_SCANS:,} nested templates (with distinct "
                    "parameters) in this stack; the rest are not read",
                    child.via[-1].line,
                )
            return
        self.seen.add(key)
        if child.prepare():
            child.extract()

    def _nested_output(self, lid: str, name: str, depth: int) -> Any:
        """A parent's `!GetAtt Child.Outputs.Name`: the child's output,
        resolved with the parameters this template passes it."""
        body = self.resources.get(lid) if isinstance(self.resources, dict) else None
        child = self._child(lid, body) if isinstance(body, dict) else None
        text = f"Fn::GetAtt {lid}.Outputs.{name}"
        if child is None or not child.prepare():
            return Unknown(text, reason=f"{text}: the nested stack's template is not read (not a local file)")
        value = child.links.output(name, depth, f"output {name} of nested stack {lid}")
        return self.links.adopt(value, child.links.sites)

    def _child(self, lid: str, body: dict[str, Any]) -> TemplateScan | None:
        """The nested stack's template set up with the parameters this
        template passes (None when it is not a local file to read)."""
        if lid in self._children:
            return self._children[lid]
        self._children[lid] = None  # a link back to itself while set up finds nothing
        props = body.get("Properties") if isinstance(body.get("Properties"), dict) else {}
        assert isinstance(props, dict)
        url = self.resolver.resolve(props.get("TemplateURL"))
        meta = body.get("Metadata")
        if (not isinstance(url, str) or url.startswith(("http", "s3://"))) and isinstance(meta, dict):
            url = meta.get("aws:asset:path", url)
        if not isinstance(url, str) or url.startswith(("http", "s3://")):
            url = self._asset_template(url)
        if not isinstance(url, str) or url.startswith(("http://", "https://", "s3://")):
            return None
        line = line_of(props.get("TemplateURL"), line_of(body))
        target = os.path.normpath(os.path.join(os.path.dirname(self.path), url))
        if not self._inside(target):
            self.error(f"nested stack {lid} TemplateURL {url!r} resolves outside the scanned tree; not read", line)
            return None
        if not os.path.isfile(target):
            return None  # a local path not shipped with the template: nothing to read
        if target in self.chain or len(self.chain) > MAX_NESTING:
            self.error(f"nested stack {lid} includes its own template; not followed", line)
            return None
        given: dict[str, Any] = {}
        inherited: Sites = {}
        params = props.get("Parameters")
        if isinstance(params, dict):
            for k, v in params.items():
                rv = self.resolver.deep(v)
                if isinstance(rv, Unknown):
                    # The parent's value, unknown, not the child's Default:
                    # CloudFormation uses what the parent passes.
                    rv = Unknown(rv.text, rv.partial, rv.alternatives, _passed_reason(lid, str(k), rv))
                given[str(k)] = rv
                inherited[id(rv)] = self.sites.get(id(rv), (self.shown, "nested stack parameter"))
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
            may_hold_marks=self.may_hold_marks,
            seen=self.seen,
            created=self.created,
            templates_read=self.templates_read,
        )
        if self.templates_read is not None and os.path.realpath(target) not in self.templates_read:
            self.templates_read.add(os.path.realpath(target))
            self.result.files.append(target)
        child.inherited = inherited
        child.key = repr(sorted(given.items()))
        self._children[lid] = child
        return child

    def _asset_template(self, url: Any) -> Any:
        """A nested template named only by its S3 object key (an app
        synthesized without the CDK CLI writes no `aws:asset:path`): the
        assembly's asset manifests say which local file that key is."""
        text = url.partial if isinstance(url, Unknown) and url.partial else url
        if not isinstance(text, str) or "/" not in text:
            return url
        if self.assets is None:
            self.assets = asset_keys(os.path.dirname(self.path) or ".", self.options.max_file_bytes)
        found = self.assets.get(text.rsplit("/", 1)[1])
        if found is None:  # a synthesizer's bucket prefix: the key holds slashes
            found = next((f for k, f in self.assets.items() if text.endswith("/" + k)), None)
        return found if found is not None else url


def _passed_reason(lid: str, name: str, value: Unknown) -> str:
    why = value.reason or "not known statically"
    return f"nested stack {lid} passes parameter {name} = {value.text[:120]} ({why})"


def _globals_env(doc: dict[str, Any]) -> dict[str, Any]:
    g = doc.get("Globals")
    fn = g.get("Function") if isinstance(g, dict) else None
    env = fn.get("Environment") if isinstance(fn, dict) else None
    variables = env.get("Variables") if isinstance(env, dict) else None
    return dict(variables) if isinstance(variables, dict) else {}


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
