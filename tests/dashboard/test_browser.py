"""The dashboard in a real browser: Debian's chromium driven by Playwright, offline.

A Streamlit server runs the dashboard on a free local port against a temporary store holding the
founding events and one event whose note carries a script and an image with an onerror handler.
Every request the browser makes is recorded: none may leave this machine. A screenshot of the map
page is saved in artifacts/ (git-ignored).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from browser_setup import ARTIFACTS, MAP_FRAME, POINT_PIXELS, POINTS_STATE, require_browser
from conftest import make_event

from dashboard.devserver import launch_chromium, leaving_machine, running_dashboard
from geo import schema as S
from geo.event_files import bundled_event_files, read_event_files
from geo.query import Filters, apply
from geo.store import GeoPackageStore

HOSTILE = (
    "HOSTILE-NOTE <script>alert('script ran')</script> "
    "<img src=x onerror=\"alert('onerror ran')\"> end of note"
)

pytestmark = pytest.mark.browser

sync_api = require_browser()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "events.gpkg"
    store = GeoPackageStore(path)
    store.add(read_event_files(bundled_event_files()))
    hostile = make_event(
        event_id="X-hostile",
        event_date="2022-10-30",
        location="Albukamal",
        latitude=34.4506,
        longitude=40.9171,
        notes=HOSTILE,
        source_url="https://example.org/report",
    )
    store.add(pd.DataFrame([hostile]))
    return path


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    with running_dashboard(store_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


class Session:
    """One browser tab on the dashboard, with every request and dialog recorded."""

    def __init__(self, browser, base: str) -> None:
        self.base = base
        self.context = browser.new_context(
            viewport={"width": 1500, "height": 1000}, accept_downloads=True
        )
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.map = self.page.frame_locator(MAP_FRAME)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        deadline = time.monotonic() + 45
        while self.state().get("draws", 0) == 0 and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        self.idle()

    def idle(self) -> None:
        """Wait for the script run to end (the map reports its view once drawn, which reruns).

        A map drawn afresh (a new key) stands beside the old one until the frontend drops the old
        one: the run is over for the user once a single map is left.
        """
        self.page.wait_for_timeout(500)
        self.page.locator('[data-testid="stStatusWidget"]').wait_for(
            state="detached", timeout=60_000
        )
        maps = self.page.locator(MAP_FRAME)
        deadline = time.monotonic() + 30
        while maps.count() != 1 and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)

    def frame(self):
        """The map's frame (the newest, while a map drawn afresh replaces the old one)."""
        frames = [f for f in self.page.frames if "streamlit_folium" in f.url]
        return frames[-1] if frames else None

    def state(self) -> dict:
        """The points layer's state: points kept by the filter and drawn (see points.js)."""
        frame = self.frame()
        try:
            return (frame and frame.evaluate(POINTS_STATE)) or {}
        except sync_api.Error:  # the frame is being replaced
            return {}

    def points(self) -> int:
        return self.state().get("drawn", -1)

    def wait_points(self, expected: int, timeout: float = 30) -> int:
        deadline = time.monotonic() + timeout
        while (n := self.points()) != expected and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)  # lets Playwright take in the page's events
        return n

    def lowest_point(self) -> tuple[float, float]:
        """Where on the page the lowest drawn point is (the test event, south of al-Jalaa)."""
        x, y, _ = max(self.frame().evaluate(POINT_PIXELS), key=lambda d: d[1])
        frame_box = self.page.locator(MAP_FRAME).last.bounding_box()
        corner = self.frame().evaluate(
            "() => { var r = window.map.getContainer().getBoundingClientRect(); return [r.x, r.y]; }"
        )
        return frame_box["x"] + corner[0] + x, frame_box["y"] + corner[1] + y

    def draw_rectangle_around(self, x: float, y: float, half: float = 30) -> None:
        """Draw a square with the map's rectangle tool, centred on page point (x, y)."""
        self.map.locator(".leaflet-draw-draw-rectangle").click()
        self.page.mouse.move(x - half, y - half)
        self.page.mouse.down()
        self.page.mouse.move(x + half, y + half, steps=5)
        self.page.mouse.up()

    def url_holds(self, text: str, timeout: float = 10) -> bool:
        """Whether the address bar comes to hold ``text`` (it is written at the end of a run)."""
        deadline = time.monotonic() + timeout
        while text not in self.page.url and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        return text in self.page.url

    def set_date(self, which: str, day: str) -> None:
        self.page.get_by_label(f"year, {which}").click()
        self.page.keyboard.type(day.replace("-", ""))
        self.page.keyboard.press("Tab")
        self.page.keyboard.press("Escape")

    def external_requests(self) -> list[str]:
        return leaving_machine(self.requests)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, server: str) -> Iterator[Session]:
    session = Session(browser, server)
    yield session
    session.close()


def test_map_draws_every_event_offline_and_narrowing_the_dates_redraws(tab: Session) -> None:
    tab.open()
    assert tab.wait_points(6) == 6, "five founding events and the test event"
    ARTIFACTS.mkdir(exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / "map_page.png"), full_page=True)
    tab.set_date("To", "2022-10-23")
    assert tab.wait_points(5) == 5, "the event of 30 October is filtered out"
    assert tab.page.get_by_text("5 of 6 events match the filters").is_visible()
    assert tab.external_requests() == []


def test_country_borders_are_drawn_offline_without_tiles(tab: Session) -> None:
    tab.open("?lat=34.9&lon=40.5&zoom=7")
    borders = tab.map.locator("path.cm-border")
    borders.first.wait_for(state="attached", timeout=15_000)
    ARTIFACTS.mkdir(exist_ok=True)
    tab.page.screenshot(path=str(ARTIFACTS / "map_borders.png"), full_page=True)
    assert tab.external_requests() == []


