"""Exhaustive checks over closed choices (typing.assert_never is 3.11+)."""

from __future__ import annotations

from typing import NoReturn


def assert_never(value: NoReturn) -> NoReturn:
    """Called in the branch no member of an enum can reach: mypy rejects the
    call when a member is not handled above it, so a new member cannot be
    forgotten in a dispatch."""
    raise AssertionError(f"unhandled choice: {value!r}")
