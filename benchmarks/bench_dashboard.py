"""Time from a filter change to the map redrawn in the browser, for the founding events and 10,000.

For each store the dashboard runs offline on a local port and Debian's chromium (Playwright) opens
the map page. One measurement: pick an event type in the sidebar (the filter narrows), then press
"Clear filters" (every event comes back). The clock starts at the click and stops when the map
frame has evaluated the new event layers (streamlit-folium records the layer script it last drew),
so it covers the rerun on the server, the trip to the browser and the drawing of the markers.

    .venv/bin/python -m benchmarks.bench_dashboard [--events 10000] [--repeat 3]

Needs /usr/bin/chromium and `make assets`. Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from dashboard.devserver import launch_chromium, running_dashboard
from geo.event_files import bundled_event_files, read_event_files
from geo.store import GeoPackageStore

DRAWN = "() => (window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_feature_group) || ''"


def build_store(path: Path, n: int | None) -> int:
    store = GeoPackageStore(path)
    if n is None:
        events = read_event_files(bundled_event_files())
    else:
        from geo.synthetic import synthetic_events

        events = synthetic_events(n, seed=7)
    store.add(events)
    return len(store.load())


def _map_frame(page):
    for _ in range(600):
        for frame in page.frames:
            if "streamlit_folium" in frame.url:
                try:
                    if frame.evaluate("() => !!window.map"):
                        return frame
                except Exception:  # the frame may still be loading
                    pass
        page.wait_for_timeout(100)  # the sync API takes in browser events only while waiting
    raise RuntimeError("the map did not load")


def _idle(page) -> None:
    """Wait until the script has finished its run (Streamlit shows a status widget while running)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)


def _timed(page, frame, action) -> float:
    """Seconds from ``action`` to the map frame drawing a different set of event layers."""
    _idle(page)
    before = frame.evaluate(DRAWN)
    start = time.perf_counter()
    action()
    while frame.evaluate(DRAWN) == before:
        if time.perf_counter() - start > 120:
            page.screenshot(path="artifacts/bench_timeout.png", full_page=True)
            raise RuntimeError(
                "the map was not redrawn within 2 minutes (artifacts/bench_timeout.png)"
            )
        page.wait_for_timeout(10)
    return time.perf_counter() - start


def measure(url: str, *, repeat: int, event_type: str) -> tuple[list[float], list[float], float]:
    with sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": 1500, "height": 1000})
        start = time.perf_counter()
        page.goto(url)
        frame = _map_frame(page)
        while not frame.evaluate(DRAWN):
            page.wait_for_timeout(20)
        first = time.perf_counter() - start
        drawn = frame.locator(".cm-event, .cm-cluster").count()
        if not drawn:
            raise RuntimeError("the map shows no markers or clusters")
        narrow, clear = [], []
        for _ in range(repeat):

            def pick() -> None:
                box = page.get_by_role("combobox", name="Event type", exact=True)
                box.click()
                page.keyboard.type(event_type)
                page.keyboard.press("Enter")
                page.keyboard.press("Escape")

            narrow.append(_timed(page, frame, pick))
            clear.append(
                _timed(
                    page, frame, lambda: page.get_by_role("button", name="Clear filters").click()
                )
            )
        browser.close()
    return narrow, clear, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000, help="synthetic events (0 to skip)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases: list[tuple[str, int | None, str]] = [("founding events", None, "Strategic developments")]
    if args.events:
        cases.append((f"{args.events:,} synthetic", args.events, "Battles"))
    print(f"{'store':<22} {'events':>7} {'first map (s)':>14} {'narrow (s)':>12} {'clear (s)':>12}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, n, event_type in cases:
            path = Path(tmp) / f"{n or 'founding'}.gpkg"
            total = build_store(path, n)
            with running_dashboard(path) as url:
                narrow, clear, first = measure(url, repeat=args.repeat, event_type=event_type)
            print(
                f"{label:<22} {total:>7,} {first:>14.2f} "
                f"{statistics.median(narrow):>12.2f} {statistics.median(clear):>12.2f}"
            )
    print(f"median of {args.repeat} runs; narrow = pick one event type, clear = 'Clear filters'")


if __name__ == "__main__":
    main()
