#!/usr/bin/env python3
"""Headless Chromium for the HTML report: install it, run it, take the docs
screenshot.

The browser test needs a real browser, and CI on a fresh Debian machine has
none: `ensure()` installs Debian's `chromium` package with apt-get when
/usr/bin/chromium is missing (as root, or through sudo).  Every run uses a
fresh profile and the flags that keep Chromium off the network (no sync,
component updates, background requests or QUIC).

    python tools/chromium.py --install        # make sure Chromium is there
    python tools/chromium.py --screenshot     # refresh docs/html-report.png from sample_iac/
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEBIAN_PATH = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
#: The sample scan the docs screenshot shows (the date the README uses).
SCREENSHOT_AS_OF = "2026-11-24"


def find() -> str | None:
    return shutil.which("chromium") or (DEBIAN_PATH if os.access(DEBIAN_PATH, os.X_OK) else None)


def ensure() -> str:
    """Chromium's path, installing Debian's package first when it is missing."""
    found = find()
    if found is not None:
        return found
    if shutil.which("apt-get") is None:
        raise SystemExit("Chromium is missing and apt-get is not available: install chromium for the browser test")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "chromium"], check=True, env=env)
    found = find()
    if found is None:
        raise SystemExit("apt-get installed chromium but no chromium binary is on PATH")
    return found


def run(page: Path, *extra: str, timeout: int = 180) -> tuple[str, list[str]]:
    """Load `page` in a fresh profile; (stdout, console lines Chromium logged)."""
    binary = find()
    if binary is None:
        raise FileNotFoundError("Chromium is missing: run `make chromium`")
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        proc = subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    if proc.returncode != 0:
        raise RuntimeError(f"chromium exited {proc.returncode}: {proc.stderr[-2000:]}")
    return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


def screenshot(target: Path, as_of: str = SCREENSHOT_AS_OF) -> None:
    """Render the sample scan as HTML and photograph its first screen."""
    from datetime import date

    from checker.feed import load_bundled_feed
    from checker.pipeline import ScanSettings, scan
    from checker.reports import render

    os.chdir(REPO)
    result = scan(["sample_iac"], ScanSettings(as_of=date.fromisoformat(as_of), feed=load_bundled_feed()))
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(render("html", result))
        _, console = run(page, "--window-size=1280,1700", "--hide-scrollbars", f"--screenshot={target}")
    if console:
        raise RuntimeError("the report logged to the console: " + "; ".join(console))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install", action="store_true", help="install Debian's chromium when it is missing")
    ap.add_argument("--screenshot", action="store_true", help="refresh docs/html-report.png")
    args = ap.parse_args()
    if args.install or not args.screenshot:
        print(ensure())
    if args.screenshot:
        screenshot(REPO / "docs" / "html-report.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
