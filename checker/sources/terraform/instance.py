"""One instance of a module: name resolution (variables, locals, data
sources, module outputs), count/for_each expansion, local module calls, and
the references its blocks give."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields, replace
from typing import Any

from checker.catalog import AttributeSpec, not_examined, not_examined_note, specs_for
from checker.catalog.extract import in_document
from checker.catalog.handles import Handle, handle_for
from checker.catalog.records import Found, ReferenceBuilder, join_notes, partly_known_note
from checker.catalog.special import DATA_LOOKUPS
from checker.discovery.walk import display_path
from checker.model import Definition, Location, Reference, ScanError, SourceFramework, Usage
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.sources.terraform.chains import Stands, links, through_chains
from checker.sources.terraform.evaluate import (
    Budget,
    EvalError,
    Evaluator,
    NotEvaluatedError,
    Scope,
    convert,
    count_of,
    empty_scope,
    for_each_of,
    is_string_type,
)
from checker.sources.terraform.functions.core import TfSet
from checker.sources.terraform.hclast import (
    Attribute,
    Block,
    Call,
    Expr,
    ForExpr,
    GetAttr,
    HclFile,
    HclSyntaxError,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Template,
    TupleExpr,
    parse_hcl,
)
from checker.sources.terraform.inputs import Input
from checker.sources.terraform.module_dir import ModuleDir
from checker.sources.terraform.origin import Origin, definition_of
from checker.sources.terraform.unit_scan import UnitScan
from checker.sources.values import Unknown, candidates

#: Most instances one count/for_each may expand to; beyond that the values
#: are unknown and an error names the block, rather than exploding the scan.
MAX_INSTANCES = 1000
#: Deepest chain of local module calls followed (real trees are a few deep).
MAX_MODULE_DEPTH = 32
#: Most module instances one root module may create (`count`/`for_each` on
#: nested calls multiply); past it later calls are not read, with an error.
MAX_MODULE_INSTANCES = MAX_INSTANCES * 10
#: Arguments of a module call that are Terraform's, not the module's inputs.
META_ARGUMENTS = ("source", "version", "count", "for_each", "providers", "depends_on")


class Instance:
    """One instance of a module: its inputs, its locals, its references."""

    def __init__(
        self,
        scan: UnitScan,
        mdir: ModuleDir,
        prefix: str,
        inputs: dict[str, Input],
        chain: tuple[str, ...],
        calls: tuple[Location, ...] = (),
    ) -> None:
        self.scan = scan
        self.mdir = mdir
        self.prefix = prefix
        self.inputs = inputs
        self.chain = chain
        #: The module blocks that created this instance, the root's first: a
        #: reference names the root it was reached from, so the instances of
        #: one module called by many example roots stay apart.
        self.calls = calls
        self._locals: dict[str, tuple[Any, frozenset[str]]] = {}
        self._evaluating: set[str] = set()
        self._children: dict[str, list[tuple[str, Instance]]] = {}
        self._outputs: dict[str, Any] = {}
        self._resolving: set[tuple[str, str, tuple[Any, ...]]] = set()

    # --- name resolution -------------------------------------------------
    def scope(self, each: tuple[Any, Any] | None = None, count_index: Any = None, reading: bool = False) -> Scope:
        scope = Scope(
            self.variable,
            lambda n: Unknown(f"local.{n}"),
            self.data,
            self.module_output,
            each,
            count_index,
            extra={"path": self.scan.paths(self.mdir.path)},
            budget=self.scan.budget,
            resource=self.resource_output,
            reading=reading,
        )
        reads = scope.vars_read

        def local(name: str) -> Any:
            value, used = self.local(name)
            reads.update(used)
            return value

        scope.local = local
        return scope

    def variable(self, name: str) -> Any:
        attrs = self.mdir.variable_attrs(name)
        type_expr = attrs["type"].expr if "type" in attrs else None
        default = attrs["default"].expr if "default" in attrs else None
        nullable = Evaluator(self.scope()).eval(attrs["nullable"].expr) if "nullable" in attrs else True
        value: Any = Unknown(f"var.{name}", reason=f"variable `var.{name}` has no default and no value is given")
        if name in self.inputs:
            inp = self.inputs[name]
            value = inp.value
            if inp.location is not None and inp.location.file == "--var" and not is_string_type(type_expr):
                value = _parse_cli_value(str(value), self.scan.budget)
        elif default is not None:
            value = Evaluator(self.scope()).eval(default)
        if value is None and nullable is False and default is not None:
            value = Evaluator(self.scope()).eval(default)
        try:
            return convert(value, type_expr)
        except EvalError as exc:
            return Unknown(f"var.{name}", reason=f"Terraform rejects the value of `var.{name}`: {exc}")
        except NotEvaluatedError as exc:
            return Unknown(f"var.{name}", reason=f"type of `var.{name}` not evaluated by this scanner: {exc}")

    def local(self, name: str) -> tuple[Any, frozenset[str]]:
        if name in self._locals:
            return self._locals[name]
        expr = self.mdir.local_expr(name)
        if expr is None or name in self._evaluating:
            return Unknown(f"local.{name}"), frozenset()
        self._evaluating.add(name)
        try:
            scope = self.scope()
            value = Evaluator(scope).eval(expr)
        finally:
            self._evaluating.discard(name)
        self._locals[name] = (value, frozenset(scope.vars_read))
        return self._locals[name]

    def data(self, dtype: str, dname: str, attr: str, index: tuple[Any, ...] | None = None) -> Any:
        """An attribute of a data source that names a model (the
        `data_source_lookup` special case): the model its block asks for;
        `index` picks one instance of a data source with count/for_each."""
        lookup = DATA_LOOKUPS.get(dtype)
        for hf, b in self.mdir.blocks("data", dtype):
            if b.labels[:2] != (dtype, dname):
                continue
            attrs = b.attributes()
            each, idx = None, None
            if index is not None:
                chosen = self._instance_of(hf, b, index)
                if chosen is None:
                    return Unknown(f"data.{dtype}.{dname}.{attr}")
                each, idx = chosen
            elif "count" in attrs or "for_each" in attrs:
                return Unknown(f"data.{dtype}.{dname}.{attr}")
            if lookup is not None and lookup[0] in attrs:
                named = Evaluator(self.scope(each, idx)).eval(attrs[lookup[0]].expr)
                if not isinstance(named, str):
                    return Unknown(f"data.{dtype}.{dname}.{attr}")
                form = lookup[1].get(attr)
                if form is not None:
                    return form.format(named)
        return Unknown(f"data.{dtype}.{dname}.{attr}")

    def module_output(self, mname: str, output: str) -> Any:
        children = self.child_instances(mname)
        if len(children) != 1:
            return Unknown(f"module.{mname}.{output}")
        return children[0][1].output(output)

    def output(self, name: str) -> Any:
        """An output's value, once per instance: sibling modules read each
        other's outputs many times."""
        if name in self._outputs:
            return self._outputs[name]
        self._outputs[name] = Unknown(
            f"output.{name}", reason=f"output `{name}` depends on its own value (Terraform reports a cycle)"
        )
        value: Any = Unknown(
            f"output.{name}", reason=f"output `{name}` is not defined in {display_path(self.mdir.path)}"
        )
        for _, b in self.mdir.blocks("output", name):
            if "value" in b.attributes():
                value = Evaluator(self.scope()).eval(b.attributes()["value"].expr)
        self._outputs[name] = value
        return value

    def resource_output(self, rtype: str, rname: str, index: tuple[Any, ...], attr: str) -> Any:
        """What `rtype.rname[index].attr` stands for when the handles table
        says it names a model (a profile's ARN, a custom model's ARN, an
        alias's agent): a `Stands` over that resource's own arguments,
        evaluated in its instance; None for any other output.  Also the
        output of one instance of a module call (`module`) and the model of
        one instance of a data-source lookup (`data.TYPE`)."""
        if rtype == "module":
            for suffix, child in self.child_instances(rname):
                if suffix == _suffix(index):
                    return child.output(attr)
            return None
        if rtype.startswith("data."):
            if rtype[5:] not in DATA_LOOKUPS:
                return None
            value = self.data(rtype[5:], rname, attr, index)
            return None if isinstance(value, Unknown) and not value.reason else value
        handle = handle_for("terraform", rtype, attr)
        if handle is None:
            return None
        key = (rtype, rname, index)
        if key in self._resolving:
            return None  # the resource reads its own output: Terraform's cycle
        self._resolving.add(key)
        try:
            return self._stands(handle, rtype, rname, index, attr)
        finally:
            self._resolving.discard(key)

    def _stands(self, handle: Handle, rtype: str, rname: str, index: tuple[Any, ...], attr: str) -> Stands | None:
        for hf, b in self.mdir.blocks("resource", rtype):
            if b.labels[1:2] != (rname,):
                continue
            for suffix, each, idx in self.expansions(hf, b):
                if suffix != _suffix(index):
                    continue
                address = f"{self.prefix}{rtype}.{rname}{suffix}"
                shown = display_path(hf.path)
                paths = [s.path for s in handle.specs] or [handle.follow]
                values: list[Any] = []
                where: list[Location] = []
                origins: list[Any] = []
                for path in paths:
                    for _, a, _nested, rest, names in _find(b, path):
                        if a is None:
                            continue
                        v = Evaluator(self.scope(each, idx).child(**names)).eval(a.expr)
                        if rest:
                            values.extend(leaf for _, leaf in _walk_value(v, rest))
                        else:
                            values.append(v)
                        where.append(Location(shown, a.expr.line, a.expr.column))
                        origins.append((Origin(a.expr, shown, f"argument of {address}", self), each, idx))
                if not values:
                    return None
                text = f"{address}.{attr}"
                return Stands(
                    text,
                    reason=f"`{address}.{attr}` is a resource attribute, known only after apply",
                    values=tuple(values),
                    through=address,
                    where=tuple(where),
                    origins=tuple(origins),
                )
        return None

    def dynamic(
        self, d: Block, names: Names, each: tuple[Any, Any] | None, idx: Any, shown: str = ""
    ) -> list[tuple[Block, Names]]:
        """A `dynamic "x"` block's content, once per element of its
        `for_each` (a list, set or map), with the iterator (`x.key`,
        `x.value`, or the `iterator` name).  An unknown `for_each` gives one
        content whose iterator is unknown, so its models are reported
        unresolved rather than dropped."""
        attrs = d.attributes()
        content = d.blocks("content")
        if not d.labels or "for_each" not in attrs or len(content) != 1:
            return []
        it = d.labels[0]
        if "iterator" in attrs:
            it = attrs["iterator"].expr.text.strip()
        scope = self.scope(each, idx).child(**names)
        coll = Evaluator(scope).eval(attrs["for_each"].expr)
        pairs: list[tuple[Any, Any]]
        if isinstance(coll, dict):
            pairs = list(coll.items())
        elif isinstance(coll, TfSet):
            pairs = [(v, v) for v in coll]
        elif isinstance(coll, list):
            pairs = list(enumerate(coll))
        elif isinstance(coll, Unknown):
            why = coll.reason or f"`{attrs['for_each'].expr.text}` is not known before apply"
            pairs = [(Unknown(f"{it}.key", reason=why), Unknown(f"{it}.value", reason=why))]
        else:
            return []
        if len(pairs) > MAX_INSTANCES:
            what = f'dynamic "{d.labels[0]}" has {len(pairs):,} elements, over the limit of {MAX_INSTANCES:,}'
            why = self._over_limit(shown or display_path(self.mdir.path), attrs["for_each"], what)
            pairs = [(Unknown(f"{it}.key", reason=why), Unknown(f"{it}.value", reason=why))]
        # The variables the collection came from belong to the content's
        # `via`: kept under READS, a key no HCL name can spell.
        outer: Dynamic = names.get(READS, Dynamic())
        reads = frozenset(scope.vars_read) | outer.reads
        fe = attrs["for_each"].expr
        return [
            (content[0], {**names, it: {"key": k, "value": v}, READS: Dynamic(reads, (*outer.iterators, (it, fe, k)))})
            for k, v in pairs
        ]

    def _instance_of(self, hf: HclFile, b: Block, index: tuple[Any, ...]) -> tuple[Any, Any] | None:
        """(each, count.index) of the instance of block `b` that `index` names."""
        for suffix, each, idx in self.expansions(hf, b):
            if suffix == _suffix(index):
                return each, idx
        return None

    def eval_with_via(
        self,
        expr: Expr,
        each: tuple[Any, Any] | None = None,
        count_index: Any = None,
        names: Names | None = None,
        reading: bool = False,
    ) -> tuple[Any, tuple[Location, ...]]:
        scope = self.scope(each, count_index, reading)
        if names:
            scope = scope.child(**names)
        value = Evaluator(scope).eval(expr)
        return value, self.via_of(scope.vars_read | (names or {}).get(READS, Dynamic()).reads)

    def via_of(self, names: set[str]) -> tuple[Location, ...]:
        """The lines the named inputs came through (tfvars, module calls)."""
        via: list[Location] = []
        for name in sorted(names):
            inp = self.inputs.get(name)
            if inp is None:
                continue
            for loc in (*inp.via, inp.location):
                if loc is not None and loc not in via:
                    via.append(loc)
        return tuple(via)

    # --- expansion -------------------------------------------------------
    def expansions(self, hf: HclFile, block: Block) -> list[tuple[str, tuple[Any, Any] | None, Any]]:
        """(address suffix, each, count.index) for each instance of a block."""
        attrs = block.attributes()
        shown = display_path(hf.path)
        try:
            if "count" in attrs:
                n = count_of(self._meta_argument(attrs["count"].expr))
                if isinstance(n, int) and n <= MAX_INSTANCES:
                    return [(f"[{i}]", None, i) for i in range(n)]
                if isinstance(n, Unknown):
                    why = n.reason
                else:
                    why = self._over_limit(shown, attrs["count"], f"count is {n}, over the limit of {MAX_INSTANCES:,}")
                return [("", None, Unknown("count.index", reason=why))]
            if "for_each" in attrs:
                pairs = for_each_of(self._meta_argument(attrs["for_each"].expr))
                if isinstance(pairs, list) and len(pairs) <= MAX_INSTANCES:
                    return [(f"[{_quoted(k)}]", (k, v), None) for k, v in pairs]
                if isinstance(pairs, Unknown):
                    why = pairs.reason
                else:
                    why = self._over_limit(
                        shown,
                        attrs["for_each"],
                        f"for_each has {len(pairs):,} elements, over the limit of {MAX_INSTANCES:,}",
                    )
                return [("", (Unknown("each.key", reason=why), Unknown("each.value", reason=why)), None)]
        except EvalError as exc:
            where = attrs["count" if "count" in attrs else "for_each"]
            self.scan.error_once(ScanError(shown, f"Terraform rejects this {where.name}: {exc}", where.line))
            why = f"Terraform rejects the {where.name}: {exc}"
            return [
                (
                    "",
                    (Unknown("each.key", reason=why), Unknown("each.value", reason=why)),
                    Unknown("count.index", reason=why),
                )
            ]
        return [("", None, None)]

    def _over_limit(self, shown: str, where: Attribute, what: str) -> str:
        """A count/for_each past the expansion limit: its instances are not
        expanded, so the values that use it are unknown; the error says which
        block and which limit, so the scan exits 2 instead of passing."""
        self.scan.error_once(
            ScanError(
                shown,
                f"{what}: its instances are not expanded, and the model references that use "
                f"count.index, each.key or each.value are reported as unresolved",
                where.line,
            )
        )
        return f"{what} (not expanded)"

    def _meta_argument(self, expr: Expr) -> Any:
        """`count` or `for_each`: what Terraform rejects raises EvalError,
        so it is reported as an error, not only as an unknown value."""
        try:
            return Evaluator(self.scope()).ev(expr)
        except NotEvaluatedError as exc:
            return Unknown(expr.text, reason=f"not evaluated by this scanner: {exc}")

    def children(self) -> dict[str, list[tuple[str, Instance]]]:
        """Every local module call's instances, by call name."""
        for _, b in self.mdir.blocks("module"):
            if b.labels:
                self.child_instances(b.labels[0])
        return {k: v for k, v in self._children.items() if v}

    def child_instances(self, name: str) -> list[tuple[str, Instance]]:
        """The instances of local module call `name`, created when first
        asked for: a sibling's output is then read without creating (and
        evaluating) every other call first.  Their arguments are evaluated
        when the module reads them (`Input`)."""
        if name in self._children:
            return self._children[name]
        self._children[name] = []  # a count/for_each that reads this call's own outputs sees none
        out: list[tuple[str, Instance]] = []
        for hf, b in self.mdir.blocks("module"):
            if b.labels[:1] == (name,):
                out.extend(self._call(hf, b, name))
        self._children[name] = out
        return out

    def _call(self, hf: HclFile, b: Block, name: str) -> list[tuple[str, Instance]]:
        attrs = b.attributes()
        src = Evaluator(self.scope()).eval(attrs["source"].expr) if "source" in attrs else None
        if not isinstance(src, str) or not src.startswith(("./", "../")):
            return []
        shown = display_path(hf.path)
        target = os.path.normpath(os.path.join(os.path.dirname(hf.path), src))
        if not self.scan.inside_roots(target):
            self.scan.error_once(
                ScanError(shown, f'module "{name}" source {src!r} resolves outside the scanned tree; not read', b.line)
            )
            return []
        if not os.path.isdir(target):
            self.scan.error_once(ScanError(shown, f'module "{name}" source {src!r} is not a directory', b.line))
            return []
        if target in self.chain:
            self.scan.error_once(
                ScanError(shown, f'module "{name}" source {src!r} calls itself (module cycle); not followed', b.line)
            )
            return []
        if len(self.chain) > MAX_MODULE_DEPTH:
            self.scan.error_once(
                ScanError(
                    shown,
                    f'module "{name}": local module calls nest more than {MAX_MODULE_DEPTH} deep; '
                    "this call and the modules below it are not read",
                    b.line,
                )
            )
            return []
        child_dir = self.scan.load_dir(target)
        call = Location(shown, b.line)
        out = []
        for suffix, each, idx in self.expansions(hf, b):
            if self.scan.instances >= MAX_MODULE_INSTANCES:
                self.scan.error_once(
                    ScanError(
                        shown,
                        f"more than {MAX_MODULE_INSTANCES:,} module instances in one root module (count and "
                        f'for_each on nested module calls multiply): module "{name}" and later module calls '
                        "are not read, and the models they would give are not checked",
                        b.line,
                    ),
                    key="module instances",
                )
                break
            self.scan.instances += 1
            inputs = {
                aname: Input(
                    location=Location(shown, a.line, a.column),
                    origin=Origin(a.expr, shown, "module input", self),
                    compute=self._argument(a.expr, each, idx),
                )
                for aname, a in attrs.items()
                if aname not in META_ARGUMENTS
            }
            prefix = f"{self.prefix}module.{name}{suffix}."
            out.append(
                (suffix, Instance(self.scan, child_dir, prefix, inputs, (*self.chain, target), (*self.calls, call)))
            )
        return out

    def _argument(
        self, expr: Expr, each: tuple[Any, Any] | None, idx: Any
    ) -> Callable[[], tuple[Any, tuple[Location, ...]]]:
        return lambda: self.eval_with_via(expr, each, idx)

    # --- references ------------------------------------------------------
    def references(self) -> Iterator[Reference]:
        for hf, b in self.mdir.blocks("resource"):
            if len(b.labels) == 2:
                yield from self._block_refs(hf, b, "terraform", f"{b.labels[0]}.{b.labels[1]}")
        for hf, b in self.mdir.blocks("data"):
            if len(b.labels) == 2:
                yield from self._block_refs(hf, b, "terraform_data", f"data.{b.labels[0]}.{b.labels[1]}")
        for hf, b in self.mdir.blocks("module"):
            yield from self._foreign_module_refs(hf, b)
        self._settle_inputs()
        for _, children in sorted(self.children().items()):
            for _, child in children:
                yield from child.references()

    def _settle_inputs(self) -> None:
        """Evaluate the module calls' arguments in the order they are
        written, each once: modules chained through their outputs
        (`module.b` takes `module.a.out`, `module.c` takes `module.b.out`,
        ...) then each reuse the previous value instead of nesting one
        evaluation per module, which would reach the depth limit after a
        few dozen modules."""
        for _, b in self.mdir.blocks("module"):
            for _, child in self.child_instances(b.labels[0]) if b.labels else ():
                for inp in child.inputs.values():
                    inp.settle()

    def _block_refs(self, hf: HclFile, block: Block, framework: str, address: str) -> Iterator[Reference]:
        specs = specs_for(framework, block.labels[0])
        if not specs:
            # Once per block, and only when it has instances (`count = 0`
            # deploys nothing that could hold a model).
            if not_examined(framework, block.labels[0]) and self.expansions(hf, block):
                yield self._not_examined(hf, block, f"{self.prefix}{address}")
            return
        for suffix, each, idx in self.expansions(hf, block):
            for spec in specs:
                yield from self._spec_refs(hf, block, spec, f"{self.prefix}{address}{suffix}", each, idx)

    def _not_examined(self, hf: HclFile, block: Block, address: str) -> Reference:
        """An unresolved reference for a Bedrock-looking type outside the
        catalog: every report lists it with its reason, so a model in a type
        released after this catalog is never passed in silence."""
        rtype = block.labels[0]
        builder = ReferenceBuilder(
            address, rtype, SourceFramework.TERRAFORM, display_path(hf.path), block.line, block.end_line
        )
        note = not_examined_note("terraform_data" if block.type == "data" else "terraform", rtype)
        return builder.build(Found(Usage.OTHER, rtype, "*", (block.line, 0), False, note=note), None)

    def _spec_refs(
        self, hf: HclFile, block: Block, spec: AttributeSpec, address: str, each: tuple[Any, Any] | None, idx: Any
    ) -> Iterator[Reference]:
        def expand(d: Block, names: Names) -> list[tuple[Block, Names]]:
            return self.dynamic(d, names, each, idx, display_path(hf.path))

        for attr_path, attr, nested, rest, names in _find(block, spec.path, expand=expand):
            if attr is None:
                # The path ends at nested blocks (IAM statements): give them as data.
                reads: set[str] = set()
                value: Any = [_block_value(self, b, each, idx, n, reads) for b, n in zip(nested, names, strict=True)]
                via: tuple[Location, ...] = self.via_of(reads)
                line, col = (nested[0].line, 0) if nested else (block.line, 0)
                expr_text = ""
            else:
                expr = attr.expr
                if spec.mode != "model" and isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
                    expr = expr.args[0]  # keep known parts even where others are unknown
                value, via = self.eval_with_via(expr, each, idx, names, reading=spec.mode != "model")
                line, col, expr_text = attr.expr.line, attr.expr.column, attr.expr.text
                if self.scan.budget.problem and self.scan.budget_where is None:
                    self.scan.budget_where = Location(display_path(hf.path), line, col)
            if not rest:
                yield from self._emit(
                    hf,
                    block,
                    spec,
                    address,
                    attr_path,
                    value,
                    via,
                    line,
                    col,
                    expr_text,
                    attr,
                    (each, idx),
                    nested,
                    names,
                )
                continue
            assert attr is not None
            for sub, leaf in _walk_value(value, rest):
                # The definition trail starts at `expr[0].model_id`, so a model
                # in a variable's default or a module argument is found there.
                at = Attribute(attr.name, _path_expr(attr.expr, sub), line, col)
                yield from self._emit(
                    hf,
                    block,
                    spec,
                    address,
                    attr_path + sub,
                    leaf,
                    via,
                    line,
                    col,
                    expr_text,
                    at,
                    (each, idx),
                    nested,
                    names,
                )

    def _emit(
        self,
        hf: HclFile,
        block: Block,
        spec: AttributeSpec,
        address: str,
        attr_path: str,
        value: Any,
        via: tuple[Location, ...],
        line: int,
        col: int,
        expr_text: str,
        attr: Attribute | None,
        instance: tuple[tuple[Any, Any] | None, Any] = (None, None),
        nested: list[Block] | None = None,
        names: Any = None,
    ) -> Iterator[Reference]:
        shown = display_path(hf.path)
        for_each = block.attributes().get("for_each")

        def definition(raw: str, sub: str) -> Definition | None:
            scope_names = names
            if attr is None:
                expr = _nested_expr(nested or [], sub)
                first = re.match(r"\[(\d+)\]", sub)
                scope_names = names[int(first.group(1))] if first and isinstance(names, list) else None
            else:
                expr = attr.expr if spec.mode == "model" else _entry_expr(attr.expr, sub)
            if expr is None:
                return None
            dyn = scope_names.get(READS) if isinstance(scope_names, dict) else None
            iterators = dyn.iterators if isinstance(dyn, Dynamic) else ()
            origin = Origin(expr, shown, "attribute", self, iterators)
            return definition_of(origin, raw, *instance, for_each.expr if for_each else None)

        builder = ReferenceBuilder(
            address, block.labels[0], SourceFramework.TERRAFORM, shown, block.line, block.end_line, via=self._via(via)
        )

        def ref(
            raw: str,
            resolved: bool = True,
            conditional: bool = False,
            sub: str = "",
            at: tuple[int, int] | None = None,
            note: str | None = None,
        ) -> Reference:
            expression = expr_text if expr_text and expr_text != raw else None
            found = Found(spec.usage, raw, attr_path + sub, at or (line, col), resolved, conditional, expression, note)
            return builder.build(found, definition(raw, sub) if resolved else None)

        def chained(stands: Stands, conditional: bool) -> Iterator[Reference]:
            """The models a resource output stands for, judged as if written
            here; `via` gains the lines they were read from, `note` the
            resources gone through, the definition is the literal there."""
            for link in links(stands, conditional):
                items = link.value if isinstance(link.value, list) else [link.value]
                for i, item in enumerate(items):
                    sub = f"[{i}]" if isinstance(link.value, list) else ""
                    if isinstance(item, Unknown) and item.partial is not None:
                        item = item.partial if parse_model_reference(item.partial).resolvable else item
                    if isinstance(item, str):
                        found = Found(
                            spec.usage, item, attr_path + sub, (line, col), True, link.conditional, expr_text, link.note
                        )
                        origin, o_each, o_idx = link.origin if link.origin else (None, None, None)
                        at = definition_of(origin, item, o_each, o_idx) if origin is not None else None
                        r = builder.build(found, at)
                        yield replace(r, via=(*r.via, *link.where))
                    elif not isinstance(item, (list, dict)):
                        why = item.reason if isinstance(item, Unknown) and item.reason else "not known before apply"
                        yield ref(
                            expr_text or stands.text,
                            resolved=False,
                            conditional=link.conditional,
                            note=f"{link.note}, whose model is not known statically: {why}",
                        )

        if spec.mode == "model":
            # A branch of an undecided condition says which condition chose it.
            chosen = value.reason if isinstance(value, Unknown) and value.alternatives else None
            for v, conditional in candidates(value):
                if isinstance(v, Stands):
                    yield from chained(v, conditional)
                elif isinstance(v, str):
                    yield ref(v, conditional=conditional, note=chosen)
                elif isinstance(v, list):
                    for i, item in enumerate(v):
                        if isinstance(item, str):
                            yield ref(item, conditional=conditional, sub=f"[{i}]", note=chosen)
                elif isinstance(v, Unknown):
                    if v.partial is not None and parse_model_reference(v.partial).resolvable:
                        yield ref(
                            v.partial, conditional=conditional, note=join_notes(chosen, partly_known_note(v.partial))
                        )
                    else:
                        yield ref(
                            expr_text or v.text,
                            resolved=False,
                            conditional=conditional,
                            note=v.reason or "value is not known before apply",
                        )
            return

        def locate(sub: str) -> tuple[int, int]:
            return (line, col)

        value, chained_links = through_chains(value)
        for found in in_document(spec, attr_path, value, locate, expression=expr_text):
            # The line of the value itself (an IAM resource ARN, not its
            # Statement; an environment variable, not the map).
            sub = found.attribute[len(attr_path) :]
            if attr is not None:
                found = replace(found, at=_position(attr.expr, sub, found.raw))
            else:
                found = replace(found, at=_nested_position(nested or [], sub, found.raw) or (line, col))
            link = chained_links.get(found.raw)
            if link is None:
                yield builder.build(found, definition(found.raw, sub))
                continue
            # A resource output inside the document (an environment variable
            # set to a profile's ARN): judged by its model, with the trail.
            origin, o_each, o_idx = link.origin if link.origin else (None, None, None)
            at = definition_of(origin, found.raw, o_each, o_idx) if origin is not None else None
            r = builder.build(replace(found, note=join_notes(found.note, link.note)), at)
            yield replace(r, via=(*r.via, *link.where))

    def _foreign_module_refs(self, hf: HclFile, b: Block) -> Iterator[Reference]:
        """Arguments passed to registry or git modules: their code is not here,
        so a model id handed to them is reported as it is passed, also inside
        objects, lists and maps of objects (`variants = [{ model_id = ... }]`),
        at the line of the item that holds it."""
        attrs = b.attributes()
        src = Evaluator(self.scope()).eval(attrs["source"].expr) if "source" in attrs else None
        if not b.labels or (isinstance(src, str) and src.startswith(("./", "../"))):
            return
        shown = display_path(hf.path)
        for suffix, each, idx in self.expansions(hf, b):
            for aname, a in attrs.items():
                if aname in META_ARGUMENTS:
                    continue
                value, via = self.eval_with_via(a.expr, each, idx)
                for v, conditional in candidates(value):
                    for sub, item in _strings_in(v):
                        if not looks_like_model_reference(item):
                            continue
                        builder = ReferenceBuilder(
                            f"{self.prefix}module.{b.labels[0]}{suffix}",
                            "module",
                            SourceFramework.TERRAFORM,
                            shown,
                            b.line,
                            b.end_line,
                            via=self._via(via),
                        )
                        at_expr = _entry_expr(a.expr, sub) if sub else a.expr
                        expression = a.expr.text if not sub and a.expr.text != item else None
                        note = f"passed to module source {src}"
                        at = (at_expr.line, at_expr.column) if at_expr is not None else (a.expr.line, a.expr.column)
                        origin = Origin(at_expr or a.expr, shown, "attribute", self)
                        found = Found(Usage.OTHER, item, aname + sub, at, True, conditional, expression, note)
                        yield builder.build(found, definition_of(origin, item, each, idx) if at_expr else None)

    def _via(self, via: tuple[Location, ...]) -> tuple[Location, ...]:
        """`via` naming the root module: the module calls that reached this
        instance are added where no argument of theirs is already listed (a
        value written in the module itself, or a default), so each example
        root calling one shared module gets its own, distinct reference."""
        if not self.calls:
            return via
        named = {v.file for v in via}
        missing = tuple(c for c in self.calls if c.file not in named)
        return (*missing, *via) if missing else via


