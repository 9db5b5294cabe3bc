"""The map as folium objects: markers per event type, popups an analyst can trust, offline links."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pandas as pd
import pytest
from conftest import make_event
from streamlit_folium import _get_feature_group_string

from dashboard import assets, mapview
from geo import schema as S

HOSTILE_NOTE = 'Seen <script>alert("x")</script> and <img src=x onerror=alert(1)> ${alert(2)} `id`'


def frame(*events: dict) -> pd.DataFrame:
    return S.validate(pd.DataFrame(list(events)))


@pytest.fixture
def founding() -> pd.DataFrame:
    from geo.event_files import bundled_event_files, read_event_files

    return read_event_files(bundled_event_files())


def markers_of(group) -> list[mapview.EventMarkers]:
    out = []
    stack = list(group._children.values())
    while stack:
        child = stack.pop()
        if isinstance(child, mapview.EventMarkers):
            out.append(child)
        stack.extend(getattr(child, "_children", {}).values())
    return out


def rows_of(group) -> list[list]:
    """The marker rows a feature group sends to the browser, decoded from its script."""
    return [row for m in markers_of(group) for row in json.loads(m.rows_json)]


def test_founding_events_are_drawn_one_marker_each_in_layers_by_type(founding) -> None:
    groups = mapview.event_layers(founding)
    assert mapview.marker_count(groups) == len(founding) == 5
    names = [g.layer_name for g in groups]
    assert any("Explosions/Remote violence (4)" in n for n in names)
    assert any("Strategic developments (1)" in n for n in names)
    assert any("Direction of fire (2)" in n for n in names), "two founding events are directed"


def test_types_differ_in_colour_and_shape() -> None:
    styles = [mapview.TYPE_STYLES[t] for t in S.EVENT_TYPES]
    assert len({s.colour for s in styles}) == len(styles)
    assert len({s.shape for s in styles}) == len(styles)


def test_popup_holds_what_an_analyst_needs(founding) -> None:
    omar = founding.set_index(S.EVENT_ID).loc["CM-SYR-20221022-01"]
    omar[S.EVENT_ID] = "CM-SYR-20221022-01"
    text = mapview.popup_html(omar)
    for expected in (
        "2022-10-22 to 2022-10-23",
        "the exact day",
        "Shelling/artillery/missile attack",
        "Unidentified Armed Group (Syria)",
        "Military Forces of the United States (2021-)",
        "Al-Omar oil field",
        "town: the named place itself",
        "Fatalities</span> 0",
        "Furat Post; Syria TV",
        'href="https://www.syria.tv/"',
        "Fire from",
    ):
        assert expected in text, expected


def test_hostile_note_is_escaped_in_the_popup_and_in_the_page() -> None:
    events = frame(make_event(event_id="x1", notes=HOSTILE_NOTE, location="<b>Mayadin</b>"))
    popup = mapview.popup_html(events.iloc[0])
    assert "<script" not in popup and "<img" not in popup and "<b>Mayadin" not in popup
    assert "&lt;script&gt;" in popup and "&lt;img src=x onerror=alert(1)&gt;" in popup
    # Template-literal and template syntax are neutralised too.
    assert "${" not in popup and "`" not in popup
    page = mapview.build(events).get_root().render()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "onerror=alert(1)" in page  # the text is still there, as text


def test_javascript_links_are_never_rendered() -> None:
    events = frame(make_event(event_id="x2"))
    row = events.iloc[0].copy()
    row[S.SOURCE_URL] = "javascript:alert(1) https://example.org/report?a=1&b=2"
    popup = mapview.popup_html(row)
    assert "javascript:" not in popup
    assert 'href="https://example.org/report?a=1&amp;b=2"' in popup


def test_arabic_evidence_is_shown_with_its_own_direction() -> None:
    events = frame(make_event(event_id="x3", evidence="سقوط قذائف على حقل العمر"))
    popup = mapview.popup_html(events.iloc[0])
    assert re.search(r'dir="auto">سقوط قذائف على حقل العمر<', popup)


def test_directed_events_get_an_arrow_pointing_from_origin_to_target() -> None:
    # Fire from the west of the river (Mayadin) to the al-Omar field, north-east of it.
    events = frame(
        make_event(
            event_id="d1",
            latitude=35.15167,
            longitude=40.57583,
            origin_latitude=35.01982,
            origin_longitude=40.45154,
            origin_location="Mayadin",
        )
    )
    arrows = mapview.DirectionArrows(events)
    (row,) = json.loads(arrows.rows_json)
    assert row[:4] == [35.01982, 40.45154, 35.15167, 40.57583]
    assert 30 < row[4] < 60, "north-east on the screen"
    assert mapview.bearing_on_screen(0, 0, -1, 0) == pytest.approx(180)


def test_arrows_are_left_out_when_they_would_cover_the_map() -> None:
    directed = frame(
        *[
            make_event(event_id=f"d{i}", origin_latitude=35.3, origin_longitude=40.1)
            for i in range(4)
        ]
    )
    names = [g.layer_name for g in mapview.event_layers(directed, arrows_max=3)]
    assert not any("Direction" in n for n in names)
    names = [g.layer_name for g in mapview.event_layers(directed, arrows_max=4)]
    assert any("Direction of fire (4)" in n for n in names)


def test_dense_types_cluster_and_sparse_ones_do_not() -> None:
    many = frame(*[make_event(event_id=f"m{i}", latitude=35 + i / 1000) for i in range(80)])
    (group, *_rest) = mapview.event_layers(many, arrows=False)
    assert any(type(c).__name__ == "MarkerCluster" for c in group._children.values())
    few = many.iloc[:5]
    (group, *_rest) = mapview.event_layers(few, arrows=False)
    assert not any(type(c).__name__ == "MarkerCluster" for c in group._children.values())
    assert len(rows_of(group)) == 5


def test_events_without_coordinates_are_left_off_the_map() -> None:
    events = frame(make_event(event_id="a"), make_event(event_id="b"))
    events.loc[events.index[1], [S.LATITUDE, S.LONGITUDE]] = float("nan")
    assert mapview.marker_count(mapview.event_layers(events)) == 1


def test_heat_map_layer_only_on_request(founding) -> None:
    assert not any("Heat" in g.layer_name for g in mapview.event_layers(founding))
    assert any("Heat" in g.layer_name for g in mapview.event_layers(founding, heat=True))


def test_marker_size_grows_with_fatalities() -> None:
    events = frame(
        make_event(event_id="none", fatalities=0),
        make_event(event_id="some", fatalities=4),
        make_event(event_id="many", fatalities=150),
    )
    sizes = [r[2] for r in rows_of(mapview.event_layers(events, arrows=False)[0])]
    assert len(set(sizes)) == 3


def test_base_layers_follow_the_tiles_setting() -> None:
    assert mapview.tile_layers("none") == []
    assert [t.layer_name for t in mapview.tile_layers("osm")] == ["OpenStreetMap", "Satellite"]
    (local,) = mapview.tile_layers("http://localhost:8080/{z}/{x}/{y}.png")
    assert local.tiles == "http://localhost:8080/{z}/{x}/{y}.png"


@pytest.mark.parametrize("tiles", ["none", "osm"])
def test_the_map_knows_its_zoom_range_without_tiles(tiles) -> None:
    """Clusters need the map's maxZoom; folium gives it only to tile layers."""
    script = mapview.base_map(tiles=tiles).get_root().render()
    assert re.search(r'"maxZoom": 18', script) and re.search(r'"minZoom": 2', script)


