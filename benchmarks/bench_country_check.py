"""Cost of the country check in ``schema.validate``: events whose point must lie in their country.

Validates the same events with the check against Natural Earth's borders (the world-atlas file
``make assets`` installs) and with only the coarse extent check (the file set absent), and prints
the wall time of each; also the one-off cost of loading the borders.

    .venv/bin/python -m benchmarks.bench_country_check [--events 100000]

Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from geo import schema, settings
from geo.places import countries
from geo.synthetic import synthetic_events


def timed(events, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        schema.validate(events)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    events = synthetic_events(args.events, seed=1)
    frame = events.drop(columns="geometry")
    schema.find_country("SY")
    start = time.perf_counter()
    countries.load_shapes(settings.COUNTRY_BORDERS)
    print(f"loading the borders (once per process): {time.perf_counter() - start:.2f} s")
    with_borders = timed(frame)
    shapes = countries.country_shapes()
    iso3 = frame[schema.COUNTRY].map(lambda c: schema.find_country(c).iso3).to_numpy(dtype=object)
    lon, lat = frame[schema.LONGITUDE].to_numpy(float), frame[schema.LATITUDE].to_numpy(float)
    days = frame[schema.EVENT_DATE].to_numpy()
    check = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        countries.outside(shapes, iso3, lon, lat, days)
        check = min(check, time.perf_counter() - start)
    settings.COUNTRY_BORDERS = Path("/nonexistent/countries-50m.json")
    extent_only = timed(frame)
    head = f"{'events':>8}{'countries':>11}{'validate s (borders)':>22}{'(extent only)':>15}"
    print(head + f"{'the check alone s':>19}")
    n_countries = frame[schema.COUNTRY].nunique()
    print(
        f"{len(frame):>8}{n_countries:>11}{with_borders:>22.2f}{extent_only:>15.2f}{check:>19.3f}"
    )
    print("(best of 3 runs each; synthetic events in Syria, Iraq, Yemen and Lebanon)")


if __name__ == "__main__":
    main()
