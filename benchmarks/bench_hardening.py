"""Hostile and huge inputs through ``conflictmap import``: what the user sees, how long, how much memory.

Each file is made here, then imported by a child process (``python -m geo.cli import``) into an
empty GeoPackage store; the child's wall time and peak resident memory (``ru_maxrss``) are
measured, with the first line it printed. A GeoJSON of two million coordinates is also parsed by
``json.load`` alone, to show what refusing it before parsing saves.

    .venv/bin/python -m benchmarks.bench_hardening [--features 500000] [--acled-rows 250000]

Prints a table; nothing is asserted. Writes its files under a temporary folder (about 1 GB of
disk at the defaults, most of it the large GeoJSON and CSV).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geo import schema as S
from geo.formats import acled
from geo.store import GeoPackageStore

ROOT = Path(__file__).resolve().parent.parent
EVENT = {
    S.EVENT_DATE: "2022-10-22",
    S.TIME_PRECISION: 1,
    S.EVENT_TYPE: "Explosions/Remote violence",
    S.SUB_EVENT_TYPE: "Shelling/artillery/missile attack",
    S.ACTOR1: "Military Forces of Syria (2000-)",
    S.INTER1: "State forces",
    S.COUNTRY: "Syria",
    S.LOCATION: "Mayadin",
    S.GEO_PRECISION: 1,
    S.SOURCE: "Made-up Outlet",
    S.NOTES: "قصف مدفعي على أطراف المدينة",
}


# The child reports its own peak (VmHWM belongs to the process image, so unlike ru_maxrss it does
# not count the memory of the parent it was forked from).
PEAK = (
    "import atexit, sys; atexit.register(lambda: sys.stderr.write(next("
    "l for l in open('/proc/self/status') if l.startswith('VmHWM'))))\n"
)
CLI = (
    PEAK
    + "import runpy; sys.argv[0] = 'conflictmap'; runpy.run_module('geo.cli', run_name='__main__')"
)


def run(code: str, *args: str) -> tuple[int, float, float, str]:
    """Exit status, seconds, peak resident MB and first line printed, of ``python -c code args``."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.monotonic() - started
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    peak = next((int(line.split()[1]) / 1024 for line in lines if line.startswith("VmHWM")), 0.0)
    first = next((line for line in lines if not line.startswith("VmHWM")), "")
    return done.returncode, seconds, peak, first


def sparse_gigabyte(path: Path) -> None:
    with open(path, "wb") as stream:
        stream.truncate(1024**3)


def binary_blob(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(50 * 1024 * 1024))


def deep_geojson(path: Path) -> None:
    depth = 1_000_000
    path.write_text(
        '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}",
        encoding="utf-8",
    )


def long_line(path: Path) -> None:
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"type": "FeatureCollection", "features": [{"type": "Feature", ')
        stream.write('"properties": {}, "geometry": {"type": "LineString", "coordinates": [')
        stream.write(",".join(f"[40.{i:06d}, 35.{i:06d}]" for i in range(2_000_000)))
        stream.write("]}}]}")


def feature_collection(n: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8") as stream:
            stream.write('{"type": "FeatureCollection", "features": [\n')
            for i in range(n):
                props = {**EVENT, S.EVENT_ID: f"FC-{i}"}
                lon, lat = 40.0 + (i % 1000) / 1000, 35.0 + (i // 1000 % 100) / 100
                feature = {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": props,
                }
                stream.write(("," if i else "") + json.dumps(feature, ensure_ascii=False) + "\n")
            stream.write("]}\n")

    return write


def acled_csv(rows: int, **changes: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as stream:
            writer = csv.DictWriter(stream, fieldnames=list(acled.COLUMNS), lineterminator="\n")
            writer.writeheader()
            base = {
                **{k: v for k, v in EVENT.items() if k in acled.COLUMNS},
                S.LATITUDE: "35.0198",
                S.LONGITUDE: "40.4515",
                S.ISO: "760",
                **changes,
            }
            for i in range(rows):
                writer.writerow({**base, acled.EVENT_ID_CNTY: f"SYR{i}"})

    return write


def wide_row(path: Path) -> None:
    acled_csv(2)(path)
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(",".join(["x"] * 10_000) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", type=int, default=500_000)
    parser.add_argument("--acled-rows", type=int, default=250_000)
    args = parser.parse_args()
    cases: list[tuple[str, str, Callable[[Path], None]]] = [
        ("1 GiB sparse file", "huge.csv", sparse_gigabyte),
        ("50 MB binary named .csv", "photo.csv", binary_blob),
        ("GeoJSON nested 1,000,000 deep", "deep.geojson", deep_geojson),
        ("GeoJSON LineString, 2M coordinates", "line.geojson", long_line),
        ("CSV row of 10,000 fields", "wide.csv", wide_row),
        ("CSV cell of 10 MB", "cell.csv", acled_csv(1, notes="x" * 10_000_000)),
        (f"ACLED CSV, {args.acled_rows:,} rows", "acled.csv", acled_csv(args.acled_rows)),
        (
            f"GeoJSON, {args.features:,} point features",
            "points.geojson",
            feature_collection(args.features),
        ),
    ]
    print(f"{'input':38} {'MB':>8} {'exit':>4} {'s':>7} {'peak MB':>8}  first line printed")
    with tempfile.TemporaryDirectory(prefix="bench-hardening-") as folder:
        for label, name, make in cases:
            path = Path(folder) / name
            make(path)
            store = Path(folder) / "store.gpkg"
            store.unlink(missing_ok=True)
            GeoPackageStore(store)
            code, seconds, peak, first = run(CLI, "--store", str(store), "import", str(path))
            size = path.stat().st_size / 1e6
            shown = first.replace(folder + "/", "")[:110]
            print(
                f"{label:38} {size:8,.0f} {code:>4} {seconds:7.1f} {peak:8,.0f}  {shown}",
                flush=True,
            )
            if name == "line.geojson":
                _, seconds, peak, _ = run(PEAK + f"import json; json.load(open({str(path)!r}))")
                print(f"{'  the same, json.load alone':38} {size:8,.0f} {'':>4} {seconds:7.1f} "
                      f"{peak:8,.0f}  (what parsing before refusing would cost)", flush=True)  # fmt: skip
            path.unlink()


if __name__ == "__main__":
    main()
