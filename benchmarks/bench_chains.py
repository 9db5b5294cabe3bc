"""Chains at scale: the chain query for a filtered view, among a million events and 100k links.

Synthetic events (geo.synthetic) and synthetic exchanges: runs of 2 to 6 events, each answering
the one before it within a few days and near it, as conflict exchanges go, up to the number of
links asked for. Measured, medians of ``--repeat`` runs:

- building the chain index (once per store revision, like the filter index) and the filter index
  that knows which events are in a chain;
- for each filtered view: the filter mask (geo.query.EventIndex) and the chain table of the chains
  touching the view (geo.chains.ChainIndex.table), together: what the dashboard and
  ``conflictmap chains`` wait for;
- the obvious way for the same view: the accepted links whose ends are in view joined to the
  events with pandas and their chains found by a union-find in Python, per query;
- with ``--store``: adding the links to a GeoPackage store holding the events, and reading them back.

    .venv/bin/python -m benchmarks.bench_chains                       # 1M events, 100k links
    .venv/bin/python -m benchmarks.bench_chains --events 100000 --links 10000

Prints one table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from geo import links as L
from geo import schema as S
from geo.chains import ChainIndex
from geo.query import EventIndex, Filters
from geo.synthetic import synthetic_events


def synthetic_links(events: pd.DataFrame, n: int, *, seed: int = 0) -> pd.DataFrame:
    """About ``n`` accepted links in exchanges of 2-6 events: each answers the previous one."""
    rng = np.random.default_rng(seed)
    order = np.argsort(events[S.EVENT_DATE].to_numpy(), kind="stable")
    ids = events[S.EVENT_ID].to_numpy()[order]
    answers, targets = [], []
    made = 0
    used = np.zeros(len(ids), dtype=bool)
    while made < n:
        length = int(rng.integers(2, 7))
        start = int(rng.integers(0, len(ids) - 50 * length))
        # The next events in date order, a few apart: days later, as answers come.
        steps = start + np.cumsum(rng.integers(1, 40, size=length))
        if used[steps].any():
            continue
        used[steps] = True
        answers.extend(ids[steps[1:]])
        targets.extend(ids[steps[:-1]])
        made += length - 1
    links = pd.DataFrame(
        {
            L.LINK_ID: [
                f"{a}~retaliation_for~{b}" for a, b in zip(answers[:n], targets[:n], strict=True)
            ],
            L.EVENT_ID: answers[:n],
            L.TARGET_ID: targets[:n],
            L.RELATION: L.RETALIATION_FOR,
            L.SOURCE: "hand",
            L.STATUS: L.ACCEPTED,
            L.SCORE: np.nan,
            L.EVIDENCE: None,
            L.DELAY_HOURS: rng.choice([np.nan, 2.0, 6.0, 30.0], size=min(n, len(answers))),
            L.VERSION: 1,
            L.CREATED_AT: pd.Timestamp("2024-01-01", tz="UTC"),
            L.UPDATED_AT: pd.Timestamp("2024-01-01", tz="UTC"),
        }
    )
    return L.conform(links)


def obvious_chains(events: pd.DataFrame, links: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The same question the plain way: links touching the view, joined, union-find in Python."""
    in_view = set(events[S.EVENT_ID].to_numpy()[keep])
    touching = links[links[L.EVENT_ID].isin(in_view) | links[L.TARGET_ID].isin(in_view)]
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # A chain reaches beyond the view: follow links out until nothing new joins.
    frontier = set(touching[L.EVENT_ID]) | set(touching[L.TARGET_ID])
    edges = touching
    seen: set[str] = set()
    while frontier - seen:
        seen |= frontier
        edges = links[links[L.EVENT_ID].isin(seen) | links[L.TARGET_ID].isin(seen)]
        frontier = set(edges[L.EVENT_ID]) | set(edges[L.TARGET_ID])
    for a, b in zip(edges[L.EVENT_ID], edges[L.TARGET_ID], strict=True):
        parent[find(a)] = find(b)
    members = pd.DataFrame({"id": list(seen)})
    members["chain"] = [find(x) for x in members["id"]]
    dated = members.merge(
        events[[S.EVENT_ID, S.EVENT_DATE]], left_on="id", right_on=S.EVENT_ID, how="left"
    )
    return dated.groupby("chain").agg(first=(S.EVENT_DATE, "min"), last=(S.EVENT_DATE, "max"))


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def views(events: pd.DataFrame) -> dict[str, Filters]:
    first = events[S.EVENT_DATE].min()
    month = (first + pd.Timedelta(days=400)).date()
    actor = events[S.ACTOR1].value_counts().index[3]
    return {
        "no filter": Filters(),
        "one month": Filters(date_from=month, date_to=date(month.year, month.month, 28)),
        "one actor": Filters(actors=(actor,)),
        "one country, one year": Filters(
            countries=("Syria",),
            date_from=month,
            date_to=date(month.year + 1, month.month, 1),
        ),
        "area 2x2 degrees": Filters(bbox=(39.5, 34.0, 41.5, 36.0)),
        "events in a chain, one month": Filters(
            in_chain=True, date_from=month, date_to=date(month.year, month.month, 28)
        ),
    }


