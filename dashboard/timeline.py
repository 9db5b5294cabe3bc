"""The timeline: events per day or week, stacked by event type, as an Altair chart.

A plain function of the events (no Streamlit), so tests can look at the chart's data. The chart
carries an interval selection named ``brush`` on the x axis: the map page turns a brushed range
into the date filter. The selected date range and the current step of the play control are shown
as shaded bands behind the bars.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

import altair as alt
import numpy as np
import pandas as pd

from dashboard.mapview import OTHER_STYLE, TYPE_STYLES
from geo import aggregate
from geo import schema as S
from geo.query import EventIndex

Period = Literal["day", "week"]
BRUSH = "brush"
PERIOD_FIELD = "period"


def choose_period(first: date | None, last: date | None) -> Period:
    """Days for up to two months, weeks beyond: keeps the bars readable."""
    if first is None or last is None:
        return "day"
    return "day" if (last - first).days <= 62 else "week"


def counts(
    events: pd.DataFrame,
    period: Period,
    *,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Events per period start and event type (columns: period, event_type, events).

    ``keep`` counts only the events it marks, and ``index`` (the frame's EventIndex) spares a
    pass over the types: a million events are counted in milliseconds (geo.aggregate).
    """
    return aggregate.timeline_counts(events, period=period, keep=keep, index=index)


def steps(first: date, last: date, period: Period) -> list[date]:
    """The starts of the periods from ``first`` to ``last``, for the play control."""
    start = pd.Timestamp(first)
    if period == "week":
        start -= pd.Timedelta(days=start.weekday())
    freq = "7D" if period == "week" else "D"
    return [d.date() for d in pd.date_range(start, pd.Timestamp(last), freq=freq)]


def step_end(start: date, period: Period) -> date:
    return start + timedelta(days=6 if period == "week" else 0)


def chart(
    events: pd.DataFrame,
    *,
    period: Period,
    selected: tuple[date | None, date | None] = (None, None),
    current: tuple[date, date] | None = None,
    height: int = 170,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
) -> alt.LayerChart:
    table = counts(events, period, keep=keep, index=index)
    present = [
        t
        for t in (*S.EVENT_TYPES, *sorted(set(table[S.EVENT_TYPE])))
        if t in set(table[S.EVENT_TYPE])
    ]
    present = list(dict.fromkeys(present))
    colours = [TYPE_STYLES.get(t, OTHER_STYLE).colour for t in present]
    width_days = 7 if period == "week" else 1
    table["period_end"] = table[PERIOD_FIELD] + pd.Timedelta(days=width_days)
    brush = alt.selection_interval(encodings=["x"], name=BRUSH)
    x_scale = alt.Scale(domain=_domain(table) or alt.Undefined, nice=False)
    x_axis = alt.Axis(format="%d %b %Y", labelAngle=0, tickCount=8, title=None)
    bars = (
        alt.Chart(table)
        .mark_bar(opacity=0.9)
        .encode(
            x=alt.X(f"{PERIOD_FIELD}:T", scale=x_scale, axis=x_axis),
            x2="period_end:T",
            y=alt.Y("sum(events):Q", title=f"events per {period}"),
            color=alt.Color(
                f"{S.EVENT_TYPE}:N",
                scale=alt.Scale(domain=present, range=colours),
                legend=alt.Legend(title=None, orient="bottom", columns=3),
            ),
            tooltip=[
                alt.Tooltip(f"{PERIOD_FIELD}:T", title=period),
                alt.Tooltip(f"{S.EVENT_TYPE}:N", title="type"),
                alt.Tooltip("events:Q"),
            ],
        )
        .add_params(brush)
    )
    layers = []
    for band, colour in ((selected, "#5d6d7e"), (current, "#f1c40f")):
        if band is None or (band[0] is None and band[1] is None):
            continue
        first = band[0] or table[PERIOD_FIELD].min()
        last = band[1] or table["period_end"].max()
        frame = pd.DataFrame(
            {"start": [pd.Timestamp(first)], "end": [pd.Timestamp(last) + pd.Timedelta(days=1)]}
        )
        layers.append(
            alt.Chart(frame).mark_rect(color=colour, opacity=0.15).encode(x="start:T", x2="end:T")
        )
    return alt.layer(*layers, bars).properties(height=height)


def _domain(table: pd.DataFrame) -> list[str]:
    """The x range: the data's, widened to two weeks at least so that one day is not a wall."""
    lo, hi = table[PERIOD_FIELD].min(), table["period_end"].max()
    if pd.isna(lo):
        return []
    short = pd.Timedelta(days=14) - (hi - lo)
    if short > pd.Timedelta(0):
        lo, hi = lo - short / 2, hi + short / 2
    return [lo.normalize().isoformat(), hi.normalize().isoformat()]


def brushed_range(selection: object) -> tuple[date, date] | None:
    """The dates a brush on the chart covers, from what ``st.altair_chart`` returns."""
    if not isinstance(selection, dict):
        return None
    ranges = (selection.get(BRUSH) or {}).get(PERIOD_FIELD)
    if not ranges or len(ranges) != 2:
        return None
    ends = [
        pd.to_datetime(v, unit="ms") if isinstance(v, (int, float)) else pd.to_datetime(v)
        for v in ranges
    ]
    first, last = sorted(e.tz_localize(None) if e.tzinfo else e for e in ends)
    return first.date(), last.date()
