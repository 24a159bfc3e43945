"""The `bedrock-lifecycle` command.

Exit codes are a contract with CI systems: 0 clean, 1 findings at or above
`--fail-on`, 2 usage or read errors.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from importlib import import_module
from typing import Any

from checker import __version__
from checker.baseline import BaselineError
from checker.config import ConfigError
from checker.feed import FeedError, load_feed
from checker.model import ScanResult, Severity
from checker.rules import RuleContext
from checker.settings import DEFAULT_EOL_WINDOW, DEFAULT_MAX_FEED_AGE, Flags, Resolved, resolve

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
#: Most worker processes, whatever --jobs says: four per core (more only
#: costs memory, some 50 MB each).
MAX_JOBS = 4 * (os.cpu_count() or 1)

#: Modules that add top-level commands with `register(subparsers)`.
COMMAND_MODULES = ("checker.commands.audit", "checker.commands.checkov", "checker.commands.fix")
#: Modules that add `feed` subcommands with `register(feed_subparsers)`.
FEED_COMMAND_MODULES = ("checker.commands.feed_aws",)


class UsageError(Exception):
    pass


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {value!r}")
    return n


def _key_value(value: str) -> tuple[str, str]:
    name, eq, val = value.partition("=")
    if not eq or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {value!r}")
    return name, val


class _FormatAction(argparse.Action):
    """`--format` may repeat; each `--output` that follows belongs to it."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        outputs = list(getattr(namespace, "outputs", None) or [])
        outputs.append([values, None])
        namespace.outputs = outputs


class _OutputAction(argparse.Action):
    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        outputs = list(getattr(namespace, "outputs", None) or [])
        # The --format just before, not the first without a file: with
        # `-f text -f text -o FILE` the file is the second text's.
        if not outputs:
            outputs.append(["text", values])
        elif outputs[-1][1] is None:
            outputs[-1][1] = values
        else:
            parser.error(f"--output {values} has no --format of its own to write")
        namespace.outputs = outputs


def add_judging_options(p: argparse.ArgumentParser) -> None:
    """What to judge against: shared by every command that judges references
    (scan, plan, audit, fix)."""
    p.add_argument("--feed", metavar="FILE|URL", help="lifecycle feed (default: the bundled snapshot)")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="evaluation date (default: today)")
    p.add_argument(
        "--eol-window", type=_positive_int, metavar="DAYS", help=f"CKV_BEDROCK_5 window (default: {DEFAULT_EOL_WINDOW})"
    )
    p.add_argument(
        "--no-repo-config",
        action="store_true",
        help="ignore the scanned repository's .bedrock-lifecycle.yaml (also BEDROCK_LIFECYCLE_NO_REPO_CONFIG=1)",
    )


def add_common_options(p: argparse.ArgumentParser) -> None:
    """Options shared by scan, plan and audit: what to judge against and how to report."""
    from checker.reports import FORMATS

    add_judging_options(p)
    p.add_argument(
        "--max-feed-age",
        type=_positive_int,
        metavar="DAYS",
        help=f"warn when the feed's data is older than this at the evaluation date (default: {DEFAULT_MAX_FEED_AGE})",
    )
    p.add_argument("--fail-on", choices=[s.value for s in Severity], help="lowest severity that fails (default: error)")
    p.add_argument(
        "--fail-on-unresolved",
        action="store_true",
        default=None,
        help="also fail (exit 1) when a model reference could not be decided statically (wildcard grants do not count)",
    )
    p.add_argument("--format", "-f", choices=sorted(FORMATS), action=_FormatAction, help="output format; may repeat")
    p.add_argument("--output", "-o", metavar="FILE", action=_OutputAction, help="write the preceding --format here")
    p.set_defaults(outputs=None)


