"""Fetch a published feed from `https://` or `s3://`, so an organisation can
review one feed and point every pipeline at it.

The feed decides which models fail the build, so its download is held to
what the pipeline asked for: certificates are always verified, every hop of
a redirect must stay on HTTPS, the whole download (connection, headers and
body) must finish within a total deadline -- a per-read timeout alone lets
a server that sends one byte every few seconds hold CI for hours -- and the
body is size-limited before and while it is read.  The caller then validates
it like any feed, so a tampered or truncated file is refused before use.
"""

from __future__ import annotations

import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlparse

from checker.feed.loader import MAX_FEED_BYTES, FeedError

#: Longest wait for any one network read.
TIMEOUT_SECONDS = 30
#: Longest time the whole download may take.
TOTAL_SECONDS = 120

T = TypeVar("T")


def fetch(
    location: str,
    *,
    context: ssl.SSLContext | None = None,
    deadline: float = TOTAL_SECONDS,
    max_bytes: int = MAX_FEED_BYTES,
) -> bytes:
    parsed = urlparse(location)
    if parsed.scheme == "https":
        return _within(deadline, location, lambda: _fetch_https(location, context, max_bytes))
    if parsed.scheme == "s3":
        return _within(deadline, location, lambda: _fetch_s3(parsed.netloc, parsed.path.lstrip("/"), location))
    raise FeedError(f"{location}: only https:// and s3:// feed locations are supported (plain http is not)")


def _within(deadline: float, location: str, work: Callable[[], T]) -> T:
    """Run `work` in a thread and give up after `deadline` seconds: every
    phase (DNS, TLS, slow headers, a trickling body) is bounded at once.  A
    thread left behind is a daemon blocked on a socket, ended with the
    process."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=run, name="feed-download", daemon=True)
    t.start()
    t.join(deadline)
    if t.is_alive():
        raise FeedError(f"{location}: download did not finish within {deadline:g} s; not used")
    if "error" in box:
        raise box["error"]
    value: T = box["value"]
    return value


class _HttpsOnly(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another https:// URL: a feed fetched over
    HTTPS and then served over plain HTTP could be changed by anyone on the
    path."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        if urlparse(newurl).scheme != "https":
            raise FeedError(f"{req.full_url}: redirected to {newurl}, which is not https://; not followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch_https(url: str, context: ssl.SSLContext | None, max_bytes: int) -> bytes:
    ctx = context or ssl.create_default_context()
    # Only these handlers: no plain-HTTP, file:// or ftp:// one that a
    # redirect could reach; proxies from the environment as CI sets them.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPSHandler(context=ctx),
        _HttpsOnly(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    request = urllib.request.Request(url, headers={"User-Agent": "bedrock-lifecycle"})
    try:
        with opener.open(request, timeout=TIMEOUT_SECONDS) as resp:
            final = resp.geturl()
            if urlparse(final).scheme != "https":
                raise FeedError(f"{url}: ended at {final}, which is not https://; not used")
            length = resp.headers.get("Content-Length")
            if length is not None and length.isdigit() and int(length) > max_bytes:
                raise FeedError(f"{url}: feed is {int(length):,} bytes, over the {max_bytes:,}-byte limit")
            data: bytes = resp.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise FeedError(f"{url}: download failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ssl.SSLCertVerificationError):
            raise FeedError(f"{url}: certificate verification failed: {reason.verify_message}") from None
        raise FeedError(f"{url}: download failed: {reason}") from None
    except (TimeoutError, OSError) as exc:
        raise FeedError(f"{url}: download failed: {exc}") from None
    if len(data) > max_bytes:
        raise FeedError(f"{url}: feed is over the {max_bytes:,}-byte limit")
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
