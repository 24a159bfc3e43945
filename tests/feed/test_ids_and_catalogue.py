"""Issue #17 (id lookup, models AWS lists without a published lifecycle) and
#15's "model variants are judged by their base model".

The Terraform and CloudFormation samples in fixtures/ids spell model ids the
ways templates do; every verdict is checked against the feed entry the base
model has, so a variant can never hide an End-of-Life base model.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest

from checker.feed import load_bundled_feed, load_feed
from checker.feed.loader import feed_from_document
from checker.feed.merge import merge_api
from checker.model import State
from checker.modelid import looks_like_model_reference
from checker.pipeline import ScanSettings, scan
from checker.reports import render

HERE = Path(__file__).parent
IDS = HERE / "fixtures" / "ids"
TODAY = date(2026, 12, 1)


def _scan(path: Path, feed: object | None = None) -> object:
    return scan([str(path)], ScanSettings(as_of=TODAY, feed=feed or load_bundled_feed()))  # type: ignore[arg-type]


def _agent(tmp_path: Path, model_id: str) -> Path:
    """A directory with one Bedrock agent on `model_id`."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_bedrockagent_agent" "a" {\n  agent_name = "a"\n'
        '  agent_resource_role_arn = "arn:aws:iam::123456789012:role/r"\n'
        f'  foundation_model = "{model_id}"\n}}\n'
    )
    return tmp_path


def _by_resource(result: object) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for a in result.references:  # type: ignore[attr-defined]
        out.setdefault(a.reference.resource, []).append(a)
    return out


def test_model_variants_are_judged_by_their_base_model_in_terraform_and_cloudformation() -> None:
    result = _scan(IDS)
    refs = _by_resource(result)
    feed = load_bundled_feed()
    expected = {
        # resource: the feed entry of its base model (End-of-Life on 2026-12-01)
        "aws_bedrock_provisioned_model_throughput.command_light": "cohere.command-light-text-v14",
        "aws_bedrockagent_agent.express": "amazon.titan-text-express-v1",
        "aws_bedrockagent_agent.haiku": "anthropic.claude-3-haiku-20240307-v1:0",
        "Express": "amazon.titan-text-express-v1",
    }
    for resource, base in expected.items():
        (a,) = refs[resource]
        model = feed.lookup(a.reference.model_id)
        assert model is not None and model.model_id == base, resource
        assert a.status.state is State.EOL, resource
        assert a.status.state is model.status_at(TODAY, a.reference.effective_region).state
    # The IAM grant on a provisioning variant is judged by its base model too.
    invoke = {a.reference.model_id: a for a in refs["Invoke"]}
    assert invoke["cohere.command-text-v14:7"].status.state is State.EOL
    rules = {(f.rule_id, f.reference.resource) for f in result.findings}  # type: ignore[attr-defined]
    assert ("CKV_BEDROCK_1", "aws_bedrock_provisioned_model_throughput.command_light") in rules
    assert ("CKV_BEDROCK_2", "aws_bedrock_provisioned_model_throughput.command_light") in rules
    assert ("CKV_BEDROCK_1", "Invoke") in rules
    assert not [f for f in result.findings if f.rule_id == "CKV_BEDROCK_6"]  # type: ignore[attr-defined]
    text = render("text", result)  # type: ignore[arg-type]
    assert "Command Light (cohere.command-light-text-v14:7) is End-of-Life" in text


def test_xai_ids_in_environment_variables_ssm_and_iam_are_reported() -> None:
    refs = _by_resource(_scan(IDS))
    for resource in (
        "aws_lambda_function.grok",
        "aws_ssm_parameter.model",
        "data.aws_iam_policy_document.invoke",
        "Fn",
        "Param",
    ):
        (a,) = refs[resource]
        assert a.reference.model_id == "xai.grok-4.7", resource
        assert a.status.state is State.ACTIVE, resource
    assert "xai.grok-4.7" in {a.reference.model_id for a in refs["Invoke"]}
    # A provider's own domain in an environment variable is no model.
    assert all(a.reference.raw != "nvidia.com" for a in refs["aws_lambda_function.grok"])


