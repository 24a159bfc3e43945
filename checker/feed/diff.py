"""`feed diff OLD NEW`: what changed between two feeds, for people who watch
for new Legacy models, moved dates and new EOLs.  Every refresh prints it and
writes it beside the new feed, so the pull request that carries a refresh
says in words what it changes."""

from __future__ import annotations

from datetime import date

from checker.feed.model import Feed, FeedModel, Schedule

_DATES = ("legacy_date", "public_extended_access_date", "eol_date")
ALL_REGIONS = "all regions"


def _label(key: str) -> str:
    return key.replace("_", " ")


def _schedule_text(s: Schedule) -> str:
    parts = [
        f"{_label(k).replace(' date', '')} {getattr(s, k).isoformat()}" for k in _DATES if getattr(s, k) is not None
    ]
    return ", ".join(parts).replace("public extended access", "extended access") or "no dates"


def _by_region(m: FeedModel) -> dict[str, str]:
    """Region (or "all regions") -> that region's schedule, as text.  The
    regional schedules win over the top-level one, as in `status_at`."""
    out: dict[str, str] = {}
    top = m.schedule
    if top.has_dates:
        for r in top.regions or (ALL_REGIONS,):
            out[r] = _schedule_text(top)
    for s in m.regional_schedules:
        if s.has_dates:
            for r in s.regions or (ALL_REGIONS,):
                out[r] = _schedule_text(s)
    return out


def _facts(m: FeedModel) -> dict[str, str]:
    return {
        "launch date": m.launch_date.isoformat() if m.launch_date else "none",
        "EOL no sooner than": m.eol_not_before.isoformat() if m.eol_not_before else "none",
        "legacy period": (m.legacy_period or "none").replace("_", " "),
        "status on the pages/API": m.status or "none",
        "kind": m.kind or "none",
        "inference profiles": ", ".join(m.profile_ids) or "none",
    }


def _group(changes: dict[str, tuple[str, str]]) -> list[tuple[list[str], str, str]]:
    """Regions with the same before/after, together (one line, not thirty)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for region, change in sorted(changes.items()):
        groups.setdefault(change, []).append(region)
    return [(regions, a, b) for (a, b), regions in groups.items()]


def diff_feeds(old: Feed, new: Feed, on: date) -> list[str]:
    """One line per change, most important first: state changes, new models,
    moved dates, other facts, models no longer listed, removals."""
    olds = {m.model_id: m for m in old.models}
    news = {m.model_id: m for m in new.models}
    states, added, moved, other, unlisted, removed = [], [], [], [], [], []
    for mid, n in sorted(news.items()):
        o = olds.get(mid)
        ns = n.status_at(on)
        if o is None:
            when = f", EOL {ns.eol_date.isoformat()}" if ns.eol_date else ""
            added.append(f"+ {mid} ({n.name}): new, {ns.state.label}{when}")
            continue
        os_ = o.status_at(on)
        if os_.state is not ns.state:
            when = f" (EOL {ns.eol_date.isoformat()})" if ns.eol_date else ""
            states.append(f"! {mid} ({n.name}): {os_.state.label} -> {ns.state.label}{when}")
        if not o.regional_schedules and not n.regional_schedules and o.schedule.regions == n.schedule.regions:
            for key in _DATES:
                a, b = getattr(o.schedule, key), getattr(n.schedule, key)
                if a != b:
                    before = a.isoformat() if a else "none"
                    after = b.isoformat() if b else "none"
                    moved.append(f"~ {mid}: {_label(key)} {before} -> {after}")
        else:
            ob, nb = _by_region(o), _by_region(n)
            changes = {
                r: (ob.get(r, "no schedule"), nb.get(r, "no schedule"))
                for r in set(ob) | set(nb)
                if ob.get(r) != nb.get(r)
            }
            for regions, a, b in _group(changes):
                moved.append(f"~ {mid}: in {', '.join(regions)}: {a} -> {b}")
        of, nf = _facts(o), _facts(n)
        for key in of:
            if of[key] != nf[key]:
                other.append(f"~ {mid}: {key} {of[key]} -> {nf[key]}")
        if o.replacements != n.replacements:
            other.append(
                f"~ {mid}: replacement {', '.join(o.replacements) or 'none'} -> {', '.join(n.replacements) or 'none'}"
            )
        if o.region_status != n.region_status:
            for region in sorted(set(o.region_status) | set(n.region_status)):
                was, now = o.region_status.get(region), n.region_status.get(region)
                if was != now:
                    other.append(f"~ {mid}: API status in {region} {was or 'not listed'} -> {now or 'not listed'}")
        if n.unlisted_since is not None and o.unlisted_since is None:
            kept = "; ".join(
                f"{', '.join(regions)}: {text}"
                for regions, text, _ in _group({r: (text, "") for r, text in _by_region(n).items()})
            )
            unlisted.append(
                f"? {mid} ({n.name}): no longer listed (since {n.unlisted_since.isoformat()}); "
                f"last known schedule kept: {kept or 'none'}"
            )
    for mid in sorted(set(olds) - set(news)):
        removed.append(f"- {mid} ({olds[mid].name}): removed from the feed")
    return states + added + moved + other + unlisted + removed
