"""Both stores (GeoPackage and PostGIS): exact round trips, all-or-nothing writes, versions, audit.

The ``store`` fixture runs each test against both backends; the tests of the GeoPackage file
itself (a layer QGIS opens, its R-tree) use ``gpkg_store``.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from conftest import make_event, make_events

from geo import schema as S
from geo.errors import ConflictError, NotFoundError, StoreError, ValidationError
from geo.query import Filters, apply
from geo.store import EventStore, GeoPackageStore, open_store

EVERY_COLUMN = make_event(
    event_id="FULL-1",
    status="draft",
    origin="extracted",
    version=3,
    created_at="2022-10-23T04:00:00.123Z",
    updated_at="2022-10-24T05:06:07.890Z",
    event_date="2022-10-22",
    event_date_end="2022-10-23",
    time_precision=2,
    disorder_type="Political violence",
    fatalities=4,
    fatalities_low=2,
    fatalities_high=9,
    civilian_targeting="Civilian targeting",
    tags="crowd size=no report",
    assoc_actor_1="Militia (Pro-Iran); Hezbollah",
    assoc_actor_2="Civilians (Syria)",
    iso=760,
    admin2="Al Mayadin",
    admin3="Mayadin",
    location="الميادين",
    geo_precision=2,
    place_id="geonames:173480",
    coord_source="GeoNames 173480",
    origin_location="حقل العمر",
    origin_latitude=35.15167,
    origin_longitude=40.57583,
    source="نورث برس; Syria TV",
    source_url="https://example.org/a https://example.org/b",
    source_scale="Local partner-National",
    notes='Rockets hit "the base" <b>overnight</b>; 8+ fired back.',
    evidence="سقطت صواريخ على القاعدة ليلاً",
    confidence=0.75,
)


def test_every_column_round_trips_exactly(store: EventStore) -> None:
    sparse = make_event(event_id="SPARSE-1")  # most optional columns missing
    written = S.validate(pd.DataFrame([EVERY_COLUMN, sparse]))
    store.add(written)
    loaded = store.load().set_index(S.EVENT_ID, drop=False).loc[["FULL-1", "SPARSE-1"]]
    loaded.index = written.index
    pd.testing.assert_frame_equal(
        pd.DataFrame(loaded.drop(columns="geometry")),
        pd.DataFrame(written.drop(columns="geometry")),
    )
    assert loaded.geometry.equals(written.geometry)


def test_arabic_text_and_missing_values_survive(store: EventStore) -> None:
    store.add(pd.DataFrame([EVERY_COLUMN, make_event(event_id="SPARSE-1")]))
    full = store.get("FULL-1")
    sparse = store.get("SPARSE-1")
    assert full[S.EVIDENCE] == "سقطت صواريخ على القاعدة ليلاً"
    assert full[S.LOCATION] == "الميادين"
    assert full[S.FATALITIES] == 4 and isinstance(full[S.FATALITIES], int | pd.Int64Dtype().type)
    assert pd.isna(sparse[S.NOTES]) and pd.isna(sparse[S.FATALITIES_LOW])
    assert pd.isna(sparse[S.EVENT_DATE_END]) and pd.isna(sparse[S.ORIGIN_LATITUDE])


def test_an_add_with_one_bad_row_stores_nothing(store: EventStore) -> None:
    store.add(make_events(3))
    before = store.load()
    bad = make_events(5)
    bad.loc[4, S.LATITUDE] = 135
    bad[S.EVENT_ID] = [f"NEW-{i}" for i in range(5)]
    with pytest.raises(ValidationError, match="row 4, column latitude"):
        store.add(bad)
    pd.testing.assert_frame_equal(store.load(), before)


def test_an_add_refused_inside_the_transaction_leaves_the_store_as_it_was(
    store: EventStore,
) -> None:
    store.add(make_events(3))
    before, revision = store.load(), store.revision()
    mixed = make_events(4)  # T-1..T-3 are stored already, T-4 is new
    with pytest.raises(ValidationError, match="is already in the store"):
        store.add(mixed, on_existing="error")
    pd.testing.assert_frame_equal(store.load(), before)
    assert store.revision() == revision


def test_adding_the_same_events_again_adds_nothing(store: EventStore) -> None:
    first = store.add(make_events(4))
    again = store.add(make_events(4))
    assert len(first.added) == 4
    assert again.added == [] and len(again.skipped) == 4
    assert len(store.load()) == 4


def test_replace_makes_a_new_version(store: EventStore) -> None:
    store.add(make_events(1, created_at="2022-10-23T08:00:00Z"))
    result = store.add(
        make_events(1, fatalities=7, created_at="2022-11-01T08:00:00Z"), on_existing="replace"
    )
    assert result.replaced == ["T-1"]
    event = store.get("T-1")
    assert event[S.FATALITIES] == 7 and event[S.VERSION] == 2
    assert event[S.CREATED_AT] == pd.Timestamp("2022-10-23T08:00:00Z")  # first stored, kept


def test_update_changes_one_event_and_bumps_its_version(store: EventStore) -> None:
    store.add(make_events(2))
    updated = store.update("T-1", {S.FATALITIES: 5, S.NOTES: "corrected"}, expected_version=1)
    assert updated[S.VERSION] == 2
    assert store.get("T-1")[S.FATALITIES] == 5
    assert store.get("T-2")[S.FATALITIES] == 0
    history = store.history("T-1")
    assert history["action"].tolist() == ["add", "update"]
    assert history["changes"].iloc[1][S.FATALITIES] == [0, 5]


def test_an_update_from_a_stale_version_is_refused_and_logged(store: EventStore) -> None:
    store.add(make_events(1))
    store.update("T-1", {S.FATALITIES: 5}, expected_version=1, user="amal")
    with pytest.raises(ConflictError, match="you edited version 1, the store now holds version 2"):
        store.update("T-1", {S.FATALITIES: 9}, expected_version=1, user="bilal")
    assert store.get("T-1")[S.FATALITIES] == 5
    history = store.history("T-1")
    assert history["action"].tolist() == ["add", "update", "conflict"]
    assert history["user"].tolist()[1:] == ["amal", "bilal"]


def test_a_refused_save_of_a_whole_form_shows_only_what_it_would_change(store: EventStore) -> None:
    store.add(make_events(1))
    store.update("T-1", {S.FATALITIES: 5}, expected_version=1, user="amal")
    form = make_events(1).iloc[0].to_dict()  # every field, as bilal loaded it at version 1
    form[S.NOTES] = "seen from the road"
    with pytest.raises(ConflictError, match="saved by amal") as caught:
        store.update("T-1", form, expected_version=1, user="bilal")
    # His save would also have put fatalities back to 0: the message says so.
    assert caught.value.fields == {S.FATALITIES: [5, 0], S.NOTES: [None, "seen from the road"]}
    assert store.history("T-1")["changes"].iloc[-1] == caught.value.fields


def test_an_update_that_breaks_the_schema_is_refused(store: EventStore) -> None:
    store.add(make_events(1))
    with pytest.raises(ValidationError, match=r"latitude: 135\.0 is outside"):
        store.update("T-1", {S.LATITUDE: 135}, expected_version=1)
    assert store.get("T-1")[S.VERSION] == 1


def test_delete_and_get_of_a_missing_event(store: EventStore) -> None:
    store.add(make_events(2))
    store.delete("T-1", expected_version=1)
    with pytest.raises(NotFoundError, match="no event with id 'T-1'"):
        store.get("T-1")
    assert store.load()[S.EVENT_ID].tolist() == ["T-2"]


def test_every_committed_change_moves_the_revision(store: EventStore) -> None:
    r0 = store.revision()
    store.add(make_events(1))
    r1 = store.revision()
    store.update("T-1", {S.FATALITIES: 1}, expected_version=1)
    assert r0 < r1 < store.revision()


def test_the_file_opens_as_a_geopackage_point_layer_with_typed_fields(
    gpkg_store: GeoPackageStore,
) -> None:
    gpkg_store.add(pd.DataFrame([EVERY_COLUMN]))
    info = pyogrio.read_info(gpkg_store.path, layer="events")
    assert info["driver"] == "GPKG"
    assert info["geometry_type"] == "Point"
    assert info["crs"] == "EPSG:4326"
    types = dict(zip(info["fields"], info["ogr_types"], strict=True))
    assert types[S.EVENT_DATE] == "OFTDate"
    assert types[S.CREATED_AT] == "OFTDateTime"
    assert types[S.FATALITIES] == "OFTInteger64"
    assert types[S.LATITUDE] == "OFTReal"
    frame = pyogrio.read_dataframe(gpkg_store.path, layer="events")
    assert frame.geometry.iloc[0].x == pytest.approx(40.45154)
    assert frame[S.LOCATION].iloc[0] == "الميادين"


def test_the_spatial_index_follows_the_events(gpkg_store: GeoPackageStore) -> None:
    gpkg_store.add(make_events(3))
    gpkg_store.update("T-2", {S.LATITUDE: 34.63346, S.LONGITUDE: 40.84054}, expected_version=1)
    gpkg_store.delete("T-3")
    with sqlite3.connect(gpkg_store.path) as con:
        boxes = con.execute("SELECT minx, miny FROM rtree_events_geom ORDER BY minx").fetchall()
    assert len(boxes) == 2
    assert boxes[1][0] == pytest.approx(40.84054, abs=1e-4)


def test_opening_a_store_writes_nothing(gpkg_store: GeoPackageStore) -> None:
    gpkg_store.add(make_events(2))
    revision, stamp = gpkg_store.revision(), gpkg_store.path.stat().st_mtime_ns
    again = GeoPackageStore(gpkg_store.path)
    assert again.revision() == revision, "cached events of other sessions stay valid"
    assert gpkg_store.path.stat().st_mtime_ns == stamp


def test_a_store_written_by_an_older_version_gains_the_new_columns(
    gpkg_store: GeoPackageStore,
) -> None:
    gpkg_store.add(make_events(1))
    with sqlite3.connect(gpkg_store.path) as con:
        con.execute(f'ALTER TABLE events DROP COLUMN "{S.EVIDENCE}"')
    again = GeoPackageStore(gpkg_store.path)
    assert again.get("T-1")[S.EVENT_ID] == "T-1"
    with sqlite3.connect(gpkg_store.path) as con:
        columns = {row[1] for row in con.execute("PRAGMA table_info(events)")}
    assert S.EVIDENCE in columns


def test_a_file_that_is_not_a_store_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="cannot be opened as a conflictmap store"):
        open_store(junk)


def test_text_that_looks_missing_or_breaks_csv_survives(store: EventStore) -> None:
    tricky = make_event(
        event_id="TRICKY-1",
        location="NA",
        tags="None",
        notes='first line\nsecond, with "quotes", a tab\tand a backslash \\N',
        admin2="null",
    )
    store.add(pd.DataFrame([tricky]))
    event = store.get("TRICKY-1")
    assert event[S.LOCATION] == "NA" and event[S.TAGS] == "None" and event[S.ADMIN2] == "null"
    assert event[S.NOTES] == tricky[S.NOTES]


MAYADIN = {S.LONGITUDE: 40.45154, S.LATITUDE: 35.01982}
ALBUKAMAL = {S.LONGITUDE: 40.918, S.LATITUDE: 34.4522, S.LOCATION: "Albukamal"}
VARIED = [
    make_event(event_id="E1", event_date="2022-10-01", event_date_end="2022-10-06", **MAYADIN),
    make_event(
        event_id="E2",
        event_date="2022-10-07",
        assoc_actor_1="Militia (Pro-Iran); Hezbollah",
        inter2="Political militia",
        fatalities=3,
        source="North Press; Syria TV",
        **ALBUKAMAL,
    ),
    make_event(
        event_id="E3",
        event_date="2022-10-10",
        event_type="Battles",
        sub_event_type="Armed clash",
        longitude=40.5,  # on the corner of the box below
        latitude=35.0,
    ),
    make_event(event_id="E4", event_date="2022-10-05", notes="sold 50%_off", status="draft", **ALBUKAMAL),
    make_event(event_id="E5", event_date="2022-10-20", notes="sold 50x_off", **ALBUKAMAL),
    make_event(event_id="E6", event_date="2022-10-21", location="الميادين", **{S.LONGITUDE: 40.45154, S.LATITUDE: 35.01982}),
    make_event(event_id="E7", event_date="2022-10-22", fatalities=10, longitude=41.0, latitude=34.6),
    make_event(event_id="E8", event_date="2022-10-09", status="draft", geo_precision=2, **ALBUKAMAL),
]  # fmt: skip
AROUND_ALBUKAMAL = "POLYGON ((40.85 34.4, 40.95 34.4, 40.95 34.5, 40.85 34.5, 40.85 34.4))"
OCT_5_TO_9 = {"date_from": date(2022, 10, 5), "date_to": date(2022, 10, 9)}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), {"E1", "E2", "E3", "E4", "E5", "E6", "E7", "E8"}),
        (Filters(**OCT_5_TO_9), {"E1", "E2", "E4", "E8"}),  # E1 is a span reaching into it
        (Filters(actors=("hezbollah",)), {"E2"}),
        (Filters(actor_types=("Political militia",)), {"E2"}),
        (Filters(event_types=("Battles",)), {"E3"}),
        (Filters(min_fatalities=3), {"E2", "E7"}),
        (Filters(sources=("north press",)), {"E2"}),
        (Filters(text="50%_off"), {"E4"}),  # % and _ are characters here, not wildcards
        (Filters(text="الميادين"), {"E6"}),
        (Filters(bbox=(40.0, 34.9, 40.5, 35.02)), {"E1", "E3", "E6"}),  # edges are inside
        (Filters(area_wkt=AROUND_ALBUKAMAL), {"E2", "E4", "E5", "E8"}),
        (Filters(statuses=("draft",), geo_precision=(2,)), {"E8"}),
        (Filters(area_wkt=AROUND_ALBUKAMAL, **OCT_5_TO_9), {"E2", "E4", "E8"}),
    ],
    ids=lambda v: v.describe() if isinstance(v, Filters) else None,
)
def test_load_keeps_what_the_filters_keep(
    store: EventStore, filters: Filters, expected: set[str]
) -> None:
    store.add(pd.DataFrame(VARIED))
    kept = store.load(filters)
    assert set(kept[S.EVENT_ID]) == expected
    # The same answer as filtering everything in memory, as the dashboard did before.
    assert set(apply(store.load(), filters)[S.EVENT_ID]) == expected
    assert kept.crs == S.CRS and len(kept.geometry) == len(expected)
