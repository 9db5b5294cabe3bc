"""Start the dashboard on a free local port against a given store, and Debian's chromium to look at
it (browser tests, benchmarks)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
# Debian's browser, driven by Playwright without downloading one of its own.
CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerURL(str):
    """A running server's URL, with the id of its process (benchmarks read its memory)."""

    pid: int


@contextmanager
def running_dashboard(
    store: Path, *, timeout: float = 60, tiles: str = "none", script: Path | None = None
) -> Iterator[ServerURL]:
    """The URL of a dashboard serving ``store`` offline on 127.0.0.1; stopped on exit.

    ``tiles`` is its ``CONFLICTMAP_TILES``: no tiles by default, or a PMTiles file. ``script``
    runs another Streamlit script than the dashboard (the benchmark's comparisons).
    """
    port = free_port()
    env = {
        **os.environ,
        "CONFLICTMAP_STORE": str(store),
        "CONFLICTMAP_OFFLINE": "1",
        "CONFLICTMAP_TILES": tiles,
    }
    env.pop("CONFLICTMAP_DATABASE_URL", None)
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script or ROOT / "dashboard" / "server.py"),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    url = ServerURL(f"http://127.0.0.1:{port}")
    url.pid = proc.pid
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    out = proc.stdout.read() if proc.stdout else ""
                    raise RuntimeError(f"the dashboard did not start:\n{out[-3000:]}") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def leaving_machine(urls: Iterable[str]) -> list[str]:
    """The web requests among ``urls`` that go to another machine (the offline checks)."""
    return [
        u
        for u in urls
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
        and urlparse(u).hostname not in LOCAL_HOSTS
    ]


def launch_chromium(playwright):
    """Headless chromium for a Playwright session (``sync_playwright()``), as the sandbox allows."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )
