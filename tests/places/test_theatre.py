"""Bare names read in the analyst's theatre: the prior, the region setting, feature classes, exact
names over transliterations, honest reasons, and the curated sites of Syria, Iraq and Jordan."""

from __future__ import annotations

import csv

import pytest
from conftest import ROOT, make_events
from test_geocode import km, place

from geo import settings
from geo.errors import InputError
from geo.places.gazetteer import Gazetteer, read_geonames_dump, read_sites
from geo.places.geocode import Geocoder
from geo.places.region import bundled_region, default_region, parse_region

THEATRE_CSV = ROOT / "tests" / "data" / "geocode_theatre_mentions.csv"
SY_IQ = ("SY", "IQ")


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    """The full gazetteer, read in Syria and Iraq (CONFLICTMAP_REGION=SY,IQ)."""
    return Geocoder(Gazetteer.load(), region=SY_IQ)


# --- the theatre prior -------------------------------------------------------------------------
# The names the issue says an analyst types, and the places meant (GeoNames, Wikipedia).
ISSUE_NAMES = [
    ("Hajin", 34.69508, 40.83138),
    ("Palmyra", 34.5624, 38.28402),
    ("Kobani", 36.89095, 38.35347),
    ("Busayrah", 35.15618, 40.42716),
    ("Khasham", 35.30088, 40.28916),
    ("ذيبان", 35.01498, 40.51028),
    ("Al Jalaa", 34.63346, 40.84054),
    ("Ain al-Asad airbase", 33.78561, 42.4412),
]


@pytest.mark.parametrize(("mention", "lat", "lon"), ISSUE_NAMES)
def test_bare_names_resolve_to_the_place_an_analyst_of_the_theatre_means(
    geocoder, mention, lat, lon
):
    r = geocoder.geocode(mention)
    assert r.matched, r.reason
    assert r.country in ("Syria", "Iraq")
    assert km(r.latitude, r.longitude, lat, lon) <= 5, r.reason


def test_without_a_theatre_the_same_name_stays_ambiguous(geocoder):
    r = geocoder.geocode("Hajin", region=())
    assert not r.matched and "Turkey" in r.reason and "Syria" in r.reason


def test_the_reports_country_comes_first_then_the_region_in_its_order():
    syrian = place("p:sy", "Tell Nasr", 35.0, 40.0, country="SY")
    iraqi = place("p:iq", "Tell Nasr", 34.4, 41.9, country="IQ")
    coder = Geocoder(Gazetteer.from_places([syrian, iraqi]), region=SY_IQ)
    assert coder.geocode("Tell Nasr", country="IQ").place_id == "p:iq"
    bare = coder.geocode("Tell Nasr")
    assert bare.place_id == "p:sy" and "the order of the region (Syria, Iraq)" in bare.reason
    assert coder.geocode("Tell Nasr", region=("IQ", "SY")).place_id == "p:iq"


def test_a_place_of_the_region_is_accepted_for_a_report_of_another_country(geocoder):
    r = geocoder.geocode("al-Qaim", country="SY")
    assert r.matched and r.country == "Iraq"
    assert "not in Syria, the report's country, but in Iraq, of the region" in r.reason


def test_a_place_outside_the_country_and_the_region_is_refused_naming_where_it_is(geocoder):
    r = geocoder.geocode("Paris", country="SY")
    assert not r.matched
    assert r.reason.startswith("outside Syria, the report's country, and its region")
    assert "France" in r.reason


