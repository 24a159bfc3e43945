"""`bedrock-lifecycle fix`: the change that moves infrastructure off Legacy
and End-of-Life models, as a diff to review or written in place."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def run(args: argparse.Namespace) -> int:
    from checker.cli import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, _scan_settings
    from checker.fix import FixRequest, describe, plan_fixes
    from checker.pipeline import scan

    settings = _scan_settings(args)
    result = scan(args.paths, settings)
    request = FixRequest(
        rules=frozenset(args.rule),
        models=frozenset(args.model),
        paths=tuple(args.path),
        to=args.to,
        accept_suggestions=args.accept_suggestions,
    )
    plan = plan_fixes(result, settings.feed, request)
    for e in result.errors:
        plan.errors.append(str(e))
    if args.write:
        written = plan.write()
        for f in written:
            sys.stderr.write(f"bedrock-lifecycle: wrote {f}\n")
    else:
        sys.stdout.write(plan.diff())
        sys.stdout.flush()
    if not args.quiet:
        sys.stderr.write(describe(plan))
    if plan.errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if plan.manual or plan.untraced else EXIT_CLEAN


def register(subparsers: Any) -> None:
    from checker.cli import add_judging_options, add_scan_options

    p = subparsers.add_parser(
        "fix",
        help="rewrite Legacy/EOL model ids where they are written (a diff by default)",
        description=(
            "For each finding with a safe replacement (Active at the evaluation date in the resource's region, "
            "same kind of model), rewrite the model id at its definition site. Prints a unified diff unless "
            "--write is given. Exit 0 when nothing is left to change by hand, 1 when some findings need a manual "
            "change or could not be traced to one literal, 2 on errors."
        ),
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff on stdout (the default)")
    mode.add_argument("--write", action="store_true", help="apply the changes (each file written atomically)")
    p.add_argument("--rule", action="append", default=[], metavar="RULE_ID", help="only findings of this rule")
    p.add_argument("--model", action="append", default=[], metavar="MODEL", help="only references to this model")
    p.add_argument("--path", action="append", default=[], metavar="PATH", help="only definitions under this path")
    p.add_argument("--to", metavar="MODEL", help="use this replacement instead of the feed's")
    p.add_argument(
        "--accept-suggestions",
        action="store_true",
        help="also apply replacements the feed only suggests where AWS names none (review them: price and "
        "behaviour can differ)",
    )
    add_judging_options(p)
    add_scan_options(p)
    p.set_defaults(func=run, outputs=None, fail_on=None)
