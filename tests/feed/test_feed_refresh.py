"""Issue #17: the feed refreshed from AWS's pages, merged per region, diffed,
aged, and turned into replacement advice that is safe to follow.

Pages come from hand-written fixtures (tests/feed/fixtures/docs, see its
README) read through the `--docs-base` directory override: never the network.
"""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from checker.cli import main
from checker.feed import load_bundled_feed, load_feed
from checker.feed.docs import (
    DocsError,
    parse_card_index,
    parse_date,
    parse_lifecycle_tables,
    parse_model_card,
    read_docs,
)
from checker.feed.loader import feed_from_document, validate_feed_document
from checker.feed.merge import merge_api, merge_docs
from checker.model import State
from checker.modelid import looks_like_model_reference, parse_model_reference
from checker.rules.lifecycle import replacement_advice

HERE = Path(__file__).parent
DOCS = HERE / "fixtures" / "docs"
SOURCE = {
    "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html",
    "read_on": "2026-10-01",
}
START = {
    "schema_version": "1.0",
    "as_of": "2026-10-01",
    "models": [
        {
            "model_id": "acme.painter-v1:0",
            "provider": "Acme",
            "name": "Acme Painter 1",
            "replacements": ["acme.writer-v1:0"],
            "source": SOURCE,
        }
    ],
}


def _refresh(
    tmp_path: Path, pages: str, start: Path, name: str, today: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, Path, str]:
    out = tmp_path / name
    code = main(
        [
            "feed",
            "refresh",
            "--from-docs",
            "--docs-base",
            str(DOCS / pages),
            "--feed",
            str(start),
            "-o",
            str(out),
            "--today",
            today,
        ]
    )
    return code, out, capsys.readouterr().out


def test_refresh_from_docs_then_diff_is_exactly_what_the_pages_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps(START))
    code, first, printed = _refresh(tmp_path, "base", start, "f1.json", "2026-11-01", capsys)
    assert code == 0
    validate_feed_document(json.loads(first.read_text()))
    feed = load_feed(str(first))
    assert feed.schema_version == "1.1" and feed.as_of == date(2026, 11, 1)
    w2 = feed.lookup("acme.writer-v2")
    assert w2 is not None
    assert (w2.launch_date, w2.eol_not_before, w2.legacy_period, w2.kind) == (
        date(2026, 9, 20),
        date(2027, 9, 20),
        "6_months",
        "text",
    )
    assert w2.profile_ids == ("us.acme.writer-v2", "eu.acme.writer-v2", "global.acme.writer-v2")
    assert w2.available_regions == ("eu-west-1", "us-east-1")  # ap-south-1's row has no yes icon
    assert feed.lookup("global.acme.writer-v2") is w2
    embed = feed.lookup("acme.embed-v3:0")
    assert embed is not None and embed.kind == "embedding" and embed.eol_not_before == date(2025, 12, 4)
    w1 = feed.lookup("acme.writer-v1:0")
    assert w1 is not None
    assert w1.status_at(date(2027, 9, 2), "us-west-2").state is State.EOL
    assert w1.status_at(date(2027, 9, 2), "eu-west-1").state is State.LEGACY
    assert w1.status_at(date(2027, 7, 1), "us-east-1").state is State.PUBLIC_EXTENDED_ACCESS
    # The table's "Recommended model ID" column; Writer 3 is not in the feed yet, so only Writer 2 is offered.
    assert w1.replacements == ("acme.writer-v2", "acme.writer-v3")
    assert replacement_advice(feed, w1, date(2027, 9, 2), "us-east-1").models == ("acme.writer-v2",)
    # Every entry names the pages and the date its facts come from.
    for m in feed.models:
        assert m.sources and all(
            s["read_on"] == "2026-11-01" for s in m.sources if s.get("url", "").startswith(str(DOCS))
        )
    assert printed.splitlines()[-1].startswith(f"wrote {first} and its diff {first}.diff")
    # policy, tables, index, the provider page the index links, and three cards
    assert printed.splitlines()[0] == "read 7 page(s): 3 lifecycle row(s), 3 card(s)"

    code, second, printed = _refresh(tmp_path, "changed", first, "f2.json", "2026-12-01", capsys)
    assert code == 0
    expected = [
        "! acme.embed-v3:0 (Acme Embed 3): Active -> Legacy (EOL 2027-06-30)",
        "+ acme.writer-v3 (Acme Writer 3): new, Active",
        "~ acme.embed-v3:0: eol date none -> 2027-06-30",
        "~ acme.writer-v1:0: in eu-west-1: legacy 2027-04-01, eol 2027-10-01 -> legacy 2027-04-01, eol 2027-11-02",
        "~ acme.embed-v3:0: status on the pages/API ACTIVE -> LEGACY",
        "~ acme.writer-v2: legacy period 6 months -> 45 days",
        "? acme.painter-v1:0 (Acme Painter 1): no longer listed (since 2026-12-01); "
        "last known schedule kept: us-east-1: legacy 2026-05-01, eol 2026-11-01",
    ]
    assert printed.splitlines()[1:-1] == expected
    assert (tmp_path / "f2.json.diff").read_text().splitlines() == expected
    # `feed diff` of the two files says the same.
    assert main(["feed", "diff", str(first), str(second), "--as-of", "2026-12-01"]) == 0
    assert capsys.readouterr().out.splitlines() == expected
    painter = load_feed(str(second)).lookup("acme.painter-v1:0")
    assert painter is not None and painter.unlisted_since == date(2026, 12, 1)
    assert painter.status_at(date(2026, 12, 1), "us-east-1").eol_date == date(2026, 11, 1)


