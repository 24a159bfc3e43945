"""CKV_BEDROCK_6 (Terraform): fails when the model id is not in the lifecycle feed (typo or stale feed), or the feed
knows no published lifecycle state for it."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import terraform_check

check = terraform_check("CKV_BEDROCK_6")
