resource "aws_iam_role" "agent" {
  name = "${var.name_prefix}-agent"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock.amazonaws.com" }
    }]
  })
}

resource "aws_bedrockagent_agent" "support" {
  agent_name              = "${var.name_prefix}-support"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = var.model_id
  instruction             = "You answer customer questions about orders, returns and shipping."
  idle_session_ttl_in_seconds = 600
  tags                    = var.tags
}

resource "aws_bedrockagent_agent" "router" {
  agent_name              = "${var.name_prefix}-router"
  agent_resource_role_arn = aws_iam_role.agent.arn
  foundation_model        = "amazon.nova-pro-v1:0"
  instruction             = "You route each question to the right support agent."
  tags                    = var.tags
}

resource "aws_bedrockagent_agent_alias" "live" {
  agent_alias_name = "live"
  agent_id         = aws_bedrockagent_agent.support.agent_id
}
