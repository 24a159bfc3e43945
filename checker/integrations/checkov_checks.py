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

import re
from collections.abc import Iterator
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

from checker.catalog import Mode, resource_types, specs_for
from checker.catalog.extract import extract
from checker.catalog.records import Found, Inputs, ReferenceBuilder
from checker.feed import load_feed
from checker.integrations.handoff import handed
from checker.model import Action, Reference, SourceFramework
from checker.modelid import IdKind, parse_model_reference
from checker.rules import RULES_BY_ID, RuleContext, evaluate
from checker.settings import checkov_settings

#: What checkov leaves when it cannot render a value: a variable, local,
#: module output or data reference, an interpolation, a resource attribute
#: reference (resource types have underscores; model ids never do), or a
#: `dynamic` block's iterator (`variant.value.model_id`), which it keeps for
#: a block it cannot expand (a `count = 0` instance, an empty collection).
_TF_EXPRESSION = re.compile(
    r"^(var|local|module|data|each|count|path|self)\.|\$\{|^[a-z][a-z0-9]*_[a-z0-9_]*\."
    r"|^[A-Za-z_][A-Za-z0-9_-]*\.(key|value)(\.|\[|$)"
    r"|^[a-z][a-z0-9_]*\(.*\)$",  # a function call kept as its text (`replace(...)`)
    re.DOTALL,
)
_ACTIONS = {
    "create": Action.CREATE,
    "update": Action.UPDATE,
    "no-op": Action.NO_OP,
    "read": Action.READ,
    "delete": Action.DELETE,
}


@lru_cache(maxsize=4)
def _context(feed: str | None, as_of: date | None, window: int) -> RuleContext:
    return RuleContext(as_of=as_of or date.today(), feed=load_feed(feed), eol_window_days=window)


def rule_context() -> RuleContext:
    return _context(*checkov_settings())


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


def _ref(found: Found, rtype: str, framework: SourceFramework, action: Action | None) -> Reference:
    return ReferenceBuilder("", rtype, framework, "", action=action).build(found)


def _unrendered(value: str) -> bool:
    """An expression checkov left as it was; a model ARN with an
    interpolated region still names its model."""
    if value.startswith("arn:") and parse_model_reference(value).resolvable:
        return False
    return bool(_TF_EXPRESSION.search(value))


def terraform_references(conf: dict[str, Any], rtype: str) -> list[Reference]:
    action = _plan_action(conf)
    framework = SourceFramework.TERRAFORM_PLAN if action is not None else SourceFramework.TERRAFORM
    refs = []
    absent = set()
    for spec in specs_for("terraform", rtype):
        if action is not None and spec.mode is Mode.MODEL and len(spec.path) == 1 and not conf.get(spec.path[0]):
            # A plan omits a value known only at apply; these attributes are
            # required, so absent means unknown, not unset.
            absent.add(spec.path[0])
            missing = Found(spec.usage, spec.dotted, spec.dotted, resolved=False)
            refs.append(_ref(missing, rtype, framework, action))
    for found in extract("terraform", rtype, conf, Inputs(unrendered=_unrendered)):
        if found.attribute.split("[")[0].split(".")[0] not in absent:
            refs.append(_ref(found, rtype, framework, action))
    if action is None:
        for spec in specs_for("terraform", rtype):
            for path in _emptied(conf, spec.path):
                emptied = Found(spec.usage, path, path, resolved=False, note="checkov rendered this value empty")
                refs.append(_ref(emptied, rtype, framework, action))
    return refs


def _emptied(value: Any, path: tuple[str, ...], prefix: str = "") -> Iterator[str]:
    """Where a catalog path meets an empty list in checkov's rendering of
    HCL.  checkov renders what it cannot evaluate that way (awscc's
    `models = [for m in local.models : { model_arn = m }]` comes out as
    `[]`): the models may be there, so the verdict cannot be a pass, and our
    own evaluator is asked (`handed(..., in_process=True)`)."""
    if isinstance(value, list):
        if not value and prefix:
            yield prefix.lstrip(".")
        for i, item in enumerate(value):
            yield from _emptied(item, path, f"{prefix}[{i}]")
    elif path and isinstance(value, dict) and path[0] in value:
        yield from _emptied(value[path[0]], path[1:], f"{prefix}.{path[0]}")


def cloudformation_references(conf: dict[str, Any], rtype: str) -> list[Reference]:
    """The same extraction as the CLI's template source; what checkov cannot
    hand a check (a DefinitionUri file, the template's Globals) is flagged on
    the special case (`checker.catalog.special`)."""
    conf = _clean(conf)
    return [
        _ref(found, rtype, SourceFramework.CLOUDFORMATION, None)
        for found in extract("cloudformation", rtype, conf.get("Properties"))
    ]


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
            address = conf.get("__address__")
            address = address if isinstance(address, str) else None
            refs = handed(self.entity_path, rtype, address)
            if refs is None:
                refs = terraform_references(conf, rtype)
                if any(not r.resolved for r in refs):
                    # What checkov could not render, our evaluator may.
                    refs = handed(self.entity_path, rtype, address, in_process=True) or refs
            return verdict(rule.id, refs)

    _Check.__name__ = f"{rule.name}Terraform"
    return _Check()


_LINKS = ("Fn::GetAtt", "Fn::ImportValue", "Ref")


def _links_elsewhere(value: Any) -> bool:
    """Whether a resource's properties name another resource's output (or
    an import), which a check given the resource alone reads as nothing: a
    policy granting invoke on `!GetAtt Profile.InferenceProfileArn` would
    pass unseen. Bounded: real properties are small."""
    stack, seen = [value], 0
    while stack and seen < 5000:
        v = stack.pop()
        seen += 1
        if isinstance(v, dict):
            if any(k in v for k in _LINKS):
                return True
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return False


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
            rtype = str(conf.get("Type")) if isinstance(conf.get("Type"), str) else self.entity_type
            refs = handed(self.entity_path, rtype, None)
            if refs is None:
                refs = cloudformation_references(conf, rtype)
                undecided = "Condition" in conf or any(r.conditional or not r.resolved for r in refs)
                if undecided or _links_elsewhere(conf.get("Properties")):
                    # The template's Conditions, another resource's output
                    # (`!GetAtt`), a nested stack or an import (what checkov
                    # hands no check) decide these: our scan of the template does.
                    refs = handed(self.entity_path, rtype, None, in_process=True) or refs
            return verdict(rule.id, refs)

    _Check.__name__ = f"{rule.name}CloudFormation"
    return _Check()
