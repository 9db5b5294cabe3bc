"""Events counted into map cells and timeline periods: what the browser gets when events are many.

A map cannot show a million markers, and a browser cannot receive them: past a few thousand
events in view the map draws :func:`grid_cells` instead, squares of the screen (``cell_px``
pixels at the map's zoom, on the Web Mercator grid the tiles use) with how many events fell in
each, their event-type mix and fatalities. However many events there are, the payload holds at
most ``max_cells`` cells: where more cells would be needed the grid coarsens.

The timeline gets :func:`timeline_counts`: events per day, week or month and event type.

Both take the events, optionally with a boolean ``keep`` (what the filters kept, see
:meth:`geo.query.EventIndex.mask`) and the frame's :class:`~geo.query.EventIndex`, whose codes
spare a pass over the text columns. Everything is vectorised: counting a million events takes
tens of milliseconds.
"""

from __future__ import annotations

import json
import math
from typing import Literal

import numpy as np
import pandas as pd

from geo import schema as S
from geo.query import BBox, EventIndex

# Above this many events in view the map shows cells; at or below, one marker per event. Each
# marker costs the server its popup and the browser a DOM element: 1,000 of them take about
# 0.15 s to prepare and 0.4 MB to send, 3,000 three times that, and so many markers overlap
# at the zoom where they fit one screen, where counted cells say more.
MARKERS_MAX = 1_000
# A cell is this many screen pixels wide at the map's zoom (Leaflet tiles are 256 pixels).
CELL_PX = 64
# However many events there are, the browser receives at most this many cells.
MAX_CELLS = 2_500
TILE_PX = 256
MAX_LAT = 85.05112878  # Web Mercator's edge
OTHER_TYPE = "Other"  # events whose type is missing or outside the ACLED taxonomy

Period = Literal["day", "week", "month"]
PERIOD = "period"
EVENTS = "events"

CELL_COLUMNS = (
    "latitude",  # mean position of the cell's events: where the circle is drawn
    "longitude",
    "south",
    "west",
    "north",
    "east",
    "count",
    "fatalities",
    *S.EVENT_TYPES,
    OTHER_TYPE,
)


# --- inputs -----------------------------------------------------------------------------------------
def _checked_index(events: pd.DataFrame, index: EventIndex | None) -> EventIndex | None:
    if index is not None and index.events is not events:
        msg = "the index was built for another frame: pass that frame, or no index"
        raise ValueError(msg)
    return index


def type_codes(
    events: pd.DataFrame, index: EventIndex | None = None, rows: np.ndarray | None = None
) -> np.ndarray:
    """Per chosen row (every row without ``rows``), the position of its event type in
    ``S.EVENT_TYPES``; ``len(S.EVENT_TYPES)`` (:data:`OTHER_TYPE`) for other or missing types."""
    if index is not None:
        codes, uniques = index.codes(S.EVENT_TYPE)
        codes = codes if rows is None else codes[rows]
    else:
        values = events[S.EVENT_TYPE].to_numpy()
        values = values if rows is None else values[rows]
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    other = len(S.EVENT_TYPES)
    position = {t: i for i, t in enumerate(S.EVENT_TYPES)}
    table = np.array([position.get(u, other) for u in uniques] + [other], dtype="int64")
    return table[np.where(codes < 0, len(uniques), codes)]


def _chosen(events: pd.DataFrame, keep: np.ndarray | None) -> np.ndarray:
    if keep is None:
        return np.arange(len(events))
    if len(keep) != len(events):
        msg = f"keep has {len(keep)} values for {len(events)} events"
        raise ValueError(msg)
    return np.flatnonzero(keep)


def _coordinates(events: pd.DataFrame, index: EventIndex | None) -> tuple[np.ndarray, np.ndarray]:
    if index is not None:
        return index.coordinates()
    return (
        events[S.LONGITUDE].to_numpy(dtype="float64"),
        events[S.LATITUDE].to_numpy(dtype="float64"),
    )


def _in_box(lon: np.ndarray, lat: np.ndarray, bbox: BBox | None) -> np.ndarray:
    located = ~(np.isnan(lon) | np.isnan(lat))
    if bbox is None:
        return located
    west, south, east, north = bbox
    return located & (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)


def in_view(
    events: pd.DataFrame,
    *,
    bbox: BBox | None = None,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
) -> np.ndarray:
    """Boolean array: the kept events with coordinates in ``bbox`` (anywhere without one)."""
    index = _checked_index(events, index)
    lon, lat = _coordinates(events, index)
    inside = _in_box(lon, lat, bbox)
    if keep is not None:
        inside &= keep
    return inside


