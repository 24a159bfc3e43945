variable "name" {
  description = "Prefix of every resource this module creates."
  type        = string
  default     = "assistant"
}

variable "agent_role_arn" {
  description = "Role the agent runs as."
  type        = string
  default     = "arn:aws:iam::111122223333:role/assistant-agent"
}

# The default callers get when they set nothing: an example that forgets to
# override it deploys this model.
variable "foundation_model" {
  description = "Model the agent calls when no inference profile is used."
  type        = string
  default     = "anthropic.claude-3-haiku-20240307-v1:0"
}

variable "create_inference_profile" {
  description = "Route the agent through an application inference profile (cost tags per team)."
  type        = bool
  default     = false
}

variable "inference_profile_source" {
  description = "The foundation model or system profile the application profile copies."
  type        = string
  default     = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"
}

variable "fine_tuning" {
  description = "Customize a base model and reserve throughput for it; null to skip."
  type = object({
    base_model  = string
    model_units = optional(number, 1)
  })
  default = null
}

variable "prompt_variants" {
  description = "Variants of the summary prompt, one per model under evaluation."
  type = list(object({
    name     = string
    model_id = string
  }))
  default = []
}

variable "knowledge_base_id" {
  description = "Knowledge base the agent answers from (another module's output)."
  type        = string
  default     = null
}
