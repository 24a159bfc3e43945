"""Kept for imports from before `checker.catalog.modes` (the plan source)."""

from checker.catalog.modes import extract_mode as extract

__all__ = ["extract"]
