"""The places the store's own events name fill the gazetteer's gaps (geo.places.known)."""

from __future__ import annotations

import pandas as pd
from conftest import make_event
from test_geocode import km, place

from geo import schema as S
from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Geocoder
from geo.places.known import known_places

VILLAGE = {S.LOCATION: "Abu Hamam", S.LATITUDE: 34.86, S.LONGITUDE: 40.77, S.ADMIN1: "Deir-ez-Zor"}


def events(*rows: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame([make_event(**{S.EVENT_ID: f"K-{n}", **r}) for n, r in enumerate(rows)])
    return S.validate(frame)


def test_reviewed_events_coded_at_a_village_make_it_a_place():
    found = known_places(
        events(
            VILLAGE,
            {**VILLAGE, S.LATITUDE: 34.862, S.LONGITUDE: 40.772},
            {**VILLAGE, S.LOCATION: "Abu Hamam "},  # the same name, spelt with a trailing space
        )
    )
    assert len(found) == 1
    village = found[0]
    assert (village.name_en, village.country, village.source) == ("Abu Hamam", "SY", "store")
    assert km(village.latitude, village.longitude, 34.86, 40.77) < 0.5
    assert village.coord_source.startswith("the store: 3 events coded there at precision 1")


def test_drafts_and_events_near_or_around_a_place_teach_no_point():
    found = known_places(
        events(
            {**VILLAGE, S.STATUS: "draft", S.ORIGIN: "extracted"},
            {**VILLAGE, S.LOCATION: "Tall Ghazal", S.GEO_PRECISION: 2},
            {**VILLAGE, S.LOCATION: "Jazirat al-Buhmeid", S.GEO_PRECISION: 3},
            {**VILLAGE, S.LOCATION: "Rejected village", S.STATUS: "rejected"},
        )
    )
    assert found == []


def test_one_name_at_two_spots_far_apart_is_two_places():
    found = known_places(
        events(
            {**VILLAGE, S.LOCATION: "Tall Ghazal"},
            {**VILLAGE, S.LOCATION: "Tall Ghazal", S.LATITUDE: 36.40, S.LONGITUDE: 40.10},
        )
    )
    assert sorted((p.latitude, p.longitude) for p in found) == [(34.86, 40.77), (36.4, 40.1)]


def test_the_store_fills_what_the_gazetteer_lacks_and_never_overrides_it():
    mayadin = place("p:mayadin", "Mayadin", 35.02, 40.45, population=44_000)
    coder = Geocoder(Gazetteer.from_places([mayadin]), region=("SY", "IQ"))
    assert not coder.geocode("Abu Hamam").matched
    learnt = coder.with_known(
        known_places(events(VILLAGE, {**VILLAGE, S.LOCATION: "Mayadin", S.LATITUDE: 35.3}))
    )
    r = learnt.geocode("Abu Hamam")
    assert r.matched and r.geo_precision == 1 and km(r.latitude, r.longitude, 34.86, 40.77) < 1
    assert "the store: 1 event coded there" in r.reason and "not in the gazetteer" in r.reason
    # a town the gazetteer holds stays where the gazetteer has it, whatever an event says
    assert learnt.geocode("Mayadin").place_id == "p:mayadin"
    # the village situates a mention of it ("near Abu Hamam") as a gazetteer place would
    near = learnt.geocode("near Abu Hamam")
    assert near.matched and near.geo_precision == 2
