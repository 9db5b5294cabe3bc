"""A million events against the obvious way: load, filter, map payload, timeline, rerun, exports.

For each size N (default 10k, 100k and 1M synthetic events from geo.synthetic, stored once in a
GeoPackage under the cache folder and reused by later runs) every measurement runs in a fresh
process of its own, which times the fast path and the obvious way one after the other on the
same frame and reports medians, bytes sent and memory: the process's peak resident memory during
the call and, in brackets, how far it rose above its level before the call:

- store load, cold: GDAL's Arrow stream (GeoPackageStore.load) | rows through sqlite3 + conform
  (the store before the Arrow path)
- store load, cached: geo.store.cache for an unchanged revision | a st.cache_data hit (unpickling the
  frame, which is what Streamlit does on every rerun)
- filter: EventIndex mask; and the filtered frame | geopandas masks (string isin/contains,
  between, GeoSeries.within)
- map payload: counted cells when more than aggregate.MARKERS_MAX events are in view, markers
  otherwise | folium MarkerCluster with one marker per event, rendered to HTML; and gdf.to_json()
- filter + map payload: both of the above, the figure an analyst waits for
- timeline: aggregate.timeline_counts | groupby on the filtered frame (the dashboard's timeline)
- dashboard rerun after a filter change (streamlit AppTest on dashboard/app.py)
- GeoJSON and GeoPackage export: geo.export | gdf.to_json() written out; GeoDataFrame.to_file

Where the obvious way would take minutes, it runs on a capped sample and the table says so.

    .venv/bin/python -m benchmarks.bench_scale                  # 10k, 100k, 1M
    .venv/bin/python -m benchmarks.bench_scale --sizes 10000 --repeat 3

Prints one table and writes it to benchmarks/results/scale.csv. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import gc
import html
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
SEED = 7
STORE_FORMAT = 2  # bump when geo.synthetic's output changes, so cached stores are rebuilt
SIZES = (10_000, 100_000, 1_000_000)
# The obvious way's folium markers beyond this many events would take minutes: measured on this
# many and scaled linearly (folium's cost is per marker), marked "scaled" in the table.
MARKERS_CAP = 100_000
# A run of the obvious way longer than this is not repeated.
SLOW = 15.0

# The combined filter: three years, two actors, two event types, a box over Syria.
FILTERS = dict(
    date_from=date(2019, 1, 1),
    date_to=date(2021, 12, 31),
    actors=("Military Forces of Syria (2000-)", "Hezbollah"),
    event_types=("Explosions/Remote violence", "Battles"),
    bbox=(35.5, 32.0, 42.5, 37.5),
)
# The map's view: Syria and its neighbours at zoom 6 in a 1000 x 600 pixel map.
VIEW_CENTER, VIEW_ZOOM = (34.8, 40.0), 6


@dataclass
class Row:
    measure: str
    n: int
    fast_s: float | None = None
    obvious_s: float | None = None
    fast_bytes: int | None = None
    obvious_bytes: int | None = None
    fast_peak_mb: float | None = None
    obvious_peak_mb: float | None = None
    fast_rise_mb: float | None = None
    obvious_rise_mb: float | None = None
    runs: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.fast_s and self.obvious_s:
            return self.obvious_s / self.fast_s
        return None


# --- measuring --------------------------------------------------------------------------------------
def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRSS:
    """The highest resident memory of this process while the block runs (sampled every 5 ms)."""

    def __enter__(self) -> PeakRSS:
        self.start = self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()
        return self

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


@dataclass
class Timing:
    median: float
    runs: int
    peak_mb: float  # the process's resident memory at its highest during a call
    rise_mb: float  # how far above its level before the call
    result: object = field(repr=False, default=None)


def timed(fn: Callable[[], object], *, repeat: int, slow: float = SLOW) -> Timing:
    """Median seconds of ``repeat`` calls (one call only when it takes longer than ``slow``)."""
    times: list[float] = []
    peak = rise = 0.0
    result = None
    for _ in range(repeat):
        result = None
        gc.collect()
        with PeakRSS() as memory:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        peak = max(peak, memory.peak)
        rise = max(rise, memory.peak - memory.start)
        if times[-1] > slow:
            break
    return Timing(statistics.median(times), len(times), peak, rise, result)


# --- the stores -------------------------------------------------------------------------------------
def cache_dir() -> Path:
    from geo import settings

    return settings.CACHE_DIR / "bench"


def store_path(n: int) -> Path:
    return cache_dir() / f"synthetic_{n}_seed{SEED}_v{STORE_FORMAT}.gpkg"


def ensure_store(n: int) -> Path:
    """The GeoPackage of ``n`` synthetic events, built on first use and kept in the cache folder."""
    from geo.store import GeoPackageStore
    from geo.synthetic import synthetic_events

    path = store_path(n)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.gpkg")
    partial.unlink(missing_ok=True)
    start = time.perf_counter()
    events = synthetic_events(n, seed=SEED)
    store = GeoPackageStore(partial)
    for first in range(0, n, 100_000):
        store.add(events.iloc[first : first + 100_000])
    partial.rename(path)
    print(f"  built {path} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return path


def _load(path: Path):
    from geo.store import GeoPackageStore

    return GeoPackageStore(path).load()


def _filters():
    from geo.query import Filters

    return Filters(**FILTERS)


# --- the obvious ways ---------------------------------------------------------------------------------
def obvious_load(path: Path):
    """Every row through sqlite3 into pandas, then typed: how the store read before."""
    import sqlite3

    import pandas as pd

    from geo import schema as S

    con = sqlite3.connect(path)
    try:
        names = ", ".join(f'"{c}"' for c in S.COLUMN_NAMES)
        rows = con.execute(f"SELECT {names} FROM events").fetchall()
    finally:
        con.close()
    return S.conform(pd.DataFrame.from_records(rows, columns=list(S.COLUMN_NAMES)))


def obvious_filter(gdf):
    """The same filter as geopandas code is usually written: masks over the full frame."""
    import pandas as pd
    from shapely.geometry import box

    f = FILTERS
    keep = gdf["event_date"].between(pd.Timestamp(f["date_from"]), pd.Timestamp(f["date_to"]))
    either = gdf["actor1"].isin(f["actors"]) | gdf["actor2"].isin(f["actors"])
    for actor in f["actors"]:  # associated actors count too, as in geo.query
        for column in ("assoc_actor_1", "assoc_actor_2"):
            either |= gdf[column].str.contains(actor, case=False, regex=False, na=False)
    keep &= either
    keep &= gdf["event_type"].isin(f["event_types"])
    keep &= gdf.intersects(box(*f["bbox"]))
    return gdf[keep]


def obvious_markers_html(gdf) -> str:
    """One folium marker per event in a MarkerCluster, with a popup, rendered to HTML."""
    import folium
    import folium.plugins

    m = folium.Map(location=list(VIEW_CENTER), zoom_start=VIEW_ZOOM, tiles=None)
    cluster = folium.plugins.MarkerCluster().add_to(m)
    rows = zip(
        gdf["latitude"].tolist(),
        gdf["longitude"].tolist(),
        gdf["event_date"].dt.strftime("%Y-%m-%d").tolist(),
        gdf["sub_event_type"].tolist(),
        gdf["location"].tolist(),
        gdf["actor1"].tolist(),
        strict=True,
    )
    for lat, lon, day, sub, place, actor in rows:
        text = html.escape(f"{day} · {sub} · {place} · {actor}")
        folium.Marker([lat, lon], popup=text, tooltip=html.escape(f"{day} {sub}")).add_to(cluster)
    return m.get_root().render()


def obvious_timeline(frame):
    import pandas as pd

    return (
        frame.groupby([pd.Grouper(key="event_date", freq="W-MON", label="left"), "event_type"])
        .size()
        .rename("events")
        .reset_index()
    )


# --- the fast paths -----------------------------------------------------------------------------------
def fast_map_payload(events, keep, index) -> str:
    """What the dashboard sends the map on a rerun: its event layers for the view, as
    streamlit-folium turns them into script (counted squares when many events are in view,
    markers otherwise; see dashboard.mapview.view_layers)."""
    from streamlit_folium import _get_feature_group_string

    from dashboard import mapview

    view = mapview.View(VIEW_CENTER, VIEW_ZOOM)
    limit = {"markers_max": MARKERS_MAX[0]} if MARKERS_MAX else {}
    groups = mapview.view_layers(events, view, keep=keep, index=index, **limit)
    base = _base_map()
    return "".join(_get_feature_group_string(group, base) for group in groups)


_BASE = []
MARKERS_MAX: list[int] = []  # --markers-max: the map's threshold, when not its default


def _base_map():
    # The base map is drawn once when the page opens; reruns send only the event layers.
    if not _BASE:
        from dashboard import mapview

        _BASE.append(mapview.base_map(mapview.View(VIEW_CENTER, VIEW_ZOOM)))
    return _BASE[0]


# --- measurements (each runs in a process of its own) -------------------------------------------------
def compare(
    measure: str,
    n: int,
    fast: Timing,
    slow: Timing | None,
    note: str,
    *,
    size: Callable[[object], int] | None = None,
    scale: float = 1.0,
) -> Row:
    """One table row: the fast path against the obvious way (``scale``: the obvious way ran on
    a sample of 1/scale of the events and its time and bytes are scaled up)."""
    return Row(
        measure,
        n,
        fast.median,
        slow.median * scale if slow else None,
        size(fast.result) if size else None,
        int(size(slow.result) * scale) if size and slow else None,
        fast.peak_mb,
        slow.peak_mb if slow else None,
        fast.rise_mb,
        slow.rise_mb if slow else None,
        f"{fast.runs}/{slow.runs}" if slow else f"{fast.runs}",
        note,
    )


def _utf8_size(text: object) -> int:
    return len(str(text).encode("utf-8"))


def _file_size(size: object) -> int:
    return int(size)


def m_load(path: Path, n: int, repeat: int) -> list[Row]:
    from geo.store import GeoPackageStore

    fast = timed(lambda: GeoPackageStore(path).load(), repeat=repeat)
    fast.result = None
    slow = timed(lambda: obvious_load(path), repeat=repeat)
    return [compare("store load, cold", n, fast, slow, "GDAL Arrow stream | rows through sqlite3")]


def m_load_cached(path: Path, n: int, repeat: int) -> list[Row]:
    from geo.store import GeoPackageStore
    from geo.store.cache import EventCache

    store = GeoPackageStore(path)
    cache = EventCache()
    cache.load(store)
    fast = timed(lambda: cache.load(store), repeat=max(repeat, 20))
    pickled = pickle.dumps(cache.load(store).events, protocol=pickle.HIGHEST_PROTOCOL)
    slow = timed(lambda: pickle.loads(pickled), repeat=repeat)
    note = "geo.store.cache, revision unchanged | st.cache_data hit (unpickles the frame)"
    return [compare("store load, cached", n, fast, slow, note)]


def m_filter(path: Path, n: int, repeat: int) -> list[Row]:
    from geo.query import EventIndex, mask

    events = _load(path)
    build = timed(lambda: EventIndex(events), repeat=repeat)
    index = EventIndex(events)
    filters = _filters()
    first = timed(lambda: index.mask(filters), repeat=1)  # codes: computed once per revision
    fast = timed(lambda: index.mask(filters), repeat=max(repeat, 9))
    plain = timed(lambda: mask(events, filters), repeat=repeat)
    frame = timed(lambda: index.apply(filters), repeat=repeat)
    slow = timed(lambda: obvious_filter(events), repeat=repeat)
    kept = int(fast.result.sum())
    assert kept == len(slow.result), (kept, len(slow.result))
    once = f"once per revision; first filter after it {first.median * 1000:.0f} ms"
    return [
        compare("filter: index build", n, build, None, once),
        compare(
            "filter: combined, mask",
            n,
            fast,
            slow,
            f"{kept:,} kept | geopandas masks (scan without the index: "
            f"{plain.median * 1000:.0f} ms)",
        ),
        compare("filter: combined, frame", n, frame, slow, "mask + take | geopandas masks"),
    ]


def _capped(events, cap: int):
    return events if len(events) <= cap else events.iloc[:cap]


def m_map(path: Path, n: int, repeat: int) -> list[Row]:
    import numpy as np

    from geo.query import EventIndex

    events = _load(path)
    index = EventIndex(events)
    everything = np.ones(len(events), dtype=bool)
    fast = timed(lambda: fast_map_payload(events, everything, index), repeat=repeat)
    sample = _capped(events, MARKERS_CAP)
    scale = len(events) / len(sample)
    slow = timed(lambda: obvious_markers_html(sample), repeat=repeat)
    scaled = f" (run on {len(sample):,}, scaled)" if scale > 1 else ""
    rows = [
        compare(
            "map payload: all events",
            n,
            fast,
            slow,
            "cells, zoom 6 | folium MarkerCluster HTML" + scaled,
            size=_utf8_size,
            scale=scale,
        )
    ]
    slow = None
    as_json = timed(lambda: events.to_json(default=str), repeat=repeat)
    note = "cells, zoom 6 | gdf.to_json(default=str)"
    rows.append(compare("map payload: as GeoJSON", n, fast, as_json, note, size=_utf8_size))
    return rows


def m_filter_map(path: Path, n: int, repeat: int) -> list[Row]:
    from geo.query import EventIndex

    events = _load(path)
    index = EventIndex(events)
    filters = _filters()
    index.mask(filters)
    fast = timed(lambda: fast_map_payload(events, index.mask(filters), index), repeat=repeat)
    slow = timed(lambda: obvious_markers_html(obvious_filter(events)), repeat=repeat)
    note = "index + cells or markers | geopandas masks + MarkerCluster HTML"
    return [compare("filter + map payload", n, fast, slow, note, size=_utf8_size)]


def m_timeline(path: Path, n: int, repeat: int) -> list[Row]:
    import numpy as np

    from geo import aggregate as A
    from geo.query import EventIndex

    events = _load(path)
    index = EventIndex(events)
    everything = np.ones(len(events), dtype=bool)
    A.timeline_counts(events, period="week", keep=everything, index=index)
    fast = timed(
        lambda: A.timeline_counts(events, period="week", keep=everything, index=index),
        repeat=max(repeat, 9),
    )
    slow = timed(lambda: obvious_timeline(events), repeat=repeat)
    assert int(fast.result["events"].sum()) == int(slow.result["events"].sum())
    note = "bincount over codes | groupby(Grouper, event_type)"
    return [compare("timeline: per week and type", n, fast, slow, note)]


def m_export(path: Path, n: int, repeat: int) -> list[Row]:
    from geo.export import export

    events = _load(path)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)

        def written(name: str, write: Callable[[Path], object]) -> Callable[[], int]:
            def run() -> int:
                (out / name).unlink(missing_ok=True)
                write(out / name)
                return (out / name).stat().st_size

            return run

        fast = timed(written("a.geojson", lambda p: export(events, "geojson", p)), repeat=repeat)
        slow = timed(
            written("b.geojson", lambda p: p.write_text(events.to_json(default=str))),
            repeat=repeat,
        )
        geojson = compare(
            "GeoJSON export",
            n,
            fast,
            slow,
            "geo.export streaming writer | gdf.to_json() to a file",
            size=_file_size,
        )
        fast = timed(written("a.gpkg", lambda p: export(events, "gpkg", p)), repeat=repeat)
        slow = timed(
            written("b.gpkg", lambda p: events.to_file(p, layer="events", driver="GPKG")),
            repeat=repeat,
        )
        gpkg = compare(
            "GeoPackage export",
            n,
            fast,
            slow,
            "geo.export (DATE fields, R-tree) | GeoDataFrame.to_file",
            size=_file_size,
        )
    return [geojson, gpkg]


# The dashboard just before it drew counted squares and filtered through the index: the obvious
# way for the rerun row, run from a copy of that commit's files (git archive).
DASHBOARD_BEFORE = "5b287b3"
RERUN_TIMEOUT = 1200.0


def rerun_times(root: Path, store: Path, n: int, repeat: int) -> tuple[float, Timing]:
    """Seconds of the first run of ``root``'s dashboard on ``store`` (of ``n`` events), and of
    reruns that change the event-type filter (headless, AppTest: the server's share of a redraw)."""
    from streamlit.testing.v1 import AppTest

    from geo import settings

    # The settings were read at import (the store was built through them): point them here.
    settings.STORE_PATH, settings.DATABASE_URL = store, None
    app = AppTest.from_file(str(root / "dashboard" / "app.py"), default_timeout=RERUN_TIMEOUT)
    start = time.perf_counter()
    app.run()
    first = time.perf_counter() - start
    if app.exception:
        raise RuntimeError(f"the dashboard failed: {app.exception}")
    shown = "".join(m.value for m in app.sidebar.markdown)
    if f"of {n:,} events" not in shown:
        raise RuntimeError(f"the dashboard does not show the {n:,} events of {store}: {shown}")
    choices = [["Battles"], ["Protests", "Riots"]]
    runs = iter(range(10_000))

    def change() -> None:
        app.multiselect(key="f_types").set_value(choices[next(runs) % 2]).run()

    return first, timed(change, repeat=max(repeat, 3))


def _rerun_before(store: Path, n: int, repeat: int) -> tuple[float, Timing] | str:
    """The same measurement on the dashboard as it was at DASHBOARD_BEFORE (another process)."""
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(
            ["git", "archive", DASHBOARD_BEFORE, "dashboard", "geo", "data"],
            cwd=ROOT,
            capture_output=True,
            check=False,
        )
        if archive.returncode != 0:
            return "no git history to run the earlier dashboard from"
        subprocess.run(["tar", "-x", "-C", tmp], input=archive.stdout, check=True)
        code = (
            "import json, sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]);"
            "from benchmarks.bench_scale import rerun_times;"
            "first, t = rerun_times(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]),"
            " int(sys.argv[4]));"
            "print(json.dumps([first, t.median, t.runs, t.peak_mb, t.rise_mb]))"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        try:
            done = subprocess.run(
                [sys.executable, "-c", code, tmp, str(store), str(n), str(repeat)],
                cwd=tmp,
                env=env,
                capture_output=True,
                text=True,
                timeout=RERUN_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"not finished in {RERUN_TIMEOUT / 60:.0f} min"
    if done.returncode != 0:
        return "failed: " + (done.stderr.strip().splitlines() or ["?"])[-1]
    first, median, runs, peak, rise = json.loads(done.stdout.strip().splitlines()[-1])
    return first, Timing(median, runs, peak, rise)


def m_rerun(path: Path, n: int, repeat: int) -> list[Row]:
    first, fast = rerun_times(ROOT, path, n, repeat)
    before = _rerun_before(path, n, repeat)
    if isinstance(before, str):
        slow, note = None, f"earlier dashboard: {before}"
    else:
        slow, note = before[1], f"earlier dashboard's first run {before[0]:.1f} s"
    note = f"AppTest, map page, event type changed; first run {first:.1f} s | " + note
    return [compare("dashboard rerun after a filter change", n, fast, slow, note)]


MEASURES: dict[str, Callable[[Path, int, int], list[Row]]] = {
    "load": m_load,
    "load_cached": m_load_cached,
    "filter": m_filter,
    "map": m_map,
    "filter_map": m_filter_map,
    "timeline": m_timeline,
    "rerun": m_rerun,
    "export": m_export,
}


# --- the table ---------------------------------------------------------------------------------------
def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _bytes(value: int | None) -> str:
    if value is None:
        return ""
    return f"{value / 1e6:.2f} MB" if value >= 1e5 else f"{value / 1e3:.1f} kB"


def print_table(rows: list[Row]) -> None:
    header = (
        "measure",
        "N",
        "fast",
        "obvious",
        "ratio",
        "bytes fast | obvious",
        "peak MB (rise) fast | obvious",
        "runs",
        "note",
    )
    lines = [header]
    for r in rows:
        ratio = f"{r.ratio:.1f}x" if r.ratio else ""
        sizes = " | ".join(s for s in (_bytes(r.fast_bytes), _bytes(r.obvious_bytes)) if s)
        peaks = " | ".join(
            f"{p:.0f} (+{d:.0f})"
            for p, d in ((r.fast_peak_mb, r.fast_rise_mb), (r.obvious_peak_mb, r.obvious_rise_mb))
            if p is not None
        )
        lines.append(
            (
                r.measure,
                f"{r.n:,}",
                _seconds(r.fast_s),
                _seconds(r.obvious_s),
                ratio,
                sizes,
                peaks,
                r.runs,
                r.note,
            )
        )
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        cells = [str(c).ljust(w) for c, w in zip(line[:-1], widths, strict=True)]
        print("  ".join([*cells, str(line[-1])]))


def write_csv(rows: list[Row], target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "w", newline="", encoding="utf-8") as stream:
        names = [*asdict(rows[0]).keys(), "ratio"] if rows else []
        writer = csv.DictWriter(stream, fieldnames=names)
        writer.writeheader()
        for r in rows:
            writer.writerow({**asdict(r), "ratio": round(r.ratio, 2) if r.ratio else None})


def run_one(measure: str, n: int, repeat: int, extra: list[str]) -> list[Row]:
    """One measurement in a fresh process, so that memory and caches start the same."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.bench_scale",
        "--one",
        measure,
        "--sizes",
        str(n),
        "--repeat",
        str(repeat),
        *extra,
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["?"])[-1]
        return [Row(measure, n, note=f"failed: {tail}")]
    return [Row(**r) for r in json.loads(done.stdout.strip().splitlines()[-1])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--measures", nargs="+", choices=sorted(MEASURES), default=list(MEASURES))
    parser.add_argument("--csv", type=Path, default=RESULTS / "scale.csv")
    parser.add_argument(
        "--markers-max",
        type=int,
        help="draw markers up to this many events in view (default: geo.aggregate.MARKERS_MAX)",
    )
    parser.add_argument("--one", choices=sorted(MEASURES), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    extra = []
    if args.markers_max is not None:
        MARKERS_MAX.append(args.markers_max)
        extra = ["--markers-max", str(args.markers_max)]
    if args.one:
        path = ensure_store(args.sizes[0])
        rows = MEASURES[args.one](path, args.sizes[0], args.repeat)
        print(json.dumps([asdict(r) for r in rows]))
        return 0
    rows: list[Row] = []
    for n in args.sizes:
        ensure_store(n)
        for measure in args.measures:
            print(f"  {measure} at {n:,} ...", file=sys.stderr, flush=True)
            rows.extend(run_one(measure, n, args.repeat, extra))
    print_table(rows)
    write_csv(rows, args.csv)
    print(f"\nwritten to {args.csv}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
