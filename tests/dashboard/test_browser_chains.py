"""The founding exchange in a real browser (Debian's chromium via Playwright, offline): clicking
the al-Jalaa strike draws the chain's links as dotted curves apart from the arrows of fire, shows
the timeline of the exchange, and downloads the chain's GeoJSON with its links. A screenshot goes
to artifacts/chain_map.png (git-ignored)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_setup import ARTIFACTS, MAP_FRAME, POINT_PIXELS, require_browser
from conftest import ROOT

from dashboard.devserver import launch_chromium, running_dashboard
from geo.event_files import add_event_files
from geo.store import GeoPackageStore

FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"

pytestmark = pytest.mark.browser

sync_api = require_browser()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("chains") / "events.gpkg"
    add_event_files(GeoPackageStore(path), [FOUNDING])
    with running_dashboard(path) as url:
        yield url


def test_selecting_a_strike_draws_its_chain(server: str, tmp_path: Path) -> None:
    requests: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = launch_chromium(p)
        context = browser.new_context(
            viewport={"width": 1500, "height": 1000}, accept_downloads=True
        )
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.goto(f"{server}/?lat=34.9&lon=40.55&zoom=9")
        frame = page.frame_locator(MAP_FRAME)
        frame.locator(".leaflet-container").wait_for(timeout=45_000)
        map_frame = next(f for f in page.frames if "streamlit_folium" in f.url)
        map_frame.wait_for_function(
            "() => window.cmPoints && window.cmPoints.state.drawn >= 5", timeout=45_000
        )
        page.wait_for_timeout(1500)
        assert frame.locator("path.cm-chain-link").count() == 0  # nothing selected yet
        # al-Jalaa lies furthest south of the founding events: the lowest point on screen.
        x, y, _ = max(map_frame.evaluate(POINT_PIXELS), key=lambda d: d[1])
        box = page.locator(MAP_FRAME).bounding_box()
        corner = map_frame.evaluate(
            "() => { var r = window.map.getContainer().getBoundingClientRect(); return [r.x, r.y]; }"
        )
        page.mouse.click(box["x"] + corner[0] + x, box["y"] + corner[1] + y)
        page.keyboard.press("Escape")
        links = frame.locator("path.cm-chain-link")
        links.nth(2).wait_for(state="attached", timeout=45_000)
        assert links.count() == 3, "the counter-fire and both strikes answer the attack"
        # Drawn apart from the arrows of fire: their own class and colour, dotted.
        assert frame.locator("path.cm-arrow").count() >= 1
        assert links.first.get_attribute("stroke") == "#7b1fa2"
        assert links.first.get_attribute("stroke-dasharray") == "2 7"
        page.get_by_text("Chain of 4 events").wait_for(timeout=30_000)
        assert page.get_by_text("0.1 h, 19 km").is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "chain_map.png"), full_page=True)
        # Hovering a link shows its evidence.
        x, y = links.nth(1).evaluate(
            "p => { const pt = p.getPointAtLength(p.getTotalLength() / 2);"
            " const m = p.getScreenCTM(); return [pt.x * m.a + m.e, pt.y * m.d + m.f]; }"
        )
        origin = page.locator(MAP_FRAME).bounding_box()
        page.mouse.move(origin["x"] + x, origin["y"] + y)
        tip = frame.locator(".cm-chain-tip")
        tip.wait_for(timeout=10_000)
        assert "al-Omar" in tip.inner_text() or "Al-Omar" in tip.inner_text()
        # One click: the chain's GeoJSON, its features carrying their links.
        with page.expect_download() as got:
            page.get_by_role("button", name="Chain as GeoJSON").click()
        saved = tmp_path / "chain.geojson"
        got.value.save_as(saved)
        doc = json.loads(saved.read_text(encoding="utf-8"))
        assert len(doc["features"]) == 4
        attack = next(
            f for f in doc["features"] if f["properties"]["event_id"] == "CM-SYR-20221022-01"
        )
        assert len(attack["properties"]["links"]) == 3
        context.close()
        browser.close()
    local = ("127.0.0.1", "localhost", "[::1]")
    assert [u for u in requests if u.startswith("http") and not any(h in u for h in local)] == []