def add_scan_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--var",
        type=_key_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Terraform variable value (like terraform -var)",
    )
    p.add_argument("--var-file", action="append", default=[], metavar="FILE", help="Terraform .tfvars file")
    p.add_argument(
        "--parameter",
        type=_key_value,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="CloudFormation parameter value",
    )
    p.add_argument(
        "--parameters-file", action="append", default=[], metavar="FILE", help="CloudFormation parameters JSON file"
    )
    p.add_argument("--max-file-size", type=_positive_int, metavar="BYTES", help="skip larger files (default 5 MiB)")
    p.add_argument(
        "--max-plan-size", type=_positive_int, metavar="BYTES", help="refuse larger plans and states (default 128 MiB)"
    )
    p.add_argument("--skip-path", action="append", default=[], metavar="GLOB", help="do not scan matching paths")
    p.add_argument("--jobs", "-j", type=_positive_int, default=0, help="worker processes (default: all cores)")
    p.add_argument("--no-prefilter", action="store_true", help="parse every file, even those that cannot matter")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")
    p.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: .bedrock-lifecycle.yaml or pyproject.toml at the scanned root, "
        "never above it; flags and BEDROCK_LIFECYCLE_* win over it)",
    )
    p.add_argument("--baseline", metavar="FILE", help="only findings not in this baseline fail")
    p.add_argument("--create-baseline", metavar="FILE", help="write the current findings as a baseline and exit 0")
    p.add_argument(
        "--allow-unjustified-suppressions",
        action="store_true",
        default=os.environ.get("BEDROCK_LIFECYCLE_ALLOW_UNJUSTIFIED_SUPPRESSIONS", "").strip().lower()
        in ("1", "true", "yes", "on"),
        help="honour checkov:skip without a reason and rule wildcards (a pipeline setting, not a repository one)",
    )
    p.add_argument(
        "--cache",
        nargs="?",
        const="",
        default=None,
        metavar="DIR",
        help="reuse parse results of unchanged files (default DIR: the user cache directory)",
    )


def settings_for(args: argparse.Namespace) -> Resolved:
    """Flags, environment and the repository's configuration, merged once
    per command (`checker.settings`)."""
    cached: Resolved | None = getattr(args, "resolved_settings", None)
    if cached is None:
        flags = Flags(
            feed=getattr(args, "feed", None),
            as_of=getattr(args, "as_of", None),
            eol_window=getattr(args, "eol_window", None),
            max_feed_age=getattr(args, "max_feed_age", None),
            fail_on=getattr(args, "fail_on", None),
            fail_on_unresolved=bool(getattr(args, "fail_on_unresolved", None)),
            max_file_size=getattr(args, "max_file_size", None),
            max_plan_size=getattr(args, "max_plan_size", None),
            baseline=getattr(args, "baseline", None),
            skip_paths=tuple(getattr(args, "skip_path", None) or ()),
            config=getattr(args, "config", None),
            # Commands without --config (feed show) never read one.
            no_repo_config=getattr(args, "no_repo_config", False) or not hasattr(args, "config"),
        )
        cached = resolve(flags, getattr(args, "paths", None) or ())
        args.resolved_settings = cached
    return cached


def rule_context(args: argparse.Namespace) -> RuleContext:
    """The feed, date and window the user asked for (used by audit too)."""
    s = settings_for(args)
    return RuleContext(as_of=s.as_of, feed=load_feed(s.feed), eol_window_days=s.eol_window)


def max_feed_age(args: argparse.Namespace) -> int:
    return settings_for(args).max_feed_age


def fail_on(args: argparse.Namespace) -> Severity:
    return settings_for(args).fail_on


def emit(args: argparse.Namespace, result: ScanResult) -> int:
    """Write every requested format; machine formats never get progress noise."""
    code = result.exit_code
    for fmt, path in _outputs(args):
        text = _render(str(fmt), result, path)
        if text is None or not _write_output(path, text):
            code = EXIT_ERROR
    return code


def _render(fmt: str, result: ScanResult, path: str | None) -> str | None:
    """One report; None, after a one-line message, when its renderer fails,
    so the other formats of the same scan are still written."""
    from checker.reports import render

    try:
        return render(fmt, result, to_file=path not in (None, "-"))
    except Exception as exc:  # a bug in one renderer must not cost the others
        _crashed(exc, f"cannot render the {fmt} report")
        return None


def _outputs(args: argparse.Namespace) -> list[list[str | None]]:
    outputs: list[list[str | None]] = getattr(args, "outputs", None) or [["text", None]]
    return outputs


def _write_output(path: str | None, text: str) -> bool:
    """False, after a one-line message, when the report cannot be written (a
    directory, no permission, a full disk): the other reports are still
    written and the exit code says 2, never a traceback with the findings
    code 1."""
    from checker.util.atomic import atomic_write_text

    try:
        if path is None or path == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            atomic_write_text(path, text)
    except BrokenPipeError:
        raise
    except OSError as exc:
        sys.stderr.write(f"bedrock-lifecycle: cannot write the report to {path or 'stdout'}: {exc.strerror or exc}\n")
        return False
    return True


