"""Plans and states written the ways real tools write them.

Terraform's own `show -json` is Go's encoding/json: minified, non-ASCII as
raw UTF-8, `<`, `>` and `&` escaped as `\\u003c`, `\\u003e`, `\\u0026`.
`jq .` pretty-prints with two spaces (raw UTF-8 too), `jq -S` sorts keys,
Python's `json.tool` escapes non-ASCII; Windows PowerShell's `>` saves
UTF-16 with a byte-order mark, `Out-File -Encoding utf8` UTF-8 with one.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path
from typing import Any

REAL = Path(__file__).parent / "data" / "real"
PT = "aws_bedrock_provisioned_model_throughput"
SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def go_json(doc: Any) -> str:
    """What `terraform show -json` writes."""
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


STYLES = {
    "terraform": go_json,
    "jq": lambda d: json.dumps(d, ensure_ascii=False, indent=2),
    "jq -S": lambda d: json.dumps(d, ensure_ascii=False, indent=2, sort_keys=True),
    "jq -S -c": lambda d: json.dumps(d, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
    "json.tool": lambda d: json.dumps(d, indent=4),
}

#: name -> (codec, byte-order mark)
ENCODINGS = {
    "utf-8": ("utf-8", b""),
    "utf-8 BOM (Out-File utf8)": ("utf-8", codecs.BOM_UTF8),
    "utf-16le BOM (PowerShell >)": ("utf-16-le", codecs.BOM_UTF16_LE),
    "utf-16be BOM": ("utf-16-be", codecs.BOM_UTF16_BE),
    "utf-16le": ("utf-16-le", b""),
    "utf-32le BOM": ("utf-32-le", codecs.BOM_UTF32_LE),
    "utf-32be": ("utf-32-be", b""),
}


def encode(text: str, encoding: str, crlf: bool = False) -> bytes:
    codec, bom = ENCODINGS[encoding]
    if crlf:
        text = text.replace("\n", "\r\n")
    return bom + text.encode(codec)


def as_bedrock(text: str, rtype: str = PT, attribute: str = "model_arn") -> str:
    """Real Terraform output about `terraform_data` turned into output about
    a Bedrock type, byte for byte in Terraform's formatting otherwise."""
    return (
        text.replace('"terraform_data"', f'"{rtype}"')
        .replace("terraform_data.", f"{rtype}.")
        .replace('"input"', f'"{attribute}"')
        .replace("  input ", f"  {attribute} ")  # the configuration: `input = ...`
    )


def real(name: str) -> str:
    return as_bedrock((REAL / name).read_text("utf-8"))


def real_doc(name: str) -> Any:
    return json.loads(real(name))


def go_json_indent(doc: Any) -> str:
    """What Terraform writes to terraform.tfstate (json.MarshalIndent, two spaces)."""
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def real_raw_state() -> Any:
    """The real terraform.tfstate with `terraform_data`'s dynamically typed
    `input` ({"value", "type"}) flattened to the plain string an AWS
    resource's attribute holds."""
    doc = real_doc("terraform.tfstate")
    for res in doc["resources"]:
        for inst in res["instances"]:
            attrs = inst["attributes"]
            for k, v in list(attrs.items()):
                if isinstance(v, dict) and set(v) == {"value", "type"}:
                    attrs[k] = v["value"]
    return doc
