"""An import killed with SIGKILL at any moment leaves the store exactly as it was before it.

Real processes, really killed: `conflictmap add` of a few thousand events runs in a child process
that the test kills at a random moment, twenty times over. After every kill the store must open,
pass SQLite's integrity check, and hold either the events it had before or every event of the
import, never a part of them. The same for PostGIS, fewer times, with half of the kills landing
while the server is receiving the events (its COPY is seen running). And an import that fails
half-way with an error from the database itself stores nothing, on either store.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, make_events

from geo import schema as S
from geo.store import EventStore, GeoPackageStore

KILLS = 20
BATCH = 4000
POSTGIS_KILLS = 8
POSTGIS_BATCH = 10_000


def start_import(store: Path | str, batch: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "geo.cli", "--store", str(store), "add", str(batch)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.slow
def test_killing_an_import_at_random_moments_never_corrupts_the_store(tmp_path: Path) -> None:
    store_path = tmp_path / "store.gpkg"
    store = GeoPackageStore(store_path)
    store.add(make_events(25))
    before = sorted(store.load()[S.EVENT_ID])
    snapshot = tmp_path / "snapshot.gpkg"
    shutil.copyfile(store_path, snapshot)

    batch = make_events(BATCH)
    batch[S.EVENT_ID] = [f"IMPORT-{i}" for i in range(BATCH)]
    batch_path = tmp_path / "batch.csv"
    batch.to_csv(batch_path, index=False)

    # How long a whole import takes here, so that kills fall before, during and after the write.
    probe = tmp_path / "probe.gpkg"
    GeoPackageStore(probe)
    started = time.monotonic()
    assert start_import(probe, batch_path).wait(timeout=300) == 0
    full = time.monotonic() - started

    rng = random.Random(20221023)
    outcomes = {"untouched": 0, "complete": 0}
    for _ in range(KILLS):
        child = start_import(store_path, batch_path)
        time.sleep(rng.uniform(0.2, full * 1.1))
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)

        with sqlite3.connect(store_path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = sorted(GeoPackageStore(store_path).load()[S.EVENT_ID])
        if ids == before:
            outcomes["untouched"] += 1
        else:
            assert ids == sorted(before + batch[S.EVENT_ID].tolist()), "a partial import is visible"
            outcomes["complete"] += 1
            # Put the store back so that the next kill again starts from the same state.
            shutil.copyfile(snapshot, store_path)
    print(f"{KILLS} kills over a {full:.1f} s import: {outcomes}")
    assert sum(outcomes.values()) == KILLS
    assert outcomes["untouched"] > 0, outcomes  # kills did land before the commit


# --- PostGIS ----------------------------------------------------------------------------------------
@pytest.fixture
def postgis_database(postgis_url: str) -> Iterator[str]:
    """A database of its own on the test server, so that the child's session can be told apart."""
    import psycopg

    name = f"cm_kill_{uuid.uuid4().hex[:12]}"
    base, _, _ = postgis_url.rpartition("/")
    with psycopg.connect(postgis_url, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as con:
            con.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            con.execute(f"DROP DATABASE {name}")


def copy_running(con, database: str) -> bool:
    row = con.execute(
        "SELECT 1 FROM pg_stat_activity WHERE datname = %s AND state = 'active' "
        "AND query ILIKE 'COPY staging%%'",
        (database,),
    ).fetchone()
    return row is not None


def postgis_state(con) -> tuple[list[str], int, int]:
    ids = sorted(r[0] for r in con.execute("SELECT event_id FROM events"))
    history = con.execute("SELECT count(*) FROM event_history").fetchone()[0]
    revision = con.execute("SELECT value FROM store_revision").fetchone()[0]
    return ids, history, revision


def restore_postgis(con, *, revision: int) -> None:
    """Back to the state before the import, so that the next kill starts from it again."""
    con.execute("DELETE FROM events WHERE event_id LIKE 'IMPORT-%'")
    con.execute("DELETE FROM event_history WHERE event_id LIKE 'IMPORT-%'")
    con.execute("UPDATE store_revision SET value = %s", (revision,))


@pytest.mark.slow
@pytest.mark.postgis
def test_killing_an_import_mid_copy_leaves_the_postgis_store_as_it_was(
    postgis_database: str, tmp_path: Path
) -> None:
    import psycopg

    from geo.store.postgis import PostGISStore

    store = PostGISStore(postgis_database)
    store.add(make_events(25))
    batch = make_events(POSTGIS_BATCH)
    batch[S.EVENT_ID] = [f"IMPORT-{i}" for i in range(POSTGIS_BATCH)]
    batch_path = tmp_path / "batch.csv"
    batch.to_csv(batch_path, index=False)
    database = postgis_database.rpartition("/")[2]

    rng = random.Random(20221023)
    outcomes = {"killed mid-COPY": 0, "untouched": 0, "of those, killed mid-COPY": 0, "complete": 0}
    with psycopg.connect(postgis_database, autocommit=True) as watch:
        before = postgis_state(watch)
        # How long a whole import takes here, so that the other kills fall anywhere in it.
        started = time.monotonic()
        assert start_import(postgis_database, batch_path).wait(timeout=300) == 0
        full = time.monotonic() - started
        restore_postgis(watch, revision=before[2])
        for kill in range(POSTGIS_KILLS):
            child = start_import(postgis_database, batch_path)
            mid_copy = False
            if kill % 2 == 0:
                # Wait for the events to be on their way to the server, then kill within 50 ms.
                while child.poll() is None and not copy_running(watch, database):
                    time.sleep(0.005)
                mid_copy = child.poll() is None
                outcomes["killed mid-COPY"] += mid_copy
                time.sleep(rng.uniform(0, 0.05))
            else:
                time.sleep(rng.uniform(0.2, full * 1.1))
            if child.poll() is None:
                os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)

            after = postgis_state(watch)
            if after == before:
                outcomes["untouched"] += 1
                outcomes["of those, killed mid-COPY"] += mid_copy
                continue
            ids, history, revision = after
            assert ids == sorted(before[0] + batch[S.EVENT_ID].tolist()), "a partial import"
            assert (history, revision) == (before[1] + POSTGIS_BATCH, before[2] + 1)
            outcomes["complete"] += 1
            restore_postgis(watch, revision=before[2])
    print(f"{POSTGIS_KILLS} kills over a {full:.1f} s PostGIS import: {outcomes}")
    assert outcomes["untouched"] + outcomes["complete"] == POSTGIS_KILLS
    assert outcomes["of those, killed mid-COPY"] > 0, outcomes


