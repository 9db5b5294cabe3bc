"""The event cache: a store is read once per revision, and every change shows on the next call."""

from __future__ import annotations

import threading

import pandas as pd
from conftest import make_events

from geo import schema as S
from geo.query import Filters
from geo.store import EventStore, GeoPackageStore
from geo.store.cache import EventCache, store_key


def test_an_unchanged_store_is_read_once(store: EventStore) -> None:
    store.add(make_events(5))
    cache = EventCache()
    first = cache.load(store)
    again = cache.load(store)
    assert again is first
    assert cache.reads == 1
    assert len(first.events) == 5


def test_a_change_shows_on_the_next_call(store: EventStore) -> None:
    store.add(make_events(3))
    cache = EventCache()
    before = cache.load(store)
    store.update("T-1", {S.FATALITIES: 9}, expected_version=1)
    after = cache.load(store)
    assert after.revision > before.revision
    assert after.events.set_index(S.EVENT_ID).loc["T-1", S.FATALITIES] == 9
    assert before.events.set_index(S.EVENT_ID).loc["T-1", S.FATALITIES] == 0  # untouched
    assert cache.reads == 2


def test_the_index_filters_the_cached_events(store: EventStore) -> None:
    store.add(make_events(6))
    snapshot = EventCache().load(store)
    chosen = snapshot.index.apply(Filters(date_to=pd.Timestamp("2022-10-03").date()))
    assert sorted(chosen[S.EVENT_ID]) == ["T-1", "T-2", "T-3"]


def test_stores_beyond_the_limit_are_let_go(tmp_path) -> None:
    stores = [GeoPackageStore(tmp_path / f"s{i}.gpkg") for i in range(3)]
    for s in stores:
        s.add(make_events(1))
    cache = EventCache(max_stores=2)
    for s in stores:
        cache.load(s)
    cache.load(stores[0])  # the oldest was let go: read again
    assert cache.reads == 4
    cache.load(stores[2])  # still held
    assert cache.reads == 4


def test_sessions_asking_at_once_share_one_read(store: EventStore) -> None:
    store.add(make_events(50))
    cache = EventCache()
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.load(store))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.reads == 1
    assert all(r is results[0] for r in results)


def test_stores_are_told_apart_by_file(tmp_path) -> None:
    a = GeoPackageStore(tmp_path / "a.gpkg")
    assert store_key(a) == store_key(GeoPackageStore(tmp_path / "a.gpkg"))
    assert store_key(a) != store_key(GeoPackageStore(tmp_path / "b.gpkg"))
