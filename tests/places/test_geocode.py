"""The geocoder: mentions in Arabic and English to places, precision, admin areas and reasons."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from conftest import ROOT

from geo.places.gazetteer import Gazetteer, Place
from geo.places.geocode import Geocoder, fill_coordinates, geocode, split_mention

MENTIONS_CSV = ROOT / "tests" / "data" / "geocode_mentions.csv"
ACCURACY_FLOOR = 0.95


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@pytest.fixture(scope="session")
def geocoder() -> Geocoder:
    """The full gazetteer (cities500 + sites), from the session's cache (tests/conftest.py)."""
    return Geocoder(Gazetteer.load())


def place(ident: str, name_en: str, lat: float, lon: float, *names: str, **kw) -> Place:
    return Place(
        place_id=ident,
        name_en=name_en,
        name_ar=kw.get("name_ar", ""),
        kind=kw.get("kind", "town"),
        latitude=lat,
        longitude=lon,
        country=kw.get("country", "SY"),
        admin1=kw.get("admin1", ""),
        admin2="",
        population=kw.get("population", -1),
        source=kw.get("source", "geonames-cities500"),
        coord_source="test",
        names=(name_en, *names),
    )


# --- the labelled list -------------------------------------------------------------------------
def load_mentions() -> list[dict[str, str]]:
    with MENTIONS_CSV.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def judge(geocoder: Geocoder, row: dict[str, str]) -> str | None:
    """None when the geocoder answers as labelled, else what went wrong."""
    near = None
    if row["near"]:
        near = [tuple(float(x) for x in p.split()) for p in row["near"].split(";")]
    r = geocoder.geocode(row["mention"], country=row["country"] or None, near=near)
    if row["expected_place"] == "none":
        if r.matched:
            return f"expected no match, got {r.place_id} ({r.name_en}): {r.reason}"
        return None
    if not r.matched:
        return f"no match: {r.reason}"
    assert r.latitude is not None and r.longitude is not None
    d = km(r.latitude, r.longitude, float(row["expected_lat"]), float(row["expected_lon"]))
    if d > float(row["tolerance_km"]):
        return f"{r.place_id} ({r.name_en}) is {d:.1f} km from the reference point"
    if row["expected_precision"] and int(row["expected_precision"]) != r.geo_precision:
        return f"precision {r.geo_precision}, expected {row['expected_precision']}: {r.reason}"
    return None


def test_labelled_list_is_large_and_varied():
    rows = load_mentions()
    assert len(rows) >= 80
    assert sum(1 for r in rows if any("\u0600" <= ch <= "\u06ff" for ch in r["mention"])) >= 30
    assert sum(1 for r in rows if r["expected_place"] == "none") >= 3


def test_accuracy_on_the_labelled_list(geocoder, capsys):
    rows = load_mentions()
    failures = []
    for row in rows:
        problem = judge(geocoder, row)
        if problem:
            failures.append(f"{row['mention']!r} [{row['country'] or '-'}]: {problem}")
    accuracy = 1 - len(failures) / len(rows)
    with capsys.disabled():
        print(f"\ngeocode accuracy: {accuracy:.3f} on {len(rows)} labelled mentions")
        for line in failures:
            print("  FAIL", line)
    assert accuracy >= ACCURACY_FLOOR, "\n".join(failures)


# Reference points of the founding report's places (Wikipedia, GeoNames).
FOUNDING = [
    ("حقل العمر", "al-Omar oil field", 35.15167, 40.57583),
    ("حقل كونيكو", "Conoco gas field", 35.33611, 40.30944),
    ("الميادين", "Mayadin", 35.0208, 40.4533),
    ("الجلاء", "al-Jalaa", 34.63346, 40.84054),
    ("البوكمال", "Albukamal", 34.45226, 40.91854),
    ("دير الزور", "Deir ez-Zor", 35.336, 40.145),
]


@pytest.mark.parametrize(("arabic", "english", "lat", "lon"), FOUNDING)
def test_founding_report_places_resolve_within_5_km(geocoder, arabic, english, lat, lon):
    for mention in (arabic, english):
        r = geocoder.geocode(mention, country="SY")
        assert r.matched, f"{mention}: {r.reason}"
        assert km(r.latitude, r.longitude, lat, lon) <= 5.0, f"{mention}: {r.place_id}"


# --- what a result says ------------------------------------------------------------------------
def test_founding_report_phrase_gives_precision_2_and_admin_areas(geocoder):
    r = geocoder.geocode("بادية بلدة الجلاء بريف البوكمال", country="SY")
    assert r.matched and r.place_id == "geonames:166597"
    assert r.geo_precision == 2
    assert r.country == "Syria" and r.iso == 760
    assert r.admin1 == "Deir-ez-Zor"
    assert r.name_ar == "الجلاء"
    assert "precision 2" in r.reason


