"""checkov custom checks for Bedrock model lifecycle (CKV_BEDROCK_1..6)."""
