"""Place names of the offline base map: big cities from afar, villages close up, sites by kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo.places.gazetteer import Gazetteer, Place
from geo.places.labels import (
    CELL_ZOOM,
    SITE,
    TOWN,
    cell_of,
    labels,
    labels_version,
    min_zoom,
    write_labels,
)


def town(name: str, population: int, lat: float, lon: float, ar: str = "") -> Place:
    return Place(
        place_id=f"geonames:{abs(hash(name)) % 10**6}",
        name_en=name,
        name_ar=ar,
        kind="town",
        latitude=lat,
        longitude=lon,
        country="SY",
        admin1="",
        admin2="",
        population=population,
        source="geonames-cities500",
        coord_source="",
        names=(name, ar) if ar else (name,),
    )


def site(name: str, kind: str, lat: float, lon: float) -> Place:
    return Place(
        place_id=f"site:{name}",
        name_en=name,
        name_ar="",
        kind=kind,
        latitude=lat,
        longitude=lon,
        country="SY",
        admin1="",
        admin2="",
        population=-1,
        source="site",
        coord_source="test",
        names=(name,),
    )


def test_big_cities_are_named_from_afar_and_villages_only_close_up() -> None:
    assert min_zoom(2_500_000) < min_zoom(270_000) < min_zoom(54_000) < min_zoom(8_000)
    assert min_zoom(8_000) < min_zoom(600)
    assert min_zoom(0) == min_zoom(-1), "an unknown population is a small town"
    assert min_zoom(-1, "oil_field") <= min_zoom(8_000), "a site an analyst looks for"
    assert min_zoom(-1, "governorate") is None, "an area is named by its main town"


def test_labels_come_in_the_order_they_are_drawn() -> None:
    gaz = Gazetteer.from_places(
        [
            town("Hajin", 29_237, 34.695, 40.831, "هجين"),
            site("al-Omar oil field", "oil_field", 35.152, 40.576),
            town("Deir ez-Zor", 271_800, 35.336, 40.141, "دير الزور"),
            town("Al Mayadin", 54_534, 35.02, 40.452, "الميادين"),
            town("As Susah", 8_797, 34.534, 40.958),
            site("Deir ez-Zor Governorate", "governorate", 35.336, 40.141),
        ]
    )
    rows = labels(gaz)
    assert [r.name_en for r in rows] == [
        "Deir ez-Zor",
        "Al Mayadin",
        "Hajin",
        "al-Omar oil field",  # a site before the towns of its zoom: an analyst looks for it
        "As Susah",
    ]
    assert [r.rank for r in rows] == list(range(5))
    mayadin = rows[1]
    assert (mayadin.name_ar, mayadin.kind, mayadin.min_zoom) == ("الميادين", TOWN, 7)
    assert rows[3].kind == SITE


def test_the_label_files_hold_every_label_once(tmp_path: Path) -> None:
    gaz = Gazetteer.from_places(
        [
            town("Damascus", 2_500_000, 33.51, 36.29, "دمشق"),
            town("Al Mayadin", 54_534, 35.02, 40.452, "الميادين"),
            town("Albu Kamal", 57_572, 34.452, 40.919, "أبو كمال"),
            town("Al Jala'", 0, 34.633, 40.841, "الجلاء"),
        ]
    )
    folder = write_labels(gaz, tmp_path / "labels" / "v1")
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    assert [row[5] for row in index["labels"]] == ["Damascus"], "named from afar"
    assert index["cell_zoom"] == CELL_ZOOM
    cell = cell_of(35.02, 40.452)
    assert index["cells"] == [cell], "the three towns share one cell"
    rows = json.loads((folder / f"{cell}.json").read_text(encoding="utf-8"))
    assert [(r[5], r[6]) for r in rows] == [
        ("Albu Kamal", "أبو كمال"),
        ("Al Mayadin", "الميادين"),
        ("Al Jala'", "الجلاء"),
    ]
    assert sorted(p.name for p in folder.parent.iterdir()) == ["v1"], "no temporary folder left"


def test_cells_count_from_the_south_west_corner() -> None:
    assert cell_of(-90, -180) == "0_0"
    assert cell_of(90, 180) == "179_89", "the last cell holds the edge of the world"
    assert cell_of(35.02, 40.452) == "110_62"


def test_the_version_changes_with_the_gazetteer_sources(tmp_path: Path) -> None:
    sites = tmp_path / "sites.csv"
    sites.write_text("id,name_en\n", encoding="utf-8")
    before = labels_version(sites=sites)
    sites.write_text("id,name_en\nx,X\n", encoding="utf-8")
    assert labels_version(sites=sites) != before


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_the_real_gazetteer_names_the_founding_places_in_both_languages(
    gazetteer: Gazetteer,
) -> None:
    rows = {r.name_en: r for r in labels(gazetteer) if 34.3 < r.latitude < 35.5}
    assert rows["Al Mayadin"].name_ar == "الميادين"
    assert rows["Albu Kamal"].name_ar == "أبو كمال"
    assert rows["Al Mayadin"].min_zoom <= 9 and rows["Albu Kamal"].min_zoom <= 9
    assert rows["al-Omar oil field"].kind == SITE and rows["al-Omar oil field"].min_zoom <= 9
