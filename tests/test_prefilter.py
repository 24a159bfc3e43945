"""The first pass's text searches: what they find, and that no file makes
them slow (a hostile repository in an audit is still scanned)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources.prefilter import module_sources

if TYPE_CHECKING:
    from tests.conftest import Deadline

#: The definition: a module header, anything but `}`, then a local source.
#: Exact, but quadratic on headers without a `}`; module_sources must find
#: what it finds, in linear time.
DEFINITION = re.compile(rb'module\s+"[^"]*"\s*\{[^}]*?\bsource\s*=\s*"(\.{1,2}/[^"]*)"', re.DOTALL)

FRAGMENTS = [
    b'module "a" {',
    b"module ",
    b'"x"',
    b"{",
    b"}",
    b" ",
    b"\n",
    b'source = "./m"',
    b'source="../n/o"',
    b'source = "git::x"',
    b"resource_source = ",
    b'"./p"',
    b"#",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30))
def test_module_sources_finds_what_the_one_pattern_definition_finds(parts: list[bytes]) -> None:
    text = b"".join(parts)
    expected = tuple(m.group(1).decode() for m in DEFINITION.finditer(text))
    assert module_sources(text) == expected


def test_module_sources_reads_real_calls() -> None:
    text = (
        b'module "a" {\n  source = "./modules/agent"\n  model = var.m\n}\n'
        b'module "b" {\n  source = "terraform-aws-modules/s3-bucket/aws"\n}\n'
        b'module "c" { source = "../shared" }\n'
    )
    assert module_sources(text) == ("./modules/agent", "../shared")


def test_a_file_of_headers_without_a_closing_brace_is_read_in_linear_time(deadline: Deadline) -> None:
    """5 MB (the default size limit) of `module "" {`: the one-pattern
    definition would take hours on it."""
    with deadline(20):
        assert module_sources(b'module "" {' * 480_000) == ()
        assert module_sources(b'module "" {' * 480_000 + b'source = "./m"') == ("./m",)