def test_changed_layout_is_an_error_naming_the_page_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps(START))
    code = main(
        [
            "feed",
            "refresh",
            "--from-docs",
            "--docs-base",
            str(DOCS / "layout-changed"),
            "--feed",
            str(start),
            "-o",
            str(tmp_path / "out.json"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "model-lifecycle-legacy.md: table 'Models with a scheduled EOL date' has no model id column" in err
    assert "nothing was written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["start.json"]


def _card(**swap: str) -> str:
    text = (DOCS / "base" / "model-card-acme-writer-2.md").read_text()
    for old, new in swap.items():
        assert old.replace("_", " ") in text or old in text
        text = text.replace(old.replace("_", " ") if old.replace("_", " ") in text else old, new)
    return text


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("+ **Model lifecycle:** Active", "+ **Status:** Active", "has no 'Model lifecycle' entry"),
        ("## Model Details", "## About", "no 'Model details' section"),
        ("| **Model ID** |", "| **Name** |", "no table with 'Endpoint' and 'Model ID' columns"),
        (
            "+ **Legacy period:** at least 6 months",
            "+ **Legacy period:** a while",
            "cannot read the Legacy period 'a while'",
        ),
        (
            "+ **EOL no sooner than:** September 20, 2027",
            "+ **EOL no sooner than:** soonish",
            "cannot read the date 'soonish'",
        ),
        ("+ **Model lifecycle:** Active", "+ **Model lifecycle:** Retired", "unknown model lifecycle"),
    ],
)
def test_a_card_whose_layout_changed_names_the_page_and_what_is_missing(old: str, new: str, message: str) -> None:
    text = (DOCS / "base" / "model-card-acme-writer-2.md").read_text()
    assert old in text
    with pytest.raises(DocsError) as err:
        parse_model_card(text.replace(old, new), "pages/model-card-acme-writer-2.md")
    assert str(err.value).startswith("pages/model-card-acme-writer-2.md") and message in str(err.value)


def test_other_page_errors_name_the_page(tmp_path: Path) -> None:
    with pytest.raises(DocsError, match=r"^idx\.md: no links to model cards"):
        parse_card_index("# Models\n\nnothing here\n", "idx.md")
    with pytest.raises(DocsError, match=r"^lc\.md: no 'Models with a scheduled EOL date' section"):
        parse_lifecycle_tables("# Model lifecycle\n\n## Something else\n", "lc.md")
    bad_row = (DOCS / "base" / "model-lifecycle-legacy.md").read_text().replace("March 1, 2027", "Marchember 1, 2027")
    with pytest.raises(DocsError, match=r"row 1 \(acme\.writer-v1:0\): cannot read the date 'Marchember 1, 2027'"):
        parse_lifecycle_tables(bad_row, "lc.md")
    with pytest.raises(DocsError, match="cannot read page"):
        read_docs(str(tmp_path / "missing"))
    with pytest.raises(DocsError, match="plain http is not accepted"):
        read_docs("http://docs.example.invalid/userguide/")
    policy = tmp_path / "p"
    policy.mkdir()
    (policy / "model-lifecycle.md").write_text("# Model lifecycle\n\nModels have states.\n")
    with pytest.raises(DocsError, match="no longer mentions 'eol no sooner than'"):
        read_docs(str(policy))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feb 04, 2026", date(2026, 2, 4)),
        ("November 30, 2026", date(2026, 11, 30)),
        ("July 15th, 2025 (all Regions)", date(2025, 7, 15)),
        ("No sooner than 12/4/2025", date(2025, 12, 4)),
        ("18th Sept 2026", date(2026, 9, 18)),
        ("2026-11-30", date(2026, 11, 30)),
        ("N/A", None),
        ("—", None),
        ("Not Applicable, at least 45 day EOL Notice will be provided", None),
        ("Not announced yet", None),
    ],
)
def test_dates_as_aws_writes_them(text: str, expected: date | None) -> None:
    assert parse_date(text, "page") == expected


def test_card_variants_seen_on_real_cards() -> None:
    """ "Call the model" instead of "Programmatic Access", and a gated
    preview's "Model lifecycle: Preview"."""
    text = (DOCS / "base" / "model-card-acme-writer-2.md").read_text()
    text = text.replace("## Programmatic Access", "## Call the model").replace(
        "+ **Model lifecycle:** Active", "+ **Model lifecycle:** Preview"
    )
    card = parse_model_card(text, "c.md")
    assert card.model_id == "acme.writer-v2" and card.lifecycle == "ACTIVE" and card.access == "preview"
    assert card.provider == "Acme" and card.name == "Acme Writer 2"


