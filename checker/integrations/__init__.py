"""Adapters that run checker's rules inside other tools (checkov)."""
