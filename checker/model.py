"""The plain records that flow through the pipeline: sources -> rules -> reports.

Every stage reads these and nothing else, so a source never needs to know how a
report looks and a report never needs to know how HCL is parsed.  They are frozen
so that a record handed to several rules (or several worker processes) cannot be
changed under anyone's feet.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from checker.util.enums import StrChoice

if TYPE_CHECKING:
    from checker.modelid import ModelIdentity


class Usage(str, enum.Enum):
    """How a resource uses a model: rules and reports need to tell a provisioned
    throughput (which AWS refuses to create on a Legacy model) from an
    environment variable (which only fails at run time)."""

    PROVISIONED_THROUGHPUT = "provisioned_throughput"
    CUSTOM_MODEL_BASE = "custom_model_base"
    AGENT = "agent"
    AGENT_ALIAS = "agent_alias"
    KNOWLEDGE_BASE_EMBEDDING = "knowledge_base_embedding"
    DATA_SOURCE_PARSING = "data_source_parsing"
    DATA_SOURCE_CONTEXT_ENRICHMENT = "data_source_context_enrichment"
    INFERENCE_PROFILE_SOURCE = "inference_profile_source"
    PROMPT_VARIANT = "prompt_variant"
    FLOW_NODE = "flow_node"
    PROMPT_ROUTER = "prompt_router"
    MODEL_INVOCATION_JOB = "model_invocation_job"
    EVALUATION_JOB = "evaluation_job"
    MODEL_AGREEMENT = "model_agreement"
    AGENTCORE_MEMORY = "agentcore_memory"
    AGENTCORE_EVALUATOR = "agentcore_evaluator"
    AGENTCORE_HARNESS = "agentcore_harness"
    AGENTCORE_GATEWAY = "agentcore_gateway"
    DATA_LOOKUP = "data_lookup"
    ENVIRONMENT_VARIABLE = "environment_variable"
    SSM_PARAMETER = "ssm_parameter"
    STATE_MACHINE = "state_machine"
    IAM_POLICY = "iam_policy"
    LIVE_INVOCATION = "live_invocation"
    OTHER = "other"

    @property
    def usage_class(self) -> str:
        """The key of `eol_by_usage` in the feed that governs this usage."""
        if self is Usage.PROVISIONED_THROUGHPUT:
            return "provisioned_throughput"
        if self is Usage.CUSTOM_MODEL_BASE:
            return "custom_model"
        return "on_demand"


class Action(str, enum.Enum):
    """What `terraform apply` will do to the resource; unknown (None) outside plans."""

    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    NO_OP = "no-op"
    READ = "read"
    DELETE = "delete"

    @property
    def creates(self) -> bool:
        return self in (Action.CREATE, Action.REPLACE)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "notice": 1}[self.value]


class State(str, enum.Enum):
    """Lifecycle state of a model at an evaluation date."""

    ACTIVE = "ACTIVE"
    LEGACY = "LEGACY"
    PUBLIC_EXTENDED_ACCESS = "LEGACY_PUBLIC_EXTENDED_ACCESS"
    EOL = "EOL"
    NOT_IN_FEED = "NOT_IN_FEED"
    #: AWS lists the model in its catalogue, but no source the feed read
    #: publishes its lifecycle state: recognised (no "typo?"), never Active.
    LIFECYCLE_UNPUBLISHED = "LIFECYCLE_UNPUBLISHED"
    UNRESOLVED = "UNRESOLVED"
    #: An IAM grant on a wildcard (`foundation-model/*`): inventory, since it
    #: names no one model, and not unresolved, since nothing is unknown.
    WILDCARD = "WILDCARD"

    @property
    def is_legacy(self) -> bool:
        return self in (State.LEGACY, State.PUBLIC_EXTENDED_ACCESS)

    @property
    def label(self) -> str:
        return {
            "ACTIVE": "Active",
            "LEGACY": "Legacy",
            "LEGACY_PUBLIC_EXTENDED_ACCESS": "Legacy (Public Extended Access)",
            "EOL": "End-of-Life",
            "NOT_IN_FEED": "not in the lifecycle feed",
            "LIFECYCLE_UNPUBLISHED": "in AWS's catalogue, lifecycle state not published",
            "UNRESOLVED": "unresolved",
            "WILDCARD": "wildcard grant (every matching model)",
        }[self.value]


class SourceFramework(StrChoice):
    """The source that read a reference: reports print it, and `fix` and the
    suppressions treat generated or derived files (cdk.out, plans) apart."""

    #: Terraform HCL (`.tf`, `.tf.json`) and checkov's rendering of it.
    TERRAFORM = "terraform"
    #: A plan (`terraform show -json tfplan`): values and the action apply takes.
    TERRAFORM_PLAN = "terraform_plan"
    #: A shown or raw state: what is deployed now.
    TERRAFORM_STATE = "terraform_state"
    #: A CloudFormation or SAM template.
    CLOUDFORMATION = "cloudformation"
    #: A template of a CDK cloud assembly (`cdk.out`): generated, not edited.
    CDK = "cdk"
    #: The live audit of an AWS account (`location.file` is the ARN).
    AWS = "aws"


@dataclass(frozen=True)
class Location:
    """Where a value sits.  `file` is relative to the scan root when it is inside
    one; for live references it is the ARN of the resource."""

    file: str
    line: int = 0
    column: int = 0
    end_line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Definition:
    """The one string literal a reference's model id was written as: the line
    a person edits to move off the model (and the line `fix` rewrites).

    `kind` says what the literal is (`attribute` when it sits in the resource
    itself; `variable default`, `tfvars`, `local`, `module input`, `parameter
    default`, `mapping`, `Globals`, ...), so a report can say "change the
    default of this variable" instead of pointing at the resource that reads it.
    """

    location: Location
    kind: str
    #: The places the value passes on its way to the resource, nearest the
    #: definition first (a module argument, a local, a nested-stack parameter).
    chain: tuple[Location, ...] = ()

    @property
    def elsewhere(self) -> bool:
        """True when the literal is not in the resource itself: the case a
        report must point out, because the finding's own line is not the one
        to edit."""
        return self.kind != "attribute"


@dataclass(frozen=True)
class Reference:
    """One place where infrastructure names (or may name) a Bedrock model.

    `raw` is the value after static resolution (or the expression text when it
    could not be resolved); `identity` is derived from it on demand so that the
    two can never disagree.
    """

    #: The value as resolved (a model id, ARN or profile), or the expression
    #: text when it could not be resolved.
    raw: str
    #: How the resource uses the model (the feed's EOL can differ by usage).
    usage: Usage
    #: Terraform address with module path and instance key, or the logical id.
    resource: str
    #: `aws_bedrockagent_agent`, `AWS::Bedrock::Agent`, `module`, ...
    resource_type: str
    #: Where in the resource: `foundation_model`, `Properties.Definition...`.
    attribute: str
    #: Where the value is written (the attribute's expression).
    location: Location
    #: The source that read it.
    framework: SourceFramework
    #: False when the value is not known before deployment (`raw` is then
    #: the expression; the reference is listed as unresolved, never clean).
    resolved: bool = True
    #: The expression the value came from, when it is not the literal itself.
    expression: str | None = None
    #: What apply will do (plans, the live audit); None when unknown.
    action: Action | None = None
    #: True when a condition not known statically chose this value.
    conditional: bool = False
    #: Where the model is called, when known (the provider's or an ARN's region).
    region: str | None = None
    #: The places the value passed through: tfvars, module calls, parent stacks.
    via: tuple[Location, ...] = ()
    #: The CDK construct path of the resource, for cdk.out templates.
    construct_path: str | None = None
    #: `file:line` of the app's code that created the construct, from the
    #: assembly's creation stacks: cdk.out is generated (and usually not
    #: committed), so this is the line a person edits.
    created_at: str | None = None
    #: A word to the user next to the reference (why it is unresolved...).
    note: str | None = None
    #: First and last line of the enclosing resource (0 when unknown): inline
    #: suppressions such as `checkov:skip` may sit anywhere inside the block.
    resource_line: int = 0
    resource_end_line: int = 0
    #: The literal the value comes from, when it comes from exactly one.
    definition: Definition | None = None
    #: The condition a resource deploys under, when it is false with the
    #: parameters the scan has (a CloudFormation `Condition`): the resource
    #: is not deployed, so its model is inventory and its findings notices.
    only_when: str | None = None
    #: The Step Functions state(s) naming the model, for a model inside a
    #: state machine definition (`"Ask"`, or `"A", "B"` when states on one
    #: line name the same model and are reported once).
    state: str | None = None

    @property
    def identity(self) -> ModelIdentity | None:
        from checker.modelid import parse_model_reference

        if not self.resolved:
            return None
        return parse_model_reference(self.raw)

    @property
    def unresolved_reason(self) -> str | None:
        """Why no model id could be read, for every report: the input that
        made the value unknown (a variable without a value, a data source,
        an apply-time attribute, an unsupported function) when the source
        said, else the identifier's own problem; None when resolved."""
        ident = self.identity
        if ident is not None and ident.resolvable:
            return None
        if ident is not None and ident.reason:
            return ident.reason
        return self.note or "value is not known statically"

    @property
    def model_id(self) -> str | None:
        ident = self.identity
        return ident.model_id if ident is not None else None

    @property
    def effective_region(self) -> str | None:
        ident = self.identity
        if ident is not None and ident.region:
            return ident.region
        return self.region


