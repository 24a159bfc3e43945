"""CKV_BEDROCK_1 (Terraform): fails when the model is End-of-Life at the evaluation date."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import terraform_check

check = terraform_check("CKV_BEDROCK_1")