# --- the region setting ------------------------------------------------------------------------
def test_region_setting_takes_codes_and_names(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_REGION", "SY, Iraq ,jor")
    assert default_region(["Bangladesh"]) == ("SY", "IQ", "JO")  # the setting wins


def test_region_setting_with_an_unknown_country_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_REGION", "SY,Narnia")
    with pytest.raises(InputError, match="'Narnia'"):
        default_region()
    with pytest.raises(InputError, match="'Atlantis'"):
        parse_region("Atlantis")


def test_without_a_setting_the_stores_countries_then_the_bundled_ones(monkeypatch):
    monkeypatch.delenv("CONFLICTMAP_REGION", raising=False)
    monkeypatch.setattr(settings, "REGION", None)
    # Most events first: the store's main country is read before the others.
    assert default_region(["Syria", "Iraq", "Iraq", None, "Nowhere"]) == ("IQ", "SY")
    assert "SY" in bundled_region()  # the founding report is in Syria
    assert default_region() == bundled_region()
    assert default_region([]) == bundled_region()


def test_cli_reads_a_bare_name_in_the_countries_of_the_store(
    geocoder, tmp_path, monkeypatch, capsys
):
    import geo.places.geocode
    from geo.cli.main import main
    from geo.store import GeoPackageStore

    monkeypatch.delenv("CONFLICTMAP_REGION", raising=False)
    monkeypatch.setattr(settings, "REGION", None)
    monkeypatch.setattr(geo.places.geocode, "default_geocoder", lambda: geocoder)
    jordan = tmp_path / "jordan.gpkg"
    GeoPackageStore(jordan).add(
        make_events(
            3,
            country="Jordan",
            admin1="Mafraq",
            location="Rukban",
            latitude=33.31405,
            longitude=38.70342,
        )
    )
    # Dhiban is a town in Jordan and one in Syria: a store of Jordanian events means the first.
    assert main(["--store", str(jordan), "geocode", "ذيبان"]) == 0
    assert "Jordan" in capsys.readouterr().out
    assert main(["--store", str(jordan), "geocode", "ذيبان", "--region", "SY,JO"]) == 0
    assert "Syria" in capsys.readouterr().out
    # A store that does not exist is not created by a look-up: the bundled events' region.
    missing = tmp_path / "none.gpkg"
    assert main(["--store", str(missing), "geocode", "ذيبان"]) == 0
    assert "Syria" in capsys.readouterr().out and not missing.exists()


# --- feature class -----------------------------------------------------------------------------
def test_a_town_outranks_a_farm_and_a_base_a_hill_of_the_same_name():
    town = place("p:town", "Umm Sayyal", 35.0, 40.0)
    farm = place("p:farm", "Umm Sayyal", 35.5, 40.5, kind="locality")
    base = place("p:base", "Tal Qasrak", 36.9, 41.7, kind="base", source="site")
    hill = place("p:hill", "Tal Qasrak", 36.2, 41.0, kind="locality")
    coder = Geocoder(Gazetteer.from_places([town, farm, base, hill]))
    r = coder.geocode("Umm Sayyal")
    assert r.place_id == "p:town" and "kind of feature" in r.reason
    assert coder.geocode("Tal Qasrak").place_id == "p:base"


def test_a_farm_of_a_geonames_dump_is_a_spot_not_a_governorate(tmp_path):
    from test_gazetteer import dump_line

    dump = tmp_path / "SY.txt"
    dump.write_text(
        "\n".join(
            [
                dump_line("9100001", "Tajriba", "", "35.2", "40.3", "P", "PPL", "0"),
                dump_line("9100002", "Tajriba", "", "35.6", "40.9", "S", "FRM", "0"),
                dump_line("9100003", "Jabal Tajriba", "", "35.9", "41.2", "T", "HLL", "0"),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    places = read_geonames_dump(dump, feature_classes="PST")
    assert [p.kind for p in places] == ["town", "locality", "locality"]
    r = Geocoder(Gazetteer.from_places(places)).geocode("Tajriba")
    assert r.place_id == "geonames:9100001" and r.geo_precision == 1


# --- exact names over transliterations and misspellings ----------------------------------------
def test_an_exact_name_abroad_beats_a_transliteration_at_home():
    irbin = place("p:irbin", "Irbin", 33.54, 36.37, country="SY")
    erbil = place("p:erbil", "Erbil", 36.19, 44.01, country="IQ", population=932_800)
    coder = Geocoder(Gazetteer.from_places([irbin, erbil]), region=("SY",))
    r = coder.geocode("Erbil")
    assert r.place_id == "p:erbil" and "outside the region (Syria)" in r.reason
    assert coder.geocode("Irbin").place_id == "p:irbin"


def test_a_site_named_whole_beats_a_town_spelt_alike(geocoder):
    r = geocoder.geocode("Erbil airport", region=("SY",))
    assert r.place_id == "site:erbil-airport" and r.kind == "airport"


def test_exact_at_home_beats_exact_abroad_and_misspellings_are_sought_at_home(geocoder):
    assert geocoder.geocode("Busayrah").country == "Syria"  # not Busayra in Jordan
    r = geocoder.geocode("Mayadinn")
    assert r.matched and r.place_id == "geonames:173480"


@pytest.mark.parametrize("mention", ["Ein Issa", "Ain Issa", "Ayn Issa", "عين عيسى"])
def test_the_spellings_of_ain_name_the_same_town(geocoder, mention):
    r = geocoder.geocode(mention)
    assert r.place_id == "geonames:172134" and r.reason.startswith("name match"), r.reason


# --- honest reasons ----------------------------------------------------------------------------
def test_an_unknown_name_is_no_candidate_not_outside_the_country(geocoder):
    assert geocoder.geocode("Xyzzyville", country="SY").reason == "no candidate in the gazetteer"
    r = geocoder.geocode("Abu Hamam", country="SY")  # a village cities500 does not hold
    assert not r.matched
    assert not r.reason.startswith(("outside", "ambiguous"))
    # Bochum shares only the three consonants of a root with it: not even a spelling like it.
    assert r.reason == "no candidate in the gazetteer", r.reason


@pytest.mark.parametrize("mention", ["حقل الورد", "Lafarge base", "Jafra oil field"])
def test_an_unknown_field_or_base_is_no_candidate_not_a_town_abroad_or_spelt_alike(
    geocoder, mention
):
    # al-Ward field, the Lafarge base and the Jafra field are not in the gazetteer; towns that
    # share or resemble their names (Verd in Slovenia, La Farge in the US, al-Haffah) are not them.
    r = geocoder.geocode(mention, country="SY")
    assert not r.matched
    assert r.reason.startswith("no candidate in the gazetteer: no "), r.reason


# --- the sites of the theatre ------------------------------------------------------------------
SITES = [
    ("Ain al-Asad air base", "site:ain-al-asad-airbase"),
    ("قاعدة عين الأسد", "site:ain-al-asad-airbase"),
    ("Harir base", "site:harir-airbase"),
    ("قاعدة حرير", "site:harir-airbase"),
    ("Erbil airport", "site:erbil-airport"),
    ("مطار أربيل", "site:erbil-airport"),
    ("Victory base", "site:victory-base"),
    ("قاعدة فكتوريا", "site:victory-base"),
    ("Baghdad International Airport", "site:baghdad-airport"),
    ("مطار بغداد الدولي", "site:baghdad-airport"),
    ("al-Qaim border crossing", "site:qaim-crossing"),
    ("معبر القائم", "site:qaim-crossing"),
    ("Tower 22", "site:tower-22"),
    ("البرج 22", "site:tower-22"),
    ("al-Tanf base", "site:tanf-garrison"),
    ("قاعدة التنف", "site:tanf-garrison"),
    ("al-Shaddadi base", "site:shaddadi-base"),
    ("قاعدة الشدادي", "site:shaddadi-base"),
    ("Kharab al-Jir", "site:kharab-al-jir"),
    ("قاعدة رميلان", "site:kharab-al-jir"),
    ("Rumeilan", "site:rmelan"),
    ("رميلان", "site:rmelan"),
    ("Mission Support Site Conoco", "site:conoco-gas-plant"),
    ("حقل كونيكو", "site:conoco-gas-plant"),
    ("al-Omar oil field", "site:omar-field"),
    ("حقل العمر", "site:omar-field"),
    ("Tabiyah", "site:tabiyah"),
    ("Green Village", "site:green-village"),
    ("القرية الخضراء", "site:green-village"),
    ("Tishreen dam", "site:tishrin-dam"),
    ("سد تشرين", "site:tishrin-dam"),
    ("Qamishli airport", "site:qamishli-airport"),
    ("مطار الحمدان", "site:hamdan-airbase"),
    ("Mosul Dam", "site:mosul-dam"),
    ("مخيم الهول", "site:hol-camp"),
]


@pytest.mark.parametrize(("mention", "site"), SITES)
def test_sites_of_the_theatre_are_found_in_both_scripts(geocoder, mention, site):
    r = geocoder.geocode(mention)
    assert r.matched and r.place_id == site, r.reason


def test_every_site_says_where_its_point_comes_from_and_has_an_arabic_name():
    sites = read_sites()
    assert all(p.coord_source for p in sites)
    theatre = [p for p in sites if p.country in ("SY", "IQ", "JO")]
    assert {p.country for p in theatre} == {"SY", "IQ", "JO"}
    assert all(p.name_ar for p in theatre)


# --- the list of real mentions -----------------------------------------------------------------
def load_theatre_mentions() -> list[dict[str, str]]:
    with THEATRE_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_list_of_real_mentions_is_large_sourced_and_in_both_scripts():
    rows = load_theatre_mentions()
    assert len(rows) >= 100
    assert sum(1 for r in rows if r["script"] == "ar") >= 30
    assert sum(1 for r in rows if r["script"] == "latin") >= 30
    assert all(r["seen_in"] and r["coord_source"] for r in rows)


def test_most_real_mentions_resolve_within_10_km(geocoder):
    rows = load_theatre_mentions()
    misses = []
    for row in rows:
        r = geocoder.geocode(row["mention"])
        lat, lon = float(row["expected_lat"]), float(row["expected_lon"])
        if not r.matched or km(r.latitude, r.longitude, lat, lon) > float(row["tolerance_km"]):
            misses.append(f"{row['mention']!r}: {r.reason}")
    # benchmarks/theatre_accuracy.py prints the figure; the floor keeps a regression visible.
    assert 1 - len(misses) / len(rows) >= 0.9, "\n".join(misses)


# --- every village: GeoNames country dumps -----------------------------------------------------
def test_geonames_dumps_named_in_the_setting_join_the_gazetteer(tmp_path, monkeypatch):
    from test_gazetteer import DUMP

    from geo.places.geocode import configured_dumps

    dump = tmp_path / "SY.txt"
    dump.write_text(DUMP + "\n", encoding="utf-8")
    monkeypatch.setenv("CONFLICTMAP_GEONAMES_DUMPS", str(dump))
    gaz = Gazetteer.load(
        sites=None, geonames=False, dumps=configured_dumps(), cache_dir=tmp_path / "cache"
    )
    r = Geocoder(gaz, region=("SY",)).geocode("قرية تجربة")
    assert r.matched and r.place_id == "geonames:9000001"


def test_a_dump_that_is_not_there_is_named(tmp_path, monkeypatch):
    from geo.places.geocode import configured_dumps

    monkeypatch.setenv("CONFLICTMAP_GEONAMES_DUMPS", str(tmp_path / "IQ.txt"))
    with pytest.raises(InputError, match=r"IQ\.txt"):
        configured_dumps()


# --- a wrong point is worse than none ----------------------------------------------------------
def test_three_latin_consonants_are_a_root_not_a_name(geocoder):
    # Karak and Kirkuk, Shurah and al-Asharah share k-r-k and sh-r and nothing else: a village
    # the gazetteer lacks is refused, not put on the city 800 km away.
    for mention in ("Karak", "Shurah", "Korin"):
        r = geocoder.geocode(mention, region=("SY", "IQ"))
        assert not r.matched, (mention, r.reason)
    # four consonants or more still carry a transliteration: Saraqab is Saraqib
    r = geocoder.geocode("Saraqab", region=("SY", "IQ"))
    assert r.matched and r.name_en == "Saraqib", r.reason


def test_a_village_abroad_is_not_what_a_bare_name_of_the_region_means():
    rihaniya = place("p:rihaniya", "Rihaniya", 33.05, 35.49, country="IL", population=1_200)
    coder = Geocoder(Gazetteer.from_places([rihaniya]), region=("SY", "IQ"))
    r = coder.geocode("Rihaniya")
    assert not r.matched
    assert r.reason.startswith(
        "no candidate in the region (Syria, Iraq); outside it, only Rihaniya"
    )
    assert "give the country" in r.reason
    # named with its country, it is found
    assert coder.geocode("Rihaniya", country="IL").place_id == "p:rihaniya"


def test_a_city_abroad_is_found_by_its_own_name_not_by_an_alternate_or_a_folded_spelling():
    medina = place(
        "p:medina", "Medina", 24.47, 39.61, "Yathrib", country="SA", population=1_300_000
    )
    man = place("p:man", "Man", 7.41, -7.55, country="CI", population=140_000)
    coder = Geocoder(Gazetteer.from_places([medina, man]), region=("SY", "IQ"))
    r = coder.geocode("Medina")
    assert r.place_id == "p:medina" and "outside the region (Syria, Iraq)" in r.reason
    assert not coder.geocode("Yathrib").matched  # Medina's old name, also a village's
    assert not coder.geocode("Maan").matched  # folds to Man, but is not how Man is written


def test_arabic_spellings_that_differ_in_their_long_vowels_are_different_names(geocoder):
    # «القورية» (al-Quriyah, on the Euphrates) and «قارة» (Qarah, in the Qalamoun) share q-r-h
    # once their long vowels are dropped: three letters are no transliteration of each other
    r = geocoder.geocode("القورية", region=("SY", "IQ"))
    assert r.matched and r.name_en == "al-Quriyah", r.reason
    assert km(r.latitude, r.longitude, 35.0025, 40.51167) < 2
    # «كونيكو» and «كونوكو» keep four letters apart from their vowels: still one field
    one, other = (geocoder.geocode(m, country="SY") for m in ("حقل كونيكو", "حقل كونوكو"))
    assert one.place_id == other.place_id == "site:conoco-gas-plant"


def test_a_name_far_from_the_town_its_mention_puts_it_in_is_coded_to_that_town():
    khan = place("p:khan", "Khirbat Khan", 34.70, 36.56, "Khan", country="SY")
    tarmiyah = place("p:tarmiyah", "At Tarmiyah", 33.67, 44.40, "Tarmiyah", country="IQ")
    coder = Geocoder(Gazetteer.from_places([khan, tarmiyah]), region=("SY", "IQ"))
    r = coder.geocode("the Khan area of Tarmiyah district", country="IQ")
    assert r.place_id == "p:tarmiyah" and r.geo_precision == 2
    assert "set aside" in r.reason and "Khirbat Khan" in r.reason
    # near the town that situates it, the named place stands
    near = place("p:khan2", "Khan Tarmiyah", 33.70, 44.42, "Khan", country="IQ")
    coder = Geocoder(Gazetteer.from_places([khan, tarmiyah, near]), region=("SY", "IQ"))
    assert coder.geocode("the Khan area of Tarmiyah district", country="IQ").place_id == "p:khan2"


def test_a_misspelling_keeps_the_consonants_of_the_name():
    zayta = place("p:zayta", "Kafr Zayta", 35.37, 36.60, country="SY")
    mayadin = place("p:mayadin", "Al Mayadin", 35.02, 40.45, "Mayadin", country="SY")
    coder = Geocoder(Gazetteer.from_places([zayta, mayadin]), region=("SY",))
    assert coder.geocode("Mayadinn").place_id == "p:mayadin"  # a letter too many
    # close in letters (ratio 88) but k-f-r-y is not k-f-r-z-t: another village, refused
    assert not coder.geocode("Kafraya").matched


def test_a_hyphenated_sub_district_is_the_area_of_its_seat(geocoder):
    r = geocoder.geocode("Sa’diya sub-district", country="IQ")
    assert r.matched and r.name_en == "al-Sadiyah" and r.geo_precision == 2, r.reason
