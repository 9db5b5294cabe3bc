"""Export events in the formats analysts take elsewhere: one registry for the CLI and dashboard.

=========  ===================  =====================================================================
name       file                 what
=========  ===================  =====================================================================
geojson    ``.geojson``         RFC 7946 points, every column as a property, ISO dates
csv        ``.csv``             every schema column, in schema order (round-trips through import)
acled      ``.acled.csv``       ACLED's current 31-column layout and order, for ACLED scripts; the
                                columns ACLED has no place for are left out (geo.formats.acled)
gpkg       ``.gpkg``            one point layer ``events`` with typed fields (DATE, INTEGER, REAL)
kml        ``.kml``             Google Earth: a placemark per event, styled by event type
=========  ===================  =====================================================================

``Format.write(events, target)`` writes a file (text formats also take an open text stream; the
GeoPackage needs a path) and returns the number of events; ``Format.to_bytes(events)`` gives the
whole file for a download button. Both depend only on the events passed, so the dashboard and
``conflictmap export`` produce the same bytes for the same filters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from geo.errors import ConflictmapError
from geo.formats import acled, csvfile, geojson, gpkg, kml
from geo.query import Filters


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    to_bytes: Callable[[pd.DataFrame], bytes]
    write: Callable[[pd.DataFrame, str | Path | IO[str]], int]
    binary: bool = False  # True: write to a path, not a text stream (the GeoPackage)


FORMATS: dict[str, Format] = {
    "geojson": Format("geojson", "geojson", geojson.MEDIA_TYPE, geojson.to_bytes, geojson.write),
    "csv": Format("csv", "csv", csvfile.MEDIA_TYPE, csvfile.to_bytes, csvfile.write),
    "acled": Format("acled", "acled.csv", acled.MEDIA_TYPE, acled.to_bytes, acled.write),
    "gpkg": Format("gpkg", "gpkg", gpkg.MEDIA_TYPE, gpkg.to_bytes, gpkg.write, binary=True),
    "kml": Format("kml", "kml", kml.MEDIA_TYPE, kml.to_bytes, kml.write),
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ConflictmapError(f"unknown export format {name!r}; choose one of {known}") from None


def export(events: pd.DataFrame, fmt: str, target: str | Path) -> int:
    """Write events to ``target`` in format ``fmt``; returns how many were written."""
    return get_format(fmt).write(events, target)


def filename(filters: Filters, fmt: str) -> str:
    """A file name that says what was filtered: ``conflictmap_2022-10-01_2022-10-31.geojson``."""
    return f"conflictmap_{filters.describe()}.{get_format(fmt).extension}"
