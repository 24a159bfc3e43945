"""One escaping function per report format, for every piece of text that
comes from the scanned repository (file names, resource names, values,
messages that quote them).

The scanned tree is untrusted: a file name with an ANSI escape could clear
a reviewer's terminal, a carriage return could overwrite a summary line, a
backtick in a logical id could open a link or raw HTML in a pull-request
comment, a control character could make a JUnit file unparsable, and a cell
starting with `=` runs as a formula when the CSV inventory is opened in a
spreadsheet.  Each format calls its own function here on every
input-derived string, so the rule lives in one place.
"""

from __future__ import annotations

import html as _html
import re
from urllib.parse import quote

#: C0 controls, DEL, C1 controls, and the Unicode format characters that
#: reorder or hide text (bidirectional overrides and isolates, zero-width
#: joiners, the BOM): none belongs in a file name or a model id, and each can
#: make a line read differently from what it is.
_UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def _visible(ch: str) -> str:
    code = ord(ch)
    if ch == "\n":
        return "\\n"
    if ch == "\r":
        return "\\r"
    if ch == "\t":
        return "\\t"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def text(value: object) -> str:
    """For a terminal or a log: every control and reordering character is
    shown as a visible escape (`\\x1b`, `\\r`, `\\n`), so one input string
    stays on one line and cannot move the cursor or change colours.  A
    leading `::` (after spaces) becomes `\\x3a:`: CI runners (GitHub Actions
    workflow commands) act on a log line that starts so, and a file named
    `::add-mask::...` or `::error ...::` must not hide output or forge an
    annotation."""
    s = str(value)
    if _UNSAFE_TEXT.search(s):
        s = _UNSAFE_TEXT.sub(lambda m: _visible(m.group()), s)
    if s.lstrip(" ").startswith("::"):
        i = len(s) - len(s.lstrip(" "))
        s = s[:i] + "\\x3a" + s[i + 1 :]
    return s


#: Characters XML 1.0 forbids anywhere in a document (the C0 controls but
#: tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF).
#: C1 controls are allowed but discouraged and invisible, so they go too.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml(value: object) -> str:
    """For JUnit: forbidden characters become visible escapes, so the file
    always parses; ElementTree escapes `&`, `<`, `>` and quotes itself."""
    s = str(value)
    return _XML_FORBIDDEN.sub(lambda m: _visible(m.group()), s) if _XML_FORBIDDEN.search(s) else s


#: CommonMark lets any ASCII punctuation be backslash-escaped; escaping all
#: of it leaves no emphasis, link, autolink (`https://`, `www.`, `@`), HTML
#: tag, entity, table separator or heading that input could start.
_MD_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
#: What may sit inside a code span unchanged: no backtick to close it early,
#: no `|` (a table splits cells on it even inside code), nothing unsafe.
_MD_CODE_SAFE = re.compile(r"[^`|\\]*")


def markdown(value: object) -> str:
    """Plain Markdown text, for GitHub-flavoured Markdown (pull-request
    comments, job summaries): shows exactly the input's characters."""
    return _MD_PUNCT.sub(r"\\\1", text(value))


def markdown_code(value: object) -> str:
    """A value shown as `code` when it can be; otherwise as escaped plain
    text, since a code span cannot escape a backtick inside it."""
    s = text(value)
    if s and _MD_CODE_SAFE.fullmatch(s) and s.strip() == s:
        return f"`{s}`"
    return markdown(s) if s else ""


#: Cells a spreadsheet would read as a formula (OWASP "CSV injection").
_CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell of the CSV inventory: control characters are shown as in
    `text` (the file is also read with `cat` and `less`), and text that would
    start a formula is prefixed with `'`, which spreadsheets show as text.
    Numbers we computed ourselves (days to EOL may be negative) are left as
    numbers."""
    if not isinstance(value, str):
        return value
    value = text(value)
    return "'" + value if value.startswith(_CSV_FORMULA_START) else value


def uri(path: str) -> str:
    """A relative file path as a URI reference for SARIF: every character
    outside the unreserved set and `/` is percent-encoded (spaces, `#`, `?`,
    `%`, non-ASCII), so viewers open the file the path names."""
    return quote(path.replace("\\", "/"), safe="/")


#: As `_UNSAFE_TEXT` but for HTML, where tab and newline are only white space.
_UNSAFE_HTML = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def html(value: object) -> str:
    """For the HTML page: HTML-escaped (quotes too, for attributes), control
    and reordering characters shown as visible escapes: text from the
    scanned tree must neither become markup nor reach a reader raw."""
    s = str(value)
    if _UNSAFE_HTML.search(s):
        s = _UNSAFE_HTML.sub(lambda m: _visible(m.group()), s)
    return _html.escape(s, quote=True)
