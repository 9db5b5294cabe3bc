"""An import killed with SIGKILL at any moment leaves the store exactly as it was before it.

Real processes, really killed: `conflictmap add` of a few thousand events runs in a child process
that the test kills at a random moment, twenty times over. After every kill the store must open,
pass SQLite's integrity check, and hold either the events it had before or every event of the
import, never a part of them.
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
from pathlib import Path

import pytest
from conftest import ROOT, make_events

from geo import schema as S
from geo.store import GeoPackageStore

KILLS = 20
BATCH = 4000


def start_import(store: Path, batch: Path) -> subprocess.Popen:
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
