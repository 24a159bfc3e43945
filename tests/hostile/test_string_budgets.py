"""Memory is bounded by bytes, not only by counts of values: `Fn::Sub` and
`Fn::Join` building huge strings, and YAML aliases of a large string or of
a large structure, stay within their budgets.  Each case runs the CLI under
a 1 GiB address-space limit (RLIMIT_AS) and a time limit, its peak
resident memory stays under 200 MB (the same files took from 285 MB to
gigabytes before), it names the file, line and limit, and the good file of
the same scan keeps its finding."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import pytest
from run_here import run_python

GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
HEAD = 'AWSTemplateFormatVersion: "2010-09-09"\nParameters:\n  P:\n    Type: String\n    Default: {big}\n'
UNKNOWN = "; such values are treated as unknown, and the references that need them are reported as unresolved"


def _sub() -> str:
    """Eleven uses of a 100 KB parameter in one Fn::Sub: 1.1 MB."""
    return HEAD.format(big="x" * 100_000) + (
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n"
        '        Variables:\n          MODEL_ID: !Sub "anthropic.claude-v2' + "${P}" * 11 + '"\n'
    )


def _join() -> str:
    """A 1 MB parameter substituted 490,000 times through two levels of
    aliases inside Fn::Join: 490 GB if built."""
    inner = ", ".join(["*a0"] * 700)
    outer = ", ".join(['!Join ["", *a1]'] * 700)
    return HEAD.format(big="y" * 1_000_000) + (
        f'Metadata:\n  a0: &a0 !Sub "${{P}}"\n  a1: &a1 [{inner}]\n'
        "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Environment:\n"
        f'        Variables:\n          MODEL_ID: !Join ["", ["anthropic.claude-v2", {outer}]]\n'
    )


def _structure() -> str:
    """200,000 small mappings through aliases (400,000 values, under the
    count limit): the values are shared, not copied."""
    inner = ", ".join(["*a0"] * 500)
    return HEAD.format(big="z") + (
        f"Metadata:\n  a0: &a0 {{k: v}}\n  a1: &a1 [{inner}]\n  a2: [{', '.join(['*a1'] * 400)}]\n"
        "Resources:\n  Agent:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: anthropic.claude-v2\n"
    )


CASES = [
    ("sub.template", _sub, f"sub.template:12: Fn::Sub builds a string of more than 1,048,576 characters{UNKNOWN}"),
    (
        "join.template",
        _join,
        f"join.template:7: intrinsic functions build more than 67,108,864 characters in this template{UNKNOWN}",
    ),
    ("aliases.template", _structure, None),
]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.parametrize(("name", "make", "error"), CASES, ids=[c[0] for c in CASES])
def test_strings_and_aliases_stay_within_memory_and_time(
    tmp_path: Path, name: str, make: object, error: str | None
) -> None:
    (tmp_path / "good.tf").write_text(GOOD)
    (tmp_path / name).write_text(make())  # type: ignore[operator]
    start = time.monotonic()
    # VmHWM: the peak of this process's own memory (ru_maxrss would carry
    # the forked test worker's peak across exec).
    run_and_measure = (
        "import re, sys\n"
        "from checker.cli import main\n"
        "code = main(['scan', '.', '--as-of', '2026-11-24', '-j', '1', '-q'])\n"
        "status = open('/proc/self/status').read()\n"
        "sys.stderr.write('peak ' + re.search(r'VmHWM:\\s*(\\d+)', status).group(1) + '\\n')\n"
        "sys.exit(code)\n"
    )
    proc = run_python(tmp_path, "-c", run_and_measure, limit=_limit)
    assert time.monotonic() - start < 30
    errors = [ln.removeprefix("error: ") for ln in proc.stdout.splitlines() if ln.startswith("error: ")]
    assert errors == ([error] if error else []), proc.stdout + proc.stderr
    assert proc.returncode == (2 if error else 1)
    assert "aws_bedrockagent_agent.good" in proc.stdout
    peak_kb = int(proc.stderr.rsplit("peak ", 1)[1])
    assert peak_kb < 200_000, f"peak resident memory {peak_kb:,} KB"