def _scan_with_report_cache(args: argparse.Namespace, settings: Any) -> int:
    """With --cache, a report of an unchanged tree, scanned with the same
    settings, date, feed and tool, is written from the cache: recognising the
    tree costs one stat per file, and nothing is read, parsed or rendered.
    Otherwise the scan runs (its units cached as usual) and its reports are
    stored for next time."""
    from checker.cache import ResultCache, transient
    from checker.pipeline import report_key, scan, stat_walk
    from checker.reports.text import use_colour

    cache = ResultCache(settings.cache_dir)
    walked = stat_walk(args.paths, settings, cache)
    outputs = _outputs(args)
    keys = [
        report_key(
            args.paths,
            settings,
            walked,
            f"{fmt} colour={use_colour() and path in (None, '-')}" if fmt == "text" else str(fmt),
        )
        for fmt, path in outputs
    ]
    hits = [cache.get_report(k) if k else None for k in keys]
    if all(h is not None for h in hits) and len({h[1] for h in hits if h}) == 1:
        code = hits[0][1] if hits[0] else EXIT_ERROR
        for (_, path), hit in zip(outputs, hits, strict=True):
            if hit is not None and not _write_output(path, hit[0]):
                code = EXIT_ERROR
        return code
    result = scan(args.paths, settings, on_progress=_progress(args), walked=walked)
    # An error from the machine (permissions, memory) must not outlive it.
    stored = result.cacheable and not any(transient(e) for e in result.errors)
    code = result.exit_code
    for (fmt, path), key in zip(outputs, keys, strict=True):
        text = _render(str(fmt), result, path)
        if text is None or not _write_output(path, text):
            code = EXIT_ERROR
            continue
        if key and stored:
            cache.put_report(key, text, result.exit_code)
    cache.trim()
    return code


def _scan_settings(args: argparse.Namespace) -> Any:
    from checker.baseline import load_baseline
    from checker.pipeline import ScanSettings
    from checker.rules import ALL_RULES
    from checker.sources.base import ScanOptions

    s = settings_for(args)
    ctx = rule_context(args)
    options = ScanOptions(
        max_file_bytes=s.max_file_bytes,
        max_plan_bytes=s.max_plan_bytes,
        tf_vars=tuple(args.var),
        tf_var_files=tuple(args.var_file),
        cfn_parameters=tuple(args.parameter),
        cfn_parameter_files=tuple(args.parameters_file),
        prefilter=not args.no_prefilter,
    )
    cache_dir = None
    if args.cache is not None:
        from checker.cache import default_cache_dir

        cache_dir = args.cache or str(default_cache_dir())
    baseline = None
    if s.baseline and not args.create_baseline:
        baseline = frozenset(load_baseline(s.baseline))
    disabled = s.disabled_rules
    return ScanSettings(
        as_of=ctx.as_of,
        feed=ctx.feed,
        fail_on=s.fail_on,
        fail_on_unresolved=s.fail_on_unresolved,
        eol_window_days=ctx.eol_window_days,
        # A process pool forks all its workers at once: --jobs 10**9 must
        # not be a fork bomb.
        jobs=min(args.jobs, MAX_JOBS),
        options=options,
        severities=dict(s.severities),
        enabled_rules=frozenset(r.id for r in ALL_RULES if r.id not in disabled) if disabled else None,
        skip_paths=s.skip_paths,
        baseline=baseline,
        cache_dir=cache_dir,
        repository_changes=s.repository_changes,
        max_feed_age_days=s.max_feed_age,
        allow_unjustified_suppressions=args.allow_unjustified_suppressions,
    )


def _progress(args: argparse.Namespace) -> Any:
    """A progress line on stderr for people at a terminal; never when the
    output is a machine format written to stdout."""
    machine_on_stdout = any(fmt != "text" and path in (None, "-") for fmt, path in (args.outputs or []))
    if args.quiet or machine_on_stdout or not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\rscanning {done}/{total} units")
        if done == total:
            sys.stderr.write("\r\033[K")
        sys.stderr.flush()

    return show


def cmd_scan(args: argparse.Namespace) -> int:
    from checker.pipeline import scan

    settings = _scan_settings(args)
    for f in args.var_file:
        if not os.path.isfile(f):
            raise UsageError(f"--var-file {f}: no such file")
    if settings.cache_dir and not args.create_baseline:
        return _scan_with_report_cache(args, settings)
    result = scan(args.paths, settings, on_progress=_progress(args))
    if args.create_baseline:
        from checker.baseline import write_baseline

        n = write_baseline(args.create_baseline, result.findings, result.as_of)
        sys.stderr.write(f"bedrock-lifecycle: wrote {n} finding(s) to the baseline {args.create_baseline}\n")
        from checker.reports.escape import text

        for e in result.errors:
            sys.stderr.write(f"error: {text(e)}\n")
        return EXIT_ERROR if result.errors else EXIT_CLEAN
    return emit(args, result)


