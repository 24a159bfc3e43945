"""Differential suite: our Terraform evaluation against the real `terraform` binary (see harness.py)."""
