resource "aws_bedrockagent_knowledge_base" "manuals" {
  name     = "${var.name_prefix}-manuals"
  role_arn = aws_iam_role.kb.arn

  knowledge_base_configuration {
    type = "VECTOR"
    vector_knowledge_base_configuration {
      embedding_model_arn = format("arn:aws:bedrock:%s::foundation-model/%s", var.region, var.embedding_model)
    }
  }

  storage_configuration {
    type = "OPENSEARCH_SERVERLESS"
    opensearch_serverless_configuration {
      collection_arn    = "arn:aws:aoss:us-east-1:123456789012:collection/manuals"
      vector_index_name = "manuals"
      field_mapping {
        vector_field   = "embedding"
        text_field     = "text"
        metadata_field = "metadata"
      }
    }
  }
}

resource "aws_bedrockagent_data_source" "manuals" {
  name              = "${var.name_prefix}-manuals"
  knowledge_base_id = aws_bedrockagent_knowledge_base.manuals.id

  data_source_configuration {
    type = "S3"
    s3_configuration {
      bucket_arn = "arn:aws:s3:::${var.name_prefix}-manuals"
    }
  }

  vector_ingestion_configuration {
    parsing_configuration {
      parsing_strategy = "BEDROCK_FOUNDATION_MODEL"
      bedrock_foundation_model_configuration {
        model_arn = "arn:aws:bedrock:${var.region}::foundation-model/${var.parsing_model}"
      }
    }
  }
}

resource "aws_iam_role" "kb" {
  name = "${var.name_prefix}-kb"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
    }]
  })
}
