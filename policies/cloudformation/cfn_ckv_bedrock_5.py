"""CKV_BEDROCK_5 (CloudFormation): fails when the model reaches EOL within the window (`--eol-window`, default 90
days)."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import cloudformation_check

check = cloudformation_check("CKV_BEDROCK_5")
