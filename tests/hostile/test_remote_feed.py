"""A feed location cannot weaken or stall the scan: an HTTPS feed that
redirects to plain HTTP is refused, a server that trickles its answer is
cut off at the total deadline, an oversized answer is refused before it is
read in full, and a local feed or baseline that is a FIFO or a device is
refused at once instead of hanging or reading forever.

A local HTTPS server with a self-signed certificate stands in for the
network (never the real one)."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from checker.baseline import BaselineError, load_baseline
from checker.feed import FeedError, load_feed
from checker.feed.remote import fetch

FEED = resources.files("checker.feed").joinpath("bundled.json").read_bytes()
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tls_cert: tuple[str, str]) -> Iterator[tuple[str, ssl.SSLContext]]:
    cert, key = tls_cert
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            port = self.server.server_address[1]
            if self.path == "/feed.json":
                self._send(200, FEED)
            elif self.path == "/to-http":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{port}/feed.json")
                self.end_headers()
            elif self.path == "/to-https":
                self.send_response(301)
                self.send_header("Location", f"https://127.0.0.1:{port}/feed.json")
                self.end_headers()
            elif self.path == "/slow":
                # One byte every 0.2 s: each read is quick, the whole never ends.
                self.send_response(200)
                self.end_headers()
                while not stop.is_set():
                    try:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                    except OSError:
                        return
                    time.sleep(0.2)
            elif self.path == "/huge-declared":
                self.send_response(200)
                self.send_header("Content-Length", str(10**12))
                self.end_headers()
            elif self.path == "/huge-streamed":
                self.send_response(200)
                self.end_headers()
                try:
                    for _ in range(64):
                        self.wfile.write(b" " * 1024)
                except OSError:
                    return
            else:
                self._send(404, b"")

        def _send(self, code: int, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert, key)
    httpd.socket = sctx.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{httpd.server_address[1]}", ssl.create_default_context(cafile=cert)
    stop.set()
    httpd.shutdown()


def test_https_feed_is_read_and_follows_https_redirects(server: tuple[str, ssl.SSLContext]) -> None:
    base, trusted = server
    assert fetch(f"{base}/feed.json", context=trusted) == FEED
    assert fetch(f"{base}/to-https", context=trusted) == FEED


def test_redirect_to_plain_http_is_refused(server: tuple[str, ssl.SSLContext]) -> None:
    base, trusted = server
    with pytest.raises(FeedError) as err:
        fetch(f"{base}/to-http", context=trusted)
    port = base.rsplit(":", 1)[1]
    assert str(err.value) == (
        f"{base}/to-http: redirected to http://127.0.0.1:{port}/feed.json, which is not https://; not followed"
    )


def test_a_trickling_server_is_cut_off_at_the_total_deadline(server: tuple[str, ssl.SSLContext]) -> None:
    base, trusted = server
    start = time.monotonic()
    with pytest.raises(FeedError, match=r"/slow: download did not finish within 1\.5 s; not used"):
        fetch(f"{base}/slow", context=trusted, deadline=1.5)
    assert time.monotonic() - start < 3


def test_an_oversized_answer_is_refused(server: tuple[str, ssl.SSLContext]) -> None:
    base, trusted = server
    with pytest.raises(FeedError, match="feed is 1,000,000,000,000 bytes, over the 20,971,520-byte limit"):
        fetch(f"{base}/huge-declared", context=trusted)
    with pytest.raises(FeedError, match="/huge-streamed: feed is over the 10,000-byte limit"):
        fetch(f"{base}/huge-streamed", context=trusted, max_bytes=10_000)


@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "dir"])
def test_local_feed_and_baseline_must_be_regular_files(tmp_path: Path, kind: str, deadline: Any) -> None:
    if kind == "fifo":
        path = str(tmp_path / "feed.json")
        os.mkfifo(path)
        expected = "a FIFO, not a regular file; not read"
    elif kind == "dir":
        path = str(tmp_path)
        expected = "a directory, not a regular file; not read"
    else:
        path = kind
        expected = "not a regular file; not read"
    with deadline(5):
        with pytest.raises(FeedError) as feed_err:
            load_feed(path)
        with pytest.raises(BaselineError) as base_err:
            load_baseline(path)
    assert str(feed_err.value).startswith(f"{path}: cannot read feed: ") and expected in str(feed_err.value)
    assert str(base_err.value).startswith(f"{path}: cannot read baseline: ") and expected in str(base_err.value)


def _cli(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """Through the CLI, as CI runs it, with a standard input that stays open
    and silent (a pipe nobody writes to): reading it would hang."""
    with subprocess.Popen(
        [sys.executable, "-m", "checker", "scan", ".", *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        out, err = proc.communicate(timeout=60)  # stdin is closed only after the process ends
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_a_repository_config_naming_a_fifo_feed_fails_fast(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / ".bedrock-lifecycle.yaml").write_text("feed: fifo\n")
    (tmp_path / "main.tf").write_text('resource "aws_bedrockagent_agent" "a" {\n  foundation_model = "x"\n}\n')
    proc = _cli(tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == "bedrock-lifecycle: fifo: cannot read feed: a FIFO, not a regular file; not read\n"


@pytest.mark.parametrize("option", ["--feed", "--baseline"])
def test_stdin_as_feed_or_baseline_is_refused(tmp_path: Path, option: str) -> None:
    proc = _cli(tmp_path, option, "/dev/stdin")
    what = "feed" if option == "--feed" else "baseline"
    assert (proc.returncode, proc.stderr) == (
        2,
        f"bedrock-lifecycle: /dev/stdin: cannot read {what}: a FIFO, not a regular file; not read\n",
    )
