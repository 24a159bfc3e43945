"""One extraction layer: a resource's body (resolved values) in, the models
it names out, for every front end and the checkov adapter alike.

`extract` walks each catalog path of the resource type, dispatches once on
the path's mode (`checker.catalog.modes`), and then applies the special cases
`checker.catalog.special` names for the type.  Front ends differ only in how
they resolve their syntax (a `Resolver` over the template, or none for
checkov's already-rendered configuration) and in what else they can supply
(`Inputs`); each turns the `Found` records into `Reference`s with its own
locations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace as dc_replace
from functools import partial
from typing import TYPE_CHECKING, Any

from checker.catalog.asl import AslModel, Key, asl_models
from checker.catalog.modes import Mode, extract_mode, maybe_json
from checker.catalog.records import NOT_KNOWN, Found, Inputs, expression_text, join_notes, partly_known_note
from checker.catalog.spec import AttributeSpec, Framework, specs_for, walk_path
from checker.catalog.special import specials_for
from checker.model import Usage
from checker.modelid import parse_model_reference
from checker.sources.values import Unknown, candidates
from checker.util.enums import assert_never

if TYPE_CHECKING:
    from checker.sources.cloudformation.intrinsics import Resolver

#: Places a value by its key path in a document (and its dotted form).
KeyLocator = Callable[[tuple[Key, ...], str], tuple[int, int]]


def extract(framework: str, resource_type: str, body: Any, inputs: Inputs | None = None) -> Iterator[Found]:
    """Every model the resource's body names.  `body` is CloudFormation's
    `Properties` (intrinsics resolved by `inputs.resolver` on the way) or a
    Terraform resource's rendered values (lists wrapping values are walked)."""
    inputs = inputs or Inputs()
    fw = Framework(framework)
    if fw is Framework.CLOUDFORMATION:
        yield from _cloudformation(resource_type, body, inputs)
    elif fw is Framework.TERRAFORM or fw is Framework.TERRAFORM_DATA:
        yield from _plain(fw.value, resource_type, body, inputs)
    else:
        assert_never(fw)


def _plain(framework: str, resource_type: str, body: Any, inputs: Inputs) -> Iterator[Found]:
    unrendered = inputs.unrendered or (lambda _: False)
    for spec in specs_for(framework, resource_type):
        for path, text in _stuck(body, spec.path):
            if unrendered(text):
                # `models = [for m in local.models : { model_arn = m }]` left
                # as an expression: the models are inside it, so the verdict
                # cannot be a pass.
                yield Found(spec.usage, text, path, resolved=False, note=NOT_KNOWN)
        for path, value in walk_path(body, spec.path):
            if spec.mode is Mode.MODEL:
                if isinstance(value, str):
                    yield Found(spec.usage, value, path, resolved=not unrendered(value))
                continue
            found: set[str] = set()
            if spec.mode is Mode.ASL:
                # The integrations table's usages (a provisioned throughput
                # created by a state) and run-time choices, as for the CLI.
                for record in in_document(spec, path, value, lambda _: (0, 0)):
                    found.add(record.raw)
                    yield record
            else:
                for sub, model in extract_mode(spec.mode, value):
                    found.add(model)
                    yield Found(spec.usage, model, f"{path}.{sub}")
            if any(unrendered(s) and s not in found for s in _strings(value)):
                # Part of the document is still an expression: it may hold a
                # model (beside the ones found), so the verdict cannot be a pass.
                yield Found(spec.usage, path, path, resolved=False, note=NOT_KNOWN)