# --------------------------------------------------------------------------- per-region merge rules


def _summary(model_id: str, status: str = "ACTIVE", **life: Any) -> dict[str, Any]:
    return {
        "modelId": model_id,
        "modelName": model_id,
        "providerName": "Acme",
        "modelLifecycle": {"status": status, **life},
    }


def _t(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, tzinfo=timezone.utc)


def test_api_dates_of_one_region_never_move_another_regions_schedule() -> None:
    doc = copy.deepcopy(START)
    doc["models"][0].update(
        regional_schedules=[
            {
                "regions": ["us-east-1", "eu-west-1"],
                "legacy_date": "2026-05-01",
                "eol_date": "2026-11-01",
                "source": SOURCE,
            }
        ]
    )
    listings = {
        "us-east-1": [
            _summary("acme.painter-v1:0", "LEGACY", legacyTime=_t(2026, 5, 1), endOfLifeTime=_t(2026, 12, 20))
        ],
        "ap-south-1": [
            _summary("acme.painter-v1:0", "LEGACY", legacyTime=_t(2026, 6, 1), endOfLifeTime=_t(2027, 1, 5))
        ],
    }
    new = merge_api(doc, listings, date(2026, 11, 1))
    validate_feed_document(new)
    painter = feed_from_document(new).lookup("acme.painter-v1:0")
    assert painter is not None
    on = date(2026, 11, 2)
    assert painter.status_at(on, "us-east-1").eol_date == date(2026, 12, 20)
    assert painter.status_at(on, "ap-south-1").eol_date == date(2027, 1, 5)
    # eu-west-1 came from the page; neither API region moved it.
    assert painter.status_at(on, "eu-west-1").eol_date == date(2026, 11, 1)
    assert painter.status_at(on, "eu-west-1").state is State.EOL
    # A second refresh of us-east-1 alone leaves ap-south-1's API dates alone.
    again = merge_api(new, {"us-east-1": listings["us-east-1"]}, date(2026, 11, 8))
    painter = feed_from_document(again).lookup("acme.painter-v1:0")
    assert painter is not None and painter.status_at(on, "ap-south-1").eol_date == date(2027, 1, 5)


def test_single_region_legacy_without_date_sets_no_legacy_date() -> None:
    doc = copy.deepcopy(START)
    doc["models"][0]["status"] = "ACTIVE"
    new = merge_api(
        doc,
        {"eu-west-1": [_summary("acme.painter-v1:0", "LEGACY")], "us-east-1": [_summary("acme.painter-v1:0")]},
        date(2026, 11, 1),
    )
    entry = new["models"][0]
    assert entry["region_status"] == {"eu-west-1": "LEGACY", "us-east-1": "ACTIVE"}
    assert "legacy_date" not in entry and "regional_schedules" not in entry
    painter = feed_from_document(new).lookup("acme.painter-v1:0")
    assert painter is not None
    assert painter.status_at(date(2026, 11, 2), "eu-west-1").state is State.LEGACY
    assert painter.status_at(date(2026, 11, 2), "us-east-1").state is State.ACTIVE
    unknown = painter.status_at(date(2026, 11, 2))
    assert unknown.state is State.LEGACY and unknown.legacy_date is None and unknown.observed_on == date(2026, 11, 1)


def test_a_model_gone_from_every_listing_keeps_its_last_schedule() -> None:
    doc = copy.deepcopy(START)
    listed = merge_api(
        doc,
        {
            "us-east-1": [
                _summary("acme.painter-v1:0", "LEGACY", legacyTime=_t(2026, 5, 1), endOfLifeTime=_t(2026, 11, 1))
            ]
        },
        date(2026, 10, 1),
    )
    gone = merge_api(listed, {"us-east-1": []}, date(2026, 11, 5))
    entry = gone["models"][0]
    assert entry["unlisted_since"] == "2026-11-05" and "region_status" not in entry
    assert entry["regional_schedules"][0]["eol_date"] == "2026-11-01"
    from checker.feed.refresh import change_lines

    assert change_lines(listed, gone, date(2026, 11, 5))[-1] == (
        "? acme.painter-v1:0 (Acme Painter 1): no longer listed (since 2026-11-05); "
        "last known schedule kept: us-east-1: legacy 2026-05-01, eol 2026-11-01"
    )


def test_docs_merge_keeps_regions_a_newer_page_no_longer_lists(tmp_path: Path) -> None:
    snap = read_docs(str(DOCS / "base"))
    doc = copy.deepcopy(START)
    doc["models"].append(
        {
            "model_id": "acme.writer-v1:0",
            "provider": "Acme",
            "name": "Acme Writer 1",
            "regional_schedules": [
                {"regions": ["ap-south-1", "eu-west-1"], "eol_date": "2027-12-01", "source": SOURCE}
            ],
            "source": SOURCE,
        }
    )
    new = merge_docs(doc, snap, date(2026, 11, 1))
    w1 = feed_from_document(new).lookup("acme.writer-v1:0")
    assert w1 is not None
    assert w1.status_at(date(2026, 11, 2), "ap-south-1").eol_date == date(2027, 12, 1)  # kept
    assert w1.status_at(date(2026, 11, 2), "eu-west-1").eol_date == date(2027, 10, 1)  # the page's


