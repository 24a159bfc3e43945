"""Generate a large `terraform show -json` plan, the size of a big estate's.

Most resources are not Bedrock (S3 buckets, IAM roles, Lambda functions with
long policies), one in fifty is provisioned throughput or an agent; every
resource appears, as in Terraform's output, in `planned_values`,
`resource_changes`, `prior_state` and `configuration`.  for_each keys include
non-ASCII and `<>&`.  Deterministic for a seed.

    python bench/make_plan.py --mb 50 --style terraform -o /tmp/plan50.json
    .venv/bin/python bench/make_plan.py --mb 50 --time    # generate in memory, time the plan reader
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from typing import Any

PT = "aws_bedrock_provisioned_model_throughput"
MODELS = (
    "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "anthropic.claude-v2",
    "amazon.nova-pro-v1:0",
)
KEYS = ("plain", "é-ü", "<a&b>", "team-ü", "x&y")


def _resource(i: int, rng: random.Random) -> tuple[str, str, str, Any, dict[str, Any]]:
    """(type, name, address, index, values) of resource number i."""
    key = f"{KEYS[i % len(KEYS)]}-{i}"
    if i % 50 == 0:
        values = {
            "model_arn": f"arn:aws:bedrock:us-east-1::foundation-model/{MODELS[i % len(MODELS)]}",
            "model_units": 1,
            "provisioned_model_name": f"pt-{i}",
            "commitment_duration": None,
            "tags": {"team": key},
        }
        return PT, "pt", f'{PT}.pt["{key}"]', key, values
    if i % 50 == 1:
        values = {"agent_name": f"agent-{i}", "foundation_model": MODELS[i % len(MODELS)], "instruction": "x" * 60}
        return "aws_bedrockagent_agent", "agent", f'aws_bedrockagent_agent.agent["{key}"]', key, values
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::b-{j}/*"}
                for j in range(rng.randint(2, 8))
            ],
        }
    )
    kind = i % 3
    if kind == 0:
        values = {"bucket": f"bucket-{i}", "force_destroy": False, "tags": {"team": key, "cost": str(i)}}
        return "aws_s3_bucket", "b", f'aws_s3_bucket.b["{key}"]', key, values
    if kind == 1:
        values = {"name": f"role-{i}", "assume_role_policy": policy, "path": "/", "tags": {"team": key}}
        return "aws_iam_role", "r", f'aws_iam_role.r["{key}"]', key, values
    values = {
        "function_name": f"fn-{i}",
        "runtime": "python3.12",
        "handler": "app.handler",
        "environment": [{"variables": {"TABLE": f"t-{i}", "POLICY": policy}}],
    }
    return "aws_lambda_function", "f", f'aws_lambda_function.f["{key}"]', key, values


def make_plan(target_bytes: int, seed: int = 7) -> dict[str, Any]:
    """A plan document of about `target_bytes` once written pretty."""
    rng = random.Random(seed)
    planned: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    prior: list[dict[str, Any]] = []
    config: dict[str, dict[str, Any]] = {}
    size = 0
    i = 0
    while size < target_bytes:
        rtype, name, address, key, values = _resource(i, rng)
        action = ["create"] if i % 7 == 0 else ["no-op"] if i % 7 < 5 else ["update"]
        common = {"address": address, "mode": "managed", "type": rtype, "name": name, "index": key}
        provider = "registry.terraform.io/hashicorp/aws"
        planned.append({**common, "provider_name": provider, "schema_version": 0, "values": values})
        changes.append(
            {
                **common,
                "provider_name": provider,
                "change": {
                    "actions": action,
                    "before": None if action == ["create"] else values,
                    "after": values,
                    "after_unknown": {"id": True} if action == ["create"] else {},
                    "before_sensitive": False if action == ["create"] else {},
                    "after_sensitive": {},
                },
            }
        )
        if action != ["create"]:
            prior.append({**common, "provider_name": provider, "schema_version": 0, "values": values})
        config.setdefault(
            f"{rtype}.{name}",
            {
                "address": f"{rtype}.{name}",
                "mode": "managed",
                "type": rtype,
                "name": name,
                "provider_config_key": "aws",
                "expressions": {k: {"references": [f"each.value.{k}"]} for k in values},
                "schema_version": 0,
                "for_each_expression": {"references": ["local.items"]},
            },
        )
        # pretty-printed, each resource appears three times with its values
        size += 3 * len(json.dumps(values, indent=2)) + 900
        i += 1
    return {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "variables": {"environment": {"value": "prod"}},
        "planned_values": {"root_module": {"resources": planned}},
        "resource_changes": changes,
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": "1.11.4",
            "values": {"root_module": {"resources": prior}},
        },
        "configuration": {
            "provider_config": {
                "aws": {
                    "name": "aws",
                    "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"region": {"constant_value": "us-east-1"}},
                }
            },
            "root_module": {"resources": list(config.values())},
        },
        "timestamp": "2026-11-24T09:00:00Z",
        "applyable": True,
        "complete": True,
        "errored": False,
    }


def render(doc: Any, style: str) -> str:
    if style == "terraform":  # Go's encoding/json, as `terraform show -json` writes
        text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=style == "jq -S")


def time_reader(path: str, reps: int) -> list[float]:
    from checker.sources import ScanOptions, Unit
    from checker.sources.terraform_plan import scan_unit

    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        res = scan_unit(Unit("terraform_plan", path, (path,)), ScanOptions())
        times.append(time.perf_counter() - t0)
        assert not res.errors, res.errors
    print(f"{len(res.references)} references", file=sys.stderr)
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=50.0, help="approximate size in MB (default 50)")
    ap.add_argument("--style", choices=("terraform", "jq", "jq -S"), default="jq")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", help="write the plan here")
    ap.add_argument("--time", action="store_true", help="time the plan reader on it (median of --reps)")
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    text = render(make_plan(int(args.mb * 1e6), args.seed), args.style)
    path = args.output
    if path is None:
        fd, path = tempfile.mkstemp(suffix=".json")
        os.close(fd)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    size = os.path.getsize(path)
    print(f"{path}: {size / 1e6:.1f} MB, {text.count(chr(10)) + 1:,} lines, style {args.style}", file=sys.stderr)
    if args.time:
        times = sorted(time_reader(path, args.reps))
        median = times[len(times) // 2]
        rate = size / 1e6 / median
        print(f"plan reader: median {median:.2f} s (min {times[0]:.2f}, max {times[-1]:.2f}), {rate:.1f} MB/s")
        if args.output is None:
            os.unlink(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
