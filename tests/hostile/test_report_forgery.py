"""A scanned repository cannot forge a report: file names, logical ids and
values carrying ANSI escapes, carriage returns, newlines, Markdown, HTML,
XML-forbidden characters and spreadsheet formulas reach every format
escaped, and the good file of the same scan keeps its finding."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import cmarkgfm
import pytest

GOOD = 'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'

#: A file name that clears the screen, returns the cursor, starts a new
#: line, opens HTML and a link, and holds a character XML 1.0 forbids.
EVIL_NAME = "evil\x1b[2J\rname\n`<img src=x>|[a](javascript:e)\x08`.template"
EVIL_ID = "Ag`<b>x</b>|[l](https://evil.example)@team\x1b[31m=cmd|"
TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  "Ag`<b>x</b>|[l](https://evil.example)@team\\x1b[31m=cmd|":
    Type: AWS::Bedrock::Agent
    Properties:
      FoundationModel: "anthropic.claude-v2"
  Other:
    Type: AWS::Bedrock::Agent
    Properties:
      FoundationModel: "=HYPERLINK(\\"http://e\\")\\e[2J\\rSUMMARY\\x0b"
"""
#: A GitHub Actions workflow command: a log line starting so would mask
#: everything after it or forge an annotation.
COMMAND_NAME = "::add-mask::all clear.tf"
FORMATS = ("text", "markdown", "junit", "csv", "sarif", "json", "codeclimate", "html")


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One run of the CLI, every format to a file (text also to stdout),
    with colour forced on and a umask of 027."""
    root = tmp_path_factory.mktemp("forgery")
    repo = root / "repo"
    repo.mkdir()
    (repo / "good.tf").write_text(GOOD)
    (repo / EVIL_NAME).write_text(TEMPLATE)
    (repo / COMMAND_NAME).write_text(GOOD.replace('"good"', '"masked"'))
    out = root / "out"
    out.mkdir()
    argv = [sys.executable, "-m", "checker", "scan", ".", "--as-of", "2026-11-24", "-f", "text"]
    for fmt in FORMATS:
        argv += ["-f", fmt, "-o", str(out / fmt)]
    env = {**os.environ, "FORCE_COLOR": "1", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("NO_COLOR", None)
    proc = subprocess.run(
        ["sh", "-c", 'umask 027 && exec "$@"', "sh", *argv],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    got = {fmt: (out / fmt).read_text() for fmt in FORMATS}
    got["stdout"] = proc.stdout
    got["modes"] = " ".join(oct((out / fmt).stat().st_mode & 0o777) for fmt in FORMATS)
    return got


def test_text_escapes_every_control_character(reports: dict[str, str]) -> None:
    for name in ("stdout", "text"):
        body = reports[name]
        # Colour codes are ours (forced on for the terminal), never input's.
        plain = body.replace("\033[0m", "").replace("\033[1m", "").replace("\033[31m", "")
        assert not any(ord(c) < 0x20 and c != "\n" for c in plain), name
        assert "evil\\x1b[2J\\rname\\n`<img src=x>|[a](javascript:e)\\x08`.template\n" in plain
        assert "Ag`<b>x</b>|[l](https://evil.example)@team\\x1b[31m=cmd|" in plain
        assert '= =HYPERLINK("http://e")\\x1b[2J\\rSUMMARY\\x0b  (' in plain
        # One summary line, the last, and the good file's finding.
        assert [ln for ln in plain.splitlines() if "model reference(s) in" in ln] == [plain.splitlines()[-1]]
        assert "aws_bedrockagent_agent.good" in plain


def test_no_line_is_a_ci_workflow_command(reports: dict[str, str]) -> None:
    for name in ("stdout", "text", "csv", "markdown"):
        assert not [ln for ln in reports[name].splitlines() if ln.lstrip().startswith("::")], name
    assert "\\x3a:add-mask::all clear.tf\n" in reports["text"]
    assert "aws_bedrockagent_agent.masked" in reports["text"]


def test_colour_only_on_the_terminal_never_in_output_files(reports: dict[str, str]) -> None:
    assert "\033[31merror" in reports["stdout"]
    for fmt in FORMATS:
        assert "\x1b" not in reports[fmt], fmt


def test_markdown_renders_as_text_on_github(reports: dict[str, str]) -> None:
    html = cmarkgfm.github_flavored_markdown_to_html(reports["markdown"])
    assert "<img" not in html and "<b>" not in html and "<a " not in html
    rows = [r for r in html.split("<tr>")[1:] if "<td>" in r]
    # Three findings of eight cells, and the undecided reference of four:
    # hostile names add no row and no cell.
    assert sorted(r.count("<td>") for r in rows) == [4, 8, 8, 8], html
    assert "Ag`&lt;b&gt;x&lt;/b&gt;|[l](https://evil.example)@team\\x1b[31m=cmd|" in html
    assert "<code>aws_bedrockagent_agent.good</code>" in html


def test_html_holds_no_markup_from_input(reports: dict[str, str]) -> None:
    from html.parser import HTMLParser

    tags: set[str] = set()

    class Tags(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.add(tag)

    Tags().feed(reports["html"])
    assert "img" not in tags and "b" not in tags  # the page's own tags only
    assert "Ag`&lt;b&gt;x&lt;/b&gt;|[l](https://evil.example)@team\\x1b[31m=cmd|" in reports["html"]


def test_junit_always_parses(reports: dict[str, str]) -> None:
    suite = ET.fromstring(reports["junit"].encode())
    classes = {c.get("classname") for c in suite.iter("testcase")}
    # Carriage return and newline are XML; ESC and backspace are not.
    assert "evil\\x1b[2J\rname\n`<img src=x>|[a](javascript:e)\\x08`.template" in classes
    assert "good.tf" in classes


def test_csv_cells_never_start_a_formula(reports: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(reports["csv"])))
    cells = [c for r in rows for c in r.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r") or (c[:1] == "-" and not c[1:].isdigit())]
    other = next(r for r in rows if r["resource"] == "Other")
    assert other["raw"] == '\'=HYPERLINK("http://e")\\x1b[2J\\rSUMMARY\\x0b'
    assert any(r["resource"] == "aws_bedrockagent_agent.good" for r in rows)


def test_sarif_uris_are_percent_encoded(reports: dict[str, str]) -> None:
    run = json.loads(reports["sarif"])["runs"][0]
    uris = {loc["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for loc in r["locations"]}
    assert uris == {
        "good.tf",
        "evil%1B%5B2J%0Dname%0A%60%3Cimg%20src%3Dx%3E%7C%5Ba%5D%28javascript%3Ae%29%08%60.template",
        "%3A%3Aadd-mask%3A%3Aall%20clear.tf",
    }
    assert {unquote(u) for u in uris} == {"good.tf", EVIL_NAME, COMMAND_NAME}


def test_report_files_are_created_with_the_umask(reports: dict[str, str]) -> None:
    assert reports["modes"] == " ".join(["0o640"] * len(FORMATS))
