"""What a rule is: an id, a severity, and one question asked of one reference."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from checker.feed.model import Feed, FeedModel
from checker.model import LifecycleStatus, Reference, Severity

#: Where each rule's documentation lives; checkov guidelines and SARIF helpUri point here.
DOCS_URL = "https://github.com/bedrock-lifecycle/bedrock-lifecycle/blob/main/docs/rules.md"


@dataclass(frozen=True)
class RuleContext:
    as_of: date
    feed: Feed
    eol_window_days: int = 90


@dataclass(frozen=True)
class Evaluation:
    """A resolved reference joined with the feed: the input every rule sees."""

    reference: Reference
    model: FeedModel | None
    status: LifecycleStatus


class Rule:
    """One lifecycle question.  `check` returns the finding's message, or None
    when the reference passes.  Rules only see resolved references."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    help: ClassVar[str]

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.id.lower()}"

    def check(self, ev: Evaluation, ctx: RuleContext) -> str | None:
        raise NotImplementedError
