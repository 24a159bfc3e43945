"""The blocks of one module directory, found by a text scan and parsed on
first use."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from checker.catalog import not_examined, resource_types, specs_for
from checker.discovery.walk import display_path
from checker.model import ScanError
from checker.sources.terraform.blocks import Span, attribute_names
from checker.sources.terraform.hclast import (
    Attribute,
    Block,
    Expr,
    HclFile,
    HclSyntaxError,
    parse_hcl,
)


def tf_files(directory: str) -> list[str]:
    """Regular files only (the walk reports FIFOs, sockets and devices once);
    the directory entry's type says so without a stat per file."""
    try:
        with os.scandir(directory) as it:
            return sorted(e.path for e in it if e.name.endswith((".tf", ".tf.json")) and e.is_file())
    except OSError:
        return []


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
    expression reads it.  Parsing is the slow part of a scan, and a module
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
            if sp.type in ("resource", "data") and not block_matters(sp.type, sp.labels, sp.body):
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
        attrs = self.variable_attrs(name)
        return attrs["default"].expr if "default" in attrs else None

    def variable_attrs(self, name: str) -> dict[str, Attribute]:
        """The arguments of `variable "<name>"` (the last block wins)."""
        attrs: dict[str, Attribute] = {}
        for _, b in self.blocks("variable", name):
            attrs = b.attributes()
        return attrs

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


def block_matters(block_type: str, labels: tuple[str, ...], body: str) -> bool:
    """Resources and data sources outside the catalog yield no reference and
    no value known before apply (but a Bedrock-looking type: it is reported
    as not examined), nor do catalog ones that never mention the
    attribute (or block) where the catalog says the model sits; every other
    block (variables, locals, modules, outputs, providers) may carry one."""
    if block_type not in ("resource", "data") or not labels:
        return True
    framework = "terraform" if block_type == "resource" else "terraform_data"
    heads = _FIRST_SEGMENTS[framework].get(labels[0])
    if heads is None:
        return not_examined(framework, labels[0])  # reported as not examined
    return any(h in body for h in heads)


_FIRST_SEGMENTS = {
    fw: {t: frozenset(spec.path[0] for spec in specs_for(fw, t)) for t in resource_types(fw)}
    for fw in ("terraform", "terraform_data")
}
