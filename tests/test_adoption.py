"""Adopting the tool in a repository that already has findings: inline
suppressions (with reasons and expiry), baselines and the config file, each
with its happy path and its bad input."""

from __future__ import annotations

import json
import os
import textwrap
from datetime import date
from pathlib import Path

import pytest

from checker.baseline import BaselineError, load_baseline, write_baseline
from checker.cli import main
from checker.config import ConfigError, load_config
from checker.feed import load_bundled_feed
from checker.pipeline import ScanSettings, scan

AS_OF = date(2026, 11, 24)


def write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(textwrap.dedent(text).lstrip("\n"))
    return p


def run_scan(root: Path, **kw: object) -> tuple[list[tuple[str, bool]], list[str]]:
    result = scan([str(root)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), **kw))  # type: ignore[arg-type]
    return (
        sorted((f"{f.reference.resource}:{f.rule_id}", f.active) for f in result.findings),
        [f"{Path(e.file).name}:{e.line}: {e.message}" for e in result.errors],
    )


def test_inline_suppressions_hcl_and_yaml(tmp_path: Path) -> None:
    write(
        tmp_path / "main.tf",
        """
        resource "aws_bedrockagent_agent" "hash" {
          # bedrock-lifecycle:ignore CKV_BEDROCK_1 decommissioned with the v1 API next sprint
          foundation_model = "anthropic.claude-v2"
        }
        resource "aws_bedrockagent_agent" "slashes" {
          foundation_model = "anthropic.claude-v2" // bedrock-lifecycle:ignore CKV_BEDROCK_1 same line works too
        }
        resource "aws_bedrockagent_agent" "checkov" {
          # checkov:skip=CKV_BEDROCK_6:vendor-private model id
          agent_name       = "x"
          foundation_model = "vendor.private-model-v1:0"
        }
        resource "aws_bedrockagent_agent" "expired" {
          # bedrock-lifecycle:ignore CKV_BEDROCK_3,CKV_BEDROCK_4 migration planned until=2026-11-01
          foundation_model = "anthropic.claude-opus-4-1-20250805-v1:0"
        }
        resource "aws_bedrockagent_agent" "open" {
          foundation_model = "anthropic.claude-v2:1"
        }
    """,
    )
    write(
        tmp_path / "t.yaml",
        """
        Resources:
          Agent:
            Type: AWS::Bedrock::Agent
            Properties:
              # bedrock-lifecycle:ignore CKV_BEDROCK_1 retired with the stack in December
              FoundationModel: anthropic.claude-v2
    """,
    )
    findings, errors = run_scan(tmp_path)
    assert errors == []
    assert findings == [
        ("Agent:CKV_BEDROCK_1", False),
        ("aws_bedrockagent_agent.checkov:CKV_BEDROCK_6", False),
        ("aws_bedrockagent_agent.expired:CKV_BEDROCK_3", True),
        ("aws_bedrockagent_agent.expired:CKV_BEDROCK_4", True),
        ("aws_bedrockagent_agent.expired:CKV_BEDROCK_5", True),
        ("aws_bedrockagent_agent.hash:CKV_BEDROCK_1", False),
        ("aws_bedrockagent_agent.open:CKV_BEDROCK_1", True),
        ("aws_bedrockagent_agent.slashes:CKV_BEDROCK_1", False),
    ]
    result = scan([str(tmp_path)], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))
    expired = next(
        f for f in result.findings if f.reference.resource.endswith("expired") and f.rule_id == "CKV_BEDROCK_3"
    )
    assert expired.suppression is not None and expired.suppression.expired
    assert expired.message.endswith("(suppression expired on 2026-11-01)")
    hashed = next(f for f in result.findings if f.reference.resource.endswith("hash"))
    assert hashed.suppression is not None and hashed.suppression.reason == "decommissioned with the v1 API next sprint"


