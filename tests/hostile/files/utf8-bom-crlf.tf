resource "aws_bedrockagent_agent" "bom" {
  agent_name       = "bom"
  foundation_model = "anthropic.claude-v2"
}
