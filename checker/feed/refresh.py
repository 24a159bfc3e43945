"""Refresh the feed from the Bedrock API: `ListFoundationModels` in each
region (status and, where the SDK knows them, lifecycle dates) and
`ListInferenceProfiles` for the cross-region profiles.

Curated dates and replacements stay; where the API disagrees with the feed
the API wins and the change is reported.  A model that disappears from a
region's listing is reported (EOL models drop out of the API) but never
deleted.  The new feed is written only if it validates.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from checker.feed.loader import validate_feed_document
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


def _day(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None


def merge(
    doc: dict[str, Any],
    listings: dict[str, list[dict[str, Any]]],
    profiles: dict[str, list[dict[str, Any]]],
    today: date,
    report: RefreshReport,
) -> dict[str, Any]:
    """Merge API listings (region -> model summaries) into a copy of `doc`."""
    new = copy.deepcopy(doc)
    by_id = {m["model_id"]: m for m in new["models"]}
    source = {"api": "ListFoundationModels", "read_on": today.isoformat()}
    for region, summaries in sorted(listings.items()):
        seen: set[str] = set()
        for s in summaries:
            model_id = s.get("modelId")
            if not isinstance(model_id, str):
                continue
            seen.add(model_id)
            life = s.get("modelLifecycle") or {}
            status = life.get("status")
            entry = by_id.get(model_id)
            if entry is None:
                entry = {
                    "model_id": model_id,
                    "provider": s.get("providerName") or model_id.split(".")[0],
                    "name": s.get("modelName") or model_id,
                    "source": dict(source),
                }
                by_id[model_id] = entry
                new["models"].append(entry)
                report.changes.append(
                    f"new model {model_id} ({entry['name']}), {status or 'status unknown'} in {region}"
                )
            if status in ("ACTIVE", "LEGACY"):
                previous = entry.setdefault("region_status", {}).get(region)
                entry["region_status"][region] = status
                if previous and previous != status:
                    report.changes.append(f"{model_id}: {previous} -> {status} in {region}")
            for api_key, feed_key in (
                ("startOfLifeTime", "launch_date"),
                ("legacyTime", "legacy_date"),
                ("publicExtendedAccessTime", "public_extended_access_date"),
                ("endOfLifeTime", "eol_date"),
            ):
                value = _day(life.get(api_key))
                if value and entry.get(feed_key) != value:
                    if entry.get(feed_key):
                        report.changes.append(f"{model_id}: {feed_key} {entry[feed_key]} -> {value} (from the API)")
                    else:
                        report.changes.append(f"{model_id}: {feed_key} set to {value} (from the API)")
                    entry[feed_key] = value
            if status == "LEGACY" and not entry.get("legacy_date"):
                # The API says Legacy and the feed has no date saying so: the API wins.
                entry["legacy_date"] = today.isoformat()
                entry["notes"] = (
                    entry.get("notes", "") + f" Legacy date set from ListFoundationModels status in "
                    f"{region} on {today.isoformat()}; AWS's announced date may be earlier."
                ).strip()
                report.changes.append(f"{model_id}: feed said Active, the API says LEGACY in {region}")
        for model_id, entry in by_id.items():
            rs = entry.get("region_status", {})
            if region in rs and model_id not in seen:
                report.changes.append(f"{model_id}: no longer listed in {region} (EOL models disappear from the API)")
                del rs[region]
    mapping = new.setdefault("inference_profiles", {})
    for _region, items in sorted(profiles.items()):
        for p in items:
            pid, models = p.get("inferenceProfileId"), p.get("models") or []
            bases = {parse_model_reference(m.get("modelArn", "")).model_id for m in models if isinstance(m, dict)}
            bases.discard(None)
            if isinstance(pid, str) and len(bases) == 1:
                base = bases.pop()
                assert base is not None
                if mapping.get(pid) != base:
                    mapping[pid] = base
    new["as_of"] = today.isoformat()
    new.setdefault("sources", []).append(
        {"api": "ListFoundationModels", "read_on": today.isoformat(), "note": f"regions: {', '.join(sorted(listings))}"}
    )
    return new


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


def write_if_valid(doc: dict[str, Any], path: str) -> None:
    """Validate, then write atomically; an invalid feed leaves the old file."""
    validate_feed_document(doc, f"refreshed feed for {path}")
    atomic_write_text(path, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")


def feed_document(feed: Feed) -> dict[str, Any]:
    return copy.deepcopy(feed.raw)