def test_a_file_whose_only_model_is_an_xai_id_in_an_environment_variable_is_read(tmp_path: Path) -> None:
    """Nothing else in the file says Bedrock: the cheap first pass must know
    `xai.` from the feed, or the file is skipped unread."""
    from checker.sources.prefilter import may_hold_models

    body = 'resource "aws_lambda_function" "f" {\n  environment {\n    variables = { MODEL = "xai.grok-4.7" }\n  }\n}\n'
    assert may_hold_models(body)
    (tmp_path / "main.tf").write_text(body)
    (a,) = _scan(tmp_path).references  # type: ignore[attr-defined]
    assert a.reference.model_id == "xai.grok-4.7" and a.status.state is State.ACTIVE


def test_every_id_and_alias_the_feed_lists_is_recognised_in_free_form_values() -> None:
    feed = load_bundled_feed()
    ids = [k for m in feed.models for k in (m.model_id, *m.aliases, *m.profile_ids)]
    assert len(ids) > 160
    missing = [i for i in ids if not looks_like_model_reference(i)]
    assert missing == []
    for host in ("google.com", "www.google.com", "nvidia.com", "minimax.io", "moonshot.ai", "app.example.com"):
        assert not looks_like_model_reference(host), host


def test_a_custom_feeds_provider_is_found_in_an_environment_variable(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "f" {\n'
        '  function_name = "f"\n  role = "arn:aws:iam::123456789012:role/r"\n'
        '  handler = "i.h"\n  runtime = "python3.12"\n  filename = "f.zip"\n'
        '  environment {\n    variables = {\n      MODEL = "omega.seer-v2:0"\n    }\n  }\n}\n'
    )
    assert not looks_like_model_reference("omega.seer-v2:0")
    assert _scan(tmp_path).references == []  # type: ignore[attr-defined]
    doc = copy.deepcopy(load_bundled_feed().raw)
    doc["models"].append(
        {
            "model_id": "omega.seer-v2:0",
            "provider": "Omega",
            "name": "Seer 2",
            "eol_date": "2026-06-30",
            "source": {"url": "https://example.com/omega", "read_on": "2026-11-01"},
        }
    )
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(doc))
    result = _scan(tmp_path, load_feed(str(path)))
    (a,) = result.references  # type: ignore[attr-defined]
    assert a.reference.model_id == "omega.seer-v2:0" and a.status.state is State.EOL


# --------------------------------------------------------------------------- listed, lifecycle not published


def test_a_catalogue_model_without_a_published_lifecycle_is_known_but_never_active(tmp_path: Path) -> None:
    result = _scan(_agent(tmp_path, "openai.gpt-oss-20b-1:0"))
    (a,) = result.references  # type: ignore[attr-defined]
    assert a.status.state is State.LIFECYCLE_UNPUBLISHED and a.status.state is not State.ACTIVE
    (f,) = result.findings  # type: ignore[attr-defined]
    assert f.rule_id == "CKV_BEDROCK_6" and not f.replacements
    text = render("text", result)  # type: ignore[arg-type]
    assert "gpt-oss-20b (openai.gpt-oss-20b-1:0) is in AWS's model catalogue (listed on 2026-10-09)" in text
    assert "typo" not in text and "no Active replacement" not in text
    doc = json.loads(render("json", result))  # type: ignore[arg-type]
    assert doc["references"][0]["status"] == "LIFECYCLE_UNPUBLISHED"
    # Never a recommendation either: nothing suggests a model whose state is unknown.
    feed = load_bundled_feed()
    unpublished = {m.model_id for m in feed.models if not m.lifecycle_published}
    from checker.rules.lifecycle import replacement_advice

    for m in feed.models:
        st = m.status_at(TODAY)
        if st.state in (State.EOL, State.LEGACY, State.PUBLIC_EXTENDED_ACCESS):
            advice = replacement_advice(feed, m, TODAY, None, 90)
            assert not unpublished & set(advice.models), m.model_id


