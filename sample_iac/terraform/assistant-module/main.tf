# A reusable assistant module, written the way public Bedrock modules are:
# feature flags with count, an optional application inference profile the
# agent is pointed at, an optional fine-tuned model with reserved capacity,
# and prompt variants handed in as a list of objects.

resource "aws_bedrock_inference_profile" "team" {
  count = var.create_inference_profile ? 1 : 0

  name        = "${var.name}-team"
  description = "Per-team cost tracking for ${var.name}"
  model_source {
    copy_from = var.inference_profile_source
  }
}

resource "aws_bedrockagent_agent" "assistant" {
  agent_name              = var.name
  agent_resource_role_arn = var.agent_role_arn
  instruction             = "You answer questions from the team's runbooks and tickets."
  foundation_model        = var.create_inference_profile ? aws_bedrock_inference_profile.team[0].arn : var.foundation_model
}

resource "aws_bedrockagent_agent_knowledge_base_association" "docs" {
  count = var.knowledge_base_id == null ? 0 : 1

  agent_id             = aws_bedrockagent_agent.assistant.agent_id
  knowledge_base_id    = var.knowledge_base_id
  description          = "Runbooks"
  knowledge_base_state = "ENABLED"
}

resource "aws_bedrock_custom_model" "fine_tuned" {
  count = var.fine_tuning == null ? 0 : 1

  custom_model_name     = "${var.name}-tuned"
  job_name              = "${var.name}-tuning"
  base_model_identifier = "arn:aws:bedrock:us-east-1::foundation-model/${var.fine_tuning.base_model}"
  role_arn              = var.agent_role_arn
  customization_type    = "FINE_TUNING"
  hyperparameters = {
    epochCount = "2"
  }

  training_data_config {
    s3_uri = "s3://${var.name}-training/train.jsonl"
  }
  output_data_config {
    s3_uri = "s3://${var.name}-training/output/"
  }
}

# Reserved capacity for the tuned model: judged by the model it is tuned
# from, since AWS refuses new throughput on a Legacy or End-of-Life base.
resource "aws_bedrock_provisioned_model_throughput" "fine_tuned" {
  count = var.fine_tuning == null ? 0 : 1

  provisioned_model_name = "${var.name}-tuned"
  model_arn              = aws_bedrock_custom_model.fine_tuned[0].custom_model_arn
  model_units            = var.fine_tuning.model_units
}

resource "aws_bedrockagent_prompt" "summary" {
  count = length(var.prompt_variants) > 0 ? 1 : 0

  name            = "${var.name}-summary"
  default_variant = var.prompt_variants[0].name

  dynamic "variant" {
    for_each = var.prompt_variants
    content {
      name          = variant.value.name
      model_id      = variant.value.model_id
      template_type = "TEXT"
      template_configuration {
        text {
          text = "Summarize the ticket {{ticket}} in three sentences."
        }
      }
    }
  }
}
