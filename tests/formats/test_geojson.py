"""GeoJSON: what we write is RFC 7946 and opens unchanged in geopandas; what others write reads."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from conftest import make_events

from geo import schema as S
from geo.errors import InputError, ValidationError
from geo.formats import geojson


def exported(tmp_path: Path, events) -> tuple[dict, Path]:
    path = tmp_path / "events.geojson"
    geojson.write(S.validate(events), path)
    return json.loads(path.read_text(encoding="utf-8")), path


def test_export_is_rfc7946(tmp_path: Path) -> None:
    events = make_events(3, notes="قصف مدفعي على أطراف المدينة")
    events.loc[2, [S.LATITUDE, S.LONGITUDE]] = (36.2, 37.16)
    doc, _ = exported(tmp_path, events)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946 section 4: always WGS 84, no crs member
    assert len(doc["features"]) == 3
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
        assert "crs" not in feature
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        # Longitude first (RFC 7946 section 3.1.1), the same numbers as the properties.
        assert (lon, lat) == (feature["properties"]["longitude"], feature["properties"]["latitude"])
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        assert feature["properties"]["event_date"].count("-") == 2  # an ISO date, not a number


def test_export_opens_unchanged_in_geopandas(tmp_path: Path) -> None:
    events = S.validate(make_events(4, notes="نص عربي"))
    _, path = exported(tmp_path, events)
    frame = gpd.read_file(path, engine="pyogrio")
    assert frame.crs.to_epsg() == 4326
    assert list(frame["event_id"]) == list(events[S.EVENT_ID])
    assert list(frame.geometry.x) == list(events[S.LONGITUDE])
    assert list(frame.geometry.y) == list(events[S.LATITUDE])
    assert list(frame["notes"]) == ["نص عربي"] * 4


def test_an_event_without_coordinates_has_a_null_geometry(tmp_path: Path) -> None:
    draft = make_events(1, latitude=None, longitude=None, status="draft")
    doc = json.loads(geojson.to_bytes(S.validate(draft, require_coordinates=False)))
    assert doc["features"][0]["geometry"] is None


def foreign(tmp_path: Path, features: list[dict]) -> Path:
    path = tmp_path / "other.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path


def test_another_tools_points_read_with_a_property_mapping(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [40.45, 35.02]},
        "properties": {
            "date": "2022-10-22",
            "kind": "Shelling/artillery/missile attack",
            "category": "Explosions/Remote violence",
            "who": "Military Forces of Syria (2000-)",
            "place": "Mayadin",
            "outlets": ["Outlet A", "Outlet B"],
            "colour": "#ff0000",
        },
    }
    mapping = {"date": "event_date", "kind": "sub_event_type", "category": "event_type",
               "who": "actor1", "place": "location", "outlets": "source"}  # fmt: skip
    frame = geojson.read(foreign(tmp_path, [feature]), mapping=mapping)
    events = S.validate(frame.assign(country="Syria", time_precision=1, geo_precision=1),
                        unknown_columns="drop")  # fmt: skip
    event = events.iloc[0]
    assert (event[S.LONGITUDE], event[S.LATITUDE]) == (40.45, 35.02)
    assert event[S.SOURCE] == "Outlet A; Outlet B"
    assert event[S.SUB_EVENT_TYPE] == "Shelling/artillery/missile attack"


def test_a_mapping_to_a_column_the_schema_lacks_is_refused(tmp_path: Path) -> None:
    path = foreign(tmp_path, [])
    with pytest.raises(InputError, match="'evnt_date', not a column"):
        geojson.read(path, mapping={"date": "evnt_date"})


def test_a_polygon_is_refused_by_feature_number(tmp_path: Path) -> None:
    polygon = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    path = foreign(tmp_path, [{"type": "Feature", "geometry": polygon, "properties": {}}])
    with pytest.raises(InputError, match="feature 1: only Point"):
        geojson.read(path)


def nan_file(tmp_path: Path, coordinates: str, fatalities: str) -> Path:
    """A GeoJSON as Python's json.dumps writes a NaN: the bare word NaN, which JSON does not have."""
    event = make_events(1).iloc[0].drop([S.LATITUDE, S.LONGITUDE]).dropna().to_dict()
    event[S.LOCATION] = "Mayadin"
    props = json.dumps({k: str(v) for k, v in event.items() if k != S.FATALITIES})
    feature = (
        f'{{"type": "Feature", "geometry": {{"type": "Point", "coordinates": {coordinates}}}, '
        f'"properties": {props[:-1]}, "fatalities": {fatalities}}}}}'
    )
    path = tmp_path / "nan.geojson"
    path.write_text(f'{{"type": "FeatureCollection", "features": [{feature}]}}', encoding="utf-8")
    return path


