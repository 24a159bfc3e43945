"""Feed refresh, feed diff, remote feeds and the live audit against botocore's
Stubber (response shapes validated against botocore's own service models) and
moto for S3.  Never the network."""

from __future__ import annotations

import json
import os
import ssl
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from checker.feed import FeedError, load_bundled_feed, load_feed
from checker.feed.diff import diff_feeds
from checker.feed.loader import feed_from_document
from checker.feed.refresh import bedrock_regions, feed_document, refresh, write_if_valid
from checker.model import Action, Usage
from checker.pipeline import ScanSettings, assess
from checker.sources.aws_live import IAM_ACTIONS, Audit, AuditTarget

REPO = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 24)
NO_SLEEP = lambda s: None  # noqa: E731


class FakeSession:
    """Hands out real botocore clients with a Stubber attached, and records
    every operation called (for the IAM policy test)."""

    def __init__(self) -> None:
        self.base = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test")
        self.clients: dict[tuple[str, str], Any] = {}
        self.stubbers: dict[tuple[str, str], Stubber] = {}
        self.called: set[str] = set()

    def stub(self, service: str, region: str) -> Stubber:
        key = (service, region)
        if key not in self.clients:
            client = self.base.client(service, region_name=region)
            prefix = {"bedrock-agent": "bedrock"}.get(service, service)
            client.meta.events.register(
                "before-parameter-build.*.*",
                lambda model, prefix=prefix, **_: self.called.add(f"{prefix}:{model.name}"),  # type: ignore[misc]
            )
            self.clients[key] = client
            self.stubbers[key] = Stubber(client)
            self.stubbers[key].activate()
        return self.stubbers[key]

    def client(self, service: str, region_name: str, config: Any = None) -> Any:
        self.stub(service, region_name)
        return self.clients[(service, region_name)]

    def assert_all_used(self) -> None:
        for s in self.stubbers.values():
            s.assert_no_pending_responses()


def summary(model_id: str, status: str = "ACTIVE", **life: Any) -> dict[str, Any]:
    return {
        "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}",
        "modelId": model_id,
        "modelName": model_id.split(".")[1][:20],
        "providerName": model_id.split(".")[0].title(),
        "modelLifecycle": {"status": status, **life},
    }


