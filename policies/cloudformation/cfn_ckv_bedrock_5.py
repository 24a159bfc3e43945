"""CKV_BEDROCK_5 (CloudFormation): fails when the model reaches End-of-Life within the EOL window."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import cloudformation_check

check = cloudformation_check("CKV_BEDROCK_5")
