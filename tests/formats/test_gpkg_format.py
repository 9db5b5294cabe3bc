"""GeoPackage export: one typed layer that GDAL (and so QGIS) opens; and reading it back."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from conftest import make_events

from geo import schema as S
from geo.formats import gpkg
from geo.formats.gpkg_layout import point_blobs, register_functions
from geo.store import GeoPackageStore


@pytest.fixture
def events() -> pd.DataFrame:
    frame = make_events(3, notes="ضربة جوية قرب الجلاء")
    frame.loc[2, S.EVENT_DATE_END] = "2022-10-05"
    frame.loc[3, [S.ACTOR2, S.INTER2, S.FATALITIES]] = (None, None, None)
    frame.loc[3, [S.LATITUDE, S.LONGITUDE]] = (34.45, 40.92)
    return S.validate(frame)


def test_one_point_layer_in_wgs84(tmp_path: Path, events: pd.DataFrame) -> None:
    path = tmp_path / "out.gpkg"
    assert gpkg.write(events, path) == 3
    layers = pyogrio.list_layers(path)
    assert [(str(n), str(k)) for n, k in layers] == [("events", "Point")]
    info = pyogrio.read_info(path, layer="events")
    assert info["crs"] == "EPSG:4326" and info["features"] == 3


def test_fields_are_typed_dates_as_dates_and_counts_as_integers(
    tmp_path: Path, events: pd.DataFrame
) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    info = pyogrio.read_info(path, layer="events")
    types = dict(zip(info["fields"], info["dtypes"], strict=True))
    assert types[S.EVENT_DATE] == types[S.EVENT_DATE_END] == "datetime64[D]"  # OGR Date fields
    assert types[S.FATALITIES] == types[S.GEO_PRECISION] == types[S.ISO] == "int64"
    assert types[S.LATITUDE] == types[S.CONFIDENCE] == "float64"
    assert types[S.NOTES] == "object"
    assert types[S.CREATED_AT].startswith("datetime64")
    assert list(info["fields"]) == list(S.COLUMN_NAMES)


def test_the_layer_has_its_extent_and_a_spatial_index(tmp_path: Path, events: pd.DataFrame) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    with sqlite3.connect(path) as con:
        extent = con.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents").fetchone()
        indexed = con.execute("SELECT count(*) FROM rtree_events_geom").fetchone()[0]
    assert extent == (
        events[S.LONGITUDE].min(),
        events[S.LATITUDE].min(),
        events[S.LONGITUDE].max(),
        events[S.LATITUDE].max(),
    )
    assert indexed == 3


def test_the_spatial_index_answers_a_bbox_read_and_follows_later_edits(
    tmp_path: Path, events: pd.DataFrame
) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    near_albukamal = (40.8, 34.4, 41.0, 34.5)
    found = pyogrio.read_dataframe(path, bbox=near_albukamal)
    assert found[S.EVENT_ID].tolist() == [events[S.EVENT_ID].iloc[2]]
    # An analyst moves a point in QGIS: the triggers keep the index in step.
    with sqlite3.connect(path) as con:
        register_functions(con)  # as GDAL does for the spec's triggers
        con.execute("UPDATE events SET geom = ? WHERE fid = 1", (point_blobs([40.9], [34.45])[0],))
    found = pyogrio.read_dataframe(path, bbox=near_albukamal)
    assert len(found) == 2


def test_read_back_gives_the_same_events(tmp_path: Path, events: pd.DataFrame) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    back = S.validate(gpkg.read(path))
    columns = list(S.COLUMN_NAMES)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back[columns]).reset_index(drop=True),
        pd.DataFrame(events[columns]).reset_index(drop=True),
    )


def test_a_point_moved_in_qgis_is_read_where_it_now_stands(
    tmp_path: Path, events: pd.DataFrame
) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    frame = gpd.read_file(path, layer="events", engine="pyogrio")
    frame.loc[frame.index[0], "geometry"] = shapely.Point(40.5, 35.1)
    pyogrio.write_dataframe(frame, path, layer="events")
    back = gpkg.read(path)
    assert (back.iloc[0][S.LONGITUDE], back.iloc[0][S.LATITUDE]) == (40.5, 35.1)


def test_a_layer_saved_in_web_mercator_is_read_in_longitude_and_latitude(
    tmp_path: Path, events: pd.DataFrame
) -> None:
    # A QGIS project over a web base map saves its layers in EPSG:3857 (metres).
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    frame = gpd.read_file(path, layer="events", engine="pyogrio").to_crs(3857)
    path.unlink()
    pyogrio.write_dataframe(frame, path, layer="events")
    back = S.validate(gpkg.read(path))
    assert back[S.LONGITUDE].to_numpy() == pytest.approx(events[S.LONGITUDE].to_numpy(), abs=1e-9)
    assert back[S.LATITUDE].to_numpy() == pytest.approx(events[S.LATITUDE].to_numpy(), abs=1e-9)


def test_the_store_file_reads_as_well(tmp_path: Path, events: pd.DataFrame) -> None:
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.add(events)
    assert sorted(gpkg.read(store.path)[S.EVENT_ID]) == sorted(events[S.EVENT_ID])


def test_the_same_events_give_the_same_bytes(events: pd.DataFrame) -> None:
    assert gpkg.to_bytes(events) == gpkg.to_bytes(events)


def test_a_failed_export_leaves_no_file(
    tmp_path: Path, events: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(frame: pd.DataFrame) -> list:
        raise OSError("disk full")

    monkeypatch.setattr(gpkg, "frame_to_rows", broken)
    with pytest.raises(OSError, match="disk full"):
        gpkg.write(events, tmp_path / "out.gpkg")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_export_survives_a_failed_one(
    tmp_path: Path, events: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.gpkg"
    gpkg.write(events, path)
    before = path.read_bytes()
    monkeypatch.setattr(gpkg, "frame_to_rows", lambda frame: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        gpkg.write(events.iloc[:1], path)
    assert path.read_bytes() == before
