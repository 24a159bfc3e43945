"""How results are shown: one renderer per format, all reading ScanResult."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from checker.model import ScanResult

#: format name -> "module:function" rendering a ScanResult to text.
FORMATS: dict[str, str] = {
    "text": "checker.reports.text:render",
    "json": "checker.reports.json_report:render",
    "sarif": "checker.reports.sarif:render",
    "junit": "checker.reports.junit:render",
    "markdown": "checker.reports.markdown:render",
    "csv": "checker.reports.csv_report:render",
    "codeclimate": "checker.reports.codeclimate:render",
    "html": "checker.reports.html:render",
}


def renderer(format_name: str) -> Callable[[ScanResult], str]:
    module_name, _, func = FORMATS[format_name].partition(":")
    fn: Callable[[ScanResult], str] = getattr(import_module(module_name), func)
    return fn


def render(format_name: str, result: ScanResult) -> str:
    return renderer(format_name)(result)
