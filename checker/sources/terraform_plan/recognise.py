"""Which files are Terraform plans or states, by what they hold, not their names.

Plans reach us as `terraform show -json` output saved by whatever ran it:
UTF-8 from a shell, UTF-16 with a byte-order mark from Windows PowerShell's
`>`, UTF-8 with a mark from `Out-File -Encoding utf8`, re-serialised with
sorted keys (`jq -S`, where `format_version` follows a configuration of any
size) or minified; named `tfplan.json`, `tfplan.out` or `plan.json.txt`.  So a
file is first decoded (by its byte-order mark, else by the pattern of zero
bytes an ASCII `{` leaves in UTF-16 and UTF-32, RFC 8259 and RFC 4627 section
3), then judged by its keys wherever they are.

Two steps keep this cheap and exact.  `sniff` looks for the keys anywhere in
the text (a substring search, memory speed): it decides routing, and most
JSON files of a tree fail it at once.  `classify` then looks at the parsed
document's top-level keys, which is exact; the reader calls it on the one
parse it does anyway, so a file that merely mentions the keys is handed back
to the template reader, never half-read as a plan.
"""

from __future__ import annotations

import codecs
import enum
import re
from typing import Any

from checker.util.textio import FileReadError, decode_bytes


class Kind(str, enum.Enum):
    PLAN = "plan"
    #: `terraform show -json` of a state: `values.root_module`, no changes.
    SHOWN_STATE = "shown state"
    #: A state file as Terraform writes it (`terraform.tfstate`, `terraform
    #: state pull`).
    RAW_STATE = "state file"

    @property
    def is_state(self) -> bool:
        return self is not Kind.PLAN


#: Keys only the top level of a plan has (`prior_state` and `planned_values`
#: nest state-shaped values, whose keys are not these).
PLAN_KEYS = (
    "resource_changes",
    "planned_values",
    "prior_state",
    "resource_drift",
    "deferred_changes",
    "output_changes",
    "configuration",
)
#: The keys of a raw state file besides `version`.
RAW_STATE_KEYS = ("lineage", "serial", "terraform_version")

#: Suffixes looked at by content while walking a tree.  Files the user names
#: are looked at whatever their suffix.
TREE_SUFFIXES = (".json", ".tfstate")
#: Most bytes read to sniff a file: a plan's keys come within its first few
#: kilobytes, or, with sorted keys, after its `configuration`, which is a
#: small part of any plan.  A plan whose keys come later still must be
#: named on the command line.
SNIFF_LIMIT = 256 * 1024 * 1024
_CHUNK = 1 << 20
#: `terraform show -json` of an empty state.
_EMPTY_STATE = re.compile(r'\{\s*"format_version"\s*:\s*"[0-9.]+"\s*(,\s*"terraform_version"\s*:\s*"[^"]*"\s*)?\}')

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def encoding_of(data: bytes) -> tuple[str, int]:
    """(codec, length of the byte-order mark) of JSON text.  UTF-32 marks are
    tested before UTF-16 ones, which are their prefix; without a mark, the
    zero bytes around the first (ASCII) character tell UTF-16 and UTF-32."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec, len(bom)
    head = data[:4]
    if len(head) == 4:
        zeros = tuple(b == 0 for b in head)
        if zeros == (True, True, True, False):
            return "utf-32-be", 0
        if zeros == (False, True, True, True):
            return "utf-32-le", 0
    if len(head) >= 2:
        if head[0] == 0 and head[1] != 0:
            return "utf-16-be", 0
        if head[0] != 0 and head[1] == 0:
            return "utf-16-le", 0
    return "utf-8", 0


def decode_json(data: bytes) -> str:
    """JSON bytes as text, newlines normalised so lines count as the user
    sees them; FileReadError names what cannot be decoded."""
    codec, bom = encoding_of(data)
    if codec in ("utf-8", "utf-16-le", "utf-16-be") and (bom or codec == "utf-8"):
        return decode_bytes(data)  # the shared decoder knows these marks
    try:
        text = data[bom:].decode(codec)
    except UnicodeDecodeError as exc:
        raise FileReadError(f"not valid {codec.upper()} (byte offset {exc.start + bom}): {exc.reason}") from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


#: The keys `sniff` looks for.
_SNIFF_KEYS = ("format_version", *PLAN_KEYS[:-1], "root_module", *RAW_STATE_KEYS, "version")
#: Every key the top level of a plan, shown state or raw state has: the first
#: key of one, in Terraform's order or sorted, is among these.
TOP_LEVEL_KEYS = frozenset(
    {
        *PLAN_KEYS,
        *RAW_STATE_KEYS,
        "format_version",
        "applyable",
        "checks",
        "complete",
        "errored",
        "relevant_attributes",
        "timestamp",
        "variables",
        "values",
        "version",
        "check_results",
        "outputs",
        "resources",
        "opentofu_version",
    }
)
_FIRST_KEY = re.compile(r'\s*\{\s*"([a-z_]+)"')


def _keys_in(text: str) -> set[str]:
    return {k for k in _SNIFF_KEYS if f'"{k}"' in text}


def _decide(keys: set[str], text: str | None = None) -> Kind | None:
    """The kind the keys found suggest; `text`, when it is the whole file,
    also recognises an empty shown state."""
    if "format_version" in keys:
        if keys & set(PLAN_KEYS):
            return Kind.PLAN
        if "root_module" in keys or (text is not None and _EMPTY_STATE.fullmatch(text.strip())):
            return Kind.SHOWN_STATE
        return None
    if keys >= {*RAW_STATE_KEYS, "version"}:
        return Kind.RAW_STATE
    return None


def sniff_text(text: str) -> Kind | None:
    """The kind the keys found anywhere in the text suggest: a JSON object
    holding a plan's, a shown state's or a raw state's keys."""
    if text.lstrip()[:1] != "{":
        return None
    return _decide(_keys_in(text), text)


