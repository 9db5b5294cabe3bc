"""Places the store's events already name: the analyst's own gazetteer.

GeoNames' cities500 holds a few hundred towns of Syria and Iraq; the villages where most events
happen are in the analyst's own data: an ACLED or UCDP import codes each event to its village, at
precision 1, with the village's name and point. A report that names the village later should be
placed there, not at its governorate.

A known place is made from the reviewed events (imported or accepted, never drafts) coded at
geo_precision 1 under one name: its point is the median of theirs, and events of the same name
more than ``CLUSTER_KM`` apart are different places (homonyms). The geocoder consults them only
where its gazetteer has no answer (:meth:`geo.places.geocode.Geocoder.with_known`): they fill
gaps, they never override a curated site or a GeoNames town.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Protocol

import numpy as np

from geo.places.gazetteer import Place, find_country, name_key

if TYPE_CHECKING:
    import pandas as pd

    from geo.places.geocode import Geocoder

CLUSTER_KM = 12.0  # the geocoder's own: points closer than this are one place
SOURCE = "store"


class EventSource(Protocol):
    """What a store offers here: its events and a number that changes when they do."""

    def load(self) -> pd.DataFrame: ...

    def revision(self) -> int: ...


def known_places(events: pd.DataFrame) -> list[Place]:
    """The places that reviewed events coded at geo_precision 1 name, one per name and spot."""
    import pandas as pd

    from geo import schema as S

    needed = {S.LOCATION, S.LATITUDE, S.LONGITUDE, S.GEO_PRECISION, S.COUNTRY}
    if events.empty or not needed <= set(events.columns):
        return []
    keep = (
        events[S.LOCATION].notna()
        & events[S.LATITUDE].notna()
        & events[S.LONGITUDE].notna()
        & (events[S.GEO_PRECISION] == 1)
    )
    if S.STATUS in events.columns:
        keep &= events[S.STATUS] == "reviewed"
    rows = events.loc[keep]
    if rows.empty:
        return []
    # Names and countries are few against the events: each is read once.
    location = rows[S.LOCATION].astype(str).str.strip()
    keys = {name: name_key(name) for name in location.unique()}
    countries = {c: find_country(c) for c in rows[S.COUNTRY].dropna().unique()}
    table = pd.DataFrame(
        {
            "location": location,
            "key": location.map(keys),
            "iso2": rows[S.COUNTRY].map(lambda c: countries[c].iso2 if countries.get(c) else ""),
            "latitude": rows[S.LATITUDE].astype(float),
            "longitude": rows[S.LONGITUDE].astype(float),
            "admin1": _text(rows, S.ADMIN1),
            "admin2": _text(rows, S.ADMIN2),
            "event_id": _text(rows, S.EVENT_ID),
        }
    )
    table = table[(table["key"] != "") & (table["iso2"] != "")]
    places: list[Place] = []
    for (iso2, key), group in table.groupby(["iso2", "key"], sort=True):
        for n, spot in enumerate(_spots(group)):
            places.append(_place(str(iso2), str(key), n, spot))
    return places


def _text(rows: pd.DataFrame, name: str) -> pd.Series:
    import pandas as pd

    if name not in rows.columns:
        return pd.Series("", index=rows.index)
    return rows[name].astype(object).where(rows[name].notna(), "").astype(str)


def _spots(group: pd.DataFrame) -> list[pd.DataFrame]:
    """Events of one name, grouped by where they are: each group is the events within
    CLUSTER_KM of the first one left."""
    from geo.places.geocode import haversine_km

    lat, lon = group["latitude"].to_numpy(), group["longitude"].to_numpy()
    left = np.arange(len(group))
    spots = []
    while left.size:
        near = haversine_km(lat[left[0]], lon[left[0]], lat[left], lon[left]) <= CLUSTER_KM
        spots.append(group.iloc[left[near]])
        left = left[~near]
    return spots


def _place(iso2: str, key: str, n: int, spot: pd.DataFrame) -> Place:
    spellings = spot["location"].value_counts(sort=True)
    name = str(spellings.index[0])
    arabic = [s for s in spellings.index if re.search("[\u0600-\u06ff]", s)]
    example = next((e for e in spot["event_id"] if e), "")
    count = f"{len(spot)} event{'s' if len(spot) > 1 else ''}"
    return Place(
        place_id=f"{SOURCE}:{iso2.lower()}:{key}" + (f":{n + 1}" if n else ""),
        name_en=name,
        name_ar=arabic[0] if arabic else "",
        kind="town",
        latitude=round(float(spot["latitude"].median()), 5),
        longitude=round(float(spot["longitude"].median()), 5),
        country=iso2,
        admin1=str(spot["admin1"].mode().iloc[0]),
        admin2=str(spot["admin2"].mode().iloc[0]),
        population=-1,
        source=SOURCE,
        coord_source=f"the store: {count} coded there at precision 1"
        + (f", e.g. {example}" if example else ""),
        names=tuple(str(x) for x in spellings.index),
    )


_MEMO: dict[str, tuple[int, Geocoder]] = {}


def geocoder_with_store(store: EventSource, *, events: pd.DataFrame | None = None) -> Geocoder:
    """The geocoder with the places ``store`` knows, rebuilt when the store's revision moves.

    ``events``: the store's events, when the caller holds them already (read otherwise)."""
    from geo.places.geocode import default_geocoder

    label = str(getattr(store, "path", None) or getattr(store, "url", None) or id(store))
    revision = store.revision()
    memo = _MEMO.get(label)
    if memo is None or memo[0] != revision:
        held = store.load() if events is None else events
        memo = _MEMO[label] = (revision, default_geocoder().with_known(known_places(held)))
    return memo[1]