def test_a_10_feed_loads_unchanged_and_a_refresh_bumps_it_to_11() -> None:
    feed = feed_from_document(copy.deepcopy(START))
    assert feed.schema_version == "1.0" and feed.lookup("acme.painter-v1:0") is not None
    assert merge_api(copy.deepcopy(START), {}, date(2026, 11, 1))["schema_version"] == "1.1"


# --------------------------------------------------------------------------- replacement advice


def _advice_feed(**override: Any) -> Any:
    src = {"url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-cards.html", "read_on": "2026-11-01"}

    def m(mid: str, **kw: Any) -> dict[str, Any]:
        return {"model_id": mid, "provider": "Acme", "name": mid, "kind": "text", "source": src, **kw}

    models = [
        m("acme.old-v1:0", legacy_date="2026-01-01", eol_date="2026-07-01", replacements=["acme.mid-v1:0"]),
        m(
            "acme.mid-v1:0",
            launch_date="2025-01-01",
            legacy_date="2026-10-01",
            eol_date="2027-04-01",
            replacements=["acme.new-v1:0"],
        ),
        m("acme.new-v1:0", launch_date="2026-03-01", status="ACTIVE", status_observed_on="2026-11-01"),
        m("acme.soon-v1:0", launch_date="2026-06-01", eol_date="2026-12-15", replacements=[]),
        m(
            "acme.newest-v1:0",
            launch_date="2026-09-01",
            status="ACTIVE",
            status_observed_on="2026-11-01",
            available_regions=["us-east-1"],
        ),
        m(
            "acme.preview-v1:0",
            launch_date="2026-10-01",
            status="ACTIVE",
            status_observed_on="2026-11-01",
            access="preview",
        ),
        m("acme.orphan-v1:0", legacy_date="2026-01-01", eol_date="2026-07-01"),
        m("acme.embed-v1:0", kind="embedding", legacy_date="2026-01-01", eol_date="2026-07-01"),
        m("acme.loop-a-v1:0", legacy_date="2026-01-01", eol_date="2026-07-01", replacements=["acme.loop-b-v1:0"]),
        m("acme.loop-b-v1:0", legacy_date="2026-01-01", eol_date="2026-07-01", replacements=["acme.loop-a-v1:0"]),
    ]
    for mid, extra in override.items():
        next(x for x in models if x["model_id"] == mid).update(extra)
    return feed_from_document({"schema_version": "1.1", "as_of": "2026-11-01", "models": models})


def test_successor_chains_are_followed_to_an_active_model() -> None:
    feed = _advice_feed()
    on = date(2026, 11, 1)
    old = feed.lookup("acme.old-v1:0")
    assert old is not None
    # AWS named Mid, which is Legacy now: its own successor is offered instead.
    advice = replacement_advice(feed, old, on, None)
    assert advice.models == ("acme.new-v1:0",) and not advice.suggested


def test_without_a_safe_successor_the_newest_active_model_of_the_kind_is_suggested_in_the_region() -> None:
    feed = _advice_feed()
    on = date(2026, 11, 1)
    orphan = feed.lookup("acme.orphan-v1:0")
    assert orphan is not None
    # Soon (EOL in 44 days) and Preview are never offered; Newest only where it is offered.
    assert replacement_advice(feed, orphan, on, "us-east-1").models == ("acme.newest-v1:0",)
    advice = replacement_advice(feed, orphan, on, "eu-west-1")
    assert advice.models == ("acme.new-v1:0",) and advice.suggested
    embed = feed.lookup("acme.embed-v1:0")
    assert embed is not None and replacement_advice(feed, embed, on, None).models == ()  # no Active embedding model
    loop = feed.lookup("acme.loop-a-v1:0")
    assert loop is not None and replacement_advice(feed, loop, on, "eu-west-1").models == ("acme.new-v1:0",)


def test_a_model_reaching_eol_within_the_window_is_not_a_replacement() -> None:
    feed = _advice_feed(**{"acme.mid-v1:0": {"replacements": ["acme.soon-v1:0"]}})
    mid = feed.lookup("acme.mid-v1:0")
    assert mid is not None
    advice = replacement_advice(feed, mid, date(2026, 11, 1), "eu-west-1", window_days=90)
    assert advice.models == ("acme.new-v1:0",) and advice.suggested
    assert replacement_advice(feed, mid, date(2026, 11, 1), "eu-west-1", window_days=30).models == ("acme.soon-v1:0",)


