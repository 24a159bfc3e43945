"""The cheap first pass: read each file once, at memory speed, and learn what
planning and skipping need, so that only files that can matter are parsed.

Every reference needs a Bedrock resource type, action or ARN (`bedrock`,
`foundation-model`, `inference-profile`) or a model id, which starts with its
provider and a dot (`anthropic.`, `us.amazon.`).  Distinctive provider names
count even without the dot, for ids assembled from parts
(`"${local.vendor}.claude-v2"`); common words (`meta`, `amazon`, `google`)
count only with it.  Plain substring search on lowered bytes runs at memory
speed, which is the point.

`probe_file` is that one read.  It runs in the worker processes on large
trees, and returns a small `Probe`; planning (`checker.sources.plan`) then
groups files into units and marks the units that cannot hold a model, without
opening a file again.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from checker.modelid import known_providers

_TOKENS = (
    b"bedrock",
    b"foundation-model",
    b"inference-profile",
    b"anthropic",
    b"cohere",
    b"ai21",
    b"mistral",
    b"deepseek",
    b"twelvelabs",
    b"moonshot",
    b"minimax",
    b"qwen",
    b"amazon.",
    b"meta.",
    b"google.",
    b"writer.",
    b"luma.",
    b"openai.",
    b"nvidia.",
    b"stability.",
    b"zai.",
)

#: Bytes read to recognise a cloud assembly manifest by its keys.
MANIFEST_HEAD = 65536

_NESTED_STACK = b"AWS::CloudFormation::Stack"
#: Properties that bring a state machine's definition from another file (a
#: SAM DefinitionUri, a cdk.out asset): the template itself may name no model.
_DEFINITION_FILES = (b"DefinitionUri", b"DefinitionS3Location")
#: Every suppression names one of these (`bedrock-lifecycle:ignore`,
#: `checkov:skip`, or the `bedrock-lifecycle` / `checkov` Metadata keys).
_SUPPRESSION_MARKS = (b"bedrock-lifecycle", b"checkov")
#: A module block's header, and a local `source` argument: a call is a header
#: followed by such an argument before the first `}`.
_MODULE_HEADER = re.compile(rb'module\s+"[^"]*"\s*\{')
_LOCAL_SOURCE = re.compile(rb'\bsource\s*=\s*"(\.{1,2}/[^"]*)"')
_TERRAFORM = (".tf", ".tf.json", ".tfvars", ".tfvars.json")
_TEMPLATE = (".yaml", ".yml", ".json", ".template", ".templ")


def may_hold_models(data: bytes | str) -> bool:
    return _names_token((data.encode("utf-8", "replace") if isinstance(data, str) else data).lower())


def _names_token(low: bytes) -> bool:
    """Whether lower-cased bytes hold a token (a fixed one or a feed provider's)."""
    return any(token in low for token in _tokens(known_providers()))


@lru_cache(maxsize=4)
def _tokens(providers: frozenset[str]) -> tuple[bytes, ...]:
    """The fixed tokens plus `provider.` for every provider the feed's ids
    use: a provider new to Bedrock (`xai.` in an environment variable) counts
    as soon as the feed lists one of its models, with no list here to update."""
    extra = sorted({f"{p}.".encode() for p in providers} - set(_TOKENS))
    return _TOKENS + tuple(t for t in extra if not any(s in t for s in _TOKENS))


#: Provider names that are common words count only with their dot in
#: `_TOKENS`; in Terraform they also count as a whole string (`default =
#: "amazon"`, `join(".", ["meta", ...])`; not `amazonaws`), since an id is
#: often assembled around its dot (`"${var.vendor}.${var.model}"`).  One
#: pattern that starts with a quote runs at memory speed; a search per word
#: would cost as much as all the tokens.
_PROVIDER_WORDS = re.compile(rb'"(?:amazon|meta|google|writer|luma|openai|nvidia|stability|zai)"')


def terraform_may_matter(data: bytes) -> bool:
    """Whether a Terraform file can give a model reference, to the unit it
    belongs to.  Beyond the tokens: a provider name as a whole string (an
    id assembled around its dot), and any escape sequence (`\\u0061nthropic.`
    in a string, or a type label spelled with escapes), which a byte search
    cannot read through.  A unit with a Bedrock resource is always kept (its
    type names `bedrock`), so ids assembled from any parts in its model
    attributes are never skipped; see docs/terraform.md for the limit on
    units without one."""
    low = data.lower()
    if _names_token(low) or b"\\u" in low:
        return True
    return _PROVIDER_WORDS.search(low) is not None


@lru_cache(maxsize=1)
def _template_hosts() -> tuple[bytes, ...]:
    from checker.catalog import resource_types
    from checker.catalog.special import special_resource_types

    types = {*resource_types("cloudformation"), *special_resource_types("cloudformation")}
    return tuple(t.encode() for t in sorted(types))


def _hosts_models(raw: bytes) -> bool:
    """A resource type where a model can live, or an `Export`: a model an
    output exports reaches the templates of the tree that import it."""
    return b"Export" in raw or any(t in raw for t in _template_hosts())


def template_may_matter(data: bytes | str, parameters_given: bool = False) -> bool:
    """A template yields references only from resources of a type where a
    model can live (the catalog's) and from the templates it nests; a model
    id in a parameter of a stack of buckets and queues goes nowhere.  Types are
    literal, case-sensitive strings in both YAML and JSON templates (a type
    spelled with escape sequences would not be recognised here)."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return _template_counts(raw, parameters_given, lambda: may_hold_models(raw))


def _template_counts(raw: bytes, parameters_given: bool, names_models: Callable[[], bool]) -> bool:
    """The one rule for a template, shared by the survey and the source: it
    nests a stack, or it has a type where a model can live and something that
    can name one (a token, a given parameter, a definition file).  The token
    search runs last and only when needed: it is the costly test."""
    if _NESTED_STACK in raw:
        return True
    if not _hosts_models(raw):
        return False
    return parameters_given or any(m in raw for m in _DEFINITION_FILES) or names_models()


def looks_like_plan(data: bytes) -> bool:
    """A plan or state, by the keys anywhere in `data` (in whatever encoding
    it is); see `checker.sources.terraform_plan.recognise`."""
    from checker.sources.terraform_plan.recognise import sniff_bytes

    return sniff_bytes(data) is not None


def looks_like_assembly_manifest(head: bytes) -> bool:
    return b'"artifacts"' in head and b'"version"' in head


def module_sources(data: bytes) -> tuple[str, ...]:
    """Local module sources (`./x`, `../x`), by a text pass: most files call
    no module, and a call to a local module is the only way files in one
    directory pull in another.

    One regular expression (a header, anything but `}`, then the source)
    would say the same, but it scans from every header to the next `}`, so a
    file of headers without one took quadratic time (seconds for 100 KB,
    hours for a 5 MB file in a hostile repository).  Here the next `}` and
    the next source are each searched for once and reused by every header
    that comes before them."""
    if b"module" not in data:
        return ()
    out: list[str] = []
    pos = 0
    next_close = -1  # the first `}` after the last body searched (len(data): none)
    searched = False
    source: re.Match[bytes] | None = None  # the first local source after it
    while (header := _MODULE_HEADER.search(data, pos)) is not None:
        body = header.end()
        if next_close < body:
            found = data.find(b"}", body)
            next_close = len(data) if found < 0 else found
        if not searched or (source is not None and source.start() < body):
            source = _LOCAL_SOURCE.search(data, body)
            searched = True
        if source is not None and source.start() < next_close:
            out.append(source.group(1).decode("utf-8", "replace"))
            pos = source.end()
        else:
            pos = header.start() + 1
    return tuple(out)


@dataclass(frozen=True)
class Probe:
    """What one read of a file says.  `matters` is True when the file may
    hold a model, and also when the pass cannot judge (too large, UTF-16,
    unreadable): then the scan reads it and reports what is wrong."""

    matters: bool = True
    modules: tuple[str, ...] = ()
    plan: bool = False
    assembly: bool = False
    nests: bool = False
    #: May hold a suppression (an inline comment or template Metadata):
    #: only such files are read again to apply them.
    suppresses: bool = True


#: What the probe of most files says: nothing to parse, plan or follow.
#: Maps of probes leave such files out (most of a large tree), and a file
#: missing from the map reads as this.
NOTHING = Probe(matters=False, suppresses=False)


def wants_probe(path: str) -> bool:
    return path.endswith(_TERRAFORM) or path.endswith(_TEMPLATE) or path.endswith(".tfstate")


#: First read of every file: most IaC files are smaller, so one read
#: returns the whole file and its size needs no separate system call.
FIRST_READ = 65536


_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _read(path: str, max_bytes: int) -> tuple[bytes, bool] | None:
    """The file's bytes (its head when over `max_bytes`) and whether it is
    over; None when it cannot be read.  Plain system calls, and as few as
    possible: a buffered file object, or a stat per file, costs more than the
    read on a tree of small files."""
    try:
        # Non-blocking: a FIFO the walk did not catch (created since) gives
        # EOF at once instead of waiting for a writer.
        fd = os.open(path, os.O_RDONLY | _NONBLOCK)
    except OSError:
        return None
    try:
        head = os.read(fd, FIRST_READ)
        if len(head) < FIRST_READ:
            return head, len(head) > max_bytes
        size = os.fstat(fd).st_size
        if size > max_bytes:
            return head, True
        chunks = [head]
        got = len(head)
        while True:
            more = os.read(fd, min(max_bytes + 1 - got, 1 << 24))
            if not more:
                break
            chunks.append(more)
            got += len(more)
            if got > max_bytes:
                return b"".join(chunks)[:FIRST_READ], True
        return b"".join(chunks), False
    except OSError:
        return None
    finally:
        os.close(fd)


def _judge(path: str, data: bytes, oversized: bool, names_models: bool, parameters_given: bool) -> Probe:
    undecidable = oversized or b"\x00" in data[:2] or data[:2] in (b"\xff\xfe", b"\xfe\xff")
    suppresses = undecidable or _SUPPRESSION_MARKS[0] in data or _SUPPRESSION_MARKS[1] in data
    if path.endswith(_TERRAFORM):
        modules = () if oversized or not path.endswith(".tf") else module_sources(data)
        if not (undecidable or names_models or modules or suppresses):
            return NOTHING  # most files of a large tree
        return Probe(undecidable or names_models, modules, suppresses=suppresses)
    name = os.path.basename(path)
    plan = name.endswith((".json", ".tfstate")) and _plan_or_state(path, data, oversized)
    assembly = name == "manifest.json" and looks_like_assembly_manifest(data[:MANIFEST_HEAD])
    nests = _NESTED_STACK in data
    return Probe(
        undecidable or plan or assembly or _template_counts(data, parameters_given, lambda: names_models),
        plan=plan,
        assembly=assembly,
        nests=nests,
        suppresses=suppresses,
    )


def _plan_or_state(path: str, data: bytes, oversized: bool) -> bool:
    """Plans and states by content: in the bytes read, or, for a file over
    the size limit (a plan of a large estate), in as much more of it as it
    takes to find the keys."""
    from checker.sources.terraform_plan.recognise import sniff_bytes, sniff_file

    if not oversized:
        return sniff_bytes(data) is not None
    return sniff_file(path, data) is not None


def probe_file(path: str, max_bytes: int, parameters_given: bool = False) -> Probe:
    read = _read(path, max_bytes)
    if read is None:
        return Probe()
    data, oversized = read
    names_models = terraform_may_matter(data) if path.endswith(_TERRAFORM) else may_hold_models(data)
    return _judge(path, data, oversized, names_models, parameters_given)


def probe_files(paths: list[str], max_bytes: int, parameters_given: bool = False) -> dict[str, Probe]:
    """The probes of the files that say something (see `NOTHING`)."""
    out: dict[str, Probe] = {}
    for p in paths:
        if wants_probe(p):
            probe = probe_file(p, max_bytes, parameters_given)
            if probe is not NOTHING and probe != NOTHING:
                out[p] = probe
    return out
