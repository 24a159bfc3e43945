"""A function-level oracle: pure expressions evaluated by `terraform console`
and by our evaluator, compared as the JSON Terraform writes for each value.

One console run evaluates a whole batch as
`jsonencode([for v in [E0, E1, ...] : jsonencode(v)])`; a batch with an
expression Terraform rejects is split until the rejected ones stand alone.
Answers are cached under .cache/oracle/ like the plan oracle's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from typing import Any

from checker.sources.terraform.evaluate import Budget, Evaluator, Scope
from checker.sources.terraform.functions.encoding import jsonencode
from checker.sources.terraform.hclast import Attribute, HclSyntaxError, parse_hcl
from checker.sources.values import Unknown
from tests.terraform.oracle.harness import CACHE, _env, _version, terraform_path

#: (expression, True when Terraform is expected to reject it)
REJECTED = "<rejected>"


def _hcl_string(text: str) -> str | None:
    """The value of the HCL quoted string the console prints."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        return None
    body = text[1:-1].replace("$${", "${").replace("%%{", "%{")
    return json.loads('"' + body + '"')


def _console(exprs: list[str]) -> list[str] | None:
    tf = terraform_path()
    assert tf is not None
    src = "jsonencode([for v in [" + ", ".join(exprs) + "] : jsonencode(v)])\n"
    with tempfile.TemporaryDirectory(prefix="console-") as tmp:
        out = subprocess.run(
            [tf, "console"], input=src, cwd=tmp, capture_output=True, text=True, env=_env(tmp), timeout=300
        )
    if out.returncode != 0:
        return None
    s = _hcl_string(out.stdout)
    if s is None:
        return None
    vals = json.loads(s)
    return [str(v) for v in vals] if isinstance(vals, list) and len(vals) == len(exprs) else None


def _key(expr: str) -> str:
    return hashlib.sha256(json.dumps(["console", _version(), expr]).encode()).hexdigest()


def terraform_values(exprs: list[str]) -> dict[str, str]:
    """Terraform's JSON of each expression's value, or REJECTED."""
    out: dict[str, str] = {}
    todo: list[str] = []
    for e in exprs:
        p = CACHE / f"{_key(e)}.console"
        try:
            out[e] = p.read_text()
        except OSError:
            todo.append(e)

    def run(batch: list[str]) -> None:
        if not batch:
            return
        got = _console(batch)
        if got is None and len(batch) > 1:
            half = len(batch) // 2
            run(batch[:half])
            run(batch[half:])
            return
        for e, v in zip(batch, got or [REJECTED] * len(batch), strict=True):
            out[e] = v
            CACHE.mkdir(parents=True, exist_ok=True)
            p = CACHE / f"{_key(e)}.console"
            tmp = p.with_suffix(".tmp")
            tmp.write_text(v)
            os.replace(tmp, p)

    for i in range(0, len(todo), 200):
        run(todo[i : i + 200])
    return out


def ours(expr: str) -> str | None:
    """Our JSON of the expression's value, REJECTED, or None (unresolved)."""
    try:
        item = parse_hcl(f"x = {expr}\n", "console.tf").body[0]
    except HclSyntaxError:
        return None  # python-hcl2 rejects it (the new parser, #20): never a value
    assert isinstance(item, Attribute)
    scope = Scope(
        lambda n: Unknown(f"var.{n}"),
        lambda n: Unknown(f"local.{n}"),
        lambda *a: Unknown("data"),
        lambda *a: Unknown("module"),
        budget=Budget(),
    )
    v: Any = Evaluator(scope).eval(item.expr)
    if isinstance(v, Unknown):
        return REJECTED if (v.reason or "").startswith("Terraform rejects") else None
    try:
        return jsonencode(v)
    except Exception:
        return None


def compare(exprs: list[str]) -> tuple[int, int, int, list[str]]:
    """(agree, unresolved, rejected by both, disagreements)."""
    tf = terraform_values(exprs)
    agree = unresolved = rejected = 0
    bad: list[str] = []
    for e in exprs:
        want, got = tf[e], ours(e)
        if got is None:
            unresolved += 1
        elif got == want:
            agree += 1
            rejected += want == REJECTED
        else:
            bad.append(f"{e}\n  terraform: {want}\n  ours:      {got}")
    return agree, unresolved, rejected, bad


