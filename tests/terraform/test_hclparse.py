"""Our HCL parser (checker/sources/terraform/hclparse.py): the tree it builds
for each construct, its errors on what Terraform rejects, and differential
tests against python-hcl2 8.x (the reference, a dev dependency) with the real
`terraform` binary deciding where the two disagree.

Every disagreement found so far was python-hcl2's: it rejects inline comments
before `=` and strip markers in `${~ }`, keeps the closing marker's
indentation in a heredoc's text, leaves `$${` / `%%{` escaped in heredocs and
trims `<<-` heredocs differently from Terraform.  The tests below pin each
with what `terraform console` / `terraform fmt` (1.11) answer.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.sources.terraform.hclast import (
    Attribute,
    BinOp,
    Block,
    Call,
    Cond,
    Expr,
    ForExpr,
    GetAttr,
    HclSyntaxError,
    Index,
    Lit,
    Name,
    ObjectExpr,
    Opaque,
    Splat,
    SplatItem,
    Template,
    TemplateFor,
    TemplateIf,
    TupleExpr,
    Unary,
    parse_hcl,
)
from checker.sources.terraform.hclparse import parse_body, parse_template
from tests.terraform.hcl2_reference import Tally, compare
from tests.terraform.hclgen import configs, heredoc

TERRAFORM = shutil.which("terraform")
TF_ENV = dict(os.environ, CHECKPOINT_DISABLE="1", TF_IN_AUTOMATION="1", TF_CLI_CONFIG_FILE=os.devnull)
needs_terraform = pytest.mark.skipif(TERRAFORM is None, reason="the terraform binary (the oracle) is not on PATH")


def expr(source: str) -> Expr:
    [attr] = parse_body(f"x = {source}\n")
    assert isinstance(attr, Attribute)
    return attr.expr


def walk(e: Any) -> list[Expr]:
    out: list[Expr] = []
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, Expr):
            out.append(x)
            stack.extend(getattr(x, f) for f in x.__dataclass_fields__ if f not in ("line", "column", "text"))
        elif isinstance(x, tuple):
            stack.extend(x)
    return out


def body_exprs(body: tuple[Attribute | Block, ...]) -> list[Expr]:
    out: list[Expr] = []
    for item in body:
        if isinstance(item, Attribute):
            out += walk(item.expr)
        else:
            out += body_exprs(item.body)
    return out


# --- the tree of each construct ------------------------------------------------


def test_operator_precedence_is_terraforms() -> None:
    e = expr("a || b && c == d + e * -f")
    assert isinstance(e, BinOp) and e.op == "||"
    assert isinstance(e.right, BinOp) and e.right.op == "&&"
    eq = e.right.right
    assert isinstance(eq, BinOp) and eq.op == "=="
    add = eq.right
    assert isinstance(add, BinOp) and add.op == "+"
    mul = add.right
    assert isinstance(mul, BinOp) and mul.op == "*" and isinstance(mul.right, Unary) and mul.right.op == "-"
    left = expr("a / b * c")  # left-associative within a level
    assert isinstance(left, BinOp) and left.op == "*" and isinstance(left.left, BinOp) and left.left.op == "/"
    rel = expr("1 < 2 == 3 >= 4")
    assert isinstance(rel, BinOp) and rel.op == "==" and isinstance(rel.left, BinOp) and rel.left.op == "<"
    cond = expr("a ? b : c ? d : e")
    assert isinstance(cond, Cond) and isinstance(cond.other, Cond)
    assert expr("-5") == Lit(1, 5, "-5", -5)
    assert isinstance(expr("--5"), Unary)


def test_positions_and_text_of_nested_nodes() -> None:
    src = (
        'resource "aws_bedrockagent_agent" "a" {\n  foundation_model = lookup(var.models,\n    "x", local.default)\n}\n'
    )
    [block] = parse_body(src, line_offset=10)
    assert isinstance(block, Block)
    assert (block.type, block.labels, block.line, block.end_line) == (
        "resource",
        ("aws_bedrockagent_agent", "a"),
        11,
        14,
    )
    attr = block.attributes()["foundation_model"]
    assert (attr.line, attr.column) == (12, 3)
    call = attr.expr
    assert isinstance(call, Call) and (call.line, call.column, call.name) == (12, 22, "lookup")
    assert call.text == 'lookup(var.models,\n    "x", local.default)'
    models, x, default = call.args
    assert (models.line, models.column, models.text) == (12, 29, "var.models")
    assert (x.line, x.column, x.text) == (13, 5, '"x"') and x == Lit(13, 5, '"x"', "x")
    assert isinstance(default, GetAttr) and (default.line, default.column) == (13, 10)


def test_collections_calls_and_for_expressions() -> None:
    t = expr("[1, 2.5, 3e2, true, null,]")
    assert isinstance(t, TupleExpr) and [i.value for i in t.items if isinstance(i, Lit)] == [1, 2.5, 300.0, True, None]
    o = expr('{ a = 1, "b c" : 2\n (k) = 3\n for_each = 4 }')
    assert isinstance(o, ObjectExpr)
    keys = [k for k, _ in o.items]
    assert keys[0] == Lit(1, 7, "a", "a") and keys[1] == Lit(1, 14, '"b c"', "b c")
    assert keys[2] == Name(2, 3, "k", "k")  # parenthesised: the variable k, not the string "k"
    assert keys[3] == Lit(3, 2, "for_each", "for_each")
    c = expr("provider::aws::arn_parse(var.arn)")
    assert isinstance(c, Call) and c.name == "provider::aws::arn_parse"
    assert isinstance(expr("concat(var.a...)"), Call) and expr("concat(var.a...)").expand  # type: ignore[attr-defined]
    f = expr("{for k, v in var.m : upper(k) => v... if v != null}")
    assert isinstance(f, ForExpr) and f.is_object and f.grouping and (f.key_var, f.value_var) == ("k", "v")
    assert f.cond is not None and f.key_expr is not None
    g = expr('[for s in var.list : s if s != ""]')
    assert isinstance(g, ForExpr) and not g.is_object and g.key_var is None


def test_traversals_legacy_index_and_splats() -> None:
    e = expr("aws_instance.web.0.id")
    assert isinstance(e, GetAttr) and e.name == "id"
    assert isinstance(e.obj, Index) and e.obj.key == Lit(1, 22, "0", 0)
    s = expr('aws_instance.web[*].tags["Name"]')
    assert isinstance(s, Splat) and s.full and isinstance(s.obj, GetAttr)
    assert isinstance(s.each, Index) and isinstance(s.each.obj, GetAttr) and isinstance(s.each.obj.obj, SplatItem)
    a = expr("aws_instance.web.*.id[0]")  # an attribute-only splat stops at the index
    assert isinstance(a, Index) and isinstance(a.obj, Splat) and not a.obj.full
    assert isinstance(a.obj.each, GetAttr) and a.obj.each.name == "id"
    assert a.text == "aws_instance.web.*.id[0]" and a.obj.text == "aws_instance.web.*.id"


def test_strings_escapes_and_templates() -> None:
    assert expr(r'"a\n\t\"\\\u00e9\U0001F600"') == Lit(1, 5, r'"a\n\t\"\\\u00e9\U0001F600"', 'a\n\t"\\é😀')
    assert expr('"$${x} %%{y} $ % $$"').value == "${x} %{y} $ % $$"  # type: ignore[attr-defined]
    t = expr('"arn:${var.p}:${~ "x" ~}  y"')
    assert isinstance(t, Template)
    assert t.parts[0] == "arn:" and isinstance(t.parts[1], GetAttr) and t.parts[2] == ":"
    assert t.parts[3] == Lit(1, 23, '"x"', "x") and t.parts[4] == "y"  # `~}` strips the blanks after it
    assert isinstance(expr('"${x}"'), Template)  # a lone interpolation stays one, so it unwraps
    d = expr('"%{ if var.on ~}  on %{~ else ~} off %{~ endif }!"')
    assert isinstance(d, Template) and isinstance(d.parts[0], TemplateIf) and d.parts[1] == "!"
    cond = d.parts[0]
    assert cond.then == Lit(1, 21, "  on ", "on") and cond.other == Lit(1, 37, " off ", "off")
    assert cond.text == "%{ if var.on ~}  on %{~ else ~} off %{~ endif }"
    f = expr('"%{ for k, v in var.m }${k}=${v},%{ endfor }"')
    assert isinstance(f, Template) and isinstance(f.parts[0], TemplateFor)
    loop = f.parts[0]
    assert (loop.key_var, loop.value_var) == ("k", "v") and isinstance(loop.body, Template)
    assert [p if isinstance(p, str) else p.text for p in loop.body.parts] == ["k", "=", "v", ","]


def test_heredocs() -> None:
    src = "x = <<EOT\n  hello ${var.name}\n$${literal}\n  EOT\ny = <<-EOT\n    a\n      b\n\n    c\n    EOT\nz = 1\n"
    x, y, z = parse_body(src)
    assert isinstance(x, Attribute) and isinstance(x.expr, Template)
    assert x.expr.parts[0] == "  hello " and x.expr.parts[2] == "\n${literal}\n"
    name = x.expr.parts[1]
    assert isinstance(name, GetAttr) and (name.line, name.column) == (2, 11)
    assert x.expr.text == "<<EOT\n  hello ${var.name}\n$${literal}\n  EOT"
    assert isinstance(y, Attribute) and y.expr == Lit(5, 5, y.expr.text, "a\n  b\n\nc\n")
    assert isinstance(z, Attribute) and z.line == 11
    crlf = parse_body("x = <<EOT\r\nline\r\nEOT\r\n")[0]
    assert isinstance(crlf, Attribute) and crlf.expr.value == "line\r\n"  # type: ignore[attr-defined]


def test_comments_of_every_kind_and_one_line_blocks() -> None:
    src = (
        "# hash\n// slashes\n/* block\n comment */\n"
        "a /* inline */ = 1 # trailing\n"
        "b = [ # inside a list\n  1, /* and */ 2, // here\n]\n"
        "c { d = 2 }\n"
        "e {}\n"
        'in "x" { for = 1 }\n'
    )
    a, b, c, e, in_ = parse_body(src)
    assert isinstance(a, Attribute) and (a.line, a.column) == (5, 1) and a.expr == Lit(5, 18, "1", 1)
    assert isinstance(b, Attribute) and isinstance(b.expr, TupleExpr) and len(b.expr.items) == 2
    assert isinstance(c, Block) and c.attributes()["d"].expr == Lit(9, 9, "2", 2)
    assert isinstance(e, Block) and e.body == ()
    assert isinstance(in_, Block) and in_.type == "in" and in_.attributes()["for"].expr.text == "1"


def test_an_integer_too_long_for_python_is_an_unknown_number() -> None:
    digits = "7" * 5000
    e = expr(f"[{digits}, a.{digits}, -{digits}]")
    assert isinstance(e, TupleExpr)
    big, index, neg = e.items
    assert isinstance(big, Opaque) and big.text == "7" * 80
    assert isinstance(index, Index) and isinstance(index.key, Opaque)
    assert isinstance(neg, Unary) and isinstance(neg.operand, Opaque)


def test_unicode_names_and_a_byte_order_mark() -> None:
    # Terraform reads both (terraform fmt accepts them); python-hcl2 reads neither.
    [attr] = parse_body("\ufeffnom = éte\n")
    assert isinstance(attr, Attribute) and attr.expr == Name(1, 7, "éte", "éte")


def test_json_strings_are_bare_templates() -> None:
    e = parse_template('arn:${var.p}:"quoted" \\n $${x}', 7)
    assert isinstance(e, Template) and e.line == 7
    assert e.parts[0] == "arn:" and isinstance(e.parts[1], GetAttr) and e.parts[2] == ':"quoted" \\n ${x}'


def test_parse_hcl_keeps_its_api_and_memo() -> None:
    text = 'variable "m" {\n  default = "x"\n}\n'
    a = parse_hcl(text, "a.tf", 4)
    b = parse_hcl(text, "b.tf", 4)
    assert a.path == "a.tf" and b.body is a.body and isinstance(a.body[0], Block) and a.body[0].line == 5


def test_checker_never_imports_hcl2_or_lark() -> None:
    """Our package must run where checkov's bc-python-hcl2 owns `hcl2`: a
    scan of sample_iac/ loads neither package."""
    code = (
        "import sys\n"
        "from checker.cli import main\n"
        "try:\n    main(['scan', 'sample_iac', '--format', 'json', '--output', '/dev/null'])\n"
        "except SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark'))\n"
        "print(bad)\n"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr[-2000:]


# --- what Terraform rejects, we reject -----------------------------------------

BROKEN = [
    # (source, line, column, what the message says)
    ('a = "abc\n', 1, 5, "unterminated string"),
    ("a = <<EOF\nabc\n", 1, 5, "unterminated heredoc: no line holding only 'EOF' closes it"),
    ("a = <<EOF\nabc\nEOF", 1, 5, "unterminated heredoc"),  # the marker's line must end
    ('a = "${x"\n', 1, 9, "unterminated string"),
    ('a = "${x\n', 1, 6, "unterminated '${' or '%{'"),
    ('a = "%{ if x }y"\n', 1, 6, "'%{ if }' without a matching '%{ endif }'"),
    ('a = "%{ endif }"\n', 1, 6, "'%{ endif }' without a matching 'if' or 'for'"),
    ('a = "%{ for x in y }"\n', 1, 6, "'%{ for }' without a matching '%{ endfor }'"),
    ('a = "%{ while x }"\n', 1, 9, "expected 'if', 'else', 'endif', 'for' or 'endfor' after '%{'"),
    ("a = [1, 2\n", 2, 1, "expected ',' or ']' after a list item, found end of file"),
    ("a = {b = 1\n", 2, 1, "expected '}' closing the object, found end of file"),
    ("a = (1 + 2\n", 2, 1, "expected ')' closing the parenthesis"),
    ("b {\n  a = 1\n", 3, 1, "expected '}' closing the 'b' block opened at line 1, found end of file"),
    ("a = f(1, 2\n", 2, 1, "expected ',' or ')' after a function argument"),
    ("a = /* x\n", 1, 5, "unterminated comment"),
    ('a = "\\q"\n', 1, 6, "invalid escape sequence: backslash before 'q'"),
    ('a = "\\u12"\n', 1, 6, "invalid escape \\u: it needs exactly 4 hexadecimal digits"),
    ('a = "\\ud800"\n', 1, 6, "not a Unicode character"),
    ('a = "\\U00110000"\n', 1, 6, "not a Unicode character"),
    ("a = 1 +\n", 1, 8, "expected an expression, found end of line"),
    ("a = 1 ?\n 2 : 3\n", 1, 8, "expected an expression, found end of line"),
    ("a = [1 2]\n", 1, 8, "expected ',' or ']' after a list item, found number 2"),
    ("a = {b = 1 c = 2}\n", 1, 12, "expected ',', a new line or '}' after an object item, found 'c'"),
    ("a = { b = 1 +\n 2 }\n", 1, 14, "expected an expression, found end of line"),
    ('a = "x" "y"\n', 1, 9, "expected a new line after the attribute's value, found a string"),
    ("b { c {} }\n", 1, 5, "one-line block (which holds at most one attribute)"),
    ("b {\n} c {\n}\n", 2, 3, "expected a new line after a block's closing '}', found 'c'"),
    ('a = "${x ~ }"\n', 1, 10, "a strip marker '~' must come right before the '}'"),
    ("a = a.0.1\n", 1, 7, "after '.', found number 0.1"),  # the spec: `0.1` is a number
    ("a = {for = 1}\n", 1, 10, "expected a variable name after 'for'"),  # the spec: `for` opens a for expression
    ("a = [for, x]\n", 1, 9, "expected a variable name after 'for'"),
    ('"a" = 1\n', 1, 1, "expected an attribute name or a block type, found a string"),
    ("a = \x01\n", 1, 5, "unexpected character '\\x01'"),
    ('b "${x}" {}\n', 1, 4, "a label cannot hold '${' or '%{'"),
    ("a = <<EOF \nx\nEOF\n", 1, 5, "a heredoc opens with <<MARKER"),
    ("a = x\n.b\n", 2, 1, "expected an attribute name or a block type, found '.'"),
    ("a = 1e\n", 1, 6, "expected a new line after the attribute's value, found 'e'"),
    ("a = 1\nb = 2\na = 3\n", 3, 1, "the argument 'a' was already set at line 1"),
]


@pytest.mark.parametrize(("source", "line", "column", "message"), BROKEN, ids=[repr(b[0]) for b in BROKEN])
def test_broken_syntax_is_rejected_with_line_column_and_what_was_expected(
    source: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(HclSyntaxError) as err:
        parse_body(source)
    assert (err.value.line, err.value.column) == (line, column), str(err.value)
    assert message in str(err.value)
    assert str(err.value).endswith(f"(at column {column})")


def _terraform_fmt_accepts(source: str) -> bool:
    assert TERRAFORM is not None
    r = subprocess.run([TERRAFORM, "fmt", "-no-color", "-"], input=source, capture_output=True, text=True, env=TF_ENV)
    return r.returncode == 0


@needs_terraform
def test_terraform_rejects_the_broken_corpus_too() -> None:
    accepted = [src for src, *_ in BROKEN if _terraform_fmt_accepts(src)]
    assert accepted == []


# --- values Terraform computes for the templates we build ------------------------


def _render(e: Expr | str, env: dict[str, Any]) -> Any:
    """Enough of an evaluator for literal templates and directives: the value
    the tree stands for, to compare with `terraform console`."""
    if isinstance(e, str):
        return e
    if isinstance(e, Lit):
        return e.value
    if isinstance(e, Name):
        return env[e.name]
    if isinstance(e, TupleExpr):
        return [_render(i, env) for i in e.items]
    if isinstance(e, Template):
        vals = [_render(p, env) for p in e.parts]
        if len(vals) == 1 and not isinstance(e.parts[0], (str, TemplateIf, TemplateFor)):
            return vals[0]
        return "".join(v if isinstance(v, str) else json.dumps(v) for v in vals)
    if isinstance(e, TemplateIf):
        if _render(e.cond, env):
            return _render(e.then, env)
        return _render(e.other, env) if e.other is not None else ""
    if isinstance(e, TemplateFor):
        coll = _render(e.collection, env)
        return "".join(_render(e.body, {**env, e.value_var: v}) for v in coll)
    raise AssertionError(f"not a literal template: {e!r}")


def _terraform_values(sources: list[str]) -> list[Any]:
    """The values `terraform console` gives each expression, in one run."""
    assert TERRAFORM is not None
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        body = "".join(f"  v{i} = {s}\n" for i, s in enumerate(sources))
        Path(d, "main.tf").write_text("locals {\n" + body + "}\n")
        # one expression: piped, the console reads its whole input as one
        script = "jsonencode([" + ", ".join(f"local.v{i}" for i in range(len(sources))) + "])\n"
        r = subprocess.run([TERRAFORM, "console"], input=script, cwd=d, capture_output=True, text=True, env=TF_ENV)
    assert r.returncode == 0, r.stderr
    values: list[Any] = json.loads(json.loads(r.stdout))
    return values


TEMPLATES = [
    # strip markers reach only the literal next to them (terraform console)
    '"a ${~ "b" ~} c"',
    '"%{ if true ~}  yes  %{~ else ~}  no  %{~ endif ~} !"',
    '"%{ for s in ["x", "y"] ~} [${s}] %{~ endfor }"',
    '"${"a"}${~ " b " ~}${"c"}"',
    '"%{ if false }yes%{ endif }"',
    '"%%{ if } $${x} %% $"',
    '"$${${0}"',  # python-hcl2 reads `$${${0}` as one escape
    # heredocs: indentation, closing marker, blank lines, strip markers
    "<<EOT\n  a\n    b\n  EOT\n",
    "<<-EOT\n    a\n      b\n\n    c\n    EOT\n",
    "<<-EOT\n\ttab\n  two\n  EOT\n",
    '<<-EOT\n  %{ for s in ["a", "b"] ~}\n  ${s}\n  %{ endfor ~}\n  EOT\n',
    '<<-EOT\n    hello\n      ${"x"}\n    %{ if true ~}\n    yes\n    %{~ endif }\n  EOT\n',
    "<<EOT\n$${literal} %%{ x }\nEOT\n",
    "<<-EOT\n  \n  x\n \nEOT\n",
    "<<EOT\nEOT\n",
]


@needs_terraform
def test_template_values_match_terraform() -> None:
    ours = [
        _render(expr(s.rstrip("\n")) if not s.startswith("<<") else parse_body(f"x = {s}")[0].expr, {})
        for s in TEMPLATES
    ]  # type: ignore[union-attr]
    assert ours == _terraform_values(TEMPLATES)


@needs_terraform
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(heredoc(), min_size=1, max_size=8))
def test_generated_heredocs_match_terraform(docs: list[str]) -> None:
    """python-hcl2 gets heredoc text wrong in several ways (see the module
    docstring), so heredocs are compared with Terraform itself."""
    docs = [d.replace("${var.x}", '${"X"}') for d in docs]
    ours = [_render(parse_body(f"x = {d}")[0].expr, {}) for d in docs]  # type: ignore[union-attr]
    assert ours == _terraform_values(docs)


# --- differential: our tree against python-hcl2's --------------------------------


def _no_heredocs(src: str) -> bool:
    return "<<" not in src


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(configs().filter(_no_heredocs))
def test_generated_configurations_agree_with_python_hcl2(src: str) -> None:
    """Every attribute and block: name, labels, position, value, and every
    expression node's type, position and text.  When only one side accepts
    the text, `terraform fmt` decides (when it is on PATH)."""
    outcome, ours, ref, diffs = compare(src, Tally())
    if outcome in ("we refuse", "python-hcl2 refuses") and TERRAFORM is not None:
        assert _terraform_fmt_accepts(src) == (outcome == "python-hcl2 refuses"), (src, ours, ref)
    assert diffs == []


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(configs(extra=True))
def test_every_node_has_a_real_position_and_its_own_text(src: str) -> None:
    """Splats and directives too (python-hcl2 has no type for them): each
    node's text is the source found at its line and column."""
    try:
        body = parse_body(src)
    except HclSyntaxError:
        return
    lines = src.split("\n")
    for e in body_exprs(body):
        if isinstance(e, SplatItem) or e.text == "":
            continue
        assert e.line >= 1 and e.column >= 1
        at = "\n".join(lines[e.line - 1 :])[e.column - 1 :]
        assert at.startswith(e.text), (e, at[:80])
