"""Terraform HCL source: modules, variables, locals, tfvars, module inputs,
count and for_each, resolved the way Terraform would for what is known before
apply.

A *unit* is a root module together with the local modules it calls, so a
model passed down through `module "x" { model = var.model }` is resolved with
the root's tfvars and reported at the resource, with the calling lines in
`via`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from checker.catalog import AttributeSpec, resource_types, specs_for
from checker.model import Location, Reference, ScanError, SourceResult, Usage
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.sources import ScanOptions, Unit, display_path, inside
from checker.sources.indirect import extract
from checker.sources.prefilter import NOTHING, Probe
from checker.sources.terraform.blocks import Span, attribute_names, index_blocks, prune
from checker.sources.terraform.evaluate import Budget, Evaluator, Scope, is_known, to_str
from checker.sources.terraform.hclast import (
    Attribute,
    Block,
    Call,
    Expr,
    HclFile,
    HclSyntaxError,
    ObjectExpr,
    parse_hcl,
    parse_tf_json,
    parse_tfvars_json,
)
from checker.sources.values import Unknown
from checker.util.textio import FileReadError, read_text

#: Most instances one count/for_each may expand to; beyond that the value is
#: treated as unknown rather than exploding the scan.
MAX_INSTANCES = 1000
MAX_MODULE_DEPTH = 32
#: Most references one unit may give: `count` and `for_each` on nested module
#: calls multiply, and a hostile tree could ask for millions.
MAX_UNIT_REFERENCES = 20_000


def _tf_files(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [os.path.join(directory, n) for n in names if n.endswith((".tf", ".tf.json"))]


def plan_units(
    tf_dirs: dict[str, list[str]], options: ScanOptions, probes: Mapping[str, Probe] | None = None
) -> list[Unit]:
    """Group directories into root modules plus the local modules they call.

    A directory called by another scanned directory is scanned only through
    its caller (so its variables get the caller's values); a directory nobody
    calls is a root.  Directories only reachable through a cycle become roots.
    A unit matters when any of its files may hold a model, or when variables
    given on the command line may bring one in.
    """
    if probes is None:
        from checker.sources.prefilter import probe_files

        probes = probe_files([f for fs in tf_dirs.values() for f in fs], options.max_file_bytes)
    norm = {os.path.normpath(d): fs for d, fs in tf_dirs.items()}
    calls: dict[str, list[str]] = {}
    called: set[str] = set()
    for d, fs in norm.items():
        targets = []
        for f in fs:
            for src in probes.get(f, NOTHING).modules:
                t = os.path.normpath(os.path.join(d, src))
                if t in norm and t != d:
                    targets.append(t)
                    called.add(t)
        calls[d] = targets
    given = bool(options.tf_vars or options.tf_var_files)

    def unit(key: str, dirs: list[str]) -> Unit:
        files = tuple(f for x in dirs for f in sorted(norm[x]))
        return Unit("terraform", key, files, matters=given or any(probes.get(f, NOTHING).matters for f in files))

    roots = sorted(d for d in norm if d not in called)
    units: list[Unit] = []
    covered: set[str] = set()

    def closure(root: str) -> list[str]:
        seen, stack = [], [root]
        while stack:
            d = stack.pop()
            if d in seen:
                continue
            seen.append(d)
            stack.extend(calls.get(d, []))
        return seen

    for r in roots:
        dirs = closure(r)
        covered.update(dirs)
        units.append(unit(r, dirs))
    for d in sorted(norm):
        if d not in covered:
            dirs = closure(d)
            covered.update(dirs)
            units.append(unit(d, dirs))
    return units


@dataclass
class _Entry:
    """A top-level block of a module directory, parsed on first use."""

    file: HclFile
    type: str
    labels: tuple[str, ...]
    span: Span | None = None
    block: Block | None = None
    names: frozenset[str] = frozenset()


class ModuleDir:
    """The blocks of one module directory.

    Blocks are found by a text scan and each is parsed only when the scan
    needs it: the resources and data sources that can hold a model, module
    calls and providers always; a variable, local or output only when an
    expression reads it.  python-hcl2 is the slow part of a scan, and a module
    declares far more than its Bedrock resources read."""

    def __init__(self, path: str, report: Callable[[ScanError], None]) -> None:
        self.path = path
        self.entries: list[_Entry] = []
        self._report = report
        self._locals: dict[str, Expr] = {}
        self._locals_built = False

    def add_parsed(self, hf: HclFile) -> None:
        for item in hf.body:
            if isinstance(item, Block):
                self.entries.append(_Entry(hf, item.type, item.labels, block=item))

    def add_spans(self, path: str, spans: list[Span]) -> None:
        hf = HclFile(path, ())
        for sp in spans:
            if sp.type in ("resource", "data") and not _block_matters(sp.type, sp.labels, sp.body):
                continue
            names = attribute_names(sp.body) if sp.type == "locals" else frozenset()
            self.entries.append(_Entry(hf, sp.type, sp.labels, span=sp, names=names))

    def _parsed(self, e: _Entry) -> Block | None:
        if e.span is not None:
            sp, e.span = e.span, None
            try:
                body = parse_hcl(sp.text, e.file.path, sp.line - 1).body
                e.block = next((b for b in body if isinstance(b, Block)), None)
            except HclSyntaxError as exc:
                self._report(ScanError(display_path(e.file.path), f"cannot parse HCL: {exc}", exc.line))
            except RecursionError:
                self._report(ScanError(display_path(e.file.path), "HCL nested too deeply to parse", sp.line))
        return e.block

    def blocks(self, type_: str, label: str | None = None) -> Iterator[tuple[HclFile, Block]]:
        for e in self.entries:
            if e.type == type_ and (label is None or e.labels[:1] == (label,)):
                b = self._parsed(e)
                if b is not None:
                    yield e.file, b

    def parse_all(self) -> None:
        for e in self.entries:
            self._parsed(e)

    def variable_default(self, name: str) -> Expr | None:
        default = None
        for _, b in self.blocks("variable", name):
            attrs = b.attributes()
            default = attrs["default"].expr if "default" in attrs else None
        return default

    def local_expr(self, name: str) -> Expr | None:
        """The expression of `local.<name>`: the locals blocks that may define
        it are parsed first, then, if it is still missing, all of them."""
        for wanted in (True, False):
            if name in self._locals:
                break
            pending = [
                e for e in self.entries if e.type == "locals" and e.span is not None and (name in e.names or not wanted)
            ]
            for e in pending:
                self._parsed(e)
            if pending or not self._locals_built:
                parsed = [e.block for e in self.entries if e.type == "locals" and e.block is not None]
                self._locals = {a.name: a.expr for b in parsed for a in b.attributes().values()}
                self._locals_built = True
        return self._locals.get(name)


@dataclass(frozen=True)
class Input:
    value: Any
    location: Location | None
    via: tuple[Location, ...] = ()


class UnitScan:
    """State for scanning one unit: parsed directories, results, limits."""

    def __init__(self, unit: Unit, options: ScanOptions) -> None:
        self.unit = unit
        self.options = options
        self.roots = [os.path.realpath(r) for r in (options.roots or (unit.key,))]
        self.dirs: dict[str, ModuleDir] = {}
        self._inside_dirs: dict[str, bool] = {}
        self.result = SourceResult(files=list(unit.files))
        self.instances = 0
        self.budget = Budget()
        #: Where the budget ran out: the first reference evaluated after it did.
        self.budget_where: Location | None = None

    def load_dir(self, path: str) -> ModuleDir:
        path = os.path.normpath(path)
        if path in self.dirs:
            return self.dirs[path]
        md = ModuleDir(path, self.result.errors.append)
        self.dirs[path] = md
        for f in _tf_files(path):
            if not self.inside_roots(f):
                continue  # a symlink out of the tree (discovery reports it); never read
            try:
                text = read_text(f, self.options.max_file_bytes)
                if f.endswith(".json"):
                    md.add_parsed(parse_tf_json(text, f))
                    continue
                spans = index_blocks(text) if self.options.prefilter else None
                if spans is not None:
                    md.add_spans(f, spans)
                    continue
                md.add_parsed(parse_hcl(prune(text, _block_matters) if self.options.prefilter else text, f))
            except FileReadError as exc:
                self.result.errors.append(ScanError(display_path(f), str(exc)))
            except HclSyntaxError as exc:
                self.result.errors.append(ScanError(display_path(f), f"cannot parse HCL: {exc}", exc.line))
            except RecursionError:
                self.result.errors.append(ScanError(display_path(f), "HCL nested too deeply to parse"))
        return md

    def root_inputs(self) -> dict[str, Input]:
        """terraform.tfvars, *.auto.tfvars (lexical), then --var-file and --var, as Terraform orders them."""
        d = self.unit.key
        names = []
        try:
            listing = sorted(os.listdir(d))
        except OSError:
            listing = []
        for n in ("terraform.tfvars", "terraform.tfvars.json"):
            if n in listing:
                names.append(os.path.join(d, n))
        names += [os.path.join(d, n) for n in listing if n.endswith((".auto.tfvars", ".auto.tfvars.json"))]
        names = [n for n in names if self.inside_roots(n)]  # never follow a link out of the tree
        names += list(self.options.tf_var_files)
        inputs: dict[str, Input] = {}
        for path in names:
            inputs.update(self._read_tfvars(path))
        for name, value in self.options.tf_vars:
            inputs[name] = Input(value, Location("--var", 0))
        return inputs

    def _read_tfvars(self, path: str) -> dict[str, Input]:
        shown = display_path(path)
        try:
            text = read_text(path, self.options.max_file_bytes)
            if path.endswith(".json"):
                return {k: Input(v, Location(shown, 1)) for k, v in parse_tfvars_json(text).items()}
            hf = parse_hcl(text, path)
        except FileReadError as exc:
            self.result.errors.append(ScanError(shown, str(exc)))
            return {}
        except (HclSyntaxError, ValueError) as exc:
            self.result.errors.append(ScanError(shown, f"cannot parse variables file: {exc}", getattr(exc, "line", 0)))
            return {}
        out = {}
        empty = Scope(
            lambda n: Unknown(f"var.{n}"),
            lambda n: Unknown(f"local.{n}"),
            lambda *a: Unknown("data"),
            lambda *a: Unknown("module"),
            budget=self.budget,
        )
        for item in hf.body:
            if isinstance(item, Attribute):
                out[item.name] = Input(Evaluator(empty).eval(item.expr), Location(shown, item.line, item.column))
        return out

    def inside_roots(self, path: str) -> bool:
        """Whether `path` resolves inside the scanned roots.  A path that is
        not a symlink is inside when its directory is, which is resolved once
        per directory (resolving every file costs a system call per path
        component)."""
        parent = os.path.dirname(path) or "."
        if not os.path.islink(path):
            known = self._inside_dirs.get(parent)
            if known is None:
                known = self._inside_dirs[parent] = inside(parent, self.roots)
            if known:
                return True
        return inside(path, self.roots)


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
        if name in self.inputs:
            return self.inputs[name].value
        default = self.mdir.variable_default(name)
        if default is not None:
            return Evaluator(self.scope()).eval(default)
        return Unknown(f"var.{name}")

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
        for _, b in self.mdir.blocks("data", dtype):
            if b.labels[:2] != (dtype, dname):
                continue
            attrs = b.attributes()
            if dtype == "aws_bedrock_foundation_model" and "model_id" in attrs:
                mid = Evaluator(self.scope()).eval(attrs["model_id"].expr)
                if not isinstance(mid, str):
                    return Unknown(f"data.{dtype}.{dname}.{attr}")
                if attr in ("model_id", "id"):
                    return mid
                if attr == "model_arn":
                    return f"arn:aws:bedrock:${{region}}::foundation-model/{mid}"
            if dtype == "aws_bedrock_inference_profile" and "inference_profile_id" in attrs:
                pid = Evaluator(self.scope()).eval(attrs["inference_profile_id"].expr)
                if not isinstance(pid, str):
                    return Unknown(f"data.{dtype}.{dname}.{attr}")
                if attr in ("inference_profile_id", "id"):
                    return pid
                if attr == "inference_profile_arn":
                    return f"arn:aws:bedrock:${{region}}:${{account}}:inference-profile/{pid}"
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
        if "count" in attrs:
            n = Evaluator(self.scope()).eval(attrs["count"].expr)
            if isinstance(n, bool):
                n = int(n)
            if isinstance(n, int) and 0 <= n <= MAX_INSTANCES:
                return [(f"[{i}]", None, i) for i in range(n)]
            return [("", None, Unknown("count.index"))]
        if "for_each" in attrs:
            coll = Evaluator(self.scope()).eval(attrs["for_each"].expr)
            if isinstance(coll, dict) and len(coll) <= MAX_INSTANCES:
                return [(f'["{k}"]', (k, v), None) for k, v in sorted(coll.items())]
            if isinstance(coll, list) and len(coll) <= MAX_INSTANCES and all(isinstance(i, str) for i in coll):
                return [(f'["{k}"]', (k, k), None) for k in sorted(set(coll))]
            return [("", (Unknown("each.key"), Unknown("each.value")), None)]
        return [("", None, None)]

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
                    inputs[aname] = Input(value, Location(shown, a.line, a.column), via)
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
            return
        for suffix, each, idx in self.expansions(block):
            for spec in specs:
                yield from self._spec_refs(hf, block, spec, f"{self.prefix}{address}{suffix}", each, idx)

    def _spec_refs(
        self, hf: HclFile, block: Block, spec: AttributeSpec, address: str, each: tuple[Any, Any] | None, idx: Any
    ) -> Iterator[Reference]:
        for attr_path, attr, nested in _find(block, spec.path):
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
            yield from self._emit(hf, block, spec, address, attr_path, value, via, line, col, expr_text, attr)

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
    ) -> Iterator[Reference]:
        shown = display_path(hf.path)

        def ref(
            raw: str,
            resolved: bool = True,
            conditional: bool = False,
            sub: str = "",
            at: tuple[int, int] | None = None,
            note: str | None = None,
        ) -> Reference:
            ln, cl = at or (line, col)
            return Reference(
                raw=raw,
                usage=spec.usage,
                resource=address,
                resource_type=block.labels[0],
                attribute=attr_path + sub,
                location=Location(shown, ln, cl),
                framework="terraform",
                resolved=resolved,
                expression=expr_text if expr_text and expr_text != raw else None,
                conditional=conditional,
                via=via,
                note=note,
                resource_line=block.line,
                resource_end_line=block.end_line,
            )

        if spec.mode == "model":
            for v, conditional in _candidates(value):
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
                            note="value is not known before apply",
                        )
            return
        for v, conditional in _candidates(value):
            if isinstance(v, Unknown):
                if v.partial is None:
                    continue
                v = v.partial
            entry_lines = _entry_lines(attr.expr) if attr is not None else {}
            for sub, found in extract(spec.mode, v):
                key = sub.split(".")[0].split("[")[0]
                at = entry_lines.get(key)
                sep = "" if not sub or sub.startswith("[") else "."
                yield ref(found, conditional=conditional, sub=f"{sep}{sub}", at=at)

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
                for v, conditional in _candidates(value):
                    if isinstance(v, str) and looks_like_model_reference(v):
                        yield Reference(
                            raw=v,
                            usage=Usage.OTHER,
                            resource=f"{self.prefix}module.{b.labels[0]}{suffix}",
                            resource_type="module",
                            attribute=aname,
                            location=Location(display_path(hf.path), a.expr.line, a.expr.column),
                            framework="terraform",
                            expression=a.expr.text if a.expr.text != v else None,
                            conditional=conditional,
                            via=via,
                            note=f"passed to module source {src}",
                            resource_line=b.line,
                            resource_end_line=b.end_line,
                        )


def _candidates(value: Any) -> list[tuple[Any, bool]]:
    if isinstance(value, Unknown) and value.alternatives:
        return [(a, True) for a in value.alternatives]
    return [(value, False)]


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


def _find(block: Block, path: tuple[str, ...], prefix: str = "") -> Iterator[tuple[str, Attribute | None, list[Block]]]:
    """Walk a catalog path through nested blocks.  Yields (attribute path,
    attribute, []) where the path ends at an attribute, or (path, None,
    blocks) where it ends at nested blocks."""
    head, rest = path[0], path[1:]
    attrs = block.attributes()
    if head in attrs:
        if rest:
            # An object-valued attribute holds the rest of the path; the
            # evaluator reads it, so report it as the attribute itself.
            yield from _descend_attr(attrs[head], rest, f"{prefix}{head}")
        else:
            yield f"{prefix}{head}", attrs[head], []
        return
    nested = block.blocks(head)
    if not nested:
        return
    if not rest:
        yield f"{prefix}{head}", None, nested
        return
    for i, nb in enumerate(nested):
        yield from _find(nb, rest, f"{prefix}{head}[{i}].")


def _descend_attr(
    attr: Attribute, rest: tuple[str, ...], path: str
) -> Iterator[tuple[str, Attribute | None, list[Block]]]:
    expr = attr.expr
    for step in rest:
        if not isinstance(expr, ObjectExpr):
            return
        nxt = None
        for k, v in expr.items:
            if getattr(k, "value", None) == step:
                nxt = v
        if nxt is None:
            return
        expr = nxt
        path = f"{path}.{step}"
    yield path, Attribute(attr.name, expr, expr.line, expr.column), []


def _block_value(inst: Instance, b: Block, each: tuple[Any, Any] | None, idx: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in b.body:
        if isinstance(item, Attribute):
            out[item.name] = Evaluator(inst.scope(each, idx)).eval(item.expr)
        else:
            out.setdefault(item.type, []).append(_block_value(inst, item, each, idx))
    return out


def scan_unit(unit: Unit, options: ScanOptions) -> SourceResult:
    scan = UnitScan(unit, options)
    root_dir = scan.load_dir(unit.key)
    root = Instance(scan, root_dir, "", scan.root_inputs(), (os.path.normpath(unit.key),))
    region = _provider_region(root)
    seen: set[tuple[Any, ...]] = set()
    for ref in root.references():
        key = (ref.resource, ref.attribute, ref.raw, ref.location)
        if key in seen:
            continue
        if len(seen) >= MAX_UNIT_REFERENCES:
            scan.result.errors.append(
                ScanError(
                    ref.location.file,
                    f"more than {MAX_UNIT_REFERENCES:,} model references in one root module (count and for_each "
                    "on nested module calls multiply); the rest are not checked",
                    ref.location.line,
                )
            )
            break
        seen.add(key)
        if region and ref.region is None:
            ref = replace(ref, region=region)
        scan.result.references.append(ref)
    # Files of this unit that no module call reached are still Terraform the
    # user wrote: parse them so syntax errors are reported.
    for f in unit.files:
        d = os.path.normpath(os.path.dirname(f))
        if f.endswith((".tf", ".tf.json")) and d not in scan.dirs:
            scan.load_dir(d).parse_all()
    if scan.budget.problem:
        where = scan.budget_where or Location(display_path(unit.key), 0)
        scan.result.errors.append(
            ScanError(
                where.file,
                f"{scan.budget.problem}; such values are treated as unknown, "
                "and the references that need them are reported as unresolved",
                where.line,
            )
        )
    return scan.result


def _block_matters(block_type: str, labels: tuple[str, ...], body: str) -> bool:
    """Resources and data sources outside the catalog yield no reference and
    no value known before apply, nor do catalog ones that never mention the
    attribute (or block) where the catalog says the model sits; every other
    block (variables, locals, modules, outputs, providers) may carry one."""
    if block_type not in ("resource", "data") or not labels:
        return True
    heads = _FIRST_SEGMENTS["terraform" if block_type == "resource" else "terraform_data"].get(labels[0])
    return heads is not None and any(h in body for h in heads)


_FIRST_SEGMENTS = {
    fw: {t: frozenset(spec.path[0] for spec in specs_for(fw, t)) for t in resource_types(fw)}
    for fw in ("terraform", "terraform_data")
}


def _provider_region(root: Instance) -> str | None:
    """The default `aws` provider's region, when it is known statically: the
    lifecycle can differ by region, and a bare model id is called there."""
    for _, b in root.mdir.blocks("provider"):
        attrs = b.attributes()
        if b.labels[:1] == ("aws",) and "alias" not in attrs and "region" in attrs:
            value = Evaluator(root.scope()).eval(attrs["region"].expr)
            return value if isinstance(value, str) and re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d+", value) else None
    return None


__all__ = ["is_known", "plan_units", "scan_unit", "to_str"]
