resource "awscc_bedrock_agent" "assistant" {
  agent_name              = "support-assistant"
  agent_resource_role_arn = var.agent_role_arn
  foundation_model        = var.agent_model
  instruction             = "You answer questions about orders and returns, politely and briefly."
  auto_prepare            = true

  prompt_override_configuration = {
    prompt_configurations = [{
      prompt_type          = "ORCHESTRATION"
      prompt_creation_mode = "OVERRIDDEN"
      prompt_state         = "ENABLED"
      foundation_model     = "anthropic.claude-haiku-4-5-20251001-v1:0"
      base_prompt_template = file("${path.module}/orchestration.txt")
      inference_configuration = {
        temperature    = 0
        maximum_length = 2048
      }
    }]
  }

  knowledge_bases = [{
    description          = "Order and returns handbook"
    knowledge_base_id    = awscc_bedrock_knowledge_base.handbook.knowledge_base_id
    knowledge_base_state = "ENABLED"
  }]
}

resource "awscc_iam_role_policy" "agent_models" {
  role_name   = "support-assistant"
  policy_name = "invoke-agent-models"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
      Resource = [
        "arn:aws:bedrock:us-east-1::foundation-model/${var.agent_model}",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
      ]
    }]
  })
}
