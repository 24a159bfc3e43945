"""String functions, with Terraform's edge cases: `substr` and `strrev`
count grapheme-free code points, `title` capitalises after any non-letter,
`format` implements cty's verbs, widths and precisions."""

from __future__ import annotations

import unicodedata
from fractions import Fraction
from typing import Any

from checker.sources.terraform.functions.core import (
    EvalError,
    NotEvaluatedError,
    as_bool,
    as_int,
    as_list,
    as_number,
    as_string,
    graphemes_are_code_points,
    is_number,
    number_text,
    to_str,
    type_name,
)

MAX_STRING = 1 << 20


def _within(n: int) -> None:
    if n > MAX_STRING:
        from checker.sources.terraform.functions import TooLargeError

        raise TooLargeError(f"a string of more than {MAX_STRING:,} characters")


def upper(s: Any) -> str:
    return as_string(s).upper() if as_string(s).isascii() else _unicode_case(as_string(s), str.upper)


def lower(s: Any) -> str:
    return as_string(s).lower() if as_string(s).isascii() else _unicode_case(as_string(s), str.lower)


def _unicode_case(s: str, f: Any) -> str:
    # Go maps case rune by rune; Python may change the length (ß -> SS).
    out = []
    for c in s:
        m = f(c)
        if len(m) != 1:
            raise NotEvaluatedError("a case mapping that changes the length")
        out.append(m)
    return "".join(out)


def _separator(c: str) -> bool:
    """Go's strings.Title word boundary."""
    if c.isascii():
        return not (c.isalnum() or c == "_")
    cat = unicodedata.category(c)
    if cat.startswith("L") or cat == "Nd":
        return False
    return c.isspace()


def title(s: Any) -> str:
    out, prev = [], " "
    for c in as_string(s):
        if _separator(prev):
            t = c.title() if not c.isascii() else c.upper()
            if len(t) != 1:
                raise NotEvaluatedError("title() of a letter whose title case is longer")
            out.append(t)
        else:
            out.append(c)
        prev = c
    return "".join(out)


def trimspace(s: Any) -> str:
    return as_string(s).strip(" \t\n\r\v\f\u0085\u00a0")


def chomp(s: Any) -> str:
    t = as_string(s)
    while t.endswith(("\r\n", "\n", "\r")):
        t = t[:-2] if t.endswith("\r\n") else t[:-1]
    return t


def trim(s: Any, chars: Any) -> str:
    return as_string(s).strip(as_string(chars))


def trimprefix(s: Any, p: Any) -> str:
    t, pre = as_string(s), as_string(p)
    return t[len(pre) :] if t.startswith(pre) else t


def trimsuffix(s: Any, p: Any) -> str:
    t, suf = as_string(s), as_string(p)
    return t[: -len(suf)] if suf and t.endswith(suf) else t


def _ascii_only(t: str, fn: str) -> None:
    # Terraform counts grapheme clusters; where each is one code point, the
    # code points are the same count.
    if not graphemes_are_code_points(t):
        raise NotEvaluatedError(f"{fn}() of text with multi-code-point grapheme clusters")


def substr(s: Any, offset: Any, length: Any) -> str:
    t = as_string(s)
    _ascii_only(t, "substr")
    off, ln = as_int(offset, "offset"), as_int(length, "length")
    n = len(t)
    if off < 0:
        off = max(n + off, 0)
    if off >= n:
        return ""
    if ln < 0:
        return t[off:]
    return t[off : off + ln]


def strrev(s: Any) -> str:
    t = as_string(s)
    _ascii_only(t, "strrev")
    return t[::-1]


def startswith(s: Any, p: Any) -> bool:
    return as_string(s).startswith(as_string(p))


def endswith(s: Any, p: Any) -> bool:
    return as_string(s).endswith(as_string(p))


def strcontains(s: Any, p: Any) -> bool:
    return as_string(p) in as_string(s)


def indent(n: Any, s: Any) -> str:
    pad = " " * as_int(n)
    lines = as_string(s).split("\n")
    return "\n".join([lines[0]] + [pad + ln for ln in lines[1:]])


