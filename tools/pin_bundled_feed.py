"""Rewrite BUNDLED_FEED_SHA256 in checker/feed/loader.py to the digest of
checker/feed/bundled.json, after validating the feed: the scheduled refresh
workflow runs this so the pull request it opens passes the test that pins the
bundle (a scan skips re-validating exactly the bytes the suite validated)."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from checker.feed.loader import validate_feed_document
    from checker.util.atomic import atomic_write_text

    feed = ROOT / "checker" / "feed" / "bundled.json"
    data = feed.read_bytes()
    validate_feed_document(json.loads(data), str(feed))
    loader = ROOT / "checker" / "feed" / "loader.py"
    text = loader.read_text(encoding="utf-8")
    new, count = re.subn(
        r'^BUNDLED_FEED_SHA256 = "[0-9a-f]{64}"$',
        f'BUNDLED_FEED_SHA256 = "{hashlib.sha256(data).hexdigest()}"',
        text,
        flags=re.M,
    )
    if count != 1:
        sys.stderr.write(f"{loader}: BUNDLED_FEED_SHA256 line not found exactly once\n")
        return 2
    if new != text:
        atomic_write_text(str(loader), new)
    print(f"BUNDLED_FEED_SHA256 = {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
