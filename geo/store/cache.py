"""Loaded events kept in memory per store and revision, with their filter index.

A million events take seconds to read and over a gigabyte in memory, so a process (the dashboard
server, with all its sessions) reads each store once per revision and shares that frame:

>>> snapshot = cache.load(store)          # reads the store only when its revision moved
>>> shown = snapshot.index.apply(filters)  # milliseconds, see geo.query.EventIndex

The revision grows with every committed change (any analyst, the CLI, an import), so a change
shows on the next call and an unchanged store is never read twice. Asking costs one small query.

The frame is shared: treat it as read-only (derive new frames with ``apply``, ``copy`` ...). In
Streamlit, call this directly or through ``st.cache_resource``; ``st.cache_data`` would pickle
and copy the whole frame on every rerun.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol

import geopandas as gpd
import pandas as pd

from geo.chains import ChainIndex
from geo.links import empty_links
from geo.query import EventIndex


class _Store(Protocol):
    def load(self) -> gpd.GeoDataFrame: ...

    def revision(self) -> int: ...

    def links(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class Snapshot:
    """Every event of one store at one revision, the index that filters them, the links between
    them and the chains those make (see :mod:`geo.chains`)."""

    store: str
    revision: int
    events: gpd.GeoDataFrame
    index: EventIndex
    links: pd.DataFrame
    chains: ChainIndex


def store_key(store: object) -> str:
    """What identifies a store across instances: its file, or its database and schema."""
    path = getattr(store, "path", None)
    if path is not None:
        return f"{type(store).__name__}:{path}"
    url = getattr(store, "url", None)
    if url is not None:
        return f"{type(store).__name__}:{url}#{getattr(store, 'schema', '')}"
    return f"{type(store).__name__}@{id(store)}"


class EventCache:
    """Snapshots of up to ``max_stores`` stores, each at its latest revision only.

    Safe to share between threads (Streamlit sessions): a store is read by one thread while
    the others asking for it wait for that read instead of starting their own.
    """

    def __init__(self, *, max_stores: int = 2) -> None:
        self.max_stores = max_stores
        self._snapshots: OrderedDict[str, Snapshot] = OrderedDict()
        self._guard = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}
        self.reads = 0  # how many times a store was actually read (for tests and benchmarks)

    def load(self, store: _Store) -> Snapshot:
        """The store's events at its current revision, read only if not held already."""
        key = store_key(store)
        # The revision is taken before reading: a change committed during the read then shows
        # as a newer revision next time, instead of being hidden under this one.
        revision = store.revision()
        held = self._held(key, revision)
        if held is not None:
            return held
        with self._guard:
            lock = self._loading.setdefault(key, threading.Lock())
        with lock:
            held = self._held(key, revision)  # another thread may have read it meanwhile
            if held is not None:
                return held
            with self._guard:
                # Let go of the old revision before reading the new one: two copies of a large
                # store may not fit in memory.
                self._snapshots.pop(key, None)
            events = store.load()
            links = store.links() if hasattr(store, "links") else empty_links()
            chains = ChainIndex(events, links)
            index = EventIndex(events, in_chain=chains.in_chain)
            snapshot = Snapshot(key, revision, events, index, links, chains)
            with self._guard:
                self.reads += 1
                self._snapshots[key] = snapshot
                self._snapshots.move_to_end(key)
                while len(self._snapshots) > self.max_stores:
                    self._snapshots.popitem(last=False)
            return snapshot

    def _held(self, key: str, revision: int) -> Snapshot | None:
        with self._guard:
            snapshot = self._snapshots.get(key)
            if snapshot is None or snapshot.revision != revision:
                return None
            self._snapshots.move_to_end(key)
            return snapshot

    def clear(self) -> None:
        with self._guard:
            self._snapshots.clear()


_SHARED = EventCache()


def load(store: _Store) -> Snapshot:
    """The store's events and their index from the process-wide cache (see :class:`EventCache`)."""
    return _SHARED.load(store)


def clear() -> None:
    """Forget every held snapshot (tests; or to free the memory)."""
    _SHARED.clear()
