"""CKV_BEDROCK_5 (Terraform): fails when the model reaches EOL within the window (`--eol-window`, default 90 days)."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import terraform_check

check = terraform_check("CKV_BEDROCK_5")
