"""The HTML migration timeline in a real headless Chromium (Debian's
package; `make chromium` installs it through tools/chromium.py, and `make
test` depends on that):
the page loads with no console message, its script runs and sorts the
table, a screenshot is taken, and the bars' dates in the rendered DOM are the
feed's dates for each model."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed
from checker.model import ScanResult
from checker.pipeline import ScanSettings, scan
from checker.reports import render

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))
import chromium  # noqa: E402  (tools/ is not a package)

AS_OF = date(2026, 11, 24)


def browse(page: Path, *extra: str) -> tuple[str, list[str]]:
    """Load `page`; return stdout and the console lines Chromium logged."""
    if chromium.find() is None:
        pytest.fail("Chromium is missing: run `make chromium` (apt-get install chromium) for the browser test")
    return chromium.run(page, *extra)


@pytest.fixture(scope="module")
def result() -> ScanResult:
    os.chdir(REPO)
    return scan(["sample_iac"], ScanSettings(as_of=AS_OF, feed=load_bundled_feed()))


class _Dom(HTMLParser):
    """Sections (data-model and their dates) and bands of the dumped DOM."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[dict[str, str]] = []
        self.bands: list[tuple[str, dict[str, str]]] = []
        self.root: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.order: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.tags.append((tag, a))
        if tag == "html":
            self.root = a
        if tag == "section" and "data-model" in a:
            self.sections.append(a)
        if tag == "div" and "band" in a.get("class", "").split():
            self.bands.append((self.sections[-1]["data-model"], a))
        if tag == "tr" and "data-order" in a:
            self.order.append(a["data-order"])


def test_report_in_headless_chromium(result: ScanResult, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render("html", result))
    dom_text, console = browse(page, "--dump-dom")
    assert console == [], console
    dom = _Dom()
    dom.feed(dom_text)
    assert dom.root.get("data-ready") == "1"  # the inline script ran to its end

    # Nothing is fetched: no external script, style, font or image.
    for tag, attrs in dom.tags:
        assert "src" not in attrs or tag not in ("script", "img", "iframe"), (tag, attrs)
        assert not (tag == "link" and attrs.get("rel") == "stylesheet")

    # The bars are the feed's dates, model by model.
    feed = load_bundled_feed()
    used = {
        a.reference.model_id
        for a in result.references
        if a.status.state.value not in ("NOT_IN_FEED", "UNRESOLVED") and a.reference.model_id is not None
    }  # a wildcard grant (every model) has no bar of its own
    assert {s["data-model"] for s in dom.sections} == used
    checked = 0
    for section in dom.sections:
        model = feed.lookup(section["data-model"])
        assert model is not None
        schedules = [model.schedule, *model.regional_schedules]
        match = [
            s
            for s in schedules
            if (s.legacy_date, s.public_extended_access_date, s.eol_date)
            == tuple(
                date.fromisoformat(section[k]) if section[k] else None for k in ("data-legacy", "data-pea", "data-eol")
            )
        ]
        assert match, section
        bands = {a["data-state"]: a for m, a in dom.bands if m == section["data-model"]}
        sched = match[0]
        if sched.legacy_date:
            assert bands["Legacy"]["data-start"] == sched.legacy_date.isoformat()
            assert bands["Active"]["data-end"] == sched.legacy_date.isoformat()
            checked += 1
        if sched.public_extended_access_date:
            assert bands["Public Extended Access"]["data-start"] == sched.public_extended_access_date.isoformat()
        if sched.eol_date:
            assert bands["End-of-Life"]["data-start"] == sched.eol_date.isoformat()
            end = bands["Public Extended Access"] if sched.public_extended_access_date else bands["Legacy"]
            assert end["data-end"] == sched.eol_date.isoformat()
        if not (sched.legacy_date or sched.eol_date):
            assert set(bands) == {"Active"}
    assert checked >= 8
    # Each bar has a text alternative that says the same dates.
    bars = [(t, at) for t, at in dom.tags if at.get("role") == "img"]
    assert len(bars) == len(dom.sections)
    for section, (_, bar) in zip(dom.sections, bars, strict=True):
        label = bar["aria-label"]
        assert label.startswith(section["data-model"] + ":")
        assert all(section[k] in label for k in ("data-legacy", "data-pea", "data-eol") if section[k])

    shot = tmp_path / "report.png"
    browse(page, "--window-size=1280,1600", f"--screenshot={shot}")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_the_sort_script_sorts_in_the_browser(result: ScanResult, tmp_path: Path) -> None:
    """Click the End-of-Life heading twice from a script appended to the
    page, and read the row order the report's own script produced."""
    text = render("html", result).replace(
        "</body>",
        "<script>(function(){var b=document.querySelector('button[data-col=\"3\"]');b.click();b.click();"
        "var rows=document.querySelectorAll('#summary tbody tr');"
        "rows.forEach(function(r,i){r.setAttribute('data-order',i+'|'+r.cells[3].getAttribute('data-sort'));});"
        "})();</script></body>",
    )
    page = tmp_path / "sorted.html"
    page.write_text(text)
    dom_text, console = browse(page, "--dump-dom")
    assert console == []
    dom = _Dom()
    dom.feed(dom_text)
    keys = [o.split("|")[1] for o in sorted(dom.order, key=lambda o: int(o.split("|")[0]))]
    assert len(keys) > 5 and keys == sorted(keys, reverse=True)
    assert 'aria-sort="descending"' in dom_text


def test_console_errors_are_seen(tmp_path: Path) -> None:
    """The check above can fail: a page with an error logs it."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>missing();</script></body></html>")
    _, console = browse(page, "--dump-dom")
    assert any("ReferenceError" in line for line in console)


def test_text_from_the_tree_is_escaped(result: ScanResult) -> None:
    hostile = "<img src=x onerror=alert(1)>\x1b[2J"
    refs = [
        replace(a, model_name=hostile, reference=replace(a.reference, resource=hostile, construct_path=hostile))
        for a in result.references[:3]
    ]
    out = render("html", replace(result, references=refs, findings=[]))
    assert hostile not in out and "&lt;img src=x onerror=alert(1)&gt;\\x1b[2J" in out and "\x1b" not in out
    assert "Content-Security-Policy" in out and "default-src 'none'" in out
