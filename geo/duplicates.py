"""Probable duplicates across sources: one strike reported by two outlets, or by ACLED and UCDP.

Two events are flagged as a probable duplicate pair when all of these hold:

* their days overlap (the same day, or spans that share a day);
* they lie within ``radius_km`` (10 km) of each other, measured on the sphere;
* they have the same sub-event type;
* they share an actor (either side, primary or associated), names compared loosely: letter case
  and bracketed years such as ``(2000-)`` are ignored, and "Government of X" / "Military Forces
  of X" / "Police Forces of X" count as one (by the country's ISO code where it is known), since
  ACLED and UCDP name state forces differently
  (other brackets stay: "Militia (Pro-Iran)" is not "Militia (Pro-Government)");
* they come from different sources: another dataset (``origin``), or, within our own events
  (hand-coded, extracted, GeoJSON), another set of outlets (``source``). Two ACLED events, or two
  UCDP events, are never paired: each dataset removes its own duplicates, so two of its events
  in one town on one day (common for protests) are two events.

Finding pairs never compares every event with every other: each event is placed once per day it
covers in a 2-D R-tree whose x axis is day and longitude and whose y axis is sub-event type and
latitude, so one vectorised query returns only events that share a day and a type and lie within
a box of about the radius; the exact distance and actor checks then run on those candidates
alone. Events whose span is longer than ``max_span_days`` (UCDP's year-precision rows) are not
matched: a year-long span overlaps everything nearby and would flood the list. Places within the
radius across the 180th meridian are not paired.

Merging (:func:`merge`) keeps every source: in each group of duplicates one event is kept (reviewed
before draft, then hand-coded, extracted, ACLED, UCDP, GeoJSON; then the finer geo and time
precision) and gains the other events' outlets, links and ids; the others stay in the store,
marked ``rejected`` with a ``duplicate of <id>`` tag, so a merge can be undone by hand.
Fatalities are not added up: the events are one event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import shapely

from geo import schema as S
from geo.formats import ucdp

RADIUS_KM = 10.0
MAX_SPAN_DAYS = 31
EARTH_RADIUS_KM = 6371.0088
_KM_PER_DEGREE = 2 * np.pi * EARTH_RADIUS_KM / 360
# Day and type are folded into the R-tree's axes at strides wider than any longitude/latitude.
_DAY_STRIDE = 1000.0
_TYPE_STRIDE = 1000.0

PAIR_COLUMNS = ("event_id_a", "event_id_b", "distance_km", "shared_actors")
# Datasets that remove their own duplicates: two events of one of them are two events.
CURATED_DATASETS = ("acled", "ucdp")
ORIGIN_RANK = {"hand": 0, "extracted": 1, "acled": 2, "ucdp": 3, "geojson": 4, "gdelt": 5}
STATUS_RANK = {"reviewed": 0, "draft": 1, "rejected": 2}

# Only the years in brackets: "(Pro-Iran)" or "(Syria)" tell actors apart, "(2000-)" does not.
_YEARS = re.compile(r"\s*\(\s*\d{4}\s*-?\s*(\d{4})?\s*\)")
_STATE = re.compile(r"^(government|military forces|police forces|armed forces) of (the )?")


@lru_cache(maxsize=4096)
def actor_key(name: str) -> str:
    """A loose key for an actor name: ``Military Forces of Syria (2000-)`` -> ``state:SYR``.

    State forces are keyed by their country's ISO code where the country is known, so that
    ACLED's "Military Forces of the United States" meets UCDP's "Government of United States of
    America".
    """
    key = " ".join(_YEARS.sub("", name).casefold().split())
    if _STATE.match(key):
        country = _STATE.sub("", key)
        found = ucdp.find_country(country)
        key = "state:" + (found.iso3 if found else country)
    return key


def actor_keys(event: pd.Series | dict) -> set[str]:
    """The loose keys of every actor of an event: actor1/2 and their associated actors."""
    keys: set[str] = set()
    for column in (S.ACTOR1, S.ACTOR2, S.ASSOC_ACTOR_1, S.ASSOC_ACTOR_2):
        value = event[column]
        if isinstance(value, str) and value.strip():
            keys.update(actor_key(part) for part in value.split(";") if part.strip())
    return keys


def _outlets_key(value: str) -> str:
    """Outlets as one comparable text, whatever their order and letter case."""
    return "; ".join(sorted({p.strip().casefold() for p in value.split(";") if p.strip()}))


def haversine_km(
    lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray
) -> np.ndarray:
    """Great-circle distance in km between arrays of points given in degrees."""
    lon1, lat1, lon2, lat2 = (
        np.radians(np.asarray(a, dtype="float64")) for a in (lon1, lat1, lon2, lat2)
    )
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


def _candidates(
    events: pd.DataFrame, radius_km: float, max_span_days: int
) -> tuple[np.ndarray, np.ndarray]:
    """Positional index pairs (i < j) that share a day and a sub-event type and lie within a box
    of about ``radius_km``."""
    lon = events[S.LONGITUDE].to_numpy(dtype="float64")
    lat = events[S.LATITUDE].to_numpy(dtype="float64")
    start = events[S.EVENT_DATE].to_numpy(dtype="datetime64[D]")
    end = events[S.EVENT_DATE_END].fillna(events[S.EVENT_DATE]).to_numpy(dtype="datetime64[D]")
    types, _ = pd.factorize(events[S.SUB_EVENT_TYPE])
    ok = ~(np.isnan(lon) | np.isnan(lat) | np.isnat(start) | (types < 0))
    days = np.where(ok, (end - start).astype("int64"), -1)
    ok &= (days >= 0) & (days <= max_span_days)
    which = np.flatnonzero(ok)
    if len(which) < 2:
        return np.array([], dtype="int64"), np.array([], dtype="int64")
    # One record per event and day it covers.
    repeat = days[which] + 1
    rec = np.repeat(which, repeat)
    offset = np.arange(len(rec)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    day = (start[rec] - start[which].min()).astype("int64") + offset
    x = day * _DAY_STRIDE + (lon[rec] + 180.0)
    y = types[rec] * _TYPE_STRIDE + (lat[rec] + 90.0)
    dlat = radius_km / _KM_PER_DEGREE * 1.01
    dlon = np.minimum(dlat / np.maximum(np.cos(np.radians(lat[rec])), 1e-6), 360.0)
    tree = shapely.STRtree(shapely.points(x, y))
    boxes = shapely.box(x - dlon, y - dlat, x + dlon, y + dlat)
    a, b = tree.query(boxes, predicate="intersects")
    i, j = rec[a], rec[b]
    keep = i < j
    pairs = np.unique(np.stack([i[keep], j[keep]], axis=1), axis=0)
    if not len(pairs):
        return np.array([], dtype="int64"), np.array([], dtype="int64")
    return pairs[:, 0], pairs[:, 1]


def find(
    events: pd.DataFrame,
    *,
    radius_km: float = RADIUS_KM,
    max_span_days: int = MAX_SPAN_DAYS,
) -> pd.DataFrame:
    """Probable duplicate pairs among typed events (see the module docstring for the rules).

    Returns a frame with ``event_id_a``, ``event_id_b``, ``distance_km`` and ``shared_actors``
    (the actor keys both share, "; "-separated), nearest pairs first.
    """
    i, j = _candidates(events, radius_km, max_span_days)
    empty = pd.DataFrame(
        {c: pd.Series(dtype="float64" if c == "distance_km" else "str") for c in PAIR_COLUMNS}
    )
    if not len(i):
        return empty
    lon = events[S.LONGITUDE].to_numpy(dtype="float64")
    lat = events[S.LATITUDE].to_numpy(dtype="float64")
    distance = haversine_km(lon[i], lat[i], lon[j], lat[j])
    near = distance <= radius_km
    i, j, distance = i[near], j[near], distance[near]

    origin, _ = pd.factorize(events[S.ORIGIN])
    outlets, _ = pd.factorize(events[S.SOURCE].map(_outlets_key, na_action="ignore"))
    curated = events[S.ORIGIN].isin(CURATED_DATASETS).to_numpy()
    same_origin = origin[i] == origin[j]
    other_source = ~same_origin | (outlets[i] != outlets[j]) | (outlets[i] < 0)
    other_source &= ~(same_origin & curated[i])
    i, j, distance = i[other_source], j[other_source], distance[other_source]

    involved = np.unique(np.concatenate([i, j]))
    records = events.iloc[involved][[S.ACTOR1, S.ACTOR2, S.ASSOC_ACTOR_1, S.ASSOC_ACTOR_2]]
    keys = {
        pos: actor_keys(row) for pos, row in zip(involved, records.to_dict("records"), strict=True)
    }
    shared = [keys[a] & keys[b] for a, b in zip(i, j, strict=True)]
    overlap = np.array([bool(s) for s in shared], dtype=bool)
    ids = events[S.EVENT_ID].to_numpy(dtype=object)
    found = pd.DataFrame(
        {
            "event_id_a": ids[i[overlap]],
            "event_id_b": ids[j[overlap]],
            "distance_km": distance[overlap].round(3),
            "shared_actors": [
                "; ".join(sorted(s)) for s, o in zip(shared, overlap, strict=True) if o
            ],
        }
    )
    if found.empty:
        return empty
    return found.sort_values(["distance_km", "event_id_a", "event_id_b"], ignore_index=True)


# --- merging --------------------------------------------------------------------------------------
def groups(pairs: pd.DataFrame) -> list[list[str]]:
    """Connected groups of event ids from duplicate pairs (a-b and b-c make one group a, b, c)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(pairs["event_id_a"], pairs["event_id_b"], strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for x in parent:
        members.setdefault(root(x), []).append(x)
    return sorted(sorted(m) for m in members.values())


def _keeper_order(group: pd.DataFrame) -> pd.DataFrame:
    rank = pd.DataFrame(
        {
            "status": group[S.STATUS].map(STATUS_RANK).fillna(9),
            "origin": group[S.ORIGIN].map(ORIGIN_RANK).fillna(9),
            "geo": group[S.GEO_PRECISION].astype("float64").fillna(9),
            "time": group[S.TIME_PRECISION].astype("float64").fillna(9),
            "id": group[S.EVENT_ID],
        },
        index=group.index,
    )
    return group.loc[rank.sort_values(list(rank.columns)).index]


def _union(values: Iterable[object], sep: str, split: str) -> str | None:
    seen: dict[str, str] = {}
    for value in values:
        if not isinstance(value, str):
            continue
        for part in value.split(split):
            part = part.strip()
            if part and part.casefold() not in seen:
                seen[part.casefold()] = part
    return sep.join(seen.values()) or None


def merge(events: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """The events of every duplicate group, changed as a merge changes them (see module docstring).

    Only the changed events are returned, indexed like ``events``; write them back with the
    store's ``update`` (the CLI's ``duplicates --merge`` does).
    """
    by_id = events.set_index(S.EVENT_ID, drop=False)
    changed = []
    for ids in groups(pairs):
        group = _keeper_order(by_id.loc[ids])
        keeper = group.iloc[0].copy()
        others = group.iloc[1:]
        keeper[S.SOURCE] = _union(group[S.SOURCE], "; ", ";")
        keeper[S.SOURCE_URL] = _union(group[S.SOURCE_URL], " ", " ")
        merged_tags = [keeper[S.TAGS], *(f"merged {eid}" for eid in others[S.EVENT_ID])]
        keeper[S.TAGS] = _union(merged_tags, "; ", ";")
        changed.append(keeper)
        for _, other in others.iterrows():
            other = other.copy()
            other[S.STATUS] = "rejected"
            other[S.TAGS] = _union([other[S.TAGS], f"duplicate of {keeper[S.EVENT_ID]}"], "; ", ";")
            changed.append(other)
    if not changed:
        return events.iloc[:0]
    return pd.DataFrame(changed).reset_index(drop=True)
