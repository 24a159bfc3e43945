"""What a rule is: an id, a severity, and one question asked of one reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from checker.feed.model import Feed, FeedModel
from checker.model import LifecycleStatus, Reference, Severity
from checker.settings import DEFAULT_EOL_WINDOW

if TYPE_CHECKING:
    from checker.rules.lifecycle import Advice

#: Where each rule's documentation lives; checkov guidelines and SARIF helpUri point here.
DOCS_URL = "https://github.com/bedrock-lifecycle/bedrock-lifecycle/blob/main/docs/rules.md"


@dataclass(frozen=True)
class RuleContext:
    as_of: date
    feed: Feed
    eol_window_days: int = DEFAULT_EOL_WINDOW


@dataclass(frozen=True)
class Evaluation:
    """A resolved reference joined with the feed: the input every rule sees."""

    reference: Reference
    model: FeedModel | None
    status: LifecycleStatus
    #: Where to move, for a model that needs moving (None when it does not).
    advice: Advice | None = None

    @property
    def replacements(self) -> tuple[str, ...]:
        return self.advice.models if self.advice is not None else ()

    @property
    def replacement_suggested(self) -> bool:
        return self.advice is not None and self.advice.suggested


class Rule:
    """One lifecycle question.  `check` returns the finding's message, or None
    when the reference passes.  Rules only see resolved references.

    A rule class is the only place its id, title, severity and "fires when"
    text are written: the config schema, the checkov policy files, SARIF's
    rule list, `bedrock-lifecycle rules`, and (held equal by tests) the
    README table and docs/rules.md all come from these attributes."""

    #: `CKV_BEDROCK_<n>`: checkov's id form, so one id serves both tools.
    id: ClassVar[str]
    #: CamelCase name (SARIF `name`, the checkov check's class name).
    name: ClassVar[str]
    #: Default severity; a repository may change it (`severities:`).
    severity: ClassVar[Severity]
    #: One line, the rule's headline in reports and docs.
    title: ClassVar[str]
    #: The condition, completing "fires when ..." (README table, policy files).
    fires_when: ClassVar[str]
    #: What it means and what to do (SARIF help text).
    help: ClassVar[str]

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}"

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        raise NotImplementedError
