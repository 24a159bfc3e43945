"""The checkov policy files, as data: `policies/` in the repository is
exactly what `policy_files()` returns (a test holds them equal), so an
installed copy of the tool can write the same checks for checkov without
shipping a top-level `policies` package."""

from __future__ import annotations

import textwrap
from pathlib import Path

from checker import rules

_FRAMEWORKS = (
    ("terraform", "tf", "terraform_check", "Terraform"),
    ("cloudformation", "cfn", "cloudformation_check", "CloudFormation"),
)

_BOOTSTRAP = '''"""Make `checker` importable for the checks in this folder.

checkov executes every .py file of an external checks folder, this one too,
and puts each folder on sys.path first.  When `checker` is installed in
checkov's environment (`pip install --no-deps bedrock-lifecycle-checker`)
nothing happens here; when checkov loads this folder from a git clone
(`--external-checks-git`), the clone's root holds `checker/` and goes on the
path.
"""

import os
import sys

try:
    import checker  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
'''


def _docstring(text: str) -> str:
    lines = textwrap.wrap(text, 116)
    return '"""' + "\n".join(lines) + '"""\n'


def policy_files() -> dict[str, str]:
    """Relative path -> content of every file of the checkov policies folder."""
    files = {
        "__init__.py": '"""checkov custom checks for Bedrock model lifecycle: two per rule of checker.rules."""\n',
        "bedrock_lifecycle_bootstrap.py": _BOOTSTRAP,
        "terraform/__init__.py": '"""Terraform (HCL and plan JSON) checks."""\n',
        "cloudformation/__init__.py": '"""CloudFormation checks (templates, SAM, cdk.out)."""\n',
    }
    for rule in rules.ALL_RULES:
        n = rule.id.rsplit("_", 1)[1]
        for folder, prefix, factory, label in _FRAMEWORKS:
            files[f"{folder}/{prefix}_ckv_bedrock_{n}.py"] = (
                _docstring(f"{rule.id} ({label}): fails when {rule.fires_when}.") + "\n"
                "import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)\n\n"
                f"from checker.integrations.checkov_checks import {factory}\n\n"
                f'check = {factory}("{rule.id}")\n'
            )
    return files


def write_policy_dir(target: Path) -> Path:
    for rel, text in policy_files().items():
        p = target / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if not p.exists() or p.read_text() != text:
            p.write_text(text)
    return target
