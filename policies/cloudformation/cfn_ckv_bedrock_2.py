"""CKV_BEDROCK_2 (CloudFormation): fails when provisioned throughput is created on a Legacy or End-of-Life model."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import cloudformation_check

check = cloudformation_check("CKV_BEDROCK_2")
