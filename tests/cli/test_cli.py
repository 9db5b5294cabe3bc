"""The conflictmap command: init, add (all or nothing), list with filters, export content."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, make_events

from geo import schema as S
from geo.cli.main import main
from geo.store import GeoPackageStore

# Reference points of the places the founding report names, with the source of each.
FOUNDING_PLACES = {
    "al-Omar oil field": (35.15167, 40.57583),  # English Wikipedia, Al-Omar field
    "Mayadin": (35.01982, 40.45154),  # GeoNames 173480
    "al-Jalaa": (34.63346, 40.84054),  # GeoNames 166597
    "Deir ez-Zor": (35.33588, 40.14084),  # GeoNames 170794
}


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    return subprocess.run(
        [sys.executable, "-m", "geo.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd or ROOT,
        timeout=120,
    )


def test_export_on_a_fresh_install_holds_the_founding_events(tmp_path: Path) -> None:
    out = tmp_path / "out.geojson"
    result = run_cli(
        "export", "--format", "geojson", "-o", str(out),
        env={"CONFLICTMAP_STORE": str(tmp_path / "fresh.gpkg")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "created" in result.stderr  # the default store is built from data/events on first use
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    points = [tuple(reversed(f["geometry"]["coordinates"])) for f in doc["features"]]
    for place, reference in FOUNDING_PLACES.items():
        nearest = min(km_between(reference, p) for p in points)
        assert nearest < 5, f"no founding event within 5 km of {place} ({nearest:.1f} km)"
    props = [f["properties"] for f in doc["features"]]
    assert {p["event_date"] for p in props} == {"2022-10-22"}
    assert {p["sub_event_type"] for p in props} >= {
        "Shelling/artillery/missile attack",
        "Air/drone strike",
    }
    directed = [p for p in props if p["origin_latitude"] is not None]
    assert directed, "the founding events carry the origin of fire"


@pytest.fixture
def founded(tmp_path: Path) -> Path:
    path = tmp_path / "store.gpkg"
    assert main(["--store", str(path), "init"]) == 0
    return path


def test_list_filters_by_date_actor_and_type(founded: Path, capsys: pytest.CaptureFixture) -> None:
    main(["--store", str(founded), "list", "--type", "Air/drone strike"])
    out = capsys.readouterr().out
    assert "Mayadin" in out and "Al-Jalaa" in out and "Al-Omar oil field" not in out

    main(["--store", str(founded), "list", "--actor", "Militia (Pro-Iran)"])
    listed = capsys.readouterr()
    assert "2 event(s)" in listed.err

    main(["--store", str(founded), "list", "--from", "2022-10-24"])
    assert "no events match" in capsys.readouterr().out


def write_csv(path: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(path, index=False)
    return path


def test_add_is_all_or_nothing_and_names_the_bad_row(
    tmp_path: Path, founded: Path, capsys: pytest.CaptureFixture
) -> None:
    before = GeoPackageStore(founded).load()
    events = make_events(4)
    events.loc[3, S.LATITUDE] = 135
    events.loc[4, S.EVENT_DATE] = "someday"
    path = write_csv(tmp_path / "batch.csv", events)
    assert main(["--store", str(founded), "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "nothing was stored" in err
    # CSV rows are named by their line in the file: the header is line 1.
    assert "row 4, column latitude: 135.0 is outside -90..90" in err
    assert "row 5, column event_date: 'someday' is not a date" in err
    pd.testing.assert_frame_equal(GeoPackageStore(founded).load(), before)

    events.loc[3, S.LATITUDE] = 35.0
    events.loc[4, S.EVENT_DATE] = "2022-10-05"
    write_csv(path, events)
    assert main(["--store", str(founded), "add", str(path)]) == 0
    assert len(GeoPackageStore(founded).load()) == len(before) + 4


def test_a_malformed_csv_row_is_named(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "broken.csv"
    path.write_text("event_date,actor1\n2022-10-22,A\n2022-10-23,B,extra\n", encoding="utf-8")
    assert main(["--store", str(tmp_path / "s.gpkg"), "add", str(path)]) == 2
    assert "row 3 has 3 fields but the header has 2" in capsys.readouterr().err


def test_export_csv_and_geojson_hold_the_same_filtered_events(
    founded: Path, tmp_path: Path
) -> None:
    common = ["--store", str(founded), "export", "--type", "Air/drone strike"]
    main([*common, "-f", "geojson", "-o", str(tmp_path / "a.geojson")])
    main([*common, "-f", "csv", "-o", str(tmp_path / "a.csv")])
    features = json.loads((tmp_path / "a.geojson").read_text(encoding="utf-8"))["features"]
    with open(tmp_path / "a.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert sorted(f["properties"]["event_id"] for f in features) == sorted(
        r["event_id"] for r in rows
    )
    assert len(rows) == 2
    assert all(r["event_date"] == "2022-10-22" for r in rows)


def test_the_same_export_twice_is_byte_identical(founded: Path, tmp_path: Path) -> None:
    for name in ("one", "two"):
        main(["--store", str(founded), "export", "-o", str(tmp_path / f"{name}.geojson")])
    assert (tmp_path / "one.geojson").read_bytes() == (tmp_path / "two.geojson").read_bytes()


def test_an_unknown_type_filter_is_explained(founded: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--store", str(founded), "list", "--type", "Skirmish"]) == 2
    assert "neither an ACLED event type nor a sub-event type" in capsys.readouterr().err


def test_a_csv_export_cannot_run_formulas_in_a_spreadsheet(tmp_path: Path) -> None:
    store = GeoPackageStore(tmp_path / "s.gpkg")
    store.add(make_events(1, notes='=HYPERLINK("http://evil.example","click")', longitude=-0.5,
                          latitude=51.5, country="United Kingdom", actor2="@someone"))  # fmt: skip
    out = tmp_path / "out.csv"
    main(["--store", str(store.path), "export", "-f", "csv", "-o", str(out)])
    with open(out, encoding="utf-8", newline="") as stream:
        row = next(csv.DictReader(stream))
    assert row["notes"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["actor2"] == "'@someone"
    assert row["longitude"] == "-0.5"  # numbers are not formulas


def test_add_places_events_that_name_a_place_but_have_no_coordinates(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    events = make_events(3, latitude=None, longitude=None, geo_precision=None, admin1=None)
    events[S.LOCATION] = ["الميادين", "near Albukamal", "Xyzzyville"]
    path = write_csv(tmp_path / "named.csv", events)
    store_path = tmp_path / "s.gpkg"
    assert main(["--store", str(store_path), "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 4, column location: 'Xyzzyville' - no candidate" in err
    assert "column latitude" not in err  # the place is the problem, not the coordinates

    write_csv(path, events.iloc[:2])
    assert main(["--store", str(store_path), "add", str(path)]) == 0
    stored = GeoPackageStore(store_path).load().set_index(S.LOCATION)
    mayadin = stored.loc["الميادين"]
    assert km_between((mayadin[S.LATITUDE], mayadin[S.LONGITUDE]), FOUNDING_PLACES["Mayadin"]) < 5
    assert mayadin[S.GEO_PRECISION] == 1 and mayadin[S.PLACE_ID] == "geonames:173480"
    near = stored.loc["near Albukamal"]
    assert km_between((near[S.LATITUDE], near[S.LONGITUDE]), (34.4523, 40.9185)) < 5
    assert near[S.GEO_PRECISION] == 2  # "near X" is coded at X with precision 2
    assert near[S.ADMIN1] == "Deir-ez-Zor"