def _strings_in(value: Any, path: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """(sub-path, string) for each string inside a module argument's value,
    in document order; bounded by the evaluator's own value limits."""
    if isinstance(value, str):
        yield path, value
    elif depth < 32 and isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings_in(item, f"{path}[{i}]", depth + 1)
    elif depth < 32 and isinstance(value, dict):
        for k, item in value.items():
            yield from _strings_in(item, f"{path}.{k}" if _plain_key(k) else f'{path}["{k}"]', depth + 1)


def _plain_key(key: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) is not None


def _nested_expr(blocks: list[Block], sub: str) -> Expr | None:
    """The expression a sub-path names inside nested blocks
    (`[0].resources[1]` in the `statement` blocks of a policy document)."""
    parts = re.findall(r"[^.\[\]]+", sub)
    node: list[Block] | Block = blocks
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            node = node[int(part)]
        elif part in node.attributes():
            rest = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[i + 1 :])
            return _entry_expr(node.attributes()[part].expr, rest) if rest else node.attributes()[part].expr
        else:
            node = node.blocks(part)
    return None


def _entry_expr(expr: Expr, sub: str) -> Expr | None:
    """The expression of the object key a sub-path starts with (an
    environment variable's value), where its definition trail begins."""
    node, whole = _walk_entries(expr, sub)
    return node if whole else None


