resource "aws_bedrockagent_agent" "latin1" {
  # café
  foundation_model = "anthropic.claude-v2"
}
