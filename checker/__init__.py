"""bedrock-lifecycle: find Amazon Bedrock models that are Legacy or End-of-Life in infrastructure code."""

__version__ = "0.1.0"
