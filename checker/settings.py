"""One settings resolver: command-line flags, then the environment
(`BEDROCK_LIFECYCLE_*`, how a pipeline such as action.yml passes the
organisation's policy), then the scanned repository's configuration, then
the defaults below, merged once.

The scanned repository is untrusted: its `.bedrock-lifecycle.yaml` may only
fill what the pipeline left unset, `--no-repo-config` (or
BEDROCK_LIFECYCLE_NO_REPO_CONFIG=1) ignores it entirely, and every setting
taken from it that can weaken the policy (another feed, disabled rules,
skipped paths, lowered severities, a baseline, another window) is listed in
every report (`Resolved.repository_changes`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from checker.model import Severity
from checker.util.textio import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_PLAN_BYTES

#: The defaults, in one place.
DEFAULT_EOL_WINDOW = 90
#: Reports warn when the feed's data is older than this at the evaluation date.
DEFAULT_MAX_FEED_AGE = 45
DEFAULT_FAIL_ON = Severity.ERROR
DEFAULT_MAX_FILE = DEFAULT_MAX_FILE_BYTES
DEFAULT_MAX_PLAN = DEFAULT_MAX_PLAN_BYTES

ENV_PREFIX = "BEDROCK_LIFECYCLE_"
#: Environment variables read here (the cache and checkov locations are read
#: where they are used).
ENV_FEED = "BEDROCK_LIFECYCLE_FEED"
ENV_AS_OF = "BEDROCK_LIFECYCLE_AS_OF"
ENV_EOL_WINDOW = "BEDROCK_LIFECYCLE_EOL_WINDOW"
ENV_MAX_FEED_AGE = "BEDROCK_LIFECYCLE_MAX_FEED_AGE"
ENV_FAIL_ON = "BEDROCK_LIFECYCLE_FAIL_ON"
ENV_FAIL_ON_UNRESOLVED = "BEDROCK_LIFECYCLE_FAIL_ON_UNRESOLVED"
ENV_NO_REPO_CONFIG = "BEDROCK_LIFECYCLE_NO_REPO_CONFIG"


@dataclass(frozen=True)
class Flags:
    """What the command line gave (None: not given)."""

    feed: str | None = None
    as_of: date | None = None
    eol_window: int | None = None
    max_feed_age: int | None = None
    fail_on: str | None = None
    fail_on_unresolved: bool = False
    max_file_size: int | None = None
    max_plan_size: int | None = None
    baseline: str | None = None
    skip_paths: tuple[str, ...] = ()
    config: str | None = None
    no_repo_config: bool = False


@dataclass(frozen=True)
class Resolved:
    """Every setting a scan needs, each from the first of flags,
    environment, repository configuration and default that sets it."""

    #: Feed file or URL; None for the bundled snapshot.
    feed: str | None
    as_of: date
    eol_window: int
    fail_on: Severity
    max_file_bytes: int
    baseline: str | None
    skip_paths: tuple[str, ...]
    disabled_rules: frozenset[str]
    severities: Mapping[str, Severity]
    #: Largest Terraform plan or state read (`--max-plan-size`).
    max_plan_bytes: int = DEFAULT_MAX_PLAN_BYTES
    #: The configuration file read, if any.
    config_path: str | None = None
    #: One line per setting the repository's configuration changed that
    #: can weaken the policy; every report lists them.
    repository_changes: tuple[str, ...] = field(default_factory=tuple)
    max_feed_age: int = DEFAULT_MAX_FEED_AGE
    #: Fail (exit 1) when any model reference could not be decided.
    fail_on_unresolved: bool = False


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    from checker.config import ConfigError

    text = env.get(name)
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r}: not a whole number") from None
    if not 0 <= value <= 3650:
        raise ConfigError(f"{name}={text!r}: must be between 0 and 3650 days")
    return value


def _env_date(env: Mapping[str, str], name: str) -> date | None:
    from checker.config import ConfigError

    text = env.get(name)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{name}={text!r}: not a date in YYYY-MM-DD form") from None


def _env_severity(env: Mapping[str, str], name: str) -> str | None:
    from checker.config import ConfigError

    text = env.get(name)
    if not text:
        return None
    if text not in {s.value for s in Severity}:
        raise ConfigError(f"{name}={text!r}: must be one of {', '.join(s.value for s in Severity)}")
    return text


def config_root(paths: Sequence[str]) -> Path:
    """Where the repository's configuration is looked for: the first scanned
    path (its directory when it is a file), and nowhere above it."""
    first = Path(paths[0]) if paths else Path.cwd()
    return first if first.is_dir() else first.parent


def resolve(
    flags: Flags, paths: Sequence[str] = (), env: Mapping[str, str] | None = None, today: date | None = None
) -> Resolved:
    """Merge once; raises ConfigError naming the file or variable at fault."""
    from checker.config import Config, load_config

    env = os.environ if env is None else env
    ignore_repo = flags.no_repo_config or _truthy(env.get(ENV_NO_REPO_CONFIG))
    config: Config | None
    repo: Config | None
    if flags.config is not None:
        config = load_config(flags.config)  # named by the pipeline: trusted
        repo = None
    elif ignore_repo:
        config = repo = None
    else:
        config = repo = load_config(start=config_root(paths))
    values = config.values if config is not None else {}
    changes: list[str] = []

    def pick(flag: Any, env_value: Any, key: str, default: Any) -> Any:
        for v in (flag, env_value):
            if v is not None:
                return v
        if key in values:
            if repo is not None and values[key] != default:
                changes.append(f"{key}: {values[key]!r} (default {default!r})")
            return values[key]
        return default

    feed = pick(flags.feed, env.get(ENV_FEED) or None, "feed", None)
    eol_window = pick(flags.eol_window, _env_int(env, ENV_EOL_WINDOW), "eol_window", DEFAULT_EOL_WINDOW)
    max_feed_age = pick(flags.max_feed_age, _env_int(env, ENV_MAX_FEED_AGE), "max_feed_age", DEFAULT_MAX_FEED_AGE)
    fail_on = pick(flags.fail_on, _env_severity(env, ENV_FAIL_ON), "fail_on", DEFAULT_FAIL_ON.value)
    # Stricter only: the flag, the environment or the repository may ask for
    # full resolution; none of them can turn off what another asked for.
    fail_on_unresolved = (
        flags.fail_on_unresolved or _truthy(env.get(ENV_FAIL_ON_UNRESOLVED)) or values.get("fail_on_unresolved") is True
    )

    def bound(flag: int | None, key: str, default: int) -> int:
        """A bound the repository may lower but not raise: a larger limit is
        how a hostile tree would make one file cost gigabytes."""
        value = int(pick(flag, None, key, default))
        if flag is None and repo is not None and value > default:
            changes.append(f"{key}: {value!r} not applied (only the pipeline may raise the limit)")
            return default
        return value

    max_file = bound(flags.max_file_size, "max_file_size", DEFAULT_MAX_FILE)
    max_plan = bound(flags.max_plan_size, "max_plan_size", DEFAULT_MAX_PLAN)
    baseline = pick(flags.baseline, None, "baseline", None)
    as_of = flags.as_of or _env_date(env, ENV_AS_OF) or today or date.today()
    skip_from_config = tuple(values.get("skip_paths", ()))
    disabled = frozenset(values.get("disabled_rules", ()))
    severities = {k: Severity(v) for k, v in values.get("severities", {}).items()}
    if repo is not None:
        if skip_from_config:
            changes.append(f"skip_paths: {', '.join(skip_from_config)}")
        if disabled:
            changes.append(f"disabled_rules: {', '.join(sorted(disabled))}")
        for rule_id, sev in sorted(severities.items()):
            changes.append(f"severities: {rule_id} set to {sev.value}")
    return Resolved(
        feed=feed,
        as_of=as_of,
        eol_window=int(eol_window),
        fail_on=Severity(fail_on),
        max_file_bytes=int(max_file),
        max_plan_bytes=int(max_plan),
        baseline=baseline,
        skip_paths=(*skip_from_config, *flags.skip_paths),
        disabled_rules=disabled,
        severities=severities,
        config_path=config.path if config is not None else None,
        repository_changes=tuple(f"{repo.path}: {c}" for c in changes) if repo is not None else (),
        max_feed_age=int(max_feed_age),
        fail_on_unresolved=bool(fail_on_unresolved),
    )


def checkov_settings(env: Mapping[str, str] | None = None) -> tuple[str | None, date | None, int]:
    """What the checkov adapter reads (checkov passes no options to custom
    checks, and reads no repository configuration of ours): feed, date, window."""
    env = os.environ if env is None else env
    window = _env_int(env, ENV_EOL_WINDOW)
    return env.get(ENV_FEED) or None, _env_date(env, ENV_AS_OF), DEFAULT_EOL_WINDOW if window is None else window
