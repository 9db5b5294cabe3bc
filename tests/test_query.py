"""Filters: each field narrows the events the way an analyst expects."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import make_event

from geo import schema as S
from geo.query import EventIndex, Filters, apply, mask
from geo.synthetic import synthetic_events


@pytest.fixture
def events() -> pd.DataFrame:
    rows = [
        make_event(event_id="omar", event_date="2022-10-22", event_date_end="2022-10-23",
                   location="Al-Omar oil field", latitude=35.15167, longitude=40.57583,
                   actor1="Unidentified Armed Group (Syria)", inter1="Political militia",
                   actor2="Military Forces of the United States (2021-)",
                   inter2="External/Other forces", source="Furat Post; Syria TV"),
        make_event(event_id="mayadin", event_date="2022-10-23", sub_event_type="Air/drone strike",
                   actor1="Global Coalition Against Daesh", inter1="External/Other forces",
                   actor2="Militia (Pro-Iran)", inter2="Political militia",
                   assoc_actor_2="Hezbollah", fatalities=3, admin2="Al Mayadin",
                   notes="Strike on a militia depot", source="North Press"),
        make_event(event_id="idlib", event_date="2022-11-05", event_type="Battles",
                   sub_event_type="Armed clash", country="Syria", admin1="Idleb",
                   location="Sarmin", latitude=35.9, longitude=36.72, geo_precision=2,
                   status="draft", origin="extracted", evidence="اشتباكات في سرمين"),
    ]  # fmt: skip
    return S.validate(pd.DataFrame(rows))


def ids(frame: pd.DataFrame) -> list[str]:
    return sorted(frame[S.EVENT_ID])


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(), ["idlib", "mayadin", "omar"]),
        (Filters(date_from=date(2022, 10, 23), date_to=date(2022, 10, 31)), ["mayadin", "omar"]),
        (Filters(date_to=date(2022, 10, 22)), ["omar"]),
        (Filters(actors=("Militia (Pro-Iran)",)), ["mayadin"]),
        (Filters(actors=("Hezbollah",)), ["mayadin"]),  # an associated actor counts
        (Filters(actor_types=("External/Other forces",)), ["mayadin", "omar"]),
        (Filters(event_types=("Battles",)), ["idlib"]),
        (Filters(sub_event_types=("Air/drone strike",)), ["mayadin"]),
        (Filters(admin1=("Idleb",)), ["idlib"]),
        (Filters(admin2=("Al Mayadin",)), ["mayadin"]),
        (Filters(min_fatalities=1), ["mayadin"]),
        (Filters(sources=("Syria TV",)), ["omar"]),
        (Filters(geo_precision=(2,)), ["idlib"]),
        (Filters(statuses=("draft",)), ["idlib"]),
        (Filters(text="DEPOT"), ["mayadin"]),
        (Filters(text="سرمين"), ["idlib"]),
        (Filters(bbox=(40.0, 34.5, 41.0, 35.5)), ["mayadin", "omar"]),
        (Filters(area_wkt="POLYGON((40.5 35.1, 40.7 35.1, 40.7 35.2, 40.5 35.2, 40.5 35.1))"),
         ["omar"]),
    ],
)  # fmt: skip
def test_each_filter_narrows_the_events(
    events: pd.DataFrame, filters: Filters, expected: list[str]
) -> None:
    assert ids(apply(events, filters)) == expected
    assert ids(EventIndex(events).apply(filters)) == expected


def test_the_index_keeps_exactly_what_a_scan_keeps() -> None:
    events = synthetic_events(3000, seed=5)
    rng = np.random.default_rng(5)
    # Spans of up to three weeks, undated events, and associated actors, as real imports have.
    span = pd.to_timedelta(rng.integers(0, 21, len(events)), unit="D")
    events[S.EVENT_DATE_END] = (events[S.EVENT_DATE] + span).where(rng.random(len(events)) < 0.2)
    events.loc[rng.random(len(events)) < 0.02, S.EVENT_DATE] = pd.NaT
    events.loc[rng.random(len(events)) < 0.1, S.ASSOC_ACTOR_2] = "Hezbollah; Kataib Hezbollah"
    index = EventIndex(events)
    cases = [
        Filters(date_from=date(2017, 3, 1)),
        Filters(date_to=date(2016, 1, 10)),
        Filters(date_from=date(2018, 5, 1), date_to=date(2018, 5, 20)),
        Filters(actors=("Hezbollah", "Military Forces of Syria (2000-)")),
        Filters(actors=("hezbollah",), event_types=("Battles", "Protests")),
        Filters(sources=("sana",), countries=("Syria",), min_fatalities=1),
        Filters(text="aleppo", geo_precision=(1, 2), bbox=(35.5, 32.0, 42.5, 37.5)),
    ]
    for filters in cases:
        scanned = mask(events, filters)
        assert 0 < scanned.sum() < len(events), filters  # each case really narrows
        assert (index.mask(filters) == scanned).all(), filters


def test_filters_combine_with_and(events: pd.DataFrame) -> None:
    both = Filters(date_from=date(2022, 10, 23), actor_types=("Political militia",))
    assert ids(apply(events, both)) == ["mayadin", "omar"]
    assert ids(apply(events, both.with_(min_fatalities=1))) == ["mayadin"]


def test_the_description_names_what_was_filtered() -> None:
    filters = Filters(date_from=date(2022, 10, 1), date_to=date(2022, 10, 31),
                      event_types=("Battles",))  # fmt: skip
    assert filters.describe() == "2022-10-01_2022-10-31_battles"
    assert Filters().describe() == "all"
