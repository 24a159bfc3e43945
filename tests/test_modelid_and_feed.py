"""Every id form a template can hold, the feed's lookup tolerance, the state
at a date on each side of each boundary, and feeds refused with the JSON path
of the problem."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from checker.feed import FeedError, load_bundled_feed, load_feed
from checker.feed.loader import feed_from_document
from checker.model import State
from checker.modelid import IdKind, looks_like_model_reference, parse_model_reference


@pytest.mark.parametrize(
    ("value", "kind", "model_id", "extra"),
    [
        ("anthropic.claude-v2", IdKind.MODEL_ID, "anthropic.claude-v2", {}),
        ("anthropic.claude-3-sonnet-20240229-v1:0", IdKind.MODEL_ID, "anthropic.claude-3-sonnet-20240229-v1:0", {}),
        (
            "anthropic.claude-3-sonnet-20240229-v1:0:28k",
            IdKind.MODEL_ID,
            "anthropic.claude-3-sonnet-20240229-v1:0",
            {"variant": "28k"},
        ),
        ("anthropic.claude-v2:1:200k", IdKind.MODEL_ID, "anthropic.claude-v2:1", {"variant": "200k"}),
        ("amazon.titan-embed-text-v1:2:8k", IdKind.MODEL_ID, "amazon.titan-embed-text-v1:2", {"variant": "8k"}),
        (
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2",
            IdKind.FOUNDATION_MODEL_ARN,
            "anthropic.claude-v2",
            {"region": "us-east-1", "partition": "aws"},
        ),
        (
            "arn:aws-cn:bedrock:cn-north-1::foundation-model/amazon.titan-embed-text-v2:0",
            IdKind.FOUNDATION_MODEL_ARN,
            "amazon.titan-embed-text-v2:0",
            {"partition": "aws-cn", "region": "cn-north-1"},
        ),
        (
            "arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
            IdKind.FOUNDATION_MODEL_ARN,
            "anthropic.claude-3-haiku-20240307-v1:0",
            {"partition": "aws-us-gov", "region": "us-gov-west-1"},
        ),
        (
            "us.anthropic.claude-3-haiku-20240307-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-3-haiku-20240307-v1:0",
            {"profile_prefix": "us"},
        ),
        ("eu.amazon.nova-pro-v1:0", IdKind.INFERENCE_PROFILE_ID, "amazon.nova-pro-v1:0", {"profile_prefix": "eu"}),
        (
            "apac.anthropic.claude-sonnet-4-20250514-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-sonnet-4-20250514-v1:0",
            {"profile_prefix": "apac"},
        ),
        (
            "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            {"profile_prefix": "global"},
        ),
        (
            "us-gov.anthropic.claude-3-haiku-20240307-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-3-haiku-20240307-v1:0",
            {"profile_prefix": "us-gov"},
        ),
        (
            "jp.anthropic.claude-sonnet-4-5-20250929-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            {"profile_prefix": "jp"},
        ),
        (
            "au.anthropic.claude-sonnet-4-5-20250929-v1:0",
            IdKind.INFERENCE_PROFILE_ID,
            "anthropic.claude-sonnet-4-5-20250929-v1:0",
            {"profile_prefix": "au"},
        ),
        (
            "arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            IdKind.INFERENCE_PROFILE_ARN,
            "anthropic.claude-3-7-sonnet-20250219-v1:0",
            {"profile_prefix": "us", "account": "123456789012"},
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/ly16hhi765j4",
            IdKind.CUSTOM_MODEL_ARN,
            "amazon.titan-text-express-v1:0",
            {"variant": "8k"},
        ),
        (
            "arn:${AWS::Partition}:bedrock:${AWS::Region}::foundation-model/anthropic.claude-v2",
            IdKind.FOUNDATION_MODEL_ARN,
            "anthropic.claude-v2",
            {"region": None},
        ),
        (
            "arn:aws:bedrock:${var.region}::foundation-model/amazon.nova-pro-v1:0",
            IdKind.FOUNDATION_MODEL_ARN,
            "amazon.nova-pro-v1:0",
            {},
        ),
    ],
)
def test_id_forms(value: str, kind: IdKind, model_id: str, extra: dict[str, object]) -> None:
    ident = parse_model_reference(value)
    assert (ident.kind, ident.model_id) == (kind, model_id)
    for key, want in extra.items():
        assert getattr(ident, key) == want, key


@pytest.mark.parametrize(
    ("value", "kind", "reason"),
    [
        (
            "arn:aws:bedrock:us-west-2:123456789012:provisioned-model/1y5n57gh5y2e",
            IdKind.PROVISIONED_MODEL_ARN,
            "provisioned-model ARN",
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123xyz789",
            IdKind.APPLICATION_INFERENCE_PROFILE_ARN,
            "application inference profile",
        ),
        (
            "arn:aws:bedrock:us-east-1:111122223333:imported-model/s4dt0wly5gud",
            IdKind.IMPORTED_MODEL_ARN,
            "imported models",
        ),
        (
            "arn:aws:bedrock:us-east-1:123456789012:custom-model/imported/abcdefabcdef",
            IdKind.IMPORTED_MODEL_ARN,
            "imported",
        ),
        ("arn:aws:bedrock:*::foundation-model/*", IdKind.WILDCARD, "wildcard"),
        ("arn:aws:sagemaker:us-west-2:111122223333:endpoint/example", IdKind.MARKETPLACE_ENDPOINT_ARN, "Marketplace"),
        ("arn:aws:bedrock:us-east-1::foundation-model/${var.model}", IdKind.NOT_A_MODEL, "not known statically"),
        ("var.model", IdKind.MODEL_ID, None),
        ("", IdKind.NOT_A_MODEL, "not a Bedrock model"),
        ("hello world", IdKind.NOT_A_MODEL, "not a Bedrock model"),
    ],
)
def test_values_that_name_no_model_offline_say_why(value: str, kind: IdKind, reason: str | None) -> None:
    ident = parse_model_reference(value)
    assert ident.kind is kind
    if reason is not None:
        assert ident.model_id is None and ident.reason is not None and reason in ident.reason


def test_free_form_strings_need_a_known_provider() -> None:
    assert looks_like_model_reference("anthropic.claude-v2")
    assert looks_like_model_reference("us.meta.llama3-2-11b-instruct-v1:0")
    assert looks_like_model_reference("arn:aws:bedrock:us-east-1::foundation-model/x.y")
    assert not looks_like_model_reference("api.example.com")
    assert not looks_like_model_reference("var.model")
    assert not looks_like_model_reference("arn:aws:bedrock:*::foundation-model/*")


def test_lookup_tolerates_the_spellings_templates_use() -> None:
    feed = load_bundled_feed()
    for spelling in (
        "anthropic.claude-v2",
        "anthropic.claude-v2:0",
        "anthropic.claude-v2:0:18k",
        "ai21.j2-mid",
        "amazon.titan-text-express-v1:0:8k",
        "amazon.titan-embed-text-v1:2:8k",
    ):
        assert feed.lookup(spelling) is not None, spelling
    assert feed.lookup("anthropic.claude-v9") is None
    doc = json.loads((Path(__file__).parents[1] / "checker/feed/bundled.json").read_text())
    doc["inference_profiles"] = {"us.weird-profile.x": "amazon.nova-pro-v1:0"}
    custom = feed_from_document(doc)
    hit = custom.lookup("us.weird-profile.x")
    assert hit is not None and hit.model_id == "amazon.nova-pro-v1:0"


def test_the_bundled_feed_as_released_passes_its_schema_and_is_pinned() -> None:
    """Scans trust the bundled bytes without importing jsonschema; this is
    where they are validated.  After regenerating bundled.json, update
    BUNDLED_FEED_SHA256 (the scan would otherwise validate on every start)."""
    import hashlib

    from checker.feed.loader import BUNDLED_FEED_SHA256, validate_feed_document

    data = (Path(__file__).parents[1] / "checker/feed/bundled.json").read_bytes()
    validate_feed_document(json.loads(data), "bundled feed")
    assert hashlib.sha256(data).hexdigest() == BUNDLED_FEED_SHA256
    assert load_bundled_feed() == feed_from_document(json.loads(data), "bundled feed")


def test_bundled_feed_real_rows() -> None:
    feed = load_bundled_feed()

    def st(mid: str, on: str, region: str | None = None) -> State:
        m = feed.lookup(mid)
        assert m is not None, mid
        return m.status_at(date.fromisoformat(on), region).state

    sonnet4 = feed.lookup("anthropic.claude-sonnet-4-20250514-v1:0")
    assert sonnet4 is not None and sonnet4.schedule.eol_date == date(2026, 10, 14)
    opus41 = feed.lookup("anthropic.claude-opus-4-1-20250805-v1:0")
    assert opus41 is not None
    assert (opus41.schedule.legacy_date, opus41.schedule.public_extended_access_date, opus41.schedule.eol_date) == (
        date(2026, 7, 8),
        date(2026, 10, 8),
        date(2027, 1, 8),
    )
    jamba = feed.lookup("ai21.jamba-1-5-large-v1:0")
    assert jamba is not None and jamba.schedule.eol_date == date(2026, 11, 26)
    v2 = feed.lookup("anthropic.claude-v2")
    assert v2 is not None and v2.schedule.eol_date == date(2025, 7, 21)
    assert v2.replacements == ("anthropic.claude-sonnet-4-5-20250929-v1:0",)
    # Region-specific schedules: 3.5 Sonnet ended in us-east-1 on 2026-03-01, in Tokyo on 2026-07-30.
    assert st("anthropic.claude-3-5-sonnet-20240620-v1:0", "2026-05-01", "us-east-1") is State.EOL
    assert (
        st("anthropic.claude-3-5-sonnet-20240620-v1:0", "2026-05-01", "ap-northeast-1") is State.PUBLIC_EXTENDED_ACCESS
    )
    assert st("anthropic.claude-3-5-sonnet-20240620-v1:0", "2026-05-01") is State.EOL  # worst region
    for m in feed.models:
        for r in m.replacements:
            assert feed.lookup(r) is not None, (m.model_id, r)
        if m.schedule.eol_date or m.schedule.legacy_date:
            assert m.source.get("url", "").startswith("https://docs.aws.amazon.com/bedrock/"), m.model_id


def _feed(**model: object) -> object:
    base = {
        "model_id": "vendor.m-v1:0",
        "provider": "V",
        "name": "M",
        "source": {
            "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
            "read_on": "2026-10-13",
        },
    }
    base.update(model)
    return feed_from_document({"schema_version": "1.0", "as_of": "2026-10-13", "models": [base]})


def test_boundaries_each_side() -> None:
    f = _feed(legacy_date="2026-01-10", public_extended_access_date="2026-04-10", eol_date="2026-07-10")
    m = f.models[0]  # type: ignore[attr-defined]
    for day, state in (
        ("2026-01-09", State.ACTIVE),
        ("2026-01-10", State.LEGACY),
        ("2026-04-09", State.LEGACY),
        ("2026-04-10", State.PUBLIC_EXTENDED_ACCESS),
        ("2026-07-09", State.PUBLIC_EXTENDED_ACCESS),
        ("2026-07-10", State.EOL),
    ):
        assert m.status_at(date.fromisoformat(day)).state is state, day
    assert m.status_at(date(2026, 7, 1)).days_to_eol == 9


def test_new_policy_earliest_possible_eol() -> None:
    f = _feed(launch_date="2026-10-01", status="ACTIVE", eol_not_before="2027-10-01", legacy_period="45_days")
    m = f.models[0]  # type: ignore[attr-defined]
    assert m.status_at(date(2026, 11, 24)).earliest_possible_eol == date(2027, 10, 1)
    assert m.status_at(date(2027, 9, 30)).earliest_possible_eol == date(2027, 9, 30) + timedelta(days=45)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["models"][0].update(eol_date="2026/07/10"), "$.models[0].eol_date: '2026/07/10' does not match"),
        (lambda d: d["models"][0].pop("model_id"), "$.models[0]: 'model_id' is a required property"),
        (
            lambda d: d["models"][0].update(colour="blue"),
            "$.models[0]: Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            lambda d: d["models"][0].update(status="RETIRED"),
            "$.models[0].status: 'RETIRED' is not one of ['ACTIVE', 'LEGACY', 'EOL']",
        ),
        (
            # A Legacy period without "EOL no sooner than" is real (a card may say
            # "Not Applicable, at least 45 day EOL Notice"); an unknown period is not.
            lambda d: d["models"][0].update(legacy_period="3_months"),
            "$.models[0].legacy_period: '3_months' is not one of ['6_months', '45_days']",
        ),
        (
            lambda d: d["models"][0].update(profile_ids=["vendor.m-v1:0"]),
            "id 'vendor.m-v1:0' is already used by $.models[0]",
        ),
        (lambda d: d["models"].append(dict(d["models"][0])), "id 'vendor.m-v1:0' is already used by $.models[0]"),
        (
            lambda d: d["models"][0].update(legacy_date="2026-08-01", eol_date="2026-07-10"),
            "$.models[0]: legacy, extended-access and EOL dates are out of order",
        ),
    ],
)
def test_invalid_feeds_are_refused_with_the_json_path(tmp_path: Path, mutate: object, message: str) -> None:
    doc = {
        "schema_version": "1.0",
        "as_of": "2026-10-13",
        "models": [
            {
                "model_id": "vendor.m-v1:0",
                "provider": "V",
                "name": "M",
                "eol_date": "2026-07-10",
                "source": {
                    "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
                    "read_on": "2026-10-13",
                },
            }
        ],
    }
    mutate(doc)  # type: ignore[operator]
    p = tmp_path / "feed.json"
    p.write_text(json.dumps(doc))
    with pytest.raises(FeedError) as err:
        load_feed(p)
    assert message in str(err.value)
    assert str(err.value).startswith(str(p))
