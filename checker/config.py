"""Repository defaults: `.bedrock-lifecycle.yaml` at the scanned root, or
`[tool.bedrock-lifecycle]` in pyproject.toml there.  Flags and the
environment win (`checker.settings` merges them).

Validated with a JSON Schema, so a misspelt key is an error that names it
rather than a setting silently ignored.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CONFIG_NAMES = (".bedrock-lifecycle.yaml", ".bedrock-lifecycle.yml")


class ConfigError(Exception):
    pass


@dataclass(frozen=True)
class Config:
    path: str | None = None
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


@lru_cache(maxsize=1)
def config_schema() -> dict[str, Any]:
    """The schema file, with the rule ids taken from the rule registry (so a
    new rule can be configured without touching the schema)."""
    from checker.rules import ALL_RULES

    schema: dict[str, Any] = json.loads(resources.files("checker.data").joinpath("config.schema.json").read_text())
    schema["$defs"]["rule_id"]["enum"] = [r.id for r in ALL_RULES]
    return schema


def validate(values: Any, origin: str) -> dict[str, Any]:
    import jsonschema

    if values is None:
        return {}
    cls = jsonschema.validators.validator_for(config_schema())
    errors = sorted(cls(config_schema()).iter_errors(values), key=lambda e: list(e.absolute_path))
    if errors:
        lines = []
        for e in errors[:10]:
            where = ".".join(str(p) for p in e.absolute_path) or "(top level)"
            lines.append(f"{where}: {e.message}")
        raise ConfigError(f"{origin}: invalid configuration:\n  " + "\n  ".join(lines))
    assert isinstance(values, dict)
    return values


def find_config(root: Path) -> Path | None:
    """The configuration at the scanned root, and only there: a file above
    the scanned tree belongs to someone else, and the tree itself is not
    trusted to point elsewhere (issue #18; it used to climb to `.git`)."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    py = root / "pyproject.toml"
    if py.is_file() and "[tool.bedrock-lifecycle]" in py.read_text("utf-8", "replace"):
        return py
    return None


def load_config(path: str | Path | None = None, start: Path | None = None) -> Config:
    p = Path(path) if path is not None else find_config(start or Path.cwd())
    if p is None:
        return Config()
    from checker.util.textio import FileReadError, read_regular_bytes

    try:
        # A regular file of bounded size (a FIFO or device must not hang).
        text = read_regular_bytes(p, 1024 * 1024, "").decode("utf-8")
    except (FileReadError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{p}: cannot read configuration: {exc}") from None
    if p.name == "pyproject.toml":
        if sys.version_info >= (3, 11):
            import tomllib
        else:  # pragma: no cover - exercised on Python 3.10
            import tomli as tomllib
        try:
            doc = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError) as exc:
            raise ConfigError(f"{p}: invalid TOML: {exc}") from None
        values = doc.get("tool", {}).get("bedrock-lifecycle")
    else:
        import yaml

        try:
            values = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{p}: invalid YAML: {exc}") from None
        except ValueError as exc:  # an integer of more than 4,300 digits
            raise ConfigError(f"{p}: invalid value: {exc}") from None
    values = {k.replace("-", "_"): v for k, v in values.items()} if isinstance(values, dict) else values
    return Config(str(p), validate(values, str(p)))
