"""CKV_BEDROCK_2 (CloudFormation): fails when provisioned throughput is created (or, outside a plan, declared) on a
Legacy or EOL model."""

import bedrock_lifecycle_bootstrap  # noqa: F401  (makes `checker` importable from a git clone)

from checker.integrations.checkov_checks import cloudformation_check

check = cloudformation_check("CKV_BEDROCK_2")
