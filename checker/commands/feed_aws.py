"""`feed refresh` and `feed diff`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from checker.feed import FeedError, load_feed


def _session(profile: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise SystemExit(
            "bedrock-lifecycle: this command needs boto3: pip install 'bedrock-lifecycle-checker[aws]'"
        ) from None
    return boto3.session.Session(profile_name=profile)


def run_refresh(args: argparse.Namespace) -> int:
    from checker.feed.refresh import bedrock_regions, feed_document, refresh, write_if_valid

    current = load_feed(args.feed)
    session = _session(args.profile)
    regions = args.region or bedrock_regions(session, args.partition)
    doc, report = refresh(feed_document(current), session, regions, date.today())
    for region, why in sorted(report.failed_regions.items()):
        sys.stderr.write(f"warning: {region} skipped: {why}\n")
    for line in report.changes:
        print(line)
    if not report.regions_read:
        sys.stderr.write("bedrock-lifecycle: no region could be read; the feed is unchanged\n")
        return 2
    try:
        write_if_valid(doc, args.output)
    except FeedError as exc:
        sys.stderr.write(f"bedrock-lifecycle: the refreshed feed is invalid and was not written:\n{exc}\n")
        return 2
    print(f"wrote {args.output}: {len(report.changes)} change(s) from {len(report.regions_read)} region(s)")
    return 2 if report.failed_regions else 0


def run_diff(args: argparse.Namespace) -> int:
    from checker.feed.diff import diff_feeds

    old, new = load_feed(args.old), load_feed(args.new)
    lines = diff_feeds(old, new, args.as_of or date.today())
    for line in lines:
        print(line)
    if not lines:
        print("no changes")
    return 0


def register(feed_subparsers: Any) -> None:
    p = feed_subparsers.add_parser("refresh", help="update a feed from ListFoundationModels / ListInferenceProfiles")
    p.add_argument("--feed", metavar="FILE|URL", help="feed to start from (default: the bundled snapshot)")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="where to write the refreshed feed")
    p.add_argument("--region", action="append", metavar="REGION", help="region to read (repeatable; default: all)")
    p.add_argument("--partition", default="aws", help="partition for the default region list (aws, aws-us-gov, ...)")
    p.add_argument("--profile", help="AWS profile")
    p.set_defaults(func=run_refresh)
    p = feed_subparsers.add_parser("diff", help="what changed between two feeds")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD", help="compare states on this date")
    p.set_defaults(func=run_diff)