def profile(pid: str, model: str) -> dict[str, Any]:
    return {
        "inferenceProfileName": pid.replace(".", "-")[:60],
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:123456789012:inference-profile/{pid}",
        "models": [{"modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model}"}],
        "inferenceProfileId": pid,
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


BASE_FEED = {
    "schema_version": "1.0",
    "as_of": "2026-10-13",
    "models": [
        {
            "model_id": "vendor.steady-v1:0",
            "provider": "Vendor",
            "name": "Steady",
            "status": "ACTIVE",
            "region_status": {"us-east-1": "ACTIVE"},
            "replacements": ["vendor.next-v2:0"],
            "source": {
                "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
                "read_on": "2026-10-13",
            },
        },
        {
            "model_id": "vendor.gone-v1:0",
            "provider": "Vendor",
            "name": "Gone",
            "status": "ACTIVE",
            "region_status": {"us-east-1": "ACTIVE"},
            "source": {
                "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
                "read_on": "2026-10-13",
            },
        },
        {
            "model_id": "vendor.next-v2:0",
            "provider": "Vendor",
            "name": "Next",
            "status": "ACTIVE",
            "source": {
                "url": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle.html",
                "read_on": "2026-10-13",
            },
        },
    ],
}


def test_default_regions_come_from_botocore_endpoint_data() -> None:
    regions = bedrock_regions(boto3.session.Session())
    assert "us-east-1" in regions and "eu-west-1" in regions
    assert not any(r.startswith("us-gov-") or r.startswith("cn-") for r in regions)
    assert "us-gov-west-1" in bedrock_regions(boto3.session.Session(), "aws-us-gov")


def test_refresh_merges_statuses_dates_profiles_and_reports_changes() -> None:
    s = FakeSession()
    east = s.stub("bedrock", "us-east-1")
    # Throttled once, then answered: the refresh backs off and retries.
    east.add_client_error("list_foundation_models", "ThrottlingException", "Rate exceeded", 400)
    east.add_response(
        "list_foundation_models",
        {
            "modelSummaries": [
                summary(
                    "vendor.steady-v1:0",
                    "LEGACY",
                    legacyTime=datetime(2026, 11, 1, tzinfo=timezone.utc),
                    endOfLifeTime=datetime(2027, 5, 1, tzinfo=timezone.utc),
                ),
                summary("vendor.next-v2:0"),
                summary("vendor.brand-new-v1:0", startOfLifeTime=datetime(2026, 11, 20, tzinfo=timezone.utc)),
            ]
        },
    )
    # Two pages of inference profiles.
    east.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile("us.vendor.next-v2:0", "vendor.next-v2:0")], "nextToken": "page2"},
        {"typeEquals": "SYSTEM_DEFINED"},
    )
    east.add_response(
        "list_inference_profiles",
        {"inferenceProfileSummaries": [profile("eu.vendor.steady-v1:0", "vendor.steady-v1:0")]},
        {"typeEquals": "SYSTEM_DEFINED", "nextToken": "page2"},
    )
    west = s.stub("bedrock", "us-west-2")
    west.add_client_error("list_foundation_models", "AccessDeniedException", "not opted in", 403)

    doc, report = refresh(json.loads(json.dumps(BASE_FEED)), s, ["us-east-1", "us-west-2"], TODAY, NO_SLEEP)
    s.assert_all_used()
    assert report.regions_read == ["us-east-1"]
    assert report.failed_regions == {"us-west-2": "AccessDeniedException: not opted in"}
    # The report is the refresh's `feed diff`: the API's dates are us-east-1's only.
    assert report.changes == [
        "! vendor.steady-v1:0 (Steady): Active -> Legacy (EOL 2027-05-01)",
        "+ vendor.brand-new-v1:0 (brand-new-v1:0): new, Active",
        "~ vendor.steady-v1:0: in us-east-1: no schedule -> legacy 2026-11-01, eol 2027-05-01",
        "~ vendor.gone-v1:0: API status in us-east-1 ACTIVE -> not listed",
        "~ vendor.next-v2:0: API status in us-east-1 not listed -> ACTIVE",
        "~ vendor.steady-v1:0: API status in us-east-1 ACTIVE -> LEGACY",
        "? vendor.gone-v1:0 (Gone): no longer listed (since 2026-11-24); last known schedule kept: none",
    ]
    feed = feed_from_document(doc)
    steady = feed.lookup("vendor.steady-v1:0")
    assert steady is not None and steady.replacements == ("vendor.next-v2:0",)  # curated data kept
    assert steady.status_at(TODAY).state.value == "LEGACY"
    assert steady.status_at(TODAY, "us-east-1").eol_date == date(2027, 5, 1)
    # us-west-2 was not read: its schedule is not the one us-east-1 returned.
    assert steady.status_at(TODAY, "us-west-2").state.value == "ACTIVE"
    assert steady.schedule.eol_date is None
    new = feed.lookup("vendor.brand-new-v1:0")
    assert new is not None and new.launch_date == date(2026, 11, 20) and new.observed_on == TODAY
    assert feed.inference_profiles == {
        "us.vendor.next-v2:0": "vendor.next-v2:0",
        "eu.vendor.steady-v1:0": "vendor.steady-v1:0",
    }
    assert feed.lookup("vendor.gone-v1:0") is not None  # never deleted
    assert feed.as_of == TODAY


