"""The map in chromium at scale: the dashboard against the obvious folium way and a pydeck map.

Three Streamlit apps run offline on local ports against the same synthetic store, loaded and
filtered the same way (:mod:`geo.store.cache`, :mod:`geo.query`); only the map differs:

- ``conflictmap``: the dashboard's map page (every kept event a point on a canvas; the points
  fetched once per store revision, a filter change sends a bitset; see dashboard/points.py);
- ``folium``: one folium marker per filtered event in a MarkerCluster (benchmarks/apps/folium_map.py);
- ``pydeck``: a deck.gl ScatterplotLayer of the filtered events, no base tiles
  (benchmarks/apps/pydeck_map.py).

Debian's chromium (Playwright) opens each app. Measured, ``--repeat`` times each (median, min-max):

- first map: from opening the page until the map shows the events, with the server already
  holding the store (a warm-up visit loads it first; its time is printed as "cold");
- filter changes, as an analyst makes them in the sidebar: pick one event type ("type": timed
  from the Enter that chooses it), set the dates to one month ("month": From, then To; the time
  is the To step's, the month's bytes both steps'), then "Clear filters" ("clear"); from the
  action until the map shows the result;
- bytes to the browser per change: websocket frames and HTTP bodies received in that time;
- server memory (resident set, and its peak) after the runs.

When is a map "shown"? conflictmap: the points layer reports drawing the new bitset
(``window.cmPoints.state``). folium: a new map frame holds its markers or clusters. pydeck: the
caption written after the chart has changed and two animation frames have passed (deck.gl draws
on the next frame; its own work is not observable from outside, so this is a lower bound).

    .venv/bin/python -m benchmarks.bench_dashboard --events 100000 1000000 [--repeat 5]

Needs /usr/bin/chromium and `make assets`. Stores are built once into --store-dir and reused.
Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

from dashboard.devserver import ROOT, launch_chromium, running_dashboard

APPS = {
    "conflictmap": None,
    "folium": ROOT / "benchmarks" / "apps" / "folium_map.py",
    "pydeck": ROOT / "benchmarks" / "apps" / "pydeck_map.py",
}
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'
EVENT_TYPE = "Battles"
MONTH = ("2020-03-01", "2020-03-31")
FIRST_TIMEOUT = 180.0
CHANGE_TIMEOUT = 120.0
RAF2 = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


class TimedOut(RuntimeError):
    pass


def build_store(folder: Path, n: int) -> Path:
    from geo.store import GeoPackageStore
    from geo.synthetic import synthetic_events

    path = folder / f"synthetic-{n}.gpkg"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        GeoPackageStore(path).add(synthetic_events(n, seed=7))
    return path


# --- what "the map shows the result" means for each app ----------------------------------------------
class Probe:
    """Reads, from outside, what the map of one app shows; ``mark`` then ``wait`` for a change."""

    def __init__(self, page) -> None:
        self.page = page

    def mark(self) -> None: ...

    def shown(self) -> bool:
        raise NotImplementedError


class PointsProbe(Probe):
    STATE = "() => window.cmPoints ? window.cmPoints.state : null"

    def _state(self) -> dict | None:
        frames = [f for f in self.page.frames if "streamlit_folium" in f.url]
        try:
            return frames[-1].evaluate(self.STATE) if frames else None
        except PlaywrightError:
            return None

    def mark(self) -> None:
        state = self._state() or {}
        self.before = (state.get("token"), state.get("draws", 0))

    def shown(self) -> bool:
        state = self._state()
        if not state or not state["draws"] or state["error"]:
            if state and state["error"]:
                raise RuntimeError(state["error"])
            return False
        self.last = state
        return getattr(self, "before", None) is None or (
            state["token"] != self.before[0] and state["draws"] > self.before[1]
        )


class FoliumProbe(Probe):
    DRAWN = (
        "() => !!window.map && document.querySelectorAll("
        "'.leaflet-marker-icon, .marker-cluster').length > 0"
    )

    def mark(self) -> None:
        self.old = {id(f) for f in self.page.frames}

    def shown(self) -> bool:
        for frame in self.page.frames:
            if "streamlit_folium" not in frame.url or id(frame) in getattr(self, "old", set()):
                continue
            try:
                if frame.evaluate(self.DRAWN):
                    return True
            except PlaywrightError:
                pass
        return False


class PydeckProbe(Probe):
    def _caption(self) -> str | None:
        captions = self.page.locator('[data-testid="stCaptionContainer"]')
        try:
            return captions.last.inner_text(timeout=50) if captions.count() else None
        except PlaywrightError:
            return None

    def mark(self) -> None:
        self.before = self._caption()

    def shown(self) -> bool:
        caption = self._caption()
        chart = self.page.locator('[data-testid="stDeckGlJsonChart"] canvas').count()
        if caption is None or not chart or caption == getattr(self, "before", None):
            return False
        self.page.evaluate(RAF2)
        return True


PROBES: dict[str, type[Probe]] = {
    "conflictmap": PointsProbe,
    "folium": FoliumProbe,
    "pydeck": PydeckProbe,
}


# --- one browser tab, counting what reaches it ---------------------------------------------------------
class Tab:
    def __init__(self, browser, url: str, probe: type[Probe]) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 1000})
        self.page = self.context.new_page()
        self.received = 0
        self.page.on("websocket", self._socket)
        self.page.on("requestfinished", self._finished)
        self.probe = probe(self.page)
        self.url = url

    def _socket(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._add(len(payload)))

    def _add(self, n: int) -> None:
        self.received += n

    def _finished(self, request) -> None:
        with contextlib.suppress(PlaywrightError):
            self._add(max(request.sizes()["responseBodySize"], 0))

    def _wait(self, start: float, timeout: float) -> float:
        while not self.probe.shown():
            if time.perf_counter() - start > timeout:
                raise TimedOut(f"not shown within {timeout:.0f} s")
            self.page.wait_for_timeout(10)  # lets Playwright take in the page's events
        return time.perf_counter() - start

    def open(self) -> tuple[float, int]:
        self.received = 0
        start = time.perf_counter()
        self.page.goto(self.url)
        return self._wait(start, FIRST_TIMEOUT), self.received

    def change(
        self, action: Callable[[], None], prepare: Callable[[], None] | None = None
    ) -> tuple[float, int]:
        """Seconds from ``action`` (after an untimed ``prepare``) to the map showing its result."""
        self._settle()
        if prepare is not None:
            prepare()
        self.probe.mark()
        self.received = 0
        start = time.perf_counter()
        action()
        return self._wait(start, CHANGE_TIMEOUT), self.received

    def _settle(self) -> None:
        """Let the previous run end (Streamlit shows a status widget while a script runs)."""
        self.page.wait_for_timeout(300)
        self.page.locator('[data-testid="stStatusWidget"]').wait_for(
            state="detached", timeout=120_000
        )

    def close(self) -> None:
        self.context.close()


def type_in_type(page) -> None:
    """Open the event type list and type a name: nothing is chosen until Enter."""
    page.get_by_role("combobox", name="Event type", exact=True).click()
    page.keyboard.type(EVENT_TYPE)


def choose_type(page) -> None:
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def set_date(page, which: str, day: str) -> None:
    page.get_by_label(f"year, {which}").click()
    page.keyboard.type(day.replace("-", ""))
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")


def clear(page) -> None:
    page.get_by_role("button", name="Clear filters").click()


@dataclass
class Figures:
    app: str
    events: int
    cold: float | None = None
    first: list[float] = field(default_factory=list)
    first_bytes: list[int] = field(default_factory=list)
    times: dict[str, list[float]] = field(default_factory=dict)
    sent: dict[str, list[int]] = field(default_factory=dict)
    rss_mb: float | None = None
    peak_mb: float | None = None
    failed: str = ""

    draw_ms: dict[str, list[tuple[float, float]]] = field(default_factory=dict)

    def add(self, step: str, seconds: float, received: int, probe: Probe | None = None) -> None:
        self.times.setdefault(step, []).append(seconds)
        self.sent.setdefault(step, []).append(received)
        last = getattr(probe, "last", None)
        if last:  # the points layer's own account of the browser's part
            self.draw_ms.setdefault(step, []).append((last["updateMs"], last["drawMs"]))


def memory_mb(pid: int) -> tuple[float, float]:
    """Resident and peak resident memory of a process, in MB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure(app: str, store: Path, n: int, *, repeat: int) -> Figures:
    figures = Figures(app=app, events=n)
    with running_dashboard(store, script=APPS[app], timeout=120) as url, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            warm = Tab(browser, url, PROBES[app])
            figures.cold = warm.open()[0]  # the server reads the store on this first visit
            warm.close()
            for _ in range(repeat):
                tab = Tab(browser, url, PROBES[app])
                seconds, received = tab.open()
                figures.first.append(seconds)
                figures.first_bytes.append(received)
                page = tab.page
                timed = tab.change(
                    lambda page=page: choose_type(page), lambda page=page: type_in_type(page)
                )
                figures.add("type", *timed, tab.probe)
                _, from_bytes = tab.change(lambda page=page: set_date(page, "From", MONTH[0]))
                seconds, received = tab.change(lambda page=page: set_date(page, "To", MONTH[1]))
                figures.add("month", seconds, received + from_bytes, tab.probe)
                figures.add("clear", *tab.change(lambda page=page: clear(page)), tab.probe)
                tab.close()
        except TimedOut as exc:
            figures.failed = str(exc)
        finally:
            figures.rss_mb, figures.peak_mb = memory_mb(url.pid)
            browser.close()
    return figures


