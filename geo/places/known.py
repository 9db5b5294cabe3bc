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
from collections import Counter
from collections.abc import Callable
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
    groups: dict[tuple[str, str], list[tuple[str, float, float, str, str, str]]] = {}
    for loc, lat, lon, country, admin1, admin2, event_id in zip(
        rows[S.LOCATION].astype(str),
        rows[S.LATITUDE].astype(float),
        rows[S.LONGITUDE].astype(float),
        rows[S.COUNTRY],
        _column(rows, S.ADMIN1),
        _column(rows, S.ADMIN2),
        _column(rows, S.EVENT_ID),
        strict=True,
    ):
        info = find_country(country)
        key = name_key(loc)
        if info is None or not key:
            continue
        groups.setdefault((info.iso2, key), []).append(
            (loc.strip(), lat, lon, admin1, admin2, event_id)
        )
    places: list[Place] = []
    for (iso2, key), found in sorted(groups.items()):
        for n, spot in enumerate(_spots(found)):
            places.append(_place(iso2, key, n, spot))
    return places


def _column(rows: pd.DataFrame, name: str) -> list[str]:
    if name not in rows.columns:
        return [""] * len(rows)
    return ["" if v is None or v != v else str(v) for v in rows[name]]


def _spots(
    found: list[tuple[str, float, float, str, str, str]],
) -> list[list[tuple[str, float, float, str, str, str]]]:
    """Events of one name, grouped by where they are: the first of each group is its seed."""
    from geo.places.geocode import haversine_km

    spots: list[list[tuple[str, float, float, str, str, str]]] = []
    for event in found:
        for spot in spots:
            if float(haversine_km(spot[0][1], spot[0][2], event[1], event[2])) <= CLUSTER_KM:
                spot.append(event)
                break
        else:
            spots.append([event])
    return spots


def _place(
    iso2: str, key: str, n: int, spot: list[tuple[str, float, float, str, str, str]]
) -> Place:
    spellings = Counter(e[0] for e in spot)
    name = spellings.most_common(1)[0][0]
    arabic = [s for s in spellings if re.search("[\u0600-\u06ff]", s)]
    example = next((e[5] for e in spot if e[5]), "")
    count = f"{len(spot)} event{'s' if len(spot) > 1 else ''}"
    return Place(
        place_id=f"{SOURCE}:{iso2.lower()}:{key}" + (f":{n + 1}" if n else ""),
        name_en=name,
        name_ar=arabic[0] if arabic else "",
        kind="town",
        latitude=round(float(np.median([e[1] for e in spot])), 5),
        longitude=round(float(np.median([e[2] for e in spot])), 5),
        country=iso2,
        admin1=Counter(e[3] for e in spot).most_common(1)[0][0],
        admin2=Counter(e[4] for e in spot).most_common(1)[0][0],
        population=-1,
        source=SOURCE,
        coord_source=f"the store: {count} coded there at precision 1"
        + (f", e.g. {example}" if example else ""),
        names=tuple(spellings),
    )


_MEMO: dict[str, tuple[int, Geocoder]] = {}


def geocoder_with_store(
    store: EventSource, *, base: Callable[[], Geocoder] | None = None
) -> Geocoder:
    """The process-wide geocoder, with the places ``store`` knows; rebuilt when its revision moves."""
    from geo.places.geocode import default_geocoder

    label = str(getattr(store, "path", None) or getattr(store, "url", None) or id(store))
    revision = store.revision()
    memo = _MEMO.get(label)
    if memo is None or memo[0] != revision:
        coder = (base or default_geocoder)().with_known(known_places(store.load()))
        _MEMO[label] = memo = (revision, coder)
    return memo[1]
