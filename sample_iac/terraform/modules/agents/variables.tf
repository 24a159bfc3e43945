variable "name_prefix" {
  type = string
}

variable "model_id" {
  description = "Foundation model id of the agent."
  type        = string
}

variable "tags" {
  type    = map(string)
  default = {}
}