def test_fit_view_covers_the_events(founding) -> None:
    view = mapview.fit_view(founding)
    assert 34.6 < view.center[0] < 35.4 and 40.1 < view.center[1] < 40.9
    assert 8 <= view.zoom <= 11
    assert mapview.fit_view(founding.iloc[:0]) == mapview.View()


def test_feature_group_script_targets_its_own_group(founding) -> None:
    """What streamlit-folium sends for a dynamic layer adds the markers to that layer."""
    m = mapview.base_map()
    (group, *_rest) = mapview.event_layers(founding)
    script = _get_feature_group_string(group, m, 0)
    assert "})(feature_group_feature_group_0);" in script


@pytest.mark.skipif(not assets.installed(), reason="map assets not installed (make assets)")
def test_offline_links_point_at_the_app_itself(founding) -> None:
    m = mapview.base_map()
    groups = mapview.event_layers(founding, heat=True)
    assets.localise(m, *groups)
    for g in groups:
        g.add_to(m)
    page = m.get_root().render()
    links = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', page)
    assert links, "the page loads Leaflet from somewhere"
    assert all(link.startswith("/app/static/vendor/") for link in links), links
    for link in links:
        assert (assets.VENDOR_DIR / link.removeprefix("/app/static/vendor/")).is_file(), link


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_popups_built_in_the_browser_equal_the_python_ones(founding, tmp_path) -> None:
    """Run the markers' script under node with a stand-in Leaflet and open every popup."""
    events = pd.concat(
        [founding, frame(make_event(event_id="x9", notes=HOSTILE_NOTE, evidence="نص عربي"))]
    )
    (group, *_rest) = mapview.event_layers(events, arrows=False)
    (markers,) = markers_of(group)
    script = markers._template.module.script(markers).replace(markers._parent.get_name(), "target")
    stub = """
    var opened = [];
    var L = {
      divIcon: function (o) { return o; },
      marker: function (at, o) {
        return { bindTooltip: function () {}, bindPopup: function (f) { this.f = f; } };
      }
    };
    var target = { addLayer: function (m) { opened.push(m.f(m)); } };
    """
    (tmp_path / "run.js").write_text(stub + script + "\nconsole.log(JSON.stringify(opened));")
    out = subprocess.run(["node", str(tmp_path / "run.js")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    in_browser = json.loads(out.stdout)
    chosen = events.loc[events[S.EVENT_TYPE] == "Explosions/Remote violence"]
    assert in_browser == [mapview.popup_html(e) for _, e in chosen.iterrows()]


# --- the map at scale: counted squares when many events are in view ------------------------------
@pytest.fixture(scope="module")
def many() -> pd.DataFrame:
    from geo.synthetic import synthetic_events

    return synthetic_events(6_000, seed=8, countries=("SY",))


def test_many_events_in_view_are_drawn_as_counted_squares(many) -> None:
    view = mapview.View(center=(35.0, 38.5), zoom=6)
    groups = mapview.view_layers(many, view, markers_max=500)
    assert mapview.marker_count(groups) == 0
    (cells,) = [
        c for g in groups for c in g._children.values() if isinstance(c, mapview.EventCells)
    ]
    assert cells.count == many[S.LATITUDE].notna().sum()  # all of Syria is in view
    rows = json.loads(cells.cells_json)
    assert sum(r[6] for r in rows) == cells.count
    assert all(sum(r[8]) == r[6] for r in rows)  # the type mix adds up in every square
    script = _get_feature_group_string(groups[0], mapview.base_map())
    assert len(script) < 200 * len(rows) + 10_000  # bytes per square, not per event


def test_zooming_in_brings_the_markers_back(many) -> None:
    town = many[S.LOCATION].value_counts().index[-1]  # a quiet town
    row = many.loc[many[S.LOCATION] == town].iloc[0]
    view = mapview.View(center=(row[S.LATITUDE], row[S.LONGITUDE]), zoom=13)
    groups = mapview.view_layers(many, view, markers_max=500)
    drawn = mapview.marker_count(groups)
    assert 0 < drawn <= 500


def test_filtering_down_brings_the_markers_back_wherever_they_are(many) -> None:
    keep = (many[S.EVENT_TYPE] == "Riots").to_numpy()
    groups = mapview.view_layers(many, mapview.View(zoom=12), keep=keep, markers_max=500)
    assert mapview.marker_count(groups) == keep.sum() > 0


def test_squares_carry_no_event_text(many) -> None:
    hostile = many.copy()
    hostile[S.NOTES] = HOSTILE_NOTE
    hostile[S.LOCATION] = HOSTILE_NOTE
    groups = mapview.view_layers(hostile, mapview.View(center=(35.0, 38.5), zoom=6), markers_max=10)
    script = _get_feature_group_string(groups[0], mapview.base_map())
    assert "alert" not in script