def test_feed_show_offers_an_active_replacement_for_every_legacy_or_eol_model_in_the_bundle(
    capsys: pytest.CaptureFixture[str],
) -> None:
    today = "2026-12-01"
    assert main(["feed", "show", "--as-of", today, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["models"]
    feed = load_bundled_feed()
    moving = [r for r in rows if r["state"] not in ("ACTIVE", "LIFECYCLE_UNPUBLISHED")]
    assert len(moving) > 40
    # Catalogue models without a published state are neither moved nor ever a target.
    unpublished = {r["model_id"] for r in rows if r["state"] == "LIFECYCLE_UNPUBLISHED"}
    assert len(unpublished) >= 15
    assert all(not r["replace_with"] for r in rows if r["model_id"] in unpublished)
    assert not unpublished & {rid for r in rows for rid in r["replace_with"]}
    for r in moving:
        assert r["replace_with"] or r["no_active_replacement"], r["model_id"]
        for rid in r["replace_with"]:
            target = feed.lookup(rid)
            assert target is not None, rid
            st = target.status_at(date.fromisoformat(today))
            assert st.state is State.ACTIVE and (st.days_to_eol is None or st.days_to_eol > 90), (r["model_id"], rid)
    assert main(["feed", "show", "anthropic.claude-v2", "--as-of", today]) == 0
    text = capsys.readouterr().out
    assert "suggested replacement (AWS names no Active successor): anthropic.claude-opus-5" in text
    assert main(["feed", "show", "cohere.command-r-v1:0", "--as-of", today]) == 0
    assert "no Active replacement is known" in capsys.readouterr().out


# --------------------------------------------------------------------------- id lookup


def test_id_variants_resolve_through_the_feed() -> None:
    feed = load_bundled_feed()
    for raw, expected in [
        ("anthropic.claude-v2:0:18k", "anthropic.claude-v2"),
        ("amazon.titan-embed-text-v1:2:8k", "amazon.titan-embed-text-v1"),
        ("amazon.nova-premier-v1:0:mm", "amazon.nova-premier-v1:0"),
        ("anthropic.claude-3-haiku-20240307-v1", "anthropic.claude-3-haiku-20240307-v1:0"),
        ("us.xai.grok-4.7", "xai.grok-4.7"),
        ("global.anthropic.claude-opus-4-7", "anthropic.claude-opus-4-7"),
        ("arn:aws:bedrock:us-east-1::foundation-model/qwen.qwen3-coder-next", "qwen.qwen3-coder-next"),
    ]:
        ident = parse_model_reference(raw)
        hit = feed.lookup(ident.model_id or "")
        assert hit is not None and hit.model_id == expected, raw


def test_every_provider_prefix_comes_from_the_feed() -> None:
    # xai. ids in environment variables, SSM values and IAM resources are models.
    assert looks_like_model_reference("xai.grok-4.7")
    assert looks_like_model_reference("global.xai.grok-4.7")
    assert looks_like_model_reference("moonshotai.kimi-k2.5")
    assert not looks_like_model_reference("app.example.com")
    providers = load_bundled_feed().providers
    assert {"xai", "qwen", "zai", "google", "openai", "moonshotai"} <= providers


def test_a_custom_feeds_providers_are_recognised(tmp_path: Path) -> None:
    assert not looks_like_model_reference("zeta.oracle-v1:0")
    doc = copy.deepcopy(START)
    doc["models"].append({"model_id": "zeta.oracle-v1:0", "provider": "Zeta", "name": "Oracle", "source": SOURCE})
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(doc))
    load_feed(str(path))
    assert looks_like_model_reference("zeta.oracle-v1:0")


# --------------------------------------------------------------------------- the bundled snapshot


def test_no_bundled_entry_is_a_dateless_status_without_its_observation_date() -> None:
    feed = load_bundled_feed()
    doc = feed.raw
    for m in doc["models"]:
        assert m["source"].get("read_on"), m["model_id"]
        assert m.get("sources"), m["model_id"]
        has_dates = any(m.get(k) for k in ("legacy_date", "eol_date")) or m.get("regional_schedules")
        if not has_dates:
            # A status, or the listing that makes the id known without one: either with its day.
            assert m.get("status") or m.get("lifecycle_published") is False, m["model_id"]
            assert m.get("status_observed_on"), m["model_id"]
        assert m.get("kind"), m["model_id"]
    for m in feed.models:
        st = m.status_at(date(2026, 12, 1))
        if st.basis in ("status", "listing"):
            assert st.observed_on is not None, m.model_id
        if not m.lifecycle_published:
            assert st.state is State.LIFECYCLE_UNPUBLISHED, m.model_id


def test_a_verdict_on_a_stale_dateless_status_says_so_in_every_report() -> None:
    import os

    from checker.pipeline import ScanSettings, scan
    from checker.reports import render

    os.chdir(Path(__file__).resolve().parents[2])
    result = scan(["sample_iac/terraform"], ScanSettings(as_of=date(2026, 12, 1), feed=load_bundled_feed()))
    stale = [
        a
        for a in result.references
        if a.status.basis == "status" and a.status.observed_on and (result.as_of - a.status.observed_on).days > 30
    ]
    old = replace(result, as_of=date(2027, 3, 1))
    text = render("text", old)
    assert "warning: the lifecycle feed's data is 90 days old (as of 2026-12-01), older than --max-feed-age 45" in text
    md = render("markdown", old)
    assert "> **Warning:** the lifecycle feed's data is 90 days old" in md
    doc = json.loads(render("json", old))
    assert doc["feed"]["age_days"] == 90 and doc["feed"]["notices"][0]["level"] == "warning"
    sarif = json.loads(render("sarif", old))
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert any(n["level"] == "warning" and "90 days old" in n["message"]["text"] for n in notes)
    assert sarif["runs"][0]["properties"]["feed"]["ageDays"] == 90
    html = render("html", old)
    assert '<p class="notice warning">warning: the lifecycle feed&#x27;s data is 90 days old' in html
    assert "Lifecycle feed: bundled feed" in html and "data as of 2026-12-01" in html
    assert "rest on a status without dates observed more than 30 days" in render("html", result)
    fresh = render("text", result)
    assert "older than --max-feed-age" not in fresh and "Lifecycle feed: bundled feed" in fresh
    assert stale, "sample_iac names models whose only fact is a 2025-11 'Active'"
    assert "rest on a status without dates observed more than 30 days" in fresh


def test_a_finding_on_a_stale_dateless_status_carries_the_note(tmp_path: Path) -> None:
    """Llama 3.3 70B: its card says Legacy (observed 2026-12-01) and gives an
    EOL date but no Legacy date, so on 2027-01-15 its Legacy verdict rests on
    a 45-day-old observation."""
    from checker.pipeline import ScanSettings, scan
    from checker.reports import render

    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "meta.llama3-3-70b-instruct-v1:0"\n}\n'
    )
    result = scan([str(tmp_path)], ScanSettings(as_of=date(2027, 1, 15), feed=load_bundled_feed()))
    legacy = next(f for f in result.findings if f.rule_id == "CKV_BEDROCK_3")
    assert legacy.status.basis == "status" and legacy.status.observed_on == date(2026, 12, 1)
    note = "this verdict rests on a status without dates observed on 2026-12-01, 45 days before 2027-01-15"
    assert f"note: {note}" in render("text", result)
    assert json.loads(render("json", result))["findings"][0]["stale_status"].startswith(note)
    assert note in json.loads(render("sarif", result))["runs"][0]["results"][0]["message"]["text"]
    assert "1 verdict(s) rest on a status without dates" in render("markdown", result)


