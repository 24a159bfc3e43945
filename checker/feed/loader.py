"""Load a lifecycle feed and refuse one that fails its schema.

A wrong feed silently turns EOL models green, so a feed that does not validate
is an error naming the JSON path and the problem, never a partial load.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from checker.feed.model import Feed, FeedModel, Schedule

#: A feed is a few hundred KB; anything far larger is not a feed.
MAX_FEED_BYTES = 20 * 1024 * 1024


class FeedError(Exception):
    """The feed cannot be used; the message names the location and problem."""


@lru_cache(maxsize=1)
def feed_schema() -> dict[str, Any]:
    text = resources.files("checker.feed").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _json_path(path: Any) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate_feed_document(doc: Any, origin: str = "feed") -> None:
    """Raise FeedError listing every schema violation (first ten) with its JSON path."""
    import jsonschema

    validator_cls = jsonschema.validators.validator_for(feed_schema())
    validator = validator_cls(feed_schema(), format_checker=validator_cls.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{_json_path(e.absolute_path)}: {e.message}" for e in errors[:10]]
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        raise FeedError(f"{origin}: feed fails its schema{more}:\n  " + "\n  ".join(lines))
    _check_semantics(doc, origin)


def _check_semantics(doc: dict[str, Any], origin: str) -> None:
    """What JSON Schema cannot say: ids are unique, dates are in order, and
    no inference-profile id is also a model id."""
    seen: dict[str, int] = {}
    problems: list[str] = []
    for i, m in enumerate(doc["models"]):
        for key in (m["model_id"], *m.get("aliases", [])):
            if key in seen and seen[key] != i:
                problems.append(f"$.models[{i}]: id {key!r} is already used by $.models[{seen[key]}]")
            seen[key] = i
        for key in m.get("profile_ids", []):
            # A profile id is never a model id, not even the model's own.
            if key in seen:
                problems.append(f"$.models[{i}]: id {key!r} is already used by $.models[{seen[key]}]")
            seen[key] = i
        scheds = [("", m)] + [(f".regional_schedules[{j}]", s) for j, s in enumerate(m.get("regional_schedules", []))]
        for suffix, s in scheds:
            order = [s.get(k) for k in ("legacy_date", "public_extended_access_date", "eol_date")]
            known = [d for d in order if d]
            if known != sorted(known):
                problems.append(f"$.models[{i}]{suffix}: legacy, extended-access and EOL dates are out of order")
    if problems:
        raise FeedError(f"{origin}: feed is inconsistent:\n  " + "\n  ".join(problems[:10]))


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _schedule(obj: dict[str, Any]) -> Schedule:
    return Schedule(
        regions=tuple(obj.get("regions", ())),
        legacy_date=_d(obj.get("legacy_date")),
        public_extended_access_date=_d(obj.get("public_extended_access_date")),
        eol_date=_d(obj.get("eol_date")),
        status=obj.get("status"),
        note=obj.get("note"),
        observed_on=_d(obj.get("observed_on")),
    )


def feed_from_document(doc: dict[str, Any], origin: str = "feed", trusted: bool = False) -> Feed:
    if not trusted:
        validate_feed_document(doc, origin)
    models = []
    for m in doc["models"]:
        models.append(
            FeedModel(
                model_id=m["model_id"],
                provider=m["provider"],
                name=m["name"],
                source=dict(m["source"]),
                aliases=tuple(m.get("aliases", ())),
                launch_date=_d(m.get("launch_date")),
                status=m.get("status"),
                schedule=_schedule(m),
                regional_schedules=tuple(_schedule(s) for s in m.get("regional_schedules", ())),
                eol_by_usage={k: date.fromisoformat(v) for k, v in m.get("eol_by_usage", {}).items()},
                eol_not_before=_d(m.get("eol_not_before")),
                legacy_period=m.get("legacy_period"),
                region_status=dict(m.get("region_status", {})),
                replacements=tuple(m.get("replacements", ())),
                replacement_note=m.get("replacement_note"),
                uncertain=m.get("uncertain"),
                notes=m.get("notes"),
                kind=m.get("kind"),
                access=m.get("access"),
                sources=tuple(dict(s) for s in m.get("sources", ())),
                status_observed_on=_d(m.get("status_observed_on")),
                profile_ids=tuple(m.get("profile_ids", ())),
                available_regions=tuple(m.get("available_regions", ())),
                last_listed_on=_d(m.get("last_listed_on")),
                unlisted_since=_d(m.get("unlisted_since")),
                lifecycle_published=bool(m.get("lifecycle_published", True)),
            )
        )
    return Feed(
        schema_version=doc["schema_version"],
        as_of=date.fromisoformat(doc["as_of"]),
        models=tuple(models),
        inference_profiles={k.lower(): v for k, v in doc.get("inference_profiles", {}).items()},
        origin=origin,
        raw=doc,
        generated_by=str(doc.get("generated_by", "")),
    )


def parse_feed_bytes(data: bytes, origin: str) -> Feed:
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"{origin}: feed is {len(data):,} bytes, over the {MAX_FEED_BYTES:,}-byte limit")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FeedError(f"{origin}: feed is not UTF-8 ({exc.reason})") from None
    except json.JSONDecodeError as exc:
        raise FeedError(
            f"{origin}: feed is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise FeedError(f"{origin}: feed is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise FeedError(f"{origin}: feed must be a JSON object, got {type(doc).__name__}")
    return feed_from_document(doc, origin)


_PIN = re.compile(r"#sha256=([0-9a-fA-F]{64})$")


def split_pin(location: str) -> tuple[str, str | None]:
    """`LOCATION#sha256=HEX` -> (LOCATION, hex digest); the pin is how an
    organisation makes every pipeline use exactly the feed it reviewed."""
    m = _PIN.search(location)
    if m is None:
        if "#sha256=" in location:
            raise FeedError(f"{location}: the #sha256= pin must be 64 hexadecimal digits")
        return location, None
    return location[: m.start()], m.group(1).lower()


def _check_pin(data: bytes, loc: str, pin: str | None) -> bytes:
    if pin is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != pin:
            raise FeedError(f"{loc}: feed digest is sha256:{actual}, but the pin asks for sha256:{pin}; refusing it")
    return data


def load_feed(location: str | Path | None = None) -> Feed:
    """Load the feed at `location` (a path, or None for the bundled snapshot).

    Remote locations (`s3://`, `https://`) are handled by
    `checker.feed.remote` when it is available.  Any location may end in
    `#sha256=HEX`: bytes with another digest are refused before parsing.
    """
    if location is None:
        return load_bundled_feed()
    loc, pin = split_pin(str(location))
    if loc.startswith(("s3://", "https://", "http://")):
        from checker.feed.remote import fetch

        return _registered(parse_feed_bytes(_check_pin(fetch(loc), loc, pin), loc))
    from checker.util.textio import FileReadError, read_regular_bytes

    try:
        # A regular file only: a config naming /dev/zero, /dev/stdin or a
        # FIFO must not read forever or hang the job.
        data = read_regular_bytes(loc, MAX_FEED_BYTES, "")
    except FileReadError as exc:
        raise FeedError(f"{loc}: cannot read feed: {exc}") from None
    return _registered(parse_feed_bytes(_check_pin(data, loc, pin), loc))


def _registered(feed: Feed) -> Feed:
    """A custom feed may list providers the bundled one does not: make their
    ids recognisable in free-form values too."""
    from checker.modelid import register_feed_vocabulary

    register_feed_vocabulary(feed.providers, feed.profile_prefixes)
    return feed


#: The bundled snapshot as released: the test suite validates exactly these
#: bytes against the schema, so a scan need not import jsonschema and
#: validate them again on every start.  Any other bytes are validated.
BUNDLED_FEED_SHA256 = "c5bfb552a80296d1ad490242936d86dd33904de03d496982112ace324860697f"


@lru_cache(maxsize=1)
def load_bundled_feed() -> Feed:
    data = resources.files("checker.feed").joinpath("bundled.json").read_bytes()
    if hashlib.sha256(data).hexdigest() == BUNDLED_FEED_SHA256:
        return feed_from_document(json.loads(data), "bundled feed", trusted=True)
    return parse_feed_bytes(data, "bundled feed")
