resource "aws_bedrockagent_agent" "broken" {
  foundation_model = "anthropic.claude-v2
}
