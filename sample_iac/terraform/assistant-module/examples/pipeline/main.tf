# Module instances wired together through their outputs, the way stacks of
# modules are composed: the reviewer uses the same model as the drafter,
# the drafter's knowledge base comes from a sibling, and so does the
# embedding model handed to the evaluation module.
module "runbooks" {
  source = "../../modules/runbooks"

  name = "pipeline"
}

module "drafter" {
  source = "../.."

  name              = "drafter"
  foundation_model  = "cohere.command-r-v1:0"
  knowledge_base_id = module.runbooks.knowledge_base_id
}

module "reviewer" {
  source = "../.."

  name             = "reviewer"
  foundation_model = module.drafter.model_id
}

# A registry module gets its models as nested arguments: reported as the
# module's inputs, at the line of each model.
module "evaluation" {
  source  = "example-org/bedrock-evaluation/aws"
  version = "~> 2.0"

  name            = "pipeline-eval"
  embedding_model = module.runbooks.embedding_model
  judges = [
    {
      name     = "strict"
      model_id = "anthropic.claude-v2"
    },
  ]
}
