"""The cache cannot change a verdict: entries planted or forged in a
restored cache directory are not read (each entry is bound to a secret
kept outside the cache), an error caused by the machine (a file that could
not be read) is not replayed once its cause is gone, and the directory stays
under its size bound by evicting the least recently used entries."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import checker.cache
from checker.cache import ResultCache, cache_secret
from checker.cli import main
from checker.model import Location, Reference, SourceResult, Usage

AS_OF = date(2026, 11, 24)
GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
SECRET = 'resource "aws_bedrockagent_agent" "secret" {\n  foundation_model = "anthropic.claude-v2"\n}\n'


@pytest.fixture(autouse=True)
def cache_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BEDROCK_LIFECYCLE_CACHE_KEY", "the pipeline's secret")
    cache_secret.cache_clear()
    yield
    cache_secret.cache_clear()


def _tree(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "sub").mkdir(parents=True)
    (repo / "good.tf").write_text(GOOD)
    (repo / "sub" / "secret.tf").write_text(SECRET)
    return repo


def _run(repo: Path, cache: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    here = os.getcwd()
    os.chdir(repo)
    try:
        code = main(["scan", ".", "--as-of", AS_OF.isoformat(), "--cache", str(cache), "-j", "1", "-q", *extra])
    finally:
        os.chdir(here)
    out = capsys.readouterr()
    return code, out.out + out.err


def test_forged_entries_are_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo, cache = _tree(tmp_path), tmp_path / "cache"
    first = _run(repo, cache, capsys)
    assert first[0] == 1 and "aws_bedrockagent_agent.secret" in first[1]
    entries = list(cache.rglob("*.json"))
    assert entries
    # Overwrite every entry with a well-formed one that says "nothing here":
    # a walk of no files, a clean report, a unit without references.
    forged = {
        "walk": {"format": checker.cache.CACHE_FORMAT, "kind": "walk", "files": [], "dirs": [], "errors": []},
        "report": {"format": checker.cache.CACHE_FORMAT, "kind": "report", "exit_code": 0, "text": "clean\n"},
        "unit": json.loads(checker.cache.encode(SourceResult())),
    }
    for e in entries:
        kind = "walk" if e.name.startswith("walk-") else "report" if e.name.startswith("tree-") else "unit"
        body = json.dumps(forged[kind])
        e.write_text(f"{'0' * 64}\n{body}")
    assert _run(repo, cache, capsys) == first


def test_entries_made_with_another_key_are_misses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What someone without the pipeline's secret can compute from public
    data (the tool, the tree) names no entry the pipeline reads."""
    repo, cache = _tree(tmp_path), tmp_path / "cache"
    monkeypatch.setenv("BEDROCK_LIFECYCLE_CACHE_KEY", "an attacker's key")
    cache_secret.cache_clear()
    (repo / "sub" / "secret.tf").write_text(SECRET.replace("anthropic.claude-v2", "amazon.nova-pro-v1:0x"))
    assert _run(repo, cache, capsys)[0] == 1
    planted = sorted(p.name for p in cache.rglob("*.json"))
    (repo / "sub" / "secret.tf").write_text(SECRET)
    monkeypatch.setenv("BEDROCK_LIFECYCLE_CACHE_KEY", "the pipeline's secret")
    cache_secret.cache_clear()
    code, out = _run(repo, cache, capsys)
    assert code == 1 and "aws_bedrockagent_agent.secret" in out
    assert not set(planted) & {p.name for p in cache.rglob("*.json") if p.name not in planted}


def test_a_read_error_does_not_outlive_its_cause(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tests run as root, for whom chmod 000 does not deny a read, so
    the denial is made at os.open for that one file (every reader uses it);
    fixing permissions changes neither its size nor its mtime."""
    repo, cache = _tree(tmp_path), tmp_path / "cache"
    real_open = os.open

    def denied(path: Any, *a: Any, **kw: Any) -> int:
        if str(path).endswith("secret.tf"):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **kw)

    monkeypatch.setattr(os, "open", denied)
    code, out = _run(repo, cache, capsys)
    assert code == 2 and "error: sub/secret.tf: cannot read: Permission denied" in out
    assert "aws_bedrockagent_agent.good" in out
    monkeypatch.setattr(os, "open", real_open)
    code, out = _run(repo, cache, capsys)
    assert code == 1 and "error:" not in out and "aws_bedrockagent_agent.secret" in out


def test_the_cache_stays_under_its_bound(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", max_bytes=40_000)
    ref = Reference("x" * 900, Usage.AGENT, "r", "t", "a", Location("f.tf", 1), "terraform")
    for i in range(200):
        cache.put(f"unit-{i}", SourceResult(references=[ref]))
        if i == 5:
            first_kept = f"unit-{i}"
    assert cache.get(first_kept) is not None  # a recent hit is kept
    cache.trim()
    sizes = [p.stat().st_size for p in (tmp_path / "cache").rglob("*.json")]
    assert sum(sizes) <= 40_000 and len(sizes) >= 20
    assert cache.get(first_kept) is not None
    assert cache.get("unit-6") is None  # written early, not used since: evicted
    assert cache.get("unit-199") is not None
