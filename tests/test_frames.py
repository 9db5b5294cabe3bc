"""Events as geometry: points at the target, lines from origin to target."""

from __future__ import annotations

import pytest
from conftest import make_events

from geo import schema as S
from geo.frames import origin_lines, to_points


def test_only_directed_events_get_a_line_from_origin_to_target() -> None:
    events = S.validate(make_events(3))
    events.loc[2, [S.ORIGIN_LATITUDE, S.ORIGIN_LONGITUDE]] = [35.15167, 40.57583]
    lines = origin_lines(events)
    assert lines[S.EVENT_ID].tolist() == ["T-2"]
    (start, end) = list(lines.geometry.iloc[0].coords)
    assert start == pytest.approx((40.57583, 35.15167))  # origin, lon/lat
    assert end == pytest.approx((40.45154, 35.01982))  # target
    assert lines.crs.to_epsg() == 4326


def test_points_sit_at_longitude_latitude() -> None:
    points = to_points(S.validate(make_events(1)))
    assert (points.geometry.x.iloc[0], points.geometry.y.iloc[0]) == pytest.approx(
        (40.45154, 35.01982)
    )
