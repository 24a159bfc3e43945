"""The values a module instance is called with."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.model import Location
from checker.sources.values import Unknown

_UNSET: Any = object()


class Input:
    """One argument of a module call (or a root variable's tfvars/--var value).

    A module argument is evaluated only when the module reads the variable,
    as Terraform's graph orders it: `module.b` may take `module.a.out` while
    `module.a` takes another output of `module.b`, and neither needs the
    other's whole set of inputs first.  Evaluating every argument when the
    instance is created instead re-entered the sibling being built and ended
    in a false "references nest more than 100 deep".  A value that really
    depends on itself (Terraform's "Cycle" error) is unknown, saying so.
    """

    __slots__ = ("_compute", "_value", "_via", "location", "origin")

    def __init__(
        self,
        value: Any = _UNSET,
        location: Location | None = None,
        via: tuple[Location, ...] = (),
        origin: Any = None,
        compute: Callable[[], tuple[Any, tuple[Location, ...]]] | None = None,
    ) -> None:
        self._value = value
        self._via = via
        self._compute = compute
        self.location = location
        #: Where the value was written (origin.Origin), for definition sites.
        self.origin = origin

    def _resolve(self) -> None:
        compute = self._compute
        if compute is None:
            if self._value is _UNSET:  # re-entered while computing: a cycle
                where = f" ({self.location})" if self.location is not None else ""
                return_value = Unknown(
                    "cycle",
                    reason=f"the module argument{where} depends on its own value (Terraform reports a cycle)",
                )
                self._value = return_value
            return
        self._compute = None
        value, via = compute()
        if self._value is _UNSET:
            self._value, self._via = value, via

    def settle(self) -> None:
        """Compute the value now (it is kept), so later readers reuse it."""
        self._resolve()

    @property
    def value(self) -> Any:
        self._resolve()
        return self._value

    @property
    def via(self) -> tuple[Location, ...]:
        self._resolve()
        return self._via