def _events(n: int) -> pd.DataFrame:
    """Synthetic events, kept in the cache folder after the first run (a minute at 1M)."""
    from geo import settings

    path = Path(settings.CACHE_DIR) / f"bench_chains_{n}.pkl"
    if path.exists():
        return pd.read_pickle(path)
    events = synthetic_events(n, seed=7)
    path.parent.mkdir(parents=True, exist_ok=True)
    events.to_pickle(path)
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--links", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--store", action="store_true", help="also time the GeoPackage store")
    args = parser.parse_args()

    start = time.perf_counter()
    events = _events(args.events)
    links = synthetic_links(events, args.links, seed=7)
    made = time.perf_counter() - start
    print(f"{len(events):,} events, {len(links):,} links (made in {made:.1f} s)")

    build, chains = timed(lambda: ChainIndex(events, links), 1)
    index_build, index = timed(lambda: EventIndex(events, in_chain=chains.in_chain), 1)
    print(
        f"chain index built in {build * 1000:,.0f} ms: {len(chains.table_all):,} chains, "
        f"{int(chains.in_chain.sum()):,} events in a chain; filter index {index_build * 1000:,.0f} ms"
    )
    print()
    print(
        f"{'view':34s} {'events':>10s} {'chains':>8s} {'mask':>10s} {'table':>10s} "
        f"{'mask+table':>11s} {'obvious':>10s}"
    )
    for name, filters in views(events).items():
        index.mask(filters)  # the codes of a column are built on first use, once per revision

        def query(filters: Filters = filters) -> pd.DataFrame:
            return chains.table(index.mask(filters))

        fast, table = timed(query, args.repeat)
        keep = index.mask(filters)
        masking, _ = timed(lambda filters=filters: index.mask(filters), args.repeat)
        tabling, _ = timed(lambda keep=keep: chains.table(keep), args.repeat)
        slow, plain = timed(lambda keep=keep: obvious_chains(events, links, keep), 1)
        assert len(plain) == len(table), (name, len(plain), len(table))  # the same chains
        print(
            f"{name:34s} {int(keep.sum()):>10,} {len(table):>8,} "
            f"{masking * 1000:>7.1f} ms {tabling * 1000:>7.1f} ms "
            f"{fast * 1000:>8.1f} ms {slow * 1000:>7,.0f} ms"
        )

    if args.store:
        from geo.store import GeoPackageStore

        with tempfile.TemporaryDirectory(prefix="bench-chains-") as folder:
            store = GeoPackageStore(Path(folder) / "events.gpkg")
            t0 = time.perf_counter()
            store.add(events)
            t1 = time.perf_counter()
            store.add_links(links.drop(columns=[L.LINK_ID, L.CREATED_AT, L.UPDATED_AT]))
            t2 = time.perf_counter()
            read, back = timed(lambda: store.links(statuses=(L.ACCEPTED,)), args.repeat)
            print()
            print(
                f"store: events added in {t1 - t0:.1f} s; {len(links):,} links in {t2 - t1:.1f} s"
            )
            print(f"store: links read back in {read * 1000:,.0f} ms ({len(back):,})")


if __name__ == "__main__":
    main()
