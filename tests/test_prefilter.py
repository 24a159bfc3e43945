"""The first pass's text searches: what they find, and that no file makes
them slow (a hostile repository in an audit is still scanned)."""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.sources.prefilter import module_sources

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


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """A regression to quadratic time fails the test instead of hanging it."""

    def expire(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


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


def test_a_file_of_headers_without_a_closing_brace_is_read_in_linear_time() -> None:
    """5 MB (the default size limit) of `module "" {`: the one-pattern
    definition would take hours on it."""
    with deadline(20):
        assert module_sources(b'module "" {' * 480_000) == ()
        assert module_sources(b'module "" {' * 480_000 + b'source = "./m"') == ("./m",)
