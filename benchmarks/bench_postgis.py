"""PostGIS store at scale: import a million synthetic events with COPY, then read one month of one
region through the SQL filters. Prints a table; asserts nothing.

    source .ci/postgis   # or point CONFLICTMAP_TEST_DATABASE_URL at a PostGIS you may write to
    .venv/bin/python -m benchmarks.bench_postgis [--events 1000000]

Works in a schema of its own (``bench_<pid>``), dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date

import numpy as np
import pandas as pd
import psycopg

from geo import schema as S
from geo.query import Filters, apply
from geo.store import postgis as store_postgis
from geo.store.postgis import PostGISStore, without_password

# Deir ez-Zor governorate, roughly (OCHA COD-AB extent): the founding case's region.
DEIR_EZ_ZOR = (39.1, 33.9, 41.4, 36.0)
MONTH = {"date_from": date(2019, 6, 1), "date_to": date(2019, 6, 30)}


def make_events(n: int, *, seed: int) -> pd.DataFrame:
    """``n`` events: geo.synthetic's realistic ones when that module is there, else a plain mix."""
    try:
        from geo.synthetic import synthetic_events
    except ImportError:
        return _plain_events(n, seed=seed)
    return synthetic_events(n, seed=seed)


def _plain_events(n: int, *, seed: int) -> pd.DataFrame:
    """Valid events spread over Syria and ten years, for when geo.synthetic is absent."""
    rng = np.random.default_rng(seed)
    subs = np.array(S.SUB_EVENT_TYPES)
    sub = subs[rng.integers(0, len(subs), n)]
    day = pd.Timestamp("2014-01-01") + pd.to_timedelta(rng.integers(0, 3652, n), unit="D")
    lon = rng.uniform(36.0, 42.0, n).round(5)
    lat = rng.uniform(32.5, 37.0, n).round(5)
    return pd.DataFrame(
        {
            S.EVENT_ID: [f"B-{i}" for i in range(n)],
            S.EVENT_DATE: day,
            S.TIME_PRECISION: 1,
            S.EVENT_TYPE: [S.EVENT_TYPE_OF[s] for s in sub],
            S.SUB_EVENT_TYPE: sub,
            S.ACTOR1: rng.choice(["Military Forces of Syria (2000-)", "QSD", "Unidentified"], n),
            S.COUNTRY: "Syria",
            S.LOCATION: "Somewhere",
            S.LATITUDE: lat,
            S.LONGITUDE: lon,
            S.GEO_PRECISION: 1,
            S.SOURCE: "Synthetic",
            S.FATALITIES: rng.poisson(1.0, n),
        }
    )


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    """Median seconds of ``repeat`` runs of ``fn``, and its last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--url", default=os.environ.get("CONFLICTMAP_TEST_DATABASE_URL"))
    parser.add_argument("--keep", action="store_true", help="keep the bench schema afterwards")
    args = parser.parse_args(argv)
    if not args.url:
        print("no PostGIS: source .ci/postgis, or pass --url postgresql://...", file=sys.stderr)
        return 2

    schema = f"bench_{os.getpid()}"
    rows = _Table()
    print(f"PostGIS at {without_password(args.url)}, schema {schema}, {args.events:,} events")
    print(f"\n{'step':<{_WIDTH}}  {'time':>11}  result", flush=True)

    seconds, events = timed(lambda: make_events(args.events, seed=args.seed))
    rows.append(("generate synthetic events", f"{seconds:8.2f} s", f"{len(events):,} rows"))
    seconds, _ = timed(lambda: S.validate(events))
    rows.append(("validate (part of add)", f"{seconds:8.2f} s", "geo.schema.validate"))

    store = PostGISStore(args.url, schema=schema)
    try:
        validating = _Stopwatch(S.validate)
        store_postgis.S = validating  # type: ignore[assignment]  # time add's own validation
        try:
            seconds, result = timed(lambda: store.add(events, user="bench"))
        finally:
            store_postgis.S = S
        rate = len(result.added) / seconds
        rows.append(
            ("add: validate + COPY + index + audit", f"{seconds:8.2f} s", f"{rate:,.0f} events/s")
        )
        database = seconds - validating.seconds
        rows.append(
            (
                "  of which the database part",
                f"{database:8.2f} s",
                f"{len(result.added) / database:,.0f} events/s",
            )
        )

        month_region = Filters(bbox=DEIR_EZ_ZOR, **MONTH)
        month_admin = Filters(admin1=("Deir-ez-Zor", "Deir ez-Zor"), **MONTH)
        for label, filters in (
            ("read 1 month x Deir ez-Zor box (cold)", month_region),
            ("read 1 month x Deir ez-Zor box (warm)", month_region),
        ):
            repeat = 1 if "cold" in label else 5
            seconds, frame = timed(lambda f=filters: store.load(f), repeat=repeat)
            rows.append((label, f"{seconds * 1000:8.1f} ms", f"{len(frame):,} events"))
        seconds, frame = timed(lambda: store.load(month_admin), repeat=5)
        rows.append(("read 1 month x admin1 Deir ez-Zor", f"{seconds * 1000:8.1f} ms", f"{len(frame):,} events"))  # fmt: skip
        seconds, count = timed(lambda: store.count(month_region), repeat=5)
        rows.append(("count 1 month x box (no rows sent)", f"{seconds * 1000:8.1f} ms", f"{count:,} events"))  # fmt: skip

        seconds, everything = timed(lambda: store.load())
        rows.append(("load every event (before: the only way)", f"{seconds:8.2f} s", f"{len(everything):,} events"))  # fmt: skip
        seconds, kept = timed(lambda: apply(everything, month_region), repeat=5)
        rows.append(("  then filter in memory", f"{seconds * 1000:8.1f} ms", f"{len(kept):,} events"))  # fmt: skip
        same = set(kept[S.EVENT_ID]) == set(store.load(month_region)[S.EVENT_ID])
        rows.append(("SQL and in-memory filters agree", "", str(same)))
    finally:
        if not args.keep:
            with psycopg.connect(args.url, autocommit=True) as con:
                con.execute(f"DROP SCHEMA {schema} CASCADE")
    return 0


_WIDTH = 42


class _Stopwatch:
    """geo.schema with its ``validate`` timed: how much of an add is validation."""

    def __init__(self, validate) -> None:
        self._validate = validate
        self.seconds = 0.0

    def validate(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self._validate(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start

    def __getattr__(self, name: str):
        return getattr(S, name)


class _Table:
    """Rows printed as soon as they are measured: a long import shows its progress."""

    def append(self, row: tuple[str, str, str]) -> None:
        label, took, what = row
        print(f"{label:<{_WIDTH}}  {took:>11}  {what}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
