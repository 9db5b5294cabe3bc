"""The points' file and the update the map gets at each rerun: served once, popups escaped."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
from conftest import make_event

from dashboard import points
from geo import payload
from geo import schema as S

MAYADIN = {S.LATITUDE: 35.01982, S.LONGITUDE: 40.45154, S.LOCATION: "Mayadin"}


def _events() -> pd.DataFrame:
    rows = [
        make_event(event_id=f"M-{i}", notes=f"<script>alert({i})</script> note {i}", **MAYADIN)
        for i in range(12)
    ]
    rows.append(make_event(event_id="A-1", latitude=36.2, longitude=37.16, location="Aleppo"))
    return S.validate(pd.DataFrame(rows))


def test_the_points_are_written_once_under_a_name_that_changes_with_them(tmp_path) -> None:
    events = _events()
    first = payload.encode_points(events)
    url = points.publish(first, folder=tmp_path)
    assert url == f"/app/static/cache/points-{first.token}.bin.gz"
    written = tmp_path / f"points-{first.token}.bin.gz"
    assert gzip.decompress(written.read_bytes()) == first.data
    stamp = written.stat().st_mtime_ns
    assert points.publish(first, folder=tmp_path) == url
    assert written.stat().st_mtime_ns == stamp, "an unchanged revision is not written again"
    moved = events.copy()
    moved.loc[moved.index[-1], S.LATITUDE] = 36.3
    assert points.publish(payload.encode_points(moved), folder=tmp_path) != url
    assert points.publish(first, base_path="/cm/", folder=tmp_path) == f"/cm{url}"


def test_a_click_on_a_crowded_place_lists_its_first_events_escaped() -> None:
    events = _events()
    keep = np.ones(len(events), dtype=bool)
    html = points.popup_at(events, keep, (35.01982, 40.45154))
    assert "12 events at this place" in html
    assert html.count('class="cm-popup"') == points.POPUP_EVENTS_MAX
    assert "<script>" not in html and "&lt;script&gt;alert(3)&lt;/script&gt;" in html
    keep[:12] = False
    assert points.popup_at(events, keep, (35.01982, 40.45154)) is None, "filtered out since"


def test_the_update_carries_the_filter_not_the_events() -> None:
    events = _events()
    drawn = payload.encode_points(events)
    keep = events[S.EVENT_ID].eq("A-1").to_numpy()
    at = (MAYADIN[S.LATITUDE], MAYADIN[S.LONGITUDE])
    popup = points.popup_at(events, np.ones(len(events), dtype=bool), at)
    group = points.points_layer("/app/static/cache/x.bin", drawn, keep, popup=(*at, popup))
    update = next(c for c in group._children.values() if isinstance(c, points.PointsUpdate))
    assert "<" not in update.spec_json, "nothing in the script can close its <script> element"
    spec = json.loads(update.spec_json)
    assert spec["url"] == "/app/static/cache/x.bin"
    assert payload.decode_keep(spec["keep"], len(drawn)).sum() == 1
    assert "M-0" in spec["popup"]["html"] and "<script>" not in spec["popup"]["html"]
    assert "Events (1)" in group.layer_name
