locals {
  # The two models the router chooses between, cheapest first.
  router_models = [
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
    "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0",
  ]
}

resource "awscc_bedrock_prompt" "reply" {
  name            = "support-reply"
  default_variant = "main"

  variants = [
    {
      name          = "main"
      template_type = "TEXT"
      model_id      = "amazon.nova-pro-v1:0"
      template_configuration = {
        text = {
          text = "Answer the customer: {{question}}"
        }
      }
    },
    {
      name          = "detailed"
      template_type = "TEXT"
      model_id      = "anthropic.claude-sonnet-4-5-20250929-v1:0"
      template_configuration = {
        text = {
          text = "Answer the customer in detail: {{question}}"
        }
      }
    },
  ]
}

resource "awscc_bedrock_application_inference_profile" "reporting" {
  inference_profile_name = "support-reporting"
  description            = "Tracks the cost of the nightly report"
  model_source = {
    copy_from = "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0"
  }
}

resource "awscc_bedrock_intelligent_prompt_router" "triage" {
  prompt_router_name = "support-triage"
  models             = [for arn in local.router_models : { model_arn = arn }]
  fallback_model = {
    model_arn = local.router_models[0]
  }
  routing_criteria = {
    response_quality_difference = 0.25
  }
}
