locals {
  ids = { for i in [0,1,2,3,4,5,6,7,8,9] : "k${i}" => "anthropic.claude-v2" }
}
resource "aws_bedrockagent_agent" "x" {
  for_each         = local.ids
  foundation_model = each.value
}