def test_cloudformation_json_metadata_suppressions(tmp_path: Path) -> None:
    doc = {
        "Resources": {
            "A": {
                "Type": "AWS::Bedrock::Agent",
                "Properties": {"FoundationModel": "anthropic.claude-v2"},
                "Metadata": {
                    "bedrock-lifecycle": {
                        "ignore": [{"id": "CKV_BEDROCK_1", "reason": "sunset", "until": "2027-01-31"}]
                    }
                },
            },
            "B": {
                "Type": "AWS::Bedrock::Agent",
                "Properties": {"FoundationModel": "anthropic.claude-v2"},
                "Metadata": {"checkov": {"skip": [{"id": "CKV_BEDROCK_1", "comment": "tracked"}]}},
            },
            "C": {
                "Type": "AWS::Bedrock::Agent",
                "Properties": {"FoundationModel": "anthropic.claude-v2"},
                "Metadata": {"bedrock-lifecycle": {"ignore": [{"id": "CKV_BEDROCK_1"}]}},
            },
        }
    }
    (tmp_path / "t.json").write_text(json.dumps(doc, indent=2))
    findings, errors = run_scan(tmp_path)
    assert findings == [("A:CKV_BEDROCK_1", False), ("B:CKV_BEDROCK_1", False), ("C:CKV_BEDROCK_1", True)]
    assert len(errors) == 1 and "suppression of CKV_BEDROCK_1 has no reason; a reason is required" in errors[0]


@pytest.mark.parametrize(
    ("comment", "error"),
    [
        (
            "# bedrock-lifecycle:ignore CKV_BEDROCK_1",
            "main.tf:2: suppression of CKV_BEDROCK_1 has no reason; a reason is required",
        ),
        (
            "# bedrock-lifecycle:ignore CKV_BEDROCK_1 soon until=2027-02-30",
            "main.tf:2: suppression has an invalid date '2027-02-30' (use until=YYYY-MM-DD)",
        ),
        (
            "# bedrock-lifecycle:ignore please",
            "main.tf:2: suppression names no rule id (e.g. bedrock-lifecycle:ignore CKV_BEDROCK_3 reason)",
        ),
    ],
)
def test_bad_suppressions_do_not_apply_and_are_errors(tmp_path: Path, comment: str, error: str) -> None:
    write(
        tmp_path / "main.tf",
        f"""
        resource "aws_bedrockagent_agent" "a" {{
          {comment}
          foundation_model = "anthropic.claude-v2"
        }}
    """,
    )
    findings, errors = run_scan(tmp_path)
    assert findings == [("aws_bedrockagent_agent.a:CKV_BEDROCK_1", True)]
    assert errors == [error]