def count_in_view(
    events: pd.DataFrame,
    *,
    bbox: BBox | None = None,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
) -> int:
    """How many kept events with coordinates lie in ``bbox`` (all of them without one)."""
    return int(in_view(events, bbox=bbox, keep=keep, index=index).sum())


def use_cells(in_view: int, *, markers_max: int = MARKERS_MAX) -> bool:
    """True when the map should draw cells rather than one marker per event."""
    return in_view > markers_max


# --- Web Mercator ---------------------------------------------------------------------------------
def _to_pixels(lon: np.ndarray, lat: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    """World pixel coordinates at ``zoom`` (x east, y south), as Leaflet computes them."""
    scale = TILE_PX * 2.0**zoom
    x = (lon + 180.0) / 360.0 * scale
    phi = np.radians(np.clip(lat, -MAX_LAT, MAX_LAT))
    y = (1.0 - np.arcsinh(np.tan(phi)) / np.pi) / 2.0 * scale
    return x, y


def _to_degrees(x: np.ndarray, y: np.ndarray, zoom: int) -> tuple[np.ndarray, np.ndarray]:
    scale = TILE_PX * 2.0**zoom
    lon = x / scale * 360.0 - 180.0
    lat = np.degrees(np.arctan(np.sinh(np.pi * (1.0 - 2.0 * y / scale))))
    return lon, lat


def view_bbox(
    center: tuple[float, float], zoom: int, *, width_px: int = 1000, height_px: int = 600
) -> BBox:
    """The (west, south, east, north) a map of that size shows at ``center`` (lat, lon), ``zoom``."""
    x, y = _to_pixels(np.array([center[1]]), np.array([center[0]]), zoom)
    xs = np.array([x[0] - width_px / 2, x[0] + width_px / 2])
    ys = np.array([y[0] + height_px / 2, y[0] - height_px / 2])
    lon, lat = _to_degrees(xs, ys, zoom)
    west, east = float(max(lon[0], -180.0)), float(min(lon[1], 180.0))
    return (west, float(lat[0]), east, float(lat[1]))


# --- map cells --------------------------------------------------------------------------------------
def grid_cells(
    events: pd.DataFrame,
    *,
    zoom: int,
    bbox: BBox | None = None,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
    cell_px: int = CELL_PX,
    max_cells: int = MAX_CELLS,
) -> pd.DataFrame:
    """Kept events with coordinates in ``bbox``, counted into square screen cells at ``zoom``.

    Returns one row per cell that holds events (columns :data:`CELL_COLUMNS`): the mean position
    of its events, the cell's bounds, the number of events, their fatalities, and how many are of
    each ACLED event type (``Other`` for the rest). The counts add up to the events counted. When
    more than ``max_cells`` cells would hold events, cells double in size until they fit.
    """
    index = _checked_index(events, index)
    lon, lat = _coordinates(events, index)
    rows = _chosen(events, keep)
    rows = rows[_in_box(lon[rows], lat[rows], bbox)]
    if len(rows) == 0:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in CELL_COLUMNS}).astype(
            {c: "int64" for c in CELL_COLUMNS[6:]}
        )
    x, y = _to_pixels(lon[rows], lat[rows], zoom)
    cx = np.floor(x / cell_px).astype("int64")
    cy = np.floor(y / cell_px).astype("int64")
    # One integer per cell; y stays below 2**31 up to zoom 23 at the smallest cells. Factorising
    # hashes (linear time): np.unique would sort a million keys, ten times slower.
    which, keys = pd.factorize((cx << 31) | cy)
    size = cell_px
    while len(keys) > max(max_cells, 1):
        # Coarsen the distinct cells, not the events: halving a key's x and y merges 2x2 cells.
        merged, keys = pd.factorize(((keys >> 32) << 31) | ((keys & (2**31 - 1)) >> 1))
        which = merged[which]
        size *= 2
    n_cells = len(keys)
    counts = np.bincount(which, minlength=n_cells)
    n_types = len(S.EVENT_TYPES) + 1
    mix = np.bincount(
        which * n_types + type_codes(events, index, rows), minlength=n_cells * n_types
    ).reshape(n_cells, n_types)
    if index is not None:
        fatalities = index.fatalities()[rows]
    else:
        fatalities = events[S.FATALITIES].fillna(0).to_numpy(dtype="int64")[rows]
    x0 = (keys >> 31).astype("float64") * size
    y0 = (keys & (2**31 - 1)).astype("float64") * size
    west, north = _to_degrees(x0, y0, zoom)
    east, south = _to_degrees(x0 + size, y0 + size, zoom)
    out = {
        "latitude": np.bincount(which, weights=lat[rows], minlength=n_cells) / counts,
        "longitude": np.bincount(which, weights=lon[rows], minlength=n_cells) / counts,
        "south": south,
        "west": west,
        "north": north,
        "east": east,
        "count": counts.astype("int64"),
        "fatalities": np.bincount(which, weights=fatalities, minlength=n_cells).astype("int64"),
    }
    for i, name in enumerate((*S.EVENT_TYPES, OTHER_TYPE)):
        out[name] = mix[:, i]
    cells = pd.DataFrame(out)
    cells.attrs["cell_px"] = size
    return cells.sort_values("count", ascending=False, kind="stable").reset_index(drop=True)


