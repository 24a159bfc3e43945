"""The settings resolver: flags, then BEDROCK_LIFECYCLE_* (the pipeline),
then the scanned repository's configuration, then the defaults; the
repository cannot override the pipeline, can be ignored, is read only at the
scanned root, and every setting it changes is listed in every report."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checker.cli import main
from checker.config import ConfigError
from checker.settings import DEFAULT_EOL_WINDOW, ENV_FEED, Flags, resolve

EOL_AGENT = 'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
WEAKENING = "feed: org-feed-is-mine.json\ndisabled_rules: [CKV_BEDROCK_1]\nskip_paths: [vendor]\neol_window: 10\n"


def repo(tmp_path: Path, config: str = WEAKENING) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "main.tf").write_text(EOL_AGENT)
    (root / ".bedrock-lifecycle.yaml").write_text(config)
    return root


def test_flags_then_environment_then_repository_then_defaults(tmp_path: Path) -> None:
    root = repo(tmp_path)
    env = {ENV_FEED: "org.json"}
    assert resolve(Flags(feed="flag.json"), [str(root)], env).feed == "flag.json"
    # Today the repository's feed no longer overrides the organisation's.
    assert resolve(Flags(), [str(root)], env).feed == "org.json"
    only_repo = resolve(Flags(), [str(root)], {})
    assert only_repo.feed == "org-feed-is-mine.json" and only_repo.eol_window == 10
    assert resolve(Flags(eol_window=30), [str(root)], {"BEDROCK_LIFECYCLE_EOL_WINDOW": "60"}).eol_window == 30
    assert resolve(Flags(), [str(root)], {"BEDROCK_LIFECYCLE_EOL_WINDOW": "60"}).eol_window == 60
    assert resolve(Flags(), [str(tmp_path)], {}).eol_window == DEFAULT_EOL_WINDOW


def test_every_weakening_repository_setting_is_named(tmp_path: Path) -> None:
    changes = resolve(Flags(), [str(repo(tmp_path))], {}).repository_changes
    text = "\n".join(changes)
    for key in ("feed", "disabled_rules: CKV_BEDROCK_1", "skip_paths: vendor", "eol_window: 10"):
        assert key in text
    assert all(c.startswith(str(tmp_path / "repo" / ".bedrock-lifecycle.yaml")) for c in changes)


def test_no_repo_config_ignores_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path)
    s = resolve(Flags(no_repo_config=True), [str(root)], {})
    assert (s.feed, s.disabled_rules, s.skip_paths, s.repository_changes) == (None, frozenset(), (), ())
    assert resolve(Flags(), [str(root)], {"BEDROCK_LIFECYCLE_NO_REPO_CONFIG": "1"}).config_path is None
    (root / ".bedrock-lifecycle.yaml").write_text("disabled_rules: [CKV_BEDROCK_1]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["scan", "repo", "--as-of", "2026-11-24", "-q"]) == 0  # the repository turned the EOL off...
    assert main(["scan", "repo", "--as-of", "2026-11-24", "-q", "--no-repo-config"]) == 1  # ...the pipeline did not


def test_config_search_stops_at_the_scanned_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".bedrock-lifecycle.yaml").write_text("disabled_rules: [CKV_BEDROCK_1]\n")
    sub = tmp_path / "infra"
    sub.mkdir()
    (sub / "main.tf").write_text(EOL_AGENT)
    assert resolve(Flags(), [str(sub)], {}).config_path is None
    assert resolve(Flags(), [str(sub / "main.tf")], {}).config_path is None
    assert resolve(Flags(), [str(tmp_path)], {}).config_path == str(tmp_path / ".bedrock-lifecycle.yaml")


def test_bad_environment_values_name_the_variable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ConfigError, match="BEDROCK_LIFECYCLE_EOL_WINDOW='soon'"):
        resolve(Flags(), [str(tmp_path)], {"BEDROCK_LIFECYCLE_EOL_WINDOW": "soon"})
    with pytest.raises(ConfigError, match="BEDROCK_LIFECYCLE_AS_OF"):
        resolve(Flags(), [str(tmp_path)], {"BEDROCK_LIFECYCLE_AS_OF": "tomorrow"})
    assert resolve(Flags(), [str(tmp_path)], {"BEDROCK_LIFECYCLE_AS_OF": "2027-01-02"}).as_of == date(2027, 1, 2)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "sarif", "junit"])
def test_every_report_lists_the_repository_changes(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo(tmp_path, "disabled_rules: [CKV_BEDROCK_1]\nskip_paths: [vendor]\n")
    monkeypatch.chdir(tmp_path)
    main(["scan", "repo", "--as-of", "2026-11-24", "-q", "--format", fmt])
    out = capsys.readouterr().out
    assert "disabled_rules: CKV_BEDROCK_1" in out and "skip_paths: vendor" in out
    if fmt == "json":
        assert any(c.endswith("disabled_rules: CKV_BEDROCK_1") for c in json.loads(out)["repository_changes"])
    main(["scan", "repo", "--as-of", "2026-11-24", "-q", "--format", fmt, "--no-repo-config"])
    assert "disabled_rules" not in capsys.readouterr().out


def test_fail_on_unresolved_only_ever_stricter(tmp_path: Path) -> None:
    """The flag, the environment or the repository may require full
    resolution; a repository saying `false` cannot undo the pipeline's ask."""
    assert resolve(Flags(), [str(tmp_path)], {}).fail_on_unresolved is False
    assert resolve(Flags(fail_on_unresolved=True), [str(tmp_path)], {}).fail_on_unresolved is True
    env = {"BEDROCK_LIFECYCLE_FAIL_ON_UNRESOLVED": "1"}
    assert resolve(Flags(), [str(repo(tmp_path, "fail_on_unresolved: false\n"))], env).fail_on_unresolved is True
    stricter = tmp_path / "strict"
    stricter.mkdir()
    (stricter / ".bedrock-lifecycle.yaml").write_text("fail_on_unresolved: true\n")
    strict = resolve(Flags(), [str(stricter)], {})
    assert strict.fail_on_unresolved is True and strict.repository_changes == ()


def test_fail_on_unresolved_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "t.yaml").write_text(
        "Parameters:\n  M: {Type: String}\nResources:\n  A:\n    Type: AWS::Bedrock::Agent\n"
        "    Properties:\n      FoundationModel: !Ref M\n"
    )
    assert main(["scan", str(tmp_path), "--as-of", "2026-11-24", "--no-repo-config"]) == 0
    assert main(["scan", str(tmp_path), "--as-of", "2026-11-24", "--no-repo-config", "--fail-on-unresolved"]) == 1
    out = capsys.readouterr().out
    assert "1 reference(s) could not be resolved statically" in out and "parameter M has no Default" in out
