output "agent_id" {
  value = aws_bedrockagent_agent.support.agent_id
}
