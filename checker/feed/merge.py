"""Merge what a refresh read (AWS's pages, the API) into a feed document.

The rules, all per region:

* dates read for some regions replace the schedule of exactly those regions;
  every other region keeps what it had (a per-region API date must never
  move another region's EOL);
* a status without a date (the API's LEGACY, a card's "Legacy") is recorded
  with the day it was observed, for its region only when it came from one
  region; it never invents a Legacy date;
* a model that no listing shows any more keeps its last known schedule and
  is marked `unlisted_since` (EOL models drop out of the API and lose their
  cards; the dates we had are still the best knowledge there is);
* new-policy facts (launch date, "EOL no sooner than", Legacy period) and
  inference-profile ids come from the model cards, which are the only place
  AWS publishes them.

Functions here work on a deep copy and never write; the caller validates the
result and writes it atomically.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import date
from typing import Any

from checker.feed.docs import DocsSnapshot, LifecycleRow, ModelCard

_DATE_KEYS = ("legacy_date", "public_extended_access_date", "eol_date")
_STATUS_ORDER = ("ACTIVE", "LEGACY", "EOL")


def _index(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every id an entry answers to (model id, aliases, profile ids)."""
    out: dict[str, dict[str, Any]] = {}
    for m in doc["models"]:
        for key in (m["model_id"], *m.get("aliases", []), *m.get("profile_ids", [])):
            out.setdefault(key.lower(), m)
    return out


def _find(index: dict[str, dict[str, Any]], model_id: str) -> dict[str, Any] | None:
    key = model_id.lower()
    hit = index.get(key)
    if hit is None and key.endswith(":0"):
        hit = index.get(key[:-2])
    if hit is None and ":" not in key:
        hit = index.get(key + ":0")
    return hit


def _new_entry(
    doc: dict[str, Any],
    index: dict[str, dict[str, Any]],
    model_id: str,
    provider: str,
    name: str,
    source: dict[str, str],
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "model_id": model_id,
        "provider": provider or model_id.split(".")[0],
        "name": name or model_id,
        "source": dict(source),
    }
    doc["models"].append(entry)
    index[model_id.lower()] = entry
    return entry


def add_source(entry: dict[str, Any], source: dict[str, str], primary: bool = True) -> None:
    """Record that `source` (read on its date) backs this entry; the newest
    reading of a page replaces the older one.  `primary` makes it the
    entry's `source` too (pages are; an API status beside a page is not)."""
    key = source.get("url") or source.get("api")
    before = entry.get("sources") or ([entry["source"]] if entry.get("source") else [])
    kept = [s for s in before if (s.get("url") or s.get("api")) != key]
    entry["sources"] = [*kept, dict(source)]
    if primary or not entry.get("source"):
        entry["source"] = dict(source)


def apply_regional_schedule(
    entry: dict[str, Any], regions: Iterable[str], dates: dict[str, str | None], source: dict[str, str]
) -> None:
    """Set the schedule of `regions` to `dates`, leaving every other region's
    schedule as it was."""
    regions = sorted(set(regions))
    covered = set(regions)
    kept: list[dict[str, Any]] = []
    for sched in entry.get("regional_schedules", []):
        rest = [r for r in sched.get("regions", []) if r not in covered]
        if sched.get("regions") and not rest:
            continue
        if rest != sched.get("regions", rest):
            sched = {**sched, "regions": rest}
        kept.append(sched)
    new: dict[str, Any] = {"regions": regions}
    for key in _DATE_KEYS:
        if dates.get(key):
            new[key] = dates[key]
    new["source"] = dict(source)
    kept.append(new)
    kept.sort(key=lambda s: (s.get("regions") or [""])[0])
    entry["regional_schedules"] = kept
    top_regions = entry.get("regions")
    if top_regions:
        rest = [r for r in top_regions if r not in covered]
        if rest:
            entry["regions"] = rest
        else:
            # Every region of the top-level schedule now has a regional one.
            for key in ("regions", *_DATE_KEYS):
                entry.pop(key, None)


