"""checkov custom checks for Bedrock model lifecycle: two per rule of checker.rules."""