def test_api_legacy_without_dates_wins_over_the_feed() -> None:
    s = FakeSession()
    east = s.stub("bedrock", "us-east-1")
    east.add_response("list_foundation_models", {"modelSummaries": [summary("vendor.next-v2:0", "LEGACY")]})
    east.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "SYSTEM_DEFINED"})
    doc, report = refresh(json.loads(json.dumps(BASE_FEED)), s, ["us-east-1"], TODAY, NO_SLEEP)
    assert "! vendor.next-v2:0 (Next): Active -> Legacy" in report.changes
    nxt = feed_from_document(doc).lookup("vendor.next-v2:0")
    assert nxt is not None and nxt.status_at(TODAY).state.value == "LEGACY"
    st = nxt.status_at(TODAY, "us-east-1")
    assert st.state.value == "LEGACY" and st.basis == "status" and st.observed_on == TODAY
    # One region's date-less LEGACY sets no Legacy date, here or anywhere else.
    assert st.legacy_date is None and nxt.schedule.legacy_date is None and not nxt.regional_schedules
    assert nxt.status_at(TODAY, "eu-west-1").state.value == "ACTIVE"


def test_invalid_merged_feed_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "feed.json"
    target.write_text(json.dumps(BASE_FEED))
    before = target.read_text()
    s = FakeSession()
    east = s.stub("bedrock", "us-east-1")
    east.add_response("list_foundation_models", {"modelSummaries": [summary("Vendor.Bad_ID")]})
    east.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "SYSTEM_DEFINED"})
    doc, _ = refresh(json.loads(before), s, ["us-east-1"], TODAY, NO_SLEEP)
    with pytest.raises(FeedError, match=r"\$\.models\[3\]\.model_id"):
        write_if_valid(doc, str(target))
    assert target.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["feed.json"]


def test_feed_diff(tmp_path: Path) -> None:
    old = feed_from_document(json.loads(json.dumps(BASE_FEED)))
    changed = json.loads(json.dumps(BASE_FEED))
    changed["models"][0].update({"legacy_date": "2026-11-01", "eol_date": "2027-05-01"})
    changed["models"].pop(1)
    changed["models"].append(
        {
            "model_id": "vendor.brand-new-v1:0",
            "provider": "Vendor",
            "name": "New",
            "status": "ACTIVE",
            "source": {"api": "ListFoundationModels", "read_on": "2026-11-24"},
        }
    )
    lines = diff_feeds(old, feed_from_document(changed), TODAY)
    assert lines == [
        "! vendor.steady-v1:0 (Steady): Active -> Legacy (EOL 2027-05-01)",
        "+ vendor.brand-new-v1:0 (New): new, Active",
        "~ vendor.steady-v1:0: legacy date none -> 2026-11-01",
        "~ vendor.steady-v1:0: eol date none -> 2027-05-01",
        "- vendor.gone-v1:0 (Gone): removed from the feed",
    ]


def test_s3_feed_with_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="org-feeds")
        s3.put_object(Bucket="org-feeds", Key="bedrock/feed.json", Body=json.dumps(BASE_FEED).encode())
        s3.put_object(Bucket="org-feeds", Key="bedrock/bad.json", Body=b'{"schema_version": "1.0", "models": []}')
        feed = load_feed("s3://org-feeds/bedrock/feed.json")
        assert feed.lookup("vendor.steady-v1:0") is not None
        with pytest.raises(FeedError, match=r"\$: 'as_of' is a required property"):
            load_feed("s3://org-feeds/bedrock/bad.json")
        with pytest.raises(FeedError, match="NoSuchKey"):
            load_feed("s3://org-feeds/bedrock/missing.json")


@pytest.fixture()
def https_server(https_pages: Any, tls_cert: tuple[str, str]) -> Any:
    bodies = {"/feed.json": json.dumps(BASE_FEED).encode(), "/bad.json": b'{"schema_version": "9"}'}
    return https_pages(bodies), tls_cert[0]