def mark_listed(
    doc: dict[str, Any], listed: set[int], today: date, what: str, listed_before: frozenset[int] = frozenset()
) -> None:
    """Entries listed this time are `last_listed_on` today; entries that
    were listed before and are not any more keep their schedule and get
    `unlisted_since` (the diff reports them with that schedule)."""
    for entry in doc["models"]:
        if id(entry) in listed:
            entry["last_listed_on"] = today.isoformat()
            entry.pop("unlisted_since", None)
        elif (entry.get("last_listed_on") or id(entry) in listed_before) and not entry.get("unlisted_since"):
            entry["unlisted_since"] = today.isoformat()
            note = f"Not listed by {what} on {today.isoformat()}; the last known schedule is kept."
            entry["notes"] = f"{entry.get('notes', '')} {note}".strip()


def _d(value: date | None) -> str | None:
    return value.isoformat() if value else None


def merge_docs(doc: dict[str, Any], snap: DocsSnapshot, today: date) -> dict[str, Any]:
    """Merge the pages read on `today` into a copy of `doc`."""
    new = copy.deepcopy(doc)
    index = _index(new)
    listed: set[int] = set()
    rows_by_id: dict[str, list[LifecycleRow]] = {}
    for row in snap.rows:
        rows_by_id.setdefault(row.model_id, []).append(row)
    for card in snap.cards:
        entry = _merge_card(new, index, card, today, has_rows=card.model_id in rows_by_id)
        listed.add(id(entry))
    for model_id, rows in rows_by_id.items():
        first = rows[0]
        source = {"url": first.page, "read_on": today.isoformat(), "page": "lifecycle tables"}
        entry = _find(index, model_id) or _new_entry(new, index, model_id, first.provider, first.name, source)
        for row in rows:
            dates = {
                "legacy_date": _d(row.legacy_date),
                "public_extended_access_date": _d(row.public_extended_access_date),
                "eol_date": _d(row.eol_date),
            }
            apply_regional_schedule(entry, row.regions, dates, source)
        named = list(dict.fromkeys(r for row in rows for r in row.replacements))
        if named:
            # AWS's own recommendation replaces ours; none printed keeps what we had.
            entry["replacements"] = named
        add_source(entry, source)
        listed.add(id(entry))
    mark_listed(new, listed, today, "AWS's lifecycle pages or model cards")
    new["as_of"] = today.isoformat()
    new["schema_version"] = _at_least(new.get("schema_version", "1.0"), "1.1")
    kept = [s for s in new.get("sources", []) if s.get("url") not in snap.pages]
    new["sources"] = (
        kept
        + [{"url": p, "read_on": today.isoformat()} for p in snap.pages[:3]]
        + (
            [
                {
                    "url": snap.pages[3],
                    "read_on": today.isoformat(),
                    "note": f"and {len(snap.cards) - 1} more model cards",
                }
            ]
            if len(snap.pages) > 3
            else []
        )
    )
    return new


def _at_least(version: str, minimum: str) -> str:
    def parts(v: str) -> tuple[int, ...]:
        return tuple(int(x) for x in v.split("."))

    return version if parts(version) >= parts(minimum) else minimum


def _merge_card(
    doc: dict[str, Any], index: dict[str, dict[str, Any]], card: ModelCard, today: date, has_rows: bool
) -> dict[str, Any]:
    source = {"url": card.page, "read_on": today.isoformat(), "page": "model card"}
    entry = _find(index, card.model_id)
    if entry is None:
        for other in (*card.other_ids, *card.profile_ids):
            entry = _find(index, other)
            if entry is not None:
                break
    if entry is None:
        entry = _new_entry(doc, index, card.model_id, card.provider, card.name, source)
    for key, value in (
        ("launch_date", _d(card.launch_date)),
        ("eol_not_before", _d(card.eol_not_before)),
        ("legacy_period", card.legacy_period),
        ("kind", card.kind),
        ("access", card.access),
    ):
        if value:
            entry[key] = value
    if card.legacy_period is None and "legacy_period" in entry and card.eol_not_before is None:
        entry.pop("legacy_period")
    aliases = [a for a in entry.get("aliases", []) if a != entry["model_id"]]
    for other in card.other_ids:
        if other != entry["model_id"] and other not in aliases:
            aliases.append(other)
    if aliases:
        entry["aliases"] = aliases
    if card.profile_ids:
        entry["profile_ids"] = list(card.profile_ids)
        for pid in card.profile_ids:
            index.setdefault(pid.lower(), entry)
    if card.regions:
        entry["available_regions"] = sorted(card.regions)
    # The card's state is one observation for the model as a whole.
    entry["status"] = card.lifecycle
    entry["status_observed_on"] = today.isoformat()
    # A published state now stands where the catalogue listing had none.
    entry.pop("lifecycle_published", None)
    if card.eol_date is not None and not has_rows and not entry.get("regional_schedules"):
        # Only the card announces this EOL: it applies wherever the model is offered.
        entry["eol_date"] = card.eol_date.isoformat()
    add_source(entry, source)
    return entry


