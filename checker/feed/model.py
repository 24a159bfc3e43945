"""The lifecycle feed as typed records, and the one place that decides a
model's state at a date.

Dates decide, not a stored status: the bundled snapshot ages, but its dates
stay true, so a scan run a year from now still knows which models have gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from checker.model import LifecycleStatus, State
from checker.modelid import split_variant

LEGACY_PERIOD_DAYS = {"6_months": 183, "45_days": 45}


@dataclass(frozen=True)
class Schedule:
    """Legacy / extended-access / EOL dates that apply in some regions (or all
    regions when `regions` is empty)."""

    regions: tuple[str, ...] = ()
    legacy_date: date | None = None
    public_extended_access_date: date | None = None
    eol_date: date | None = None
    status: str | None = None
    note: str | None = None
    observed_on: date | None = None

    @property
    def has_dates(self) -> bool:
        return any((self.legacy_date, self.public_extended_access_date, self.eol_date))

    def covers(self, region: str) -> bool:
        return not self.regions or region in self.regions


#: The schedule of a region no announced schedule covers: no dates.
_OUTSIDE_EVERY_SCHEDULE = Schedule()


@dataclass(frozen=True)
class FeedModel:
    model_id: str
    provider: str
    name: str
    source: dict[str, str]
    aliases: tuple[str, ...] = ()
    launch_date: date | None = None
    status: str | None = None
    schedule: Schedule = field(default_factory=Schedule)
    regional_schedules: tuple[Schedule, ...] = ()
    eol_by_usage: dict[str, date] = field(default_factory=dict)
    eol_not_before: date | None = None
    legacy_period: str | None = None
    region_status: dict[str, str] = field(default_factory=dict)
    replacements: tuple[str, ...] = ()
    replacement_note: str | None = None
    uncertain: str | None = None
    notes: str | None = None
    kind: str | None = None
    access: str | None = None
    sources: tuple[dict[str, str], ...] = ()
    status_observed_on: date | None = None
    profile_ids: tuple[str, ...] = ()
    available_regions: tuple[str, ...] = ()
    last_listed_on: date | None = None
    unlisted_since: date | None = None
    #: False for a model AWS lists (a catalogue page, an API listing) whose
    #: lifecycle state no source read for the entry publishes: the id is
    #: recognised, but with neither dates nor a status it is never Active.
    lifecycle_published: bool = True

    @property
    def observed_on(self) -> date | None:
        """When the stored status was last seen: its own date, else the day
        the entry's source was read (every source records one)."""
        if self.status_observed_on is not None:
            return self.status_observed_on
        read = self.source.get("read_on")
        return date.fromisoformat(read) if read else None

    def offered_in(self, region: str | None) -> bool:
        """Whether the model is offered in `region`, as far as the feed knows
        (no availability data means no objection)."""
        return region is None or not self.available_regions or region in self.available_regions

    def status_at(self, on: date, region: str | None = None, usage_class: str = "on_demand") -> LifecycleStatus:
        """The model's state on `on`.

        With a known region, the schedule that covers the region decides (a
        regional schedule first, then the top-level one).  A region outside
        every announced schedule where the feed knows the model is offered
        (its card's regions, an API listing there) is Active there, as AWS's
        Legacy page says; where the feed does not know that, the worst
        schedule decides, as it does with an unknown region, because the
        template may be deployed anywhere and a schedule's regions may be
        every region the model ever had.
        """
        candidates: list[Schedule] = []
        if region is not None:
            regional = [s for s in self.regional_schedules if s.covers(region)]
            if regional:
                candidates = regional
            elif self.schedule.covers(region):
                candidates = [self.schedule]
            elif region in self.available_regions or region in self.region_status:
                # Offered here, outside every announced schedule: no date applies
                # here, only what is known of the region (its API status) or the model.
                candidates = [_OUTSIDE_EVERY_SCHEDULE]
            else:
                # Not known to be offered here: a schedule's regions may be all the
                # regions the model ever had, so calling it Active could hide an
                # End-of-Life model; as with an unknown region, the worst decides.
                candidates = [self.schedule, *self.regional_schedules]
        else:
            candidates = [self.schedule, *self.regional_schedules]
        candidates = [s for s in candidates if s.has_dates or s.status or s is _OUTSIDE_EVERY_SCHEDULE] or [
            self.schedule
        ]

        statuses = [self._status_for(s, on, region, usage_class) for s in candidates]
        return max(statuses, key=_severity_key)

    def _status_for(self, sched: Schedule, on: date, region: str | None, usage_class: str) -> LifecycleStatus:
        eol = sched.eol_date
        if sched is self.schedule and usage_class in self.eol_by_usage:
            eol = self.eol_by_usage[usage_class]
        legacy, pea = sched.legacy_date, sched.public_extended_access_date
        regions = sched.regions
        if eol is not None and on >= eol:
            state, basis = State.EOL, "dates"
        elif pea is not None and on >= pea:
            state, basis = State.PUBLIC_EXTENDED_ACCESS, "dates"
        elif legacy is not None and on >= legacy:
            state, basis = State.LEGACY, "dates"
        else:
            state, basis = State.ACTIVE, "dates"
            # A region's own API status says more than the model-wide one.
            regional = self.region_status.get(region) if region else None
            own = None if sched is self.schedule else sched.status
            stored = own or regional or self.status
            if region is None and self.region_status:
                # Region unknown: the worst region decides, but a status seen in
                # one region never becomes a date anywhere.
                seen = [*self.region_status.values(), *([stored] if stored else [])]
                stored = max(seen, key=("ACTIVE", "LEGACY", "EOL").index)
            if stored == "EOL" and eol is None:
                state, basis = State.EOL, "status"
            elif stored == "LEGACY" and legacy is None:
                state, basis = State.LEGACY, "status"
            elif not (legacy or pea or eol) and stored:
                basis = "status"
            elif not (legacy or pea or eol) and not self.lifecycle_published:
                # Listed but with no published state: saying Active would be a guess.
                state, basis = State.LIFECYCLE_UNPUBLISHED, "listing"
        observed = (sched.observed_on or self.observed_on) if basis in ("status", "listing") else None
        earliest = None
        if state is State.ACTIVE and self.eol_not_before is not None:
            notice = timedelta(days=LEGACY_PERIOD_DAYS.get(self.legacy_period or "6_months", 183))
            earliest = max(self.eol_not_before, on + notice)
        return LifecycleStatus(
            state=state,
            as_of=on,
            legacy_date=legacy,
            public_extended_access_date=pea,
            eol_date=eol,
            regions=regions,
            basis=basis,
            earliest_possible_eol=earliest,
            note=sched.note,
            observed_on=observed,
        )


