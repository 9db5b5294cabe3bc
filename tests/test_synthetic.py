"""Synthetic events: valid, repeatable, and shaped like a real conflict dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo import schema as S
from geo.synthetic import DIRECTED_SUB_EVENTS, EVENT_TYPE_SHARES, synthetic_events


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return synthetic_events(20_000, seed=11)


def test_synthetic_events_pass_validation_unchanged(events: pd.DataFrame) -> None:
    checked = S.validate(events.drop(columns=S.GEOMETRY))
    pd.testing.assert_frame_equal(
        pd.DataFrame(checked.drop(columns=S.GEOMETRY)),
        pd.DataFrame(events.drop(columns=S.GEOMETRY)),
    )
    assert checked.geometry.equals(events.geometry)


def test_the_same_seed_gives_the_same_events() -> None:
    first = synthetic_events(500, seed=3)
    pd.testing.assert_frame_equal(first, synthetic_events(500, seed=3))
    other = synthetic_events(500, seed=4)
    assert not first[S.LATITUDE].equals(other[S.LATITUDE])


def test_events_pile_up_on_towns(events: pd.DataFrame) -> None:
    per_place = events.groupby([S.LATITUDE, S.LONGITUDE]).size().sort_values(ascending=False)
    assert len(per_place) < len(events) / 2  # many events share their town's coordinates
    busiest = per_place.iloc[: max(len(per_place) // 20, 1)].sum()
    assert busiest > 0.3 * len(events)  # the busiest 5% of places hold a large share


def test_about_fifty_actors_with_a_long_tail(events: pd.DataFrame) -> None:
    counts = pd.concat([events[S.ACTOR1], events[S.ACTOR2]]).value_counts()
    assert 40 <= len(counts) <= 60
    assert counts.iloc[0] > 10 * counts.iloc[len(counts) // 2 :].median()


def test_event_types_follow_acleds_mix(events: pd.DataFrame) -> None:
    shares = events[S.EVENT_TYPE].value_counts(normalize=True)
    for event_type, expected in EVENT_TYPE_SHARES.items():
        assert shares[event_type] == pytest.approx(expected, abs=0.02)


def test_ten_years_of_days() -> None:
    events = synthetic_events(5_000, seed=2, start="2012-01-01", years=10)
    dates = events[S.EVENT_DATE]
    assert dates.min() >= pd.Timestamp("2012-01-01")
    assert dates.max() < pd.Timestamp("2022-01-01")
    assert (dates.max() - dates.min()).days > 9 * 365
    per_year = dates.dt.year.value_counts()
    assert len(per_year) == 10 and per_year.max() > 1.5 * per_year.min()  # surges and lulls


def test_directed_events_come_from_a_nearby_town(events: pd.DataFrame) -> None:
    directed = events.loc[events[S.ORIGIN_LATITUDE].notna()]
    assert 0.02 * len(events) < len(directed) < 0.3 * len(events)
    assert directed[S.SUB_EVENT_TYPE].isin(DIRECTED_SUB_EVENTS).all()
    assert directed[S.ORIGIN_LOCATION].notna().all()
    offset = np.hypot(
        directed[S.ORIGIN_LATITUDE] - directed[S.LATITUDE],
        directed[S.ORIGIN_LONGITUDE] - directed[S.LONGITUDE],
    )
    assert (offset > 0).mean() > 0.9 and offset.median() < 1.0  # elsewhere, but nearby


def test_countries_can_be_chosen() -> None:
    events = synthetic_events(1_000, seed=1, countries=("SY",))
    assert set(events[S.COUNTRY]) == {"Syria"}
    assert set(events[S.ISO]) == {760}
