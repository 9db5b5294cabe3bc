"""Links in the exports: GeoJSON properties, GeoPackage table and line layer, CSV beside; each
read back (and imported into a fresh store) with the links intact."""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
from conftest import ROOT

from geo import links as L
from geo.cli.main import main
from geo.formats.link_files import links_csv_path, read_links
from geo.store import GeoPackageStore

FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"


@pytest.fixture
def founding_store(tmp_path: Path) -> str:
    path = str(tmp_path / "store.gpkg")
    assert main(["--store", path, "add", str(FOUNDING)]) == 0
    return path


def _ids(links) -> set[tuple[str, str, str]]:
    return {(r[L.EVENT_ID], r[L.RELATION], r[L.TARGET_ID]) for _, r in links.iterrows()}


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_an_export_carries_the_links_and_imports_back_with_them(
    founding_store: str, tmp_path: Path, fmt: str
) -> None:
    stored = GeoPackageStore(founding_store).links()
    out = tmp_path / f"chain.{fmt}"
    assert main(["--store", founding_store, "export", "-f", fmt, "-o", str(out)]) == 0
    read = read_links(out)
    assert _ids(read) == _ids(stored) and len(read) == 3
    by_id = read.set_index(L.LINK_ID)
    counter_fire = "CM-SYR-20221022-02~response_to~CM-SYR-20221022-01"
    assert by_id.loc[counter_fire, L.DELAY_HOURS] == 0.1
    assert (
        by_id.loc[counter_fire, L.EVIDENCE]
        == stored.set_index(L.LINK_ID).loc[counter_fire, L.EVIDENCE]
    )
    fresh = str(tmp_path / "fresh.gpkg")
    assert main(["--store", fresh, "import", str(out)]) == 0
    assert _ids(GeoPackageStore(fresh).links()) == _ids(stored)


def test_geojson_features_name_their_links(founding_store: str, tmp_path: Path) -> None:
    out = tmp_path / "x.geojson"
    main(["--store", founding_store, "export", "-f", "geojson", "-o", str(out)])
    features = {
        f["properties"]["event_id"]: f["properties"]
        for f in json.loads(out.read_text(encoding="utf-8"))["features"]
    }
    attack = features["CM-SYR-20221022-01"]["links"]
    assert {(x["event_id"], x["relation"]) for x in attack} == {
        ("CM-SYR-20221022-02", "response_to"),
        ("CM-SYR-20221022-03", "retaliation_for"),
        ("CM-SYR-20221022-04", "retaliation_for"),
    }
    assert "links" not in features["CM-SYR-20221022-05"]  # nothing links the explosions


def test_the_geopackage_has_a_line_layer_from_attack_to_answer(
    founding_store: str, tmp_path: Path
) -> None:
    out = tmp_path / "x.gpkg"
    main(["--store", founding_store, "export", "-f", "gpkg", "-o", str(out)])
    layers = dict(pyogrio.list_layers(out))
    assert layers["event_link_lines"] == "LineString"
    lines = pyogrio.read_dataframe(out, layer="event_link_lines").set_index("link_id")
    mayadin = lines.loc["CM-SYR-20221022-03~retaliation_for~CM-SYR-20221022-01", "geometry"]
    (x0, y0), (x1, y1) = mayadin.coords
    assert (round(y0, 5), round(x0, 5)) == (35.15167, 40.57583)  # from the al-Omar field
    assert (round(y1, 5), round(x1, 5)) == (35.01982, 40.45154)  # to Mayadin


def test_a_filtered_csv_export_keeps_the_links_of_its_events(
    founding_store: str, tmp_path: Path
) -> None:
    out = tmp_path / "strikes.csv"
    main(
        [
            "--store",
            founding_store,
            "export",
            "-f",
            "csv",
            "-o",
            str(out),
            "--type",
            "Air/drone strike",
        ]
    )
    links = read_links(out)
    # Both strikes are exported; each link names the attack they answer, even if not exported.
    assert sorted(links[L.EVENT_ID]) == ["CM-SYR-20221022-03", "CM-SYR-20221022-04"]
    assert links_csv_path(out).name == "strikes.links.csv"
