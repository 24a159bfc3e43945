"""The values a module instance is called with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.model import Location


@dataclass(frozen=True)
class Input:
    value: Any
    location: Location | None
    via: tuple[Location, ...] = ()
    #: Where the value was written (origin.Origin), for definition sites.
    origin: Any = None