@dataclass(frozen=True)
class LifecycleStatus:
    """A model's lifecycle as seen on one date, in one region (or the worst
    region when the region is unknown)."""

    state: State
    as_of: date
    legacy_date: date | None = None
    public_extended_access_date: date | None = None
    eol_date: date | None = None
    regions: tuple[str, ...] = ()
    basis: str = "dates"
    earliest_possible_eol: date | None = None
    note: str | None = None
    #: When the verdict rests on a stored status (basis "status"), the day that
    #: status was observed: a date-less "Active" is a fact of that day only.
    observed_on: date | None = None

    @property
    def days_to_eol(self) -> int | None:
        if self.eol_date is None:
            return None
        return (self.eol_date - self.as_of).days


@dataclass(frozen=True)
class Suppression:
    #: The rule (or the `CKV_BEDROCK_*` wildcard's match) it suppresses.
    rule_id: str
    #: Why, as written: a suppression without a reason is not honoured.
    reason: str
    #: Where the suppression is written.
    location: Location
    #: Honoured until this date, then the finding counts again.
    until: date | None = None
    expired: bool = False
    #: inline (our comment), checkov (checkov:skip) or metadata (template Metadata).
    origin: str = "inline"


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_name: str
    #: The rule's severity, or the one the configuration gives it.
    severity: Severity
    reference: Reference
    status: LifecycleStatus
    #: Said to the user: model, state, date, what to move to.
    message: str
    #: The feed's recommended replacement models.
    replacements: tuple[str, ...] = ()
    model_name: str | None = None
    #: Set when an inline or Metadata suppression matched (it may have expired).
    suppression: Suppression | None = None
    #: True when AWS names no Active replacement and `replacements` is our
    #: suggestion (newest Active model of the same provider and kind).
    replacement_suggested: bool = False
    #: True when the baseline holds this finding: reported, never failing.
    baselined: bool = False

    @property
    def model_id(self) -> str:
        return self.reference.model_id or self.reference.raw

    @property
    def active(self) -> bool:
        """True when the finding counts against the exit code."""
        return not self.baselined and (self.suppression is None or self.suppression.expired)


