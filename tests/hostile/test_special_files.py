"""FIFOs, sockets and devices in the scanned tree, or behind an in-tree
symlink, are never opened for reading: each is named once and skipped, and
the scan finishes (a FIFO named main.tf used to hang it forever) with the
other files' findings."""

from __future__ import annotations

import os
import socket
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from run_here import scan_in

AS_OF = date(2026, 11, 24)
GOOD = (
    'resource "aws_bedrockagent_agent" "good" {\n  foundation_model = "anthropic.claude-v2"\n}\n'
    'module "m" {\n  source = "./mod"\n}\n'
)


@pytest.mark.parametrize("cached", [False, True], ids=["plain", "cached"])
def test_special_files_are_named_and_skipped(tmp_path: Path, deadline: Any, cached: bool) -> None:
    root = tmp_path / "repo"
    (root / "mod").mkdir(parents=True)
    (root / "good.tf").write_text(GOOD)
    os.mkfifo(root / "main.tf")
    os.mkfifo(root / "mod" / "main.tf")
    (root / "link.tf").symlink_to("main.tf")
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(root / "sock.tf"))
        with deadline(30):
            result = scan_in(root, cache_dir=str(tmp_path / "cache") if cached else None)
    finally:
        sock.close()
    assert sorted(str(e) for e in result.errors) == [
        "link.tf: symlink to a FIFO, not read",
        "main.tf: a FIFO, not a regular file; not read",
        "mod/main.tf: a FIFO, not a regular file; not read",
        "sock.tf: a socket, not a regular file; not read",
    ]
    assert result.exit_code == 2
    assert [f.reference.resource for f in result.findings] == ["aws_bedrockagent_agent.good"]
