# A fine-tuned model with reserved throughput, and prompt variants to
# compare the tuned model's base against a newer one.
module "assistant" {
  source = "../.."

  name = "tuned"
  fine_tuning = {
    base_model = "amazon.titan-text-express-v1:0:8k"
  }
  prompt_variants = [
    {
      name     = "current"
      model_id = "amazon.titan-text-lite-v1"
    },
    {
      name     = "candidate"
      model_id = "amazon.nova-pro-v1:0"
    },
  ]
}
