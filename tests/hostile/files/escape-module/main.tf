module "escape" {
  source = "../../../../../../etc"
  model  = "anthropic.claude-v2"
}
