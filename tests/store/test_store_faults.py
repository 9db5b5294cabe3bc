"""When the store's file, disk or lock fails: one sentence with the cause and the fix, store intact.

Each fault is made for real: a read-only file (chmod, or a read-only bind mount when the tests
run as root, whom file modes do not stop), a full disk (a small tmpfs, when the tests may mount
one) and a lock held by a second connection. ``conflictmap add`` runs in a child process, as the
analyst runs it; afterwards the store passes SQLite's integrity check and holds what it held.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from conftest import cli, make_events
from streamlit.testing.v1 import AppTest

from geo.store import GeoPackageStore


def refusal(result: subprocess.CompletedProcess[str]) -> str:
    """The one sentence after ``conflictmap add:``; exit 2 and no traceback."""
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0].removeprefix("conflictmap add: ")


def events_in(path: Path) -> tuple[str, int]:
    # Read-only: reading must not be what repairs the store.
    with closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as con:
        return (
            con.execute("PRAGMA integrity_check").fetchone()[0],
            con.execute("SELECT count(*) FROM events").fetchone()[0],
        )


def new_events_file(folder: Path, n: int, *, notes: str = "") -> Path:
    path = folder / "new.csv"
    events = make_events(n).assign(event_id=[f"N-{i}" for i in range(n)], notes=notes or None)
    events.to_csv(path, index=False)
    return path


def mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@pytest.fixture
def store_in(tmp_path: Path):
    def make(folder: Path) -> Path:
        path = folder / "events.gpkg"
        GeoPackageStore(path).add(make_events(3))
        return path

    return make


@pytest.fixture
def read_only_store(tmp_path: Path, store_in) -> Iterator[Path]:
    folder = tmp_path / "store"
    folder.mkdir()
    path = store_in(folder)
    if os.geteuid() != 0:
        path.chmod(0o444)
        folder.chmod(0o555)
        yield path
        folder.chmod(0o755)
        return
    # Root writes through file modes: a read-only bind mount stops root too.
    view = tmp_path / "read-only"
    view.mkdir()
    if not mount("--bind", str(folder), str(view)):
        pytest.skip("running as root and cannot bind-mount, so no file can be read-only")
    try:
        if not mount("-o", "remount,ro,bind", str(view)):
            pytest.skip("running as root and cannot remount read-only")
        yield view / path.name
    finally:
        mount_off(view)


def mount_off(folder: Path) -> None:
    subprocess.run(["umount", str(folder)], capture_output=True)


def test_adding_to_a_read_only_store_says_so_and_how_to_fix_it(
    read_only_store: Path, tmp_path: Path
) -> None:
    before = events_in(read_only_store)
    sentence = refusal(
        cli("--store", str(read_only_store), "add", str(new_events_file(tmp_path, 5)))
    )
    assert sentence == (
        f"{read_only_store} is read-only (the file, its folder or its disk cannot be written): "
        f"nothing was changed; make it writable (chmod u+w {read_only_store}) or copy it "
        "somewhere writable and point --store or CONFLICTMAP_STORE at the copy"
    )
    assert events_in(read_only_store) == before == ("ok", 3)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "small-disk"
    folder.mkdir()
    if not mount("-t", "tmpfs", "-o", "size=400k", "tmpfs", str(folder)):
        pytest.skip("cannot mount a small tmpfs here (needs root): no disk to fill")
    try:
        yield folder
    finally:
        mount_off(folder)


def test_a_full_disk_names_the_disk_not_a_rollback_and_stores_nothing(
    small_disk: Path, store_in, tmp_path: Path
) -> None:
    path = store_in(small_disk)
    batch = new_events_file(tmp_path, 3000, notes="a long note " * 25)  # ~1 MB in the store
    sentence = refusal(cli("--store", str(path), "add", str(batch)))
    assert sentence == (
        f"the disk holding {path} is full: nothing was stored and the store is as it was; "
        "free some space on that disk (or move the store to a larger one) and try again"
    )
    assert events_in(path) == ("ok", 3)


def test_a_store_locked_by_another_writer_is_refused_after_the_wait(
    store_in, tmp_path: Path
) -> None:
    path = store_in(tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # QGIS editing the layer, or another import
    try:
        result = cli(
            "--store",
            str(path),
            "add",
            str(new_events_file(tmp_path, 5)),
            env={"CONFLICTMAP_LOCK_WAIT_S": "1"},
        )
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert refusal(result) == (
        f"{path} is locked by another program writing to it (another conflictmap command, or "
        "QGIS editing its layer), and it stayed locked for 1 s: nothing was changed; try again "
        "when that write is done (in QGIS, save the edits or stop editing), or raise "
        "CONFLICTMAP_LOCK_WAIT_S"
    )
    assert events_in(path) == ("ok", 3)


def test_listing_a_qgis_geopackage_leaves_it_untouched_and_says_it_is_not_a_store(
    tmp_path: Path,
) -> None:
    import geopandas as gpd
    import shapely

    path = tmp_path / "wells.gpkg"
    wells = gpd.GeoDataFrame({"name": ["W-1"]}, geometry=[shapely.Point(40.4, 35.0)], crs=4326)
    wells.to_file(path, layer="wells")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = cli("--store", str(path), "list")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"conflictmap list: {path} is not a conflictmap store (it holds wells): it was left as "
        "it is; name a conflictmap store with --store or CONFLICTMAP_STORE, or create one with "
        "conflictmap init --store NEW.gpkg (to bring its points in: conflictmap import)"
    )
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def _review_app(store: str) -> None:
    from pathlib import Path

    import streamlit as st

    from dashboard.messages import show_store_error
    from geo.errors import ConflictmapError
    from geo.store import GeoPackageStore

    try:
        GeoPackageStore(Path(store)).update("T-1", {"status": "rejected"}, expected_version=1)
    except ConflictmapError as exc:
        show_store_error(exc)
    else:
        st.success("saved")


def test_the_dashboard_shows_a_read_only_store_as_one_sentence(read_only_store: Path) -> None:
    at = AppTest.from_function(_review_app, args=(str(read_only_store),), default_timeout=30).run()
    assert not at.exception
    [error] = [e.value.replace("\\", "") for e in at.error]
    assert error.startswith(f"{read_only_store} is read-only")
    assert events_in(read_only_store) == ("ok", 3)