def cells_payload(cells: pd.DataFrame, *, digits: int = 4) -> str:
    """The cells as compact JSON for the browser: bounded by the number of cells, not of events.

    ``{"types": [...], "cells": [[lat, lon, south, west, north, east, count, fatalities,
    [count per type]], ...]}``; types with no event in any cell are left out of both.
    """
    names = [t for t in (*S.EVENT_TYPES, OTHER_TYPE) if t in cells and cells[t].any()]
    coords = cells[["latitude", "longitude", "south", "west", "north", "east"]].round(digits)
    rows = [
        [*c, int(n), int(f), m]
        for c, n, f, m in zip(
            coords.to_numpy().tolist(),
            cells["count"].tolist(),
            cells["fatalities"].tolist(),
            cells[names].to_numpy(dtype="int64").tolist(),
            strict=True,
        )
    ]
    return json.dumps({"types": names, "cells": rows}, separators=(",", ":"))


# --- timeline -------------------------------------------------------------------------------------
def timeline_counts(
    events: pd.DataFrame,
    *,
    period: Period = "week",
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
) -> pd.DataFrame:
    """Kept events per period and event type: columns ``period`` (its first day), ``event_type``,
    ``events``; weeks start on Monday. Undated events are left out; a missing type is "unknown".

    Rows come by period, then in the taxonomy's order of types, then other types by name.
    """
    index = _checked_index(events, index)
    rows = _chosen(events, keep)
    days = events[S.EVENT_DATE].to_numpy(dtype="datetime64[D]")[rows]
    dated = ~np.isnat(days)
    rows, days = rows[dated], days[dated]
    if period == "month":
        starts = days.astype("datetime64[M]")
        number = starts.astype("int64")
    else:
        number = days.astype("int64")
        if period == "week":
            number = number - (number + 3) % 7  # 1970-01-01 was a Thursday: weekday 3
        elif period != "day":
            msg = f"period must be day, week or month, not {period!r}"
            raise ValueError(msg)
    if index is not None:
        codes, uniques = index.codes(S.EVENT_TYPE)
        codes = codes[rows]
    else:
        codes, uniques = pd.factorize(events[S.EVENT_TYPE].to_numpy()[rows], use_na_sentinel=True)
    names = [*(str(u) for u in uniques), "unknown"]
    codes = np.where(codes < 0, len(uniques), codes)
    if len(rows) == 0:
        return pd.DataFrame(
            {
                PERIOD: pd.Series(dtype="datetime64[ns]"),
                S.EVENT_TYPE: pd.Series(dtype="str"),
                EVENTS: pd.Series(dtype="int64"),
            }
        )
    first = number.min()
    n_types = len(names)
    tally = np.bincount((number - first) * n_types + codes)
    found = np.flatnonzero(tally)
    periods = found // n_types + first
    unit = "M" if period == "month" else "D"
    start = periods.astype(f"datetime64[{unit}]").astype("datetime64[ns]")
    order_of = {t: i for i, t in enumerate(S.EVENT_TYPES)}
    rank = np.array(
        [order_of.get(n, len(order_of)) for n in names], dtype="int64"
    )  # taxonomy order first
    type_idx = found % n_types
    table = pd.DataFrame(
        {
            PERIOD: start,
            S.EVENT_TYPE: pd.array(np.array(names, dtype=object)[type_idx], dtype="str"),
            EVENTS: tally[found].astype("int64"),
            "_rank": rank[type_idx],
        }
    )
    table = table.sort_values([PERIOD, "_rank", S.EVENT_TYPE], kind="stable")
    return table.drop(columns="_rank").reset_index(drop=True)


def cell_size_km(zoom: int, latitude: float, *, cell_px: int = CELL_PX) -> float:
    """How wide a cell is on the ground at ``latitude``: to say what a cell covers in a legend."""
    metres_per_px = 156_543.03392 * math.cos(math.radians(latitude)) / 2**zoom
    return metres_per_px * cell_px / 1000
