"""Shareable views: filters and map view survive a trip through the URL."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.mapview import View
from dashboard.urlstate import decode, encode, write
from geo.query import Filters

EVERY_FILTER = Filters(
    date_from=date(2022, 10, 1),
    date_to=date(2022, 10, 31),
    actors=("Militia (Pro-Iran)", "Military Forces of Iran (1989-), IRGC"),
    actor_types=("Political militia",),
    event_types=("Explosions/Remote violence",),
    sub_event_types=("Air/drone strike", "Shelling/artillery/missile attack"),
    countries=("Syria",),
    admin1=("Deir ez-Zor",),
    admin2=("Al Mayadin", "Abu Kamal"),
    min_fatalities=2,
    sources=("North Press",),
    geo_precision=(1, 2),
    statuses=("reviewed",),
    text="حقل العمر & rockets",
    bbox=(40.1, 34.5, 41.0, 35.5),
    area_wkt="POLYGON ((40 34, 41 34, 41 35, 40 35, 40 34))",
)


def test_every_filter_and_the_view_round_trip() -> None:
    view = View(center=(35.01982, 40.45154), zoom=10)
    filters, back_view, problems = decode(encode(EVERY_FILTER, view))
    assert filters == EVERY_FILTER
    assert back_view == view
    assert problems == []


def test_no_filters_make_an_empty_query() -> None:
    assert encode(Filters()) == {}
    assert decode({}) == (Filters(), None, [])


def test_names_with_commas_stay_whole() -> None:
    params = encode(Filters(actors=("Military Forces of Iran (1989-), IRGC",)))
    assert params["actor"] == ["Military Forces of Iran (1989-), IRGC"]


def test_a_hand_written_url_is_read() -> None:
    filters, view, problems = decode(
        {"from": ["2022-10-22"], "type": ["Battles"], "precision": ["1"], "zoom": ["7"]}
    )
    assert filters == Filters(
        date_from=date(2022, 10, 22), event_types=("Battles",), geo_precision=(1,)
    )
    assert view is None, "a zoom alone is not a view"
    assert problems == []


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"from": ["22/10/2022"]}, "from"),
        ({"min_fatalities": ["many"]}, "min_fatalities"),
        ({"bbox": ["1,2,3"]}, "bbox"),
        ({"area": ["POINT (1 2)"]}, "area"),
        ({"area": ["not wkt"]}, "area"),
    ],
)
def test_a_mangled_parameter_is_skipped_and_named(params, param) -> None:
    filters, _view, problems = decode(params)
    assert filters == Filters()
    assert len(problems) == 1 and problems[0].startswith(f"{param}=")


def test_a_view_off_the_map_is_ignored() -> None:
    _f, view, problems = decode({"lat": ["135"], "lon": ["40"], "zoom": ["8"]})
    assert view is None and problems


class FakeQueryParams:
    """The part of st.query_params that urlstate uses."""

    def __init__(self) -> None:
        self.data: dict[str, list[str]] = {}
        self.writes = 0

    def get_all(self, key: str) -> list[str]:
        return self.data.get(key, [])

    def __iter__(self):
        return iter(self.data)

    def from_dict(self, params) -> None:
        self.writes += 1
        self.data = {k: list(v) for k, v in params.items()}


def test_write_touches_the_url_only_when_something_changed() -> None:
    qp = FakeQueryParams()
    assert write(qp, EVERY_FILTER, View()) is True
    assert write(qp, EVERY_FILTER, View()) is False
    assert qp.writes == 1
    assert write(qp, Filters(), None) is True
    assert qp.data == {}