def _walk_entries(expr: Expr, sub: str) -> tuple[Expr, bool]:
    """The deepest expression a sub-path reaches through object and tuple
    literals (and `jsonencode`), and whether it reached the end."""
    for part in re.findall(r"[^.\[\]]+", sub):
        if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
            expr = expr.args[0]
        if isinstance(expr, ObjectExpr):
            found = [v for k, v in expr.items if getattr(k, "value", getattr(k, "name", None)) == part]
            if len(found) != 1:
                return expr, False
            expr = found[0]
        elif isinstance(expr, TupleExpr) and part.isdigit() and int(part) < len(expr.items):
            expr = expr.items[int(part)]
        else:
            return expr, False
    return expr, True


def _suffix(index: tuple[Any, ...]) -> str:
    """The address suffix an index names: `["k"]`, `[0]`, or none."""
    if not index:
        return ""
    key = index[0]
    return f"[{_quoted(key)}]" if isinstance(key, str) else f"[{key}]"


def _quoted(key: str) -> str:
    """An instance key as Terraform writes it in an address."""
    return '"' + key.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _parse_cli_value(raw: str, budget: Budget) -> Any:
    """`-var NAME=VALUE` for a variable whose type is not string: VALUE is
    HCL (`["a","b"]`, `{k="v"}`, `2`), as Terraform reads it."""
    try:
        item = parse_hcl(f"x = {raw}\n", "--var").body[0]
    except (HclSyntaxError, IndexError, RecursionError):
        return Unknown(raw, reason="the --var value is not valid HCL")
    if not isinstance(item, Attribute):
        return Unknown(raw, reason="the --var value is not valid HCL")
    return Evaluator(empty_scope(budget)).eval(item.expr)