def test_baseline_only_new_findings_fail_and_survives_line_moves(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    tf = write(
        repo / "main.tf",
        """
        resource "aws_bedrockagent_agent" "old" {
          foundation_model = "anthropic.claude-v2"
        }
    """,
    )
    base = tmp_path / "baseline.json"
    assert main(["scan", str(repo), "--as-of", "2026-11-24", "--create-baseline", str(base)]) == 0
    assert len(load_baseline(base)) == 1
    tf.write_text("# moved down\n\n" + tf.read_text())
    assert main(["scan", str(repo), "--as-of", "2026-11-24", "--baseline", str(base), "-q"]) == 0
    tf.write_text(
        tf.read_text() + 'resource "aws_bedrockagent_agent" "new" {\n  foundation_model = "anthropic.claude-v2:1"\n}\n'
    )
    assert main(["scan", str(repo), "--as-of", "2026-11-24", "--baseline", str(base), "-q"]) == 1


def test_corrupt_baseline_is_a_clear_error_and_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(
        tmp_path / "repo/main.tf",
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n',
    )
    base = tmp_path / "baseline.json"
    base.write_text('{"version": 1, "findings": [')
    assert main(["scan", str(tmp_path / "repo"), "--baseline", str(base)]) == 2
    assert "baseline is not valid JSON" in capsys.readouterr().err
    assert base.read_text() == '{"version": 1, "findings": ['
    base.write_text('{"version": 7, "findings": []}')
    with pytest.raises(BaselineError, match="not a bedrock-lifecycle baseline"):
        load_baseline(base)


def test_baseline_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "baseline.json"
    base.write_text('{"version": 1, "findings": []}\n')
    import checker.util.atomic as atomic

    real_fdopen = os.fdopen

    class Boom:
        def __init__(self, fh: object) -> None:
            self.fh = fh

        def __enter__(self) -> Boom:
            return self

        def __exit__(self, *a: object) -> None:
            self.fh.close()  # type: ignore[attr-defined]

        def write(self, data: bytes) -> None:
            self.fh.write(data[: len(data) // 2])  # type: ignore[attr-defined]
            raise OSError("disk full halfway")

    monkeypatch.setattr(atomic.os, "fdopen", lambda fd, mode: Boom(real_fdopen(fd, mode)))
    with pytest.raises(OSError, match="disk full halfway"):
        write_baseline(base, [], AS_OF)
    assert base.read_text() == '{"version": 1, "findings": []}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline.json"]


def test_config_file_defaults_and_bad_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / "infra/main.tf",
        """
        resource "aws_bedrockagent_agent" "a" {
          foundation_model = "anthropic.claude-opus-4-1-20250805-v1:0"
        }
    """,
    )
    write(
        tmp_path / "vendor/main.tf",
        'resource "aws_bedrockagent_agent" "v" {\n  foundation_model = "anthropic.claude-v2"\n}\n',
    )
    monkeypatch.chdir(tmp_path)
    # Default threshold is error: the Opus 4.1 agent fails (EOL within 90 days).
    assert main(["scan", "infra", "--as-of", "2026-11-24", "-q"]) == 1
    capsys.readouterr()
    write(
        tmp_path / ".bedrock-lifecycle.yaml",
        """
        fail_on: error
        eol_window: 30
        skip_paths: [vendor]
        severities:
          CKV_BEDROCK_3: notice
    """,
    )
    assert load_config().get("eol_window") == 30
    # 45 days to EOL is outside the 30-day window; Legacy and PEA are warnings/notices.
    assert main(["scan", ".", "--as-of", "2026-11-24", "-q", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {f["resource"] for f in doc["findings"]} == {"aws_bedrockagent_agent.a"}
    assert {f["rule_id"]: f["severity"] for f in doc["findings"]}["CKV_BEDROCK_3"] == "notice"
    assert main(["scan", ".", "--as-of", "2026-11-24", "-q", "--eol-window", "90"]) == 1  # flags win
    write(tmp_path / ".bedrock-lifecycle.yaml", "fail_on: error\neol_windw: 30\n")
    with pytest.raises(ConfigError, match=r"Additional properties are not allowed \('eol_windw' was unexpected\)"):
        load_config()
    assert main(["scan", ".", "-q"]) == 2
    assert "eol_windw" in capsys.readouterr().err
    write(tmp_path / ".bedrock-lifecycle.yaml", "fail_on: sometimes\n")
    with pytest.raises(ConfigError, match="fail_on: 'sometimes' is not one of"):
        load_config()


def test_pyproject_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.bedrock-lifecycle]\nfail-on = "warning"\n')
    (tmp_path / ".git").mkdir()
    cfg = load_config(start=tmp_path)
    assert cfg.get("fail_on") == "warning" and cfg.path and cfg.path.endswith("pyproject.toml")


def test_cache_reuses_unchanged_trees_and_notices_changes(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    tf = write(
        repo / "main.tf", 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    write(
        repo / "t.yaml",
        "Resources:\n  B:\n    Type: AWS::Bedrock::Agent\n    Properties: {FoundationModel: amazon.nova-pro-v1:0}\n",
    )
    cache = tmp_path / "cache"
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(cache))
    cold = scan([str(repo)], settings)
    entries = sorted(p.name for p in cache.rglob("*.json"))
    assert any(e.startswith("tree-") for e in entries) and len(entries) >= 3
    warm = scan([str(repo)], settings)
    assert [a.reference for a in warm.references] == [a.reference for a in cold.references]
    assert [f.rule_id for f in warm.findings] == [f.rule_id for f in cold.findings] == ["CKV_BEDROCK_1"]
    tf.write_text(tf.read_text().replace("anthropic.claude-v2", "anthropic.claude-v2:1"))
    os.utime(tf, ns=(1, 1))  # even with an old timestamp, the size changed
    changed = scan([str(repo)], settings)
    assert {a.reference.raw for a in changed.references} == {"anthropic.claude-v2:1", "amazon.nova-pro-v1:0"}


def test_cached_reports_are_replayed_only_for_the_same_tree_date_and_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scan --cache` writes an unchanged tree's report from the cache (no
    scan runs); a changed file, another date or another format scans again,
    and a corrupt entry is ignored."""
    import checker.pipeline

    repo = tmp_path / "repo"
    tf = write(
        repo / "main.tf", 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    cache = tmp_path / "cache"
    scans: list[int] = []
    real_scan = checker.pipeline.scan

    def counting_scan(*a: object, **k: object) -> object:
        scans.append(1)
        return real_scan(*a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(checker.pipeline, "scan", counting_scan)

    def run(*extra: str) -> tuple[int, str]:
        out = tmp_path / "out.json"
        code = main(["scan", str(repo), "--cache", str(cache), "-f", "json", "-o", str(out), "-q", *extra])
        return code, out.read_text()

    first = run("--as-of", "2026-11-24")
    assert first[0] == 1 and len(scans) == 1
    assert run("--as-of", "2026-11-24") == first and len(scans) == 1  # replayed
    assert run("--as-of", "2026-11-25")[0] == 1 and len(scans) == 2  # another date: scanned
    code = main(["scan", str(repo), "--cache", str(cache), "-f", "sarif", "-q", "--as-of", "2026-11-24"])
    assert code == 1 and len(scans) == 3 and '"runs"' in capsys.readouterr().out  # another format
    tf.write_text(tf.read_text().replace("anthropic.claude-v2", "amazon.nova-pro-v1:0"))
    changed = run("--as-of", "2026-11-24")
    assert changed[0] == 0 and len(scans) == 4 and "nova-pro" in changed[1]
    for entry in cache.rglob("tree-*.json"):
        entry.write_text('{"format": 1, "kind": "report", "exit_code": 7, "text": "forged"}')
    again = run("--as-of", "2026-11-24")
    assert again == changed and len(scans) == 5  # a malformed entry is not trusted


def test_a_cache_written_by_other_code_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are keyed by the tool's version and a digest of its code: a
    development install that changed the code, under the same version
    number, scans again instead of reading what the old code found."""
    import checker.cache
    import checker.pipeline

    repo = tmp_path / "repo"
    write(repo / "main.tf", 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n')
    cache = tmp_path / "cache"
    hits: list[str] = []
    real_get = checker.cache.ResultCache.get

    def counting_get(self: checker.cache.ResultCache, key: str) -> object:
        found = real_get(self, key)
        if found is not None:
            hits.append(key)
        return found

    monkeypatch.setattr(checker.cache.ResultCache, "get", counting_get)
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(cache))
    assert checker.cache.code_version().startswith(checker.__version__ + "+")
    scan([str(repo)], settings)
    write(repo / "other" / "other.tf", "# another unit changed, so the whole-tree entry does not apply\n")
    scan([str(repo)], settings)
    assert hits  # same code: the unit's entry is read back
    hits.clear()
    for module in (checker.cache, checker.pipeline):
        monkeypatch.setattr(module, "code_version", lambda: f"{checker.__version__}+other")
    write(repo / "other" / "other.tf", "# changed again\n")
    result = scan([str(repo)], settings)
    assert not hits and [f.rule_id for f in result.findings] == ["CKV_BEDROCK_1"]


def test_a_cached_walk_notices_added_removed_and_changed_files(tmp_path: Path) -> None:
    """The cached scan trusts last time's walk only while every directory and
    file keeps its modification time (and every file its size)."""
    from checker.cache import ResultCache
    from checker.pipeline import stat_walk
    from checker.sources import unchanged

    repo = tmp_path / "repo"
    write(repo / "a/main.tf", "# nothing\n")
    write(repo / "b/c/main.tf", "# nothing\n")
    settings = ScanSettings(as_of=AS_OF, feed=load_bundled_feed(), cache_dir=str(tmp_path / "cache"))
    cache = ResultCache(settings.cache_dir)  # type: ignore[arg-type]
    first = stat_walk([str(repo)], settings, cache)
    again = stat_walk([str(repo)], settings, cache)
    assert again.digest is not None and again.files == first.files and unchanged(again)
    added = write(repo / "b/c/agent.tf", "# new\n")
    assert not unchanged(again)
    third = stat_walk([str(repo)], settings, cache)
    assert third.digest not in (None, again.digest) and str(added) in third.files
    added.unlink()
    assert not unchanged(third)
    fourth = stat_walk([str(repo)], settings, cache)
    assert str(added) not in fourth.files
    (repo / "a/main.tf").write_text("# changed, longer\n")
    assert not unchanged(fourth)
