"""A seeded generator of Terraform configurations for the differential suite.

It writes what users write: variables with defaults and type constraints,
tfvars (`terraform.tfvars`, `*.auto.tfvars`, `-var-file`, `-var`), locals
across files, maps and objects, conditionals, `for` with `if`, `count`,
`for_each` over maps and sets, modules two levels deep, templates with
directives, heredocs, ARNs built with `format`, and the built-in functions.
It knows only the types of what it builds, never the values: Terraform
computes those.  A case it builds that Terraform rejects is still a case
(our scan must then give no value).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field

from tests.terraform.oracle.harness import RESOURCES, Case

MODELS = [
    "anthropic.claude-3-haiku-20240307-v1:0",
    "anthropic.claude-v2",
    "amazon.titan-text-express-v1",
    "meta.llama3-8b-instruct-v1:0",
    "cohere.command-r-v1:0",
    "ai21.j2-ultra-v1",
]
WORDS = ["a", "Bb", "x y", "us-east-1", "v2", "", " pad ", "a<b>&c", "ünï", "10", "1.50", "true", "k-1", "A,B", 'q"t']
REGEXES = ["[aeiou]", "[0-9]+", "^a", "(\\\\w)-", "v[0-9]", "(a|b)+", "[^a-z]"]
KEYS = ["alpha", "beta", "gamma", "b", "a", "Zed", "m1", "10", "2"]

TYPES = ("s", "n", "b", "ls", "ms")
TYPE_DECL = {"s": "string", "n": "number", "b": "bool", "ls": "list(string)", "ms": "map(string)"}


def q(s: str) -> str:
    """An HCL quoted string for s (JSON escapes are HCL escapes)."""
    return json.dumps(s, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


@dataclass
class Env:
    names: dict[str, list[str]] = field(default_factory=lambda: {t: [] for t in TYPES})

    def add(self, t: str, ref: str) -> None:
        self.names[t].append(ref)

    def copy(self) -> Env:
        return Env({t: list(v) for t, v in self.names.items()})


class Gen:
    def __init__(self, rng: random.Random) -> None:
        self.r = rng

    def pick(self, xs: list[str]) -> str:
        return xs[self.r.randrange(len(xs))]

    # --- literals ---------------------------------------------------------
    def lit(self, t: str) -> str:
        r = self.r
        if t == "s":
            return q(self.pick(MODELS) if r.random() < 0.5 else self.pick(WORDS))
        if t == "n":
            return self.pick(["0", "1", "2", "3", "7", "10", "-4", "42", "2.5", "100"])
        if t == "b":
            return self.pick(["true", "false"])
        if t == "ls":
            return "[" + ", ".join(q(self.pick(MODELS + WORDS)) for _ in range(r.randint(1, 4))) + "]"
        keys = r.sample(KEYS, r.randint(1, 4))
        return (
            "{ "
            + ", ".join(f"{q(k) if not k.isidentifier() else k} = {q(self.pick(MODELS + WORDS))}" for k in keys)
            + " }"
        )

    # --- expressions ------------------------------------------------------
    def e(self, t: str, env: Env, d: int) -> str:
        refs = env.names[t]
        r = self.r
        if d <= 0 or r.random() < 0.25:
            if refs and r.random() < 0.7:
                return self.pick(refs)
            return self.lit(t)
        return getattr(self, "e_" + t)(env, d - 1)

    def e_s(self, env: Env, d: int) -> str:
        s = lambda: self.e("s", env, d)  # noqa: E731
        n = lambda: self.e("n", env, d)  # noqa: E731
        b = lambda: self.e("b", env, d)  # noqa: E731
        ls = lambda: self.e("ls", env, d)  # noqa: E731
        ms = lambda: self.e("ms", env, d)  # noqa: E731
        small = lambda: self.pick(["0", "1", "2", "3"])  # noqa: E731
        k = lambda: q(self.pick(KEYS))  # noqa: E731
        forms = [
            lambda: f'"${{{s()}}}-${{{s()}}}"',
            lambda: f'"pre/${{{n()}}}/${{{b()}}}"',
            lambda: f'format("%s:%s", {s()}, {s()})',
            lambda: f'format("%-8s|%5s|", {s()}, {s()})',
            lambda: f'format("%03d/%x/%q", {small()}, {small()}, {s()})',
            lambda: f'format("%v|%v|%v", {s()}, {n()}, {b()})',
            lambda: f'format("%.2f|%e", {n()}, {n()})',
            lambda: f'format("arn:aws:bedrock:%s::foundation-model/%s", "us-west-2", {s()})',
            lambda: f'join("{self.pick([",", "-", "", " / "])}", {ls()})',
            lambda: f"upper({s()})",
            lambda: f"lower({s()})",
            lambda: f"title({s()})",
            lambda: f"trimspace({s()})",
            lambda: f"chomp({s()})",
            lambda: f"strrev({s()})",
            lambda: f'trimprefix({s()}, "an")',
            lambda: f'trimsuffix({s()}, ":0")',
            lambda: f'trim({s()}, " a")',
            lambda: f"substr({s()}, {small()}, {self.pick(['1', '3', '-1', '10'])})",
            lambda: f'replace({s()}, "{self.pick(["a", "-", ".", ":"])}", "{self.pick(["_", "", "::"])}")',
            lambda: f'replace({s()}, "/{self.pick(REGEXES)}/", "{self.pick(["_", "$1", "X", "<$0>"])}")',
            lambda: f"element({ls()}, {small()})",
            lambda: f"{ls()}[0]",
            lambda: f'split("-", {s()})[0]',
            lambda: f"lookup({ms()}, {k()}, {s()})",
            lambda: f'try({ms()}[{k()}], "none")',
            lambda: f"({b()} ? {s()} : {s()})",
            lambda: f"jsonencode({self.e(self.pick(list(TYPES)), env, d)})",
            lambda: f"tostring({n()})",
            lambda: f"tostring({b()})",
            lambda: f'coalesce("", {s()})',
            lambda: f"one([{s()}])",
            lambda: f'"%{{ if {b()} }}yes-${{{s()}}}%{{ else }}no%{{ endif }}"',
            lambda: f'"%{{ for x in {ls()} }}${{x}},%{{ endfor }}"',
            lambda: f'"%{{~ for k, v in {ms()} ~}}${{k}}=${{v}};%{{~ endfor ~}}"',
            lambda: f"base64encode({s()})",
            lambda: f"md5({s()})",
            lambda: f"sha256({s()})",
            lambda: f"urlencode({s()})",
            lambda: f'try(regex("[a-z]+", {s()}), "nomatch")',
            lambda: f'join("/", sort({ls()}))',
            lambda: f'join("+", distinct(concat({ls()}, {ls()})))',
            lambda: f'join(",", reverse({ls()}))',
            lambda: f"element(keys({ms()}), {small()})",
            lambda: f"element(values({ms()}), {small()})",
            lambda: f'"${{{n()} + {n()}}}|${{{n()} * {small()}}}|${{{n()} % 3}}|${{-{n()}}}|${{{n()} / 4}}"',
            lambda: f"[for x in {ls()} : upper(x)][0]",
            lambda: f'join(",", [for x in {ls()} : x if length(x) > {small()}])',
            lambda: f'join(",", [for k, v in {ms()} : "${{k}}=${{v}}"])',
            lambda: f'join(",", {ls()}[*])',
            lambda: f'join(",", formatlist("%s-%s", {ls()}, "x"))',
            lambda: f"lower(tostring({n()}))",
            lambda: f'"${{{s()}}}${{{s()}}}"',
            lambda: f'join(",", slice({ls()}, 0, 1))',
            lambda: f'join(":", compact({ls()}))',
            lambda: f'join(",", setunion({ls()}, {ls()}))',
            lambda: f"sha1({s()})",
            lambda: f'join(",", sort(keys(merge({ms()}, {ms()}))))',
            lambda: f"jsonencode({{ model = {s()}, n = {n()}, tags = {ms()} }})",
            lambda: f"yamlencode({ls()})",
            lambda: f'"<<${{{s()}}}>>"',
            lambda: "trimspace(<<EOT\nhead ${" + s() + "}\n  tail\nEOT\n)",
            lambda: "chomp(<<-EOT\n    one ${" + s() + "}\n      two\n    EOT\n)",
            lambda: f'format("%s", {self.pick(["1.0", "2.50", "1e3", "0.1 + 0.2"])})',
            lambda: (lambda m: f"tostring({m}[keys({m})[0]])")(ms()),
            lambda: f'startswith({s()}, "an") ? "yes" : "no"',
            lambda: f'can(regex("^[a-z]", {s()})) ? {s()} : {s()}',
            lambda: f'join(",", [for i, x in {ls()} : "${{i}}:${{x}}"])',
            lambda: f"base64decode(base64encode({s()}))",
            lambda: f'join(",", tolist(toset({ls()})))',
            lambda: 'trimspace(indent(2, "a\\nb"))',
            lambda: f'join(",", [for x in flatten([{ls()}, [{ls()}]]) : x])',
            lambda: (lambda m: f"jsonencode(zipmap(keys({m}), values({m})))")(ms()),
        ]
        return forms[self.r.randrange(len(forms))]()

    def e_n(self, env: Env, d: int) -> str:
        n = lambda: self.e("n", env, d)  # noqa: E731
        forms = [
            lambda: f"length({self.e('ls', env, d)})",
            lambda: f"length({self.e('ms', env, d)})",
            lambda: f"length({self.e('s', env, d)})",
            lambda: f"({n()} + {n()})",
            lambda: f"({n()} - {n()})",
            lambda: f"({n()} * {n()})",
            lambda: f"({n()} % {self.pick(['3', '-3', '4'])})",
            lambda: f"abs({n()})",
            lambda: f"max({n()}, {n()})",
            lambda: f"min({n()}, {n()}, 5)",
            lambda: f"floor({n()} / 2)",
            lambda: f"ceil({n()} / 3)",
            lambda: self.pick(
                ['parseint("ff", 16)', 'parseint("777", 8)', 'parseint("-101", 2)', 'parseint("zz", 36)']
            ),
            lambda: f"sum([{n()}, {n()}])",
            lambda: f"signum({n()})",
            lambda: f'tonumber("{self.pick(["12", "0.5", "-3"])}")',
            lambda: f"({self.e('b', env, d)} ? {n()} : {n()})",
        ]
        return forms[self.r.randrange(len(forms))]()

    def e_b(self, env: Env, d: int) -> str:
        s = lambda: self.e("s", env, d)  # noqa: E731
        n = lambda: self.e("n", env, d)  # noqa: E731
        forms = [
            lambda: f"({n()} > {n()})",
            lambda: f"({n()} <= {n()})",
            lambda: f"({s()} == {s()})",
            lambda: f"({s()} != {s()})",
            lambda: f"contains({self.e('ls', env, d)}, {s()})",
            lambda: f'startswith({s()}, "a")',
            lambda: f'endswith({s()}, "0")',
            lambda: f'strcontains({s()}, "-")',
            lambda: f'can(regex("^[a-z]", {s()}))',
            lambda: f"!({self.e('b', env, d)})",
            lambda: f"({self.e('b', env, d)} && {self.e('b', env, d)})",
            lambda: f"({self.e('b', env, d)} || {self.e('b', env, d)})",
            lambda: f"length({self.e('ls', env, d)}) > 1",
            lambda: f"alltrue([{self.e('b', env, d)}, true])",
            lambda: f"anytrue([{self.e('b', env, d)}, false])",
            lambda: f'tobool("{self.pick(["true", "false"])}")',
        ]
        return forms[self.r.randrange(len(forms))]()

    def e_ls(self, env: Env, d: int) -> str:
        s = lambda: self.e("s", env, d)  # noqa: E731
        ls = lambda: self.e("ls", env, d)  # noqa: E731
        ms = lambda: self.e("ms", env, d)  # noqa: E731
        forms = [
            lambda: f"[{s()}, {s()}]",
            lambda: f"concat({ls()}, [{s()}])",
            lambda: f'split(",", {s()})',
            lambda: f"sort({ls()})",
            lambda: f"distinct({ls()})",
            lambda: f"reverse({ls()})",
            lambda: f"keys({ms()})",
            lambda: f"values({ms()})",
            lambda: f"[for x in {ls()} : lower(x)]",
            lambda: f"[for x in {ls()} : x if x != {s()}]",
            lambda: f"tolist(toset({ls()}))",
            lambda: f"flatten([{ls()}, [{s()}]])",
            lambda: f'formatlist("%s/x", {ls()})',
            lambda: f"slice(concat({ls()}, {ls()}), 1, 2)",
            lambda: f"setintersection({ls()}, {ls()})",
            lambda: f"[for k, v in {ms()} : v]",
            lambda: f'compact(concat([""], {ls()}))',
            lambda: f"coalescelist([], {ls()})",
        ]
        return forms[self.r.randrange(len(forms))]()

    def e_ms(self, env: Env, d: int) -> str:
        s = lambda: self.e("s", env, d)  # noqa: E731
        ms = lambda: self.e("ms", env, d)  # noqa: E731
        ls = lambda: self.e("ls", env, d)  # noqa: E731
        forms = [
            lambda: f"{{ {self.pick(['a', 'b', 'k1'])} = {s()}, z = {s()} }}",
            lambda: f"merge({ms()}, {ms()})",
            lambda: f"{{ for k, v in {ms()} : k => upper(v) }}",
            lambda: f'(length({{ for x in {ls()} : x => x... }}) > 1 ? {{ a = "b" }} : {{ c = "d" }})',
            lambda: f'{{ for x in distinct({ls()}) : "k${{x}}" => x }}',
            lambda: (lambda m: f"zipmap(keys({m}), values({m}))")(ms()),
            lambda: f"tomap({ms()})",
            lambda: f'{{ for k, v in {ms()} : k => v if k != "a" }}',
        ]
        return forms[self.r.randrange(len(forms))]()


def generate(seed: int, n: int) -> list[Case]:
    return [case(seed, i) for i in range(n)]


def case(seed: int, i: int) -> Case:
    r = random.Random(f"{seed}:{i}")
    g = Gen(r)
    files: dict[str, str] = {}
    args: list[str] = []
    env = Env()
    variables: list[str] = []
    tfvars: dict[str, list[str]] = {}
    # variables with defaults, some given in tfvars files or on the command line
    for v in range(r.randint(0, 3)):
        t = g.pick(list(TYPES))
        name = f"v{v}"
        typed = r.random() < 0.7
        decl = f'variable "{name}" {{\n'
        if typed:
            decl += f"  type    = {TYPE_DECL[t]}\n"
        decl += f"  default = {g.lit(t)}\n}}\n"
        variables.append(decl)
        env.add(t, f"var.{name}")
        if r.random() < 0.3:
            where = g.pick(["terraform.tfvars", "b.auto.tfvars", "a.auto.tfvars", "-var", "-var-file"])
            if where == "-var" and (typed or t == "s"):
                val = g.lit(t)
                raw = json.loads(val) if t == "s" else val
                args.append(f"-var={name}={raw}")
            elif where == "-var-file":
                files["extra.tfvars"] = files.get("extra.tfvars", "") + f"{name} = {g.lit(t)}\n"
                if "-var-file=extra.tfvars" not in args:
                    args.append("-var-file=extra.tfvars")
            elif where != "-var":
                tfvars.setdefault(where, []).append(f"{name} = {g.lit(t)}\n")
                if r.random() < 0.3:  # the same name in a later file wins
                    tfvars.setdefault("z.auto.tfvars", []).append(f"{name} = {g.lit(t)}\n")
    if r.random() < 0.3:  # an object with optional attributes, and a set
        given = g.pick(["{}", '{ model = "cohere.command-r-v1:0" }', "{ n = 3, model = null }"])
        variables.append(
            'variable "obj" {\n  type = object({ model = optional(string, "ai21.j2-ultra-v1"), n = optional(number) })\n'
            f"  default = {given}\n" + g.pick(["", "  nullable = false\n"]) + "}\n"
        )
        env.add("s", "var.obj.model")
        env.add("b", "(var.obj.n == null)")
    if r.random() < 0.2:
        variables.append(f'variable "tags" {{\n  type = set(string)\n  default = {g.lit("ls")}\n}}\n')
        env.add("ls", "tolist(var.tags)")
    if variables:
        files["variables.tf"] = "".join(variables)
    for f, lines in tfvars.items():
        files[f] = "".join(lines)
    # locals across files, each from what is defined before it
    for li in range(r.randint(0, 4)):
        t = g.pick(list(TYPES))
        expr = g.e(t, env, 2)
        fname = g.pick(["locals.tf", "more_locals.tf"])
        files[fname] = files.get(fname, "") + f"locals {{\n  l{li} = {expr}\n}}\n"
        env.add(t, f"local.l{li}")
    rtypes = list(RESOURCES)
    main: list[str] = []
    first = resource(g, env, "r0", g.pick(rtypes))
    main.append(first)
    if r.random() < 0.5:
        plain = (
            first.startswith('resource "aws_bedrockagent_agent"') and "count" not in first and "for_each" not in first
        )
        main.append(resource(g, env, "r1", g.pick(rtypes), allow_apply=plain))
    if r.random() < 0.4:
        call = module_call(g, env, files, "modules/m", "m", depth=1)
        main.append(call)
        if "count" not in call and "for_each" not in call:
            after = env.copy()
            after.add("s", "module.m.out")
            main.append(resource(g, after, "r2", g.pick(rtypes)))
    files["main.tf"] = "".join(main)
    text = "".join(files.values())
    limit = "template directives and splats need the new HCL parser" if ("%{" in text or "[*]" in text) else ""
    return Case(f"seed{seed}-{i}", tuple(sorted(files.items())), tuple(args), limit)


def resource(g: Gen, env: Env, name: str, rtype: str, allow_apply: bool = False) -> str:
    r = g.r
    attr = RESOURCES[rtype][0]
    inner = env.copy()
    head = ""
    roll = r.random()
    if roll < 0.25:
        counts = ["0", "1", "2", "3", '"2"', f"length({g.e('ls', env, 1)})", f"min(2, length({g.e('ms', env, 1)}))"]
        head = f"  count = {g.pick(counts)}\n"
        inner.add("n", "count.index")
    elif roll < 0.4:
        head = f"  for_each = {g.e('ms', env, 1)}\n"
        inner.add("s", "each.key")
        inner.add("s", "each.value")
    elif roll < 0.5:
        head = f"  for_each = toset({g.e('ls', env, 1)})\n"
        inner.add("s", "each.key")
        inner.add("s", "each.value")
    expr = g.e("s", inner, 3)
    if allow_apply and r.random() < 0.3:
        expr = g.pick(
            [
                '"${aws_bedrockagent_agent.r0.agent_arn}/x"',
                "aws_bedrockagent_agent.r0.foundation_model",
                f"try(aws_bedrockagent_agent.r0.agent_arn, {expr})",
                f'can(aws_bedrockagent_agent.r0.agent_arn) ? {expr} : "no"',
                f'format("%s/%s", {expr}, aws_bedrockagent_agent.r0.agent_arn)',
            ]
        )
    return f'resource "{rtype}" "{name}" {{\n{head}  {attr} = {expr}\n}}\n'


def module_call(g: Gen, env: Env, files: dict[str, str], path: str, name: str, depth: int) -> str:
    r = g.r
    inputs: list[str] = []
    child = Env()
    decls: list[str] = []
    head = ""
    outer = env.copy()
    roll = r.random()
    if roll < 0.2:
        head = f"  count = {g.pick(['1', '2'])}\n"
        outer.add("n", "count.index")
    elif roll < 0.35:
        head = f"  for_each = {g.e('ms', env, 1)}\n"
        outer.add("s", "each.key")
    for vi in range(r.randint(1, 3)):
        t = g.pick(list(TYPES))
        typed = r.random() < 0.7
        decls.append(f'variable "i{vi}" {{\n' + (f"  type = {TYPE_DECL[t]}\n" if typed else "") + "}\n")
        inputs.append(f"  i{vi} = {g.e(t, outer, 2)}\n")
        child.add(t, f"var.i{vi}")
    if r.random() < 0.4:
        decls.append(f'variable "d0" {{\n  default = {g.lit("s")}\n}}\n')
        child.add("s", "var.d0")
    body = "".join(decls)
    for li in range(r.randint(0, 2)):
        t = g.pick(list(TYPES))
        body += f"locals {{\n  m{li} = {g.e(t, child, 2)}\n}}\n"
        child.add(t, f"local.m{li}")
    body += resource(g, child, "inner", g.pick(list(RESOURCES)))
    body += f'output "out" {{\n  value = {g.e("s", child, 2)}\n}}\n'
    if depth < 2 and r.random() < 0.5:
        body += module_call(g, child, files, f"{path}/n", "n", depth + 1).replace(f'"./{path}/n"', '"./n"')
    files[f"{path}/main.tf"] = body
    return f'module "{name}" {{\n  source = "./{path}"\n{head}' + "".join(inputs) + "}\n"
