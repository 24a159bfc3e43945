"""One instance of a module: name resolution (variables, locals, data
sources, module outputs), count/for_each expansion, local module calls, and
the references its blocks give."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Any

from checker.catalog import AttributeSpec, not_examined, not_examined_note, specs_for
from checker.catalog.extract import in_document
from checker.catalog.records import Found, ReferenceBuilder
from checker.catalog.special import DATA_LOOKUPS
from checker.discovery.walk import display_path
from checker.model import Definition, Location, Reference, ScanError, SourceFramework, Usage
from checker.modelid import looks_like_model_reference, parse_model_reference
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
    TupleExpr,
    parse_hcl,
)
from checker.sources.terraform.inputs import Input
from checker.sources.terraform.module_dir import ModuleDir
from checker.sources.terraform.origin import Origin, definition_of
from checker.sources.terraform.unit_scan import UnitScan
from checker.sources.values import Unknown, candidates

#: Most instances one count/for_each may expand to; beyond that the value is
#: treated as unknown rather than exploding the scan.
MAX_INSTANCES = 1000
MAX_MODULE_DEPTH = 32
#: Most references one unit may give: `count` and `for_each` on nested module


class Instance:
    """One instance of a module: its inputs, its locals, its references."""

    def __init__(
        self, scan: UnitScan, mdir: ModuleDir, prefix: str, inputs: dict[str, Input], chain: tuple[str, ...]
    ) -> None:
        self.scan = scan
        self.mdir = mdir
        self.prefix = prefix
        self.inputs = inputs
        self.chain = chain
        self._locals: dict[str, tuple[Any, frozenset[str]]] = {}
        self._evaluating: set[str] = set()
        self._children: dict[str, list[tuple[str, Instance]]] = {}

    # --- name resolution -------------------------------------------------
    def scope(self, each: tuple[Any, Any] | None = None, count_index: Any = None) -> Scope:
        scope = Scope(
            self.variable,
            lambda n: Unknown(f"local.{n}"),
            self.data,
            self.module_output,
            each,
            count_index,
            extra={"path": self.scan.paths(self.mdir.path)},
            budget=self.scan.budget,
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

    def data(self, dtype: str, dname: str, attr: str) -> Any:
        """An attribute of a data source that names a model (the
        `data_source_lookup` special case): the model its block asks for."""
        lookup = DATA_LOOKUPS.get(dtype)
        for _, b in self.mdir.blocks("data", dtype):
            if b.labels[:2] != (dtype, dname):
                continue
            attrs = b.attributes()
            if lookup is not None and lookup[0] in attrs:
                named = Evaluator(self.scope()).eval(attrs[lookup[0]].expr)
                if not isinstance(named, str):
                    return Unknown(f"data.{dtype}.{dname}.{attr}")
                form = lookup[1].get(attr)
                if form is not None:
                    return form.format(named)
        return Unknown(f"data.{dtype}.{dname}.{attr}")

    def module_output(self, mname: str, output: str) -> Any:
        children = self.children().get(mname, [])
        if len(children) != 1:
            return Unknown(f"module.{mname}.{output}")
        child = children[0][1]
        for _, b in child.mdir.blocks("output", output):
            if "value" in b.attributes():
                return Evaluator(child.scope()).eval(b.attributes()["value"].expr)
        return Unknown(f"module.{mname}.{output}")

    def eval_with_via(
        self, expr: Expr, each: tuple[Any, Any] | None = None, count_index: Any = None
    ) -> tuple[Any, tuple[Location, ...]]:
        scope = self.scope(each, count_index)
        value = Evaluator(scope).eval(expr)
        via: list[Location] = []
        for name in sorted(scope.vars_read):
            inp = self.inputs.get(name)
            if inp is None:
                continue
            for loc in (*inp.via, inp.location):
                if loc is not None and loc not in via:
                    via.append(loc)
        return value, tuple(via)

    # --- expansion -------------------------------------------------------
    def expansions(self, block: Block) -> list[tuple[str, tuple[Any, Any] | None, Any]]:
        """(address suffix, each, count.index) for each instance of a block."""
        attrs = block.attributes()
        try:
            if "count" in attrs:
                n = count_of(self._meta_argument(attrs["count"].expr))
                if isinstance(n, int) and n <= MAX_INSTANCES:
                    return [(f"[{i}]", None, i) for i in range(n)]
                why = n.reason if isinstance(n, Unknown) else f"count is over {MAX_INSTANCES}"
                return [("", None, Unknown("count.index", reason=why))]
            if "for_each" in attrs:
                pairs = for_each_of(self._meta_argument(attrs["for_each"].expr))
                if isinstance(pairs, list) and len(pairs) <= MAX_INSTANCES:
                    return [(f"[{_quoted(k)}]", (k, v), None) for k, v in pairs]
                why = pairs.reason if isinstance(pairs, Unknown) else f"for_each is over {MAX_INSTANCES}"
                return [("", (Unknown("each.key", reason=why), Unknown("each.value", reason=why)), None)]
        except EvalError as exc:
            where = attrs["count" if "count" in attrs else "for_each"]
            self.scan.result.errors.append(
                ScanError(display_path(self.mdir.path), f"Terraform rejects this {where.name}: {exc}", where.line)
            )
            why = f"Terraform rejects the {where.name}: {exc}"
            return [
                (
                    "",
                    (Unknown("each.key", reason=why), Unknown("each.value", reason=why)),
                    Unknown("count.index", reason=why),
                )
            ]
        return [("", None, None)]

    def _meta_argument(self, expr: Expr) -> Any:
        """`count` or `for_each`: what Terraform rejects raises EvalError,
        so it is reported as an error, not only as an unknown value."""
        try:
            return Evaluator(self.scope()).ev(expr)
        except NotEvaluatedError as exc:
            return Unknown(expr.text, reason=f"not evaluated by this scanner: {exc}")

    def children(self) -> dict[str, list[tuple[str, Instance]]]:
        if self._children or not any(True for _ in self.mdir.blocks("module")):
            return self._children
        for hf, b in self.mdir.blocks("module"):
            if not b.labels:
                continue
            name = b.labels[0]
            attrs = b.attributes()
            src = Evaluator(self.scope()).eval(attrs["source"].expr) if "source" in attrs else None
            if not isinstance(src, str) or not src.startswith(("./", "../")):
                continue
            shown = display_path(hf.path)
            target = os.path.normpath(os.path.join(os.path.dirname(hf.path), src))
            if not self.scan.inside_roots(target):
                self.scan.result.errors.append(
                    ScanError(
                        shown, f'module "{name}" source {src!r} resolves outside the scanned tree; not read', b.line
                    )
                )
                continue
            if not os.path.isdir(target):
                self.scan.result.errors.append(
                    ScanError(shown, f'module "{name}" source {src!r} is not a directory', b.line)
                )
                continue
            if target in self.chain or len(self.chain) > MAX_MODULE_DEPTH:
                self.scan.result.errors.append(
                    ScanError(
                        shown, f'module "{name}" source {src!r} calls itself (module cycle); not followed', b.line
                    )
                )
                continue
            child_dir = self.scan.load_dir(target)
            out = []
            for suffix, each, idx in self.expansions(b):
                self.scan.instances += 1
                if self.scan.instances > MAX_INSTANCES * 10:
                    break
                inputs = {}
                for aname, a in attrs.items():
                    if aname in ("source", "version", "count", "for_each", "providers", "depends_on"):
                        continue
                    value, via = self.eval_with_via(a.expr, each, idx)
                    origin = Origin(a.expr, shown, "module input", self)
                    inputs[aname] = Input(value, Location(shown, a.line, a.column), via, origin)
                prefix = f"{self.prefix}module.{name}{suffix}."
                out.append((suffix, Instance(self.scan, child_dir, prefix, inputs, (*self.chain, target))))
            self._children.setdefault(name, []).extend(out)
        return self._children

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
        for _, children in sorted(self.children().items()):
            for _, child in children:
                yield from child.references()

    def _block_refs(self, hf: HclFile, block: Block, framework: str, address: str) -> Iterator[Reference]:
        specs = specs_for(framework, block.labels[0])
        if not specs:
            # Once per block, and only when it has instances (`count = 0`
            # deploys nothing that could hold a model).
            if not_examined(framework, block.labels[0]) and self.expansions(block):
                yield self._not_examined(hf, block, f"{self.prefix}{address}")
            return
        for suffix, each, idx in self.expansions(block):
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
        for attr_path, attr, nested, rest in _find(block, spec.path):
            if attr is None:
                # The path ends at nested blocks (IAM statements): give them as data.
                value: Any = [_block_value(self, b, each, idx) for b in nested]
                via: tuple[Location, ...] = ()
                line, col = (nested[0].line, 0) if nested else (block.line, 0)
                expr_text = ""
            else:
                expr = attr.expr
                if spec.mode != "model" and isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
                    expr = expr.args[0]  # keep known parts even where others are unknown
                value, via = self.eval_with_via(expr, each, idx)
                line, col, expr_text = attr.expr.line, attr.expr.column, attr.expr.text
                if self.scan.budget.problem and self.scan.budget_where is None:
                    self.scan.budget_where = Location(display_path(hf.path), line, col)
            if not rest:
                yield from self._emit(
                    hf, block, spec, address, attr_path, value, via, line, col, expr_text, attr, (each, idx), nested
                )
                continue
            assert attr is not None
            for sub, leaf in _walk_value(value, rest):
                # The definition trail starts at `expr[0].model_id`, so a model
                # in a variable's default or a module argument is found there.
                at = Attribute(attr.name, _path_expr(attr.expr, sub), line, col)
                yield from self._emit(
                    hf, block, spec, address, attr_path + sub, leaf, via, line, col, expr_text, at, (each, idx), nested
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
    ) -> Iterator[Reference]:
        shown = display_path(hf.path)
        for_each = block.attributes().get("for_each")

        def definition(raw: str, sub: str) -> Definition | None:
            if attr is None:
                expr = _nested_expr(nested or [], sub)
            else:
                expr = attr.expr if spec.mode == "model" else _entry_expr(attr.expr, sub)
            if expr is None:
                return None
            origin = Origin(expr, shown, "attribute", self)
            return definition_of(origin, raw, *instance, for_each.expr if for_each else None)

        builder = ReferenceBuilder(
            address, block.labels[0], SourceFramework.TERRAFORM, shown, block.line, block.end_line, via=via
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

        if spec.mode == "model":
            for v, conditional in candidates(value):
                if isinstance(v, str):
                    yield ref(v, conditional=conditional)
                elif isinstance(v, list):
                    for i, item in enumerate(v):
                        if isinstance(item, str):
                            yield ref(item, conditional=conditional, sub=f"[{i}]")
                elif isinstance(v, Unknown):
                    if v.partial is not None and parse_model_reference(v.partial).resolvable:
                        yield ref(v.partial, conditional=conditional)
                    else:
                        yield ref(
                            expr_text or v.text,
                            resolved=False,
                            conditional=conditional,
                            note=v.reason or "value is not known before apply",
                        )
            return
        entry_lines = _entry_lines(attr.expr) if attr is not None else {}

        def locate(sub: str) -> tuple[int, int]:
            return entry_lines.get(sub.split(".")[0].split("[")[0]) or (line, col)

        for found in in_document(spec, attr_path, value, locate, expression=expr_text):
            definition_at = definition(found.raw, found.attribute[len(attr_path) :])
            yield builder.build(found, definition_at)

    def _foreign_module_refs(self, hf: HclFile, b: Block) -> Iterator[Reference]:
        """Arguments passed to registry or git modules: their code is not here,
        so a model id handed to them is reported as it is passed."""
        attrs = b.attributes()
        src = Evaluator(self.scope()).eval(attrs["source"].expr) if "source" in attrs else None
        if not b.labels or (isinstance(src, str) and src.startswith(("./", "../"))):
            return
        for suffix, each, idx in self.expansions(b):
            for aname, a in attrs.items():
                if aname in ("source", "version", "count", "for_each", "providers", "depends_on"):
                    continue
                value, via = self.eval_with_via(a.expr, each, idx)
                for v, conditional in candidates(value):
                    if isinstance(v, str) and looks_like_model_reference(v):
                        builder = ReferenceBuilder(
                            f"{self.prefix}module.{b.labels[0]}{suffix}",
                            "module",
                            SourceFramework.TERRAFORM,
                            display_path(hf.path),
                            b.line,
                            b.end_line,
                            via=via,
                        )
                        expression = a.expr.text if a.expr.text != v else None
                        note = f"passed to module source {src}"
                        at = (a.expr.line, a.expr.column)
                        origin = Origin(a.expr, display_path(hf.path), "attribute", self)
                        found = Found(Usage.OTHER, v, aname, at, True, conditional, expression, note)
                        yield builder.build(found, definition_of(origin, v))


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
    for part in re.findall(r"[^.\[\]]+", sub):
        if isinstance(expr, Call) and expr.name == "jsonencode" and expr.args:
            expr = expr.args[0]
        if isinstance(expr, ObjectExpr):
            found = [v for k, v in expr.items if getattr(k, "value", getattr(k, "name", None)) == part]
            if len(found) != 1:
                return None
            expr = found[0]
        elif isinstance(expr, TupleExpr) and part.isdigit() and int(part) < len(expr.items):
            expr = expr.items[int(part)]
        else:
            return None
    return expr


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


def _entry_lines(expr: Expr) -> dict[str, tuple[int, int]]:
    """Line of each key of an object literal (environment variables)."""
    if isinstance(expr, Call) and expr.args:
        expr = expr.args[0]
    if not isinstance(expr, ObjectExpr):
        return {}
    out = {}
    for k, v in expr.items:
        key = getattr(k, "value", None)
        if isinstance(key, str):
            out[key] = (v.line, v.column)
    return out


def _find(
    block: Block, path: tuple[str, ...], prefix: str = ""
) -> Iterator[tuple[str, Attribute | None, list[Block], tuple[str, ...]]]:
    """Walk a catalog path through nested blocks and object attributes.
    Yields (attribute path, attribute, [], rest) where the path reaches an
    attribute (`rest`: what is left of the path to walk in its evaluated
    value), or (path, None, blocks, ()) where it ends at nested blocks."""
    head, rest = path[0], path[1:]
    attrs = block.attributes()
    if head in attrs:
        yield from _descend(attrs[head].name, attrs[head].expr, rest, f"{prefix}{head}")
        return
    nested = block.blocks(head)
    if not nested:
        return
    if not rest:
        yield f"{prefix}{head}", None, nested, ()
        return
    for i, nb in enumerate(nested):
        yield from _find(nb, rest, f"{prefix}{head}[{i}].")


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


def _block_value(inst: Instance, b: Block, each: tuple[Any, Any] | None, idx: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in b.body:
        if isinstance(item, Attribute):
            out[item.name] = Evaluator(inst.scope(each, idx)).eval(item.expr)
        else:
            out.setdefault(item.type, []).append(_block_value(inst, item, each, idx))
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
