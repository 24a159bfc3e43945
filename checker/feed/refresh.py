"""Refresh the feed from the Bedrock API: `ListFoundationModels` in each
region (status and, where the SDK knows them, lifecycle dates) and
`ListInferenceProfiles` for the cross-region profiles.

Curated dates and replacements stay; the API's dates replace the schedule of
the regions that returned them and no other (checker.feed.merge).  A model
that disappears from every listing keeps its last known schedule (EOL models
drop out of the API).  The new feed is written only if it validates.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from checker.feed.loader import validate_feed_document
from checker.feed.merge import merge_api
from checker.feed.model import Feed
from checker.modelid import parse_model_reference
from checker.util.atomic import atomic_write_text

THROTTLING = {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"}
MAX_ATTEMPTS = 5


@dataclass
class RefreshReport:
    changes: list[str] = field(default_factory=list)
    failed_regions: dict[str, str] = field(default_factory=dict)
    regions_read: list[str] = field(default_factory=list)


def bedrock_regions(session: Any, partition: str = "aws") -> list[str]:
    """Every region where Bedrock is offered, from botocore's endpoint data."""
    regions: list[str] = session.get_available_regions("bedrock", partition_name=partition)
    return sorted(regions)


def client_config() -> Any:
    from botocore.config import Config

    return Config(retries={"mode": "standard", "max_attempts": MAX_ATTEMPTS}, connect_timeout=10, read_timeout=30)


def call(fn: Callable[..., Any], sleep: Callable[[float], None] = time.sleep, **kwargs: Any) -> Any:
    """Call an API, backing off on throttling.  botocore's standard retry
    mode already retries; this covers throttling that outlives it."""
    from botocore.exceptions import ClientError

    for attempt in range(MAX_ATTEMPTS):
        try:
            return fn(**kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code not in THROTTLING or attempt == MAX_ATTEMPTS - 1:
                raise
            sleep(min(20.0, 0.5 * 2**attempt))
    raise AssertionError("unreachable")


def paginate(fn: Callable[..., Any], key: str, sleep: Callable[[float], None] = time.sleep, **kwargs: Any) -> list[Any]:
    items: list[Any] = []
    token: str | None = None
    for _ in range(10_000):
        page = call(fn, sleep, **kwargs, **({"nextToken": token} if token else {}))
        items.extend(page.get(key, []))
        token = page.get("nextToken")
        if not token:
            return items
    return items


def profile_bases(profiles: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    """System-defined profile id -> the one base model it serves."""
    mapping: dict[str, str] = {}
    for _region, items in sorted(profiles.items()):
        for p in items:
            pid, models = p.get("inferenceProfileId"), p.get("models") or []
            bases = {parse_model_reference(m.get("modelArn", "")).model_id for m in models if isinstance(m, dict)}
            bases.discard(None)
            if isinstance(pid, str) and len(bases) == 1:
                base = bases.pop()
                assert base is not None
                mapping[pid] = base
    return mapping


def merge(
    doc: dict[str, Any],
    listings: dict[str, list[dict[str, Any]]],
    profiles: dict[str, list[dict[str, Any]]],
    today: date,
    report: RefreshReport,
) -> dict[str, Any]:
    """Merge API listings (region -> model summaries) into a copy of `doc`
    (per-region rules: checker.feed.merge), and report the change as the
    feed diff would show it."""
    new = merge_api(doc, listings, today, profile_bases(profiles))
    report.changes.extend(change_lines(doc, new, today))
    return new


def change_lines(old: dict[str, Any], new: dict[str, Any], today: date) -> list[str]:
    """`feed diff` of two documents (neither needs to be valid yet)."""
    from checker.feed.diff import diff_feeds
    from checker.feed.loader import feed_from_document

    return diff_feeds(feed_from_document(old, trusted=True), feed_from_document(new, trusted=True), today)


def refresh(
    doc: dict[str, Any], session: Any, regions: Iterable[str], today: date, sleep: Callable[[float], None] = time.sleep
) -> tuple[dict[str, Any], RefreshReport]:
    from botocore.exceptions import BotoCoreError, ClientError

    report = RefreshReport()
    listings: dict[str, list[dict[str, Any]]] = {}
    profiles: dict[str, list[dict[str, Any]]] = {}
    for region in regions:
        try:
            client = session.client("bedrock", region_name=region, config=client_config())
            listings[region] = call(client.list_foundation_models, sleep).get("modelSummaries", [])
            profiles[region] = paginate(
                client.list_inference_profiles, "inferenceProfileSummaries", sleep, typeEquals="SYSTEM_DEFINED"
            )
            report.regions_read.append(region)
        except ClientError as exc:
            err = exc.response.get("Error", {})
            report.failed_regions[region] = f"{err.get('Code')}: {err.get('Message')}"
            listings.pop(region, None)
        except BotoCoreError as exc:
            report.failed_regions[region] = str(exc)
            listings.pop(region, None)
    return merge(doc, listings, profiles, today, report), report


def write_if_valid(doc: dict[str, Any], path: str, diff: tuple[str, list[str]] | None = None) -> None:
    """Validate, then write atomically; an invalid feed leaves the old file.
    The diff is written after the feed, so a diff never describes a feed
    that was not written."""
    validate_feed_document(doc, f"refreshed feed for {path}")
    atomic_write_text(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    if diff is not None:
        diff_path, lines = diff
        atomic_write_text(diff_path, "".join(f"{line}\n" for line in lines) or "no changes\n")


def feed_document(feed: Feed) -> dict[str, Any]:
    return copy.deepcopy(feed.raw)
