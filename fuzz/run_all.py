#!/usr/bin/env python3
"""Run every fuzz target for a time budget and record the summary in
fuzz/README.md (`make fuzz`, FUZZ_SECONDS per target)."""

from __future__ import annotations

import argparse
import datetime
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
HARNESSES = ("modelid", "hcl", "hclparse", "blocks", "yaml", "plan", "manifest")
SEEDS = {
    "hcl": [
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = var.m\n}\n',
        'locals {\n  m = { a = "anthropic.claude-v2" }\n  x = lookup(local.m, "a", "z")\n}\n',
    ],
    "hclparse": [
        'x = "a ${~ var.b ~} %{ if c }d%{ else }e%{ endif }" # c\ny = <<-EOT\n  ${f(1, [2]...)}\n  EOT\n',
        'z = {for k, v in var.m : k => v.id... if v != null}\nb "l" { w = a[*].b.0 }\n',
    ],
    "blocks": [
        'variable "m" {\n  default = "a-${var.x}-{y}"\n}\n/* } */\nlocals { /* c */ a = 1 }\n',
        'resource "aws_s3_bucket" "b" {\n  policy = <<EOT\n}\nEOT\n}\n# }\n',
        "a {}\n# b {}\nb {}\n",
    ],
    "yaml": ["Resources:\n  A:\n    Type: AWS::Bedrock::Agent\n    Properties:\n      FoundationModel: !Ref M\n"],
    "plan": [
        '{"format_version": "1.2", "resource_changes": [{"address": "a.b", "type": "aws_bedrockagent_agent", '
        '"change": {"actions": ["create"], "after": {"foundation_model": "anthropic.claude-v2"}}}]}'
    ],
    "manifest": [
        '{"version": "41.0.0", "artifacts": {"S": {"type": "aws:cloudformation:stack", "metadata": '
        '{"/S/A": [{"type": "aws:cdk:logicalId", "data": "A"}]}}}}'
    ],
    "modelid": ["arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1:200k", "us.amazon.nova-pro-v1:0"],
}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args()
    rows = []
    failed = False
    for name in HARNESSES:
        corpus = HERE / "corpus" / name
        corpus.mkdir(parents=True, exist_ok=True)
        for i, seed in enumerate(SEEDS[name]):
            (corpus / f"seed-{i}").write_text(seed)
        proc = subprocess.run(
            [
                sys.executable,
                str(HERE / "fuzz.py"),
                name,
                f"-max_total_time={args.seconds}",
                "-rss_limit_mb=2048",
                "-timeout=10",  # one input this slow is a bug (runaway backtracking), not bad luck
                f"-artifact_prefix={HERE}/crash-{name}-",
                str(corpus),
            ],
            capture_output=True,
            text=True,
            cwd=HERE,
        )
        log = proc.stdout + proc.stderr
        runs = re.findall(r"#(\d+)\s+(?:DONE|pulse|NEW|REDUCE|INITED)", log)
        cov = re.findall(r"cov: (\d+)", log)
        ok = proc.returncode == 0
        failed |= not ok
        verdict = "no crash" if ok else "CRASH or TIMEOUT (see fuzz/)"
        rows.append((name, runs[-1] if runs else "?", cov[-1] if cov else "?", verdict))
        print(f"{name}: {rows[-1][1]} runs, cov {rows[-1][2]}, {rows[-1][3]}")
    today = datetime.date.today().isoformat()
    table = "\n".join(f"| {n} | {r} | {c} | {s} |" for n, r, c, s in rows)
    readme = HERE / "README.md"
    text = readme.read_text()
    marker = "## Last run"
    head = text.split(marker)[0].rstrip()
    readme.write_text(
        f"{head}\n\n{marker}\n\n{today}, {args.seconds} s per target, {sys.platform}, Python "
        f"{sys.version.split()[0]}:\n\n| target | executions | coverage | result |\n|---|---|---|---|\n"
        f"{table}\n"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