def _position(expr: Expr, sub: str, raw: str) -> tuple[int, int]:
    """(line, column) of the deepest expression a sub-path reaches inside an
    attribute's expression (`Statement[0].Resource[1]` of a `jsonencode`
    policy: the ARN's own line), and inside a multi-line string (a heredoc
    policy) the line where the value's known text is written."""
    node, whole = _walk_entries(expr, sub)
    if not whole:
        node = _likeliest_string(node, raw) or node
    return _text_position(node, raw) or (node.line, node.column)


def _likeliest_string(node: Expr, raw: str) -> Expr | None:
    """Inside an expression the sub-path cannot be followed through
    (`distinct(concat(...))`), the one string literal or template whose text
    begins most like the value (its known text up to the first hole the
    source fills): where the ARN is written.  None when no string is a clear
    best."""
    best: list[Expr] = []
    longest = 11  # shorter common beginnings (`arn:aws:bed`) say nothing
    for s in _string_nodes(node, 0):
        text = s.text.strip().lstrip('"')
        n = next((i for i, (a, b) in enumerate(zip(text, raw, strict=False)) if a != b), min(len(text), len(raw)))
        if n > longest:
            best, longest = [s], n
        elif n == longest and best:
            best.append(s)
    return best[0] if len(best) == 1 else None


