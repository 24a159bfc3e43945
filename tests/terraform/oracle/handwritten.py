"""Hand-written tricky cases for the differential suite: each class of
disagreement the issue lists, and the corners of Terraform's semantics
(ordering, numbers, escaping, errors, conversions, tfvars precedence)."""

from __future__ import annotations

from tests.terraform.oracle.harness import Case

PRELUDE = """locals {
  m    = { zeta = "anthropic.claude-v2", alpha = "amazon.titan-text-express-v1", Mid = "meta.llama3-8b-instruct-v1:0" }
  l    = ["b", "a", "c", "a"]
  n    = 7
  s    = "anthropic.claude-3-haiku-20240307-v1:0"
  obj  = { name = "x", nested = { model = "cohere.command-r-v1:0" } }
  nums = [10, 9, 100]
}
"""

#: (name, expression) for `foundation_model = EXPR`, evaluated with PRELUDE.
EXPRESSIONS: list[tuple[str, str]] = [
    ("whole-number-no-point", '"${2.0}-${10 / 5}-${1e3}"'),
    ("fraction-digits", '"v=${1 / 3}"'),
    ("float-sum", '"v=${0.1 + 0.2}"'),
    ("modulo-sign", '"${-7 % 3}|${7 % -3}|${-7.5 % 2}"'),
    ("number-to-string", "tostring(local.n / 2)"),
    ("bool-to-string", '"${true}-${!false}"'),
    ("jsonencode-escapes", 'jsonencode({ b = "<a & b>", a = "\\u2028" })'),
    ("jsonencode-key-order", "jsonencode(local.m)"),
    ("jsonencode-numbers", "jsonencode([1, 1.5, 2.0, 1e2, -0.25])"),
    ("keys-sorted", 'join(",", keys(local.m))'),
    ("values-by-key", 'join(",", values(local.m))'),
    ("for-over-map-sorted", 'join(",", [for k, v in local.m : k])'),
    ("toset-sorted", 'join(",", toset(local.l))'),
    ("toset-numbers", 'join(",", toset(local.nums))'),
    ("sort-strings", 'join(",", sort(["b", "B", "a", "10", "9"]))'),
    ("format-width", 'format("[%8s][%-8s][%.2s]", "ab", "ab", "abc")'),
    ("format-numbers", 'format("%05d|%+d|%x|%X|%o|%b|%.3f|%e", 42, 5, 255, 255, 8, 5, 3.14159, 1234.5)'),
    ("format-q-v-percent", 'format("%q|%v|%v|%%|%t", "a\\"b<", [1, "x"], 3, true)'),
    ("format-arg-index", 'format("%[2]s-%[1]s", "a", "b")'),
    ("formatlist", 'join(";", formatlist("%s=%s", ["a", "b"], "x"))'),
    ("flatten-deep", 'join(",", flatten([["a", ["b", ["c"]]], [], "d"]))'),
    ("regex-replace", 'replace(local.s, "/([a-z]+)\\\\.([a-z]+)/", "$2.$1")'),
    ("regex-replace-named", 'replace("v1:0", "/v(?P<maj>[0-9]+)/", "version$${maj}")'),
    ("regex-groups", 'join("|", regex("^([a-z]+)\\\\.([a-z0-9-]+)", local.s))'),
    ("regex-named", 'regex("(?P<vendor>[a-z]+)\\\\.", local.s)["vendor"]'),
    ("regexall", 'join(",", regexall("[0-9]+", local.s))'),
    ("literal-replace", 'replace("a.b.c", ".", "::")'),
    ("try-fallback-on-error", 'try(local.m["nope"], "fallback")'),
    ("try-first-good", 'try(local.m["alpha"], "fallback")'),
    ("can-false", 'can(local.obj.missing) ? "yes" : "no"'),
    ("can-true", 'can(local.obj.nested.model) ? "yes" : "no"'),
    ("index-on-call", 'split(".", local.s)[1]'),
    ("index-on-merge", 'merge(local.m, { extra = "x" })["extra"]'),
    ("index-on-for", "[for x in local.l : upper(x)][1]"),
    ("attr-on-object", "local.obj.nested.model"),
    ("substr", "substr(local.s, 0, 9)"),
    ("substr-negative", "substr(local.s, -4, -1)"),
    (
        "trims",
        'join("|", [trimprefix(local.s, "anthropic."), trimsuffix(local.s, ":0"), trim("xxaxx", "x"), trimspace(" a "), chomp("a\\n\\n")])',
    ),
    ("title-and-case", 'join("|", [title("hello world-x_y"), upper("ä"), lower("ABC")])'),
    (
        "startswith-endswith",
        '"${startswith(local.s, "anth")}-${endswith(local.s, ":0")}-${strcontains(local.s, "haiku")}"',
    ),
    ("distinct-reverse-slice", 'join(",", concat(distinct(local.l), reverse(local.l), slice(local.l, 1, 3)))'),
    ("zipmap-index-one", '"${zipmap(["a", "b"], ["x", "y"])["b"]}-${index(local.l, "c")}-${one(["z"])}"'),
    ("sum-range-minmax", '"${sum([1, 2, 3.5])}-${join(",", range(3))}-${max(1, 5, 3)}-${min(local.nums...)}"'),
    ("compact-coalescelist", 'join(",", concat(compact(["a", "", "b"]), coalescelist([], ["c"])))'),
    (
        "set-functions",
        'join(",", concat(tolist(setunion(["b"], ["a"])), tolist(setintersection(["a", "b"], ["b"])), tolist(setsubtract(["a", "b"], ["a"]))))',
    ),
    ("conversions", '"${tonumber("5") + 1}-${tobool("true")}-${tostring(1.5)}"'),
    ("base64-url", '"${base64encode("claude")}|${base64decode("Y2xhdWRl")}|${urlencode("a b&c/d")}"'),
    ("hashes", '"${md5("a")}|${sha1("a")}|${sha256("a")}|${base64sha256("a")}"'),
    ("lookup-default", 'lookup(local.m, "nope", "dflt")'),
    ("coalesce", 'coalesce("", null, "x")'),
    ("element-wraps", "element(local.l, 5)"),
    ("conditional-unify", 'true ? 1 : "one"'),
    ("parseint", '"${parseint("ff", 16)}-${parseint("-101", 2)}"'),
    ("abs-ceil-floor", '"${abs(-3)}-${ceil(2.1)}-${floor(-2.1)}-${signum(-9)}"'),
    ("chunklist", 'jsonencode(chunklist(["a", "b", "c"], 2))'),
    ("transpose", 'jsonencode(transpose({ a = ["x", "y"], b = ["x"] }))'),
    ("jsondecode", 'tostring(jsondecode("{\\"b\\": 1.50, \\"a\\": [true, null]}").b)'),
    ("csvdecode", 'csvdecode("a,b\\n1,2\\n")[0].b'),
    ("heredoc", "trimspace(<<EOT\n  model ${local.n}\n  EOT\n)"),
    ("heredoc-indented", "chomp(<<-EOT\n    a\n      b ${local.n}\n    EOT\n)"),
    ("for-object-grouping", "jsonencode({ for x in local.l : x => x... })"),
    ("for-with-if", 'join(",", [for i, x in local.l : "${i}${x}" if x != "a"])'),
    ("workspace", '"ws-${terraform.workspace}"'),
    ("path-module-root", '"${path.module}|${path.root}"'),
    ("arn-format", 'format("arn:aws:bedrock:%s::foundation-model/%s", "us-east-1", local.s)'),
    ("indent", 'indent(2, "a\\nb")'),
    ("strrev-length", '"${strrev("abc")}-${length("abcd")}-${length(local.m)}"'),
    ("setproduct", 'jsonencode(setproduct(["a"], ["x", "y"]))'),
    ("matchkeys", 'join(",", matchkeys(["i", "j"], ["us", "eu"], ["eu"]))'),
    ("alltrue-anytrue", '"${alltrue([true, "true"])}-${anytrue([])}"'),
    ("nested-template-number", '"n=${local.n * 1.5}"'),
    ("big-int", '"v=${12345678901234567890 * 10}"'),
]

