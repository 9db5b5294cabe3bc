"""The map at scale in a real browser: every event a point, exactly the ones the filter keeps.

A dashboard runs offline against 6,000 synthetic events in Syria, in Debian's chromium through
Playwright. The points layer keeps its state in the map frame (``window.cmPoints.state``: points
kept and drawn); the tests read it there and compare it with what :mod:`geo.query` keeps. A
screenshot goes to artifacts/.
"""

from __future__ import annotations

import gzip
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlparse

import numpy as np
import pytest
from browser_setup import ARTIFACTS, MAP_FRAME, require_browser

from dashboard.devserver import launch_chromium, running_dashboard
from geo import schema as S
from geo.payload import TYPES
from geo.query import Filters, apply
from geo.store import GeoPackageStore
from geo.synthetic import synthetic_events

STATE = "() => window.cmPoints ? window.cmPoints.state : null"

pytestmark = pytest.mark.browser

sync_api = require_browser()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("scale") / "events.gpkg"
    GeoPackageStore(path).add(synthetic_events(6_000, seed=4, countries=("SY",)))
    return path


@pytest.fixture(scope="module")
def events(store_path):
    return GeoPackageStore(store_path).load()


@pytest.fixture(scope="module")
def server(store_path) -> Iterator[str]:
    with running_dashboard(store_path) as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(viewport={"width": 1500, "height": 1000})
        requests: list[str] = []
        context.on("request", lambda r: requests.append(r.url))
        tab = context.new_page()
        tab.goto(server)
        tab.requests = requests
        yield tab
        browser.close()


def _map_frame(page):
    frames = [f for f in page.frames if "streamlit_folium" in f.url]
    return frames[-1] if frames else None


def _state(page, *, until=lambda s: s["draws"] > 0, timeout: float = 60) -> dict:
    """The points layer's state once ``until`` holds for it (the last state seen otherwise)."""
    deadline = time.monotonic() + timeout
    state: dict = {}
    while time.monotonic() < deadline:
        frame = _map_frame(page)
        try:
            state = (frame and frame.evaluate(STATE)) or {}
        except sync_api.Error:  # the frame is being replaced
            state = {}
        if state and until(state):
            return state
        page.wait_for_timeout(100)  # lets Playwright take in the page's events
    return state


def _points_in_browser(page) -> Counter:
    kept = _map_frame(page).evaluate("() => window.cmPoints.keptPoints()")
    return Counter((round(lat, 5), round(lon, 5), kind) for lat, lon, kind in kept)


def _points_kept_by_query(events, filters: Filters) -> Counter:
    kept = apply(events, filters)
    kinds = kept[S.EVENT_TYPE].where(kept[S.EVENT_TYPE].isin(TYPES), "Other")
    return Counter(zip(kept[S.LATITUDE].round(5), kept[S.LONGITUDE].round(5), kinds, strict=True))


def _external(requests: list[str]) -> list[str]:
    local = {"127.0.0.1", "localhost", "::1"}
    return [
        u
        for u in requests
        if urlparse(u).scheme in ("http", "https", "ws", "wss")
        and urlparse(u).hostname not in local
    ]


def test_every_event_is_a_drawn_point_and_the_filter_is_the_servers(page, events) -> None:
    state = _state(page)
    assert state["kept"] == state["drawn"] == len(events) == 6_000
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_points.png"), full_page=True)
    assert _points_in_browser(page) == _points_kept_by_query(events, Filters())

    # Narrowing to riots: the browser redraws from a bitset, and shows exactly what geo.query keeps.
    fetched = len([u for u in page.requests if "/app/static/cache/points-" in u])
    page.get_by_label("Event type").first.click()
    page.get_by_role("option", name="Riots").click()
    page.keyboard.press("Escape")
    riots = Filters(event_types=("Riots",))
    wanted = len(apply(events, riots))
    state = _state(page, until=lambda s: s["kept"] == wanted)
    assert 0 < state["kept"] == state["drawn"] == wanted < 6_000
    assert _points_in_browser(page) == _points_kept_by_query(events, riots)
    assert len([u for u in page.requests if "/app/static/cache/points-" in u]) == fetched == 1, (
        "the points are fetched once; a filter change brings only the bitset"
    )
    assert _external(page.requests) == []