def _string_nodes(node: Any, depth: int) -> Iterator[Expr]:
    if depth > 64:
        return
    if isinstance(node, (Lit, Template)):
        yield node
        return
    if isinstance(node, tuple):
        for item in node:
            yield from _string_nodes(item, depth + 1)
    elif isinstance(node, Expr):
        for f in fields(node):
            value = getattr(node, f.name)
            if isinstance(value, (Expr, tuple)):
                yield from _string_nodes(value, depth + 1)


def _text_position(node: Expr, raw: str) -> tuple[int, int] | None:
    """Where `raw` (its text after the last hole) is written inside a
    multi-line string literal or template; None when it is not there once."""
    text = node.text
    if "\n" not in text:
        return None
    needle = raw.rsplit("}", 1)[-1] if "${" in raw else raw
    if len(needle) < 8 or text.count(needle) != 1:
        return None
    at = text.index(needle)
    line_start = text.rfind("\n", 0, at) + 1
    quote = text.rfind('"', line_start, at)
    at = quote + 1 if quote >= 0 else at  # the start of the JSON string that holds it
    before = text[:at]
    newlines = before.count("\n")
    if not newlines:
        return node.line, node.column + at
    return node.line + newlines, at - before.rindex("\n")


def _nested_position(blocks: list[Block], sub: str, raw: str) -> tuple[int, int] | None:
    """(line, column) of a sub-path inside nested blocks (`[0].resources[1]`
    of a policy document's statements): the resource's own line."""
    parts = re.findall(r"[^.\[\]]+", sub)
    node: list[Block] | Block = blocks
    where: tuple[int, int] | None = None
    for i, part in enumerate(parts):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return where
            node = node[int(part)]
            where = (node.line, 0)
        elif part in node.attributes():
            rest = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in parts[i + 1 :])
            return _position(node.attributes()[part].expr, rest, raw)
        else:
            node = node.blocks(part)
    return where


