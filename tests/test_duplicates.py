"""Probable duplicates: the same strike from two outlets or two datasets, and only that."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from conftest import make_event
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import duplicates
from geo import schema as S

MAYADIN = (35.01982, 40.45154)
KM_NORTH = 1 / 111.195  # one kilometre of latitude, in degrees


def events(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return S.validate(frame)


def strike(event_id: str, **changes: object) -> dict:
    return make_event(event_id=event_id, **changes)


def pairs_of(frame: pd.DataFrame) -> set[tuple[str, str]]:
    found = duplicates.find(frame)
    return set(zip(found["event_id_a"], found["event_id_b"], strict=True))


def test_one_strike_from_two_outlets_is_flagged() -> None:
    frame = events(
        strike("A", source="Furat Post"),
        strike("B", source="North Press", latitude=MAYADIN[0] + 3 * KM_NORTH),
    )
    assert pairs_of(frame) == {("A", "B")}


def test_eleven_kilometres_apart_is_not_the_same_strike() -> None:
    frame = events(
        strike("A", source="Furat Post"),
        strike("B", source="North Press", latitude=MAYADIN[0] + 11 * KM_NORTH),
    )
    assert pairs_of(frame) == set()


def test_another_day_type_or_set_of_actors_is_another_event() -> None:
    frame = events(
        strike("A", source="Furat Post"),
        strike("B", source="North Press", event_date="2022-10-23"),
        strike("C", source="North Press", sub_event_type="Air/drone strike"),
        strike(
            "D",
            source="North Press",
            actor1="Islamic State (Syria)",
            inter1="Rebel group",
            actor2=None,
            inter2=None,
        ),
    )
    assert pairs_of(frame) == set()


def test_the_same_outlet_twice_is_two_events() -> None:
    frame = events(strike("A", source="Furat Post"), strike("B", source="furat post"))
    assert pairs_of(frame) == set()


def test_two_acled_events_are_never_paired() -> None:
    frame = events(
        strike("SYR1", origin="acled", source="Outlet A"),
        strike("SYR2", origin="acled", source="Outlet B"),
    )
    assert pairs_of(frame) == set()


def test_acled_and_ucdp_name_the_same_state_forces_differently() -> None:
    frame = events(
        strike(
            "SYR1",
            origin="acled",
            sub_event_type="Armed clash",
            event_type="Battles",
            actor1="Military Forces of Syria (2000-)",
        ),
        strike(
            "UCDP-1",
            origin="ucdp",
            sub_event_type="Armed clash",
            event_type="Battles",
            actor1="Government of Syria",
            actor2="Syrian insurgents",
            inter2="Rebel group",
        ),
    )
    found = duplicates.find(frame)
    assert list(found["shared_actors"]) == ["state:SYR"]


def test_actor_names_differ_by_their_qualifier_not_by_their_years() -> None:
    assert duplicates.actor_key("Military Forces of Syria (2000-)") == "state:SYR"
    assert duplicates.actor_key("Military Forces of the United States (2021-)") == (
        duplicates.actor_key("Government of United States of America")
    )
    assert duplicates.actor_key("Militia (Pro-Iran)") != duplicates.actor_key(
        "Militia (Pro-Government)"
    )
    assert duplicates.actor_key("QSD: Syrian Democratic Forces") == "qsd: syrian democratic forces"


def test_a_span_overlapping_the_day_is_flagged() -> None:
    frame = events(
        strike("A", source="Furat Post", event_date="2022-10-22"),
        strike(
            "B",
            source="North Press",
            event_date="2022-10-20",
            event_date_end="2022-10-24",
            time_precision=2,
        ),
    )
    assert pairs_of(frame) == {("A", "B")}


def test_merge_keeps_every_source_and_marks_the_others() -> None:
    frame = events(
        strike("A", source="Furat Post", source_url="https://furat.example/1"),
        strike(
            "B",
            source="North Press",
            source_url="https://npa.example/2",
            origin="extracted",
            status="draft",
        ),
        strike("C", source="SOHR", longitude=MAYADIN[1] + 0.01),
    )
    merged = duplicates.merge(frame, duplicates.find(frame)).set_index(S.EVENT_ID)
    kept = merged.loc["A"]  # reviewed and hand-coded comes first
    assert kept[S.SOURCE].split("; ")[0] == "Furat Post"  # the kept event's own outlet first
    assert set(kept[S.SOURCE].split("; ")) == {"Furat Post", "North Press", "SOHR"}
    assert set(kept[S.SOURCE_URL].split()) == {"https://furat.example/1", "https://npa.example/2"}
    assert "merged B" in kept[S.TAGS] and "merged C" in kept[S.TAGS]
    assert kept[S.STATUS] == "reviewed" and kept[S.FATALITIES] == frame[S.FATALITIES].iloc[0]
    assert list(merged.loc[["B", "C"], S.STATUS]) == ["rejected", "rejected"]
    assert "duplicate of A" in merged.loc["B", S.TAGS]


# --- the indexed search finds exactly what comparing every pair finds ----------------------------
def brute_force(frame: pd.DataFrame) -> set[tuple[str, str]]:
    found = set()
    rows = frame.to_dict("records")
    for a, b in itertools.combinations(rows, 2):
        a_end = a[S.EVENT_DATE_END] if pd.notna(a[S.EVENT_DATE_END]) else a[S.EVENT_DATE]
        b_end = b[S.EVENT_DATE_END] if pd.notna(b[S.EVENT_DATE_END]) else b[S.EVENT_DATE]
        distance = duplicates.haversine_km(
            np.array([a[S.LONGITUDE]]),
            np.array([a[S.LATITUDE]]),
            np.array([b[S.LONGITUDE]]),
            np.array([b[S.LATITUDE]]),
        )[0]
        if (
            a[S.EVENT_DATE] <= b_end
            and b[S.EVENT_DATE] <= a_end
            and distance <= duplicates.RADIUS_KM
            and a[S.SUB_EVENT_TYPE] == b[S.SUB_EVENT_TYPE]
            and a[S.SOURCE] != b[S.SOURCE]
            and duplicates.actor_keys(a) & duplicates.actor_keys(b)
        ):
            found.add(tuple(sorted((a[S.EVENT_ID], b[S.EVENT_ID]))))
    return found


event_rows = st.lists(
    st.fixed_dictionaries(
        {
            "day": st.integers(0, 4),
            "span": st.integers(0, 3),
            "north_km": st.floats(-15, 15),
            "east_km": st.floats(-15, 15),
            "sub": st.sampled_from(["Shelling/artillery/missile attack", "Air/drone strike"]),
            "actor": st.sampled_from(
                ["Military Forces of Syria (2000-)", "Government of Syria", "Islamic State (Syria)"]
            ),
            "source": st.sampled_from(["Furat Post", "North Press", "SOHR"]),
        }
    ),
    max_size=12,
)


@settings(max_examples=25, deadline=None)
@given(rows=event_rows)
def test_the_indexed_search_equals_comparing_every_pair(rows: list[dict]) -> None:
    start = pd.Timestamp("2022-10-18")
    frame = (
        events(
            *(
                strike(
                    f"E{i}",
                    event_date=(start + pd.Timedelta(days=r["day"])).date().isoformat(),
                    event_date_end=(start + pd.Timedelta(days=r["day"] + r["span"]))
                    .date()
                    .isoformat()
                    if r["span"]
                    else None,
                    time_precision=2 if r["span"] else 1,
                    latitude=MAYADIN[0] + r["north_km"] * KM_NORTH,
                    longitude=MAYADIN[1] + r["east_km"] * KM_NORTH / np.cos(np.radians(MAYADIN[0])),
                    sub_event_type=r["sub"],
                    event_type="Explosions/Remote violence",
                    actor1=r["actor"],
                    actor2=None,
                    inter2=None,
                    source=r["source"],
                )
                for i, r in enumerate(rows)
            )
        )
        if rows
        else S.empty_frame()
    )
    found = {tuple(sorted(p)) for p in pairs_of(frame)}
    assert found == brute_force(frame)
