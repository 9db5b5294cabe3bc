"""The team verbs of the command line: users, edits refused on a stale version, history, serve."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, make_events

from geo import settings
from geo.cli.main import main
from geo.store import GeoPackageStore
from geo.team import auth


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    path = tmp_path / "events.gpkg"
    GeoPackageStore(path).add(make_events(2))
    return path


def test_user_add_writes_a_hash_that_signs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    users = tmp_path / "users.toml"
    monkeypatch.setattr(sys, "stdin", io.StringIO("olive-grove 7\n"))
    assert main(["user", "add", "amal", "--role", "editor", "--password-stdin", "--users-file", str(users)]) == 0  # fmt: skip
    assert "added amal (editor, password hashed)" in capsys.readouterr().out
    assert "olive-grove" not in users.read_text(encoding="utf-8")
    accounts = auth.read_users(users)
    assert auth.authenticate(accounts, "amal", "olive-grove 7") == auth.User("amal", "editor")
    assert main(["user", "list", "--users-file", str(users)]) == 0
    assert "amal\teditor\tpassword" in capsys.readouterr().out


def test_user_add_refuses_a_bad_name_in_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("pw\n"))
    users = tmp_path / "users.toml"
    assert main(["user", "add", "a b", "--role", "viewer", "--password-stdin", "--users-file", str(users)]) == 2  # fmt: skip
    assert "'a b' is not a usable user name" in capsys.readouterr().err
    assert not users.exists()


def test_an_edit_from_a_stale_version_prints_both_versions(
    events_file: Path, capsys: pytest.CaptureFixture
) -> None:
    store = ["--store", str(events_file)]
    assert main([*store, "--user", "amal", "edit", "T-1", "--version", "1", "fatalities=5"]) == 0
    assert "T-1 is now version 2" in capsys.readouterr().out
    assert main([*store, "--user", "bilal", "edit", "T-1", "--version", "1", "fatalities=9"]) == 2
    err = capsys.readouterr().err
    assert "you edited version 1, the store now holds version 2 (saved by amal" in err
    assert "fatalities: the store has 5, you wrote 9" in err
    assert GeoPackageStore(events_file).get("T-1")["fatalities"] == 5

    assert main([*store, "history", "T-1"]) == 0
    out = capsys.readouterr().out
    rows = [line.split()[:3] for line in out.splitlines()[1:]]
    assert rows[0][:2] == ["1", "add"]
    assert rows[1:] == [["2", "update", "amal"], ["2", "conflict", "bilal"]]
    assert "amal" in out and "bilal" in out and "fatalities: 0 -> 5" in out


def test_serve_needs_a_shared_database_for_several_replicas(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(settings, "DATABASE_URL", None)
    assert main(["serve", "--replicas", "3", "--dry-run"]) == 2
    assert (
        "3 replicas need one shared store: set CONFLICTMAP_DATABASE_URL" in capsys.readouterr().err
    )


def test_serve_plans_replicas_on_consecutive_ports_behind_a_balancer(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setattr(settings, "DATABASE_URL", "postgresql://team:hunter2@db.internal/events")
    monkeypatch.setattr(settings, "AUTH", "off")
    assert main(["serve", "-n", "3", "--port", "8601", "--address", "0.0.0.0", "--dry-run"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "hunter2" not in out
    for port in (8601, 8602, 8603):
        assert f"--server.port {port}" in out and f"server 0.0.0.0:{port};" in out
    assert "8604" not in out
    assert "ip_hash" in out and "Upgrade" in out
    assert "anyone who reaches these ports can edit events" in captured.err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.postgis
@pytest.mark.slow
def test_serve_starts_replicas_that_answer_and_stops_them(postgis_url: str, tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CONFLICTMAP_DATABASE_URL": postgis_url, "CONFLICTMAP_AUTH": "users",
           "CONFLICTMAP_USERS": str(tmp_path / "users.toml")}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "geo.cli", "serve", "-n", "2", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        healthy = [_wait_healthy(p, deadline=time.monotonic() + 90) for p in (port, port + 1)]
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=60)
    assert healthy == [True, True], out
    assert f"replica 2: http://127.0.0.1:{port + 1}/" in out
    for p in (port, port + 1):
        with pytest.raises(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{p}/_stcore/health", timeout=2)


def _wait_healthy(port: int, *, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.5)
    return False
