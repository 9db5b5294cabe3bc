"""Shared builders and fixtures.

``make_event(...)`` is one valid event with sensible defaults (a shelling near Mayadin) that a test
changes only where it matters: ``make_event(latitude=135)`` reads as the analyst's sentence.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# One gazetteer index for the whole test session (and the next runs in this work tree): building it
# takes half a minute, and every test that geocodes needs the same one. Set before geo is imported.
os.environ.setdefault("CONFLICTMAP_CACHE_DIR", str(ROOT / ".cache"))

import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from geo import schema as S  # noqa: E402
from geo.store import EventStore, GeoPackageStore  # noqa: E402

SHARED = Path(os.environ.get("CONFLICTMAP_SHARED", ROOT.parent / "shared"))

_BASE_EVENT: dict[str, object] = {
    S.EVENT_DATE: "2022-10-22",
    S.TIME_PRECISION: 1,
    S.EVENT_TYPE: "Explosions/Remote violence",
    S.SUB_EVENT_TYPE: "Shelling/artillery/missile attack",
    S.ACTOR1: "Military Forces of Syria (2000-)",
    S.INTER1: "State forces",
    S.ACTOR2: "QSD: Syrian Democratic Forces",
    S.INTER2: "Rebel group",
    S.COUNTRY: "Syria",
    S.ADMIN1: "Deir-ez-Zor",
    S.LOCATION: "Mayadin",
    S.LATITUDE: 35.01982,
    S.LONGITUDE: 40.45154,
    S.GEO_PRECISION: 1,
    S.SOURCE: "Test Outlet",
    S.FATALITIES: 0,
}


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``conflictmap ARGS`` in a child process, as the analyst runs it (extra ``env`` added)."""
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def make_event(**overrides: object) -> dict[str, object]:
    """One valid event as a dict of schema columns; keyword arguments replace fields."""
    event = dict(_BASE_EVENT)
    event.update(overrides)
    return event


def make_events(n: int, **overrides: object) -> pd.DataFrame:
    """``n`` valid events with distinct ids (``T-1`` ...) and distinct days, rows numbered from 1."""
    start = pd.Timestamp("2022-10-01")
    rows = [
        make_event(
            **{
                S.EVENT_ID: f"T-{i + 1}",
                S.EVENT_DATE: (start + pd.Timedelta(days=i % 28)).strftime("%Y-%m-%d"),
                **overrides,
            }
        )
        for i in range(n)
    ]
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, n + 1)
    return frame


@pytest.fixture
def gpkg_store(tmp_path: Path) -> GeoPackageStore:
    """An empty GeoPackage store in a temporary folder."""
    return GeoPackageStore(tmp_path / "events.gpkg")


@pytest.fixture
def postgis_url() -> str:
    """The test PostGIS server (``source .ci/postgis`` starts one); tests skip without it."""
    url = os.environ.get("CONFLICTMAP_TEST_DATABASE_URL")
    if not url:
        pytest.skip(
            "no PostGIS server: CONFLICTMAP_TEST_DATABASE_URL is unset (source .ci/postgis)"
        )
    return url


@pytest.fixture
def postgis_store(postgis_url: str) -> Iterator[EventStore]:
    """An empty PostGIS store in a schema of its own, dropped after the test."""
    import psycopg

    from geo.store.postgis import PostGISStore

    schema = f"test_{uuid.uuid4().hex[:16]}"
    store = PostGISStore(postgis_url, schema=schema)
    yield store
    with psycopg.connect(postgis_url, autocommit=True) as con:
        con.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["gpkg", pytest.param("postgis", marks=pytest.mark.postgis)])
def store(request: pytest.FixtureRequest) -> EventStore:
    """An empty store of each backend: the same test runs against GeoPackage and PostGIS."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def shared_dir() -> Path:
    """The shared test input folder (../shared); tests using it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"shared test input not found at {SHARED}")
    return SHARED


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test input {path} is absent")
    return path
