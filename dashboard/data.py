"""The dashboard's access to the store: one store per target, events cached by store revision.

The revision grows with every committed change, so a change made anywhere (this session, another
analyst, the CLI) shows up on the next rerun, and an unchanged store is never read twice.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import payload, settings
from geo import schema as S
from geo.event_files import default_store
from geo.query import EventIndex
from geo.store import EventStore, cache


def store_target() -> str:
    """What the settings point at: a PostGIS URL or the GeoPackage path (tests change it)."""
    return str(settings.DATABASE_URL or settings.STORE_PATH)


@st.cache_resource(show_spinner=False)
def _store(target: str) -> EventStore:
    del target  # the cache key: one store per place the settings name
    return default_store()


def store() -> EventStore:
    return _store(store_target())


def snapshot() -> cache.Snapshot:
    """Every stored event and its filter index, read only when the store's revision changed.

    Held by :mod:`geo.store.cache` and shared read-only by every session: a st.cache_data hit would
    unpickle a copy of the whole frame on every rerun (seconds for a million events).
    """
    return cache.load(store())


def events() -> gpd.GeoDataFrame:
    """Every stored event, reloaded only when the store's revision changed."""
    return snapshot().events


def index() -> EventIndex:
    """The filter index of :func:`events` (see :class:`geo.query.EventIndex`)."""
    return snapshot().index


@st.cache_resource(show_spinner="Preparing the map…", max_entries=2)
def _points(target: str, revision: int, _snap: cache.Snapshot) -> payload.Points:
    # A resource, not data: shared read-only by every session, never copied on each rerun.
    del target, revision  # the cache key
    return payload.encode_points(_snap.events, _snap.index)


def points(snap: cache.Snapshot) -> payload.Points:
    """Every located event of ``snap`` as the map's points (see :mod:`geo.payload`), once per
    store revision."""
    return _points(store_target(), snap.revision, snap)


@st.cache_data(show_spinner=False, max_entries=4)
def _choices(target: str, revision: int) -> dict[str, list]:
    del target, revision  # the cache key
    frame = events()

    def distinct(*columns: str, split: bool = False) -> list:
        values: set = set()
        for column in columns:
            # Distinct values first: a million rows hold a few thousand of them.
            series = pd.Series(frame[column].dropna().unique(), dtype=frame[column].dtype)
            if split:
                series = series.str.split(";").explode().str.strip()
            values.update(v for v in series.unique() if v != "")
        return sorted(values, key=str)

    return {
        "actors": distinct(S.ACTOR1, S.ACTOR2, S.ASSOC_ACTOR_1, S.ASSOC_ACTOR_2, split=True),
        "countries": distinct(S.COUNTRY),
        "admin1": distinct(S.ADMIN1),
        "admin2": distinct(S.ADMIN2),
        "sources": distinct(S.SOURCE, split=True),
        "first_day": _day(frame[S.EVENT_DATE].min()),
        "last_day": _day(frame[S.EVENT_DATE_END].fillna(frame[S.EVENT_DATE]).max()),
    }


def choices() -> dict[str, list]:
    """Values the filters offer: actors, places and outlets present in the store, the date span."""
    return _choices(store_target(), snapshot().revision)


def _day(value: object):
    return None if pd.isna(value) else pd.Timestamp(value).date()


@st.cache_data(show_spinner=False, max_entries=2)
def outlines(path: str | None) -> gpd.GeoSeries | None:
    """Boundaries the user supplied (CONFLICTMAP_BOUNDARIES), simplified for drawing."""
    if not path:
        return None
    try:
        from geo.places.boundaries import load_boundaries
    except ImportError:
        return None
    frame = load_boundaries(path)
    return frame.geometry.boundary.simplify(0.005)
