resource "awscc_bedrock_knowledge_base" "handbook" {
  name     = "support-handbook"
  role_arn = var.agent_role_arn

  knowledge_base_configuration = {
    type = "VECTOR"
    vector_knowledge_base_configuration = {
      embedding_model_arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0"
      embedding_model_configuration = {
        bedrock_embedding_model_configuration = {
          dimensions = 1024
        }
      }
    }
  }

  storage_configuration = {
    type = "OPENSEARCH_SERVERLESS"
    opensearch_serverless_configuration = {
      collection_arn    = var.collection_arn
      vector_index_name = "handbook"
      field_mapping = {
        vector_field   = "vector"
        text_field     = "text"
        metadata_field = "metadata"
      }
    }
  }
}

resource "awscc_bedrock_data_source" "manuals" {
  name              = "returns-manuals"
  knowledge_base_id = awscc_bedrock_knowledge_base.handbook.knowledge_base_id

  data_source_configuration = {
    type = "S3"
    s3_configuration = {
      bucket_arn = "arn:aws:s3:::support-manuals-111122223333"
    }
  }

  vector_ingestion_configuration = {
    parsing_configuration = {
      parsing_strategy = "BEDROCK_FOUNDATION_MODEL"
      bedrock_foundation_model_configuration = {
        model_arn = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
        parsing_prompt = {
          parsing_prompt_text = "Transcribe the text and tables of each page."
        }
      }
    }
    context_enrichment_configuration = {
      type = "BEDROCK_FOUNDATION_MODEL"
      bedrock_foundation_model_configuration = {
        model_arn = "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0"
        enrichment_strategy_configuration = {
          method = "CHUNK_ENTITY_EXTRACTION"
        }
      }
    }
  }
}
