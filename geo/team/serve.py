"""A team deployment: several Streamlit processes sharing one PostGIS store.

Each replica is the same dashboard (``streamlit run dashboard/server.py``) on its own port; they share
nothing but the database named by ``CONFLICTMAP_DATABASE_URL``, so a change saved through one
shows on the others at their next rerun (the store's revision moves). A load balancer in front
spreads analysts over them; it must keep each browser on one replica, because a Streamlit session
(its websocket, its downloads) lives in the process that opened it.
"""

from __future__ import annotations

import ipaddress
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from geo import settings
from geo.errors import ConflictmapError

APP = settings.PROJECT_ROOT / "dashboard" / "server.py"


@dataclass(frozen=True)
class Replica:
    port: int
    command: tuple[str, ...]

    def url(self, address: str) -> str:
        return f"http://{address}:{self.port}/"


def plan(*, replicas: int, port: int, address: str, app: Path = APP) -> list[Replica]:
    """The Streamlit commands of ``replicas`` processes on consecutive ports from ``port``."""
    if replicas < 1:
        raise ConflictmapError("--replicas must be 1 or more")
    if not 1 <= port <= 65535 - replicas + 1:
        raise ConflictmapError(f"ports {port}..{port + replicas - 1} are not all valid TCP ports")
    return [
        Replica(
            port + i,
            (
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.port",
                str(port + i),
                "--server.address",
                address,
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
            ),
        )
        for i in range(replicas)
    ]


def check(
    *,
    replicas: int,
    database_url: str | None,
    auth: str,
    address: str,
    users_file: Path | None = None,
) -> list[str]:
    """Refuse a deployment that cannot work; return warnings about one that works unsafely."""
    if replicas > 1 and not database_url:
        raise ConflictmapError(
            f"{replicas} replicas need one shared store: set CONFLICTMAP_DATABASE_URL="
            "postgresql://user:password@host/dbname (a GeoPackage file serves one process)"
        )
    warnings = []
    if auth in ("", "off") and not _is_loopback(address):
        warnings.append(
            f"login is off (CONFLICTMAP_AUTH) and the dashboard listens on {address}: anyone "
            "who reaches these ports can edit events. Set CONFLICTMAP_AUTH=users or oidc."
        )
    if auth == "users" and users_file is not None and not users_file.exists():
        warnings.append(
            f"login is on but there is no users file at {users_file}: nobody can sign in. "
            "Add one with `conflictmap user add NAME --role editor`."
        )
    return warnings


def _is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def nginx_example(replicas: list[Replica], *, address: str) -> str:
    """An nginx site that balances over the replicas, for the operator to adapt."""
    backends = "\n".join(f"    server {address}:{r.port};" for r in replicas)
    return f"""upstream conflictmap {{
    ip_hash;  # one browser stays on one replica: its Streamlit session lives there
{backends}
}}
server {{
    listen 80;
    location / {{
        proxy_pass http://conflictmap;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;   # Streamlit talks over a websocket
        proxy_set_header Connection "upgrade";
        proxy_set_header Host $host;
        proxy_read_timeout 86400;
    }}
}}"""


def start(replicas: list[Replica], *, env: dict[str, str] | None = None) -> list[subprocess.Popen]:
    """Start every replica; they inherit the environment (the database URL, the login mode)."""
    return [subprocess.Popen(r.command, env=env or os.environ.copy()) for r in replicas]


def wait(processes: list[subprocess.Popen]) -> int:
    """Run until a replica exits or the operator stops us (Ctrl-C, SIGTERM); then stop them all."""

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    status = 0
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        status = next(p.returncode for p in processes if p.returncode is not None)
    except KeyboardInterrupt:
        pass
    finally:
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
    return status
