agent_model = "anthropic.claude-opus-4-1-20250805-v1:0"