# --- an error from the database half-way -------------------------------------------------------------
def refuse_one_event_in_the_database(store: EventStore, event_id: str) -> None:
    """A rule only the database knows (a trigger a DBA added), refusing one event."""
    if isinstance(store, GeoPackageStore):
        with sqlite3.connect(store.path) as con:
            con.execute(
                f"CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.event_id = '{event_id}' "
                "BEGIN SELECT RAISE(ABORT, 'refused by a rule of the database'); END"
            )
        return
    import psycopg

    with psycopg.connect(store.url, autocommit=True) as con:
        con.execute(f"SET search_path = {store.schema}, public")
        con.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF NEW.event_id = '{event_id}' THEN RAISE EXCEPTION 'refused by a rule'; END IF; "
            "RETURN NEW; END $$"
        )
        con.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse()"
        )


def test_an_import_failing_half_way_in_the_database_stores_nothing(
    store: EventStore, tmp_path: Path
) -> None:
    from geo.importer import import_file

    store.add(make_events(5))
    before = store.load()
    revision = store.revision()
    batch = make_events(3000)
    batch[S.EVENT_ID] = [f"IMPORT-{i}" for i in range(3000)]
    path = tmp_path / "batch.csv"
    batch.to_csv(path, index=False)
    refuse_one_event_in_the_database(store, "IMPORT-1500")

    with pytest.raises(Exception, match="refused by a rule"):
        import_file(path, store=store)
    after = store.load()
    assert sorted(after[S.EVENT_ID]) == sorted(before[S.EVENT_ID])
    assert store.revision() == revision
    assert all(len(store.history(e)) == 1 for e in after[S.EVENT_ID])