def merge_api(
    doc: dict[str, Any],
    listings: dict[str, list[dict[str, Any]]],
    today: date,
    profile_map: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Merge ListFoundationModels results (region -> summaries) into a copy
    of `doc`.  Status and lifecycle timestamps are per region."""
    new = copy.deepcopy(doc)
    index = _index(new)
    read = set(listings)
    # A model with an API status in a region read now was listed there before.
    listed_before = frozenset(id(e) for e in new["models"] if read & set(e.get("region_status", {})))
    source = {"api": "ListFoundationModels", "read_on": today.isoformat()}
    dates_by_entry: dict[int, dict[tuple[str | None, ...], list[str]]] = {}
    entries: dict[int, dict[str, Any]] = {}
    listed: set[int] = set()
    for region, summaries in sorted(listings.items()):
        for s in summaries:
            model_id = s.get("modelId")
            if not isinstance(model_id, str):
                continue
            life = s.get("modelLifecycle") or {}
            entry = _find(index, model_id) or _new_entry(
                new, index, model_id, str(s.get("providerName") or ""), str(s.get("modelName") or ""), source
            )
            entries[id(entry)] = entry
            listed.add(id(entry))
            status = life.get("status")
            if status in ("ACTIVE", "LEGACY"):
                entry.setdefault("region_status", {})[region] = status
                entry["status_observed_on"] = today.isoformat()
                entry.pop("lifecycle_published", None)
                add_source(entry, source, primary=False)
            launch = _day(life.get("startOfLifeTime"))
            if launch and not entry.get("launch_date"):
                entry["launch_date"] = launch
            stamps = tuple(_day(life.get(k)) for k in ("legacyTime", "publicExtendedAccessTime", "endOfLifeTime"))
            if any(stamps):
                dates_by_entry.setdefault(id(entry), {}).setdefault(stamps, []).append(region)
    for key, groups in dates_by_entry.items():
        entry = entries[key]
        for stamps, regions in groups.items():
            dates = dict(zip(_DATE_KEYS, stamps, strict=True))
            if _same_dates(entry, regions, dates):
                continue
            apply_regional_schedule(entry, regions, dates, source)
        add_source(entry, source, primary=False)
    for entry in new["models"]:
        # Regions read this time that no longer list the model: their status is gone.
        rs = entry.get("region_status")
        if rs and id(entry) not in listed:
            for region in [r for r in rs if r in read]:
                del rs[region]
            if not rs:
                entry.pop("region_status")
    mark_listed(new, listed, today, "ListFoundationModels in " + ", ".join(sorted(read)), listed_before)
    if profile_map:
        mapping = new.setdefault("inference_profiles", {})
        for pid, base in sorted(profile_map.items()):
            owner = _find(index, base)
            if owner is not None and pid not in owner.get("profile_ids", []):
                mapping[pid] = owner["model_id"]
    new["as_of"] = today.isoformat()
    new["schema_version"] = _at_least(new.get("schema_version", "1.0"), "1.1")
    new.setdefault("sources", []).append(
        {"api": "ListFoundationModels", "read_on": today.isoformat(), "note": f"regions: {', '.join(sorted(read))}"}
    )
    return new


def _same_dates(entry: dict[str, Any], regions: list[str], dates: dict[str, str | None]) -> bool:
    """True when every region already has exactly these dates (from a page,
    say): nothing to change and no reason to replace the page as source."""
    for region in regions:
        scheds = [s for s in entry.get("regional_schedules", []) if region in s.get("regions", [])]
        if not scheds and (not entry.get("regions") or region in entry["regions"]):
            scheds = [entry]
        if not any(all(s.get(k) == dates[k] for k in _DATE_KEYS) for s in scheds):
            return False
    return True


def _day(value: Any) -> str | None:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return None
