variable "region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "dev"
}

variable "agent_model" {
  description = "Foundation model of the support agent (set per environment in tfvars)."
  type        = string
}

variable "summarizer_model" {
  description = "Model the nightly summary job calls through Step Functions."
  type        = string
  default     = "anthropic.claude-v2"
}

variable "embedding_model" {
  type    = string
  default = "amazon.titan-embed-text-v2:0"
}

variable "prompt_variants" {
  description = "Prompt variants under evaluation, keyed by variant name."
  type        = map(string)
  default = {
    baseline   = "amazon.nova-pro-v1:0"
    candidate  = "ai21.jamba-1-5-large-v1:0"
    experiment = "anthropic.claude-3-5-sonet-20241022-v2:0"
  }
}