def test_clicking_a_point_opens_its_popup_and_details(tab: Session) -> None:
    tab.open()
    tab.wait_points(6)
    # The test event lies alone in the south-east, below al-Jalaa: the lowest point on screen.
    tab.page.mouse.click(*tab.lowest_point())
    popup = tab.map.locator(".leaflet-popup-content")
    popup.get_by_text("HOSTILE-NOTE", exact=False).wait_for(timeout=20_000)
    text = popup.inner_text()
    assert "HOSTILE-NOTE <script>alert('script ran')</script>" in text
    assert "onerror=\"alert('onerror ran')\"" in text
    assert popup.locator("script, img").count() == 0
    hrefs = [a.get_attribute("href") for a in popup.locator("a").all()]
    assert hrefs == ["https://example.org/report"]
    # The details beside the map show the same event, as text.
    details = tab.page.get_by_text("HOSTILE-NOTE <script>", exact=False)
    details.first.wait_for(timeout=15_000)
    time.sleep(1)
    assert tab.dialogs == [], "no script in a note may run"
    assert tab.external_requests() == []


def test_downloaded_geojson_holds_the_filtered_events(tab: Session, store_path: Path) -> None:
    tab.open("?type=Explosions%2FRemote+violence")
    assert tab.wait_points(5) == 5
    tab.page.get_by_role("link", name="Events").click()
    button = tab.page.get_by_role("button", name="GeoJSON")
    button.wait_for(timeout=20_000)
    with tab.page.expect_download(timeout=30_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "conflictmap_explosions-remote-violence.geojson"
    doc = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    got = {f["properties"][S.EVENT_ID] for f in doc["features"]}
    wanted = apply(
        GeoPackageStore(store_path).load(), Filters(event_types=("Explosions/Remote violence",))
    )
    assert got == set(wanted[S.EVENT_ID]) and len(got) == 5


def test_a_link_with_query_parameters_reproduces_the_view(tab: Session) -> None:
    tab.open("?type=Strategic+developments&lat=35.33&lon=40.14&zoom=11")
    assert tab.wait_points(1) == 1
    assert tab.page.get_by_text("1 of 6 events match the filters").is_visible()
    frame = next(f for f in tab.page.frames if "streamlit_folium" in f.url)
    zoom = frame.evaluate("window.map.getZoom()")
    center = frame.evaluate("[window.map.getCenter().lat, window.map.getCenter().lng]")
    assert zoom == 11
    assert center == pytest.approx([35.33, 40.14], abs=0.01)
    assert tab.external_requests() == []


def test_a_rectangle_drawn_on_the_map_filters_by_area(tab: Session) -> None:
    tab.open()
    tab.wait_points(6)
    x, y = tab.lowest_point()  # the test event at Albukamal
    tab.draw_rectangle_around(x, y)
    assert tab.wait_points(1) == 1
    tab.page.get_by_text("1 of 6 events match the filters").wait_for(timeout=10_000)
    assert tab.url_holds("area=POLYGON")


def test_brushing_the_timeline_sets_the_date_filter(tab: Session) -> None:
    tab.open()
    tab.wait_points(6)
    chart = tab.page.locator('[data-testid="stVegaLiteChart"]').first
    box = chart.bounding_box()
    # The axis spans two weeks around 22-30 October: the left third holds 22 October only.
    y = box["y"] + 40
    tab.page.mouse.move(box["x"] + box["width"] * 0.05, y)
    tab.page.mouse.down()
    tab.page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=8)
    tab.page.mouse.up()
    assert tab.wait_points(5) == 5
    tab.page.get_by_text("5 of 6 events match the filters").wait_for(timeout=10_000)
    assert tab.url_holds("from=2022-10-") and tab.url_holds("to=2022-10-2")


def test_play_steps_through_the_days_on_the_map(tab: Session) -> None:
    tab.open()
    tab.wait_points(6)
    tab.page.get_by_role("button", name="Play through time").click()
    tab.page.get_by_text("playing day of 2022-10-22 (1/9)").wait_for(timeout=15_000)
    assert tab.wait_points(5) == 5, "the night of 22-23 October"
    tab.page.get_by_text("(3/9)").wait_for(timeout=15_000)
    assert tab.wait_points(0) == 0, "nothing happened on 24 October"
    tab.page.get_by_role("button", name="Stop").click()
    assert tab.wait_points(6) == 6


def test_heat_map_layer_draws_on_request(tab: Session) -> None:
    tab.open()
    tab.wait_points(6)
    assert tab.map.locator("canvas.leaflet-heatmap-layer").count() == 0
    tab.page.get_by_text("Heat map").click()
    tab.map.locator("canvas.leaflet-heatmap-layer").wait_for(state="attached", timeout=15_000)
    assert tab.points() == 6, "the points stay"


def test_clearing_the_area_removes_the_drawn_shape_and_keeps_the_view(tab: Session) -> None:
    tab.open("?lat=34.9&lon=40.5&zoom=9")
    tab.wait_points(6)
    x, y = tab.lowest_point()
    tab.draw_rectangle_around(x, y)
    assert tab.wait_points(1) == 1
    tab.idle()
    drawn = tab.map.locator("path.leaflet-interactive:not(.cm-arrow)")
    assert drawn.count() == 1, "the rectangle is on the map"
    tab.page.get_by_role("button", name="Clear area").click()
    assert tab.wait_points(6) == 6
    tab.idle()
    tab.map.locator("path.cm-arrow").nth(1).wait_for(timeout=15_000)
    assert drawn.count() == 0, "the rectangle is gone with its filter"
    frame = next(f for f in tab.page.frames if "streamlit_folium" in f.url)
    assert frame.evaluate("window.map.getZoom()") == 9
