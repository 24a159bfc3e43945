"""Terraform's pure built-in functions (no filesystem, network or clock).

Each function takes known values and returns Terraform's value, raises
`EvalError` where Terraform rejects the call (so `try` and `can` see a real
failure), `NotEvaluatedError` where we do not reproduce Terraform exactly (the
value is then unknown, with that reason), or `TooLargeError` past the size limit.
Functions reading files, the clock or randomness are not here: their values
are unknown before apply or outside the scanned tree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from checker.sources.terraform.functions import collections as c
from checker.sources.terraform.functions import encoding as e
from checker.sources.terraform.functions import numeric as n
from checker.sources.terraform.functions import regex as r
from checker.sources.terraform.functions import strings as s
from checker.sources.terraform.functions.core import (
    EvalError,
    NotEvaluatedError,
    as_bool,
    as_number,
)


class TooLargeError(ValueError):
    """A function would build a value over the evaluator's size limit."""


def _tonumber(v: Any) -> Any:
    return None if v is None else as_number(v)


def _tobool(v: Any) -> Any:
    return None if v is None else as_bool(v)


def _identity(v: Any) -> Any:
    return v


FUNCTIONS: dict[str, Callable[..., Any]] = {
    # strings
    "upper": s.upper,
    "lower": s.lower,
    "title": s.title,
    "trimspace": s.trimspace,
    "chomp": s.chomp,
    "trim": s.trim,
    "trimprefix": s.trimprefix,
    "trimsuffix": s.trimsuffix,
    "substr": s.substr,
    "strrev": s.strrev,
    "startswith": s.startswith,
    "endswith": s.endswith,
    "strcontains": s.strcontains,
    "indent": s.indent,
    "split": s.split,
    "join": s.join,
    "replace": s.replace,
    "format": s.format_,
    "formatlist": s.formatlist,
    "regex": r.regex,
    "regexall": r.regexall,
    # collections
    "length": c.length,
    "element": c.element,
    "index": c.index_,
    "contains": c.contains,
    "concat": c.concat,
    "flatten": c.flatten,
    "distinct": c.distinct,
    "reverse": c.reverse,
    "sort": c.sort,
    "slice": c.slice_,
    "compact": c.compact,
    "coalesce": c.coalesce,
    "coalescelist": c.coalescelist,
    "keys": c.keys,
    "values": c.values,
    "lookup": c.lookup,
    "merge": c.merge,
    "zipmap": c.zipmap,
    "one": c.one,
    "range": c.range_,
    "chunklist": c.chunklist,
    "sum": c.sum_,
    "alltrue": c.alltrue,
    "anytrue": c.anytrue,
    "transpose": c.transpose,
    "matchkeys": c.matchkeys,
    "setunion": c.setunion,
    "setintersection": c.setintersection,
    "setsubtract": c.setsubtract,
    "setproduct": c.setproduct,
    "min": c.min_,
    "max": c.max_,
    # conversions
    "tostring": s.tostring,
    "tonumber": _tonumber,
    "tobool": _tobool,
    "tolist": c.tolist,
    "toset": c.toset,
    "tomap": c.tomap,
    "sensitive": _identity,
    "nonsensitive": _identity,
    # numbers
    "abs": n.abs_,
    "ceil": n.ceil,
    "floor": n.floor,
    "signum": n.signum,
    "pow": n.pow_,
    "log": n.log,
    "parseint": n.parseint,
    # encoding
    "jsonencode": e.jsonencode,
    "jsondecode": e.jsondecode,
    "base64encode": e.base64encode,
    "base64decode": e.base64decode,
    "textencodebase64": e.textencodebase64,
    "textdecodebase64": e.textdecodebase64,
    "urlencode": e.urlencode,
    "csvdecode": e.csvdecode,
    "yamlencode": e.yamlencode,
    "yamldecode": e.yamldecode,
    "uuidv5": e.uuidv5,
    **e.HASHES,
}

#: Functions whose value is only known at apply or depends on the machine.
IMPURE = frozenset(
    {
        "timestamp",
        "plantimestamp",
        "uuid",
        "bcrypt",
        "file",
        "fileexists",
        "fileset",
        "filebase64",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "templatefile",
        "abspath",
        "pathexpand",
        "rsadecrypt",
    }
)

__all__ = ["FUNCTIONS", "IMPURE", "EvalError", "NotEvaluatedError", "TooLargeError"]