FUNCTION_CASES = [
    e.strip()
    for e in re.split(
        r"\n(?=\S)",
        """
abs(-3.5)
ceil(1.2)
floor(-1.2)
signum(0)
max(3, 1.5, -2)
min([4, 2]...)
parseint("-1f", 16)
parseint("z", 36)
parseint("12", 2)
pow(2, 10)
log(8, 2)
1/3
2/3*3
0.1+0.2
1e30
-7 % 3
7.5 % 2
0 * -1
-0
upper("aé")
lower("ÀB")
title("hello-world foo_bar x'y")
title("élan vital")
trimspace("\\t x \\n")
chomp("a\\r\\n")
trim("--a--", "-")
trimprefix("abc", "ab")
trimsuffix("abc", "bc")
substr("hello", 1, 3)
substr("hello", -3, -1)
substr("hello", 10, 1)
substr("héllo", 1, 2)
strrev("héllo")
startswith("abc", "")
endswith("abc", "c")
strcontains("abc", "d")
indent(4, "a\\nb\\n")
split("", "abc")
split(",", "")
join("-", ["a"], ["b", "c"])
replace("aaa", "a", "bb")
replace("a.b", "/\\\\./", "-")
replace("abc", "/(b)/", "[$1]")
replace("abc", "/b/", "$$")
replace("abc", "/(?P<x>b)/", "<${x}>")
regex("(\\\\d+)-(\\\\d+)", "10-20")
regex("(?P<a>x)(?P<b>y)?", "x")
regexall("a(b)?", "ab a")
regex("^$", "")
can(regex("[", "x"))
format("%5s|%-5s|%05d|%.1f", "a", "b", 42, 2.25)
format("%.0f|%.0f|%.0f", 0.5, 1.5, 2.5)
format("%e|%E", 123456, 0.000123)
format("%x|%X|%o|%b|%#x", 255, 255, 8, 5, 255)
format("%q", "a\\nb\\"c")
format("%v|%v|%v", null, true, {a = 1})
format("%t", true)
format("%d", 2.0)
format("%d", 2.5)
format("%s %s", "a")
format("%[2]s%[1]s", "x", "y")
format("%%")
format("%+d|% d", 3, 3)
formatlist("%s-%d", ["a", "b"], [1, 2])
formatlist("%s", [])
length("héllo")
length({a=1, b=2})
length([])
element(["a", "b"], 3)
element(["a", "b"], -2)
element(["a", "b"], -1)
index(["a", "b"], "b")
contains(["a", 1], 1)
concat([1], ["a"])
flatten([[1, [2, [3]]], 4, []])
distinct([1, 1, "1", true])
reverse([1, 2, 3])
sort(["b", "a", "B", "aa", "10", "9"])
sort([3, 1])
slice([1, 2, 3], 1, 3)
slice([1], 1, 1)
compact(["a", "", null, "b"])
coalesce("", "b")
coalesce(null, 1, "a")
coalesce(1, "a")
coalescelist([], [1])
keys({b = 1, a = 2, "10" = 3, "9" = 4})
values({b = 1, a = 2})
lookup({a = 1}, "b", "x")
lookup({a = 1}, "a")
merge({b = 1}, {a = 2, b = 3})
merge({a = {x = 1}}, {a = {y = 2}})
zipmap(["b", "a"], [1, 2])
zipmap(["a", "a"], [1, 2])
one([])
one([1])
range(5)
range(1, 4)
range(5, 1)
range(0, 1, 0.25)
range(3, 0, -1)
chunklist([1, 2, 3], 2)
chunklist([1, 2], 0)
sum([1, 2.5])
sum([])
alltrue([])
anytrue(["true"])
transpose({a = ["1", "2"], b = ["2"]})
matchkeys(["a", "b"], [1, 2], [2])
setunion(["b"], ["a", "b"])
setintersection(["a", "b"], ["b", "c"])
setsubtract(["a", "b"], ["b"])
setsymmetricdifference(["a", "b"], ["b", "c"])
setproduct(["a", "b"], [1, 2])
toset(["b", "a", "b"])
toset([3, 1, 2])
toset([1, "a"])
toset([true, false])
tolist(toset(["z", "y"]))
tolist([1, "a"])
tomap({a = 1, b = "x"})
tostring(1.5)
tostring(true)
tostring(null)
tostring([1])
tonumber("1e2")
tonumber(" 1")
tonumber("0x10")
tobool("true")
tobool(1)
jsonencode({b = [1, 2.5], a = "<&>", c = null})
jsonencode("\\u2028")
jsondecode("{\\"b\\": 1.0, \\"a\\": [1e2]}")
jsondecode("[1, 2")
yamlencode({a = "b", c = [1, {d = true}], e = {}})
yamlencode(["x", ["y", "z"]])
base64encode("héllo")
base64decode("aGk=")
base64decode("!!")
textencodebase64("hi", "UTF-16LE")
urlencode("a b/c?d=é")
md5("x")
sha1("x")
sha256("x")
sha512("x")
base64sha256("x")
base64sha512("x")
uuidv5("dns", "example.com")
csvdecode("a,b\\n1,2\\n3,4")
try(1/0, "div")
try(tonumber("x"), "nan")
can(tonumber("x"))
can(1)
true ? 1 : "a"
false ? 1 : "a"
"${true}"
"a${1.50}b"
"%{ if true }y%{ endif }"
[for k, v in {b = 1, a = 2} : "${k}${v}"]
{for x in ["b", "a"] : x => upper(x)}
{for x in ["a", "a"] : x => 1...}
[for x in toset(["b", "a"]) : x]
[{a = 1}, {a = 2}][*].a
{a = {b = [1, 2]}}.a.b[1]
split(",", "a,b,c")[2]
merge({a = "x"}, {b = "y"})["b"]
[for x in [1, 2] : x * 2][1]
"x" == "x"
1 == 1.0
"1" == 1
[1] == [1]
{a = 1} != {a = 2}
!true || false && true
2 + 3 * 4
(2 + 3) * 4
10 / 4
"5" + 1
-"2"
""",
    )
    if e.strip()
]


def generated(seed: int, n: int) -> list[str]:
    """Random pure expressions of every type from the case generator (no
    names to refer to, one line each, as the console reads them)."""
    import random

    from tests.terraform.oracle.generator import TYPES, Env, Gen

    g = Gen(random.Random(f"console:{seed}"))
    out: list[str] = []
    while len(out) < n:
        e = g.e(g.pick(list(TYPES)), Env(), 3)
        if "\n" not in e:
            out.append(e)
    return out
