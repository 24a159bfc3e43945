# A project on Active models only: scanning it finds nothing to fix.
variable "region" {
  type    = string
  default = "eu-west-1"
}

locals {
  chat_model = "amazon.nova-pro-v1:0"
}

resource "aws_iam_role" "agent" {
  name = "faq-agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
    }]
  })
}

resource "aws_bedrockagent_agent" "faq" {
  agent_name              = "faq"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "eu.${local.chat_model}"
  instruction             = "You answer frequently asked questions from the help centre."
}

resource "aws_bedrockagent_knowledge_base" "faq" {
  name     = "faq"
  role_arn = aws_iam_role.agent.arn
  knowledge_base_configuration {
    type = "VECTOR"
    vector_knowledge_base_configuration {
      embedding_model_arn = "arn:aws:bedrock:${var.region}::foundation-model/amazon.titan-embed-text-v2:0"
    }
  }
  storage_configuration {
    type = "OPENSEARCH_SERVERLESS"
    opensearch_serverless_configuration {
      collection_arn    = "arn:aws:aoss:eu-west-1:123456789012:collection/faq"
      vector_index_name = "faq"
      field_mapping {
        vector_field   = "embedding"
        text_field     = "text"
        metadata_field = "metadata"
      }
    }
  }
}
