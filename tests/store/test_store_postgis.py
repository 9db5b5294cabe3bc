"""What only the PostGIS store has: migrations, its indexes, and a clear word when it is unreachable.

The behaviour both stores share is tested once, against both, in test_store.py.
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from conftest import make_events

from geo import schema as S
from geo.errors import StoreError
from geo.query import Filters
from geo.store.postgis import MIGRATIONS, PostGISStore, migration_files


@pytest.mark.postgis
def test_a_new_database_gets_every_migration_once(postgis_store: PostGISStore) -> None:
    names = [name for name, _ in migration_files()]
    assert names[0] == "0001_init"
    assert postgis_store.migrations_applied() == names
    # A second replica starting on the same database applies nothing.
    again = PostGISStore(postgis_store.url, schema=postgis_store.schema)
    assert again.migrations_applied() == names
    assert again.migrate() == []


@pytest.mark.postgis
def test_an_upgrade_applies_only_the_new_migration_and_keeps_the_events(
    postgis_store: PostGISStore, tmp_path: Path
) -> None:
    postgis_store.add(make_events(2))
    for path in MIGRATIONS.glob("*.sql"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "9001_reviewer.sql").write_text("ALTER TABLE events ADD COLUMN reviewer text;")
    assert postgis_store.migrate(tmp_path) == ["9001_reviewer"]
    assert postgis_store.migrate(tmp_path) == []
    assert postgis_store.migrations_applied()[-1] == "9001_reviewer"
    assert sorted(postgis_store.load()[S.EVENT_ID]) == ["T-1", "T-2"]


@pytest.mark.postgis
def test_the_events_table_has_a_spatial_and_a_date_index(postgis_store: PostGISStore) -> None:
    with psycopg.connect(postgis_store.url) as con:
        indexes = dict(
            con.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = %s AND tablename = 'events'",
                (postgis_store.schema,),
            ).fetchall()
        )
    definitions = list(indexes.values())
    assert any("USING gist (geom)" in d for d in definitions)
    assert any("(event_date)" in d and "btree" in d for d in definitions)
    assert any("USING spgist (daterange(event_date" in d for d in definitions)


@pytest.mark.postgis
def test_the_geometry_follows_the_coordinates(postgis_store: PostGISStore) -> None:
    postgis_store.add(make_events(1))
    postgis_store.update("T-1", {S.LATITUDE: 34.4522, S.LONGITUDE: 40.918}, expected_version=1)
    with psycopg.connect(postgis_store.url) as con:
        x, y, srid = con.execute(
            f"SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM {postgis_store.schema}.events"
        ).fetchone()
    assert (x, y, srid) == (40.918, 34.4522, 4326)


def test_an_unreachable_server_is_named_without_its_password() -> None:
    url = "postgresql://analyst:s3cret@127.0.0.1:1/conflictmap"
    with pytest.raises(StoreError, match="cannot reach the PostGIS store") as caught:
        PostGISStore(url)
    assert "s3cret" not in str(caught.value)
    assert "analyst:***@127.0.0.1:1" in str(caught.value)


def test_a_schema_name_that_is_not_an_identifier_is_refused() -> None:
    with pytest.raises(StoreError, match="not a usable schema name"):
        PostGISStore("postgresql://127.0.0.1:1/x", schema="x; DROP TABLE events")


@pytest.mark.postgis
def test_a_drawn_area_that_is_not_a_polygon_is_refused_in_a_sentence(
    postgis_store: PostGISStore,
) -> None:
    postgis_store.add(make_events(1))
    with pytest.raises(StoreError, match="the filters cannot run in the database"):
        postgis_store.load(Filters(area_wkt="POLYGON ((40 35, 41 35"))


@pytest.mark.postgis
def test_a_server_that_goes_away_after_start_is_named(postgis_store: PostGISStore) -> None:
    postgis_store.url = "postgresql://conflictmap@127.0.0.1:1/conflictmap_test"  # nobody there
    with pytest.raises(StoreError, match="cannot reach the PostGIS store"):
        postgis_store.revision()


@pytest.mark.postgis
def test_replicas_opening_a_new_database_together_migrate_it_once(postgis_url: str) -> None:
    schema = f"test_race_{uuid.uuid4().hex[:12]}"
    start = threading.Barrier(4)
    opened: list[object] = []

    def open_store() -> None:
        start.wait()
        try:
            opened.append(PostGISStore(postgis_url, schema=schema))
        except Exception as exc:  # the test reports what went wrong
            opened.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert all(isinstance(s, PostGISStore) for s in opened), opened
        names = [name for name, _ in migration_files()]
        assert opened[0].migrations_applied() == names  # each once: the names are a primary key
    finally:
        with psycopg.connect(postgis_url, autocommit=True) as con:
            con.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
