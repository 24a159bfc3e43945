resource "awscc_bedrockagentcore_runtime" "summariser" {
  agent_runtime_name = "support_summariser"
  role_arn           = var.agent_role_arn

  agent_runtime_artifact = {
    container_configuration = {
      container_uri = "111122223333.dkr.ecr.us-east-1.amazonaws.com/summariser:1.4.0"
    }
  }

  network_configuration = {
    network_mode = "PUBLIC"
  }

  environment_variables = {
    MODEL_ID  = "us.amazon.nova-pro-v1:0"
    LOG_LEVEL = "INFO"
  }
}

resource "awscc_bedrockagentcore_memory" "conversations" {
  name                  = "support_conversations"
  event_expiry_duration = 30

  memory_strategies = [
    {
      semantic_memory_strategy = {
        name = "facts"
      }
    },
    {
      custom_memory_strategy = {
        name = "order_facts"
        configuration = {
          semantic_override = {
            extraction = {
              model_id         = "anthropic.claude-3-5-haiku-20241022-v1:0"
              append_to_prompt = "Keep order numbers exactly as written."
            }
            consolidation = {
              model_id         = "amazon.nova-lite-v1:0"
              append_to_prompt = "Merge facts about the same order."
            }
          }
        }
      }
    },
  ]
}
