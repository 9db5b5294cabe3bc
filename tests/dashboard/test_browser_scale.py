"""The map at scale in a real browser: counted squares for many events, markers when few.

A dashboard runs offline against 6,000 synthetic events in Syria (more than the 1,000 the map
draws one by one), in Debian's chromium through Playwright. A screenshot goes to artifacts/.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from conftest import ROOT

from dashboard import assets
from dashboard.devserver import CHROMIUM, launch_chromium, running_dashboard
from geo import schema as S
from geo.store import GeoPackageStore
from geo.synthetic import synthetic_events

ARTIFACTS = ROOT / "artifacts"

pytestmark = pytest.mark.browser

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not assets.installed():
    pytest.skip("map assets are not installed (make assets)", allow_module_level=True)


@pytest.fixture(scope="module")
def events():
    return synthetic_events(6_000, seed=4, countries=("SY",))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, events) -> Iterator[str]:
    path = tmp_path_factory.mktemp("scale") / "events.gpkg"
    GeoPackageStore(path).add(events)
    with running_dashboard(path) as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        tab = browser.new_context(viewport={"width": 1500, "height": 1000}).new_page()
        tab.goto(server)
        yield tab
        browser.close()


def _count(frame, selector: str, *, more_than: int = 0, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while (n := frame.locator(selector).count()) <= more_than and time.monotonic() < deadline:
        time.sleep(0.2)
    return n


def test_many_events_show_as_squares_and_few_as_markers(page, events) -> None:
    the_map = page.frame_locator('iframe[title="streamlit_folium.st_folium"]')
    squares = _count(the_map, "path.cm-cell")
    assert squares > 0
    assert the_map.locator(".cm-event").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map_squares.png"), full_page=True)

    the_map.locator("path.cm-cell").first.click(force=True)
    popup = the_map.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "events" in text and "fatalities reported" in text
    assert any(t in text for t in S.EVENT_TYPES)

    # Narrowing to riots leaves fewer events than the map draws one by one: markers again.
    riots = int((events[S.EVENT_TYPE] == "Riots").sum())
    page.get_by_label("Event type").first.click()
    page.get_by_role("option", name="Riots").click()
    page.keyboard.press("Escape")
    drawn = _count(the_map, ".cm-event", more_than=0)
    assert 0 < drawn <= riots
    assert the_map.locator("path.cm-cell").count() == 0