def test_governorate_countryside_gives_precision_3(geocoder):
    r = geocoder.geocode("ريف دير الزور", country="Syria")
    assert r.matched and r.geo_precision == 3
    assert r.kind == "governorate"
    city = geocoder.geocode("دير الزور", country="SYR")
    assert city.geo_precision == 1 and city.kind == "town"


def test_a_place_abroad_is_refused_with_the_reports_country(geocoder):
    r = geocoder.geocode("al-Qaim", country="SY")
    assert not r.matched
    assert r.reason.startswith("outside Syria, the report's country")
    assert "Iraq" in r.reason
    assert any(c.country == "IQ" for c in r.candidates)


def test_ambiguous_names_list_their_candidates(geocoder):
    r = geocoder.geocode("Hajin", region=())  # no theatre: Syria and Turkey alike
    assert not r.matched
    assert r.reason.startswith("ambiguous between")
    assert "Syria" in r.reason and "Turkey" in r.reason
    assert {c.country for c in r.candidates} >= {"SY", "TR"}


def test_nearby_places_of_the_report_resolve_an_ambiguous_name(geocoder):
    mayadin = (35.0208, 40.4533)
    r = geocoder.geocode("Hajin", near=[mayadin], region=())
    assert r.matched and r.country == "Syria"
    assert "proximity" in r.reason


def test_unknown_places_and_countries_are_said_plainly(geocoder):
    assert geocoder.geocode("Xyzzyville", country="SY").reason == "no candidate in the gazetteer"
    r = geocoder.geocode("Mayadin", country="Narnia")
    assert not r.matched and "unknown country 'Narnia'" in r.reason
    assert geocoder.geocode("  ").reason == "empty mention"


def test_kind_words_choose_the_site_over_the_town(geocoder):
    dam = geocoder.geocode("Tabqa Dam", country="SY")
    town = geocoder.geocode("Tabqa", country="SY")
    assert dam.kind == "dam" and town.kind == "town"
    assert dam.place_id != town.place_id


def test_an_unknown_field_named_after_a_town_is_coded_near_the_town(geocoder):
    r = geocoder.geocode("حقل الميادين", country="SY")
    assert r.matched and r.place_id == "geonames:173480"
    assert r.geo_precision == 2
    assert "coded near the town" in r.reason


def test_an_unknown_village_in_a_known_area_falls_back_to_the_area(geocoder):
    r = geocoder.geocode("قرية المختارة بريف البوكمال", country="SY")
    assert r.matched and r.place_id == "geonames:174448"
    assert r.geo_precision == 2
    assert r.score < 0.6
    assert "not in the gazetteer" in r.reason


def test_module_level_geocode_accepts_a_gazetteer():
    gaz = Gazetteer.from_places([place("site:x", "Tajriba", 35.0, 40.0, "تجربة")])
    r = geocode("قرب تجربة", gazetteer=gaz)
    assert r.matched and r.place_id == "site:x" and r.geo_precision == 2


# --- decisions on a small gazetteer ------------------------------------------------------------
def test_misspelling_is_accepted_only_with_a_clear_lead():
    gaz = Gazetteer.from_places(
        [
            place("p:1", "Abu Hammam", 34.8, 40.7),
            place("p:2", "Abu Hamman", 34.1, 39.0),
            place("p:3", "Gharanij", 34.78, 40.73),
        ]
    )
    coder = Geocoder(gaz)
    clear = coder.geocode("Gharanijj")  # doubled letter folds away: exact
    assert clear.matched and clear.place_id == "p:3"
    fuzzy = coder.geocode("Gharamij")
    assert fuzzy.matched and fuzzy.place_id == "p:3" and fuzzy.score < 0.9
    assert "close spelling" in fuzzy.reason
    torn = coder.geocode("Abu Hammab")  # as close to p:1 as to p:2
    assert not torn.matched and torn.reason.startswith("ambiguous between")


def test_population_decides_for_a_large_town_only():
    big = place("p:1", "Tell Town", 36.0, 38.0, population=200_000)
    small = place("p:2", "Tell Town", 33.0, 36.0, population=900)
    unknown = place("p:3", "Tell Town", 34.0, 41.0, population=0)
    assert Geocoder(Gazetteer.from_places([big, small])).geocode("Tell Town").place_id == "p:1"
    # A town of 200,000 is the one meant over a place too small to have been counted ...
    r = Geocoder(Gazetteer.from_places([big, small, unknown])).geocode("Tell Town")
    assert r.matched and r.place_id == "p:1" and "population" in r.reason
    # ... but a village of 900 is not: the uncounted one could be the place meant.
    r = Geocoder(Gazetteer.from_places([small, unknown])).geocode("Tell Town")
    assert not r.matched and r.reason.startswith("ambiguous between")


