"""Import and duplicate-search timings: the real exports in ../shared/realdata, and synthetic files.

For each file: a first import into an empty GeoPackage store, then the same file again (which adds
nothing). The synthetic rows are ``geo.synthetic`` events written as an ACLED CSV, so the whole
path runs: read, validate, store. Then ``geo.duplicates.find`` over synthetic events with a
second, shifted copy of a share of them from another outlet (so that there is something to find).

    .venv/bin/python -m benchmarks.bench_import [--rows 5000 50000] [--skip-real]

Prints a table; nothing is asserted. Wall-clock seconds: on a busy machine they include waiting.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from geo import duplicates
from geo import schema as S
from geo.formats import acled
from geo.importer import import_file
from geo.store import GeoPackageStore
from geo.synthetic import synthetic_events

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
    header = ("file", "rows", "imported", "rejected", "seconds", "rows/s", "again: seconds")
    print(table(header, rows))
    print()
    dup_rows = [time_duplicates(n) for n in args.rows]
    print(table(("events", "shifted copies", "pairs found", "find seconds"), dup_rows))


if __name__ == "__main__":
    main()
