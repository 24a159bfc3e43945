"""Plans and states from an untrusted repository: bounded, never a crash."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfjson import PT

from checker.sources import ScanOptions, Unit
from checker.sources.terraform_plan import scan_unit

if TYPE_CHECKING:
    from tests.conftest import Deadline


def read(tmp_path: Path, text: str) -> tuple[int, list[str]]:
    p = tmp_path / "tfplan.json"
    p.write_text(text)
    res = scan_unit(Unit("terraform_plan", str(p), (str(p),)), ScanOptions(roots=(str(tmp_path),)))
    return len(res.references), [e.message for e in res.errors]


def test_child_modules_nested_without_end(tmp_path: Path, deadline: Deadline) -> None:
    text = '{"format_version":"1.0","values":{"root_module":' + '{"child_modules":[' * 5000 + "{}" + "]}" * 5000 + "}}"
    with deadline(10):
        assert read(tmp_path, text) == (0, ["plan JSON nested too deeply to read"])


def test_after_unknown_nested_deep(tmp_path: Path, deadline: Deadline) -> None:
    rc = {
        "address": f"{PT}.p",
        "mode": "managed",
        "type": PT,
        "name": "p",
        "change": {"actions": ["create"], "after": {}, "after_unknown": "AU"},
    }
    text = json.dumps({"format_version": "1.2", "resource_changes": [rc]})
    text = text.replace('"AU"', "[" * 900 + "true" + "]" * 900)
    with deadline(10):
        _, errors = read(tmp_path, text)
    assert errors in ([], ["values nested too deeply to read"], ["plan JSON nested too deeply to read"])


def test_modules_nested_deep_in_the_configuration(tmp_path: Path, deadline: Deadline) -> None:
    depth = 100  # far past MAX_MODULE_DEPTH, within what json.dumps writes
    module: dict[str, Any] = {"resources": [{"address": f"{PT}.p", "mode": "managed", "type": PT, "name": "p"}]}
    node = module
    for _ in range(depth):
        node = {
            "module_calls": {"m": {"source": "./m", "expressions": {"x": {"references": ["var.x"]}}, "module": node}}
        }
    address = "module.m." * depth + f"{PT}.p"
    rc = {
        "address": address,
        "module_address": address.removesuffix(f".{PT}.p"),
        "mode": "managed",
        "type": PT,
        "name": "p",
        "change": {"actions": ["create"], "after": {}, "after_unknown": {"model_arn": True}},
    }
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./m"\n  x = var.x\n}\n')
    doc = {"format_version": "1.2", "resource_changes": [rc], "configuration": {"root_module": node}}
    with deadline(10):
        n, errors = read(tmp_path, json.dumps(doc))
    assert n == 1 and errors in ([], ["plan JSON nested too deeply to read"])


def test_lists_that_hold_something_else(tmp_path: Path) -> None:
    """Found by mutating real states: `resources` or `instances` that are
    numbers or booleans are nothing to read, not a crash."""
    shown = {
        "format_version": "1.0",
        "values": {"root_module": {"resources": 1, "child_modules": [{"resources": True}]}},
    }
    raw = {
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 1,
        "lineage": "x",
        "resources": [{"type": PT, "name": "p", "instances": 7}],
    }
    for doc in (shown, raw):
        assert read(tmp_path, json.dumps(doc)) == (0, [])
