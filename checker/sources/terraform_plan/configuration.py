"""The value of a plan's attribute that only apply knows, from its configuration.

A plan's `configuration` section gives each expression as a constant or as
the list of what it references, never its text: an ARN written as
`"arn:${var.partition}:bedrock:${data.aws_region.current.name}::foundation-model/${var.model_id}"`
is only `["var.partition", "data.aws_region.current.name", ...]`, and
`"${var.model_id}:1"` looks just like `var.model_id`.  Taking a referenced
variable for the value (the first reference was `var.partition`, so the model
was `aws`) is a guess.  The expression itself is in the configuration the
plan was made from, which CI keeps beside the plan (`terraform show -json
tfplan > tfplan.json` runs in the root module).  So the root module is looked
for in the plan's directory and the directories above it (inside the scanned
roots), accepted only where it declares every resource and module call of
the plan's root module, and each expression is used only when it references
exactly what the plan says it references; it is then evaluated by the HCL
source's own evaluator, with the plan's variables at the root and each module
call's arguments below it.  What is still unknown stays unknown: an ARN whose
partition and region only apply knows keeps its model part.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import Any

from checker.sources.terraform.evaluate import Budget, Evaluator, Scope
from checker.sources.terraform.hclast import (
    Block,
    Expr,
    ForExpr,
    GetAttr,
    HclFile,
    HclSyntaxError,
    Index,
    Lit,
    Name,
    TemplateFor,
    parse_hcl,
    parse_tf_json,
)
from checker.sources.terraform.instance import _find
from checker.sources.terraform.module_dir import ModuleDir
from checker.sources.values import Unknown
from checker.util.textio import FileReadError, read_text

#: Directories above the plan's own looked at for its configuration.
MAX_LEVELS_UP = 3
#: Deepest module nesting evaluated (each level evaluates its caller's
#: arguments); real configurations nest a few levels.
MAX_MODULE_DEPTH = 16


def traversals(expr: Expr) -> set[str]:
    """What an expression references, written as Terraform writes references
    in a plan (`var.x`, `data.aws_region.current.name`, `aws_s3_bucket.b[0]`):
    each traversal up to its first index that is not a literal."""
    out: set[str] = set()
    bound: set[str] = set()

    def chain(e: Expr) -> str | None:
        if isinstance(e, Name):
            return e.name
        if isinstance(e, GetAttr):
            head = chain(e.obj)
            return None if head is None else f"{head}.{e.name}"
        if isinstance(e, Index):
            head = chain(e.obj)
            if head is None:
                return None
            if isinstance(e.key, Lit) and isinstance(e.key.value, (str, int)) and not isinstance(e.key.value, bool):
                key = f'"{e.key.value}"' if isinstance(e.key.value, str) else str(e.key.value)
                return f"{head}[{key}]"
            return head
        return None

    def visit(e: Any) -> None:
        if isinstance(e, (Name, GetAttr, Index)):
            root: Expr = e
            while isinstance(root, (GetAttr, Index)):
                root = root.obj
            if isinstance(root, Name):
                text = chain(e)
                if text is not None and root.name not in bound and "." in text:
                    out.add(text)
                if isinstance(e, Index):
                    visit(e.key)
                    node: Any = e.obj
                    while isinstance(node, (GetAttr, Index)):
                        if isinstance(node, Index):
                            visit(node.key)
                        node = node.obj
                return
        if isinstance(e, (ForExpr, TemplateFor)):
            names = {n for n in (e.key_var, e.value_var) if n}
            visit(e.collection)
            fresh = names - bound
            bound.update(fresh)
            for f in dataclasses.fields(e):
                if f.name != "collection":
                    visit(getattr(e, f.name))
            bound.difference_update(fresh)
            return
        if isinstance(e, Expr):
            for f in dataclasses.fields(e):
                visit(getattr(e, f.name))
        elif isinstance(e, (tuple, list)):
            for item in e:
                visit(item)

    visit(expr)
    return out


def matches(expr: Expr, plan_expr: dict[str, Any]) -> bool:
    """Whether an HCL expression is the one the plan describes: each of its
    traversals is one the plan lists (or lies below one), and each listed
    reference is a traversal of it or a step of one.  A configuration edited
    since the plan was made fails this, and is then not used."""
    if "constant_value" in plan_expr:
        return not traversals(expr)
    refs = plan_expr.get("references")
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        return False
    planned = set(refs)
    mine = traversals(expr)

    def below(longer: str, shorter: str) -> bool:
        return longer == shorter or longer.startswith((f"{shorter}.", f"{shorter}["))

    return all(any(below(t, r) for r in planned) for t in mine) and all(any(below(t, r) for t in mine) for r in planned)


class ConfigSource:
    """The configuration beside a plan, found once and read lazily."""

    def __init__(
        self,
        plan_path: str,
        config: dict[str, Any],
        variables: dict[str, Any],
        roots: tuple[str, ...],
        max_bytes: int,
        data_values: dict[str, Any] | None = None,
    ) -> None:
        self.plan_path = plan_path
        self.config = config
        self.variables = variables
        self.roots = roots
        self.max_bytes = max_bytes
        self.budget = Budget()
        #: Values of data sources Terraform read while planning, by address.
        self.data_values = data_values or {}
        self._dirs: dict[str, ModuleDir | None] = {}
        self._root: str | bool | None = False  # False: not looked for yet

    # --- finding and loading the configuration -------------------------------
    def _load(self, directory: str) -> ModuleDir | None:
        if directory in self._dirs:
            return self._dirs[directory]
        mdir: ModuleDir | None = None
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            names = []
        files = [n for n in names if n.endswith((".tf", ".tf.json"))]
        if files:
            mdir = ModuleDir(directory, lambda e: None)
            for n in files:
                path = os.path.join(directory, n)
                try:
                    text = read_text(path, self.max_bytes)
                    hf: HclFile = parse_tf_json(text, path) if n.endswith(".json") else parse_hcl(text, path)
                except (FileReadError, HclSyntaxError, RecursionError, ValueError):
                    continue  # the HCL source reports it when it scans the directory
                mdir.add_parsed(hf)
        self._dirs[directory] = mdir
        return mdir

    def _declares(self, mdir: ModuleDir, module: dict[str, Any]) -> bool:
        resources = module.get("resources")
        for res in resources if isinstance(resources, list) else []:
            if not isinstance(res, dict):
                return False
            kind = "data" if res.get("mode") == "data" else "resource"
            if not any(b.labels == (res.get("type"), res.get("name")) for _, b in mdir.blocks(kind)):
                return False
        calls = module.get("module_calls") or {}
        declared = {b.labels[0] for _, b in mdir.blocks("module") if b.labels}
        return isinstance(calls, dict) and set(calls) <= declared

    def _inside_roots(self, directory: str) -> bool:
        real = os.path.realpath(directory)
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots)

    def root_dir(self) -> str | None:
        if self._root is False:
            self._root = None
            root_module = self.config.get("root_module")
            d = os.path.dirname(os.path.abspath(self.plan_path))
            for _ in range(MAX_LEVELS_UP + 1):
                if not self._inside_roots(d):
                    break
                mdir = self._load(d)
                if mdir is not None and isinstance(root_module, dict) and self._declares(mdir, root_module):
                    self._root = d
                    break
                parent = os.path.dirname(d)
                if parent == d:
                    break
                d = parent
        return self._root if isinstance(self._root, str) else None

    def _module(self, module_path: tuple[str, ...]) -> tuple[str, dict[str, Any]] | None:
        """(directory, plan configuration) of a module instance's module."""
        d = self.root_dir()
        node: Any = self.config.get("root_module")
        if d is None or not isinstance(node, dict) or len(module_path) > MAX_MODULE_DEPTH:
            return None
        for name in module_path:
            calls = node.get("module_calls")
            call = calls.get(name) if isinstance(calls, dict) else None
            if not isinstance(call, dict):
                return None
            source = call.get("source")
            if not isinstance(source, str) or not source.startswith(("./", "../")):
                return None  # a registry or git module: its code is not in the tree
            d = os.path.normpath(os.path.join(d, source))
            if not self._inside_roots(d):
                return None
            node = call.get("module")
            if not isinstance(node, dict):
                return None
        return d, node

    # --- evaluating ------------------------------------------------------------
    def _scope(self, module_path: tuple[str, ...], each: tuple[Any, Any] | None, count_index: Any) -> Scope | None:
        found = self._module(module_path)
        if found is None:
            return None
        directory, _ = found
        mdir = self._load(directory)
        if mdir is None:
            return None

        def variable(name: str) -> Any:
            return self._variable(module_path, name)

        def local(name: str) -> Any:
            expr = mdir.local_expr(name)
            if expr is None:
                return Unknown(f"local.{name}")
            return Evaluator(scope).eval(expr)

        scope = Scope(
            variables=variable,
            local=local,
            data=lambda t, n, a: self._data(module_path, t, n, a),
            module_output=lambda m, o: Unknown(f"module.{m}.{o}"),
            each=each,
            count_index=count_index,
            budget=self.budget,
        )
        return scope

    def _data(self, module_path: tuple[str, ...], dtype: str, dname: str, attr: str) -> Any:
        """A data source attribute as Terraform read it while planning (in
        the plan's `prior_state`); unknown when it is read only at apply, or
        in a module with instances (whose keys are not told apart here)."""
        prefix = "".join(f"module.{m}." for m in module_path)
        values = self.data_values.get(f"{prefix}data.{dtype}.{dname}")
        if isinstance(values, dict) and values.get(attr) is not None:
            return values[attr]
        return Unknown(f"data.{dtype}.{dname}.{attr}")

    def _variable(self, module_path: tuple[str, ...], name: str) -> Any:
        if not module_path:
            if name in self.variables:
                return self.variables[name]
            return Unknown(f"var.{name}")
        parent = self._module(module_path[:-1])
        if parent is None:
            return Unknown(f"var.{name}")
        parent_dir, parent_config = parent
        call_name = module_path[-1]
        calls = parent_config.get("module_calls")
        call = calls.get(call_name) if isinstance(calls, dict) else None
        exprs = call.get("expressions") if isinstance(call, dict) else None
        planned = exprs.get(name) if isinstance(exprs, dict) else None
        mdir = self._load(parent_dir)
        block = next((b for _, b in mdir.blocks("module", call_name)), None) if mdir else None
        attr = block.attributes().get(name) if block is not None else None
        if isinstance(planned, dict):
            if "constant_value" in planned:
                return planned["constant_value"]
            if attr is not None and matches(attr.expr, planned):
                # Module instances (count/for_each on the call) are not told apart here.
                scope = self._scope(module_path[:-1], None, None)
                if scope is not None:
                    return Evaluator(scope).eval(attr.expr)
            return Unknown(f"var.{name}")
        child = self._module(module_path)
        variables = child[1].get("variables") if child else None
        var = variables.get(name) if isinstance(variables, dict) else None
        if isinstance(var, dict) and "default" in var:
            return var["default"]
        return Unknown(f"var.{name}")

    def provider_value(self, alias: Any, name: str, plan_expr: dict[str, Any]) -> Any:
        """An argument of a root-module `provider "aws"` block (the one with
        this alias), where it is the expression the plan describes."""
        root = self.root_dir()
        mdir = self._load(root) if root else None
        scope = self._scope((), None, None) if mdir else None
        if mdir is None or scope is None:
            return None
        for _, b in mdir.blocks("provider", "aws"):
            attrs = b.attributes()
            got_alias = Evaluator(scope).eval(attrs["alias"].expr) if "alias" in attrs else None
            if got_alias == alias and name in attrs and matches(attrs[name].expr, plan_expr):
                return Evaluator(scope).eval(attrs[name].expr)
        return None

    def evaluate(
        self,
        module_path: tuple[str, ...],
        mode: str,
        rtype: str,
        name: str,
        path: tuple[str, ...],
        plan_expr: dict[str, Any],
        index: Any,
    ) -> Iterator[tuple[Any, str, int, str]]:
        """(value, expression text, line, file) of the attribute at `path`
        of the resource in its configuration, where the configuration beside
        the plan is the one planned; nothing where it cannot be told."""
        found = self._module(module_path)
        if found is None:
            return
        mdir = self._load(found[0])
        if mdir is None:
            return
        kind = "data" if mode == "data" else "resource"
        block: Block | None = None
        hf: HclFile | None = None
        for f, b in mdir.blocks(kind, rtype):
            if b.labels == (rtype, name):
                hf, block = f, b
        if block is None or hf is None:
            return
        attrs = block.attributes()
        each = None
        count_index = None
        if "for_each" in attrs and isinstance(index, str):
            each = (index, Unknown("each.value"))
        elif "count" in attrs and isinstance(index, int):
            count_index = index
        scope = self._scope(module_path, each, count_index)
        if scope is None:
            return
        found_attrs = [attr for _, attr, _, rest, _ in _find(block, path) if attr is not None and not rest]
        if len(found_attrs) != 1 or not matches(found_attrs[0].expr, plan_expr):
            return
        expr = found_attrs[0].expr
        yield Evaluator(scope).eval(expr), expr.text, expr.line, hf.path
