"""How results are shown: one renderer per format, all reading ScanResult."""

from __future__ import annotations

import enum
from collections.abc import Callable

from checker.model import ScanResult
from checker.util.enums import assert_never


class OutputFormat(str, enum.Enum):
    """The report formats `--format` accepts."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    CSV = "csv"
    CODECLIMATE = "codeclimate"
    HTML = "html"


#: Format names, for `--format` and the tests.
FORMATS: tuple[str, ...] = tuple(f.value for f in OutputFormat)


def renderer(format_name: str) -> Callable[[ScanResult], str]:
    """The renderer of a format, imported only when asked for (a scan that
    writes text never imports the SARIF module)."""
    fmt = OutputFormat(format_name)
    if fmt is OutputFormat.TEXT:
        from checker.reports.text import render as text

        return text
    if fmt is OutputFormat.JSON:
        from checker.reports.json_report import render as json_report

        return json_report
    if fmt is OutputFormat.SARIF:
        from checker.reports.sarif import render as sarif

        return sarif
    if fmt is OutputFormat.JUNIT:
        from checker.reports.junit import render as junit

        return junit
    if fmt is OutputFormat.MARKDOWN:
        from checker.reports.markdown import render as markdown

        return markdown
    if fmt is OutputFormat.CSV:
        from checker.reports.csv_report import render as csv_report

        return csv_report
    if fmt is OutputFormat.CODECLIMATE:
        from checker.reports.codeclimate import render as codeclimate

        return codeclimate
    if fmt is OutputFormat.HTML:
        from checker.reports.html import render as html

        return html
    assert_never(fmt)


def render(format_name: str, result: ScanResult, to_file: bool = False) -> str:
    """`to_file`: the report goes to an `--output` file, which never gets
    terminal colour codes whatever the environment says (FORCE_COLOR is for
    the terminal's log, not for an artefact a later step parses)."""
    if to_file and format_name == "text":
        from checker.reports.text import render as render_text

        return render_text(result, colour=False)
    return renderer(format_name)(result)
