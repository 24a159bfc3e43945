"""The cheap first pass: can this text hold a model reference at all?

Every reference needs a Bedrock resource type, action or ARN (`bedrock`,
`foundation-model`, `inference-profile`) or a model id, which starts with its
provider and a dot (`anthropic.`, `us.amazon.`).  Distinctive provider names
count even without the dot, for ids assembled from parts
(`"${local.vendor}.claude-v2"`); common words (`meta`, `amazon`, `google`)
count only with it.  Plain substring search on lowered bytes runs at memory
speed, which is the point.
"""

from __future__ import annotations

_TOKENS = (
    b"bedrock",
    b"foundation-model",
    b"inference-profile",
    b"anthropic",
    b"cohere",
    b"ai21",
    b"mistral",
    b"deepseek",
    b"twelvelabs",
    b"moonshot",
    b"minimax",
    b"qwen",
    b"amazon.",
    b"meta.",
    b"google.",
    b"writer.",
    b"luma.",
    b"openai.",
    b"nvidia.",
    b"stability.",
    b"zai.",
)


def may_hold_models(data: bytes | str) -> bool:
    low = (data.encode("utf-8", "replace") if isinstance(data, str) else data).lower()
    return any(token in low for token in _TOKENS)
