"""CKV_BEDROCK_3 (Terraform): fails when the model is Legacy."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import terraform_check

check = terraform_check("CKV_BEDROCK_3")