def test_a_docs_refresh_that_reads_the_card_replaces_the_unpublished_listing() -> None:
    from checker.feed.docs import read_docs
    from checker.feed.merge import merge_docs

    snap = read_docs(str(HERE / "fixtures" / "docs" / "base"))
    card = next(c for c in snap.cards if c.model_id.startswith("acme.embed"))
    doc = {
        "schema_version": "1.1",
        "as_of": "2026-10-01",
        "models": [
            {
                "model_id": card.model_id,
                "provider": "Acme",
                "name": "Acme Embed 3",
                "lifecycle_published": False,
                "status_observed_on": "2026-10-01",
                "source": {"url": "https://example.com/listing", "read_on": "2026-10-01"},
            }
        ],
    }
    before = feed_from_document(doc).lookup(card.model_id)
    assert before is not None and before.status_at(TODAY).state is State.LIFECYCLE_UNPUBLISHED
    new = merge_docs(doc, snap, date(2026, 11, 1))
    entry = next(m for m in new["models"] if m["model_id"] == card.model_id)
    assert "lifecycle_published" not in entry and entry["status"] == card.lifecycle
    after = feed_from_document(new).lookup(card.model_id)
    assert after is not None and after.status_at(date(2026, 11, 2)).state is not State.LIFECYCLE_UNPUBLISHED


@pytest.mark.parametrize("status", ["ACTIVE", "LEGACY"])
def test_a_refresh_that_reads_a_state_replaces_the_unpublished_listing(status: str) -> None:
    doc = copy.deepcopy(load_bundled_feed().raw)
    listing = {"us-east-1": [{"modelId": "openai.gpt-oss-20b-1:0", "modelLifecycle": {"status": status}}]}
    new = merge_api(doc, listing, TODAY)
    entry = next(m for m in new["models"] if m["model_id"] == "openai.gpt-oss-20b-1:0")
    assert "lifecycle_published" not in entry and entry["region_status"] == {"us-east-1": status}
    model = feed_from_document(new).lookup("openai.gpt-oss-20b-1:0")
    assert model is not None
    assert model.status_at(TODAY, "us-east-1").state.value == status


# --------------------------------------------------------------------------- regions outside every schedule


def test_a_region_outside_every_schedule_is_active_only_where_the_model_is_known_to_be_offered() -> None:
    doc = {
        "schema_version": "1.1",
        "as_of": "2026-10-01",
        "models": [
            {
                "model_id": "acme.old-v1:0",
                "provider": "Acme",
                "name": "Acme Old",
                "regions": ["us-east-1"],
                "legacy_date": "2026-01-01",
                "eol_date": "2026-07-01",
                "regional_schedules": [{"regions": ["eu-west-1"], "legacy_date": "2026-02-01"}],
                "available_regions": ["us-east-1", "eu-west-1", "ca-central-1"],
                "region_status": {"ap-south-1": "ACTIVE"},
                "status_observed_on": "2026-10-01",
                "source": {"url": "https://example.com/acme", "read_on": "2026-10-01"},
            }
        ],
    }
    model = feed_from_document(doc).lookup("acme.old-v1:0")
    assert model is not None
    on = date(2026, 10, 2)
    assert model.status_at(on, "us-east-1").state is State.EOL
    assert model.status_at(on, "eu-west-1").state is State.LEGACY
    # Offered there (its card's regions, an API listing), outside every schedule: Active.
    assert model.status_at(on, "ca-central-1").state is State.ACTIVE
    assert model.status_at(on, "ap-south-1").state is State.ACTIVE
    # Not known to be offered there: the worst schedule decides, as with no region.
    assert model.status_at(on, "sa-east-1").state is State.EOL
    assert model.status_at(on, None).state is State.EOL


def test_an_active_read_from_an_undated_card_transcription_is_dated_by_the_launch_and_flagged(tmp_path: Path) -> None:
    """gpt-oss-120b's 'Active' comes from a transcription of its card that
    records no date: the launch date is the earliest it can have been seen,
    so the verdict says it rests on an old observation."""
    result = _scan(_agent(tmp_path, "openai.gpt-oss-120b-1:0"))
    (a,) = result.references  # type: ignore[attr-defined]
    assert a.status.state is State.ACTIVE and a.status.basis == "status"
    assert a.status.observed_on == date(2025, 8, 5)
    assert "rest on a status without dates observed more than 30 days" in render("text", result)  # type: ignore[arg-type]
