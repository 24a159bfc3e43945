locals {
  name_prefix = "support-${var.environment}"

  models = {
    chat      = var.agent_model
    embedding = var.embedding_model
    batch     = "anthropic.claude-3-haiku-20240307-v1:0"
  }

  tags = {
    team        = "customer-support"
    environment = var.environment
  }
}
