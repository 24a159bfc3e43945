variable "name_prefix" {
  type = string
}

variable "embedding_model" {
  type = string
}

variable "region" {
  type = string
}

variable "parsing_model" {
  type    = string
  default = "twelvelabs.marengo-embed-2-7-v1:0"
}