def _stuck(value: Any, path: tuple[str, ...], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path so far, string) where a walk along `path` meets a string before
    the path ends: an object or list of objects not rendered (checkov keeps
    what it cannot evaluate as the expression's text)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            yield from _stuck(item, path, f"{prefix}[{i}]")
    elif path and isinstance(value, str):
        yield prefix.lstrip("."), value
    elif path and isinstance(value, dict) and path[0] in value:
        yield from _stuck(value[path[0]], path[1:], f"{prefix}.{path[0]}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)


# --- CloudFormation --------------------------------------------------------


def _cloudformation(rtype: str, props: Any, inputs: Inputs) -> Iterator[Found]:
    from checker.sources.cloudformation.intrinsics import Resolver

    if not isinstance(props, dict):
        return
    resolver = inputs.resolver or Resolver({}, {}, {})
    subs = resolver.deep(props.get("DefinitionSubstitutions")) if "DefinitionSubstitutions" in props else {}
    subs = subs if isinstance(subs, dict) else {}
    for spec in specs_for("cloudformation", rtype):
        yield from _cfn_spec(spec, props, subs, resolver)
    for special in specials_for("cloudformation", rtype):
        if special.read is not None:
            yield from special.read(rtype, props, subs, resolver, inputs)


def _cfn_spec(spec: AttributeSpec, props: dict[str, Any], subs: dict[str, Any], resolver: Resolver) -> Iterator[Found]:
    from checker.sources.cloudformation.positions import definition_locator
    from checker.sources.cloudformation.properties import apply_subs, partials, walk_properties
    from checker.sources.cloudformation.yaml_loader import line_of

    for attr_path, raw, value, cond, loc, why in walk_properties(
        resolver, props, spec.path, "Properties", (line_of(props), 0)
    ):
        if spec.mode is Mode.MODEL:
            if isinstance(value, str):
                expr = None if isinstance(raw, str) else expression_text(raw)
                yield Found(spec.usage, value, attr_path, loc, conditional=cond, expression=expr, note=why)
            elif isinstance(value, Unknown):
                text = expression_text(raw)
                if value.partial is not None and parse_model_reference(value.partial).resolvable:
                    yield Found(spec.usage, value.partial, attr_path, loc, conditional=cond, expression=text, note=why)
                else:
                    # The undecided condition that chose it, and the input
                    # that made the value unknown (a parameter, an import).
                    note = join_notes(why, value.reason) or NOT_KNOWN
                    yield Found(spec.usage, text, attr_path, loc, False, cond, expression=text, note=note)
            continue
        full = partials(resolver.deep(raw))
        if subs:
            full = apply_subs(full, subs)
        keys = definition_locator(raw, full, loc) if spec.mode is Mode.ASL else None
        yield from in_document(
            spec, attr_path, full, partial(_loc_in, raw, default=loc), cond, note=why, locate_keys=keys
        )


def in_document(
    spec: AttributeSpec,
    attr_path: str,
    value: Any,
    locate: Callable[[str], tuple[int, int]],
    conditional: bool = False,
    expression: str | None = None,
    note: str | None = None,
    locate_keys: KeyLocator | None = None,
) -> Iterator[Found]:
    """The models a resolved value of a non-`model` mode holds (a policy
    document, environment variables, a definition): every front end that
    resolves to `Unknown`s (CloudFormation's resolver, the Terraform
    evaluator) reads it here.  An unknown part is read for its known text (a
    model id or ARN in it is still one: `arn:${partition}:bedrock:${region}
    ::foundation-model/x` names x, and the note says what is open); a part
    chosen by an undecided condition, at the top or anywhere inside, is read
    in each of its alternatives, and what only an alternative holds is
    reported conditional with the condition named.  `locate` gives a
    sub-path's (line, column); `expression` is kept on the records whose
    model text differs from it; `note` names the undecided condition that
    chose the value, when one did.  `locate_keys` places a state machine's
    model by its key path (state names may hold dots), when the front end
    can."""
    if isinstance(value, Unknown) and value.alternatives and value.reason:
        note = note or value.reason
    seen: set[tuple[str, str]] = set()
    for c, c_cond in candidates(value):
        if isinstance(c, Unknown):
            if c.partial is None:
                continue
            c = c.partial
        choices: list[str] = []
        docs = [_settle(c, None, choices, 0)]
        if choices:
            docs += [_settle(c, k, [], 0) for k in range(max(_widths(c, 0) or [1]))]
        plain: set[tuple[str, str]] = set()
        for n, doc in enumerate(docs):
            # A value standing for several models at once (`every`) names each.
            uses = (
                [doc] if spec.mode is Mode.ASL else [_settle(d, n - 1 if n else None, [], 0) for d in _every_use(doc)]
            )
            for found in (
                f
                for use in uses
                for f in _read(spec, attr_path, use, locate, locate_keys, conditional or c_cond, expression, note)
            ):
                key = (found.attribute, found.raw)
                if n == 0:
                    plain.add(key)
                if key in seen:
                    continue
                seen.add(key)
                chosen = n > 0 and key not in plain
                # Which of the conditions chose it is not tracked: each is named.
                extra = join_notes(*(choices[:3] if chosen else ()), partly_known_note(found.raw))
                if chosen or extra:
                    found = dc_replace(
                        found, conditional=found.conditional or chosen, note=join_notes(found.note, extra)
                    )
                yield found


def _read(
    spec: AttributeSpec,
    attr_path: str,
    doc: Any,
    locate: Callable[[str], tuple[int, int]],
    locate_keys: KeyLocator | None,
    conditional: bool,
    expression: str | None,
    note: str | None,
) -> Iterator[Found]:
    """The records of one settled document."""
    if spec.mode is Mode.ASL:
        where = locate_keys or (lambda keys, path: locate(path))
        yield from _asl_found(spec, attr_path, doc, where, conditional, expression, note)
        return
    for sub, found in extract_mode(spec.mode, doc):
        sep = "" if not sub or sub.startswith("[") else "."
        yield Found(
            spec.usage,
            found,
            f"{attr_path}{sep}{sub}",
            locate(sub),
            conditional=conditional,
            expression=expression if expression and expression != found else None,
            note=note if conditional else None,
        )


#: Most documents one value is read as, one per alternative of its widest
#: undecided condition (each alternative of each condition is read once).
_MAX_READINGS = 256


def _settle(value: Any, pick: int | None, choices: list[str], depth: int) -> Any:
    """The document with each unknown part settled: known in part -> its
    string with holes; chosen by an undecided condition -> its `pick`-th
    alternative (the last when it has fewer), or None (`pick` None: what is
    there whatever the condition); wholly unknown -> left as it is (no
    mode reads it)."""
    if depth > 64:
        return None
    if isinstance(value, Unknown):
        if value.every:
            return value  # every alternative is used: spread by _every_use, not chosen
        if value.alternatives:
            if value.reason and value.reason not in choices:
                choices.append(value.reason)
            if pick is None:
                return None
            alt = value.alternatives[min(pick, len(value.alternatives) - 1)]
            return _settle(alt, pick, choices, depth + 1)
        if value.partial is not None:
            return value.partial
        return value
    if isinstance(value, dict):
        return {k: _settle(v, pick, choices, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_settle(v, pick, choices, depth + 1) for v in value]
    return value


def _widths(value: Any, depth: int) -> list[int]:
    """How many alternatives each undecided condition inside has."""
    if depth > 64:
        return []
    if isinstance(value, Unknown):
        if not value.alternatives:
            return []
        inner = [w for a in value.alternatives for w in _widths(a, depth + 1)]
        return [min(len(value.alternatives), _MAX_READINGS), *[min(w, _MAX_READINGS) for w in inner]]
    if isinstance(value, dict):
        return [w for v in value.values() for w in _widths(v, depth + 1)]
    if isinstance(value, list):
        return [w for v in value for w in _widths(v, depth + 1)]
    return []


def _asl_found(
    spec: AttributeSpec,
    attr_path: str,
    doc: Any,
    locate: KeyLocator,
    conditional: bool,
    expression: str | None,
    note: str | None,
) -> Iterator[Found]:
    """A definition's models, one record per (model, usage, line): states on
    one line that name the same model are one finding naming every state
    (a one-line definition would otherwise repeat it once per state), and
    each record says which state(s) it is in.  A model chosen at run time is
    reported as not known statically, with the expression that chooses it."""
    groups: dict[tuple[str, Usage, int, bool], list[tuple[AslModel, tuple[int, int]]]] = {}
    for hit in asl_models(maybe_json(doc)):
        at = locate(hit.keys, hit.path)
        groups.setdefault((hit.value, hit.usage or spec.usage, at[0], hit.dynamic), []).append((hit, at))
    cond_note = note if conditional else None
    for (value, usage, _, dynamic), hits in groups.items():
        first, at = hits[0]
        sep = "" if not first.path or first.path.startswith("[") else "."
        state = _states_label([h.state for h, _ in hits])
        path = f"{attr_path}{sep}{first.path}"
        if dynamic:
            why = f"the model is chosen at run time, by {value!r}"
            yield Found(usage, value, path, at, False, conditional, note=join_notes(why, cond_note), state=state)
            continue
        yield Found(
            usage,
            value,
            path,
            at,
            conditional=conditional,
            expression=first.expression or (expression if expression and expression != value else None),
            note=cond_note,
            state=state,
        )


def _states_label(states: list[str]) -> str | None:
    names = list(dict.fromkeys(s for s in states if s))
    if not names:
        return None
    return ", ".join(f'"{n}"' for n in names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


#: Most copies of one document `_every_use` makes (a prompt of many variants
#: named in several places of one policy).
MAX_EVERY_COPIES = 32


def _every_use(doc: Any) -> Iterator[Any]:
    """The document once per model a value inside it stands for when it
    stands for several at once (a prompt's ARN: every variant's model), so
    an environment variable or a policy statement holding it names each."""
    docs = [doc]
    out: list[Any] = []
    while docs and len(out) < MAX_EVERY_COPIES:
        d = docs.pop()
        spread = _spread_first(d, 0)
        if spread is None:
            out.append(d)
        else:
            docs.extend(spread[: MAX_EVERY_COPIES - len(out) - len(docs)])
    yield from out


def _spread_first(value: Any, depth: int) -> list[Any] | None:
    """Copies of `value`, one per alternative of its first `every` unknown;
    None when it holds none."""
    if depth > 64:
        return None
    if isinstance(value, Unknown) and value.every and value.alternatives:
        return list(value.alternatives)
    if isinstance(value, dict):
        for k, v in value.items():
            inner = _spread_first(v, depth + 1)
            if inner is not None:
                return [{**value, k: x} for x in inner]
    elif isinstance(value, list):
        for i, v in enumerate(value):
            inner = _spread_first(v, depth + 1)
            if inner is not None:
                return [[*value[:i], x, *value[i + 1 :]] for x in inner]
    return None


def _loc_in(raw: Any, sub: str, default: tuple[int, int]) -> tuple[int, int]:
    """Line of a sub-path inside a YAML/JSON object (env var name, ASL key)."""
    import re

    from checker.sources.cloudformation.yaml_loader import LDict, column_of, line_of

    node = raw
    best = default
    for part in re.findall(r"[^.\[\]]+", sub):
        if isinstance(node, dict) and part in node:
            if isinstance(node, LDict) and part in node.key_lines:
                best = node.key_lines[part]
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
            if line_of(node):
                best = (line_of(node), column_of(node))
        else:
            break
    if line_of(node):
        best = (line_of(node), column_of(node))
    return best
