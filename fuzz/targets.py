"""What each fuzz harness feeds: the same entry points the scan uses, with the
exceptions that are the documented way to refuse input.  Anything else
escaping is a bug (the scan would turn it into an "internal error")."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import contextlib

from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.sources import ScanOptions
from checker.sources.cdk import construct_paths
from checker.sources.cloudformation.yaml_loader import TemplateError, load_template_text
from checker.sources.terraform.evaluate import Evaluator, Scope
from checker.sources.terraform.hclast import Attribute, Block, Expr, HclSyntaxError, SplatItem, parse_hcl
from checker.sources.terraform.hclparse import parse_body, parse_template
from checker.sources.terraform_plan import Reader, positions
from checker.sources.terraform_plan.recognise import classify, sniff_bytes
from checker.sources.values import Unknown


def modelid(text: str) -> None:
    parse_model_reference(text)
    looks_like_model_reference(text)


def _empty_scope() -> Scope:
    return Scope(
        lambda n: Unknown(f"var.{n}"),
        lambda n: Unknown(f"local.{n}"),
        lambda *a: Unknown("data"),
        lambda *a: Unknown("module"),
    )


def hcl(text: str) -> None:
    try:
        hf = parse_hcl(text, "fuzz.tf")
    except (HclSyntaxError, RecursionError):
        return
    stack: list[Any] = list(hf.body)
    while stack:
        item = stack.pop()
        if isinstance(item, Attribute):
            Evaluator(_empty_scope()).eval(item.expr)
        elif isinstance(item, Block):
            stack.extend(item.body)


def yaml_template(text: str) -> None:
    with contextlib.suppress(TemplateError):
        load_template_text(text)


#: Where the plan target's plans "live": an empty directory, so the
#: configuration fallback finds nothing to read.
_PLAN_PATH = os.path.join(tempfile.mkdtemp(prefix="fuzz-plan-"), "tfplan.json")


def plan(text: str) -> None:
    sniff_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        pdoc = positions.load(text)
    except (ValueError, RecursionError):
        return
    kind = classify(pdoc.doc)
    if kind is not None:
        with contextlib.suppress(RecursionError):  # scan_unit reports it as nested too deeply
            list(Reader(_PLAN_PATH, pdoc, kind, ScanOptions()).references())


def manifest(text: str) -> None:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        return
    if isinstance(doc, dict):
        for artifact in (doc.get("artifacts") or {}).values() if isinstance(doc.get("artifacts"), dict) else []:
            if isinstance(artifact, dict):
                construct_paths(artifact)


def blocks(text: str) -> None:
    """The text scan that splits Terraform files into blocks before parsing:
    it never raises, and the blocks it returns are the text's own, in order."""
    from checker.sources.terraform.blocks import attribute_names, index_blocks

    spans = index_blocks(text)
    if spans is None:
        return
    line_starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    pos = 0
    for span in spans:
        # A block's header starts its line, after the end of the one before.
        start = line_starts[span.line - 1]
        assert start >= pos and text.startswith(span.text[:-1], start), span
        pos = start + len(span.text) - 1
        attribute_names(span.body)


def hclparse(text: str) -> None:
    """Our HCL parser alone: only HclSyntaxError (or RecursionError for
    nesting past its limit) may escape, every node's text is the source at
    its own line and column, and the same text read as a bare template (as
    Terraform's JSON syntax reads strings) is refused the same way."""
    with contextlib.suppress(HclSyntaxError, RecursionError):
        parse_template(text, 1)
    try:
        body = parse_body(text)
    except (HclSyntaxError, RecursionError):
        return
    src = text[1:] if text.startswith("\ufeff") else text
    starts = [0, *(i + 1 for i, c in enumerate(src) if c == "\n")]
    stack: list[Any] = list(body)
    while stack:
        item = stack.pop()
        if isinstance(item, Block):
            stack.extend(item.body)
            continue
        if isinstance(item, Attribute):
            stack.append(item.expr)
            continue
        if isinstance(item, tuple):
            stack.extend(item)
            continue
        if not isinstance(item, Expr):
            continue
        stack.extend(getattr(item, f) for f in item.__dataclass_fields__ if f not in ("line", "column", "text"))
        if isinstance(item, SplatItem) or not item.text:
            continue
        at = starts[item.line - 1] + item.column - 1
        assert src.startswith(item.text, at), (item, src[at : at + 40])


TARGETS = {
    "modelid": modelid,
    "hcl": hcl,
    "hclparse": hclparse,
    "blocks": blocks,
    "yaml": yaml_template,
    "plan": plan,
    "manifest": manifest,
}
