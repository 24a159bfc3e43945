"""The migration timeline: one self-contained HTML page a team reads at a
glance.

Per model in use: its lifecycle as bands on one date axis shared by every
model (Active, Legacy, Public Extended Access, End-of-Life), the evaluation
date marked, the region the dates apply to, the resources and the lines that
name it, and the recommended replacement; above them a table of what breaks
by which date.  No network: styles and the few lines of script that sort the
table are inline, and a Content-Security-Policy forbids loading anything.
Every text from the scanned tree is HTML-escaped.  Bars carry text
alternatives; the page reads printed and in dark mode.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from checker.model import AssessedReference, Finding, ScanResult, Severity, State
from checker.reports.common import definition_text, feed_line, feed_notices, why_undecided
from checker.reports.escape import html as _e

_RANK = {None: 0, Severity.NOTICE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


@dataclass
class _Model:
    """One model under one schedule (a model can have regional schedules)."""

    model_id: str
    name: str
    state: State
    legacy: date | None
    pea: date | None
    eol: date | None
    schedule: str
    replacements: tuple[str, ...]
    regions: set[str] = field(default_factory=set)
    suggested: bool = False
    refs: list[AssessedReference] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def region(self) -> str:
        """Where it is deployed (as far as the code says), then where the
        dates apply."""
        known = ", ".join(sorted(r for r in self.regions if r)) or ""
        unset = "" in self.regions
        where = known + ("; " if known and unset else "") + ("region not set" if unset else "")
        return f"{where} — dates apply in {self.schedule}"

    @property
    def severity(self) -> Severity | None:
        worst = None
        for f in self.findings:
            if f.active and _RANK[f.severity] > _RANK[worst]:
                worst = f.severity
        return worst


def _schedule_label(regions: tuple[str, ...]) -> str:
    if not regions:
        return "every region"
    more = len(regions) - 3
    return ", ".join(regions[:3]) + (f" +{more} more" if more > 0 else "")


def _models(result: ScanResult) -> list[_Model]:
    groups: dict[tuple[object, ...], _Model] = {}
    by_ref: dict[int, list[Finding]] = defaultdict(list)
    for f in result.findings:
        by_ref[id(f.reference)].append(f)
    for a in result.references:
        mid = a.reference.model_id
        if mid is None or a.status.state in (State.NOT_IN_FEED, State.UNRESOLVED):
            continue
        s = a.status
        key = (mid, s.legacy_date, s.public_extended_access_date, s.eol_date)
        m = groups.get(key)
        if m is None:
            m = groups[key] = _Model(
                mid,
                a.model_name or mid,
                s.state,
                s.legacy_date,
                s.public_extended_access_date,
                s.eol_date,
                _schedule_label(s.regions),
                (),
            )
        m.regions.add(a.reference.effective_region or "")
        if not m.replacements and a.replacements:
            m.replacements, m.suggested = a.replacements, a.replacement_suggested
        m.refs.append(a)
        m.findings.extend(by_ref.get(id(a.reference), []))
    far = date.max
    return sorted(groups.values(), key=lambda m: (m.eol or far, -_RANK[m.severity], m.model_id, m.region))


def _axis(models: list[_Model], as_of: date) -> tuple[date, date]:
    dates = [as_of] + [d for m in models for d in (m.legacy, m.pea, m.eol) if d]
    return min(dates) - timedelta(days=90), max(dates) + timedelta(days=90)


def _bands(m: _Model, start: date, end: date) -> list[tuple[str, str, date | None, date | None]]:
    """(css class, label, from, to): from/to None at the ends of the axis."""
    out: list[tuple[str, str, date | None, date | None]] = []
    if not (m.legacy or m.pea or m.eol) and m.state is not State.ACTIVE:
        # A state the feed stores without dates: one band, said as such.
        cls = {State.EOL: "eol", State.PUBLIC_EXTENDED_ACCESS: "pea"}.get(m.state, "legacy")
        return [(cls, f"{m.state.label} (no dates announced)", None, None)]
    first = m.legacy or m.pea or m.eol
    out.append(("active", "Active", None, first))
    if m.legacy:
        out.append(("legacy", "Legacy", m.legacy, m.pea or m.eol))
    if m.pea:
        out.append(("pea", "Public Extended Access", m.pea, m.eol))
    if m.eol:
        out.append(("eol", "End-of-Life", m.eol, None))
    return out


def _pct(d: date, start: date, end: date) -> float:
    return round(100 * (d - start).days / max(1, (end - start).days), 3)


def _bar(m: _Model, start: date, end: date, as_of: date) -> str:
    parts = []
    alt = []
    for cls, label, lo, hi in _bands(m, start, end):
        left = _pct(lo or start, start, end)
        right = _pct(hi or end, start, end)
        if right <= left:
            continue
        span = (f"from {lo.isoformat()}" if lo and not hi else f"until {hi.isoformat()}" if hi and not lo else "") or (
            f"{lo.isoformat()} to {hi.isoformat()}" if lo and hi else "throughout"
        )
        text = f"{label} {span}"
        alt.append(text)
        parts.append(
            f'<div class="band {cls}" data-state="{_e(label)}" data-start="{_d(lo)}" data-end="{_d(hi)}" '
            f'style="left:{left}%;width:{round(right - left, 3)}%" title="{_e(text)}">'
            f'<span class="band-label">{_e(label)}</span></div>'
        )
    now = _pct(as_of, start, end)
    parts.append(f'<div class="now" style="left:{now}%" data-date="{as_of.isoformat()}" aria-hidden="true"></div>')
    summary = f"{m.model_id}: " + "; ".join(alt) + f". Evaluation date {as_of.isoformat()}."
    return (
        f'<span class="now-label" style="left:{now}%" aria-hidden="true">{as_of.isoformat()}</span>'
        f'<div class="bar" role="img" aria-label="{_e(summary)}">{"".join(parts)}</div>'
    )


def _ticks(start: date, end: date) -> str:
    out = []
    y = start.year
    while date(y, 1, 1) <= end:
        for month in (1, 7):
            d = date(y, month, 1)
            if start <= d <= end and 2 < _pct(d, start, end) < 96:
                label = str(y) if month == 1 else f"Jul {y}"
                out.append(f'<span class="tick" style="left:{_pct(d, start, end)}%">{label}</span>')
        y += 1
    return f'<div class="axis" aria-hidden="true">{"".join(out)}</div>'


def _state_word(m: _Model) -> str:
    sev = m.severity
    return sev.value if sev is not None else "ok"


def _users(m: _Model) -> str:
    rows = []
    seen: set[tuple[str, str]] = set()
    for a in m.refs:
        r = a.reference
        key = (r.resource, str(r.location))
        if key in seen:
            continue
        seen.add(key)
        rules = sorted({f.rule_id for f in m.findings if f.reference is r and f.active})
        site = definition_text(r)
        rows.append(
            "<tr>"
            f"<td><code>{_e(r.construct_path or r.resource)}</code><br><small>{_e(r.resource_type)}</small></td>"
            f"<td><code>{_e(r.location)}</code></td>"
            f"<td>{'<code>' + _e(site) + '</code>' if site else '<small>in the resource</small>'}</td>"
            f"<td>{_e(', '.join(rules)) or '—'}</td>"
            "</tr>"
        )
    return (
        f'<table class="users"><caption class="sr-only">Resources using {_e(m.model_id)}</caption>'
        '<thead><tr><th scope="col">Resource</th><th scope="col">Where</th>'
        '<th scope="col">Edit here (definition site)</th><th scope="col">Rules</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _summary(models: list[_Model], as_of: date) -> str:
    rows = []
    for m in models:
        days = (m.eol - as_of).days if m.eol else None
        n = len({(a.reference.resource, str(a.reference.location)) for a in m.refs})
        rows.append(
            f'<tr class="sev-{_state_word(m)}">'
            f'<td data-sort="{_e(m.name)}"><a href="#{_anchor(m)}">{_e(m.name)}</a>'
            f"<br><code>{_e(m.model_id)}</code></td>"
            f'<td data-sort="{_RANK[m.severity]}"><span class="badge {_state_word(m)}">{_e(_state_word(m))}</span>'
            f"<br>{_e(m.state.label)}</td>"
            f'<td class="date" data-sort="{_d(m.legacy) or "9999"}">{_d(m.legacy) or "—"}</td>'
            f'<td class="date" data-sort="{_d(m.eol) or "9999"}">{_d(m.eol) or "not announced"}</td>'
            f'<td data-sort="{days if days is not None else 10**6}">{days if days is not None else "—"}</td>'
            f'<td data-sort="{n}">{n}</td>'
            f'<td data-sort="{_e(m.region)}">{_e(m.region)}</td>'
            f"<td>{'<small>suggested</small><br>' if m.suggested else ''}"
            f"{''.join('<code>' + _e(x) + '</code><br>' for x in m.replacements) or '—'}</td>"
            "</tr>"
        )
    head = "".join(
        f'<th scope="col" aria-sort="none"><button type="button" data-col="{i}">{label}</button></th>'
        for i, label in enumerate(
            ("Model", "Severity / state", "Legacy", "End-of-Life", "Days left", "Resources", "Region")
        )
    )
    return (
        '<table class="summary sortable" id="summary"><caption>What breaks by which date '
        "(select a heading to sort)</caption>"
        f'<thead><tr>{head}<th scope="col">Replacement</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _advice(m: _Model) -> str:
    return "suggested replacement (AWS names no Active successor):" if m.suggested else "replace with"


def _anchor(m: _Model) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in f"{m.model_id}-{m.region}")
    return "m-" + safe[:80]


_CSS = """
:root{--bg:#fff;--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--card:#f6f8fa;
--active:#2da44e;--legacy:#d4a72c;--pea:#e16f24;--eol:#cf222e;--now:#0969da;
--error:#cf222e;--warning:#9a6700;--notice:#0969da;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;
--card:#161b22;--active:#3fb950;--legacy:#d29922;--pea:#f0883e;--eol:#f85149;--now:#58a6ff;
--error:#f85149;--warning:#d29922;--notice:#58a6ff;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0;padding:1.5rem;background:var(--bg);color:var(--fg);
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:0}
.meta{color:var(--muted);margin:0 0 1rem}
code{font:13px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
td.date{white-space:nowrap}table.summary code{font-size:12px}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}
th button::after{content:" \\2195";color:var(--muted)}
th[aria-sort=ascending] button::after{content:" \\2191"}th[aria-sort=descending] button::after{content:" \\2193"}
.badge{display:inline-block;border-radius:1rem;padding:0 .5rem;font-size:12px;font-weight:600;color:#fff}
.badge.error{background:var(--error)}.badge.warning{background:var(--warning)}
.badge.notice{background:var(--notice)}.badge.ok{background:var(--ok)}
.model{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--ok);
border-radius:6px;padding:.75rem 1rem;margin:0 0 1rem;break-inside:avoid}
.model.sev-error{border-left-color:var(--error)}.model.sev-warning{border-left-color:var(--warning)}
.model.sev-notice{border-left-color:var(--notice)}
.facts{margin:.25rem 0 .5rem;color:var(--muted)}
.track{position:relative;margin:.5rem 0 1.6rem}
.bar{position:relative;height:28px;border-radius:4px;background:var(--line)}
.band{position:absolute;top:0;bottom:0;overflow:hidden;white-space:nowrap}
.band-label{font-size:12px;line-height:28px;padding-left:.35rem;color:#fff;font-weight:600}
.band.active{background:var(--active)}.band.legacy{background:var(--legacy)}
.band.pea{background:var(--pea)}.band.eol{background:var(--eol)}
.band.legacy .band-label{color:#1b1f24}
.now{position:absolute;top:-6px;bottom:-6px;width:0;border-left:3px solid var(--fg);
box-shadow:0 0 0 1px var(--bg)}
.now-label{position:absolute;top:-.2rem;transform:translateX(-50%);font-size:11px;font-weight:600;
white-space:nowrap;color:var(--fg)}
.track{padding-top:1rem}
table.users{font-size:13px}table.users td{padding:.2rem .5rem}
.axis{position:relative;height:1.2rem;font-size:12px;color:var(--muted)}
.tick{position:absolute;top:2px;transform:translateX(-50%);white-space:nowrap}
.legend{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0 1rem;font-size:13px}
.legend span::before{content:"";display:inline-block;width:.9rem;height:.9rem;margin-right:.3rem;
vertical-align:-2px;border-radius:2px;background:var(--c)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
a{color:var(--now)}
.notice{margin:.25rem 0;padding:.4rem .6rem;border-left:4px solid var(--warning);background:var(--card)}
.notice.note{border-left-color:var(--notice)}
@media print{body{padding:0;font-size:11pt;background:#fff;color:#000}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
th button::after{content:""}.model{break-inside:avoid;border-color:#999}
a{color:#000;text-decoration:none}}
"""

_JS = """
(function(){
  var table = document.getElementById("summary");
  if (!table) { return; }
  var heads = table.querySelectorAll("thead th");
  table.querySelectorAll("thead button").forEach(function(button){
    button.addEventListener("click", function(){
      var col = Number(button.getAttribute("data-col"));
      var th = button.parentNode;
      var up = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach(function(h){ if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); } });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function(a, b){
        var x = a.cells[col].getAttribute("data-sort"), y = b.cells[col].getAttribute("data-sort");
        var nx = Number(x), ny = Number(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(function(r){ body.appendChild(r); });
    });
  });
  document.documentElement.setAttribute("data-ready", "1");
})();
"""


def _undecided(result: ScanResult) -> str:
    """References whose model could not be decided, with why, and wildcard
    grants as inventory: the timeline shows only models it could judge."""
    out = ""
    if result.unresolved:
        rows = "".join(
            f"<tr><td><code>{_e(a.reference.location)}</code></td>"
            f"<td><code>{_e(a.reference.construct_path or a.reference.resource)}</code></td>"
            f"<td><code>{_e(a.reference.raw)}</code></td>"
            f"<td>{_e(why_undecided(a.reference))}</td></tr>"
            for a in result.unresolved
        )
        fails = " (--fail-on-unresolved: they fail the scan)" if result.fail_on_unresolved else ""
        out += (
            f'<h2 id="unresolved">{len(result.unresolved)} model reference(s) could not be decided{_e(fails)}</h2>'
            '<table class="users"><thead><tr><th scope="col">Where</th><th scope="col">Resource</th>'
            f'<th scope="col">Value</th><th scope="col">Why</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    if result.wildcards:
        rows = "".join(
            f"<tr><td><code>{_e(a.reference.location)}</code></td>"
            f"<td><code>{_e(a.reference.construct_path or a.reference.resource)}</code></td>"
            f"<td><code>{_e(a.reference.raw)}</code></td></tr>"
            for a in result.wildcards
        )
        out += (
            f'<h2 id="wildcards">{len(result.wildcards)} wildcard grant(s): every matching model</h2>'
            '<table class="users"><thead><tr><th scope="col">Where</th><th scope="col">Resource</th>'
            f'<th scope="col">Grant</th></tr></thead><tbody>{rows}</tbody></table>'
        )
    return out


def render(result: ScanResult) -> str:
    models = _models(result)
    as_of = result.as_of
    start, end = _axis(models, as_of)
    active = [f for f in result.findings if f.active]
    counts = {s: sum(1 for f in active if f.severity is s) for s in Severity}
    sections = []
    for m in models:
        word = _state_word(m)
        repl = ", ".join(m.replacements)
        sections.append(
            f'<section class="model sev-{word}" id="{_anchor(m)}" data-model="{_e(m.model_id)}" '
            f'data-legacy="{_d(m.legacy)}" data-pea="{_d(m.pea)}" data-eol="{_d(m.eol)}">'
            f'<h2><span class="badge {word}">{_e(word)}</span> {_e(m.name)} <code>{_e(m.model_id)}</code></h2>'
            f'<p class="facts">{_e(m.state.label)} on {as_of.isoformat()} · {_e(m.region)}'
            f"{' · ' + _e(_advice(m)) + ' <code>' + _e(repl) + '</code>' if repl else ''}</p>"
            f'<div class="track">{_bar(m, start, end, as_of)}{_ticks(start, end)}</div>'
            f"{_users(m)}</section>"
        )
    errors = "".join(f"<li><code>{_e(e)}</code></li>" for e in result.errors)
    notices = "".join(f'<p class="notice {n.level}">{_e(n.level)}: {_e(n.text)}</p>' for n in feed_notices(result))
    legend = "".join(
        f'<span style="--c:var(--{c})">{label}</span>'
        for c, label in (
            ("active", "Active"),
            ("legacy", "Legacy"),
            ("pea", "Public Extended Access"),
            ("eol", "End-of-Life"),
            ("fg", f"evaluation date {as_of.isoformat()}"),
        )
    )
    body = (
        "<h1>Bedrock model migration timeline</h1>"
        f'<p class="meta">As of <strong>{as_of.isoformat()}</strong> · {len(result.references)} model reference(s) '
        f"in {result.files_scanned} file(s) · {counts[Severity.ERROR]} error(s), {counts[Severity.WARNING]} "
        f"warning(s), {counts[Severity.NOTICE]} notice(s)<br>{_e(feed_line(result))}</p>"
        + notices
        + (_summary(models, as_of) if models else "<p>No model of the lifecycle feed is in use.</p>")
        + f'<div class="legend" aria-hidden="true">{legend}</div>'
        + "".join(sections)
        + _undecided(result)
        + (f"<h2>Files that could not be read</h2><ul>{errors}</ul>" if errors else "")
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        f"<title>Bedrock model migration timeline ({as_of.isoformat()})</title>"
        f"<style>{_CSS}</style></head><body>{body}<script>{_JS}</script></body></html>\n"
    )
