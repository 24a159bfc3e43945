"""Terraform (HCL and plan JSON) checks."""
