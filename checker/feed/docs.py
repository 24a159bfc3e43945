"""Read AWS's public Bedrock pages: no credentials needed.

Two kinds of page carry lifecycle facts:

* the lifecycle page for models launched before 2026-09-07
  (`model-lifecycle-legacy.md`), whose tables list the models with a
  scheduled EOL date and those that reached EOL, per group of regions;
* one model card per model (`model-card-*.md`, listed on `model-cards.md`),
  with the launch date, the lifecycle state, the EOL date once announced,
  and for models on the 2026-09-07 policy the "EOL no sooner than" date and
  the Legacy period; its Programmatic Access table gives the base, geo and
  global inference-profile ids.

AWS serves every page as HTML and as Markdown beside it.  We read the
Markdown: it is the same content with far less template around it, and its
tables and "**Label:** value" lists survive redesigns of the HTML chrome.

A page whose layout changed is an error naming the page and the part that
was not found; the caller writes nothing in that case, because a feed built
from half-understood pages would silently lose dates.
"""

from __future__ import annotations

import re
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

#: Where AWS publishes the Bedrock user guide.
DEFAULT_DOCS_BASE = "https://docs.aws.amazon.com/bedrock/latest/userguide/"
LIFECYCLE_TABLES_PAGE = "model-lifecycle-legacy.md"
POLICY_PAGE = "model-lifecycle.md"
CARD_INDEX_PAGE = "model-cards.md"

#: A documentation page is tens of KB; far more is not a page.
MAX_PAGE_BYTES = 4 * 1024 * 1024
#: AWS lists about two hundred cards; a runaway index is refused.
MAX_CARDS = 1000
TIMEOUT_SECONDS = 30


class DocsError(Exception):
    """A page could not be read or no longer has the structure we parse."""


@dataclass(frozen=True)
class LifecycleRow:
    """One row of a lifecycle table: dates that apply in `regions`."""

    provider: str
    name: str
    model_id: str
    regions: tuple[str, ...]
    legacy_date: date | None
    eol_date: date | None
    public_extended_access_date: date | None
    reached_eol: bool
    page: str
    replacements: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModelCard:
    page: str
    name: str
    provider: str
    model_id: str
    lifecycle: str
    launch_date: date | None = None
    eol_date: date | None = None
    eol_not_before: date | None = None
    legacy_period: str | None = None
    other_ids: tuple[str, ...] = ()
    profile_ids: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kind: str | None = None
    access: str | None = None


@dataclass
class DocsSnapshot:
    """Everything read in one refresh, and from where."""

    rows: list[LifecycleRow] = field(default_factory=list)
    cards: list[ModelCard] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def page_location(base: str, name: str) -> str:
    if base.startswith(("https://", "http://", "file://")):
        return base.rstrip("/") + "/" + name
    return str(Path(base) / name)


