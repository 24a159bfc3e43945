"""`feed diff OLD NEW`: what changed between two feeds, for people who watch
for new Legacy models, moved dates and new EOLs."""

from __future__ import annotations

from datetime import date

from checker.feed.model import Feed, FeedModel

_DATES = ("legacy_date", "public_extended_access_date", "eol_date")


def _dates(m: FeedModel) -> dict[str, date | None]:
    s = m.schedule
    return {
        "legacy_date": s.legacy_date,
        "public_extended_access_date": s.public_extended_access_date,
        "eol_date": s.eol_date,
    }


def diff_feeds(old: Feed, new: Feed, on: date) -> list[str]:
    """One line per change, most important first: state changes, new models,
    moved dates, replacements, removals."""
    olds = {m.model_id: m for m in old.models}
    news = {m.model_id: m for m in new.models}
    states, added, moved, other, removed = [], [], [], [], []
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
        od, nd = _dates(o), _dates(n)
        for key in _DATES:
            a, b = od[key], nd[key]
            if a != b:
                before = a.isoformat() if a else "none"
                after = b.isoformat() if b else "none"
                moved.append(f"~ {mid}: {key.replace('_', ' ')} {before} -> {after}")
        if o.replacements != n.replacements:
            other.append(
                f"~ {mid}: replacement {', '.join(o.replacements) or 'none'} -> {', '.join(n.replacements) or 'none'}"
            )
        if o.region_status != n.region_status:
            for region in sorted(set(o.region_status) | set(n.region_status)):
                was, now = o.region_status.get(region), n.region_status.get(region)
                if was != now:
                    other.append(f"~ {mid}: API status in {region} {was or 'not listed'} -> {now or 'not listed'}")
    for mid in sorted(set(olds) - set(news)):
        removed.append(f"- {mid} ({olds[mid].name}): removed from the feed")
    return states + added + moved + other + removed
