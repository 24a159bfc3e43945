#!/usr/bin/env python3
"""A small support-assistant CDK app whose synth output (cdk.out/) shows each
CloudFormation rule firing, and passing, the way the CDK writes model ARNs."""

import aws_cdk as cdk
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import Construct


def model(scope: Construct, cid: str, model_id: str) -> bedrock.IModel:
    return bedrock.FoundationModel.from_foundation_model_id(scope, cid, bedrock.FoundationModelIdentifier(model_id))


class ReportingStack(cdk.NestedStack):
    """Nested stack: an agent whose model id has a typo (CKV_BEDROCK_6)."""

    def __init__(self, scope: Construct, cid: str, *, role: iam.IRole) -> None:
        super().__init__(scope, cid)
        bedrock.CfnAgent(
            self,
            "ReportAgent",
            agent_name="nightly-report",
            agent_resource_role_arn=role.role_arn,
            foundation_model="anthropic.claude-3-5-sonet-20241022-v2:0",
            instruction="You write the nightly ticket report for the support team.",
        )


class SupportStack(cdk.Stack):
    def __init__(self, scope: Construct, cid: str, **kwargs: object) -> None:
        super().__init__(scope, cid, **kwargs)
        role = iam.Role(self, "AgentRole", assumed_by=iam.ServicePrincipal("bedrock.amazonaws.com"))

        # Legacy since 2026-10-08 (CKV_BEDROCK_3).
        sonnet45 = model(self, "Sonnet45", "anthropic.claude-sonnet-4-5-20250929-v1:0")
        bedrock.CfnAgent(
            self,
            "SupportAgent",
            agent_name="support",
            agent_resource_role_arn=role.role_arn,
            foundation_model=sonnet45.model_arn,
            instruction="You answer customer questions about orders, returns and shipping.",
        )

        # Active embedding model: passes.
        titan = model(self, "TitanEmbed", "amazon.titan-embed-text-v2:0")
        bedrock.CfnKnowledgeBase(
            self,
            "Manuals",
            name="manuals",
            role_arn=role.role_arn,
            knowledge_base_configuration=bedrock.CfnKnowledgeBase.KnowledgeBaseConfigurationProperty(
                type="VECTOR",
                vector_knowledge_base_configuration=bedrock.CfnKnowledgeBase.VectorKnowledgeBaseConfigurationProperty(
                    embedding_model_arn=titan.model_arn
                ),
            ),
            storage_configuration=bedrock.CfnKnowledgeBase.StorageConfigurationProperty(
                type="OPENSEARCH_SERVERLESS",
                opensearch_serverless_configuration=bedrock.CfnKnowledgeBase.OpenSearchServerlessConfigurationProperty(
                    collection_arn="arn:aws:aoss:us-east-1:123456789012:collection/manuals",
                    vector_index_name="manuals",
                    field_mapping=bedrock.CfnKnowledgeBase.OpenSearchServerlessFieldMappingProperty(
                        vector_field="embedding", text_field="text", metadata_field="metadata"
                    ),
                ),
            ),
        )

        # Public Extended Access, EOL 2027-01-08 (CKV_BEDROCK_3, 4, 5).
        opus41 = model(self, "Opus41", "anthropic.claude-opus-4-1-20250805-v1:0")
        bedrock.CfnApplicationInferenceProfile(
            self,
            "ChargebackProfile",
            inference_profile_name="support-chargeback",
            model_source=bedrock.CfnApplicationInferenceProfile.InferenceProfileModelSourceProperty(
                copy_from=opus41.model_arn
            ),
        )

        # End-of-Life (CKV_BEDROCK_1) in a Lambda environment variable.
        lambda_.Function(
            self,
            "Summarizer",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return event\n"),
            environment={"MODEL_ID": "anthropic.claude-v2"},
        )

        # EOL on 2026-11-26 (CKV_BEDROCK_5 before then) in a Step Functions task.
        jamba = model(self, "Jamba", "ai21.jamba-1-5-large-v1:0")
        invoke = tasks.BedrockInvokeModel(
            self,
            "Classify",
            model=jamba,
            body=sfn.TaskInput.from_object({"prompt": "Classify this ticket."}),
        )
        sfn.StateMachine(self, "Triage", definition_body=sfn.DefinitionBody.from_chainable(invoke))

        ReportingStack(self, "Reporting", role=role)


class ProdStage(cdk.Stage):
    """A stage (nested cloud assembly) on Active models only: passes."""

    def __init__(self, scope: Construct, cid: str) -> None:
        super().__init__(scope, cid)
        stack = cdk.Stack(self, "Faq")
        role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("bedrock.amazonaws.com"))
        bedrock.CfnAgent(
            stack,
            "FaqAgent",
            agent_name="faq",
            agent_resource_role_arn=role.role_arn,
            foundation_model=model(stack, "NovaPro", "amazon.nova-pro-v1:0").model_arn,
            instruction="You answer frequently asked questions from the help centre.",
        )


app = cdk.App()
SupportStack(app, "SupportStack")
ProdStage(app, "Prod")
app.synth()
