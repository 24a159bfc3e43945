"""The block pruner that runs before python-hcl2: it must find every
top-level block through strings, interpolations, heredocs and comments, and
blank only what it is told to, without moving a single kept line."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources.terraform.blocks import _block_spans, prune
from checker.sources.terraform.hclast import Block, parse_hcl

if TYPE_CHECKING:
    from tests.conftest import Deadline


def drop_buckets(block_type: str, labels: tuple[str, ...], body: str) -> bool:
    return not (block_type == "resource" and labels[:1] == ("aws_s3_bucket",))


def shape(text: str) -> list[tuple[str, tuple[str, ...], int, list[tuple[str, int, str]]]]:
    """Each block with its line and its attributes' lines and source text."""
    out = []
    for item in parse_hcl(text, "main.tf").body:
        if isinstance(item, Block):
            attrs = [(a.name, a.line, a.expr.text) for a in item.attributes().values()]
            out.append((item.type, item.labels, item.line, attrs))
    return out


TRICKY = textwrap.dedent(
    """
    resource "aws_s3_bucket" "a" {
      bucket = "x-${var.env}-{not a brace}"
      tags   = { Name = "}" }   # a } in a comment
    }

    /* a { comment
       spanning } lines */
    variable "model" {
      default = "anthropic.claude-v2"
    }

    resource "aws_s3_bucket" "b" {
      policy = <<-EOT
        { "Statement": [ "}" ] }
      EOT
      escaped = "$${literal} %%{ also } ${ { a = 1 }["a"] }"
    }
    // trailing } comment
    resource "aws_bedrockagent_agent" "main" {
      foundation_model = var.model
      instruction      = "Say \\"hi\\" {politely}"
    }
    """
).lstrip()


def test_finds_each_top_level_block_through_strings_heredocs_and_comments() -> None:
    spans = _block_spans(TRICKY)
    assert spans is not None
    headers = [TRICKY[s:o].strip() for s, o, _ in spans]
    assert headers == [
        'resource "aws_s3_bucket" "a"',
        'variable "model"',
        'resource "aws_s3_bucket" "b"',
        'resource "aws_bedrockagent_agent" "main"',
    ]
    for _, open_, end in spans:
        assert TRICKY[open_] == "{" and TRICKY[end - 1] == "}"


def test_pruned_text_keeps_every_kept_line_and_value() -> None:
    pruned = prune(TRICKY, drop_buckets)
    assert "aws_s3_bucket" not in pruned
    assert pruned.count("\n") == TRICKY.count("\n")
    kept = [b for b in shape(TRICKY) if b[1][:1] != ("aws_s3_bucket",)]
    assert shape(pruned) == kept
    assert [b[0] for b in kept] == ["variable", "resource"]


def test_a_blanked_block_is_one_comment_token() -> None:
    text = 'resource "aws_s3_bucket" "a" {\n  bucket = "x"\n\n  acl = "private"\n}\nlocals {\n  a = 1\n}\n'
    pruned = prune(text, drop_buckets)
    assert pruned.startswith("/*\n\n\n\n*/\nlocals {")
    assert shape(pruned)[0][2] == 6


def test_unbalanced_text_is_left_for_the_parser_to_report() -> None:
    for broken in (
        'resource "aws_s3_bucket" "a" {\n  bucket = "x"\n',
        'resource "aws_s3_bucket" "a" {\n  bucket = "unterminated\n}\n',
        'resource "aws_s3_bucket" "a" {\n  policy = <<EOT\n{\n}\n',
        "/* never closed\nresource {\n}\n",
        "}\n",
    ):
        assert _block_spans(broken) is None
        assert prune(broken, drop_buckets) == broken


