"""Encoding and hash functions, byte for byte as Terraform writes them:
`jsonencode` sorts object keys and escapes `<`, `>`, `&`, U+2028 and U+2029
as Go's encoder does; numbers are written as Terraform prints them."""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import json
import uuid
from fractions import Fraction
from typing import Any

from checker.sources.terraform.functions.core import (
    EvalError,
    NotEvaluatedError,
    as_string,
    is_number,
    num,
    number_text,
    sorted_dict,
)

_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESC.update({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def json_string(s: str) -> str:
    out = ['"']
    for c in s:
        e = _ESC.get(c)
        if e is not None:
            out.append(e)
        elif c < " ":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def jsonencode(v: Any) -> str:
    from checker.sources.terraform.functions.strings import _within

    parts: list[str] = []
    size = 0

    def enc(x: Any) -> None:
        nonlocal size
        if x is None:
            parts.append("null")
        elif isinstance(x, bool):
            parts.append("true" if x else "false")
        elif is_number(x):
            parts.append(number_text(x))
        elif isinstance(x, str):
            parts.append(json_string(x))
            size += len(x)
            _within(size)
        elif isinstance(x, list):
            parts.append("[")
            for i, item in enumerate(x):
                if i:
                    parts.append(",")
                enc(item)
            parts.append("]")
        elif isinstance(x, dict):
            parts.append("{")
            for i, k in enumerate(sorted(x)):
                if i:
                    parts.append(",")
                parts.append(json_string(k))
                parts.append(":")
                enc(x[k])
                size += len(k)
            parts.append("}")
        else:
            raise NotEvaluatedError("jsonencode of an unknown value")
        size += 1
        _within(size)

    enc(v)
    return "".join(parts)


def _decoded(x: Any) -> Any:
    if isinstance(x, float):  # only when parse_float is bypassed
        return num(Fraction(x))
    if isinstance(x, dict):
        return sorted_dict((k, _decoded(v)) for k, v in x.items())
    if isinstance(x, list):
        return [_decoded(i) for i in x]
    return x


def jsondecode(s: Any) -> Any:
    text = as_string(s)
    if len(text) > 1 << 20:
        from checker.sources.terraform.functions import TooLargeError

        raise TooLargeError("a JSON document of more than 1,048,576 characters")
    try:
        doc = json.loads(text, parse_float=lambda t: num(Fraction(t)), parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise EvalError(f"jsondecode: {exc}") from None
    return _decoded(doc)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def base64encode(s: Any) -> str:
    return base64.b64encode(as_string(s).encode()).decode()


def base64decode(s: Any) -> str:
    try:
        raw = base64.b64decode(as_string(s), validate=True)
        return raw.decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise EvalError("base64decode: not valid base64 of UTF-8 text") from None


def textencodebase64(s: Any, enc: Any) -> str:
    name = as_string(enc).lower()
    codec = {"utf-8": "utf-8", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be", "utf-32le": "utf-32-le"}.get(name)
    if codec is None:
        raise NotEvaluatedError(f"textencodebase64 encoding {name}")
    return base64.b64encode(as_string(s).encode(codec)).decode()


def textdecodebase64(s: Any, enc: Any) -> str:
    name = as_string(enc).lower()
    codec = {"utf-8": "utf-8", "utf-16le": "utf-16-le", "utf-16be": "utf-16-be", "utf-32le": "utf-32-le"}.get(name)
    if codec is None:
        raise NotEvaluatedError(f"textdecodebase64 encoding {name}")
    try:
        return base64.b64decode(as_string(s), validate=True).decode(codec)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise EvalError("textdecodebase64: invalid input") from None


_URL_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def urlencode(s: Any) -> str:
    """Go's url.QueryEscape: a space is `+`."""
    out = []
    for b in as_string(s).encode():
        if b in _URL_SAFE:
            out.append(chr(b))
        elif b == 0x20:
            out.append("+")
        else:
            out.append(f"%{b:02X}")
    return "".join(out)


def _hash(name: str) -> Any:
    def f(s: Any) -> str:
        return hashlib.new(name, as_string(s).encode()).hexdigest()

    return f


def _b64hash(name: str) -> Any:
    def f(s: Any) -> str:
        return base64.b64encode(hashlib.new(name, as_string(s).encode()).digest()).decode()

    return f


def uuidv5(namespace: Any, name: Any) -> str:
    ns = as_string(namespace)
    known = {
        "dns": uuid.NAMESPACE_DNS,
        "url": uuid.NAMESPACE_URL,
        "oid": uuid.NAMESPACE_OID,
        "x500": uuid.NAMESPACE_X500,
    }
    if ns in known:
        space = known[ns]
    else:
        try:
            space = uuid.UUID(ns)
        except ValueError:
            raise EvalError("uuidv5: the namespace is not a UUID") from None
    return str(uuid.uuid5(space, as_string(name)))


def csvdecode(s: Any) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(as_string(s)), strict=True))
    if not rows:
        raise EvalError("csvdecode: no header row")
    head, body = rows[0], rows[1:]
    out = []
    for r in body:
        if len(r) != len(head):
            raise EvalError("csvdecode: a row has the wrong number of fields")
        out.append(sorted_dict(zip(head, r, strict=True)))
    return out


def yamlencode(v: Any) -> str:
    """Terraform's YAML: block style, keys sorted and every string (key or
    value) double-quoted.  Strings its emitter would fold or write as a
    block scalar (long, multi-line, control characters), and a bare number,
    bool or null (written with a document end marker), are not modelled."""
    if isinstance(v, str):
        return _yaml_scalar(v) + "\n"
    if not isinstance(v, (list, dict)):
        raise NotEvaluatedError("yamlencode() of a bare number, bool or null")
    if not v:
        return ("[]" if isinstance(v, list) else "{}") + "\n"
    return "\n".join(_yaml_lines(v, 0)) + "\n"


def _yaml_scalar(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    if is_number(x):
        return number_text(x)
    if isinstance(x, str):
        if len(x) > 60 or any(not c.isprintable() for c in x):
            raise NotEvaluatedError("yamlencode() of a long or multi-line string (folded by its emitter)")
        return '"' + x.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(x, list) and not x:
        return "[]"
    if isinstance(x, dict) and not x:
        return "{}"
    raise NotEvaluatedError("yamlencode() of an unknown value")


def _yaml_lines(v: Any, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(v, dict):
        for k in sorted(v):
            item = v[k]
            key = f"{pad}{_yaml_scalar(k)}:"
            if isinstance(item, dict) and item:
                out.append(key)
                out.extend(_yaml_lines(item, indent + 2))
            elif isinstance(item, list) and item:
                out.append(key)
                out.extend(_yaml_lines(item, indent))
            else:
                out.append(f"{key} {_yaml_scalar(item)}")
        return out
    for item in v:
        if isinstance(item, (dict, list)) and item:
            inner = _yaml_lines(item, indent + 2)
            out.append(f"{pad}- {inner[0][indent + 2 :]}")
            out.extend(inner[1:])
        else:
            out.append(f"{pad}- {_yaml_scalar(item)}")
    return out


def yamldecode(s: Any) -> Any:
    raise NotEvaluatedError("yamldecode()")


HASHES = {
    "md5": _hash("md5"),
    "sha1": _hash("sha1"),
    "sha256": _hash("sha256"),
    "sha512": _hash("sha512"),
    "base64sha256": _b64hash("sha256"),
    "base64sha512": _b64hash("sha512"),
}
