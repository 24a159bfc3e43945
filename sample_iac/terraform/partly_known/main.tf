# A service written the way public modules write it: ARNs built from the
# partition and region data sources (known only at apply), a model chosen by
# an environment flag that has no default. The model part of every ARN is
# known, so each one is judged; the flag is not, so both branches are.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

variable "environment" {
  description = "Deployment stage; given by the pipeline."
  type        = string
}

locals {
  chat_model      = "anthropic.claude-v2"
  embedding_model = "amazon.titan-embed-text-v1"
  arn_prefix      = "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}"
  chat_model_arn  = "${local.arn_prefix}::foundation-model/${local.chat_model}"
  summary_model   = var.environment == "prod" ? "anthropic.claude-3-haiku-20240307-v1:0" : "anthropic.claude-instant-v1"
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid     = "InvokeChatAndEmbeddings"
    actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = [
      local.chat_model_arn,
      format("arn:%s:bedrock:%s::foundation-model/%s", data.aws_partition.current.partition, data.aws_region.current.name, local.embedding_model),
      "arn:${data.aws_partition.current.partition}:bedrock:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:inference-profile/us.${local.chat_model}",
    ]
  }
  statement {
    sid       = "InvokeAnyProfile"
    actions   = ["bedrock:InvokeModel"]
    resources = ["arn:${data.aws_partition.current.partition}:bedrock:*::inference-profile/*"]
  }
}

variable "worker_role" {
  description = "The role the worker runs as (created by the platform stack)."
  type        = object({ name = string, arn = string })
}

resource "aws_iam_role_policy" "worker_invoke" {
  name = "invoke-summary-model"
  role = var.worker_role.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Action = ["bedrock:InvokeModel"]
        Resource = [
          local.chat_model_arn,
          "arn:${data.aws_partition.current.partition}:bedrock:*::foundation-model/*",
        ]
      }
    ]
  })
}

resource "aws_lambda_function" "summary" {
  function_name = "summary-worker"
  role          = var.worker_role.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "summary.zip"

  environment {
    variables = {
      CHAT_MODEL_ARN = local.chat_model_arn
      SUMMARY_MODEL  = local.summary_model
      EMBED_MODEL    = coalesce(null, "${local.arn_prefix}::foundation-model/${local.embedding_model}")
    }
  }
}

resource "aws_sfn_state_machine" "digest" {
  name     = "nightly-digest"
  role_arn = var.worker_role.arn
  definition = jsonencode({
    QueryLanguage = "JSONata"
    StartAt       = "Summarise"
    States = {
      Summarise = {
        Type     = "Task"
        Resource = "arn:${data.aws_partition.current.partition}:states:::bedrock:invokeModel"
        Arguments = {
          ModelId = local.chat_model_arn
          Body    = { prompt = "{% 'Summarise ' & $states.input.day %}" }
        }
        Next = "Done"
      }
      Done = { Type = "Succeed" }
    }
  })
}

resource "aws_bedrockagent_agent" "assistant" {
  agent_name              = "digest-assistant"
  agent_resource_role_arn = var.worker_role.arn
  foundation_model        = local.summary_model
  instruction             = "Answer questions about the nightly digest using the tools provided."
}