def split(sep: Any, s: Any) -> list[str]:
    t, d = as_string(s), as_string(sep)
    if d == "":
        return list(t)
    return t.split(d)


def join(sep: Any, *lists: Any) -> str:
    if not lists:
        raise EvalError("join needs at least one list")
    d = as_string(sep)
    parts: list[str] = []
    for li in lists:
        for item in as_list(li):
            if item is None:
                raise EvalError("join: an element is null")
            parts.append(as_string(item, "join element"))
    _within(sum(map(len, parts)) + len(d) * max(len(parts) - 1, 0))
    return d.join(parts)


def replace(s: Any, old: Any, new: Any) -> str:
    t, o, n = as_string(s), as_string(old), as_string(new)
    if len(o) > 1 and o.startswith("/") and o.endswith("/"):
        from checker.sources.terraform.functions.regex import regex_replace

        return regex_replace(t, o[1:-1], n)
    if o == "":
        _within(len(t) + (len(t) + 1) * len(n))
    else:
        _within(len(t) + t.count(o) * max(len(n) - len(o), 0))
    return t.replace(o, n)


# --- format ------------------------------------------------------------------


def format_(fmt: Any, *args: Any) -> str:
    return _format(as_string(fmt, "format string"), list(args))


def _format(f: str, args: list[Any]) -> str:
    out: list[str] = []
    i, ai, size, used = 0, 0, 0, 0
    n = len(f)
    while i < n:
        c = f[i]
        if c != "%":
            j = f.find("%", i)
            j = n if j < 0 else j
            out.append(f[i:j])
            size += j - i
            i = j
            continue
        i += 1
        if i >= n:
            raise EvalError("format: unterminated verb")
        if f[i] == "%":
            out.append("%")
            i += 1
            continue
        flags = ""
        while i < n and f[i] in "+- #0":
            flags += f[i]
            i += 1
        if i < n and f[i] == "[":
            j = f.find("]", i)
            if j < 0:
                raise EvalError("format: bad argument index")
            ai = int(f[i + 1 : j]) - 1
            i = j + 1
        width = ""
        while i < n and f[i].isdigit():
            width += f[i]
            i += 1
        prec: str | None = None
        if i < n and f[i] == ".":
            i += 1
            prec = ""
            while i < n and f[i].isdigit():
                prec += f[i]
                i += 1
        if i >= n:
            raise EvalError("format: unterminated verb")
        verb = f[i]
        i += 1
        if ai >= len(args) or ai < 0:
            raise EvalError("format: not enough arguments")
        a = args[ai]
        ai += 1
        used = max(used, ai)
        piece = _verb(verb, a, flags, int(width) if width else None, None if prec is None else int(prec or "0"))
        size += len(piece)
        _within(size)
        out.append(piece)
    if used < len(args):
        raise EvalError("format: too many arguments")
    return "".join(out)


def _pad(s: str, flags: str, width: int | None, zero_ok: bool = False) -> str:
    if width is None or len(s) >= width:
        return s
    if "-" in flags:
        return s + " " * (width - len(s))
    if "0" in flags and zero_ok:
        sign = s[0] if s and s[0] in "+-" else ""
        body = s[len(sign) :]
        return sign + "0" * (width - len(s)) + body
    return " " * (width - len(s)) + s


