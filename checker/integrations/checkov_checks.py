"""The checkov adapter: the same rules, judged by the same code, on the
resource configuration checkov hands a custom check.

checkov gives each check one resource: for Terraform with every value wrapped
in a list and variables already rendered (a value it could not render stays
`var.x` or a reference, and is UNKNOWN here, never PASSED); for plans with
`__change_actions__`; for CloudFormation with intrinsics left unrendered and
position keys (`__startline__`) mixed in.  This module turns that into
`Reference`s and asks `checker.rules` for the verdict, so the CLI and checkov
cannot disagree.

Configuration comes from the environment, since checkov passes no options to
custom checks: BEDROCK_LIFECYCLE_FEED (a feed file or URL; default the
bundled snapshot), BEDROCK_LIFECYCLE_AS_OF (YYYY-MM-DD; default today) and
BEDROCK_LIFECYCLE_EOL_WINDOW (days; default 90).

Only this module imports checkov; nothing here imports python-hcl2, so
installing `checker` into checkov's environment with `--no-deps` leaves
checkov's own `hcl2` (bc-python-hcl2) untouched.
"""

from __future__ import annotations

import os
import re
from datetime import date
from functools import lru_cache
from typing import Any

from checkov.cloudformation.checks.resource.base_resource_check import (  # type: ignore[import-not-found]
    BaseResourceCheck as CfnResourceCheck,
)
from checkov.common.models.enums import CheckCategories, CheckResult  # type: ignore[import-not-found]
from checkov.terraform.checks.resource.base_resource_check import (  # type: ignore[import-not-found]
    BaseResourceCheck as TfResourceCheck,
)

from checker.catalog import resource_types, specs_for, walk_path
from checker.feed import load_feed
from checker.model import Action, Location, Reference, Usage
from checker.modelid import IdKind, parse_model_reference
from checker.rules import RULES_BY_ID, RuleContext, evaluate
from checker.sources.cloudformation import apply_subs, partials, walk_properties
from checker.sources.cloudformation.intrinsics import Resolver
from checker.sources.indirect import extract
from checker.sources.values import Unknown

#: What checkov leaves when it cannot render a value: a variable, local,
#: module output or data reference, an interpolation, or a resource
#: attribute reference (resource types have underscores; model ids never do).
_TF_EXPRESSION = re.compile(r"^(var|local|module|data|each|count|path|self)\.|\$\{|^[a-z][a-z0-9]*_[a-z0-9_]*\.")
_ACTIONS = {
    "create": Action.CREATE,
    "update": Action.UPDATE,
    "no-op": Action.NO_OP,
    "read": Action.READ,
    "delete": Action.DELETE,
}


@lru_cache(maxsize=4)
def _context(feed: str | None, as_of: str | None, window: str | None) -> RuleContext:
    return RuleContext(
        as_of=date.fromisoformat(as_of) if as_of else date.today(),
        feed=load_feed(feed or None),
        eol_window_days=int(window) if window else 90,
    )


def rule_context() -> RuleContext:
    env = os.environ
    return _context(
        env.get("BEDROCK_LIFECYCLE_FEED"), env.get("BEDROCK_LIFECYCLE_AS_OF"), env.get("BEDROCK_LIFECYCLE_EOL_WINDOW")
    )


