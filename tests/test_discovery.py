"""Discovery: which files become which units, and that the walk never leaves
the scanned tree (symlinks out, symlink loops) nor reads vendored folders."""

from __future__ import annotations

import json
import os
from pathlib import Path

from checker.model import ScanError
from checker.sources import discover, walk


def _write(p: Path, text: str = "") -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def _units(root: Path) -> dict[str, list[str]]:
    disc = discover([str(root)])
    out: dict[str, list[str]] = {}
    for u in disc.units:
        out.setdefault(u.source, []).append(os.path.relpath(u.key, root))
    return {k: sorted(v) for k, v in out.items()}


def test_files_are_grouped_by_kind(tmp_path: Path) -> None:
    _write(tmp_path / "tf/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    _write(tmp_path / "tf/vars.tfvars", 'x = "y"\n')
    _write(tmp_path / "tf/modules/m/main.tf.json", "{}")
    _write(tmp_path / "cfn/stack.yaml", "Resources: {}\n")
    _write(tmp_path / "cfn/stack.template", "{}")
    _write(tmp_path / "plans/tfplan.json", json.dumps({"format_version": "1.2", "terraform_version": "1.9.0"}))
    _write(tmp_path / "notes/readme.md", "# hello")
    asm = tmp_path / "app/cdk.out"
    _write(asm / "manifest.json", json.dumps({"version": "41.0.0", "artifacts": {}}))
    _write(asm / "Stack.template.json", json.dumps({"Resources": {}}))
    _write(asm / "assembly-Stage/manifest.json", json.dumps({"version": "41.0.0", "artifacts": {}}))
    units = _units(tmp_path)
    assert units["terraform_plan"] == ["plans/tfplan.json"]
    assert units["cloudformation"] == ["cfn/stack.template", "cfn/stack.yaml"]
    assert units["cdk"] == ["app/cdk.out"]  # the nested assembly belongs to the outer one
    tf_files = sorted(
        os.path.relpath(f, tmp_path)
        for u in discover([str(tmp_path)]).units
        if u.source == "terraform"
        for f in u.files
    )
    assert {"tf/main.tf", "tf/vars.tfvars", "tf/modules/m/main.tf.json"} <= set(tf_files)


def test_vendored_and_tool_directories_are_skipped(tmp_path: Path) -> None:
    for d in (".terraform/modules/x", "node_modules/pkg", ".git", ".aws-sam/build"):
        _write(tmp_path / d / "main.tf", "")
        _write(tmp_path / d / "template.yaml", "Resources: {}")
    _write(tmp_path / "real/main.tf", "")
    errors: list[ScanError] = []
    files = [os.path.relpath(f, tmp_path) for f in walk([str(tmp_path)], errors)]
    assert files == ["real/main.tf"]
    assert errors == []


def test_symlink_out_of_the_tree_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    _write(outside / "secret.tf", 'resource "x" "y" {}')
    root = tmp_path / "repo"
    _write(root / "main.tf", "")
    (root / "escape").symlink_to(outside)
    (root / "passwd.tf").symlink_to(outside / "secret.tf")
    errors: list[ScanError] = []
    files = [os.path.relpath(f, root) for f in walk([str(root)], errors)]
    assert files == ["main.tf"]
    messages = sorted((Path(e.file).name, e.message) for e in errors)
    assert messages == [
        ("escape", "symlink points outside the scanned tree, not followed"),
        ("passwd.tf", "symlink points outside the scanned tree, not followed"),
    ]


def test_symlink_loop_is_detected(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root / "a/main.tf", "")
    (root / "a/loop").symlink_to(root / "a")
    (root / "self").symlink_to(root)
    errors: list[ScanError] = []
    files = [os.path.relpath(f, root) for f in walk([str(root)], errors)]
    assert files == ["a/main.tf"]
    assert sorted(Path(e.file).name for e in errors) == ["loop", "self"]
    assert all("symlink loop" in e.message for e in errors)


def test_directory_symlink_inside_the_tree_is_read_once(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _write(root / "shared/main.tf", "")
    (root / "env").mkdir()
    (root / "env/shared").symlink_to(root / "shared")
    errors: list[ScanError] = []
    files = sorted(os.path.relpath(f, root) for f in walk([str(root)], errors))
    assert files == ["shared/main.tf"]  # read once, at its real place
    assert errors == []


def test_broken_symlink_and_missing_path_are_reported(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "dangling.tf").symlink_to(root / "nope.tf")
    errors: list[ScanError] = []
    assert walk([str(root), str(tmp_path / "missing")], errors) == []
    kinds = sorted((Path(e.file).name, e.message) for e in errors)
    assert kinds == [("dangling.tf", "broken symlink, not followed"), ("missing", "no such file or directory")]


def test_plan_detection_reads_content_not_name(tmp_path: Path) -> None:
    _write(tmp_path / "a.json", json.dumps({"format_version": "1.0", "resource_changes": []}))
    _write(tmp_path / "b.json", json.dumps({"Resources": {"X": {"Type": "AWS::S3::Bucket"}}}))
    _write(tmp_path / "package.json", json.dumps({"name": "x", "version": "1.0.0"}))
    units = _units(tmp_path)
    assert units["terraform_plan"] == ["a.json"]
    assert units["cloudformation"] == ["b.json", "package.json"]  # the CFN source skips non-templates quietly


def test_the_walk_shared_out_to_workers_finds_what_the_serial_walk_finds(tmp_path: Path) -> None:
    """A wide tree is walked and read in worker processes; the files, the
    first-pass verdicts and the symlink errors are those of the serial walk."""
    from checker.sources import LazyPool, ScanOptions, survey

    outside = tmp_path / "outside"
    _write(
        outside / "secret.tf", 'resource "aws_bedrockagent_agent" "x" { foundation_model = "anthropic.claude-v2" }\n'
    )
    root = tmp_path / "repo"
    for i in range(40):
        _write(root / f"team{i:02d}/svc/main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    _write(
        root / "team07/svc/agent.tf",
        'resource "aws_bedrockagent_agent" "a" { foundation_model = "anthropic.claude-v2" }\n',
    )
    _write(root / "team09/stack.yaml", "Resources:\n  F: {Type: AWS::Lambda::Function, Properties: {}}\n")
    _write(root / "top.tf", "# nothing here\n")
    os.symlink(outside, root / "team03/out")
    os.symlink(root / "team05", root / "team05/svc/loop")
    options = ScanOptions(roots=(str(root),))
    serial = survey([str(root)], options)
    pools = LazyPool(2)
    try:
        shared = survey([str(root)], options, pools)
        assert pools._pool is not None  # the workers did the walk
    finally:
        pools.close()
    assert shared.files == serial.files == walk([str(root)], [])
    assert shared.probes == serial.probes
    assert [p for p, probe in shared.probes.items() if probe.matters] == [str(root / "team07/svc/agent.tf")]
    assert sorted(map(str, shared.errors)) == sorted(map(str, serial.errors))
    assert {e.message for e in shared.errors} == {
        "symlink points outside the scanned tree, not followed",
        "symlink loop, not followed",
    }
