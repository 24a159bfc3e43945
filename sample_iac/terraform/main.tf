module "agents" {
  source = "./modules/agents"

  name_prefix = local.name_prefix
  model_id    = local.models["chat"]
  tags        = local.tags
}

module "knowledge" {
  source = "./modules/knowledge"

  name_prefix     = local.name_prefix
  embedding_model = lookup(local.models, "embedding", "amazon.titan-embed-text-v2:0")
  region          = var.region
}

# Reserved capacity for the agent's peak hours. Sonnet 4.5 is Legacy since
# 2026-10-08: AWS no longer creates provisioned throughput for it.
resource "aws_bedrock_provisioned_model_throughput" "peak" {
  provisioned_model_name = "${local.name_prefix}-peak"
  model_arn              = "arn:aws:bedrock:${var.region}::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0"
  model_units            = 1
  commitment_duration    = "OneMonth"
  tags                   = local.tags
}

resource "aws_bedrock_custom_model" "tuned" {
  custom_model_name     = "${local.name_prefix}-tuned"
  job_name              = "${local.name_prefix}-tuning"
  base_model_identifier = "arn:aws:bedrock:${var.region}::foundation-model/amazon.nova-pro-v1:0"
  role_arn              = aws_iam_role.bedrock.arn
  customization_type    = "FINE_TUNING"

  training_data_config {
    s3_uri = "s3://${aws_s3_bucket.training.id}/train.jsonl"
  }
  output_data_config {
    s3_uri = "s3://${aws_s3_bucket.training.id}/output/"
  }
}

# Known only after apply: judged by the base model the custom model names.
resource "aws_bedrock_provisioned_model_throughput" "tuned" {
  provisioned_model_name = "${local.name_prefix}-tuned"
  model_arn              = aws_bedrock_custom_model.tuned.custom_model_arn
  model_units            = 1
}

resource "aws_bedrockagent_prompt" "triage" {
  for_each = var.prompt_variants

  name            = "${local.name_prefix}-triage-${each.key}"
  default_variant = each.key

  variant {
    name          = each.key
    model_id      = each.value
    template_type = "TEXT"
    template_configuration {
      text {
        text = "Classify this support ticket: {{ticket}}"
      }
    }
  }
}

resource "aws_s3_bucket" "training" {
  bucket = "${local.name_prefix}-training-data"
  tags   = local.tags
}

resource "aws_iam_role" "bedrock" {
  name = "${local.name_prefix}-bedrock"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
    }]
  })
}

resource "aws_lambda_function" "batch_summary" {
  function_name = "${local.name_prefix}-batch-summary"
  role          = aws_iam_role.lambda.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "${path.module}/build/batch_summary.zip"

  environment {
    variables = {
      MODEL_ID   = local.models["batch"]
      LOG_LEVEL  = "INFO"
      TABLE_NAME = "${local.name_prefix}-tickets"
    }
  }
}

resource "aws_iam_role" "lambda" {
  name = "${local.name_prefix}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

data "aws_iam_policy_document" "invoke" {
  statement {
    sid     = "InvokeSupportModels"
    effect  = "Allow"
    actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    resources = [
      "arn:aws:bedrock:${var.region}::foundation-model/${local.models["batch"]}",
      "arn:aws:bedrock:${var.region}:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0",
    ]
  }
}

resource "aws_iam_role_policy" "lambda_invoke" {
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.invoke.json
}

resource "aws_sfn_state_machine" "nightly_summary" {
  name     = "${local.name_prefix}-nightly-summary"
  role_arn = aws_iam_role.lambda.arn
  definition = jsonencode({
    StartAt = "Summarize"
    States = {
      Summarize = {
        Type     = "Task"
        Resource = "arn:aws:states:::bedrock:invokeModel"
        Parameters = {
          ModelId = var.summarizer_model
          Body = {
            prompt               = "Summarize yesterday's tickets."
            max_tokens_to_sample = 500
          }
        }
        End = true
      }
    }
  })
}

resource "aws_ssm_parameter" "default_model" {
  name  = "/${local.name_prefix}/default-model"
  type  = "String"
  value = "amazon.nova-pro-v1:0"
}
