"""The gazetteer: curated sites, GeoNames dumps, the name index and its disk cache."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError, ValidationError
from geo.places.gazetteer import (
    SITE_COLUMNS,
    SITES_CSV,
    FuzzyKeys,
    Gazetteer,
    KeyIndex,
    StringTable,
    cache_path,
    core_key,
    name_key,
    read_geonames_dump,
    read_sites,
)

SITE = {
    "id": "test-field",
    "name_en": "Test oil field",
    "name_ar": "حقل التجربة",
    "alt_names": "Tajriba field|حقل تجربة",
    "kind": "oil_field",
    "latitude": "35.1",
    "longitude": "40.5",
    "country": "SY",
    "admin1": "Deir-ez-Zor",
    "admin2": "",
    "source": "made up for a test",
}


def write_sites(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=SITE_COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


def dump_line(
    geonameid: str,
    name: str,
    alternates: str,
    lat: str,
    lon: str,
    fclass: str,
    fcode: str,
    population: str,
) -> str:
    """One line of the GeoNames dump format: 19 tab-separated fields."""
    fields = [geonameid, name, name, alternates, lat, lon, fclass, fcode, "SY", "", "07"]
    fields += ["", "", "", population, "", "210", "Asia/Damascus", "2020-01-01"]
    return "\t".join(fields)


# A tiny dump written for the test: a village, an airfield, and a wadi (not a place we keep).
DUMP = "\n".join(
    [
        dump_line(
            "9000001", "Qaryat Tajriba", "Tajriba,قرية تجربة", "35.2", "40.3", "P", "PPL", "1200"
        ),
        dump_line("9000002", "Tajriba Airfield", "", "35.25", "40.35", "S", "AIRF", "0"),
        dump_line("9000003", "A wadi", "", "35.3", "40.4", "H", "WAD", "0"),
    ]
)


def test_shipped_sites_are_valid_and_cite_their_sources():
    places = read_sites(SITES_CSV)
    assert len(places) >= 30
    ids = {p.place_id for p in places}
    for wanted in ("site:omar-field", "site:conoco-gas-plant", "site:tanf-garrison"):
        assert wanted in ids
    for p in places:
        assert p.coord_source
        assert p.name_ar, f"{p.place_id} has no Arabic name"


def test_bad_site_rows_are_named_by_row_and_column(tmp_path):
    bad = dict(SITE, id="bad-one", latitude="135.2", kind="castle")
    path = write_sites(tmp_path / "sites.csv", [SITE, bad])
    with pytest.raises(ValidationError) as err:
        read_sites(path)
    text = str(err.value)
    assert "row 3, column latitude: 135.2 is outside -90..90" in text
    assert "row 3, column kind" in text


def test_a_sites_file_without_the_columns_is_refused(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("id,name\nx,y\n", encoding="utf-8")
    with pytest.raises(InputError, match="header lacks"):
        read_sites(path)


def test_geonames_dump_keeps_places_and_spots(tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text(DUMP + "\n", encoding="utf-8")
    places = read_geonames_dump(dump)
    assert [p.place_id for p in places] == ["geonames:9000001", "geonames:9000002"]
    village, airfield = places
    assert (village.latitude, village.longitude, village.population) == (35.2, 40.3, 1200)
    assert village.name_ar == "قرية تجربة"
    assert village.admin1 == "Deir-ez-Zor"  # GeoNames admin1 07 read as OCHA spells it
    assert airfield.kind == "airport"


def test_a_broken_dump_line_is_reported_by_line(tmp_path):
    dump = tmp_path / "SY.txt"
    dump.write_text("9000001\tonly three\tfields\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="row 1, column line: has 3 tab-separated fields"):
        read_geonames_dump(dump)


def test_string_table_and_key_index_round_trip():
    table = StringTable.of(["", "دير الزور", "Ālbū"])
    assert list(table) == ["", "دير الزور", "Ālbū"]
    assert table[1] == "دير الزور"
    index = KeyIndex.build([("b", 2), ("a", 1), ("b", 0), ("b", 2)])
    assert index.get("b").tolist() == [0, 2]
    assert index.get("a").tolist() == [1]
    assert index.get("c").tolist() == []


def test_sites_are_indexed_with_and_without_their_generic_words():
    assert name_key("al-Omar oil field") == "omaroilfield"
    assert core_key("al-Omar oil field") == "omar"
    assert core_key("Deir ez-Zor") == ""


def test_small_gazetteer_is_cached_and_a_site_edit_rebuilds_it(tmp_path):
    sites = write_sites(tmp_path / "sites.csv", [SITE])
    dump = tmp_path / "SY.txt"
    dump.write_text(DUMP + "\n", encoding="utf-8")
    cache = tmp_path / "cache"
    gaz = Gazetteer.load(sites=sites, dumps=[dump], geonames=False, places=None, cache_dir=cache)
    assert len(gaz) == 3
    assert gaz.path is not None and gaz.path.exists()
    first = gaz.path

    again = Gazetteer.load(sites=sites, dumps=[dump], geonames=False, places=None, cache_dir=cache)
    assert again.path == first
    assert [again.place(i).place_id for i in again.lookup("tajriba").tolist()] == [
        "geonames:9000001"
    ]
    # The field is found by its name without "field" in the index of site cores.
    assert [again.place(i).place_id for i in again.lookup_core("tajriba").tolist()] == [
        "site:test-field"
    ]

    write_sites(sites, [SITE, dict(SITE, id="second-field", name_en="Second field")])
    edited = Gazetteer.load(sites=sites, dumps=[dump], geonames=False, places=None, cache_dir=cache)
    assert edited.path != first
    assert len(edited) == 4


def test_a_corrupt_cache_file_is_rebuilt(tmp_path):
    sites = write_sites(tmp_path / "sites.csv", [SITE])
    cache = tmp_path / "cache"
    target = cache_path(sites=sites, geonames=False, places=None, cache_dir=cache)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not a pickle")
    gaz = Gazetteer.load(sites=sites, geonames=False, places=None, cache_dir=cache)
    assert len(gaz) == 1
    assert Gazetteer.read(target).place(0).place_id == "site:test-field"


def test_cache_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE_DIR", str(tmp_path / "envcache"))
    sites = write_sites(tmp_path / "sites.csv", [SITE])
    gaz = Gazetteer.load(sites=sites, geonames=False)
    assert gaz.path is not None and gaz.path.parent == tmp_path / "envcache"


@pytest.fixture(scope="session")
def full_gazetteer() -> Gazetteer:
    return Gazetteer.load()


def test_full_index_holds_geonames_with_arabic_names(full_gazetteer):
    gaz = full_gazetteer
    assert len(gaz) > 200_000  # cities500 is global
    mayadin = gaz.find("geonames:173480")
    place = gaz.place(mayadin)
    assert place.name_ar == "الميادين"
    assert place.admin1 == "Deir-ez-Zor"
    assert mayadin in gaz.lookup(name_key("الميادين")).tolist()


def test_full_index_loads_from_the_cache_in_another_process(full_gazetteer):
    import subprocess
    import sys

    assert full_gazetteer.path is not None
    code = (
        "from geo.places.gazetteer import Gazetteer; "
        f"g = Gazetteer.read({str(full_gazetteer.path)!r}); "
        "print(len(g), g.place(g.find('site:omar-field')).name_ar)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert out.stdout.split() == [str(len(full_gazetteer)), "حقل", "العمر", "النفطي"]


@settings(max_examples=300, deadline=None)
@given(
    key=st.text(alphabet="abcdeلمرحيه", min_size=1, max_size=24),
    others=st.lists(st.text(alphabet="abcdeلمرحيه", min_size=1, max_size=30), max_size=40),
    cutoff=st.sampled_from([75.0, 86.0, 92.0]),
)
def test_a_misspelling_is_compared_with_every_key_that_could_be_it(key, others, cutoff):
    """Keys are skipped by their length only when their ratio with the mention is below the
    cutoff: the fuzzy lookup finds what comparing every key would."""
    from rapidfuzz import fuzz

    table = StringTable.of(others)
    reach = FuzzyKeys.of(table, np.arange(len(others)))
    kept, positions = reach.within_reach(key, cutoff)
    assert sorted(kept) == sorted(others[int(p)] for p in positions)
    passing = sorted(o for o in others if fuzz.ratio(key, o) >= cutoff)
    assert [o for o in passing if o not in kept] == []