def cmd_plan(args: argparse.Namespace) -> int:
    """`plan` and `state`: each file named must be one, whatever its name
    (it is then read by content); directories are scanned as by `scan`."""
    from checker.pipeline import scan
    from checker.sources.terraform_plan.recognise import near_miss, sniff_file

    want_state = args.command == "state"
    for p in args.paths:
        kind = sniff_file(p) if os.path.isfile(p) else None
        if not os.path.isfile(p) or (kind is not None and kind.is_state == want_state):
            continue
        if kind is not None:
            other = "plan" if want_state else "state"
            use = f"use `bedrock-lifecycle {other} {p}`"
            raise UsageError(f"{p}: a Terraform {kind.value}, not a {args.command}: {use}")
        how = "`terraform show -json`, or name terraform.tfstate" if want_state else "`terraform show -json tfplan`"
        raise UsageError(
            f"{p}: not a Terraform {args.command} in JSON form ({near_miss(p) or f'write one with {how}'})"
        )
    result = scan(args.paths, _scan_settings(args), on_progress=_progress(args))
    return emit(args, result)


def cmd_feed_show(args: argparse.Namespace) -> int:
    import json

    ctx = rule_context(args)
    feed = ctx.feed
    models = feed.models
    if args.model:
        hit = feed.lookup(args.model)
        if hit is None:
            from checker.modelid import parse_model_reference

            ident = parse_model_reference(args.model)
            hit = feed.lookup(ident.model_id) if ident.model_id else None
        if hit is None:
            sys.stderr.write(f"{args.model}: not in the lifecycle feed (as of {feed.as_of.isoformat()})\n")
            return EXIT_FINDINGS
        models = (hit,)
    from checker.rules.lifecycle import needs_replacement, replacement_advice

    rows: list[dict[str, Any]] = []
    for m in models:
        st = m.status_at(ctx.as_of, args.region)
        needs_move = needs_replacement(st, ctx.eol_window_days)
        advice = replacement_advice(feed, m, ctx.as_of, args.region, ctx.eol_window_days) if needs_move else None
        rows.append(
            {
                "model_id": m.model_id,
                "name": m.name,
                "provider": m.provider,
                "state": st.state.value,
                "legacy_date": st.legacy_date.isoformat() if st.legacy_date else None,
                "public_extended_access_date": (
                    st.public_extended_access_date.isoformat() if st.public_extended_access_date else None
                ),
                "eol_date": st.eol_date.isoformat() if st.eol_date else None,
                "days_to_eol": st.days_to_eol,
                "earliest_possible_eol": st.earliest_possible_eol.isoformat() if st.earliest_possible_eol else None,
                "regions": list(st.regions),
                "replacements": list(m.replacements),
                "replace_with": list(advice.models) if advice else [],
                "replacement_suggested": bool(advice and advice.suggested),
                "no_active_replacement": bool(advice is not None and not advice.models),
                "status_observed_on": st.observed_on.isoformat() if st.observed_on else None,
                "uncertain": m.uncertain,
                "source": m.source.get("url") or m.source.get("api"),
                "read_on": m.source.get("read_on"),
            }
        )
    if args.json:
        json.dump(
            {"as_of": ctx.as_of.isoformat(), "feed_as_of": feed.as_of.isoformat(), "models": rows}, sys.stdout, indent=2
        )
        sys.stdout.write("\n")
        return EXIT_CLEAN
    print(f"Feed {feed.origin} (data as of {feed.as_of.isoformat()}), evaluated on {ctx.as_of.isoformat()}")
    for r in rows:
        when = ""
        if r["eol_date"]:
            days = r["days_to_eol"]
            when = f"EOL {r['eol_date']} ({days} days)" if days >= 0 else f"EOL {r['eol_date']} ({-days} days ago)"
        elif r["earliest_possible_eol"]:
            when = f"EOL no sooner than {r['earliest_possible_eol']}"
        line = f"{r['model_id']:<52} {r['state']:<30} {when}"
        print(line.rstrip())
        if r["replace_with"]:
            label = (
                "suggested replacement (AWS names no Active successor)"
                if r["replacement_suggested"]
                else "replace with"
            )
            print(f"  {label}: {', '.join(r['replace_with'])}")
        elif r["no_active_replacement"]:
            print("  no Active replacement is known")
        if args.model:
            for key in (
                "name",
                "provider",
                "legacy_date",
                "public_extended_access_date",
                "regions",
                "replacements",
                "status_observed_on",
                "uncertain",
                "source",
                "read_on",
            ):
                if r[key]:
                    value = ", ".join(r[key]) if isinstance(r[key], list) else r[key]
                    print(f"  {key.replace('_', ' ')}: {value}")
    return EXIT_CLEAN


