"""Exhaustive checks over closed choices (typing.assert_never is 3.11+)."""

from __future__ import annotations

import enum
from typing import NoReturn


def assert_never(value: NoReturn) -> NoReturn:
    """Called in the branch no member of an enum can reach: mypy rejects the
    call when a member is not handled above it, so a new member cannot be
    forgotten in a dispatch."""
    raise AssertionError(f"unhandled choice: {value!r}")


class StrChoice(str, enum.Enum):
    """A closed choice whose members are the strings reports and files have
    always carried: `str()`, f-strings, `%s`, JSON, CSV and XML give the value
    (a plain `str, Enum` formats as `Name.MEMBER` on Python 3.11), and a member
    hashes as its value, so reports stay byte-identical and a value read back
    from a file finds the member's dictionary entries."""

    def __str__(self) -> str:
        return str.__str__(self)

    def __format__(self, spec: str) -> str:
        return str.__format__(str.__str__(self), spec)
