"""Gazetteer index and geocoder speed (build time, size on disk, cold load, lookups per second),
then how often bare names of the theatre resolve to the place meant (:mod:`theatre_accuracy`).

Run: ``.venv/bin/python benchmarks/bench_geocode.py`` (builds the index in a temporary cache
folder, so the user's cache is untouched; ``--cache-dir`` to measure another one).
Prints tables; nothing here is a test.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.theatre_accuracy import print_figures  # noqa: E402
from geo.places.gazetteer import Gazetteer  # noqa: E402
from geo.places.geocode import Geocoder  # noqa: E402
from geo.places.region import parse_region  # noqa: E402

MENTIONS = ROOT / "tests" / "data" / "geocode_mentions.csv"

COLD_LOAD = """
import time
t0 = time.perf_counter()
from geo.places.gazetteer import Gazetteer
from geo.places.geocode import Geocoder
t1 = time.perf_counter()
g = Gazetteer.read({path!r})
t2 = time.perf_counter()
r = Geocoder(g).geocode("الميادين", country="SY")
t3 = time.perf_counter()
assert r.matched
print(t1 - t0, t2 - t1, t3 - t2)
"""


def cold_load(path: Path, runs: int) -> list[tuple[float, float, float, float]]:
    """(import, index load, first lookup, whole process) seconds, each in a fresh interpreter."""
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_LOAD.format(path=str(path))],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        total = time.perf_counter() - started
        imp, load, first = (float(x) for x in done.stdout.split())
        out.append((imp, load, first, total))
    return out


def rate(coder: Geocoder, mentions: list[tuple[str, str | None]], *, seconds: float) -> float:
    done, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        for mention, country in mentions:
            coder.geocode(mention, country=country)
        done += len(mentions)
    return done / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache-dir", type=Path, help="cache folder (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=5, help="cold loads to time")
    parser.add_argument("--seconds", type=float, default=5.0, help="time per lookup rate")
    parser.add_argument("--region", default="SY,IQ", help="the theatre for the accuracy figures")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache_dir or Path(tmp)
        started = time.perf_counter()
        gaz = Gazetteer.load(cache_dir=cache, rebuild=True)
        build = time.perf_counter() - started
        assert gaz.path is not None
        size = gaz.path.stat().st_size
        loads = cold_load(gaz.path, args.runs)

        with MENTIONS.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        labelled = [(r["mention"], r["country"] or None) for r in rows]
        coder = Geocoder(gaz)
        coder.geocode("warm-up", country="SY")
        coder.geocode("warm-up")
        exact = [(m, "SY") for m in ("الميادين", "Deir ez-Zor", "Albukamal", "حقل العمر")]
        fuzzy_in_country = [(m, "SY") for m in ("Mayadinx", "Subaykan", "Gharamij")]
        fuzzy_global = [(m, None) for m in ("Mayadinx", "Subaykan")]
        rates = {
            "exact names, country given": rate(coder, exact, seconds=args.seconds),
            "labelled list (mixed)": rate(coder, labelled, seconds=args.seconds),
            "misspellings, country given": rate(coder, fuzzy_in_country, seconds=args.seconds),
            "misspellings, no country (in the region)": rate(
                coder, fuzzy_global, seconds=args.seconds
            ),
        }
        theatre = Geocoder(gaz, region=parse_region(args.region))

    median = [statistics.median(x[i] for x in loads) for i in range(4)]
    print(f"{'measure':44} value")
    print(f"{'places indexed':44} {len(gaz):,}")
    print(
        f"{'folded keys / skeleton keys / site cores':44} "
        f"{len(gaz.folded):,} / {len(gaz.skeletons):,} / {len(gaz.cores):,}"
    )
    print(f"{'index build (read sources, fold, write)':44} {build:.1f} s")
    print(f"{'index size on disk':44} {size / 1e6:.1f} MB")
    print(
        f"{'cold load: import geo.places.gazetteer/geocode':44} {median[0] * 1000:.0f} ms (median of {args.runs})"
    )
    print(f"{'cold load: read the cached index':44} {median[1] * 1000:.0f} ms")
    print(f"{'cold load: first lookup':44} {median[2] * 1000:.0f} ms")
    print(f"{'cold load: whole fresh process':44} {median[3] * 1000:.0f} ms")
    for label, value in rates.items():
        print(f"{'lookups/s: ' + label:44} {value:,.0f}  ({1000 / value:.2f} ms each)")
    print_figures(theatre, theatre.region)


if __name__ == "__main__":
    main()
