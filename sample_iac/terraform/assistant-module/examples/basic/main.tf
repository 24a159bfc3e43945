# The smallest use of the module: every default, so the agent gets the
# module's default model.
module "assistant" {
  source = "../.."
}
