"""Fetch a published feed from `https://` or `s3://`, so an organisation can
review one feed and point every pipeline at it.

Certificates are always verified; the download is size-limited and then
validated like any feed, so a tampered or truncated file is refused.
"""

from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from urllib.parse import urlparse

from checker.feed.loader import MAX_FEED_BYTES, FeedError

TIMEOUT_SECONDS = 30


def fetch(location: str, *, context: ssl.SSLContext | None = None) -> bytes:
    parsed = urlparse(location)
    if parsed.scheme == "https":
        return _fetch_https(location, context)
    if parsed.scheme == "s3":
        return _fetch_s3(parsed.netloc, parsed.path.lstrip("/"), location)
    raise FeedError(f"{location}: only https:// and s3:// feed locations are supported (plain http is not)")


def _fetch_https(url: str, context: ssl.SSLContext | None) -> bytes:
    ctx = context or ssl.create_default_context()
    request = urllib.request.Request(url, headers={"User-Agent": "bedrock-lifecycle"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS, context=ctx) as resp:
            data: bytes = resp.read(MAX_FEED_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise FeedError(f"{url}: download failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise FeedError(f"{url}: certificate verification failed: {reason.verify_message}") from None
        raise FeedError(f"{url}: download failed: {reason}") from None
    except (TimeoutError, OSError) as exc:
        raise FeedError(f"{url}: download failed: {exc}") from None
    if len(data) > MAX_FEED_BYTES:
        raise FeedError(f"{url}: feed is over the {MAX_FEED_BYTES:,}-byte limit")
    return data


def _fetch_s3(bucket: str, key: str, location: str) -> bytes:
    if not bucket or not key:
        raise FeedError(f"{location}: expected s3://BUCKET/KEY")
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:
        raise FeedError(
            f"{location}: reading a feed from S3 needs boto3: pip install 'bedrock-lifecycle-checker[aws]'"
        ) from None
    try:
        obj = boto3.client("s3").get_object(Bucket=bucket, Key=key)
        size = int(obj.get("ContentLength", 0))
        if size > MAX_FEED_BYTES:
            raise FeedError(f"{location}: feed is {size:,} bytes, over the {MAX_FEED_BYTES:,}-byte limit")
        body: bytes = obj["Body"].read(MAX_FEED_BYTES + 1)
    except ClientError as exc:
        err = exc.response.get("Error", {})
        raise FeedError(f"{location}: download failed: {err.get('Code')}: {err.get('Message')}") from None
    except BotoCoreError as exc:
        raise FeedError(f"{location}: download failed: {exc}") from None
    if len(body) > MAX_FEED_BYTES:
        raise FeedError(f"{location}: feed is over the {MAX_FEED_BYTES:,}-byte limit")
    return body
