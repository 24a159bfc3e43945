"""`feed refresh` and `feed diff`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import Any

from checker.feed import FeedError, load_feed
from checker.feed.docs import DEFAULT_DOCS_BASE


def _session(profile: str | None) -> Any:
    try:
        import boto3
    except ImportError:
        raise SystemExit(
            "bedrock-lifecycle: this command needs boto3: pip install 'bedrock-lifecycle-checker[aws]'"
        ) from None
    return boto3.session.Session(profile_name=profile)


def run_refresh(args: argparse.Namespace) -> int:
    """Docs first (no credentials), then the API when asked; the feed and its
    diff are written only when every source read cleanly and the result
    validates, so a refresh never leaves half a feed."""
    from checker.feed.docs import DocsError, read_docs
    from checker.feed.merge import merge_docs
    from checker.feed.refresh import bedrock_regions, change_lines, feed_document, refresh, write_if_valid

    current = load_feed(args.feed)
    old = feed_document(current)
    doc = old
    today = args.today or date.today()
    from_api = args.from_api or not args.from_docs
    status = 0
    if args.from_docs:
        try:
            snapshot = read_docs(args.docs_base)
        except DocsError as exc:
            sys.stderr.write(f"bedrock-lifecycle: AWS's pages could not be read; nothing was written:\n  {exc}\n")
            return 2
        doc = merge_docs(doc, snapshot, today)
        print(
            f"read {len(snapshot.pages)} page(s): {len(snapshot.rows)} lifecycle row(s), {len(snapshot.cards)} card(s)"
        )
    if from_api:
        session = _session(args.profile)
        regions = args.region or bedrock_regions(session, args.partition)
        doc, report = refresh(doc, session, regions, today)
        for region, why in sorted(report.failed_regions.items()):
            sys.stderr.write(f"warning: {region} skipped: {why}\n")
        if not report.regions_read:
            sys.stderr.write("bedrock-lifecycle: no region could be read; the feed is unchanged\n")
            return 2
        status = 2 if report.failed_regions else 0
    lines = change_lines(old, doc, today)
    diff_path = args.diff or f"{args.output}.diff"
    try:
        write_if_valid(doc, args.output, diff=(diff_path, lines))
    except FeedError as exc:
        sys.stderr.write(f"bedrock-lifecycle: the refreshed feed is invalid and was not written:\n{exc}\n")
        return 2
    for line in lines:
        print(line)
    print(f"wrote {args.output} and its diff {diff_path}: {len(lines)} change(s)")
    return status


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
    p = feed_subparsers.add_parser(
        "refresh", help="update a feed from AWS's public pages (--from-docs) and/or the Bedrock API"
    )
    p.add_argument("--feed", metavar="FILE|URL", help="feed to start from (default: the bundled snapshot)")
    p.add_argument("--output", "-o", required=True, metavar="FILE", help="where to write the refreshed feed")
    p.add_argument(
        "--from-docs",
        action="store_true",
        help="read AWS's lifecycle pages and model cards (no credentials needed)",
    )
    p.add_argument(
        "--from-api",
        action="store_true",
        help="read ListFoundationModels / ListInferenceProfiles (the default without --from-docs)",
    )
    p.add_argument(
        "--docs-base",
        default=DEFAULT_DOCS_BASE,
        metavar="URL|DIR",
        help="where the pages are (default: AWS's user guide; a directory of saved .md pages for mirrors/tests)",
    )
    p.add_argument("--diff", metavar="FILE", help="where to write the refresh's diff (default: OUTPUT.diff)")
    p.add_argument("--today", type=date.fromisoformat, metavar="YYYY-MM-DD", help=argparse.SUPPRESS)
    p.add_argument("--region", action="append", metavar="REGION", help="region to read (repeatable; default: all)")
    p.add_argument("--partition", default="aws", help="partition for the default region list (aws, aws-us-gov, ...)")
    p.add_argument("--profile", help="AWS profile")
    p.set_defaults(func=run_refresh)
    p = feed_subparsers.add_parser("diff", help="what changed between two feeds")
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--as-of", type=date.fromisoformat, metavar="YYYY-MM-DD", help="compare states on this date")
    p.set_defaults(func=run_diff)
