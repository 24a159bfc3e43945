"""Terraform's values in Python, and the conversions between them.

Python's own types differ from Terraform's (cty's) in ways that change the
value we report, so every function and operator goes through here:

- numbers: Terraform keeps every number as a 512-bit binary float and prints
  the shortest decimal that reads back to it; a whole number prints with no
  `.0`.  We keep whole numbers as `int` (exact below 2**512, as there) and
  the rest as a `Fraction` rounded to 512 bits after every operation, so the
  same digits come out.  A Python `float` never appears.
- maps and objects iterate in key order (lexical), whatever the source order:
  every dict we build is built sorted.
- sets are `TfSet`, a list kept in Terraform's set order (strings and
  numbers sorted); lists and tuples are plain lists.
- a value Terraform rejects raises `EvalError`, so `try()` and `can()` can
  tell it from an `Unknown`, which they must leave unknown.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from checker.sources.values import Unknown

PRECISION = 512
_BIG = 1 << PRECISION

Number = int | Fraction


class EvalError(Exception):
    """What Terraform itself would reject (bad index, bad argument)."""


class NotEvaluatedError(Exception):
    """A function or feature we do not evaluate: the value is unknown, with
    this reason, never a guess."""


class TfSet(list[Any]):
    """A Terraform set: no duplicates, in cty's order."""


class NegativeZero(int):
    """Terraform's numbers have a signed zero: `0 * -1` prints "-0" (and
    equals 0).  Arithmetic that keeps the sign is in the evaluator."""


NEG_ZERO = NegativeZero(0)


def negative(x: Number) -> bool:
    """Whether the sign bit is set (true for -0)."""
    return x < 0 or isinstance(x, NegativeZero)


def graphemes_are_code_points(t: str) -> bool:
    """Whether every code point of `t` is a grapheme cluster of its own, so
    counting, slicing and reversing code points is what Terraform does with
    grapheme clusters: no combining marks, joiners, variation selectors,
    regional indicators, Hangul jamo or CR LF pairs."""
    if t.isascii():
        return "\r\n" not in t
    if "\r\n" in t:
        return False
    for ch in t:
        o = ord(ch)
        if unicodedata.category(ch) in ("Mn", "Mc", "Me", "Cf", "Cs", "Co", "Cn"):
            return False
        if 0x1F1E6 <= o <= 0x1F1FF or 0x1F3FB <= o <= 0x1F3FF or 0x1100 <= o <= 0x11FF:
            return False
        if 0xA960 <= o <= 0xA97F or 0xD7B0 <= o <= 0xD7FF or 0xAC00 <= o <= 0xD7A3:
            return False
    return True


def is_number(v: Any) -> bool:
    return isinstance(v, (int, Fraction, float)) and not isinstance(v, bool)


def _from_float(x: float) -> Number:
    """A float from a JSON document (tfvars.json, a plan): Terraform read
    the same decimal text, which the shortest repr gives back."""
    if x != x or x in (float("inf"), float("-inf")):
        raise NotEvaluatedError("an infinite or NaN number")
    return num(Fraction(repr(x)))


def num(x: int | Fraction | float) -> Number:
    """A number as Terraform holds it: whole and below 2**512 exact, the
    rest rounded to a 512-bit mantissa (nearest, ties to even)."""
    if isinstance(x, float):
        return _from_float(x)
    if isinstance(x, int):
        if -_BIG < x < _BIG:
            return x
        x = Fraction(x)
    if x.denominator == 1 and -_BIG < x.numerator < _BIG:
        return x.numerator
    r = _round_bits(x, PRECISION)
    return r.numerator if r.denominator == 1 and -_BIG < r.numerator < _BIG else r


def _round_bits(x: Fraction, bits: int) -> Fraction:
    if x == 0:
        return Fraction(0)
    sign = -1 if x < 0 else 1
    a = abs(x)
    e = math.floor(math.log2(a.numerator) - math.log2(a.denominator))
    # make 2**(bits-1) <= a / 2**(e-bits+1) < 2**bits exactly
    while True:
        scaled = a / (Fraction(2) ** (e - bits + 1))
        if scaled >= (1 << bits):
            e += 1
        elif scaled < (1 << (bits - 1)):
            e -= 1
        else:
            break
    m = scaled.numerator // scaled.denominator
    rem = scaled - m
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and m % 2 == 1):
        m += 1
    return sign * m * Fraction(2) ** (e - bits + 1)


_NUMBER_RE = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def parse_number(text: str) -> Number:
    """A number literal or a string Terraform converts to a number."""
    if not _NUMBER_RE.fullmatch(text):
        raise EvalError(f'cannot convert "{text}" to a number')
    return num(Fraction(text))


def number_text(x: Number) -> str:
    """How Terraform writes a number: whole numbers without a point, the rest
    the shortest decimal that reads back to the same 512-bit number."""
    if isinstance(x, NegativeZero):
        return "-0"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return number_text(_from_float(x))
    if x.denominator == 1:
        return str(x.numerator)
    sign = "-" if x < 0 else ""
    a = abs(x)
    # decimal exponent: 10**k <= a < 10**(k+1)
    k = math.floor(math.log10(a.numerator) - math.log10(a.denominator))
    while Fraction(10) ** k > a:
        k -= 1
    while Fraction(10) ** (k + 1) <= a:
        k += 1
    target = num(a)
    lo, hi = 1, 170
    while lo < hi:
        mid = (lo + hi) // 2
        m, p = _round_digits(a, k, mid)
        if num(Fraction(m) / Fraction(10) ** p) == target:
            hi = mid
        else:
            lo = mid + 1
    m, p = _round_digits(a, k, lo)
    if p <= 0:
        return sign + str(m) + "0" * -p
    digits = str(m).rjust(p + 1, "0")
    whole, frac = digits[:-p], digits[-p:].rstrip("0")
    return sign + whole + ("." + frac if frac else "")


