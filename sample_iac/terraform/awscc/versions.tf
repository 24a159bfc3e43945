# A support assistant built on the AWS Cloud Control provider (awscc), the way
# public Bedrock modules write it: nested settings are object attributes
# (`attr = { ... }`) and lists of objects (`attr = [{ ... }]`), never blocks.
terraform {
  required_version = ">= 1.5"
  required_providers {
    awscc = {
      source  = "hashicorp/awscc"
      version = ">= 1.30"
    }
  }
}

provider "awscc" {
  region = "us-east-1"
}