def sniff_bytes(data: bytes) -> Kind | None:
    """`sniff_text` of raw bytes; None when they do not decode as JSON text."""
    codec, _ = encoding_of(data)
    if codec == "utf-8" and b'"format_version"' not in data and b'"lineage"' not in data:
        return None  # most JSON files of a tree: no decoding, no search beyond this
    try:
        text = decode_json(data)
    except FileReadError:
        text = data.decode(codec, "replace")
    return sniff_text(text)


def sniff_file(path: str, head: bytes | None = None) -> Kind | None:
    """`sniff_bytes` of a file read in chunks, stopping as soon as the keys
    are found (a plan written in Terraform's own order says so in its first
    bytes) and after SNIFF_LIMIT bytes at most.  Each chunk is searched once
    (with a little of the one before, for a key cut in two), and a large file
    is read on only if its first key is one a plan or state has at its top
    level, so a big JSON file of another kind costs one chunk.  `head`, when
    given, is what the caller has already read from the start of the file."""
    try:
        with open(path, "rb") as fh:
            data = head if head is not None else fh.read(_CHUNK)
            more = fh.read(1) if head is None else b"?"
            if not more and head is None:
                return sniff_bytes(data)  # the whole file, read at once
            codec, bom = encoding_of(data)
            decoder = codecs.getincrementaldecoder(codec)("replace")
            text = decoder.decode(data[bom:])
            first = _FIRST_KEY.match(text)
            if first is None or first.group(1) not in TOP_LEVEL_KEYS:
                return None
            fh.seek(len(data))
            keys: set[str] = set()
            read = len(data)
            while True:
                keys |= _keys_in(text)
                kind = _decide(keys)
                if kind is not None or read >= SNIFF_LIMIT:
                    return kind
                chunk = fh.read(min(_CHUNK * 16, SNIFF_LIMIT - read))
                if not chunk:
                    return None
                read += len(chunk)
                text = text[-64:] + decoder.decode(chunk)
    except OSError:
        return None


def classify(doc: Any) -> Kind | None:
    """The exact kind, from the parsed document's top-level keys."""
    if not isinstance(doc, dict):
        return None
    if "format_version" in doc:
        if any(k in doc for k in PLAN_KEYS) or "applyable" in doc or "complete" in doc:
            return Kind.PLAN
        if set(doc) <= {"format_version", "terraform_version", "values", "checks"}:
            return Kind.SHOWN_STATE
        return None
    if "version" in doc and all(k in doc for k in RAW_STATE_KEYS):
        return Kind.RAW_STATE
    return None


def near_miss(path: str) -> str | None:
    """What a named file that is no plan is instead, when it is one of the
    files people take for one: Terraform's binary plan (a zip archive) or
    the event log `terraform plan -json` prints."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    if head.startswith(b"PK\x03\x04"):
        return "it is Terraform's binary plan file: convert it with `terraform show -json PLANFILE`"
    if b'"@level"' in head and b'"@message"' in head:
        return (
            "it is the event log of `terraform plan -json`, not the plan: "
            "run `terraform plan -out tfplan`, then `terraform show -json tfplan`"
        )
    return None