class ErrorKind(StrChoice):
    """Why a file could not be read; reports carry it (JSON `kind`, JUnit
    `type`) so a pipeline can tell its own mistake from a broken file."""

    #: The file is broken or unsupported (the common case).
    ERROR = "error"
    #: A path given on the command line does not exist.
    USAGE = "usage"
    #: A suppression that is not honoured (no reason, no id, bad date).
    SUPPRESSION = "suppression"
    #: The live audit could not call AWS.
    AWS = "aws"
    #: A bug of ours (a worker crashed): the result is never cached.
    INTERNAL = "internal"


@dataclass(frozen=True)
class ScanError:
    """A file (or unit) that could not be read.  The scan goes on; the exit
    code says that errors happened."""

    file: str
    message: str
    line: int = 0
    kind: ErrorKind = ErrorKind.ERROR

    def __post_init__(self) -> None:
        if len(self.message) > _SHORT_MESSAGE:
            object.__setattr__(self, "message", short_message(self.message))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


#: Messages quote input (a tag, a path, a token): a hostile file must not put
#: megabytes of itself into every report through an error.
_SHORT_MESSAGE = 300
_EXCERPT = 60
_MAX_MESSAGE = 1000


def short_message(message: str) -> str:
    """Each quoted excerpt longer than a few dozen characters is cut in the
    middle (its length said), and the whole message is capped, so the part
    after a quote ("...; not read") still shows."""
    import re

    def cut(m: re.Match[str]) -> str:
        q, body = m.group(1), m.group(2)
        hidden = len(body) - _EXCERPT
        return f"{q}{body[: _EXCERPT // 2]}…({hidden:,} characters)…{body[-_EXCERPT // 2 :]}{q}"

    out = re.sub(r"""(['"])((?:(?!\1).){""" + str(_EXCERPT + 20) + r""",})\1""", cut, message)
    if len(out) > _MAX_MESSAGE:
        out = out[: _MAX_MESSAGE - 40] + f"…({len(out) - _MAX_MESSAGE + 40:,} characters not shown)"
    return out


