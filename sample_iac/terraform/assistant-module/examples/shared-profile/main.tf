# The agent calls an application inference profile; the profile copies a
# foundation model, and that model is what the agent really depends on.
module "assistant" {
  source = "../.."

  name                     = "support"
  create_inference_profile = true
  inference_profile_source = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-instant-v1"
}