def _verb(verb: str, a: Any, flags: str, width: int | None, prec: int | None) -> str:
    if a is None:
        raise EvalError("format: a null value cannot be formatted")
    if verb == "v":
        if isinstance(a, (list, dict)):
            from checker.sources.terraform.functions.encoding import jsonencode

            return _pad(jsonencode(a), flags, width)
        s = as_string(a)
        return _pad(s, flags, width)
    if verb == "s":
        if isinstance(a, (list, dict)):
            raise EvalError(f"format: %s cannot format a {type_name(a)}")
        s = as_string(a)
        if prec is not None:
            if not s.isascii():
                raise NotEvaluatedError("format precision on non-ASCII text")
            s = s[:prec]
        return _pad(s, flags, width)
    if verb == "q":
        if isinstance(a, (list, dict)):
            raise EvalError("format: %q needs a string")
        from checker.sources.terraform.functions.encoding import json_string

        return _pad(json_string(as_string(a)), flags, width)
    if verb == "t":
        return _pad("true" if as_bool(a) else "false", flags, width)
    if verb in "dbox" or verb == "X":
        if isinstance(a, (list, dict)):
            raise EvalError(f"format: %{verb} needs a number")
        v = as_number(a)
        if not isinstance(v, int):
            raise EvalError(f"format: %{verb} needs a whole number")
        base = {"d": 10, "b": 2, "o": 8, "x": 16, "X": 16}[verb]
        digits = _int_digits(abs(v), base, verb == "X")
        if prec is not None:
            digits = digits.rjust(prec, "0")
        if "#" in flags and verb in "xX":
            digits = ("0X" if verb == "X" else "0x") + digits
        elif "#" in flags and verb == "o" and not digits.startswith("0"):
            digits = "0" + digits
        sign = "-" if v < 0 else ("+" if "+" in flags else (" " if " " in flags else ""))
        return _pad(sign + digits, flags, width, zero_ok=prec is None)
    if verb in "feEgG":
        if isinstance(a, (list, dict)):
            raise EvalError(f"format: %{verb} needs a number")
        v = as_number(a)
        if verb in "gG":
            raise NotEvaluatedError("format %g")
        p = 6 if prec is None else prec
        x = Fraction(v)
        s = _fixed(abs(x), p) if verb == "f" else _exp(abs(x), p, verb)
        sign = "-" if x < 0 else ("+" if "+" in flags else (" " if " " in flags else ""))
        return _pad(sign + s, flags, width, zero_ok=True)
    raise EvalError(f"format: unsupported verb %{verb}")


def _int_digits(v: int, base: int, upper_case: bool) -> str:
    if base == 10:
        return str(v)
    s = {2: format(v, "b"), 8: format(v, "o"), 16: format(v, "x")}[base]
    return s.upper() if upper_case else s


def _round_half_even(x: Fraction) -> int:
    m = x.numerator // x.denominator
    rem = x - m
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and m % 2 == 1):
        m += 1
    return m


def _fixed(x: Fraction, p: int) -> str:
    m = _round_half_even(x * 10**p)
    if p == 0:
        return str(m)
    digits = str(m).rjust(p + 1, "0")
    return digits[:-p] + "." + digits[-p:]


def _exp(x: Fraction, p: int, verb: str) -> str:
    if x == 0:
        mant, e = "0" + ("." + "0" * p if p else ""), 0
    else:
        e = len(str(x.numerator // x.denominator)) - 1 if x >= 1 else -len(str(int(1 / x)))
        while Fraction(10) ** e > x:
            e -= 1
        while Fraction(10) ** (e + 1) <= x:
            e += 1
        m = _round_half_even(x / Fraction(10) ** e * 10**p)
        if m >= 10 ** (p + 1):
            e += 1
            m = _round_half_even(x / Fraction(10) ** e * 10**p)
        digits = str(m)
        mant = digits[0] + ("." + digits[1:] if p else "")
    sign = "-" if e < 0 else "+"
    return f"{mant}{verb}{sign}{abs(e):02d}"


def formatlist(fmt: Any, *args: Any) -> list[str]:
    f = as_string(fmt, "format string")
    n: int | None = None
    for a in args:
        if isinstance(a, list):
            if n is not None and len(a) != n:
                raise EvalError("formatlist: lists of different lengths")
            n = len(a)
    if n is None:
        return [_format(f, list(args))]
    return [_format(f, [a[i] if isinstance(a, list) else a for a in args]) for i in range(n)]


def tostring(v: Any) -> str | None:
    if v is None:
        return None
    s = to_str(v)
    if s is None:
        raise EvalError(f"tostring: cannot convert {type_name(v)} to string")
    return s


def templatestring_text(v: Any) -> str:
    return as_string(v)


def number_to_text(v: Any) -> str:
    if not is_number(v):
        raise EvalError("number required")
    return number_text(v)
