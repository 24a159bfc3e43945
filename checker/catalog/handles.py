"""Which outputs of a resource stand for a model, read from `data/model_handles.json`.

Real configurations rarely write a model id where it is used: an agent names an
application inference profile by its ARN (`aws_bedrock_inference_profile.p.arn`,
`!GetAtt Profile.InferenceProfileArn`), a provisioned throughput names a custom
model, an alias names its agent. Those outputs exist only after apply, yet the
model behind them is written statically in the other resource's own arguments.
This table says, per resource type, which outputs lead back to which of its
catalog paths, so every source follows a chain the same way and a new chain is
one line of data.

A handle is one of three shapes:

- `path`: the output stands for the model at that catalog path of the same type
  (the loader refuses a path the catalog does not list, so the two files cannot
  drift apart);
- `all`: the output stands for every model the resource's catalog paths name
  (a prompt's ARN stands for all its variants);
- `follow`: the output stands for whatever the resource named by this argument
  stands for (an agent alias for its agent); the source resolves that argument
  and looks the referenced resource up again, so chains compose.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from checker.catalog.spec import AttributeSpec, framework_sections, specs_for


@dataclass(frozen=True)
class Handle:
    #: Output names (Terraform attributes; CloudFormation GetAtt names, `Ref`).
    attributes: frozenset[str]
    #: The catalog specs the output stands for (empty for `follow`).
    specs: tuple[AttributeSpec, ...] = ()
    #: Argument path whose value references the resource to look up next.
    follow: tuple[str, ...] = ()


def _load_entry(framework: str, rtype: str, entry: dict[str, object]) -> Handle:
    attrs = entry.get("attributes")
    if not isinstance(attrs, list) or not attrs or not all(isinstance(a, str) for a in attrs):
        raise ValueError(f"model_handles.json: {framework}/{rtype}: `attributes` must be a non-empty list of names")
    shapes = [k for k in ("path", "all", "follow") if k in entry]
    if len(shapes) != 1:
        raise ValueError(f"model_handles.json: {framework}/{rtype}: give exactly one of path, all, follow")
    catalog = specs_for(framework, rtype)
    names = frozenset(attrs)
    if "follow" in entry:
        follow = entry["follow"]
        if not isinstance(follow, str) or not follow:
            raise ValueError(f"model_handles.json: {framework}/{rtype}: `follow` must be an argument path")
        return Handle(names, follow=tuple(follow.split(".")))
    if "all" in entry:
        if entry["all"] is not True or not catalog:
            raise ValueError(f"model_handles.json: {framework}/{rtype}: `all` needs `true` and a catalog entry")
        return Handle(names, specs=catalog)
    path = entry["path"]
    chosen = tuple(s for s in catalog if s.dotted == path)
    if not chosen:
        raise ValueError(f"model_handles.json: {framework}/{rtype}: {path!r} is not a catalog path of that type")
    return Handle(names, specs=chosen)


@lru_cache(maxsize=1)
def _handles() -> dict[str, dict[str, tuple[Handle, ...]]]:
    out: dict[str, dict[str, tuple[Handle, ...]]] = {}
    for framework, types in framework_sections("model_handles.json"):
        out[framework] = {
            rtype: tuple(_load_entry(framework, rtype, e) for e in entries) for rtype, entries in types.items()
        }
    return out


def handle_for(framework: str, resource_type: str, attribute: str) -> Handle | None:
    """The handle behind `resource_type`'s output `attribute` (`Ref` for a
    CloudFormation `!Ref`), or None when that output names no model."""
    for h in _handles().get(framework, {}).get(resource_type, ()):
        if attribute in h.attributes:
            return h
    return None


def handle_types(framework: str) -> tuple[str, ...]:
    """Resource types with at least one handle (for tests and docs)."""
    return tuple(_handles().get(framework, {}))
