"""CloudFormation checks (templates, SAM, cdk.out)."""
