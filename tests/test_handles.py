"""The handles table: which resource outputs stand for a model. Every entry is
loaded through the same validation the sources rely on, so a typo in the data
file fails here rather than silently breaking a chain."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from checker.catalog.handles import _load_entry, handle_for, handle_types


def test_every_handle_loads_and_points_at_the_catalog() -> None:
    for fw in ("terraform", "cloudformation"):
        assert handle_types(fw), fw
        for rtype in handle_types(fw):
            raw = json.loads(resources.files("checker.data").joinpath("model_handles.json").read_text("utf-8"))[fw][
                rtype
            ]
            for entry in raw:
                for name in entry["attributes"]:
                    h = handle_for(fw, rtype, name)
                    assert h is not None
                    assert h.specs or h.follow


def test_a_profile_arn_stands_for_the_model_it_copies() -> None:
    h = handle_for("cloudformation", "AWS::Bedrock::ApplicationInferenceProfile", "InferenceProfileArn")
    assert h is not None and [s.dotted for s in h.specs] == ["ModelSource.CopyFrom"]
    tf = handle_for("terraform", "aws_bedrock_inference_profile", "arn")
    assert tf is not None and [s.dotted for s in tf.specs] == ["model_source.copy_from"]


def test_an_alias_follows_its_agent() -> None:
    h = handle_for("terraform", "aws_bedrockagent_agent_alias", "agent_alias_arn")
    assert h is not None and h.follow == ("agent_id",) and not h.specs


def test_outputs_that_name_no_model_have_no_handle() -> None:
    assert handle_for("terraform", "aws_bedrock_inference_profile", "tags") is None
    assert handle_for("cloudformation", "AWS::S3::Bucket", "Arn") is None


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"attributes": [], "path": "model_source.copy_from"}, "non-empty list"),
        ({"attributes": ["arn"]}, "exactly one of"),
        ({"attributes": ["arn"], "path": "model_source.copy_from", "all": True}, "exactly one of"),
        ({"attributes": ["arn"], "path": "model_source.nowhere"}, "not a catalog path"),
        ({"attributes": ["arn"], "follow": ""}, "argument path"),
    ],
)
def test_a_broken_entry_is_refused_with_its_place(entry: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as info:
        _load_entry("terraform", "aws_bedrock_inference_profile", entry)
    assert "terraform/aws_bedrock_inference_profile" in str(info.value)
