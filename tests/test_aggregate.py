"""Map cells and timeline counts: bounded payloads, counts that add up, the right mix per cell."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import make_event

from geo import aggregate as A
from geo import schema as S
from geo.query import EventIndex, Filters
from geo.synthetic import synthetic_events

MAYADIN = {S.LATITUDE: 35.01982, S.LONGITUDE: 40.45154, S.LOCATION: "Mayadin"}
ALEPPO = {S.LATITUDE: 36.20124, S.LONGITUDE: 37.16117, S.LOCATION: "Aleppo"}
BATTLE = {S.EVENT_TYPE: "Battles", S.SUB_EVENT_TYPE: "Armed clash"}
PROTEST = {S.EVENT_TYPE: "Protests", S.SUB_EVENT_TYPE: "Peaceful protest"}


@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    return synthetic_events(20_000, seed=21)


@pytest.fixture
def few() -> pd.DataFrame:
    rows = [
        make_event(event_id="m1", event_date="2022-10-22", fatalities=2, **MAYADIN, **BATTLE),
        make_event(event_id="m2", event_date="2022-10-23", fatalities=1, **MAYADIN, **BATTLE),
        make_event(event_id="m3", event_date="2022-10-24", **MAYADIN, **PROTEST),
        make_event(event_id="a1", event_date="2022-11-02", **ALEPPO, **PROTEST),
        make_event(event_id="nowhere", latitude=None, longitude=None, **BATTLE),
    ]
    return S.validate(pd.DataFrame(rows), require_coordinates=False)


def test_each_cell_holds_its_events_and_their_mix(few: pd.DataFrame) -> None:
    cells = A.grid_cells(few, zoom=7).set_index("count")
    assert sorted(cells.index) == [1, 3]  # the event without coordinates is left out
    mayadin = cells.loc[3]
    assert (mayadin["Battles"], mayadin["Protests"], mayadin["fatalities"]) == (2, 1, 3)
    assert mayadin["south"] <= MAYADIN[S.LATITUDE] <= mayadin["north"]
    assert mayadin["west"] <= MAYADIN[S.LONGITUDE] <= mayadin["east"]
    assert mayadin["latitude"] == pytest.approx(MAYADIN[S.LATITUDE])
    aleppo = cells.loc[1]
    assert (aleppo["Battles"], aleppo["Protests"]) == (0, 1)


def test_a_coarse_zoom_merges_nearby_towns(few: pd.DataFrame) -> None:
    cells = A.grid_cells(few, zoom=2)
    assert cells["count"].tolist() == [4]
    assert cells["Protests"].tolist() == [2]


def test_counts_add_up_to_the_events_in_view(many: pd.DataFrame) -> None:
    bbox = (36.0, 33.0, 41.0, 37.0)
    keep = EventIndex(many).mask(Filters(event_types=("Battles", "Protests")))
    cells = A.grid_cells(many, zoom=8, bbox=bbox, keep=keep)
    lon, lat = many[S.LONGITUDE], many[S.LATITUDE]
    inside = keep & lon.between(36.0, 41.0).to_numpy() & lat.between(33.0, 37.0).to_numpy()
    assert cells["count"].sum() == inside.sum() > 0
    mix = cells[[*S.EVENT_TYPES, A.OTHER_TYPE]].sum(axis=1)
    assert (mix == cells["count"]).all()
    assert cells["Battles"].sum() == (inside & (many[S.EVENT_TYPE] == "Battles")).sum()
    assert cells[["Riots", "Violence against civilians"]].to_numpy().sum() == 0


def test_every_event_lies_in_the_bounds_of_its_cell(many: pd.DataFrame) -> None:
    cells = A.grid_cells(many, zoom=9, bbox=(37.0, 35.0, 39.0, 37.0))
    lat, lon = many[S.LATITUDE], many[S.LONGITUDE]
    in_view = lat.between(35.0, 37.0) & lon.between(37.0, 39.0)
    for cell in cells.head(20).itertuples():
        # A cell spans [west, east) and (south, north]: screen y grows southwards.
        inside = (lat > cell.south) & (lat <= cell.north) & (lon >= cell.west) & (lon < cell.east)
        assert (inside & in_view).sum() == cell.count


def test_the_payload_stays_bounded_however_many_events(many: pd.DataFrame) -> None:
    sizes = []
    for n in (500, 5_000, 20_000):
        cells = A.grid_cells(many.iloc[:n], zoom=14, max_cells=150)
        assert len(cells) <= 150
        assert cells["count"].sum() == n  # coarsening loses no event
        payload = A.cells_payload(cells)
        assert len(json.loads(payload)["cells"]) == len(cells)
        sizes.append(len(payload))
    assert max(sizes) < 150 * 120  # bytes: a cell costs about a hundred, whatever N


def test_the_index_gives_the_same_cells(many: pd.DataFrame) -> None:
    index = EventIndex(many)
    keep = index.mask(Filters(actors=("Military Forces of Syria (2000-)",)))
    plain = A.grid_cells(many, zoom=6, keep=keep)
    indexed = A.grid_cells(many, zoom=6, keep=keep, index=index)
    pd.testing.assert_frame_equal(plain, indexed)
    with pytest.raises(ValueError, match="another frame"):
        A.grid_cells(many.iloc[:10], zoom=6, index=index)


def test_the_map_switches_to_cells_above_the_threshold(many: pd.DataFrame) -> None:
    view = A.view_bbox((35.0, 40.3), 8)
    west, south, east, north = view
    assert west < 40.3 < east and south < 35.0 < north
    wider = A.view_bbox((35.0, 40.3), 7)
    assert wider[2] - wider[0] == pytest.approx(2 * (east - west))
    in_view = A.count_in_view(many, bbox=view)
    assert A.use_cells(in_view, markers_max=in_view - 1)
    assert not A.use_cells(in_view, markers_max=in_view)


def test_timeline_counts_by_day_week_and_month(few: pd.DataFrame) -> None:
    few.loc[few[S.EVENT_ID] == "a1", S.EVENT_TYPE] = None
    weeks = A.timeline_counts(few, period="week")
    as_tuples = [
        (p.strftime("%Y-%m-%d"), t, n)
        for p, t, n in weeks[[A.PERIOD, S.EVENT_TYPE, A.EVENTS]].itertuples(index=False)
    ]
    # 22 and 23 Oct 2022 are a Saturday and Sunday (week of Monday 17), 24 Oct a Monday.
    assert as_tuples == [
        ("2022-10-17", "Battles", 3),  # with the event that has no coordinates
        ("2022-10-24", "Protests", 1),
        ("2022-10-31", "unknown", 1),
    ]
    months = A.timeline_counts(few, period="month")
    assert months.groupby(A.PERIOD)[A.EVENTS].sum().to_dict() == {
        pd.Timestamp("2022-10-01"): 4,
        pd.Timestamp("2022-11-01"): 1,
    }
    days = A.timeline_counts(few, period="day")
    assert days[A.EVENTS].sum() == len(few)


def test_timeline_counts_add_up_and_leave_out_undated(many: pd.DataFrame) -> None:
    frame = many.copy()
    frame.loc[frame.index[:7], S.EVENT_DATE] = pd.NaT
    index = EventIndex(frame)
    keep = index.mask(Filters(countries=("Syria",)))
    weeks = A.timeline_counts(frame, period="week", keep=keep, index=index)
    assert weeks[A.EVENTS].sum() == (keep & frame[S.EVENT_DATE].notna().to_numpy()).sum()
    assert (weeks[A.PERIOD].dt.day_of_week == 0).all()
    per_type = weeks.groupby(S.EVENT_TYPE)[A.EVENTS].sum()
    expected = frame.loc[keep & frame[S.EVENT_DATE].notna().to_numpy(), S.EVENT_TYPE]
    assert per_type.to_dict() == expected.value_counts().to_dict()
    assert np.array_equal(
        A.timeline_counts(frame, period="week", keep=keep)[A.EVENTS], weeks[A.EVENTS]
    )
