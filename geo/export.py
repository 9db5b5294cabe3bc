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

Nothing exported can attack whoever opens it: ``source_url`` keeps only http(s) links
(:func:`safe_links`), KML escapes every text, and the CSV formats put an apostrophe before a cell
a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) unless
``raw`` is asked for.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pandas as pd

from geo import schema as S
from geo.errors import ConflictmapError
from geo.formats import acled, csvfile, geojson, gpkg, kml, link_files
from geo.query import Filters


@dataclass(frozen=True)
class Format:
    """One export format; :meth:`write` and :meth:`to_bytes` keep only http(s) links."""

    name: str
    extension: str
    media_type: str
    _to_bytes: Callable[..., bytes]
    _write: Callable[..., int]
    binary: bool = False  # True: write to a path, not a text stream (the GeoPackage)
    formulas: bool = False  # True: a CSV, whose formula-like cells are guarded unless raw

    def write(
        self,
        events: pd.DataFrame,
        target: str | Path | IO[str],
        *,
        raw: bool = False,
        links: pd.DataFrame | None = None,
    ) -> int:
        """Write ``events`` to ``target``; ``raw`` (CSV formats) leaves formula-like cells as is.

        ``links`` (geo.links columns) go with them where the format has a place for them: a
        GeoJSON property, GeoPackage table and line layer, a CSV file beside (see
        :mod:`geo.formats.link_files`).
        """
        events = safe_links(events)
        if links is not None and self.name in ("geojson", "gpkg"):
            return _with_links(self.name, events, links, target)
        count = (
            self._write(events, target, raw=raw) if self.formulas else self._write(events, target)
        )
        if links is not None and self.name == "csv" and isinstance(target, (str, Path)):
            beside = link_files.links_csv_path(target)
            with open(beside, "w", encoding="utf-8", newline="") as stream:
                link_files.links_to_csv(link_files.touching(links, events), stream)
        return count

    def to_bytes(
        self, events: pd.DataFrame, *, raw: bool = False, links: pd.DataFrame | None = None
    ) -> bytes:
        """The whole file, for a download button (GeoJSON and GeoPackage with ``links``)."""
        if links is not None and self.name in ("geojson", "gpkg"):
            buffer = io.BytesIO()
            _with_links(self.name, safe_links(events), links, buffer)
            return buffer.getvalue()
        if not self.formulas:
            return self._to_bytes(safe_links(events))
        buffer = io.StringIO()
        self.write(events, buffer, raw=raw)
        return buffer.getvalue().encode("utf-8")


FORMATS: dict[str, Format] = {
    "geojson": Format("geojson", "geojson", geojson.MEDIA_TYPE, geojson.to_bytes, geojson.write),
    "csv": Format("csv", "csv", csvfile.MEDIA_TYPE, csvfile.to_bytes, csvfile.write, formulas=True),
    "acled": Format(
        "acled", "acled.csv", acled.MEDIA_TYPE, acled.to_bytes, acled.write, formulas=True
    ),
    "gpkg": Format("gpkg", "gpkg", gpkg.MEDIA_TYPE, gpkg.to_bytes, gpkg.write, binary=True),
    "kml": Format("kml", "kml", kml.MEDIA_TYPE, kml.to_bytes, kml.write),
}


def _with_links(name: str, events: pd.DataFrame, links: pd.DataFrame, target) -> int:
    if name == "geojson":
        return geojson.write(events, target, extra=link_files.feature_properties(events, links))
    if isinstance(target, (str, Path)):
        return link_files.write_gpkg(events, links, target)
    with tempfile.TemporaryDirectory(prefix="conflictmap-") as folder:
        path = Path(folder) / "events.gpkg"
        count = link_files.write_gpkg(events, links, path)
        target.write(path.read_bytes())
    return count


def links_csv_bytes(events: pd.DataFrame, links: pd.DataFrame) -> bytes:
    """The links of the exported events as the CSV written beside them (a download button)."""
    buffer = io.StringIO()
    link_files.links_to_csv(link_files.touching(links, events), buffer)
    return buffer.getvalue().encode("utf-8")


def safe_links(events: pd.DataFrame) -> pd.DataFrame:
    """The events with only their http(s) links in ``source_url`` (others dropped).

    Validation refuses other schemes on the way in; this keeps a store written some other way (an
    older release, SQL by hand) from handing a ``javascript:`` link to whoever opens the export.
    """
    urls = events[S.SOURCE_URL]
    kept = {u: _http_only(u) for u in urls.dropna().unique()}
    if all(k == u for u, k in kept.items()):
        return events
    return events.assign(**{S.SOURCE_URL: urls.map(kept, na_action="ignore")})


def _http_only(urls: str) -> str | None:
    return " ".join(u for u in map(S.safe_url, str(urls).split()) if u) or None


def get_format(name: str) -> Format:
    try:
        return FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ConflictmapError(f"unknown export format {name!r}; choose one of {known}") from None


def export(
    events: pd.DataFrame,
    fmt: str,
    target: str | Path,
    *,
    raw: bool = False,
    links: pd.DataFrame | None = None,
) -> int:
    """Write events to ``target`` in format ``fmt``; returns how many were written.

    ``raw``: CSV formats write cells that a spreadsheet would run as a formula unguarded.
    ``links``: the links between events, written where the format has a place for them.
    """
    return get_format(fmt).write(events, target, raw=raw, links=links)


def filename(filters: Filters, fmt: str) -> str:
    """A file name that says what was filtered: ``conflictmap_2022-10-01_2022-10-31.geojson``."""
    return f"conflictmap_{filters.describe()}.{get_format(fmt).extension}"
