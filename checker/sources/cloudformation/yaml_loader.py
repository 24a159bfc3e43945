"""Load CloudFormation YAML (and JSON) safely, with a line for every value.

PyYAML only composes the node graph here; we build the values ourselves, so:
no tag can construct an object (only the standard scalar tags and
CloudFormation's short-form intrinsics are known; anything else is an error
naming the line), aliases are expanded under a budget of values and of
characters (a billion-laughs file, or aliases of one large string, are
refused quickly, in bounded memory), nesting is bounded without
RecursionError, and a duplicate key is an error naming both lines.
"""

from __future__ import annotations

from typing import Any

import yaml

#: Most values one template may expand to, aliases included.  Real templates
#: have a few thousand; the limit is far above that and far below a bomb.
MAX_NODES = 500_000
MAX_DEPTH = 200
#: Most characters the scalars of one template may add up to, aliases
#: expanded: several times the largest file read (5 MiB by default).
MAX_CHARS = 32 * 1024 * 1024

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Short-form intrinsic tag -> long form key.
INTRINSIC_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{n}": f"Fn::{n}"
        for n in (
            "Sub",
            "GetAtt",
            "Join",
            "FindInMap",
            "If",
            "Select",
            "Split",
            "ImportValue",
            "Base64",
            "Equals",
            "Not",
            "And",
            "Or",
            "GetAZs",
            "Cidr",
            "Transform",
            "Length",
            "ToJsonString",
        )
    },
}

_STD = "tag:yaml.org,2002:"


class TemplateError(Exception):
    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class LStr(str):
    """A string that remembers where it was written (1-based line, column)."""

    line: int
    column: int
    #: YAML's scalar style (`|` literal block, `>` folded, `"`, `'`, None
    #: plain): only in a literal block is a newline in the value a line of
    #: the file, which is what places a state inside a definition string.
    style: str | None

    def __new__(cls, value: str, line: int = 0, column: int = 0, style: str | None = None) -> LStr:
        obj = super().__new__(cls, value)
        obj.line = line
        obj.column = column
        obj.style = style
        return obj


class LDict(dict[str, Any]):
    line: int = 0
    column: int = 0
    key_lines: dict[str, tuple[int, int]]

    def __init__(self, line: int = 0, column: int = 0) -> None:
        super().__init__()
        self.line = line
        self.column = column
        self.key_lines = {}


class LList(list[Any]):
    line: int = 0
    column: int = 0

    def __init__(self, line: int = 0, column: int = 0) -> None:
        super().__init__()
        self.line = line
        self.column = column


def line_of(value: Any, default: int = 0) -> int:
    return int(getattr(value, "line", 0) or default)


def column_of(value: Any) -> int:
    return int(getattr(value, "column", 0) or 0)