def test_stale_note_and_feed_age_threshold() -> None:
    from checker.model import LifecycleStatus
    from checker.reports.common import stale_status_note

    fresh = LifecycleStatus(state=State.ACTIVE, as_of=date(2026, 12, 1), basis="status", observed_on=date(2026, 11, 20))
    old = replace(fresh, observed_on=date(2025, 11, 13))
    assert stale_status_note(fresh) is None
    note = stale_status_note(old)
    assert note is not None and "observed on 2025-11-13, 383 days before 2026-12-01" in note
    assert stale_status_note(replace(old, basis="dates")) is None


def test_max_feed_age_option_reaches_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tf = tmp_path / "main.tf"
    tf.write_text('resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n')
    main(["scan", str(tmp_path), "--as-of", "2026-12-20", "--max-feed-age", "10", "-q", "--format", "text"])
    out = capsys.readouterr().out
    assert "19 days old (as of 2026-12-01), older than --max-feed-age 10" in out
    main(["scan", str(tmp_path), "--as-of", "2026-12-20", "-q", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["feed"]["max_age_days"] == 45 and doc["feed"]["notices"] == []


def test_legacy_findings_carry_the_replacement() -> None:
    from checker.model import Location, Reference, Usage
    from checker.rules import RuleContext, findings_for

    ref = Reference(
        raw="anthropic.claude-sonnet-4-5-20250929-v1:0",
        location=Location("main.tf", 3),
        resource="aws_bedrockagent_agent.a",
        resource_type="aws_bedrockagent_agent",
        attribute="foundation_model",
        usage=Usage.AGENT,
        framework="terraform",
    )
    found = findings_for(ref, RuleContext(as_of=date(2026, 12, 1), feed=load_bundled_feed()))
    legacy = next(f for f in found if f.rule_id == "CKV_BEDROCK_3")
    assert legacy.replacements == ("anthropic.claude-sonnet-4-6",) and legacy.replacement_suggested


# --------------------------------------------------------------------------- publishing and the scheduled refresh


def test_a_feed_pinned_by_digest_loads_only_with_those_bytes(tmp_path: Path) -> None:
    import hashlib

    from checker.feed import FeedError

    path = tmp_path / "org-feed.json"
    path.write_text(json.dumps(START))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert load_feed(f"{path}#sha256={digest}").lookup("acme.painter-v1:0") is not None
    with pytest.raises(FeedError, match=rf"feed digest is sha256:{digest}, but the pin asks for sha256:0{{64}}"):
        load_feed(f"{path}#sha256={'0' * 64}")
    with pytest.raises(FeedError, match="must be 64 hexadecimal digits"):
        load_feed(f"{path}#sha256=abc")


def test_the_scheduled_workflow_runs_commands_this_cli_accepts() -> None:
    import shlex

    import yaml

    from checker.cli import build_parser

    repo = Path(__file__).resolve().parents[2]
    flow = yaml.safe_load((repo / ".github" / "workflows" / "feed-refresh.yml").read_text())
    assert "schedule" in flow[True] and "workflow_dispatch" in flow[True]  # YAML 1.1 reads `on:` as True
    assert flow["permissions"]["id-token"] == "write" and flow["permissions"]["pull-requests"] == "write"
    steps = flow["jobs"]["refresh"]["steps"]
    assert any(
        s.get("uses", "").startswith("aws-actions/configure-aws-credentials") and "role-to-assume" in s["with"]
        for s in steps
    )
    assert any(s.get("uses", "").startswith("peter-evans/create-pull-request") for s in steps)
    commands = []
    for step in steps:
        script = step.get("run", "").replace("\\\n", " ")
        for line in script.splitlines():
            line = line.strip()
            if line.startswith("bedrock-lifecycle "):
                words = [w for w in shlex.split(line.replace('"${args[@]}"', ""), comments=True) if w != "\\"]
                commands.append(words[1:])
    assert {c[1] for c in commands} >= {"refresh", "validate", "diff"}
    assert any("--from-docs" in c for c in commands) and any("--from-api" in c for c in commands)
    parser = build_parser()
    for words in commands:
        parser.parse_args(words)
    assert (repo / "tools" / "pin_bundled_feed.py").is_file()


def _stub_bedrock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """ListFoundationModels in us-east-1 through botocore's Stubber (never the
    network): one Legacy model, no inference profiles."""
    import boto3
    from botocore.stub import Stubber

    from checker.commands import feed_aws

    session = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
    client = session.client("bedrock", region_name="us-east-1")
    stub = Stubber(client)
    stub.add_response(
        "list_foundation_models",
        {
            "modelSummaries": [
                {
                    "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/acme.writer-v2",
                    "modelId": "acme.writer-v2",
                    "modelLifecycle": {"status": "LEGACY"},
                }
            ]
        },
    )
    stub.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "SYSTEM_DEFINED"})
    stub.activate()

    class OneClient:
        def client(self, service: str, region_name: str, config: Any = None) -> Any:
            assert (service, region_name) == ("bedrock", "us-east-1")
            return client

    monkeypatch.setattr(feed_aws, "_session", lambda profile: OneClient())
    return stub


