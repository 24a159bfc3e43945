"""Parameter values given on the command line: --parameters-file and --parameter."""

from __future__ import annotations

import json
from typing import Any

from checker.discovery.walk import display_path
from checker.model import ScanError
from checker.sources.base import ScanOptions
from checker.util.textio import FileReadError, read_text


def parameter_overrides(options: ScanOptions, errors: list[ScanError]) -> dict[str, Any]:
    """--parameters-file (CloudFormation's list form, `{"Parameters": {...}}`
    or a plain object), then --parameter NAME=VALUE."""
    out: dict[str, Any] = {}
    for f in options.cfn_parameter_files:
        try:
            doc = json.loads(read_text(f, options.max_file_bytes))
        except (FileReadError, ValueError) as exc:
            errors.append(ScanError(display_path(f), f"cannot read parameters file: {exc}"))
            continue
        if isinstance(doc, list):
            for item in doc:
                if isinstance(item, dict) and "ParameterKey" in item:
                    out[str(item["ParameterKey"])] = item.get("ParameterValue")
        elif isinstance(doc, dict):
            params = doc.get("Parameters", doc)
            if isinstance(params, dict):
                out.update({str(k): v for k, v in params.items()})
        else:
            errors.append(ScanError(display_path(f), "parameters file must hold a JSON list or object"))
    out.update(dict(options.cfn_parameters))
    return out