def test_a_point_of_nan_is_refused_not_moved_to_the_gazetteers_place(tmp_path: Path) -> None:
    frame = geojson.read(nan_file(tmp_path, "[NaN, NaN]", "0"))
    with pytest.raises(ValidationError) as caught:
        S.validate(frame)
    assert [str(p) for p in caught.value.problems] == [
        "row 1, column latitude: 'NaN' is not a number",
        "row 1, column longitude: 'NaN' is not a number",
    ]


def test_nan_fatalities_are_refused_as_in_a_csv(tmp_path: Path) -> None:
    frame = geojson.read(nan_file(tmp_path, "[40.45, 35.02]", "NaN"))
    with pytest.raises(ValidationError, match="row 1, column fatalities: 'NaN' is not a number"):
        S.validate(frame)


def web_mercator_geojson(tmp_path: Path, crs: dict) -> Path:
    """An old-style GeoJSON (QGIS, 2008 spec) whose points are in EPSG:3857 metres."""
    from pyproj import Transformer

    doc = json.loads(geojson.to_bytes(S.validate(make_events(2))))
    to_metres = Transformer.from_crs(4326, 3857, always_xy=True)
    for feature in doc["features"]:
        feature["geometry"]["coordinates"] = list(
            to_metres.transform(*feature["geometry"]["coordinates"])
        )
        feature["properties"].pop(S.LONGITUDE), feature["properties"].pop(S.LATITUDE)
    doc["crs"] = crs
    path = tmp_path / "mercator.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_a_geojson_in_web_mercator_is_reprojected_not_refused(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    back = S.validate(geojson.read(web_mercator_geojson(tmp_path, crs)))
    expected = S.validate(make_events(2))
    assert back[S.LATITUDE].to_numpy() == pytest.approx(expected[S.LATITUDE].to_numpy(), abs=1e-9)
    assert back[S.LONGITUDE].to_numpy() == pytest.approx(expected[S.LONGITUDE].to_numpy(), abs=1e-9)


def test_a_geojson_in_a_system_we_do_not_know_is_refused_naming_it(tmp_path: Path) -> None:
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}}
    with pytest.raises(
        InputError, match=r"its coordinate system 'urn:ogc:def:crs:EPSG::999999' is"
    ):
        geojson.read(web_mercator_geojson(tmp_path, crs))


def test_a_geojson_in_metres_that_names_no_system_is_refused_as_such(tmp_path: Path) -> None:
    # Not "latitude 4,163,000 is outside -90..90" for every row: the file's system is the fault.
    path = web_mercator_geojson(tmp_path, crs={})
    doc = json.loads(path.read_text(encoding="utf-8"))
    del doc["crs"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        geojson.read(path)
    assert re.match(
        r"the GeoJSON's points are not longitude/latitude in degrees \(feature 1: [\d,]+, [\d,]+,"
        r" metres of a projected system such as Web Mercator, EPSG:3857\?\)",
        str(caught.value),
    )
    assert "names no coordinate system: export it again in WGS84 (EPSG:4326)" in str(caught.value)