#: Where Names keep what the `dynamic` blocks around an expression read (a
#: `Dynamic`): a key no HCL name can spell.
READS = ""


@dataclass(frozen=True)
class Dynamic:
    """The variables the collections of the enclosing `dynamic` blocks
    read (they belong to `via`), and (iterator, for_each, key) of each, for
    the definition trail."""

    reads: frozenset[str] = frozenset()
    iterators: tuple[tuple[str, Expr, Any], ...] = ()


#: Iterator names of `dynamic` blocks (`variant.value`) for the content's expressions.
Names = dict[str, Any]
#: Expands one `dynamic` block: its content block once per element, with the iterator.
Expand = Callable[[Block, Names], list[tuple[Block, Names]]]


def _find(
    block: Block, path: tuple[str, ...], prefix: str = "", expand: Expand | None = None, names: Names | None = None
) -> Iterator[tuple[str, Attribute | None, list[Block], tuple[str, ...], Any]]:
    """Walk a catalog path through nested blocks (`dynamic` ones expanded in
    place, as Terraform does) and object attributes.  Yields (attribute
    path, attribute, [], rest, iterator names) where the path reaches an
    attribute (`rest`: what is left of the path to walk in its evaluated
    value), or (path, None, blocks, (), names of each block) where it ends
    at nested blocks."""
    names = names or {}
    head, rest = path[0], path[1:]
    attrs = block.attributes()
    if head in attrs:
        for found in _descend(attrs[head].name, attrs[head].expr, rest, f"{prefix}{head}"):
            yield (*found, names)
        return
    nested: list[tuple[Block, Names]] = []
    for b in block.blocks():
        if b.type == head:
            nested.append((b, names))
        elif b.type == "dynamic" and b.labels[:1] == (head,) and expand is not None:
            nested.extend(expand(b, names))
    if not nested:
        return
    if not rest:
        yield f"{prefix}{head}", None, [b for b, _ in nested], (), [n for _, n in nested]
        return
    for i, (nb, nb_names) in enumerate(nested):
        yield from _find(nb, rest, f"{prefix}{head}[{i}].", expand, nb_names)