def read_page(base: str, name: str, context: ssl.SSLContext | None = None) -> str:
    """The text of page `name` under `base`: an https URL (AWS), or for tests
    and mirrors a local directory or file:// URL."""
    loc = page_location(base, name)
    parsed = urlparse(loc)
    if parsed.scheme == "http":
        raise DocsError(f"{loc}: plain http is not accepted; use https or a local directory")
    if parsed.scheme == "https":
        request = urllib.request.Request(loc, headers={"User-Agent": "bedrock-lifecycle"})
        try:
            with urllib.request.urlopen(
                request, timeout=TIMEOUT_SECONDS, context=context or ssl.create_default_context()
            ) as resp:
                data: bytes = resp.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise DocsError(f"{loc}: download failed: HTTP {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise DocsError(f"{loc}: download failed: {getattr(exc, 'reason', exc)}") from None
    else:
        path = Path(parsed.path if parsed.scheme == "file" else loc)
        try:
            if path.stat().st_size > MAX_PAGE_BYTES:
                raise DocsError(f"{loc}: page is over the {MAX_PAGE_BYTES:,}-byte limit")
            data = path.read_bytes()
        except OSError as exc:
            raise DocsError(f"{loc}: cannot read page: {exc.strerror or exc}") from None
    if len(data) > MAX_PAGE_BYTES:
        raise DocsError(f"{loc}: page is over the {MAX_PAGE_BYTES:,}-byte limit")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocsError(f"{loc}: page is not UTF-8 ({exc.reason})") from None


def read_docs(base: str = DEFAULT_DOCS_BASE, context: ssl.SSLContext | None = None) -> DocsSnapshot:
    """Read and parse every page; any page that fails stops the whole read,
    so a refresh never merges part of the documentation."""
    snap = DocsSnapshot()
    policy_loc = page_location(base, POLICY_PAGE)
    check_policy_page(read_page(base, POLICY_PAGE, context), policy_loc)
    snap.pages.append(policy_loc)
    tables_loc = page_location(base, LIFECYCLE_TABLES_PAGE)
    snap.rows = parse_lifecycle_tables(read_page(base, LIFECYCLE_TABLES_PAGE, context), tables_loc)
    snap.pages.append(tables_loc)
    index_loc = page_location(base, CARD_INDEX_PAGE)
    index_text = read_page(base, CARD_INDEX_PAGE, context)
    snap.pages.append(index_loc)
    # The index links each card, and per-provider pages (model-cards-PROVIDER.md)
    # that list the provider's cards: read both, so a card linked only from its
    # provider's page is not missed.
    texts = [index_text]
    for provider_page in dict.fromkeys(m.group(1) + ".md" for m in _PROVIDER_LINK.finditer(index_text)):
        loc = page_location(base, provider_page)
        texts.append(read_page(base, provider_page, context))
        snap.pages.append(loc)
    names = parse_card_index("\n".join(texts), index_loc)
    problems: list[str] = []
    for name in names:
        loc = page_location(base, name)
        try:
            snap.cards.append(parse_model_card(read_page(base, name, context), loc))
        except DocsError as exc:
            # Read every card before failing, so one run lists every page to fix.
            problems.append(str(exc))
            continue
        snap.pages.append(loc)
    if problems:
        more = f" ({len(problems)} cards)" if len(problems) > 1 else ""
        raise DocsError("\n  ".join([f"model cards could not be read{more}:", *problems]))
    return snap


# --------------------------------------------------------------------------- markdown helpers

_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_YES = re.compile(r"icon-yes|checkmark|!\[yes\]", re.I)
_NO = re.compile(r"icon-no|x icon|!\[no\]", re.I)


def _plain(cell: str) -> str:
    """Cell text without images, links, tags, emphasis or code marks."""
    text = _IMAGE.sub("", cell)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return re.sub(r"\s+", " ", text.replace("`", "").replace("**", "").replace("\\_", "_")).strip()


def _items(cell: str) -> list[str]:
    """A cell holding a list (`a<br />b`, `a, b`) as its items."""
    parts = re.split(r"<br\s*/?>|,", cell)
    return [p for p in (_plain(x) for x in parts) if p]


def _split_row(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


@dataclass
class _Table:
    header: list[str]
    rows: list[list[str]]

    def column(self, *words: str) -> int | None:
        """The first column whose header contains every word."""
        for i, h in enumerate(self.header):
            low = _plain(h).lower()
            if all(w in low for w in words):
                return i
        return None


def _tables(lines: list[str]) -> list[_Table]:
    out: list[_Table] = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip().startswith("|") and i + 1 < len(lines) and re.match(r"^\s*\|?\s*:?-{3,}", lines[i + 1]):
            header = _split_row(lines[i])
            rows = []
            i += 2
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(_split_row(lines[i]))
                i += 1
            out.append(_Table(header, rows))
            continue
        i += 1
    return out


def _sections(text: str) -> list[tuple[str, list[str]]]:
    """(heading, lines until the next heading of any level)."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines():
        m = re.match(r"^(#{1,6})\s+(.*)$", line)
        if m:
            out.append((_plain(m.group(2)), []))
        else:
            out[-1][1].append(line)
    return out


_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_NONE = {"", "n/a", "na", "\u2014", "-", "\u2013", "tbd", "none", "not applicable", "not announced", "not supported"}
#: Cards say "Not Applicable, at least 45 day EOL Notice will be provided" or
#: "Not announced yet": no date, whatever follows.
_NO_DATE_PREFIX = re.compile(r"^(n/a|not applicable|not announced|not yet announced|tbd)\b")


def parse_date(text: str, where: str) -> date | None:
    """AWS writes dates several ways ("Feb 04, 2026", "November 30, 2026",
    "July 15th, 2025", "12/4/2025", "2026-11-30"); "N/A", "—" and "TBD" mean
    no date.  Anything else is an error: a date we cannot read must not
    become no date."""
    raw = _plain(text)
    value = re.sub(r"\(.*?\)", "", raw).strip().lower()
    value = re.sub(r"^(no sooner than|not before|on or after)\s+", "", value).strip(" .")
    if value in _NONE or _NO_DATE_PREFIX.match(value):
        return None
    m = re.match(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", value)
    day_first = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$", value)
    try:
        if m and m.group(1) in _MONTHS:
            return date(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
        if day_first and day_first.group(2) in _MONTHS:
            return date(int(day_first.group(3)), _MONTHS[day_first.group(2)], int(day_first.group(1)))
        m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", value)
        if m:
            return date(int(m.group(3)), int(m.group(1)), int(m.group(2)))
        if re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        pass
    raise DocsError(f"{where}: cannot read the date {raw!r}")


_REGION = re.compile(r"\b([a-z]{2}(?:-[a-z]+)+-\d)\b")
_MODEL_ID = re.compile(r"^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){1,3}(:[a-z0-9-]{1,63}){0,2}$")


def _model_id(cell: str) -> str | None:
    value = _plain(cell).lower()
    return value if _MODEL_ID.match(value) else None


# --------------------------------------------------------------------------- pages


def check_policy_page(text: str, page: str) -> None:
    """The policy page has no table; we check that it still describes the
    two new-policy facts the cards carry, so a policy change is noticed."""
    low = text.lower()
    for phrase in ("eol no sooner than", "legacy period"):
        if phrase not in low:
            raise DocsError(f"{page}: the lifecycle policy no longer mentions {phrase!r}; review the page")


_TABLE_KINDS = (("scheduled eol", False), ("reached eol", True))


def parse_lifecycle_tables(text: str, page: str) -> list[LifecycleRow]:
    """Rows of the 'Models with a scheduled EOL date' and 'Models that have
    reached EOL' tables.  A row without a model id continues the row above
    (the page splits one model over several region groups)."""
    rows: list[LifecycleRow] = []
    found: set[str] = set()
    for heading, lines in _sections(text):
        low = heading.lower()
        kind = next(((k, eol) for k, eol in _TABLE_KINDS if k in low), None)
        if kind is None:
            continue
        tables = _tables(lines)
        if not tables:
            raise DocsError(f"{page}: section {heading!r} has no table")
        table = tables[0]
        cols = {
            "model id": table.column("model", "id"),
            "regions": table.column("region"),
            "legacy date": table.column("legacy"),
            "EOL date": table.column("eol"),
        }
        missing = [k for k, v in cols.items() if v is None]
        if missing:
            shown = ", ".join(_plain(h) for h in table.header)
            raise DocsError(f"{page}: table {heading!r} has no {' / '.join(missing)} column (columns: {shown})")
        found.add(kind[0])
        c_provider, c_name = table.column("provider"), table.column("model", "name")
        c_pea = table.column("extended")
        # Older versions of the page had "Recommended model ID"; keep reading it if it returns.
        c_repl = table.column("recommended", "id")
        last: tuple[str, str, str] | None = None
        for n, cells in enumerate(table.rows, 1):
            cells = cells + [""] * (len(table.header) - len(cells))
            id_cell = cells[cols["model id"]]  # type: ignore[index]
            model_id = _model_id(id_cell)
            if model_id is None:
                shown = _plain(id_cell)
                if shown and "same" not in shown.lower():
                    raise DocsError(f"{page}: table {heading!r} row {n}: {shown!r} is not a model id")
                if last is None:
                    raise DocsError(f"{page}: table {heading!r} row {n}: no model id")
                provider, name, model_id = last
            else:
                provider = _plain(cells[c_provider]) if c_provider is not None else ""
                name = _plain(cells[c_name]) if c_name is not None else model_id
                if last is not None:
                    provider = provider or last[0]
                last = (provider, name, model_id)
            where = f"{page}: table {heading!r} row {n} ({model_id})"
            regions = tuple(dict.fromkeys(_REGION.findall(_plain(cells[cols["regions"]]))))  # type: ignore[index]
            if not regions:
                raise DocsError(f"{where}: no region in {_plain(cells[cols['regions']])!r}")  # type: ignore[index]
            rows.append(
                LifecycleRow(
                    provider=provider,
                    name=name,
                    model_id=model_id,
                    regions=regions,
                    legacy_date=parse_date(cells[cols["legacy date"]], where),  # type: ignore[index]
                    eol_date=parse_date(cells[cols["EOL date"]], where),  # type: ignore[index]
                    public_extended_access_date=parse_date(cells[c_pea], where) if c_pea is not None else None,
                    reached_eol=kind[1],
                    page=page,
                    replacements=_replacement_ids(cells[c_repl]) if c_repl is not None else (),
                )
            )
    if "scheduled eol" not in found:
        raise DocsError(f"{page}: no 'Models with a scheduled EOL date' section with a table was found")
    return rows


def _replacement_ids(cell: str) -> tuple[str, ...]:
    """`a:0, b:0 and c:0` / `a:0 or b:0` -> the ids; words around them are dropped."""
    words = re.split(r"[\s,;]+|<br\s*/?>", _plain(cell).replace(" and ", " ").replace(" or ", " "))
    return tuple(dict.fromkeys(w.lower() for w in words if _MODEL_ID.match(w.lower())))


_CARD_LINK = re.compile(r"\b(model-card-[a-z0-9-]+)\.(?:md|html)\b")
_PROVIDER_LINK = re.compile(r"\b(model-cards-[a-z0-9-]+)\.(?:md|html)\b")


def parse_card_index(text: str, page: str) -> list[str]:
    """The model-card pages the index links to, as `.md` names."""
    names = list(dict.fromkeys(m.group(1) + ".md" for m in _CARD_LINK.finditer(text)))
    if not names:
        raise DocsError(f"{page}: no links to model cards (model-card-*.md) were found")
    if len(names) > MAX_CARDS:
        raise DocsError(f"{page}: {len(names)} model cards, over the {MAX_CARDS} limit")
    return names


_DETAIL = re.compile(r"^\s*[-+*]\s+\*\*([^*:]+):?\*\*:?\s*(.*)$")


def _details(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        m = _DETAIL.match(line)
        if m:
            out[m.group(1).strip().lower()] = m.group(2).strip()
    return out


def _provider_from_header(headings: list[str], name: str) -> str | None:
    """`## ![logo](x.png) Moonshot AI — Kimi K2.5`: the provider is what
    precedes the dash, after any logo and its alternative text."""
    for h in headings:
        for dash in (" \u2014 ", " \u2013 "):
            if dash in h:
                before = h.split(dash, 1)[0].strip()
                # A logo's alternative text may survive as a sentence ending in a period.
                before = before.rsplit(". ", 1)[-1].strip()
                if before:
                    return before
    return None


def _legacy_period(value: str, where: str) -> str | None:
    low = _plain(value).lower()
    if low in _NONE:
        return None
    if re.search(r"\b6\s*months?\b|\bsix months?\b", low):
        return "6_months"
    if re.search(r"\b45\s*days?\b", low):
        return "45_days"
    raise DocsError(f"{where}: cannot read the Legacy period {_plain(value)!r}")


def _kind(sections: list[tuple[str, list[str]]], name: str) -> str | None:
    if "rerank" in name.lower():
        return "rerank"
    for _, lines in sections:
        for table in _tables(lines):
            col = table.column("output", "modalit")
            if col is None:
                continue
            produced = set()
            for cells in table.rows:
                if col < len(cells) and _YES.search(cells[col]) and not _NO.search(cells[col]):
                    produced.add(_plain(_IMAGE.sub("", cells[col])).rsplit(".", 1)[-1].strip().lower())
            for kind in ("embedding",):
                if kind in produced:
                    return kind
            if "text" in produced:
                return "text"
            for kind in ("image", "video", "speech"):
                if kind in produced:
                    return kind
    return None


def parse_model_card(text: str, page: str) -> ModelCard:
    sections = _sections(text)
    headings = [h for h, _ in sections if h]
    if not headings:
        raise DocsError(f"{page}: no title heading; not a model card")
    title_match = re.search(r"^#\s+(.+)$", text, re.M)
    name = _plain(title_match.group(1)) if title_match else headings[0]
    details_lines = next((lines for h, lines in sections if h.lower().startswith("model details")), None)
    if details_lines is None:
        raise DocsError(f"{page}: no 'Model details' section")
    details = _details(details_lines)
    if "model lifecycle" not in details:
        raise DocsError(f"{page}: the 'Model details' list has no 'Model lifecycle' entry")
    raw_state = _plain(details["model lifecycle"])
    first = re.match(r"^(active|legacy|preview)\b", raw_state, re.I)
    lifecycle = first.group(1).upper() if first else raw_state.upper()
    access = None
    if lifecycle == "PREVIEW":
        # A gated preview is offered (Active) but not to everyone.
        lifecycle, access = "ACTIVE", "preview"
    if lifecycle not in ("ACTIVE", "LEGACY"):
        raise DocsError(f"{page}: unknown model lifecycle {details['model lifecycle']!r}")
    # Some card layouts have no "Provider — Model" line; the merge then keeps
    # the provider the feed has (or the id's prefix for a new model).
    provider = _provider_from_header(headings, name) or ""
    # The ids table sits under "Programmatic Access" on most cards and under
    # "Call the model" on some: find it by its columns, not its heading.
    tables = [
        t
        for _, lines in sections
        for t in _tables(lines)
        if t.column("model", "id") is not None and t.column("endpoint") is not None
    ]
    if not tables:
        raise DocsError(f"{page}: no table with 'Endpoint' and 'Model ID' columns (the Programmatic Access table)")
    table = tables[0]
    c_end, c_id = table.column("endpoint"), table.column("model", "id")
    c_geo, c_global = table.column("geo"), table.column("global")
    ids: list[str] = []
    profiles: list[str] = []
    runtime_first = sorted(table.rows, key=lambda r: 0 if c_end is not None and "bedrock-runtime" in r[c_end] else 1)
    for cells in runtime_first:
        cells = cells + [""] * (len(table.header) - len(cells))
        mid = _model_id(cells[c_id])  # type: ignore[index]
        if mid is not None and mid not in ids:
            ids.append(mid)
        for col in (c_geo, c_global):
            if col is None:
                continue
            for item in _items(cells[col]):
                pid = _model_id(item)
                if pid is not None and pid not in profiles:
                    profiles.append(pid)
    if not ids:
        raise DocsError(f"{page}: the 'Programmatic Access' table names no model id")
    where = f"{page} ('Model details')"
    regions: list[str] = []
    avail = next((lines for h, lines in sections if h.lower().startswith("regional availability")), None)
    if avail is not None:
        for t in _tables(avail):
            if t.column("region") != 0:
                continue
            for cells in t.rows:
                found = _REGION.findall(_plain(cells[0])) if cells else []
                if found and any(_YES.search(c) and not _NO.search(c) for c in cells[1:]):
                    regions.extend(r for r in found if r not in regions)
            break
    eol_text = details.get("model eol date", "")
    eol_not_before = parse_date(details["eol no sooner than"], where) if "eol no sooner than" in details else None
    eol_date = None
    if "no sooner than" in _plain(eol_text).lower():
        # Cards of older models print the pre-2026 "No sooner than" promise in the EOL field.
        eol_not_before = eol_not_before or parse_date(eol_text, where)
    elif eol_text:
        eol_date = parse_date(eol_text, where)
    return ModelCard(
        page=page,
        name=name,
        provider=provider,
        model_id=ids[0],
        lifecycle=lifecycle,
        launch_date=parse_date(details["model launch date"], where) if "model launch date" in details else None,
        eol_date=eol_date,
        eol_not_before=eol_not_before,
        legacy_period=_legacy_period(details["legacy period"], where) if "legacy period" in details else None,
        other_ids=tuple(ids[1:]),
        profile_ids=tuple(p for p in profiles if p not in ids),
        regions=tuple(regions),
        kind=_kind(sections, name),
        access=access,
    )
