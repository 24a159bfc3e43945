"""What is deployed and what is invoked, read from live AWS accounts.

IaC says what should exist; an auditor needs what does: provisioned
throughputs, custom models, agents, knowledge bases, application inference
profiles, prompts and flows, and the models CloudWatch saw invoked in the last
N days, including ones no scanned repository names.  Every reference points
at its ARN and region, and goes through the same rules as `scan`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from checker.catalog.records import Found, ReferenceBuilder
from checker.feed.refresh import call, client_config, paginate
from checker.model import Action, ErrorKind, Reference, ScanError, SourceFramework, SourceResult, Usage

#: Every API the audit and the refresh call, as IAM actions; docs/iam-policy.json
#: must allow exactly these (a test holds them equal).
IAM_ACTIONS = (
    "bedrock:GetAgent",
    "bedrock:GetFlow",
    "bedrock:GetKnowledgeBase",
    "bedrock:GetPrompt",
    "bedrock:ListAgents",
    "bedrock:ListCustomModels",
    "bedrock:ListFlows",
    "bedrock:ListFoundationModels",
    "bedrock:ListInferenceProfiles",
    "bedrock:ListKnowledgeBases",
    "bedrock:ListPrompts",
    "bedrock:ListProvisionedModelThroughputs",
    "cloudwatch:GetMetricStatistics",
    "cloudwatch:ListMetrics",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
)


@dataclass
class AuditTarget:
    session: Any
    account: str
    regions: list[str]


@dataclass
class Audit:
    days: int = 30
    sleep: Callable[[float], None] = time.sleep
    now: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))

    def run(self, targets: list[AuditTarget]) -> SourceResult:
        result = SourceResult()
        for t in targets:
            for region in t.regions:
                for name, fn in (
                    ("bedrock", self._bedrock),
                    ("bedrock-agent", self._agents),
                    ("cloudwatch", self._invocations),
                ):
                    where = f"aws://{t.account}/{region}/{name}"
                    try:
                        result.references.extend(fn(t, region))
                    except Exception as exc:
                        result.errors.append(ScanError(where, _describe(exc), kind=ErrorKind.AWS))
        return result

    def _ref(
        self,
        raw: str,
        usage: Usage,
        arn: str,
        rtype: str,
        attribute: str,
        region: str,
        resource: str,
        note: str | None = None,
    ) -> Reference:
        builder = ReferenceBuilder(resource, rtype, SourceFramework.AWS, arn, region=region, action=Action.NO_OP)
        return builder.build(Found(usage, raw, attribute, note=note))

    def _bedrock(self, t: AuditTarget, region: str) -> Iterator[Reference]:
        c = t.session.client("bedrock", region_name=region, config=client_config())
        for pt in paginate(c.list_provisioned_model_throughputs, "provisionedModelSummaries", self.sleep):
            model = pt.get("foundationModelArn") or pt.get("modelArn")
            if model:
                yield self._ref(
                    model,
                    Usage.PROVISIONED_THROUGHPUT,
                    pt["provisionedModelArn"],
                    "ProvisionedModelThroughput",
                    "foundationModelArn",
                    region,
                    pt["provisionedModelName"],
                    f"status {pt.get('status')}, {pt.get('modelUnits')} model unit(s)",
                )
        for cm in paginate(c.list_custom_models, "modelSummaries", self.sleep):
            if cm.get("baseModelArn"):
                yield self._ref(
                    cm["baseModelArn"],
                    Usage.CUSTOM_MODEL_BASE,
                    cm["modelArn"],
                    "CustomModel",
                    "baseModelArn",
                    region,
                    cm.get("modelName", cm["modelArn"]),
                )
        for p in paginate(c.list_inference_profiles, "inferenceProfileSummaries", self.sleep, typeEquals="APPLICATION"):
            for m in p.get("models", []):
                yield self._ref(
                    m["modelArn"],
                    Usage.INFERENCE_PROFILE_SOURCE,
                    p["inferenceProfileArn"],
                    "ApplicationInferenceProfile",
                    "models",
                    region,
                    p["inferenceProfileName"],
                )

    def _agents(self, t: AuditTarget, region: str) -> Iterator[Reference]:
        c = t.session.client("bedrock-agent", region_name=region, config=client_config())
        for a in paginate(c.list_agents, "agentSummaries", self.sleep):
            agent = call(c.get_agent, self.sleep, agentId=a["agentId"])["agent"]
            if agent.get("foundationModel"):
                yield self._ref(
                    agent["foundationModel"],
                    Usage.AGENT,
                    agent["agentArn"],
                    "Agent",
                    "foundationModel",
                    region,
                    agent["agentName"],
                )
        for kb in paginate(c.list_knowledge_bases, "knowledgeBaseSummaries", self.sleep):
            full = call(c.get_knowledge_base, self.sleep, knowledgeBaseId=kb["knowledgeBaseId"])["knowledgeBase"]
            conf = full.get("knowledgeBaseConfiguration", {})
            arn = (conf.get("vectorKnowledgeBaseConfiguration") or {}).get("embeddingModelArn")
            if arn:
                yield self._ref(
                    arn,
                    Usage.KNOWLEDGE_BASE_EMBEDDING,
                    full["knowledgeBaseArn"],
                    "KnowledgeBase",
                    "embeddingModelArn",
                    region,
                    full["name"],
                )
        for p in paginate(c.list_prompts, "promptSummaries", self.sleep):
            full = call(c.get_prompt, self.sleep, promptIdentifier=p["id"])
            for v in full.get("variants", []):
                if v.get("modelId"):
                    yield self._ref(
                        v["modelId"],
                        Usage.PROMPT_VARIANT,
                        full["arn"],
                        "Prompt",
                        "variants.modelId",
                        region,
                        full["name"],
                    )
        for f in paginate(c.list_flows, "flowSummaries", self.sleep):
            full = call(c.get_flow, self.sleep, flowIdentifier=f["id"])
            for path, model in _model_ids(full.get("definition", {}), "definition"):
                yield self._ref(model, Usage.FLOW_NODE, full["arn"], "Flow", path, region, full["name"])

    def _invocations(self, t: AuditTarget, region: str) -> Iterator[Reference]:
        c = t.session.client("cloudwatch", region_name=region, config=client_config())
        metrics = paginate(c.list_metrics, "Metrics", self.sleep, Namespace="AWS/Bedrock", MetricName="Invocations")
        end = self.now()
        start = end - timedelta(days=self.days)
        for m in metrics:
            dims = {d["Name"]: d["Value"] for d in m.get("Dimensions", [])}
            model = dims.get("ModelId")
            if not model or len(dims) != 1:
                continue
            stats = call(
                c.get_metric_statistics,
                self.sleep,
                Namespace="AWS/Bedrock",
                MetricName="Invocations",
                Dimensions=[{"Name": "ModelId", "Value": model}],
                StartTime=start,
                EndTime=end,
                Period=86400,
                Statistics=["Sum"],
            )
            total = int(sum(p.get("Sum", 0) for p in stats.get("Datapoints", [])))
            if total:
                where = f"aws://{t.account}/{region}/cloudwatch/AWS/Bedrock/Invocations/ModelId={model}"
                yield self._ref(
                    model,
                    Usage.LIVE_INVOCATION,
                    where,
                    "Invocations",
                    "ModelId",
                    region,
                    f"invocations in {region}",
                    f"{total} invocation(s) in the last {self.days} days",
                )


def _model_ids(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in ("modelId", "modelArn") and isinstance(v, str):
                yield f"{path}.{k}", v
            else:
                yield from _model_ids(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _model_ids(v, f"{path}[{i}]")


def _describe(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        err = response.get("Error", {})
        return f"{err.get('Code')}: {err.get('Message')}"
    return f"{type(exc).__name__}: {exc}"


def targets(
    profiles: list[str], roles: list[str], regions: list[str] | None, partition: str = "aws"
) -> list[AuditTarget]:
    """One target per profile (default: the default credentials) and per role
    assumed from the first of them."""
    import boto3

    from checker.feed.refresh import bedrock_regions

    out: list[AuditTarget] = []
    base_sessions = [boto3.session.Session(profile_name=p) for p in profiles] or [boto3.session.Session()]
    for s in base_sessions:
        account = s.client("sts").get_caller_identity()["Account"]
        out.append(AuditTarget(s, account, regions or bedrock_regions(s, partition)))
    for role in roles:
        creds = (
            base_sessions[0]
            .client("sts")
            .assume_role(RoleArn=role, RoleSessionName="bedrock-lifecycle-audit")["Credentials"]
        )
        s = boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        out.append(AuditTarget(s, role.split(":")[4], regions or bedrock_regions(s, partition)))
    return out
