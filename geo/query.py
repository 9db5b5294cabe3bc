"""Filters over events: one frozen value that the CLI, the dashboard and the URL all speak.

``Filters`` turns into a boolean mask over a frame with vectorised operations only, so the same
filter costs milliseconds on a million events. Empty fields filter nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date

import numpy as np
import pandas as pd
import shapely

from geo import schema as S

BBox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat


@dataclass(frozen=True)
class Filters:
    """What an analyst narrowed the events down to."""

    date_from: date | None = None
    date_to: date | None = None
    actors: tuple[str, ...] = ()  # either side, primary or associated
    actor_types: tuple[str, ...] = ()  # inter1 or inter2
    event_types: tuple[str, ...] = ()
    sub_event_types: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    admin1: tuple[str, ...] = ()
    admin2: tuple[str, ...] = ()
    min_fatalities: int | None = None
    sources: tuple[str, ...] = ()  # outlet names; matches one of the '; '-separated sources
    geo_precision: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    text: str = ""  # case-insensitive, in notes, evidence, location and actors
    bbox: BBox | None = None
    area_wkt: str | None = None  # a drawn polygon; events inside it

    def is_empty(self) -> bool:
        return self == Filters()

    def cleared(self) -> Filters:
        return Filters()

    def with_(self, **changes: object) -> Filters:
        return replace(self, **changes)

    def describe(self) -> str:
        """A short slug of what is filtered, for file names: ``2022-10-01_2022-10-31_battles``."""
        parts: list[str] = []
        if self.date_from or self.date_to:
            parts.append(f"{self.date_from or 'start'}_{self.date_to or 'end'}")
        for name in ("event_types", "sub_event_types", "actors", "countries", "admin1", "admin2"):
            values = getattr(self, name)
            if values:
                parts.append("-".join(values) if len(values) <= 2 else f"{len(values)}{name}")
        if self.bbox or self.area_wkt:
            parts.append("area")
        if self.text:
            parts.append(self.text)
        slug = "_".join(parts) or "all"
        keep = "".join(c if c.isalnum() or c in "-_" else "-" for c in slug.lower())
        return "-".join(filter(None, keep.split("-")))[:80] or "all"


def _isin(series: pd.Series, values: tuple) -> np.ndarray:
    return series.isin(values).to_numpy(dtype=bool, na_value=False)


def _contains_any(series: pd.Series, needles: tuple[str, ...]) -> np.ndarray:
    out = np.zeros(len(series), dtype=bool)
    for needle in needles:
        out |= series.str.contains(needle, case=False, regex=False).to_numpy(
            dtype=bool, na_value=False
        )
    return out


def exact_matches(filters: Filters) -> list[tuple[str, tuple[str, ...]]]:
    """(column, values) for each set filter that keeps a row whose column is one of the values."""
    pairs = (
        (S.EVENT_TYPE, filters.event_types),
        (S.SUB_EVENT_TYPE, filters.sub_event_types),
        (S.COUNTRY, filters.countries),
        (S.ADMIN1, filters.admin1),
        (S.ADMIN2, filters.admin2),
        (S.STATUS, filters.statuses),
    )
    return [(column, values) for column, values in pairs if values]


def mask(events: pd.DataFrame, filters: Filters) -> np.ndarray:
    """Boolean array: True for the events the filters keep."""
    n = len(events)
    keep = np.ones(n, dtype=bool)
    if n == 0:
        return keep
    dates = events[S.EVENT_DATE]
    ends = events[S.EVENT_DATE_END].fillna(dates)
    # A span is kept when it overlaps the chosen range, not only when it starts inside it.
    if filters.date_from is not None:
        keep &= (ends >= pd.Timestamp(filters.date_from)).to_numpy(dtype=bool, na_value=False)
    if filters.date_to is not None:
        keep &= (dates <= pd.Timestamp(filters.date_to)).to_numpy(dtype=bool, na_value=False)
    if filters.actors:
        either = _isin(events[S.ACTOR1], filters.actors) | _isin(events[S.ACTOR2], filters.actors)
        assoc = _contains_any(events[S.ASSOC_ACTOR_1], filters.actors) | _contains_any(
            events[S.ASSOC_ACTOR_2], filters.actors
        )
        keep &= either | assoc
    if filters.actor_types:
        keep &= _isin(events[S.INTER1], filters.actor_types) | _isin(
            events[S.INTER2], filters.actor_types
        )
    for column, values in exact_matches(filters):
        keep &= _isin(events[column], values)
    if filters.geo_precision:
        keep &= _isin(events[S.GEO_PRECISION], filters.geo_precision)
    if filters.min_fatalities is not None:
        fat = events[S.FATALITIES].fillna(0).to_numpy(dtype="int64")
        keep &= fat >= filters.min_fatalities
    if filters.sources:
        keep &= _contains_any(events[S.SOURCE], filters.sources)
    if filters.text:
        needle = (filters.text.strip(),)
        hit = np.zeros(n, dtype=bool)
        for column in (S.NOTES, S.EVIDENCE, S.LOCATION, S.ACTOR1, S.ACTOR2):
            hit |= _contains_any(events[column], needle)
        keep &= hit
    lon = events[S.LONGITUDE].to_numpy(dtype="float64")
    lat = events[S.LATITUDE].to_numpy(dtype="float64")
    if filters.bbox is not None:
        minx, miny, maxx, maxy = filters.bbox
        keep &= (lon >= minx) & (lon <= maxx) & (lat >= miny) & (lat <= maxy)
    if filters.area_wkt:
        area = shapely.from_wkt(filters.area_wkt)
        shapely.prepare(area)
        candidates = np.flatnonzero(keep)
        inside = shapely.contains_xy(area, lon[candidates], lat[candidates])
        keep[candidates] = inside
    return keep


def apply(events: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The events the filters keep, in the store's order."""
    return events.loc[mask(events, filters)]


def filter_names() -> tuple[str, ...]:
    return tuple(f.name for f in fields(Filters))