def cmd_feed_validate(args: argparse.Namespace) -> int:
    feed = load_feed(args.file)
    print(f"{args.file}: valid feed, schema {feed.schema_version}, {len(feed.models)} models, as of {feed.as_of}")
    return EXIT_CLEAN


def cmd_rules(args: argparse.Namespace) -> int:
    from checker.rules import ALL_RULES

    for r in ALL_RULES:
        print(f"{r.id:<14} {r.severity.value:<8} {r.title}")
    return EXIT_CLEAN


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bedrock-lifecycle",
        description="Find Amazon Bedrock models that are Legacy or End-of-Life in infrastructure code.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("scan", help="scan Terraform, plans, CloudFormation/SAM templates and cdk.out")
    p.add_argument("paths", nargs="+", metavar="PATH")
    add_common_options(p)
    add_scan_options(p)
    p.set_defaults(func=cmd_scan)

    p = sub.add_parser("plan", help="review `terraform show -json` plan files")
    p.add_argument("paths", nargs="+", metavar="PLAN_JSON")
    add_common_options(p)
    add_scan_options(p)
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("state", help="audit what is deployed: `terraform show -json` of a state, or terraform.tfstate")
    p.add_argument("paths", nargs="+", metavar="STATE")
    add_common_options(p)
    add_scan_options(p)
    p.set_defaults(func=cmd_plan)

    feed = sub.add_parser("feed", help="show, validate, refresh or compare lifecycle feeds")
    feed_sub = feed.add_subparsers(dest="feed_command", metavar="FEED_COMMAND")
    p = feed_sub.add_parser("show", help="the feed's view of models at a date")
    p.add_argument("model", nargs="?", help="a model id, ARN or inference profile")
    p.add_argument("--feed", metavar="FILE|URL")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--region", help="evaluate in this region (default: the worst region)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_feed_show)
    p = feed_sub.add_parser("validate", help="check a feed file against the schema")
    p.add_argument("file")
    p.set_defaults(func=cmd_feed_validate)
    for name in FEED_COMMAND_MODULES:
        _register(name, feed_sub)

    def feed_help(_: argparse.Namespace) -> int:
        feed.print_help()
        return EXIT_ERROR

    feed.set_defaults(func=feed_help)

    p = sub.add_parser("rules", help="list the rules")
    p.set_defaults(func=cmd_rules)
    for name in COMMAND_MODULES:
        _register(name, sub)
    return parser


def _register(module_name: str, subparsers: Any) -> None:
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return
    module.register(subparsers)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_ERROR
    try:
        code: int = args.func(args)
        return code
    except (FeedError, UsageError, ConfigError, BaselineError) as exc:
        from checker.reports.escape import text

        # Several lines (schema violations) stay several lines; each is escaped.
        sys.stderr.write("".join(f"bedrock-lifecycle: {text(ln)}\n" for ln in str(exc).splitlines()[:1]))
        sys.stderr.write("".join(f"{text(ln)}\n" for ln in str(exc).splitlines()[1:]))
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("bedrock-lifecycle: interrupted\n")
        return 130
    except MemoryError:
        sys.stderr.write("bedrock-lifecycle: out of memory\n")
        return EXIT_ERROR
    except Exception as exc:  # the last line of defence of the exit-code contract
        return _crashed(exc)


def _crashed(exc: BaseException, what: str = "internal error") -> int:
    """Any other failure is exit 2 with one line naming it and where it
    happened: exit 1 would tell CI "findings", and a traceback would hide
    the message.  BEDROCK_LIFECYCLE_DEBUG=1 shows the traceback too."""
    import traceback

    if os.environ.get("BEDROCK_LIFECYCLE_DEBUG"):
        traceback.print_exception(exc)
    tb = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({os.path.basename(tb.filename)}:{tb.lineno})" if tb else ""
    from checker.reports.escape import text

    message = text(" ".join(str(exc).split())[:300])
    sys.stderr.write(f"bedrock-lifecycle: {what}{where}: {type(exc).__name__}: {message}\n")
    return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
