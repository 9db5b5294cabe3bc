"""Import and duplicate-search timings: the real exports in ../shared/realdata, and synthetic files.

For each file: a first import into an empty GeoPackage store, then the same file again (which adds
nothing). The synthetic rows are ``geo.synthetic`` events written as an ACLED CSV, so the whole
path runs: read, validate, store. Then ``geo.duplicates.find`` over synthetic events with a
second, shifted copy of a share of them from another outlet (so that there is something to find).

Then the large files (``--big``, 100,000 rows by default), each imported in a process of its own
so that its peak memory is its own: an ACLED CSV, and a GDELT 2.0 export (tab-separated, no
header, 61 columns; about 60% of its rows are not violence and are skipped, as in a real GDELT
day). Rows/s counts rows of the file read per second of the whole import (and per second of the
process's CPU time: on a machine shared with other work the wall clock includes waiting); peak
memory is the
process's maximum resident set during the import, and "import's own" is that peak less what the
process held when the import began (Python, pandas, geopandas and the country table loaded).

    .venv/bin/python -m benchmarks.bench_import [--rows 5000 50000] [--big 100000] [--skip-real]

Prints tables; nothing is asserted. Wall-clock seconds: on a busy machine they include waiting.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geo import duplicates
from geo import schema as S
from geo.formats import acled, gdelt
from geo.importer import import_file
from geo.store import GeoPackageStore
from geo.synthetic import synthetic_events, synthetic_gdelt

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def time_import(path: Path, folder: Path) -> tuple[str, ...]:
    store = GeoPackageStore(folder / f"{path.stem}.gpkg")
    first = import_file(path, store=store, skip_bad=True)
    cpu = time.process_time()
    again = import_file(path, store=store, skip_bad=True)
    again_cpu = time.process_time() - cpu
    return (
        path.name,
        f"{first.read:,}",
        f"{first.imported:,}",
        f"{len(first.rejected):,}",
        f"{first.seconds:.2f}",
        f"{first.read / first.seconds:,.0f}",
        f"{again.seconds:.2f} ({again_cpu:.2f} cpu)",
    )


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _peak_mb() -> float:
    """The process's peak resident memory since the last reset (VmHWM), in MB."""
    return _status_mb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    # Loading the country table peaks above its resting size; a reset keeps that out of the
    # import's figure (Linux: writing 5 to clear_refs resets VmHWM).
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _import_in_child(path: str, store_path: str, queue: multiprocessing.Queue) -> None:
    S.find_country("Syria")
    _reset_peak()
    before = _status_mb("VmRSS") or _peak_mb()
    cpu = time.process_time()
    report = import_file(path, store=GeoPackageStore(store_path), skip_bad=True)
    queue.put((report.read, report.imported, report.seconds, time.process_time() - cpu,
               _peak_mb(), before))  # fmt: skip


def time_big_import(label: str, path: Path, folder: Path) -> tuple[str, ...]:
    """One import of a large file in a fresh process: speed and that process's peak memory."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(
        target=_import_in_child, args=(str(path), str(folder / f"{path.stem}.gpkg"), queue)
    )
    child.start()
    read, imported, seconds, cpu, peak, before = queue.get()
    child.join()
    return (
        label,
        f"{path.stat().st_size / 1e6:,.1f}",
        f"{read:,}",
        f"{imported:,}",
        f"{seconds:.1f} ({cpu:.1f} cpu)",
        f"{read / seconds:,.0f} ({read / cpu:,.0f} cpu)",
        f"{peak:,.0f}",
        f"{peak - before:,.0f}",
    )


def time_duplicates(n: int) -> tuple[str, ...]:
    events = synthetic_events(n, seed=7)
    rng = np.random.default_rng(7)
    copies = events.sample(frac=0.1, random_state=7).copy()
    copies[S.EVENT_ID] = "COPY-" + copies[S.EVENT_ID].astype(str)
    copies[S.SOURCE] = "Another outlet"
    copies[S.ORIGIN] = "hand"
    copies[S.LATITUDE] = copies[S.LATITUDE] + rng.normal(0, 0.02, len(copies))
    both = pd.concat([events, copies], ignore_index=True)
    started = time.perf_counter()
    pairs = duplicates.find(both)
    seconds = time.perf_counter() - started
    return f"{len(both):,}", f"{len(copies):,}", f"{len(pairs):,}", f"{seconds:.2f}"


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in [header, *rows]]
    return "\n".join([lines[0], "  ".join("-" * w for w in widths), *lines[1:]])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[5_000, 50_000])
    parser.add_argument("--big", type=int, default=100_000, help="rows of the large files; 0: none")
    parser.add_argument("--skip-real", action="store_true")
    args = parser.parse_args()
    S.find_country("Syria")  # the country table loads once per process; not an import's cost
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        if not args.skip_real and REALDATA.is_dir():
            rows += [time_import(p, folder) for p in sorted(REALDATA.glob("*.csv"))]
        for n in args.rows:
            path = folder / f"synthetic_{n}.acled.csv"
            acled.write(synthetic_events(n, seed=3), path)
            rows.append(time_import(path, folder))
        big = []
        if args.big:
            acled_path = folder / f"acled_{args.big}.csv"
            acled.write(synthetic_events(args.big, seed=5), acled_path)
            gdelt_path = folder / f"gdelt_{args.big}.export.CSV"
            gdelt.write(synthetic_gdelt(args.big, seed=5), gdelt_path)
            big = [
                time_big_import("ACLED CSV", acled_path, folder),
                time_big_import("GDELT 2.0 export", gdelt_path, folder),
            ]
    header = ("file", "rows", "imported", "rejected", "seconds", "rows/s", "again: seconds")
    print(table(header, rows))
    print()
    if big:
        header = ("large file", "MB", "rows read", "imported", "seconds", "rows/s")
        header += ("peak MB", "import's own MB")
        print(table(header, big))
        print()
    dup_rows = [time_duplicates(n) for n in args.rows]
    print(table(("events", "shifted copies", "pairs found", "find seconds"), dup_rows))


if __name__ == "__main__":
    main()