def _round_digits(a: Fraction, k: int, n: int) -> tuple[int, int]:
    """`a` to n significant digits: (m, p) with a ~ m / 10**p."""
    p = n - 1 - k
    scaled = a * Fraction(10) ** p
    m = scaled.numerator // scaled.denominator
    rem = scaled - m
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and m % 2 == 1):
        m += 1
    return m, p


def type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if is_number(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if v is None:
        return "null"
    if isinstance(v, TfSet):
        return "set"
    if isinstance(v, list):
        return "tuple"
    if isinstance(v, dict):
        return "object"
    return "unknown"


def to_str(v: Any) -> str | None:
    """A primitive as Terraform converts it to a string; None for others."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if is_number(v):
        return number_text(v)
    return None


def as_string(v: Any, what: str = "value") -> str:
    s = to_str(v)
    if s is None:
        if v is None:
            raise EvalError(f"{what} is null")
        raise EvalError(f"{what}: string required, got {type_name(v)}")
    return s


def as_number(v: Any, what: str = "value") -> Number:
    if isinstance(v, float):
        return _from_float(v)
    if is_number(v):
        return v  # type: ignore[no-any-return]
    if isinstance(v, str):
        return parse_number(v)
    if v is None:
        raise EvalError(f"{what} is null")
    raise EvalError(f"{what}: number required, got {type_name(v)}")


def as_int(v: Any, what: str = "value") -> int:
    n = as_number(v, what)
    if not isinstance(n, int):
        raise EvalError(f"{what}: a whole number is required")
    return n


def as_bool(v: Any, what: str = "value") -> bool:
    if isinstance(v, bool):
        return v
    if v == "true":
        return True
    if v == "false":
        return False
    if v is None:
        raise EvalError(f"{what} is null")
    raise EvalError(f"{what}: bool required, got {type_name(v)}")


def as_list(v: Any, what: str = "value") -> list[Any]:
    """A list, tuple or set (sets in their order)."""
    if isinstance(v, list):
        return v
    if v is None:
        raise EvalError(f"{what} is null")
    raise EvalError(f"{what}: list required, got {type_name(v)}")


def as_map(v: Any, what: str = "value") -> dict[str, Any]:
    if isinstance(v, dict):
        return v
    if v is None:
        raise EvalError(f"{what} is null")
    raise EvalError(f"{what}: map required, got {type_name(v)}")


def sorted_dict(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    return dict(sorted(items, key=lambda kv: kv[0]))


def set_key(v: Any) -> Any:
    """Equal values, equal keys: `true` is not 1."""
    if isinstance(v, bool):
        return ("b", v)
    if is_number(v):
        return ("n", as_number(v))
    if isinstance(v, str) or v is None:
        return ("s", v)
    if isinstance(v, dict):
        return ("m", tuple((k, set_key(x)) for k, x in sorted(v.items())))
    if isinstance(v, list):
        return ("l", tuple(set_key(x) for x in v))
    raise NotEvaluatedError("a set of unknown values")


def make_set(items: Iterable[Any]) -> TfSet:
    """A set in cty's order: strings lexically (by UTF-8 bytes), numbers by
    value, bools false first; other element types keep first-seen order,
    which cty does not promise, so they are refused."""
    seen: dict[Any, Any] = {}
    for i in items:
        if isinstance(i, Unknown):
            raise NotEvaluatedError("a set with an unknown element")
        seen.setdefault(set_key(i), i)
    vals = list(seen.values())
    kinds = {type_name(v) for v in vals}
    if kinds <= {"string"}:
        vals.sort(key=lambda s: s.encode())
    elif kinds <= {"number"} or kinds <= {"bool"}:
        vals.sort()
    elif "null" in kinds:
        raise EvalError("a set cannot hold null")
    elif len(kinds & {"string", "number", "bool"}) > 1 and kinds <= {"string", "number", "bool"}:
        vals = [to_str(v) for v in vals]
        return make_set(vals)
    else:
        raise NotEvaluatedError("the order of a set of collections")
    return TfSet(vals)


def is_known(v: Any) -> bool:
    """Whether no part of a value is Unknown."""
    return first_unknown(v) is None


def first_unknown(v: Any) -> Unknown | None:
    """The first Unknown in a value, if any.  Each list and map is looked at
    once however often it is shared: `[local.a, local.a]` built forty times
    over is forty small lists in memory, and 2**40 items to a plain walk."""
    seen: set[int] = set()
    stack = [v]
    while stack:
        x = stack.pop()
        if isinstance(x, Unknown):
            return x
        if isinstance(x, (list, dict)) and id(x) not in seen:
            seen.add(id(x))
            stack.extend(x.values() if isinstance(x, dict) else x)
    return None


def equal(a: Any, b: Any) -> bool:
    """Terraform's `==`: same type and value (1 == "1" is false)."""
    if type_name(a) != type_name(b):
        if {type_name(a), type_name(b)} <= {"tuple", "set"} and isinstance(a, list) and isinstance(b, list):
            return False
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(equal(a[k], b[k]) for k in a)
    if is_number(a):
        return as_number(a) == as_number(b)
    return bool(a == b)