def _severity_key(s: LifecycleStatus) -> tuple[int, int]:
    order = {
        State.ACTIVE: 0,
        State.LIFECYCLE_UNPUBLISHED: 0,
        State.LEGACY: 1,
        State.PUBLIC_EXTENDED_ACCESS: 2,
        State.EOL: 3,
    }
    # Among equal states the earlier EOL is the worse one.
    eol_rank = -(s.eol_date.toordinal()) if s.eol_date else -(10**7)
    return order.get(s.state, 0), eol_rank


@dataclass(frozen=True)
class Feed:
    schema_version: str
    as_of: date
    models: tuple[FeedModel, ...]
    inference_profiles: dict[str, str] = field(default_factory=dict)
    origin: str = "bundled"
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    generated_by: str = ""
    _index: dict[str, FeedModel] = field(default_factory=dict, repr=False, compare=False)
    _advice: dict[tuple[str, str | None, date, int], Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, FeedModel] = {}
        for m in self.models:
            for key in (m.model_id, *m.aliases):
                index.setdefault(key.lower(), m)
        for m in self.models:
            for key in m.profile_ids:
                index.setdefault(key.lower(), m)
        object.__setattr__(self, "_index", index)

    @property
    def providers(self) -> frozenset[str]:
        """Every provider prefix the feed's model ids use (`xai`, `qwen`, ...):
        the data decides which dotted strings are model ids, not a list in code."""
        out = {k.split(".", 1)[0] for m in self.models for k in (m.model_id, *m.aliases)}
        return frozenset(out | {str(p) for p in self.raw.get("providers", {})})

    @property
    def profile_prefixes(self) -> frozenset[str]:
        """Geography prefixes of the inference profiles the feed knows."""
        ids = [*self.inference_profiles, *(p for m in self.models for p in m.profile_ids)]
        out = {i.split(".", 1)[0] for i in ids}
        return frozenset(out | {str(p) for p in self.raw.get("profile_prefixes", [])})

    def lookup(self, model_id: str) -> FeedModel | None:
        """Find a model by id, alias or inference-profile id, tolerating the
        spellings templates use: a customization or context-window variant
        (`:0:28k`, `:mm`), an explicit `:0` the feed lists without, or an id
        written without the `:0` the feed lists."""
        key = model_id.lower()
        if key in self.inference_profiles:
            key = self.inference_profiles[key].lower()
        hit = self._index.get(key)
        if hit is not None:
            return hit
        base = split_variant(key)[0]
        for candidate in (key, base):
            hit = self._index.get(candidate)
            if hit is None and candidate.endswith(":0"):
                hit = self._index.get(candidate[:-2])
            if hit is None and ":" not in candidate:
                hit = self._index.get(candidate + ":0")
            if hit is not None:
                return hit
        return None

    @property
    def fingerprint(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.raw, sort_keys=True).encode()).hexdigest()[:16]