def test_https_feed_verifies_certificates(https_server: Any) -> None:
    from checker.feed.remote import fetch

    base, cert = https_server
    with pytest.raises(FeedError, match="certificate verification failed"):
        load_feed(f"{base}/feed.json")
    trusted = ssl.create_default_context(cafile=str(cert))
    assert json.loads(fetch(f"{base}/feed.json", context=trusted))["as_of"] == "2026-10-13"
    with pytest.raises(FeedError, match="HTTP 404"):
        fetch(f"{base}/missing.json", context=trusted)
    with pytest.raises(FeedError, match="only https:// and s3://"):
        load_feed("http://127.0.0.1:1/feed.json")


def _audit_session() -> FakeSession:
    s = FakeSession()
    b = s.stub("bedrock", "us-east-1")
    b.add_response(
        "list_provisioned_model_throughputs",
        {
            "provisionedModelSummaries": [
                {
                    "provisionedModelName": "peak",
                    "provisionedModelArn": "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef",
                    "modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "desiredModelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "foundationModelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
                    "modelUnits": 1,
                    "desiredModelUnits": 1,
                    "status": "InService",
                    "creationTime": datetime(2026, 1, 1),
                    "lastModifiedTime": datetime(2026, 1, 1),
                }
            ]
        },
        {},
    )
    b.add_response(
        "list_custom_models",
        {
            "modelSummaries": [
                {
                    "modelArn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdefabcdef",
                    "modelName": "support-tuned",
                    "creationTime": datetime(2025, 1, 1),
                    "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k",
                    "baseModelName": "Titan Text G1 - Express",
                }
            ]
        },
        {},
    )
    b.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "APPLICATION"})
    a = s.stub("bedrock-agent", "us-east-1")
    a.add_response(
        "list_agents",
        {
            "agentSummaries": [
                {
                    "agentId": "AGENT12345",
                    "agentName": "support",
                    "agentStatus": "PREPARED",
                    "updatedAt": datetime(2026, 1, 1),
                }
            ]
        },
        {},
    )
    a.add_response(
        "get_agent",
        {
            "agent": {
                "agentId": "AGENT12345",
                "agentName": "support",
                "agentArn": "arn:aws:bedrock:us-east-1:123456789012:agent/AGENT12345",
                "agentVersion": "DRAFT",
                "agentStatus": "PREPARED",
                "idleSessionTTLInSeconds": 600,
                "agentResourceRoleArn": "arn:aws:iam::123456789012:role/agent",
                "foundationModel": "anthropic.claude-v2",
                "createdAt": datetime(2026, 1, 1),
                "updatedAt": datetime(2026, 1, 1),
            }
        },
        {"agentId": "AGENT12345"},
    )
    a.add_response("list_knowledge_bases", {"knowledgeBaseSummaries": []}, {})
    a.add_response("list_prompts", {"promptSummaries": []}, {})
    a.add_response("list_flows", {"flowSummaries": []}, {})
    cw = s.stub("cloudwatch", "us-east-1")
    cw.add_response(
        "list_metrics",
        {
            "Metrics": [
                {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "ModelId", "Value": "anthropic.claude-3-haiku-20240307-v1:0"}],
                },
                {
                    "Namespace": "AWS/Bedrock",
                    "MetricName": "Invocations",
                    "Dimensions": [{"Name": "ModelId", "Value": "amazon.nova-pro-v1:0"}],
                },
            ]
        },
        {"Namespace": "AWS/Bedrock", "MetricName": "Invocations"},
    )
    for total in (1200.0, 0.0):
        cw.add_response(
            "get_metric_statistics", {"Label": "Invocations", "Datapoints": ([{"Sum": total}] if total else [])}
        )
    # A second region whose agent API is denied: reported, the rest goes on.
    b2 = s.stub("bedrock", "eu-west-1")
    b2.add_response("list_provisioned_model_throughputs", {"provisionedModelSummaries": []}, {})
    b2.add_response("list_custom_models", {"modelSummaries": []}, {})
    b2.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "APPLICATION"})
    s.stub("bedrock-agent", "eu-west-1").add_client_error("list_agents", "AccessDeniedException", "denied", 403)
    s.stub("cloudwatch", "eu-west-1").add_response(
        "list_metrics", {"Metrics": []}, {"Namespace": "AWS/Bedrock", "MetricName": "Invocations"}
    )
    return s


