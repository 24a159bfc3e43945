"""CKV_BEDROCK_7 (Terraform): fails when the model ARN has a shape Bedrock never produces (profile id in a foundation-
model ARN, ...)."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import terraform_check

check = terraform_check("CKV_BEDROCK_7")