#: Expressions Terraform rejects: the scan must not report a value.
REJECTED: list[tuple[str, str]] = [
    ("element-negative", "element(local.l, -1)"),
    ("format-s-list", 'format("%s", local.l)'),
    ("index-out-of-range", "local.l[10]"),
    ("dup-for-key", "jsonencode({ for x in local.l : x => x })"),
    ("template-null", '"${null}"'),
    ("one-of-two", 'one(["a", "b"])'),
    ("set-index", "toset(local.l)[0]"),
]

DIRECTIVES: list[tuple[str, str]] = [
    ("splat-full", 'join(",", [{ a = "x" }, { a = "y" }][*].a)'),
    ("splat-attr", 'join(",", [{ a = "x" }, { a = "y" }].*.a)'),
    ("directive-if", '"%{ if local.n > 5 }big%{ else }small%{ endif }"'),
    ("directive-for-strip", '"%{ for x in local.l ~} ${x} %{~ endfor }"'),
    ("directive-heredoc", "<<EOT\n%{ for k, v in local.m ~}\n${k}=${v}\n%{ endfor ~}\nEOT\n"),
]


def _expr_case(name: str, expr: str, expect: str = "") -> Case:
    main = PRELUDE + f'resource "aws_bedrockagent_agent" "r" {{\n  foundation_model = {expr}\n}}\n'
    return Case(f"hand-{name}", (("main.tf", main),), expect_unresolved=expect)


