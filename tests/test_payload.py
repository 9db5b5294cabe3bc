"""The map's points: every located event once, in a few bytes, and a filter as a small bitset."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import make_event

from geo import payload
from geo import schema as S
from geo.query import EventIndex, Filters
from geo.synthetic import synthetic_events


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    return synthetic_events(20_000, seed=5)


def test_every_located_event_comes_back_where_it_was_with_its_type_and_size() -> None:
    rows = [
        make_event(event_id="a", latitude=35.01982, longitude=40.45154, fatalities=0),
        make_event(
            event_id="b",
            latitude=34.4506,
            longitude=40.9171,
            fatalities=12,
            event_type="Battles",
            sub_event_type="Armed clash",
        ),
        make_event(event_id="draft", latitude=None, longitude=None),
        make_event(event_id="c", latitude=-33.9, longitude=-70.6, fatalities=250, country="Chile"),
    ]
    events = S.validate(pd.DataFrame(rows), require_coordinates=False)
    points = payload.encode_points(events)
    back = payload.decode_points(points.data)
    assert back["header"]["n"] == len(points) == 3, "the draft without coordinates is left out"
    ids = events[S.EVENT_ID].to_numpy()[points.order]
    assert sorted(ids) == ["a", "b", "c"]
    by_id = dict(zip(ids, range(3), strict=True))
    b = by_id["b"]
    assert back["lat"][b] == pytest.approx(34.4506, abs=1e-6)
    assert back["lon"][b] == pytest.approx(40.9171, abs=1e-6)
    assert back["header"]["types"][back["types"][b]] == "Battles"
    assert [back["sizes"][by_id[i]] for i in "abc"] == [0, 2, 3]
    assert back["lon"][by_id["c"]] == pytest.approx(-70.6, abs=1e-6)


def test_a_type_outside_the_taxonomy_is_other() -> None:
    events = pd.DataFrame([make_event(event_type="Something new")])
    back = payload.decode_points(payload.encode_points(events).data)
    assert back["header"]["types"][back["types"][0]] == "Other"


def test_a_million_events_would_take_ten_bytes_each(many: pd.DataFrame) -> None:
    points = payload.encode_points(many, EventIndex(many))
    assert len(points.data) < 10 * len(many) + 400


def test_the_bitset_keeps_exactly_what_the_filter_keeps(many: pd.DataFrame) -> None:
    index = EventIndex(many)
    points = payload.encode_points(many, index)
    for filters in (
        Filters(),
        Filters(event_types=("Battles",)),
        Filters(actors=("Hezbollah",), date_from=date(2016, 1, 1)),
        Filters(event_types=("Riots",), date_from=date(2020, 3, 1), date_to=date(2020, 3, 31)),
    ):
        keep = index.mask(filters)
        shown = payload.decode_keep(payload.encode_keep(points, keep), len(points))
        kept_ids = set(many[S.EVENT_ID].to_numpy()[points.order[shown]])
        assert kept_ids == set(index.apply(filters)[S.EVENT_ID])


def test_a_type_and_a_month_send_a_few_bytes_however_many_events(many: pd.DataFrame) -> None:
    index = EventIndex(many)
    points = payload.encode_points(many, index)
    keep = index.mask(
        Filters(event_types=("Battles",), date_from=date(2020, 3, 1), date_to=date(2020, 3, 31))
    )
    assert keep.sum() > 0 and len(payload.encode_keep(points, keep)) < 200


def test_same_events_same_token_other_events_other_token(many: pd.DataFrame) -> None:
    first = payload.encode_points(many)
    assert payload.encode_points(many.copy()).token == first.token
    changed = many.copy()
    changed.loc[changed.index[0], S.LATITUDE] += 0.01
    assert payload.encode_points(changed).token != first.token


def test_something_else_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="CMP1"):
        payload.decode_points(b"GIF89a....")
    assert np.array_equal(
        payload.size_classes(np.array([0, 1, 9, 10, 99, 100])), [0, 1, 1, 2, 2, 3]
    )
