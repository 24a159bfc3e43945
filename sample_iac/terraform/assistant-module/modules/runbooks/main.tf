# A small knowledge-base module whose outputs other module instances read.

variable "name" {
  type = string
}

variable "embedding_model" {
  type    = string
  default = "amazon.titan-embed-text-v1"
}

resource "aws_bedrockagent_knowledge_base" "runbooks" {
  name     = "${var.name}-runbooks"
  role_arn = "arn:aws:iam::111122223333:role/${var.name}-kb"

  knowledge_base_configuration {
    type = "VECTOR"
    vector_knowledge_base_configuration {
      embedding_model_arn = "arn:aws:bedrock:us-east-1::foundation-model/${var.embedding_model}"
    }
  }

  storage_configuration {
    type = "OPENSEARCH_SERVERLESS"
    opensearch_serverless_configuration {
      collection_arn    = "arn:aws:aoss:us-east-1:111122223333:collection/${var.name}"
      vector_index_name = "runbooks"
      field_mapping {
        vector_field   = "embedding"
        text_field     = "text"
        metadata_field = "metadata"
      }
    }
  }
}

output "knowledge_base_id" {
  value = aws_bedrockagent_knowledge_base.runbooks.id
}

output "embedding_model" {
  value = var.embedding_model
}
