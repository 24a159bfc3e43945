"""Fixtures shared by the test folders."""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

Deadline = Callable[[int], AbstractContextManager[None]]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite the golden report files (tests/reports/snapshots/) from the current output; "
        "or set UPDATE_SNAPSHOTS=1",
    )


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expire(*_: object) -> None:
        raise TimeoutError(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.fixture
def deadline() -> Deadline:
    """`with deadline(10): ...` fails the test after ten seconds: the tests of
    work that must stay linear (or not be exponential) then fail on a
    regression instead of hanging the suite."""
    return _deadline


@pytest.fixture(scope="session")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A self-signed certificate and key for 127.0.0.1, for local HTTPS
    servers that stand in for the network."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make a test certificate")
    d = tmp_path_factory.mktemp("tls")
    cert, key = str(d / "cert.pem"), str(d / "key.pem")
    argv = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1"]
    argv += ["-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"]
    subprocess.run(
        argv,
        check=True,
        capture_output=True,
    )
    return cert, key


HttpsPages = Callable[[dict[str, bytes]], str]


@pytest.fixture
def https_pages(tls_cert: tuple[str, str]) -> Iterator[HttpsPages]:
    """`https_pages({"/path": body, ...})` serves those bodies over HTTPS on
    127.0.0.1 with the `tls_cert` certificate (any other path is a 404) and
    returns the base URL; the servers stop when the test ends."""
    import ssl
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    servers: list[HTTPServer] = []

    def serve(bodies: dict[str, bytes]) -> str:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bodies.get(self.path)
                self.send_response(200 if body else 404)
                self.end_headers()
                self.wfile.write(body or b"")

            def log_message(self, *a: object) -> None:
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*tls_cert)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"https://127.0.0.1:{server.server_address[1]}"

    try:
        yield serve
    finally:
        for server in servers:
            server.shutdown()
