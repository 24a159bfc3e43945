"""Number functions.  Terraform computes `pow` and `log` in 64-bit floats,
whose digits we do not reproduce: only exact results are given."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from typing import Any

from checker.sources.terraform.functions.core import (
    EvalError,
    NotEvaluatedError,
    Number,
    as_int,
    as_number,
    as_string,
    num,
)


def abs_(x: Any) -> Number:
    v = as_number(x)
    return num(-v if v < 0 else (v if v else 0))


def ceil(x: Any) -> Number:
    return num(math.ceil(Fraction(as_number(x))))


def floor(x: Any) -> Number:
    return num(math.floor(Fraction(as_number(x))))


def signum(x: Any) -> int:
    n = as_int(x, "signum argument")
    return (n > 0) - (n < 0)


def pow_(a: Any, b: Any) -> Number:
    x, y = as_number(a), as_number(b)
    if isinstance(x, int) and isinstance(y, int) and y >= 0:
        r: int | None = int(x**y) if y < 4096 else None
        if r is not None and abs(r) < 2**53:
            return r
    raise NotEvaluatedError(
        "pow() with a result that is not a small whole number (Terraform computes it in 64-bit floats)"
    )


def log(a: Any, b: Any) -> Number:
    x, base = as_number(a), as_number(b)
    if isinstance(x, int) and isinstance(base, int) and base > 1 and x > 0:
        e = round(math.log(x, base))
        if base**e == x:
            return e
    raise NotEvaluatedError("log() with a result that is not a whole number (Terraform computes it in 64-bit floats)")


_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def parseint(s: Any, base: Any) -> int:
    text, b = as_string(s), as_int(base, "base")
    if not 2 <= b <= 62:
        raise EvalError("parseint: base must be between 2 and 62")
    if b > 36:
        raise NotEvaluatedError("parseint() with a base over 36")
    m = re.fullmatch(r"([-+]?)([0-9A-Za-z]+)", text)
    if not m or any(_DIGITS.find(c.lower()) >= b or _DIGITS.find(c.lower()) < 0 for c in m.group(2)):
        raise EvalError(f'parseint: cannot parse "{text}" as a base {b} integer')
    return int(text, b)