def _clean(value: Any) -> Any:
    """Drop checkov's position keys so intrinsics are one-key mappings again."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("__"))}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _plan_action(conf: dict[str, Any]) -> Action | None:
    actions = conf.get("__change_actions__")
    if not isinstance(actions, list) or not actions:
        return None  # plain HCL: the action is unknown
    if "delete" in actions and "create" in actions:
        return Action.REPLACE
    return _ACTIONS.get(str(actions[0]))


def _ref(
    raw: str, resolved: bool, usage: Any, rtype: str, attribute: str, framework: str, action: Action | None
) -> Reference:
    return Reference(
        raw=raw,
        usage=usage,
        resource="",
        resource_type=rtype,
        attribute=attribute,
        location=Location(""),
        framework=framework,
        resolved=resolved,
        action=action,
    )


def terraform_references(conf: dict[str, Any], rtype: str) -> list[Reference]:
    action = _plan_action(conf)
    framework = "terraform_plan" if action is not None else "terraform"
    refs = []
    for spec in specs_for("terraform", rtype):
        if action is not None and spec.mode == "model" and len(spec.path) == 1 and not conf.get(spec.path[0]):
            # A plan omits a value known only at apply; these attributes are
            # required, so absent means unknown, not unset.
            refs.append(_ref(spec.dotted, False, spec.usage, rtype, spec.dotted, framework, action))
            continue
        for path, value in walk_path(conf, spec.path):
            if spec.mode == "model":
                if isinstance(value, str):
                    looks_arn = value.startswith("arn:") and parse_model_reference(value).resolvable
                    unresolved = bool(_TF_EXPRESSION.search(value)) and not looks_arn
                    refs.append(_ref(value, not unresolved, spec.usage, rtype, path, framework, action))
                continue
            found_any = False
            for sub, found in extract(spec.mode, value):
                found_any = True
                refs.append(_ref(found, True, spec.usage, rtype, f"{path}.{sub}", framework, action))
            if not found_any and any(_TF_EXPRESSION.search(v) for v in _strings(value)):
                # Part of the document is still an expression checkov could
                # not render: it may hold a model, so the verdict is UNKNOWN.
                refs.append(_ref(path, False, spec.usage, rtype, path, framework, action))
    return refs


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    return []


def cloudformation_references(conf: dict[str, Any], rtype: str) -> list[Reference]:
    conf = _clean(conf)
    props = conf.get("Properties")
    if not isinstance(props, dict):
        return []
    resolver = Resolver({}, {}, {})
    subs = resolver.deep(props.get("DefinitionSubstitutions")) if "DefinitionSubstitutions" in props else {}
    refs = []
    for spec in specs_for("cloudformation", rtype):
        for path, raw, value, _, _ in walk_properties(resolver, props, spec.path, "Properties", (0, 0)):
            if spec.mode == "model":
                if isinstance(value, Unknown):
                    partial = value.partial
                    ok = partial is not None and parse_model_reference(partial).resolvable
                    refs.append(
                        _ref(
                            partial if ok and partial else str(raw), ok, spec.usage, rtype, path, "cloudformation", None
                        )
                    )
                elif isinstance(value, str):
                    refs.append(_ref(value, True, spec.usage, rtype, path, "cloudformation", None))
                continue
            full = partials(resolver.deep(raw))
            if isinstance(subs, dict) and subs:
                full = apply_subs(full, subs)
            if isinstance(full, Unknown):
                continue
            for sub, found in extract(spec.mode, full):
                refs.append(_ref(found, True, spec.usage, rtype, f"{path}.{sub}", "cloudformation", None))
    uri = props.get("DefinitionUri")
    if rtype == "AWS::Serverless::StateMachine" and isinstance(uri, str) and not uri.startswith("s3://"):
        # The definition is in a file checkov does not hand to checks.
        refs.append(_ref(uri, False, Usage.STATE_MACHINE, rtype, "Properties.DefinitionUri", "cloudformation", None))
    return refs


def verdict(rule_id: str, refs: list[Reference]) -> Any:
    """FAILED when the rule fires on any model the resource uses; UNKNOWN
    when none fires but some model could not be resolved; else PASSED."""
    ctx = rule_context()
    rule = RULES_BY_ID[rule_id]
    undecided = False
    for ref in refs:
        if ref.action is Action.DELETE:
            continue
        ev = evaluate(ref, ctx)
        if ev is None:
            ident = ref.identity
            if ident is None or ident.kind is not IdKind.WILDCARD:
                undecided = True
            continue
        if rule.check(ev, ctx) is not None:
            return CheckResult.FAILED
    return CheckResult.UNKNOWN if undecided else CheckResult.PASSED


def terraform_check(rule_id: str) -> Any:
    """A checkov Terraform check (HCL and plan) for one of our rules."""
    rule = RULES_BY_ID[rule_id]

    class _Check(TfResourceCheck):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(
                name=rule.title,
                id=rule.id,
                categories=[CheckCategories.AI_AND_ML],
                supported_resources=list(resource_types("terraform")),
                guideline=rule.help_uri,
            )

        def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
            rtype = self.entity_type
            return verdict(rule.id, terraform_references(conf, rtype))

    _Check.__name__ = f"{rule.name}Terraform"
    return _Check()


def cloudformation_check(rule_id: str) -> Any:
    """A checkov CloudFormation check (templates, SAM, cdk.out) for one of our rules."""
    rule = RULES_BY_ID[rule_id]

    class _Check(CfnResourceCheck):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(
                name=rule.title,
                id=rule.id,
                categories=[CheckCategories.AI_AND_ML],
                supported_resources=list(resource_types("cloudformation")),
                guideline=rule.help_uri,
            )

        def scan_resource_conf(self, conf: dict[str, Any]) -> Any:
            rtype = conf.get("Type") if isinstance(conf.get("Type"), str) else self.entity_type
            return verdict(rule.id, cloudformation_references(conf, str(rtype)))

    _Check.__name__ = f"{rule.name}CloudFormation"
    return _Check()
