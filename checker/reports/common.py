"""What several report formats share: fingerprints and short labels."""

from __future__ import annotations

import hashlib

from checker.model import Finding, Reference


def reference_key(ref: Reference) -> str:
    """What identifies a place across commits: not its line, which moves."""
    return "|".join((ref.location.file, ref.resource, ref.attribute, ref.model_id or ref.raw))


def fingerprint(f: Finding) -> str:
    """Stable across runs and line moves; used by SARIF, the baseline and
    the GitLab code-quality report."""
    return hashlib.sha256(f"{f.rule_id}|{reference_key(f.reference)}".encode()).hexdigest()[:32]


#: How every report introduces `ScanResult.repository_changes`.
REPOSITORY_CHANGES = "settings taken from the scanned repository's configuration (they can weaken the policy)"


def where(ref: Reference) -> str:
    loc = f"{ref.location.file}:{ref.location.line}" if ref.location.line else ref.location.file
    return f"{loc} ({ref.construct_path or ref.resource})"
