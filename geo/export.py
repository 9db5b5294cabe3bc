"""Export events in the formats analysts take elsewhere: one registry for the CLI and dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from geo.errors import ConflictmapError
from geo.formats import csvfile, geojson
from geo.query import Filters


@dataclass(frozen=True)
class Format:
    name: str
    extension: str
    media_type: str
    to_bytes: Callable[[pd.DataFrame], bytes]
    write: Callable[[pd.DataFrame, str | Path | IO[str]], int]


FORMATS: dict[str, Format] = {
    "geojson": Format("geojson", "geojson", geojson.MEDIA_TYPE, geojson.to_bytes, geojson.write),
    "csv": Format("csv", "csv", csvfile.MEDIA_TYPE, csvfile.to_bytes, csvfile.write),
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