SNIPPETS = [
    'resource "aws_s3_bucket" "b{i}" {{\n  bucket = "b-${{var.env}}-{{x}}"\n}}\n',
    'resource "aws_s3_bucket" "h{i}" {{\n  policy = <<EOT\n}} {{\nEOT\n}}\n',
    'variable "v{i}" {{\n  default = "anthropic.claude-v2"\n}}\n',
    "# comment {{ {i}\n",
    "/* block }} comment {i} */\n",
    'locals {{\n  l{i} = {{ a = "}}", b = [1, 2] }}\n}}\n',
    'resource "aws_bedrockagent_agent" "a{i}" {{\n  foundation_model = "${{var.v{i}}}"\n  tags = {{ k = "$${{x}}" }}\n}}\n',
    "\n",
]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=len(SNIPPETS) - 1), max_size=12))
def test_pruning_never_changes_what_the_parser_sees_in_kept_blocks(picks: list[int]) -> None:
    text = "".join(SNIPPETS[k].format(i=n) for n, k in enumerate(picks))
    kept = [b for b in shape(text) if b[1][:1] != ("aws_s3_bucket",)]
    assert shape(prune(text, drop_buckets)) == kept


def test_the_parse_memo_shares_trees_between_identical_texts_and_stays_bounded() -> None:
    from checker.sources.terraform.hclast import _ParseMemo

    text = 'variable "model" {\n  default = "anthropic.claude-v2"\n}\n'
    a, b = parse_hcl(text, "one/variables.tf"), parse_hcl(text, "two/variables.tf")
    assert (a.path, b.path) == ("one/variables.tf", "two/variables.tf")
    assert a.body is b.body  # parsed once
    memo = _ParseMemo(budget=160)
    for i in range(20):
        memo.put(f"text {i:02d}".ljust(10, "x"), ())
    assert memo.used == 160 and len(memo.items) == 16
    assert memo.get("text 03xxx") is None and memo.get("text 04xxx") == ()
    memo.put("y" * 11, ())  # longer than a sixteenth of the budget: not kept
    assert memo.get("y" * 11) is None


def test_index_blocks_gives_each_block_its_line_and_refuses_stray_text() -> None:
    from checker.sources.terraform.blocks import attribute_names, index_blocks

    spans = index_blocks(TRICKY)
    assert spans is not None
    assert [(s.type, s.labels, s.line) for s in spans] == [
        ("resource", ("aws_s3_bucket", "a"), 1),
        ("variable", ("model",), 8),
        ("resource", ("aws_s3_bucket", "b"), 12),
        ("resource", ("aws_bedrockagent_agent", "main"), 19),
    ]
    for s in spans:
        assert parse_hcl(s.text, "main.tf", s.line - 1).body[0] == parse_hcl(TRICKY, "main.tf").body[spans.index(s)]
    assert index_blocks('stray = 1\nvariable "a" {\n}\n') is None
    assert index_blocks('variable "a" {\n} variable "b" {\n}\n') is None
    assert index_blocks('variable "a" "b\\"c" {\n}\n') is None
    assert attribute_names("{\n  a = 1\n  b = { c = 2 }\n  d == 3\n}") == {"a", "b", "c"}
    assert attribute_names('{ /* c */ c = "x" /* d */\n  é = 1 }') == {"c", "é"}
    # A block written out in a comment is not a block, and does not move the
    # real one that follows it.
    spans = index_blocks("a {}\n# b {}\nb {}\n")
    assert spans is not None and [(s.type, s.line) for s in spans] == [("a", 1), ("b", 3)]


def test_the_gap_between_blocks_is_read_in_one_pass(deadline: Deadline) -> None:
    """A run of `#`s followed by a stray character once made the gap pattern
    try every way of splitting the run into comments: 2**64 here, so the scan
    never returned."""
    from checker.sources.terraform.blocks import index_blocks

    with deadline(10):
        assert index_blocks("#" * 64 + "\n\x03\n") is None
        assert index_blocks("#" * 64 + "\nx\nv {}\n") is None
        assert index_blocks("/* */ " * 64 + "x") is None
        assert index_blocks("#" * 64 + "\n// a\n/* b ** / */\nv {}\n") is not None
