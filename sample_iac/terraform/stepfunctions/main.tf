# Step Functions workflows calling Amazon Bedrock through the AWS SDK integrations (read through the same
# integrations table as CloudFormation's state machines).

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "chat_model" {
  type    = string
  default = "anthropic.claude-3-sonnet-20240229-v1:0"
}

resource "aws_sfn_state_machine" "capacity" {
  name     = "capacity"
  role_arn = "arn:aws:iam::123456789012:role/capacity"
  definition = jsonencode({
    StartAt = "Buy"
    States = {
      Buy = {
        Type     = "Task"
        Resource = "arn:aws:states:::aws-sdk:bedrock:createProvisionedModelThroughput"
        Parameters = {
          ModelId              = "anthropic.claude-instant-v1"
          ModelUnits           = 1
          ProvisionedModelName = "capacity"
        }
        Next = "Chat"
      }
      Chat = {
        Type          = "Task"
        QueryLanguage = "JSONata"
        Resource      = "arn:aws:states:::aws-sdk:bedrockruntime:converse"
        Arguments = {
          ModelId  = var.chat_model
          Messages = "{% $states.input.messages %}"
        }
        End = true
      }
    }
  })
}
