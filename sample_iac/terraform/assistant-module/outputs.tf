output "agent_id" {
  value = aws_bedrockagent_agent.assistant.agent_id
}

output "agent_model" {
  description = "What the agent calls: the profile's ARN or the model id."
  value       = aws_bedrockagent_agent.assistant.foundation_model
}

output "model_id" {
  value = var.foundation_model
}
