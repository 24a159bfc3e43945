"""Hostile input never crashes the scan, never escapes the tree and never
runs: each attack gives its exact error, naming the file (and line), and the
other files of the same scan still produce their findings."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest

from checker.feed import FeedError, load_bundled_feed, load_feed
from checker.pipeline import ScanSettings, scan
from checker.sources import ScanOptions

FILES = Path(__file__).parent / "files"
AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'


def tree_with(tmp_path: Path, name: str) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "good.tf").write_text(GOOD)
    src = FILES / name
    dest = root / name.removesuffix(".txt")
    if src.is_dir():
        shutil.copytree(src, dest)
        for p in list(dest.rglob("*.txt")):
            p.rename(p.with_suffix(""))
    else:
        shutil.copy(src, dest)
    return root


def scan_errors(root: Path, **opts: object) -> tuple[list[str], set[str]]:
    options = ScanOptions(**opts)  # type: ignore[arg-type]
    result = scan([str(root)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), options=options))
    assert result.exit_code == 2
    errors = [f"{os.path.relpath(e.file, root)}:{e.line}: {e.message}" for e in result.errors]
    return errors, {f.reference.resource for f in result.findings}


UNKNOWN = "; such values are treated as unknown, and the references that need them are reported as unresolved"
CASES = [
    ("broken.tf", "broken.tf:2: cannot parse HCL: unterminated string: a quoted string must close with '\"' on the line it starts; use a heredoc for text over several lines (at column 22)"),
    ("invalid-yaml.template", "invalid-yaml.template:5: cannot parse template: invalid YAML: did not find expected key"),
    ("yaml-bomb.template", "yaml-bomb.template:7: cannot parse template: document expands to more than 500,000 values (YAML alias expansion); refused"),
    ("unknown-tag.template", "unknown-tag.template:5: cannot parse template: unknown YAML tag '!Evil'"),
    ("python-object.template", "python-object.template:5: cannot parse template: unknown YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'"),
    ("not-utf8.tf", "not-utf8.tf:0: not valid UTF-8 (byte 0xe9 at offset 52); save the file as UTF-8"),
    ("deep.tf", "deep.tf:1: HCL nested too deeply to parse"),
    ("deep.template", "deep.template:4: cannot parse template: invalid YAML: exceeded maximum nesting depth"),
    ("escape-stack.template", "escape-stack.template:5: nested stack Child TemplateURL '../../../../../../etc/passwd.yaml' resolves outside the scanned tree; not read"),
    ("escape-module", "escape-module/main.tf:1: module \"escape\" source '../../../../../../etc' resolves outside the scanned tree; not read"),
    ("cdk-escape", "cdk-escape/cdk.out/manifest.json:0: stack artifact 'Stack' templateFile '../../../../../etc/passwd' points outside the assembly; not read"),
    ("future-plan.json.txt", "future-plan.json:1: unsupported plan format_version '2.0': this tool reads plans of format 0.x and 1.x (Terraform 0.12 to 1.x, OpenTofu)"),
    ("truncated-plan.json.txt", "truncated-plan.json:2: invalid plan JSON: Expecting ',' delimiter"),
    # Terraform's "billion laughs": values that double at each step.
    ("hcl-laughs.tf", f"hcl-laughs.tf:47: an expression builds a string of more than 1,048,576 characters{UNKNOWN}"),
    ("hcl-list-laughs.tf", f"hcl-list-laughs.tf:47: an expression builds a collection of more than 1,048,576 items and characters{UNKNOWN}"),
    ("hcl-nested-laughs.tf", f"hcl-nested-laughs.tf:47: an expression builds a collection of more than 1,048,576 items and characters{UNKNOWN}"),
    ("hcl-alternatives.tf", f"hcl-alternatives.tf:49: conditionals give more than 256 alternative values{UNKNOWN}"),
    ("hcl-chain.tf", f"hcl-chain.tf:307: references nest more than 100 deep{UNKNOWN}"),
    ("hcl-loops", f"hcl-loops/main.tf:8: expressions take more than 1,000,000 evaluation steps{UNKNOWN}"),
    ("hcl-fanout", "hcl-fanout/n/main.tf:6: more than 20,000 model references in one root module (count and for_each on nested module calls multiply); the rest are not checked"),
]


@pytest.mark.parametrize(("name", "error"), CASES, ids=[c[0] for c in CASES])
def test_attack_gives_its_error_and_the_scan_goes_on(tmp_path: Path, name: str, error: str) -> None:
    errors, fired = scan_errors(tree_with(tmp_path, name))
    assert errors == [error]
    assert "aws_bedrockagent_agent.good" in fired


def test_python_tags_never_run(tmp_path: Path) -> None:
    marker = Path("/tmp/pwned")
    marker.unlink(missing_ok=True)
    scan_errors(tree_with(tmp_path, "python-object.template"))
    assert not marker.exists()


def test_huge_file_is_skipped_with_its_size(tmp_path: Path) -> None:
    errors, fired = scan_errors(tree_with(tmp_path, "huge.tf"), max_file_bytes=8000)
    assert errors == ["huge.tf:0: file is 12,455 bytes, over the 8,000-byte limit (--max-file-size)"]
    assert "aws_bedrockagent_agent.good" in fired


def test_symlink_loop_and_escape(tmp_path: Path) -> None:
    root = tree_with(tmp_path, "broken.tf")
    (root / "broken.tf").unlink()
    (root / "loop").mkdir()
    (root / "loop" / "up").symlink_to(root)
    (root / "etc").symlink_to("/etc")
    (root / "secret.tf").symlink_to("/etc/hostname")
    errors, fired = scan_errors(root)
    assert sorted(errors) == [
        "etc:0: symlink points outside the scanned tree, not followed",
        "loop/up:0: symlink loop, not followed",
        "secret.tf:0: symlink points outside the scanned tree, not followed",
    ]
    assert "aws_bedrockagent_agent.good" in fired


@pytest.mark.parametrize("name", ["utf16-bom.template", "utf8-bom-crlf.tf"])
def test_encodings_read_with_right_lines(tmp_path: Path, name: str) -> None:
    root = tree_with(tmp_path, name)
    result = scan([str(root)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    assert result.errors == []
    lines = {Path(a.reference.location.file).name: a.reference.location.line for a in result.references}
    assert lines[name] == (5 if name.endswith(".template") else 3)


def test_feed_that_fails_its_schema_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "feed.json"
    shutil.copy(FILES / "bad-feed.json.txt", bad)
    with pytest.raises(FeedError) as err:
        load_feed(bad)
    assert str(err.value).splitlines()[1:] == [
        "  $.as_of: '2026-13-01' does not match '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$'",
        "  $.models[0].source: {'read_on': '2025-11-13'} is not valid under any of the given schemas",
    ]
    truncated = tmp_path / "truncated.json"
    shutil.copy(FILES / "truncated-feed.json.txt", truncated)
    with pytest.raises(FeedError, match="feed is not valid JSON: Expecting value at line 1 column 61"):
        load_feed(truncated)
    huge = tmp_path / "huge.json"
    with huge.open("w") as fh:
        fh.write('{"models": [' + " " * (21 * 1024 * 1024) + "]}")
    with pytest.raises(FeedError, match="over the 20,971,520-byte limit"):
        load_feed(huge)


def test_refreshed_feed_write_killed_halfway_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.feed.refresh import write_if_valid
    from checker.util import atomic

    target = tmp_path / "feed.json"
    old = (Path(__file__).resolve().parents[2] / "checker" / "feed" / "bundled.json").read_text()
    target.write_text(old)
    doc = json.loads(old)
    doc["as_of"] = "2026-11-24"
    real = atomic.os.replace

    def crash(*a: object) -> None:
        raise KeyboardInterrupt("killed halfway")

    monkeypatch.setattr(atomic.os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        write_if_valid(doc, str(target))
    monkeypatch.setattr(atomic.os, "replace", real)
    assert target.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["feed.json"]


def test_corrupt_cache_entries_are_ignored(tmp_path: Path) -> None:
    root = tree_with(tmp_path, "broken.tf")
    cache = tmp_path / "cache"
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(cache))
    first = scan([str(root)], settings)
    entries = list(cache.rglob("*.json"))
    assert entries
    for e in entries:
        e.write_text('{"format": 1, "version": "0.1.0", "references": [{"raw": "__import__(\\"os\\")"}]')
    again = scan([str(root)], settings)
    assert [a.reference for a in again.references] == [a.reference for a in first.references]
    assert [str(e) for e in again.errors] == [str(e) for e in first.errors]


@pytest.mark.parametrize("name", ["hcl-laughs.tf", "hcl-alternatives.tf", "hcl-chain.tf"])
def test_a_value_over_a_limit_is_reported_unresolved_not_dropped(tmp_path: Path, name: str) -> None:
    """The resource that needed the value is still listed, as a reference
    whose model could not be known, so a reviewer sees where to look."""
    root = tree_with(tmp_path, name)
    result = scan([str(root)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), options=ScanOptions()))
    hostile = [a.reference for a in result.references if a.reference.location.file.endswith(name)]
    assert len(hostile) == 1 and not hostile[0].resolved, hostile
