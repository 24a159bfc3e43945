# terraform plan -var-file=environments/prod.tfvars
environment = "prod"
agent_model = "anthropic.claude-sonnet-4-5-20250929-v1:0"