FILES: list[Case] = [
    Case(
        "hand-tfvars-precedence",
        (
            (
                "main.tf",
                'variable "m" {\n  default = "d"\n}\nresource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.m\n}\n',
            ),
            ("terraform.tfvars", 'm = "tfvars"\n'),
            ("b.auto.tfvars", 'm = "b-auto"\n'),
            ("a.auto.tfvars", 'm = "a-auto"\n'),
        ),
    ),
    Case(
        "hand-var-file-then-var",
        (
            ("main.tf", 'variable "m" {}\nresource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.m\n}\n'),
            ("x.auto.tfvars", 'm = "auto"\n'),
            ("extra.tfvars", 'm = "file"\n'),
        ),
        ("-var-file=extra.tfvars", "-var=m=cli"),
    ),
    Case(
        "hand-var-list-hcl",
        (
            (
                "main.tf",
                'variable "ms" {\n  type = list(string)\n}\nresource "aws_bedrockagent_agent" "r" {\n'
                "  for_each = toset(var.ms)\n  foundation_model = each.value\n}\n",
            ),
        ),
        ('-var=ms=["anthropic.claude-v2","amazon.titan-text-express-v1"]',),
    ),
    Case(
        "hand-var-untyped-literal",
        (("main.tf", 'variable "m" {}\nresource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.m\n}\n'),),
        ('-var=m=["x"]',),
    ),
    Case(
        "hand-count-string",
        (
            (
                "main.tf",
                'resource "aws_bedrockagent_agent" "r" {\n  count = "2"\n  foundation_model = "m-${count.index}"\n}\n',
            ),
        ),
    ),
    Case(
        "hand-optional-default",
        (
            (
                "main.tf",
                'variable "cfg" {\n  type = object({ model = optional(string, "anthropic.claude-v2"), n = optional(number) })\n'
                "  default = {}\n}\n"
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = "${var.cfg.model}/${var.cfg.n == null}"\n}\n',
            ),
        ),
    ),
    Case(
        "hand-nullable-false",
        (
            (
                "main.tf",
                'module "m" {\n  source = "./m"\n  model = null\n}\n',
            ),
            (
                "m/main.tf",
                'variable "model" {\n  default  = "amazon.titan-text-express-v1"\n  nullable = false\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.model\n}\n',
            ),
        ),
    ),
    Case(
        "hand-number-var-from-string",
        (
            (
                "main.tf",
                'variable "n" {\n  type = number\n  default = "3"\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  count = var.n\n  foundation_model = "m${var.n + count.index}"\n}\n',
            ),
        ),
    ),
    Case(
        "hand-for-each-list-rejected",
        (
            (
                "main.tf",
                'resource "aws_bedrockagent_agent" "r" {\n  for_each = ["a", "b"]\n  foundation_model = "x"\n}\n',
            ),
        ),
    ),
    Case(
        "hand-modules-two-deep",
        (
            ("main.tf", 'module "a" {\n  source = "./a"\n  for_each = { one = "x", two = "y" }\n  v = each.key\n}\n'),
            (
                "a/main.tf",
                'variable "v" {}\nmodule "b" {\n  source = "./b"\n  count = 2\n  v = "${var.v}-${count.index}"\n}\n',
            ),
            (
                "a/b/main.tf",
                'variable "v" {}\nresource "aws_bedrockagent_agent" "r" {\n  foundation_model = upper(var.v)\n}\n',
            ),
        ),
    ),
    Case(
        "hand-module-output",
        (
            (
                "main.tf",
                'module "a" {\n  source = "./a"\n}\nresource "aws_bedrockagent_agent" "r" {\n  foundation_model = module.a.model\n}\n',
            ),
            ("a/main.tf", 'output "model" {\n  value = "cohere.command-r-v1:0"\n}\n'),
        ),
    ),
    Case(
        "hand-sibling-module-outputs",
        (
            (
                "main.tf",
                'module "a" {\n  source = "./m"\n  model  = module.b.model\n}\n'
                'module "b" {\n  source = "./m"\n  model  = "amazon.titan-text-express-v1"\n}\n'
                'module "c" {\n  source = "./m"\n  model  = "${module.a.model}-${module.b.name}"\n}\n',
            ),
            (
                "m/main.tf",
                'variable "model" {}\noutput "model" {\n  value = var.model\n}\n'
                'output "name" {\n  value = "n-${var.model}"\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.model\n}\n',
            ),
        ),
    ),
    Case(
        "hand-modules-cross-outputs",
        (
            (
                "main.tf",
                'module "a" {\n  source = "./a"\n  suffix = module.b.name\n}\n'
                'module "b" {\n  source = "./b"\n  model  = module.a.model\n}\n',
            ),
            (
                "a/main.tf",
                'variable "suffix" {}\noutput "model" {\n  value = "anthropic.claude-v2"\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = "m-${var.suffix}"\n}\n',
            ),
            (
                "b/main.tf",
                'variable "model" {}\noutput "name" {\n  value = "bee"\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.model\n}\n',
            ),
        ),
    ),
    Case(
        "hand-module-output-cycle-rejected",
        (
            ("main.tf", 'module "a" {\n  source = "./m"\n  model  = module.a.model\n}\n'),
            (
                "m/main.tf",
                'variable "model" {}\noutput "model" {\n  value = var.model\n}\n'
                'resource "aws_bedrockagent_agent" "r" {\n  foundation_model = var.model\n}\n',
            ),
        ),
    ),
    Case(
        "hand-nested-module-arguments",
        (
            (
                "main.tf",
                'module "prompts" {\n  source = "./prompts"\n'
                '  variants = [{ name = "a", model_id = "anthropic.claude-v2" }, { name = "b", model_id = "x" }]\n'
                '  agents   = { one = { model = "m1" }, two = { model = "m2", extra = true } }\n}\n',
            ),
            (
                "prompts/main.tf",
                'variable "variants" {\n  type = list(object({ name = string, model_id = string }))\n}\n'
                'variable "agents" {\n  type = map(object({ model = string, extra = optional(bool, false) }))\n}\n'
                'resource "aws_bedrockagent_agent" "v" {\n  count = length(var.variants)\n'
                '  foundation_model = "${var.variants[count.index].name}/${var.variants[count.index].model_id}"\n}\n'
                'resource "aws_bedrockagent_agent" "a" {\n  for_each = var.agents\n'
                '  foundation_model = "${each.key}:${each.value.model}:${each.value.extra}"\n}\n',
            ),
        ),
    ),
    Case(
        "hand-apply-time",
        (
            (
                "main.tf",
                'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "x"\n}\n'
                'resource "aws_bedrockagent_agent" "b" {\n  foundation_model = try(aws_bedrockagent_agent.a.agent_arn, "fallback")\n}\n',
            ),
        ),
    ),
]


