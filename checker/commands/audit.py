"""`bedrock-lifecycle audit aws`: judge what live accounts deploy and invoke."""

from __future__ import annotations

import argparse
from typing import Any


def run(args: argparse.Namespace) -> int:
    from checker import __version__
    from checker.cli import emit, fail_on, max_feed_age, rule_context, settings_for
    from checker.model import ScanResult
    from checker.pipeline import ScanSettings, assess
    from checker.sources.aws_live import Audit, targets

    try:
        import boto3  # noqa: F401
    except ImportError:
        raise SystemExit(
            "bedrock-lifecycle: the audit needs boto3: pip install 'bedrock-lifecycle-checker[aws]'"
        ) from None
    ctx = rule_context(args)
    found = Audit(days=args.days).run(targets(args.profile, args.assume_role, args.region, args.partition))
    settings = ScanSettings(as_of=ctx.as_of, feed=ctx.feed, fail_on=fail_on(args), eol_window_days=ctx.eol_window_days)
    assessed, findings = assess(found.references, settings)
    result = ScanResult(
        references=assessed,
        findings=findings,
        errors=found.errors,
        as_of=ctx.as_of,
        feed_as_of=ctx.feed.as_of,
        feed_origin=ctx.feed.origin,
        fail_on=settings.fail_on,
        eol_window_days=ctx.eol_window_days,
        tool_version=__version__,
        max_feed_age_days=max_feed_age(args),
        feed_generated_by=ctx.feed.generated_by,
        repository_changes=settings_for(args).repository_changes,
        fail_on_unresolved=settings_for(args).fail_on_unresolved,
    )
    return emit(args, result)


def register(subparsers: Any) -> None:
    from checker.cli import add_common_options

    audit = subparsers.add_parser("audit", help="audit live cloud accounts")
    sub = audit.add_subparsers(dest="audit_target", metavar="TARGET")
    p = sub.add_parser("aws", help="inventory Bedrock resources and invocations in AWS accounts")
    p.add_argument(
        "--profile", action="append", default=[], help="AWS profile (repeatable; default: default credentials)"
    )
    p.add_argument("--assume-role", action="append", default=[], metavar="ROLE_ARN", help="also audit this account")
    p.add_argument(
        "--region", action="append", metavar="REGION", help="region (repeatable; default: every Bedrock region)"
    )
    p.add_argument("--partition", default="aws")
    p.add_argument("--days", type=int, default=30, help="CloudWatch invocation window (default 30)")
    p.add_argument("--config", metavar="FILE")
    add_common_options(p)
    p.set_defaults(func=run)