@dataclass
class SourceResult:
    """What one source produced for one unit (a Terraform module, a template,
    a plan, a cloud assembly)."""

    references: list[Reference] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: False when the result depends on files outside the unit's own (a plan
    #: evaluated with the configuration beside it): the unit's cache key
    #: would not see them change, so the result is not cached.
    cacheable: bool = True
    #: Suppression lines of the files read (shown path -> (line, text)),
    #: collected while reading, so suppressions need no second read.
    marks: dict[str, tuple[tuple[int, str], ...]] = field(default_factory=dict)
    #: Suppressions in templates' Metadata (shown path -> logical id ->
    #: (origin, entry, line)), from the documents the source parsed.
    metadata_marks: dict[str, dict[str, list[tuple[str, Any, int]]]] = field(default_factory=dict)
    #: The models a template's `Export`s stand for, one reference per export
    #: (`resource`: the output, `attribute`: the export name): templates are
    #: scanned one unit each, so an import in another template of the tree
    #: is linked after every unit is read (`checker.sources.cloudformation.exports`).
    exports: list[Reference] = field(default_factory=list)

    def extend(self, other: SourceResult) -> None:
        self.references.extend(other.references)
        self.errors.extend(other.errors)
        self.files.extend(other.files)
        self.marks.update(other.marks)
        self.metadata_marks.update(other.metadata_marks)
        self.exports.extend(other.exports)


@dataclass(frozen=True)
class AssessedReference:
    """A reference with its lifecycle state: the row of the audit inventory."""

    reference: Reference
    status: LifecycleStatus
    model_name: str | None = None
    replacements: tuple[str, ...] = ()
    replacement_suggested: bool = False


@dataclass
class ScanResult:
    """Everything a report needs; produced by `checker.pipeline.scan`."""

    references: list[AssessedReference]
    findings: list[Finding]
    errors: list[ScanError]
    as_of: date
    feed_as_of: date
    feed_origin: str
    fail_on: Severity
    eol_window_days: int
    files_scanned: int = 0
    roots: tuple[str, ...] = ()
    tool_version: str = ""
    #: Settings the scanned repository's configuration changed that can
    #: weaken the policy: every report lists them, so a pull request cannot
    #: quietly turn a finding off.
    repository_changes: tuple[str, ...] = ()
    #: `--max-feed-age`: reports warn when the feed's data is older.
    max_feed_age_days: int = 45
    #: The feed's own description of where its data comes from.
    feed_generated_by: str = ""
    #: False when some unit's result depends on files its cache key does not
    #: cover (see `SourceResult.cacheable`): the report is not cached either.
    cacheable: bool = True
    #: `--fail-on-unresolved`: a reference whose model could not be decided
    #: fails the scan, for pipelines that require full resolution.
    fail_on_unresolved: bool = False

    @property
    def failing_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.active and f.severity.rank >= self.fail_on.rank]

    @property
    def unresolved(self) -> list[AssessedReference]:
        """References whose model could not be decided statically (each says
        which input made it unknown); wildcard grants are not among them."""
        return [a for a in self.references if a.status.state is State.UNRESOLVED]

    @property
    def wildcards(self) -> list[AssessedReference]:
        """IAM grants on a wildcard: inventory, they name no one model."""
        return [a for a in self.references if a.status.state is State.WILDCARD]

    @property
    def exit_code(self) -> int:
        """0 clean, 1 findings at or above the threshold (or, with
        `fail_on_unresolved`, any unresolved reference), 2 errors (errors
        win: a scan that could not read a file cannot vouch for it)."""
        if self.errors:
            return 2
        if self.fail_on_unresolved and self.unresolved:
            return 1
        return 1 if self.failing_findings else 0
