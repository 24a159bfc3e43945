variable "agent_model" {
  description = "Model the support agent runs on."
  type        = string
  default     = "anthropic.claude-v2"
}

variable "agent_role_arn" {
  description = "Service role Bedrock assumes for the agent and the knowledge base."
  type        = string
  default     = "arn:aws:iam::111122223333:role/support-assistant"
}

variable "collection_arn" {
  description = "OpenSearch Serverless collection that holds the vectors."
  type        = string
  default     = "arn:aws:aoss:us-east-1:111122223333:collection/kb0support"
}
