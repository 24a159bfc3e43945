"""Adding a source format is a folder with a `SOURCE` plus one line in
`checker/sources/registry.py`: done here the way a contributor would, with
a toy format, and scanned through the real pipeline."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.pipeline import ScanSettings, scan
from checker.sources import registry

TOY = '''
"""A toy format: `*.models.txt`, one model id per line."""

from checker.model import Location, Reference, SourceResult, Usage
from checker.sources.base import Unit


class ToySource:
    name = "toy"
    suffixes = (".models.txt",)
    early = True
    owns_directory = False

    def probe(self, path, probe):
        return True

    def units(self, files, options, probes):
        return [Unit(self.name, f, (f,)) for f in files]

    def scan_unit(self, unit, options):
        result = SourceResult(files=list(unit.files))
        with open(unit.key) as fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    result.references.append(
                        Reference(line.strip(), Usage.OTHER, f"line{n}", "toy", "model", Location(unit.key, n), "toy")
                    )
        return result


SOURCE = ToySource()
'''


def test_a_new_format_is_a_folder_and_one_registry_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pkgs" / "toyformat"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(TOY)
    monkeypatch.syspath_prepend(str(tmp_path / "pkgs"))
    monkeypatch.setattr(registry, "REGISTRY", (*registry.REGISTRY, "toyformat"))
    registry.sources.cache_clear()
    try:
        tree = tmp_path / "tree"
        tree.mkdir()
        (tree / "team.models.txt").write_text("anthropic.claude-v2\n")
        (tree / "main.tf").write_text(
            'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "amazon.nova-pro-v1:0"\n}\n'
        )
        result = scan([str(tree)], ScanSettings(as_of=date(2026, 11, 24), feed=load_bundled_feed(), jobs=1))
        assert {(a.reference.framework, a.reference.raw) for a in result.references} == {
            ("toy", "anthropic.claude-v2"),
            ("terraform", "amazon.nova-pro-v1:0"),
        }
        assert {f.rule_id for f in result.findings if f.reference.framework == "toy"} == {"CKV_BEDROCK_1"}
    finally:
        registry.sources.cache_clear()
        sys.modules.pop("toyformat", None)


def test_every_registered_source_is_complete() -> None:
    names = [s.name for s in registry.sources()]
    assert names == ["cdk", "terraform_plan", "cloudformation", "terraform"]
    for s in registry.sources():
        assert s.suffixes and all(x.startswith((".", "manifest")) for x in s.suffixes)
        assert registry.source(s.name) is s
