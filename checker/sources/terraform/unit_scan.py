"""The state of scanning one Terraform unit: its parsed directories, the
root's variable inputs (tfvars, --var-file, --var), its limits."""

from __future__ import annotations

import os
from typing import Any

from checker.discovery.walk import display_path, inside
from checker.model import Location, ScanError, SourceResult
from checker.sources.base import ScanOptions, Unit
from checker.sources.terraform.blocks import index_blocks, prune
from checker.sources.terraform.evaluate import Budget, Evaluator, empty_scope
from checker.sources.terraform.hclast import (
    Attribute,
    HclSyntaxError,
    parse_hcl,
    parse_tf_json,
    parse_tfvars_json,
)
from checker.sources.terraform.inputs import Input
from checker.sources.terraform.module_dir import ModuleDir, block_matters, tf_files
from checker.sources.terraform.origin import Origin, tfvars_json_origins
from checker.sources.values import Unknown
from checker.suppressions import mark_lines
from checker.util.textio import FileReadError, read_text


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
        self._reported: set[tuple[str, int, str]] = set()
        self.budget = Budget()
        #: Where the budget ran out: the first reference evaluated after it did.
        self.budget_where: Location | None = None

    def load_dir(self, path: str) -> ModuleDir:
        path = os.path.normpath(path)
        if path in self.dirs:
            return self.dirs[path]
        md = ModuleDir(path, self.result.errors.append)
        self.dirs[path] = md
        for f in tf_files(path):
            if not self.inside_roots(f):
                continue  # a symlink out of the tree (discovery reports it); never read
            try:
                text = read_text(f, self.options.max_file_bytes)
                marks = mark_lines(text) if f in self.unit.marked else None
                if marks is not None:
                    self.result.marks[display_path(f)] = marks
                if f.endswith(".json"):
                    md.add_parsed(parse_tf_json(text, f))
                    continue
                spans = index_blocks(text) if self.options.prefilter else None
                if spans is not None:
                    md.add_spans(f, spans)
                    continue
                md.add_parsed(parse_hcl(prune(text, block_matters) if self.options.prefilter else text, f))
            except FileReadError as exc:
                self.result.errors.append(ScanError(display_path(f), str(exc)))
            except HclSyntaxError as exc:
                self.result.errors.append(ScanError(display_path(f), f"cannot parse HCL: {exc}", exc.line))
            except RecursionError:
                self.result.errors.append(ScanError(display_path(f), "HCL nested too deeply to parse"))
        return md

    def error_once(self, error: ScanError, key: str | None = None) -> None:
        """An error about a block, reported once however many module
        instances evaluate that block (`key` merges errors of one limit)."""
        mark = (error.file, error.line, error.message) if key is None else ("", 0, key)
        if mark not in self._reported:
            self._reported.add(mark)
            self.result.errors.append(error)

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
                doc = parse_tfvars_json(text)
                origins = tfvars_json_origins(text, doc, shown)
                return {k: Input(v, Location(shown, 1), origin=origins.get(k)) for k, v in doc.items()}
            hf = parse_hcl(text, path)
        except FileReadError as exc:
            self.result.errors.append(ScanError(shown, str(exc)))
            return {}
        except (HclSyntaxError, ValueError) as exc:
            self.result.errors.append(ScanError(shown, f"cannot parse variables file: {exc}", getattr(exc, "line", 0)))
            return {}
        out = {}
        empty = empty_scope(self.budget)
        for item in hf.body:
            if isinstance(item, Attribute):
                out[item.name] = Input(
                    Evaluator(empty).eval(item.expr),
                    Location(shown, item.line, item.column),
                    origin=Origin(item.expr, shown, "tfvars", None),
                )
        return out

    def paths(self, module_dir: str) -> dict[str, Any]:
        """`path.module` and `path.root` as Terraform gives them when run in
        the root module: relative paths; `path.cwd` is not known."""
        rel = os.path.relpath(module_dir, self.unit.key)
        return {"module": rel, "root": ".", "cwd": Unknown("path.cwd", reason="`path.cwd` is where Terraform runs")}

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
