"""The timeline: counts per day or week by event type, brushed ranges, play steps."""

from __future__ import annotations

from datetime import date

import pandas as pd
from conftest import make_event

from dashboard import timeline
from geo import schema as S


def events() -> pd.DataFrame:
    return S.validate(
        pd.DataFrame(
            [
                make_event(event_id="a", event_date="2022-10-22"),
                make_event(event_id="b", event_date="2022-10-22"),
                make_event(
                    event_id="c",
                    event_date="2022-10-23",
                    event_type="Battles",
                    sub_event_type="Armed clash",
                ),
                make_event(event_id="d", event_date="2022-11-02"),
            ]
        )
    )


def test_counts_per_day_are_stacked_by_type() -> None:
    table = timeline.counts(events(), "day")
    got = {(r.period.date(), r.event_type): r.events for r in table.itertuples()}
    assert got == {
        (date(2022, 10, 22), "Explosions/Remote violence"): 2,
        (date(2022, 10, 23), "Battles"): 1,
        (date(2022, 11, 2), "Explosions/Remote violence"): 1,
    }


def test_weeks_start_on_monday() -> None:
    table = timeline.counts(events(), "week")
    assert set(table["period"].dt.date) == {date(2022, 10, 17), date(2022, 10, 31)}
    assert table["events"].sum() == 4


def test_long_spans_are_shown_by_week() -> None:
    assert timeline.choose_period(date(2022, 1, 1), date(2022, 2, 1)) == "day"
    assert timeline.choose_period(date(2022, 1, 1), date(2022, 6, 1)) == "week"


def test_play_steps_cover_the_range() -> None:
    days = timeline.steps(date(2022, 10, 22), date(2022, 10, 30), "day")
    assert days[0] == date(2022, 10, 22) and days[-1] == date(2022, 10, 30) and len(days) == 9
    weeks = timeline.steps(date(2022, 10, 22), date(2022, 11, 10), "week")
    assert weeks == [date(2022, 10, 17), date(2022, 10, 24), date(2022, 10, 31), date(2022, 11, 7)]
    assert timeline.step_end(date(2022, 10, 17), "week") == date(2022, 10, 23)


def test_a_brush_becomes_a_date_range_whatever_form_the_browser_sends() -> None:
    as_ms = {"brush": {"period": [1666396800000, 1666569600000]}}  # 22 and 24 October 2022
    as_text = {"brush": {"period": ["2022-10-24T00:00:00", "2022-10-22T00:00:00"]}}
    expected = (date(2022, 10, 22), date(2022, 10, 24))
    assert timeline.brushed_range(as_ms) == expected
    assert timeline.brushed_range(as_text) == expected
    assert timeline.brushed_range({}) is None
    assert timeline.brushed_range({"brush": {}}) is None


def test_the_chart_highlights_the_selected_range() -> None:
    spec = timeline.chart(
        events(), period="day", selected=(date(2022, 10, 22), date(2022, 10, 23))
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "bar"]
    assert any(p.get("name") == timeline.BRUSH for p in spec.get("params", []))
