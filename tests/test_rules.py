"""Each rule firing and not firing, on each side of each lifecycle boundary.

The feed here is built in the test (and validated by the real schema) so that
the expectations do not move when the bundled snapshot is refreshed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from checker.feed.loader import feed_from_document
from checker.model import Action, Location, Reference, Severity, State, Usage
from checker.rules import ALL_RULES, RULES_BY_ID, RuleContext, evaluate, findings_for

SRC = {
    "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html",
    "read_on": "2026-10-13",
}

FEED = feed_from_document(
    {
        "schema_version": "1.0",
        "as_of": "2026-10-13",
        "models": [
            {
                "model_id": "vendor.legacy-model-v1:0",
                "provider": "Vendor",
                "name": "Legacy Model",
                "legacy_date": "2026-07-08",
                "public_extended_access_date": "2026-10-08",
                "eol_date": "2027-01-08",
                "replacements": ["vendor.active-model-v2:0"],
                "source": SRC,
            },
            {
                "model_id": "vendor.active-model-v2:0",
                "provider": "Vendor",
                "name": "Active Model",
                "status": "ACTIVE",
                "source": SRC,
            },
            {
                "model_id": "vendor.status-legacy-v1:0",
                "provider": "Vendor",
                "name": "Status-only Legacy",
                "status": "LEGACY",
                "source": {"api": "ListFoundationModels", "read_on": "2026-10-13"},
            },
            {
                "model_id": "vendor.pt-model-v1:0",
                "provider": "Vendor",
                "name": "PT Model",
                "legacy_date": "2026-01-01",
                "eol_date": "2026-12-01",
                "eol_by_usage": {"provisioned_throughput": "2027-06-01"},
                "source": SRC,
            },
        ],
    }
)

LEGACY = date(2026, 7, 8)
PEA = date(2026, 10, 8)
EOL = date(2027, 1, 8)


def ref(raw: str, usage: Usage = Usage.AGENT, action: Action | None = None) -> Reference:
    return Reference(
        raw=raw,
        usage=usage,
        resource="aws_bedrockagent_agent.a",
        resource_type="aws_bedrockagent_agent",
        attribute="foundation_model",
        location=Location("main.tf", 7, 3),
        framework="terraform",
        action=action,
    )


def fired(r: Reference, on: date, window: int = 90) -> set[str]:
    return {f.rule_id for f in findings_for(r, RuleContext(as_of=on, feed=FEED, eol_window_days=window))}


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (LEGACY - timedelta(days=1), set()),
        (LEGACY, {"CKV_BEDROCK_3"}),
        (PEA - timedelta(days=1), {"CKV_BEDROCK_3"}),
        (PEA, {"CKV_BEDROCK_3", "CKV_BEDROCK_4"}),
        (EOL - timedelta(days=1), {"CKV_BEDROCK_3", "CKV_BEDROCK_4", "CKV_BEDROCK_5"}),
        (EOL, {"CKV_BEDROCK_1"}),
        (EOL + timedelta(days=400), {"CKV_BEDROCK_1"}),
    ],
)
def test_lifecycle_boundaries(on: date, expected: set[str]) -> None:
    assert fired(ref("vendor.legacy-model-v1:0"), on) == expected


def test_eol_window_edges() -> None:
    r = ref("vendor.legacy-model-v1:0")
    on = date(2026, 9, 1)  # 129 days before EOL, Legacy, not yet extended access
    assert "CKV_BEDROCK_5" not in fired(r, on, window=128)
    assert "CKV_BEDROCK_5" in fired(r, on, window=129)
    assert "CKV_BEDROCK_5" not in fired(r, EOL - timedelta(days=91))
    assert "CKV_BEDROCK_5" in fired(r, EOL - timedelta(days=90))


def test_active_model_passes() -> None:
    assert fired(ref("vendor.active-model-v2:0"), date(2030, 1, 1)) == set()


def test_status_only_entry_is_honoured() -> None:
    assert fired(ref("vendor.status-legacy-v1:0"), date(2026, 11, 24)) == {"CKV_BEDROCK_3"}


def test_not_in_feed_is_a_notice() -> None:
    findings = findings_for(ref("vendor.typo-model-v9:0"), RuleContext(as_of=date(2026, 11, 24), feed=FEED))
    assert [(f.rule_id, f.severity) for f in findings] == [("CKV_BEDROCK_6", Severity.NOTICE)]
    assert "vendor.typo-model-v9:0" in findings[0].message


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (None, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (Action.CREATE, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (Action.REPLACE, {"CKV_BEDROCK_2", "CKV_BEDROCK_3"}),
        (Action.NO_OP, {"CKV_BEDROCK_3"}),
        (Action.UPDATE, {"CKV_BEDROCK_3"}),
        (Action.DELETE, set()),
    ],
)
def test_provisioned_throughput_depends_on_action(action: Action | None, expected: set[str]) -> None:
    arn = "arn:aws:bedrock:us-east-1::foundation-model/vendor.legacy-model-v1:0"
    assert fired(ref(arn, Usage.PROVISIONED_THROUGHPUT, action), date(2026, 8, 1)) == expected


def test_provisioned_throughput_on_active_model_passes() -> None:
    arn = "arn:aws:bedrock:us-east-1::foundation-model/vendor.active-model-v2:0"
    assert fired(ref(arn, Usage.PROVISIONED_THROUGHPUT, Action.CREATE), date(2026, 8, 1)) == set()


def test_eol_is_an_error_for_any_action_but_delete() -> None:
    arn = "arn:aws:bedrock:us-east-1::foundation-model/vendor.legacy-model-v1:0"
    for action in (Action.NO_OP, Action.UPDATE, Action.CREATE, Action.READ):
        got = fired(ref(arn, Usage.PROVISIONED_THROUGHPUT, action), EOL)
        assert "CKV_BEDROCK_1" in got, action
    assert fired(ref(arn, Usage.PROVISIONED_THROUGHPUT, Action.DELETE), EOL) == set()


def test_per_usage_eol_date_governs_provisioned_throughput() -> None:
    on = date(2026, 12, 15)  # after on-demand EOL, before the PT EOL
    assert "CKV_BEDROCK_1" in fired(ref("vendor.pt-model-v1:0"), on)
    pt = fired(ref("vendor.pt-model-v1:0", Usage.PROVISIONED_THROUGHPUT, Action.NO_OP), on)
    assert "CKV_BEDROCK_1" not in pt
    assert "CKV_BEDROCK_3" in pt


def test_unresolvable_references_produce_no_findings() -> None:
    ctx = RuleContext(as_of=date(2026, 11, 24), feed=FEED)
    opaque = ref("arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456")
    assert findings_for(opaque, ctx) == []
    assert evaluate(opaque, ctx) is None
    unresolved = Reference(
        raw="var.model",
        usage=Usage.AGENT,
        resource="x",
        resource_type="aws_bedrockagent_agent",
        attribute="foundation_model",
        location=Location("main.tf", 1),
        framework="terraform",
        resolved=False,
    )
    assert findings_for(unresolved, ctx) == []


def test_inference_profile_and_variant_reach_the_base_model() -> None:
    on = date(2026, 8, 1)
    assert fired(ref("us.vendor.legacy-model-v1:0"), on) == {"CKV_BEDROCK_3"}
    assert fired(ref("vendor.legacy-model-v1:0:200k"), on) == {"CKV_BEDROCK_3"}
    arn = "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.vendor.legacy-model-v1:0"
    assert fired(ref(arn), on) == {"CKV_BEDROCK_3"}


def test_messages_name_model_state_date_and_days() -> None:
    ctx = RuleContext(as_of=date(2026, 11, 24), feed=FEED)
    findings = {f.rule_id: f for f in findings_for(ref("vendor.legacy-model-v1:0"), ctx)}
    legacy = findings["CKV_BEDROCK_3"]
    assert "Legacy Model (vendor.legacy-model-v1:0)" in legacy.message
    assert "2027-01-08 (45 days from 2026-11-24)" in legacy.message
    assert legacy.replacements == ("vendor.active-model-v2:0",)
    assert legacy.status.state is State.PUBLIC_EXTENDED_ACCESS
    assert "price may change" in findings["CKV_BEDROCK_4"].message
    eol = findings_for(ref("vendor.legacy-model-v1:0"), RuleContext(as_of=date(2027, 1, 10), feed=FEED))
    assert "since 2027-01-08 (2 days ago)" in eol[0].message


def test_rule_metadata_is_complete_and_ids_are_stable() -> None:
    assert [r.id for r in ALL_RULES] == [f"CKV_BEDROCK_{i}" for i in range(1, 8)]
    assert {r.id: r.severity for r in ALL_RULES} == {
        "CKV_BEDROCK_1": Severity.ERROR,
        "CKV_BEDROCK_2": Severity.ERROR,
        "CKV_BEDROCK_3": Severity.WARNING,
        "CKV_BEDROCK_4": Severity.WARNING,
        "CKV_BEDROCK_5": Severity.ERROR,
        "CKV_BEDROCK_6": Severity.NOTICE,
        "CKV_BEDROCK_7": Severity.WARNING,
    }
    for r in ALL_RULES:
        assert r.title and r.help and r.name
        assert r.help_uri.endswith("#" + r.id.lower())
    assert RULES_BY_ID["CKV_BEDROCK_2"].name == "ProvisionedThroughputOnLegacyModel"