class _Builder:
    def __init__(self) -> None:
        self.count = 0
        self.chars = 0
        self.active: set[int] = set()
        #: id(node) -> (value, values, characters) of every node built; the
        #: nodes stay alive in the composed graph, so ids are not reused.
        self.built: dict[int, tuple[Any, int, int]] = {}

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        seen = self.built.get(id(node))
        if seen is not None:
            # An alias: the value built at its anchor is shared, not copied,
            # so memory grows with the file, while the budgets still count
            # every expansion (the sources walk each one).
            value, count, chars = seen
            self.count += count
            self.chars += chars
            self._check(node)
            return value
        count, chars = self.count, self.chars
        value = self._build(node, depth)
        self.built[id(node)] = (value, self.count - count, self.chars - chars)
        return value

    def _check(self, node: yaml.Node) -> None:
        if self.count > MAX_NODES:
            raise TemplateError(
                f"document expands to more than {MAX_NODES:,} values (YAML alias expansion); refused",
                node.start_mark.line + 1,
            )
        if self.chars > MAX_CHARS:
            raise TemplateError(
                f"document expands to more than {MAX_CHARS:,} characters (YAML aliases of large strings); refused",
                node.start_mark.line + 1,
            )

    def _build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise TemplateError(
                f"document expands to more than {MAX_NODES:,} values (YAML alias expansion); refused",
                node.start_mark.line + 1,
            )
        if depth > MAX_DEPTH:
            raise TemplateError(f"nested more than {MAX_DEPTH} levels deep; refused", node.start_mark.line + 1)
        if id(node) in self.active:
            raise TemplateError("recursive YAML alias; refused", node.start_mark.line + 1)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        tag = node.tag or ""
        if tag in INTRINSIC_TAGS:
            inner = self._plain(node, depth, line, col)
            if tag == "!GetAtt" and isinstance(inner, str):
                obj, _, attr = inner.partition(".")
                parts = LList(line, col)
                parts.extend([LStr(obj, line, col), LStr(attr, line, col)])
                inner = parts
            out = LDict(line, col)
            out[INTRINSIC_TAGS[tag]] = inner
            out.key_lines[INTRINSIC_TAGS[tag]] = (line, col)
            return out
        if (
            tag.startswith("!")
            or (tag.startswith("tag:") and not tag.startswith(_STD))
            or tag.startswith(_STD + "python")
        ):
            raise TemplateError(f"unknown YAML tag {tag!r}", line, col)
        return self._plain(node, depth, line, col)

    def _plain(self, node: yaml.Node, depth: int, line: int, col: int) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, line, col)
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                seq = LList(line, col)
                for item in node.value:
                    seq.append(self.build(item, depth + 1))
                return seq
            if isinstance(node, yaml.MappingNode):
                mapping = LDict(line, col)
                for key_node, value_node in node.value:
                    if not isinstance(key_node, yaml.ScalarNode):
                        raise TemplateError("mapping keys must be plain scalars", key_node.start_mark.line + 1)
                    key = str(key_node.value)
                    if key == "<<":
                        raise TemplateError("YAML merge keys (<<) are not supported", key_node.start_mark.line + 1)
                    if key in mapping:
                        # Which one applies differs between parsers, and a
                        # second FoundationModel could shadow an EOL one.
                        first = mapping.key_lines[key][0]
                        raise TemplateError(
                            f"duplicate key {key!r} (first at line {first}); which value applies is ambiguous",
                            key_node.start_mark.line + 1,
                        )
                    mapping[key] = self.build(value_node, depth + 1)
                    mapping.key_lines[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                return mapping
        finally:
            self.active.discard(id(node))
        raise TemplateError("unexpected YAML node", line, col)

    def _scalar(self, node: yaml.ScalarNode, line: int, col: int) -> Any:
        value = node.value
        # Bytes, not only values: an alias of a large string is one value
        # that costs its whole size at every use.
        self.chars += len(value)
        if self.chars > MAX_CHARS:
            raise TemplateError(
                f"document expands to more than {MAX_CHARS:,} characters (YAML aliases of large strings); refused",
                line,
            )
        tag = node.tag
        if tag == _STD + "int":
            try:
                return int(value.replace("_", ""), 0)
            except ValueError:
                return LStr(value, line, col)
        if tag == _STD + "float":
            try:
                return float(value.replace("_", ""))
            except ValueError:
                return LStr(value, line, col)
        if tag == _STD + "bool":
            return value.lower() in ("true", "yes", "on", "y")
        if tag == _STD + "null":
            return None
        return LStr(value, line, col, node.style)


def load_template_text(text: str) -> Any:
    """Parse YAML or JSON text into L-values.  Raises TemplateError with a line."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise TemplateError(
            f"invalid YAML: {problem}", (mark.line + 1) if mark else 0, (mark.column + 1) if mark else 0
        ) from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise TemplateError("nested too deeply to parse; refused") from None
    if node is None:
        return None
    try:
        return _Builder().build(node)
    except RecursionError:
        raise TemplateError("nested too deeply to parse; refused") from None