def _spread(values: list[float], unit: str = "s") -> str:
    if not values:
        return "-"
    if unit == "kB":
        return f"{statistics.median(values) / 1e3:,.1f} ({min(values) / 1e3:,.1f}-{max(values) / 1e3:,.1f})"
    return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"


def report(rows: list[Figures], repeat: int) -> None:
    head = (
        f"{'events':>9} {'map':<12} {'first map s':>20} {'type s':>18} {'month s':>18} "
        f"{'clear s':>18} {'kB/type':>20} {'kB/month':>20} {'kB/clear':>20} {'kB first':>22} "
        f"{'RSS MB (peak)':>14}"
    )
    print(head)
    for f in rows:
        memory = f"{f.rss_mb:,.0f} ({f.peak_mb:,.0f})" if f.rss_mb else "-"
        print(
            f"{f.events:>9,} {f.app:<12} {_spread(f.first):>20} "
            f"{_spread(f.times.get('type', [])):>18} {_spread(f.times.get('month', [])):>18} "
            f"{_spread(f.times.get('clear', [])):>18} "
            f"{_spread(f.sent.get('type', []), 'kB'):>20} {_spread(f.sent.get('month', []), 'kB'):>20} "
            f"{_spread(f.sent.get('clear', []), 'kB'):>20} {_spread(f.first_bytes, 'kB'):>22} "
            f"{memory:>14}"
        )
        if f.draw_ms:
            parts = ", ".join(
                f"{step} {statistics.median(u for u, _ in ms):.0f} ms "
                f"(drawing {statistics.median(d for _, d in ms):.0f} ms)"
                for step, ms in f.draw_ms.items()
            )
            print(f"{'':>9} {'':<12} in the browser, bitset arrived to points drawn: {parts}")
        if f.cold is not None:
            print(f"{'':>9} {'':<12} cold first visit (server reads the store): {f.cold:.1f} s")
        if f.failed:
            print(f"{'':>9} {'':<12} stopped: {f.failed}")
    print(
        f"median (min-max) of {repeat} runs in chromium; type = pick '{EVENT_TYPE}', month = "
        f"From {MONTH[0]} then To {MONTH[1]}, clear = 'Clear filters'; kB received by the browser "
        "(websocket frames and HTTP bodies) from the action to the redrawn map"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--apps", nargs="+", default=list(APPS), choices=list(APPS))
    parser.add_argument("--store-dir", type=Path, default=ROOT / "artifacts" / "bench-stores")
    args = parser.parse_args()
    rows = []
    gave_up: dict[str, str] = {}
    for n in sorted(args.events):
        store = build_store(args.store_dir, n)
        for app in args.apps:
            if app in gave_up:
                # More events will not make it faster; its server would only hog the machine.
                rows.append(Figures(app=app, events=n, failed=f"not run: {gave_up[app]}"))
                continue
            figures = measure(app, store, n, repeat=args.repeat)
            if figures.failed and not figures.first:
                gave_up[app] = f"at {n:,} events the map was {figures.failed}"
            rows.append(figures)
            report([figures], args.repeat)  # as it comes: the whole run takes long
    print()
    report(rows, args.repeat)


if __name__ == "__main__":
    main()