def _descend(
    name: str, expr: Expr, rest: tuple[str, ...], path: str
) -> Iterator[tuple[str, Attribute | None, list[Block], tuple[str, ...]]]:
    """The rest of a catalog path inside an attribute's expression.  Providers
    built on object attributes (awscc writes `attr = { ... }` and
    `attr = [{ ... }, ...]`, never blocks) are walked through their literal
    objects and tuples here, so each model keeps the line it is written on;
    where the path meets anything else (a variable, a conditional, a `for`),
    that expression is yielded with the rest of the path, for the evaluator:
    a model passed in `variants = var.variants` is as deployed as a literal."""
    for i, step in enumerate(rest):
        if isinstance(expr, TupleExpr):
            for j, item in enumerate(expr.items):
                yield from _descend(name, item, rest[i:], f"{path}[{j}]")
            return
        if not isinstance(expr, ObjectExpr):
            yield path, Attribute(name, expr, expr.line, expr.column), [], rest[i:]
            return
        found = [v for k, v in expr.items if getattr(k, "value", getattr(k, "name", None)) == step]
        if not found:
            return
        expr = found[-1]
        path = f"{path}.{step}"
    yield path, Attribute(name, expr, expr.line, expr.column), [], ()


def _path_expr(expr: Expr, sub: str) -> Expr:
    """`expr` followed by the steps of `sub` (`[0].model_id`), as Terraform
    would write the lookup.  An element of a `for` over a list that only
    renames its items (`[for m in L : { model_arn = m }][0].model_arn`, or
    `[for m in L : m][0]`) is that element of the list (`L[0]`), so its
    definition is the literal written there; `definition_of` still checks
    the literal spells the model, so a set's or a map's other order gives no
    definition rather than a wrong one."""
    parts = re.findall(r"[^.\[\]]+", sub)
    i = 0
    while i < len(parts):
        part = parts[i]
        step = _for_element(expr, part, parts[i + 1] if i + 1 < len(parts) else None)
        if step is not None:
            expr, used = step
            i += used
            continue
        if part.isdigit():
            key = Lit(expr.line, expr.column, part, int(part))
            expr = Index(expr.line, expr.column, f"{expr.text}[{part}]", expr, key)
        else:
            expr = GetAttr(expr.line, expr.column, f"{expr.text}.{part}", expr, part)
        i += 1
    return expr


