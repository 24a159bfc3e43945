"""The GitHub Action (action.yml) runs on pull requests, whose workflow may
pass text the contributor controls as an input: no input may be spliced into
a shell script's text, where `$(...)` or `;` would run as code."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ACTION = Path(__file__).resolve().parents[1] / "action.yml"


def test_no_input_or_step_output_is_spliced_into_a_script() -> None:
    doc = yaml.safe_load(ACTION.read_text())
    scripts = [step["run"] for step in doc["runs"]["steps"] if "run" in step]
    assert scripts
    for script in scripts:
        spliced = re.findall(r"\$\{\{\s*(inputs|steps)\.[^}]*\}\}", script)
        assert not spliced, script


def test_every_input_reaches_the_scan(tmp_path: Path) -> None:
    doc = yaml.safe_load(ACTION.read_text())
    scan = next(step for step in doc["runs"]["steps"] if step.get("id") == "scan")
    env = " ".join(str(v) for v in scan["env"].values())
    for name in doc["inputs"]:
        if name != "upload-sarif":
            assert f"inputs.{name}" in env, name