def test_split_mention_reads_clitics_and_context():
    segments = split_mention("بادية بلدة الجلاء بريف البوكمال")
    assert len(segments) == 2
    assert [c for _, c in segments[0].before] == ["region_part", "type"]
    assert [c for _, c in segments[1].before] == ["region_part"]
    english = split_mention("near al-Jalaa in the Albukamal countryside")
    assert len(english) == 2
    assert [c for _, c in english[1].after] == ["region_part"]


# --- geocoding imported rows -------------------------------------------------------------------
def test_fill_coordinates_geocodes_rows_without_coordinates(geocoder):
    frame = pd.DataFrame(
        {
            "location": ["Mayadin", "Xyzzyville", "Aleppo", None],
            "country": ["Syria", "Syria", "Syria", "Syria"],
            "latitude": [None, None, 36.0, None],
            "longitude": [None, None, 37.0, None],
            "admin1": [None, None, "Kept", None],
        }
    )
    out, problems = fill_coordinates(frame, geocoder=geocoder)
    assert out.loc[0, "place_id"] == "geonames:173480"
    assert km(out.loc[0, "latitude"], out.loc[0, "longitude"], 35.0208, 40.4533) < 5
    assert out.loc[0, "geo_precision"] == 1
    assert out.loc[0, "admin1"] == "Deir-ez-Zor"
    assert (out.loc[2, "latitude"], out.loc[2, "longitude"]) == (36.0, 37.0)  # left as it was
    assert out.loc[2, "admin1"] == "Kept"
    assert pd.isna(out.loc[1, "latitude"])
    assert [str(p) for p in problems] == [
        "row 1, column location: 'Xyzzyville' - no candidate in the gazetteer"
    ]
    assert frame.loc[0, "latitude"] is None or pd.isna(frame.loc[0, "latitude"])  # input intact


# --- the command line --------------------------------------------------------------------------
def test_cli_geocode_prints_the_match_and_the_reason(geocoder, monkeypatch, capsys):
    import geo.places.geocode
    from geo.cli.main import main

    monkeypatch.setattr(geo.places.geocode, "default_geocoder", lambda: geocoder)
    assert main(["geocode", "بادية بلدة الجلاء", "--country", "SY"]) == 0
    out = capsys.readouterr().out
    assert "Al Jala’" in out and "geo_precision 2" in out and "34.63346, 40.84054" in out
    # Outside the region, the town whose own name is Hajin, not Saimbeyli in Turkey, which
    # was once called so.
    assert main(["geocode", "Hajin", "--region", "FR"]) == 0
    out = capsys.readouterr().out
    assert "-> Hajin (" in out and "outside the region (France)" in out
    assert main(["geocode", "Hajin", "--near", "35.02,40.45"]) == 0
    assert "-> Hajin (" in capsys.readouterr().out


def test_geonames_towns_are_named_without_accents_and_found_with_them(geocoder):
    for mention in ("Ālbū Kamāl", "Albukamal", "البوكمال"):
        result = geocoder.geocode(mention, country="SY")
        assert (result.matched, result.name_en) == (True, "Albu Kamal"), mention


def test_generic_words_alone_name_no_place(geocoder):
    for mention in ("the area", "the city", "المدينة", "المنطقة"):
        assert not geocoder.geocode(mention, country="SY").matched, mention
    desert = geocoder.geocode("البادية", country="SY")
    assert desert.matched and desert.kind == "region" and desert.geo_precision == 3


def test_one_report_searches_a_misspelling_once_and_nothing_outlives_it(geocoder, monkeypatch):
    from geo.places import geocode as G

    searched = []
    real = G.Geocoder._fuzzy_search
    monkeypatch.setattr(
        G.Geocoder, "_fuzzy_search", lambda self, *a: searched.append(a) or real(self, *a)
    )
    with G.same_report():
        first = geocoder.geocode("Mayadinx", country="SY")
        again = geocoder.geocode("Mayadinx", country="SY")
    assert first == again and first.reason.startswith("close spelling with Al Mayadin")
    assert len(searched) == 1
    geocoder.geocode("Mayadinx", country="SY")  # another report: searched afresh
    assert len(searched) == 2