def test_the_points_file_is_served_once_per_revision_with_an_etag(page, server, events) -> None:
    url = _state(page)["url"]
    assert url.startswith("/app/static/cache/points-")
    with urllib.request.urlopen(server + url) as reply:
        etag = reply.headers["ETag"]
        body = reply.read()
    assert etag
    header_and_points = gzip.decompress(body)
    assert header_and_points[:4] == b"CMP1"
    assert len(header_and_points) < 10 * len(events) + 400, "ten bytes an event"


def _page_point(page, x: float, y: float) -> tuple[float, float]:
    """The page position of container point (x, y) of the map."""
    frame_box = page.locator(MAP_FRAME).last.bounding_box()
    corner = _map_frame(page).evaluate(
        "() => { var r = window.map.getContainer().getBoundingClientRect(); return [r.x, r.y]; }"
    )
    return frame_box["x"] + corner[0] + x, frame_box["y"] + corner[1] + y


def test_clicking_a_point_opens_the_popup_of_its_event(page, events) -> None:
    _state(page)
    drawn = _map_frame(page).evaluate(
        "() => window.cmPoints.drawnPixels().map(function (d) {"
        "  var p = window.cmPoints._points;"
        "  return [d[0], d[1], p.lat[d[2]] / 1e6 - 90, p.lon[d[2]] / 1e6 - 180]; })"
    )
    width, height = _map_frame(page).evaluate(
        "() => [window.map.getSize().x, window.map.getSize().y]"
    )

    # The point with the most room around it (away from the edges, where the controls sit).
    xy = np.array([d[:2] for d in drawn])
    room = np.empty(len(xy))
    for start in range(0, len(xy), 500):  # in slices: a 6,000 x 6,000 table is half a gigabyte
        gaps = np.abs(xy[start : start + 500, None, :] - xy[None, :, :]).max(axis=2)
        gaps[np.arange(len(gaps)), np.arange(start, start + len(gaps))] = np.inf
        room[start : start + len(gaps)] = gaps.min(axis=1)
    edge = (xy[:, 0] < 60) | (xy[:, 0] > width - 60) | (xy[:, 1] < 60) | (xy[:, 1] > height - 60)
    room[edge] = 0
    x, y, lat, lon = drawn[int(room.argmax())]
    assert room.max() >= 2
    here = events.loc[
        (events[S.LATITUDE] - lat).abs().lt(1e-5) & (events[S.LONGITUDE] - lon).abs().lt(1e-5)
    ]
    assert len(here) == 1
    event = here.iloc[0]
    page.mouse.click(*_page_point(page, x, y))
    popup = page.frame_locator(MAP_FRAME).last.locator(".leaflet-popup-content")
    popup.get_by_text(event[S.EVENT_ID], exact=False).wait_for(timeout=20_000)
    text = popup.inner_text()
    assert event[S.SUB_EVENT_TYPE] in text and event[S.ACTOR1] in text


def test_the_density_view_toggles(page, events) -> None:
    _state(page)
    the_map = page.frame_locator(MAP_FRAME).last
    assert the_map.locator("path.cm-cell").count() == 0
    page.get_by_text("Density", exact=True).click()
    the_map.locator("path.cm-cell").first.wait_for(state="attached", timeout=30_000)
    squares = the_map.locator("path.cm-cell").count()
    assert squares > 50, "squares small enough to tell the towns apart"
    the_map.locator("path.cm-cell").first.click(force=True)
    popup = the_map.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    assert "fatalities reported" in popup.inner_text()
    assert _state(page)["drawn"] == len(events), "the points stay"
    page.get_by_text("Density", exact=True).click()
    deadline = time.monotonic() + 30
    while the_map.locator("path.cm-cell").count() and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert the_map.locator("path.cm-cell").count() == 0
    assert _external(page.requests) == []