def test_docs_and_api_refresh_together(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--from-docs --from-api: the pages first, then ListFoundationModels
    (botocore Stubber, never the network); one diff covers both."""
    stub = _stub_bedrock(monkeypatch)
    start = tmp_path / "start.json"
    start.write_text(json.dumps(START))
    out = tmp_path / "feed.json"
    code = main(
        [
            "feed",
            "refresh",
            "--from-docs",
            "--from-api",
            "--region",
            "us-east-1",
            "--docs-base",
            str(DOCS / "base"),
            "--feed",
            str(start),
            "-o",
            str(out),
            "--today",
            "2026-11-01",
        ]
    )
    assert code == 0
    stub.assert_no_pending_responses()
    lines = capsys.readouterr().out.splitlines()
    assert "+ acme.writer-v2 (Acme Writer 2): new, Legacy" in lines
    w2 = load_feed(str(out)).lookup("acme.writer-v2")
    assert w2 is not None and w2.status_at(date(2026, 11, 1), "eu-west-1").state is State.ACTIVE
    assert w2.status_at(date(2026, 11, 1), "us-east-1").state is State.LEGACY
    assert any(s.get("api") == "ListFoundationModels" for s in w2.sources)
    assert any(s.get("url", "").endswith("model-card-acme-writer-2.md") for s in w2.sources)
    assert "+ acme.writer-v2 (Acme Writer 2): new, Legacy" in (tmp_path / "feed.json.diff").read_text()


def test_an_api_only_refresh_prints_and_writes_its_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stub = _stub_bedrock(monkeypatch)
    start = tmp_path / "start.json"
    start.write_text(json.dumps(START))
    out = tmp_path / "feed.json"
    args = ["feed", "refresh", "--region", "us-east-1", "--feed", str(start), "-o", str(out), "--today", "2026-11-01"]
    assert main([*args, "--diff", str(tmp_path / "changes.txt")]) == 0
    stub.assert_no_pending_responses()
    printed = capsys.readouterr().out.splitlines()
    written = (tmp_path / "changes.txt").read_text().splitlines()
    assert "+ acme.writer-v2 (acme.writer-v2): new, Legacy" in printed
    assert [line for line in printed if line[:1] in "+-~?"] == written


def test_every_unreadable_card_is_named_in_one_error(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    for f in (DOCS / "base").iterdir():
        (pages / f.name).write_text(f.read_text())
    for name in ("model-card-acme-writer-1.md", "model-card-acme-embed-3.md"):
        text = (pages / name).read_text().replace("+ **Model lifecycle:**", "+ **State:**")
        (pages / name).write_text(text)
    with pytest.raises(DocsError) as err:
        read_docs(str(pages))
    lines = str(err.value).splitlines()
    assert lines[0] == "model cards could not be read (2 cards):"
    assert any("model-card-acme-writer-1.md" in ln and "no 'Model lifecycle' entry" in ln for ln in lines)
    assert any("model-card-acme-embed-3.md" in ln for ln in lines)


def test_pages_over_https_are_verified_and_read(https_pages: Any, tls_cert: tuple[str, str]) -> None:
    """The refresh reads AWS over HTTPS: here a local server with a test
    certificate stands in (never the network)."""
    import ssl

    pages = {f"/bedrock/latest/userguide/{p.name}": p.read_bytes() for p in (DOCS / "base").iterdir()}
    cert = tls_cert[0]
    base = https_pages(pages) + "/bedrock/latest/userguide/"
    with pytest.raises(DocsError, match=r"model-lifecycle\.md: download failed: .*CERTIFICATE_VERIFY_FAILED"):
        read_docs(base)
    snap = read_docs(base, context=ssl.create_default_context(cafile=str(cert)))
    assert sorted(c.model_id for c in snap.cards) == ["acme.embed-v3:0", "acme.writer-v1:0", "acme.writer-v2"]
    assert snap.pages[0] == base + "model-lifecycle.md"
    with pytest.raises(DocsError, match=r"missing\.md: download failed: HTTP 404"):
        from checker.feed.docs import read_page

        read_page(base, "missing.md", ssl.create_default_context(cafile=str(cert)))


def test_max_feed_age_from_the_repository_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    )
    config = tmp_path / "cfg.yaml"
    config.write_text("max_feed_age: 5\n")
    main(["scan", str(tmp_path), "--as-of", "2026-12-10", "-q", "--config", str(config), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["feed"]["max_age_days"] == 5 and doc["feed"]["notices"][0]["level"] == "warning"
    # The command line wins over the file.
    main(
        [
            "scan",
            str(tmp_path),
            "--as-of",
            "2026-12-10",
            "-q",
            "--config",
            str(config),
            "--max-feed-age",
            "45",
            "--format",
            "json",
        ]
    )
    assert json.loads(capsys.readouterr().out)["feed"]["notices"] == []


def test_a_card_without_a_provider_line_keeps_the_feeds_provider() -> None:
    import re

    text = (DOCS / "base" / "model-card-acme-writer-2.md").read_text()
    card = parse_model_card(re.sub(r"^## !\[Acme logo\].*$", "", text, flags=re.M), "c.md")
    assert card.provider == "" and card.model_id == "acme.writer-v2"
    from checker.feed.docs import DocsSnapshot

    doc = copy.deepcopy(START)
    doc["models"].append({"model_id": "acme.writer-v2", "provider": "Acme", "name": "W2", "source": SOURCE})
    new = merge_docs(doc, DocsSnapshot(cards=[card], pages=["c.md"]), date(2026, 11, 1))
    assert next(m for m in new["models"] if m["model_id"] == "acme.writer-v2")["provider"] == "Acme"
    fresh = merge_docs(copy.deepcopy(START), DocsSnapshot(cards=[card], pages=["c.md"]), date(2026, 11, 1))
    assert next(m for m in fresh["models"] if m["model_id"] == "acme.writer-v2")["provider"] == "acme"


def test_max_feed_age_from_the_environment_and_a_repository_raise_is_listed(tmp_path: Path) -> None:
    from checker.settings import Flags, resolve

    assert resolve(Flags(), env={"BEDROCK_LIFECYCLE_MAX_FEED_AGE": "10"}).max_feed_age == 10
    assert resolve(Flags(max_feed_age=3), env={"BEDROCK_LIFECYCLE_MAX_FEED_AGE": "10"}).max_feed_age == 3
    (tmp_path / ".bedrock-lifecycle.yaml").write_text("max_feed_age: 400\n")
    got = resolve(Flags(), [str(tmp_path)], env={})
    # A repository that stretches the age warning weakens the policy: it is listed.
    assert got.max_feed_age == 400 and any("max_feed_age: 400" in c for c in got.repository_changes)


@pytest.mark.parametrize(
    ("old", "suggested"),
    [
        # Same family first: a Haiku moves to a Haiku, a Sonnet to a Sonnet.
        ("anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-haiku-4-5-20251001-v1:0"),
        ("anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic.claude-sonnet-4-6"),
        ("anthropic.claude-opus-4-1-20250805-v1:0", "anthropic.claude-opus-5"),
        # "Claude v2" names no family: the newest Active model of the kind.
        ("anthropic.claude-v2", "anthropic.claude-opus-5"),
    ],
)
def test_a_suggestion_prefers_the_same_model_family(old: str, suggested: str) -> None:
    feed = load_bundled_feed()
    model = feed.lookup(old)
    assert model is not None
    advice = replacement_advice(feed, model, date(2026, 12, 1), None)
    assert advice.models == (suggested,) and advice.suggested