def test_live_audit_inventory_usage_and_rules() -> None:
    s = _audit_session()
    now = datetime(2026, 11, 24, tzinfo=timezone.utc)
    found = Audit(days=30, sleep=NO_SLEEP, now=lambda: now).run(
        [AuditTarget(s, "123456789012", ["us-east-1", "eu-west-1"])]
    )
    s.assert_all_used()
    refs = {r.resource: r for r in found.references}
    assert set(refs) == {"peak", "support-tuned", "support", "invocations in us-east-1"}
    pt = refs["peak"]
    assert pt.usage is Usage.PROVISIONED_THROUGHPUT and pt.action is Action.NO_OP and pt.region == "us-east-1"
    assert pt.location.file == "arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdefabcdef"
    inv = refs["invocations in us-east-1"]
    assert inv.note == "1200 invocation(s) in the last 30 days" and inv.usage is Usage.LIVE_INVOCATION
    assert [(e.file, e.message) for e in found.errors] == [
        ("aws://123456789012/eu-west-1/bedrock-agent", "AccessDeniedException: denied")
    ]
    _, findings = assess(found.references, ScanSettings(as_of=TODAY, feed=load_bundled_feed()))
    fired = {(f.reference.resource, f.rule_id) for f in findings}
    assert ("peak", "CKV_BEDROCK_3") in fired and ("peak", "CKV_BEDROCK_2") not in fired  # existing PT keeps working
    assert ("support", "CKV_BEDROCK_1") in fired and ("support-tuned", "CKV_BEDROCK_1") in fired
    assert ("invocations in us-east-1", "CKV_BEDROCK_1") in fired


def test_iam_policy_covers_every_api_called() -> None:
    policy = json.loads((REPO / "docs" / "iam-policy.json").read_text())
    allowed = {
        a for st in policy["Statement"] for a in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])
    }
    assert allowed == set(IAM_ACTIONS)
    assert all(st["Effect"] == "Allow" for st in policy["Statement"])
    assert not any(
        a.endswith("*") or a.split(":")[1].startswith(("Create", "Delete", "Put", "Update")) for a in allowed
    )
    s = _audit_session()
    Audit(sleep=NO_SLEEP).run([AuditTarget(s, "123456789012", ["us-east-1", "eu-west-1"])])
    r = FakeSession()
    east = r.stub("bedrock", "us-east-1")
    east.add_response("list_foundation_models", {"modelSummaries": []})
    east.add_response("list_inference_profiles", {"inferenceProfileSummaries": []}, {"typeEquals": "SYSTEM_DEFINED"})
    refresh(feed_document(load_bundled_feed()), r, ["us-east-1"], TODAY, NO_SLEEP)
    called = s.called | r.called
    assert called and called <= allowed, called - allowed


def test_cli_refresh_needs_a_reachable_region(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from checker.cli import main
    from checker.commands import feed_aws

    s = FakeSession()
    s.stub("bedrock", "us-east-1").add_client_error(
        "list_foundation_models", "UnrecognizedClientException", "bad token", 403
    )
    monkeypatch.setattr(feed_aws, "_session", lambda profile: s)
    out = tmp_path / "new.json"
    assert main(["feed", "refresh", "--region", "us-east-1", "--output", str(out)]) == 2
    assert not out.exists()
    assert "us-east-1 skipped: UnrecognizedClientException: bad token" in capsys.readouterr().err
    os.environ.pop("AWS_PROFILE", None)
