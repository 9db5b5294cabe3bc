"""Admin boundaries: loading OCHA COD-AB files and admin1/admin2 by point-in-polygon."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from conftest import SHARED

from geo.errors import InputError
from geo.places.boundaries import Boundaries, assign_admin, find_boundary_file, load_boundaries
from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Geocoder

ADM2 = SHARED / "boundaries" / "syr_admbnda_adm2_uncs_unocha.json"


@pytest.fixture(scope="module")
def syria() -> Boundaries:
    if not ADM2.exists():
        pytest.skip(f"{ADM2} (OCHA Syria COD-AB) absent")
    return Boundaries.load(ADM2)


def square(x0: float, y0: float, size: float) -> dict:
    ring = [[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]
    return {"type": "Polygon", "coordinates": [ring]}


def write_geojson(path: Path, features: list[tuple[dict, dict]]) -> Path:
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": props, "geometry": geom}
                    for props, geom in features
                ],
            }
        ),
        encoding="utf-8",
    )
    return path


def test_the_shared_syria_file_has_governorates_and_districts(syria):
    frame = syria.frame
    assert frame["admin1"].nunique() == 14
    assert frame["admin2"].nunique() >= 60
    assert set(frame.columns) >= {"admin1", "admin1_ar", "admin1_pcode", "admin2", "geometry"}


@pytest.mark.parametrize(
    ("lat", "lon", "admin1", "admin2"),
    [
        (35.0198, 40.4515, "Deir-ez-Zor", "Al Mayadin"),  # Mayadin
        (34.4523, 40.9185, "Deir-ez-Zor", "Abu Kamal"),  # Albukamal
        (34.6335, 40.8405, "Deir-ez-Zor", "Abu Kamal"),  # al-Jalaa
        (36.2012, 37.1612, "Aleppo", "Jebel Saman"),  # Aleppo
    ],
)
def test_points_get_their_governorate_and_district(syria, lat, lon, admin1, admin2):
    area = syria.locate(lat, lon)
    assert area is not None
    assert (area.admin1, area.admin2) == (admin1, admin2)


def test_a_point_outside_the_country_has_no_area(syria):
    assert syria.locate(33.3406, 44.4009) is None  # Baghdad


def test_assign_admin_fills_a_whole_frame_in_one_join(syria):
    frame = pd.DataFrame(
        {
            "latitude": [35.0198, 34.4523, 33.3406, None],
            "longitude": [40.4515, 40.9185, 44.4009, None],
            "admin1": [None, "Kept", None, None],
        }
    )
    out = assign_admin(frame, syria)
    assert out["admin1"].tolist()[:2] == ["Deir-ez-Zor", "Kept"]
    assert out["admin2"].tolist()[:2] == ["Al Mayadin", "Abu Kamal"]
    assert out["admin1"].isna().tolist()[2:] == [True, True]  # Baghdad, no coordinates
    overwritten = assign_admin(frame, syria, overwrite=True)
    assert overwritten.loc[1, "admin1"] == "Deir-ez-Zor"
    assert frame.loc[1, "admin1"] == "Kept"  # the input is not changed


def test_assign_admin_works_on_a_geodataframe(syria):
    points = gpd.GeoDataFrame(
        {"event_id": ["a"]}, geometry=gpd.points_from_xy([40.4515], [35.0198]), crs="EPSG:4326"
    )
    out = assign_admin(points, syria)
    assert isinstance(out, gpd.GeoDataFrame)
    assert (out.loc[0, "admin1"], out.loc[0, "admin2"]) == ("Deir-ez-Zor", "Al Mayadin")


def test_the_geocoder_sets_districts_from_boundaries(syria):
    mayadin = Place(
        "geonames:173480",
        "Al Mayādīn",
        "الميادين",
        "town",
        35.01982,
        40.45154,
        "SY",
        "Deir-ez-Zor",
        "",
        54534,
        "geonames-cities500",
        "GeoNames 173480",
        ("Al Mayadin", "الميادين"),
    )
    coder = Geocoder(Gazetteer.from_places([mayadin]), boundaries=syria)
    r = coder.geocode("الميادين", country="SY")
    assert (r.admin1, r.admin2) == ("Deir-ez-Zor", "Al Mayadin")


def test_a_folder_picks_its_finest_level(tmp_path, monkeypatch):
    adm1 = write_geojson(
        tmp_path / "xyz_admbnda_adm1.geojson",
        [({"ADM1_EN": "North", "ADM1_AR": "الشمال", "ADM1_PCODE": "X1"}, square(0, 0, 1))],
    )
    adm2 = write_geojson(
        tmp_path / "xyz_admbnda_adm2.geojson",
        [
            (
                {"ADM1_EN": "North", "ADM1_PCODE": "X1", "ADM2_EN": "Hills", "ADM2_PCODE": "X101"},
                square(0, 0, 1),
            )
        ],
    )
    assert find_boundary_file(tmp_path) == adm2
    monkeypatch.setenv("CONFLICTMAP_BOUNDARIES", str(tmp_path))
    b = Boundaries.load()
    area = b.locate(0.5, 0.5)
    assert area is not None and (area.admin1, area.admin2, area.admin2_pcode) == (
        "North",
        "Hills",
        "X101",
    )
    level1 = Boundaries.load(adm1).locate(0.5, 0.5)
    assert level1 is not None and level1.admin1_ar == "الشمال" and level1.admin2 is None


def test_files_without_ocha_fields_or_paths_are_refused(tmp_path, monkeypatch):
    other = write_geojson(tmp_path / "roads.geojson", [({"name": "x"}, square(0, 0, 1))])
    with pytest.raises(InputError, match="no ADM1_EN field"):
        load_boundaries(other)
    monkeypatch.delenv("CONFLICTMAP_BOUNDARIES", raising=False)
    with pytest.raises(InputError, match="CONFLICTMAP_BOUNDARIES"):
        find_boundary_file(None)
    with pytest.raises(InputError, match="neither a file nor a folder"):
        find_boundary_file(tmp_path / "missing")