def _for_element(expr: Expr, part: str, nxt: str | None) -> tuple[Expr, int] | None:
    """(collection[part], steps used) where `expr` is a plain `for` whose
    element `part` (then key `nxt`) is just the loop's value variable."""
    if not isinstance(expr, ForExpr) or not part.isdigit() or expr.cond is not None or expr.is_object:
        return None
    coll = expr.collection
    element = Index(coll.line, coll.column, f"{coll.text}[{part}]", coll, Lit(coll.line, coll.column, part, int(part)))
    body = expr.value_expr
    if isinstance(body, Name) and body.name == expr.value_var:
        return element, 1
    if isinstance(body, ObjectExpr) and nxt is not None:
        found = [v for k, v in body.items if getattr(k, "value", getattr(k, "name", None)) == nxt]
        if len(found) == 1 and isinstance(found[0], Name) and found[0].name == expr.value_var:
            return element, 2
    return None


def _walk_value(
    value: Any, rest: tuple[str, ...], prefix: str = "", conditional: bool = False
) -> Iterator[tuple[str, Any]]:
    """(sub-path, value) at `rest` inside an evaluated object: every element of
    a list, every alternative of a condition not known statically (each
    marked conditional, as an `Unknown` of that one alternative), and, where
    the walk meets a value not known statically, that value with the whole
    remaining path: the model may be inside it, so it is reported unresolved
    with its reason rather than dropped."""
    for v, cond in candidates(value):
        cond = cond or conditional
        if v is None:
            continue
        if isinstance(v, Unknown):
            yield prefix + "".join(f".{p}" for p in rest), v
        elif isinstance(v, list):
            for i, item in enumerate(v):
                yield from _walk_value(item, rest, f"{prefix}[{i}]", cond)
        elif not rest:
            yield prefix, Unknown(str(v), alternatives=(v,)) if cond else v
        elif isinstance(v, dict) and rest[0] in v:
            yield from _walk_value(v[rest[0]], rest[1:], f"{prefix}.{rest[0]}", cond)


def _block_value(
    inst: Instance,
    b: Block,
    each: tuple[Any, Any] | None,
    idx: Any,
    names: Names | None = None,
    reads: set[str] | None = None,
) -> dict[str, Any]:
    """A nested block's values, read as a document (`Scope.reading`); the
    inputs they read are added to `reads`, for the reference's via."""
    names = names or {}
    out: dict[str, Any] = {}
    for item in b.body:
        if isinstance(item, Attribute):
            scope = inst.scope(each, idx, reading=True).child(**names)
            out[item.name] = Evaluator(scope).eval(item.expr)
            if reads is not None:
                reads.update(scope.vars_read)
        elif item.type == "dynamic" and item.labels:
            for content, inner in inst.dynamic(item, names, each, idx):
                out.setdefault(item.labels[0], []).append(_block_value(inst, content, each, idx, inner, reads))
        else:
            out.setdefault(item.type, []).append(_block_value(inst, item, each, idx, names, reads))
    return out


def provider_region(root: Instance, provider: str = "aws") -> str | None:
    """The default `aws` (or `awscc`) provider's region, when it is known
    statically: the lifecycle can differ by region, and a bare model id is
    called there."""
    for _, b in root.mdir.blocks("provider"):
        attrs = b.attributes()
        if b.labels[:1] == (provider,) and "alias" not in attrs and "region" in attrs:
            value = Evaluator(root.scope()).eval(attrs["region"].expr)
            return value if isinstance(value, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", value) else None
    return None
