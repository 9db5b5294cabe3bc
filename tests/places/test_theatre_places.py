"""Towns and villages of the theatre (data/gazetteer/places_theatre.csv) resolve as towns."""

from __future__ import annotations

import pytest

from geo.duplicates import haversine_km
from geo.errors import ValidationError
from geo.places.gazetteer import PLACES_CSV, Gazetteer, read_places
from geo.places.geocode import Geocoder


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    """The default gazetteer (cities500, sites, places), from the session's cache."""
    return Geocoder(Gazetteer.load())


# (mention as an analyst types it, governorate, the point its source gives)
VILLAGES = [
    ("Abu Khashab", "Deir-ez-Zor", 35.93583, 40.03667),
    ("أبو خشب", "Deir-ez-Zor", 35.93583, 40.03667),
    ("as-Suwar", "Deir-ez-Zor", 35.5, 40.66667),
    ("الهول", "Al-Hasakeh", 36.39139, 41.15139),
    ("Khatuniyah", "Al-Hasakeh", 36.42278, 41.22),
    ("أبو حجيرة خواتنة", "Al-Hasakeh", 36.66667, 40.3425),
    ("al-Riqama", "Homs", 34.52139, 36.91361),
    ("al-Walid", "Anbar", 33.43333, 38.93333),
    ("Tell Shamiram", "Al-Hasakeh", 36.63917, 40.35722),
    ("Markada", "Al-Hasakeh", 35.75889, 40.76917),
    ("معدان", "Ar-Raqqa", 35.74806, 39.60694),
    ("Ayn Issa", "Ar-Raqqa", 36.38528, 38.85944),
    ("Arak", "Homs", 34.65, 38.56667),
    ("حمام العليل", "Ninewa", 36.15811, 43.25939),
    ("Jalawla", "Diyala", 34.27194, 45.16806),
    ("Ruwaished", "Mafraq", 32.50417, 38.20111),
]


@pytest.mark.parametrize(("mention", "admin1", "lat", "lon"), VILLAGES)
def test_village_of_the_theatre_resolves_where_its_source_puts_it(
    geocoder: Geocoder, mention: str, admin1: str, lat: float, lon: float
) -> None:
    result = geocoder.geocode(mention)
    assert result.matched, result.reason
    assert haversine_km(result.longitude, result.latitude, lon, lat) < 10
    assert result.kind == "town"


def test_every_row_is_a_town_with_its_source() -> None:
    places = read_places(PLACES_CSV)
    assert places
    for p in places:
        assert p.kind == "town" and p.source == "place"
        assert p.coord_source
        assert p.place_id.startswith("place:")


def test_a_bad_population_is_named_by_row_and_column(tmp_path) -> None:
    lines = PLACES_CSV.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    pop = header.split(",").index("population")
    first[pop] = "many"
    bad = tmp_path / "places.csv"
    bad.write_text("\n".join([header, ",".join(first)]) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_places(bad)
    assert "population" in str(err.value) and "2" in str(err.value)