#: Strings known in part (an apply-time hole): Terraform knows none of these at
#: plan, except where a known part is taken out whole (`concat(...)[0]`); the
#: scan may keep the known text, never report a hole as known.
HOLE = 'resource "aws_bedrockagent_agent" "h" {\n  foundation_model = "x"\n}\n'
ARN = (
    '"arn:${aws_bedrockagent_agent.h.id}:bedrock:${aws_bedrockagent_agent.h.id}::foundation-model/anthropic.claude-v2"'
)
PARTLY_KNOWN: list[tuple[str, str]] = [
    ("template", ARN),
    ("replace-literal", f'replace({ARN}, "claude-v2", "claude-v2:1")'),
    ("replace-across-a-hole", 'replace("x${aws_bedrockagent_agent.h.id}yz", "1y", "Q")'),
    ("replace-regex", f'replace({ARN}, "/claude-v[0-9]/", "claude-v2:1")'),
    ("coalesce", f'coalesce(null, "", {ARN}, "amazon.titan-text-express-v1")'),
    ("coalesce-maybe-empty", 'coalesce("${aws_bedrockagent_agent.h.id}", "amazon.titan-text-express-v1")'),
    ("format", 'format("arn:%s:bedrock:%s::foundation-model/%s", aws_bedrockagent_agent.h.id, "us-east-1", "x.y")'),
    ("format-width", 'format("arn:%5s::foundation-model/%s", aws_bedrockagent_agent.h.id, "x.y")'),
    ("join", 'join("", ["arn:", aws_bedrockagent_agent.h.id, ":bedrock:us-east-1::foundation-model/x.y"])'),
    ("concat-known-item", 'concat(["anthropic.claude-v2"], [aws_bedrockagent_agent.h.id])[0]'),
    ("try-known-in-part", f'try({ARN}, "amazon.titan-text-express-v1")'),
    ("upper", f"upper({ARN})"),
    (
        "replace-with-a-hole",
        'replace("arn:aws:bedrock:us-east-1::foundation-model/x.y", "arn:aws", "arn:${aws_bedrockagent_agent.h.id}")',
    ),
    ("replace-nothing", 'replace("anthropic.claude-v2", "zzz", aws_bedrockagent_agent.h.id)'),
    (
        "undecided-condition",
        'aws_bedrockagent_agent.h.id == "a" ? "anthropic.claude-v2" : "amazon.titan-text-express-v1"',
    ),
    ("undecided-in-template", '"anthropic.claude-${aws_bedrockagent_agent.h.id == "a" ? "v2" : "instant-v1"}"'),
    ("undecided-in-call", 'lower(aws_bedrockagent_agent.h.id == "a" ? "A.B" : "C.D")'),
]


def _partly_case(name: str, expr: str) -> Case:
    main = PRELUDE + HOLE + f'resource "aws_bedrockagent_agent" "r" {{\n  foundation_model = {expr}\n}}\n'
    return Case(f"hand-partly-{name}", (("main.tf", main),))


def cases() -> list[Case]:
    out = [_expr_case(n, e) for n, e in EXPRESSIONS]
    out += [_expr_case(n, e) for n, e in REJECTED]
    out += [_expr_case(n, e, "template directives and splats need the new HCL parser") for n, e in DIRECTIVES]
    out += [_partly_case(n, e) for n, e in PARTLY_KNOWN]
    out += FILES
    return out
