"""GeoPackage out (one layer QGIS opens with typed fields) and in (our own files, or the store's).

Out: a fresh GeoPackage with one point layer, ``events``, in EPSG:4326: every schema column as a
field of the store's type (dates as DATE, counts and codes as INTEGER, coordinates and confidence
as REAL, text as TEXT, created/updated as DATETIME), the layer's extent in ``gpkg_contents`` and an
R-tree spatial index. It is written beside the target and moved into place when complete, so a
failed export never leaves half a file. The store's own tables (history, metadata) are not
copied: an export is the events, nothing else.

In: the ``events`` layer (or the only point layer) of a GeoPackage, read through pyogrio. Where a
point's geometry and its ``longitude``/``latitude`` fields disagree (a point moved in QGIS), the
geometry wins, since it is what the analyst saw and edited. A layer in another coordinate system
(Web Mercator, a UTM zone) is reprojected to EPSG:4326 first (:mod:`geo.formats.projection`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from geo import schema as S
from geo.errors import InputError
from geo.formats import gpkg_layout as gpkg
from geo.formats.gpkg_layout import frame_to_rows
from geo.formats.projection import to_lonlat
from geo.formats.values import column_texts
from geo.textio import check_size

MEDIA_TYPE = "application/geopackage+sqlite3"
LAYER = "events"
CHUNK_ROWS = 50_000


def write(events: pd.DataFrame, target: str | Path) -> int:
    """Write events as a one-layer GeoPackage at ``target`` (replaced if it exists)."""
    path = Path(target)
    typed = S.conform(events)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # sqlite must create the file itself to set the GeoPackage header
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            gpkg.register_functions(con)
            con.execute("BEGIN")
            _create(con, typed)
            insert = gpkg.insert_sql(LAYER)
            # Rows as Python tuples cost ~1 KB an event: built a slice at a time.
            for start in range(0, len(typed), CHUNK_ROWS):
                con.executemany(insert, frame_to_rows(typed.iloc[start : start + CHUNK_ROWS]))
            gpkg.index_event_layer(con, LAYER)
            con.execute("COMMIT")
        finally:
            con.close()
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return len(typed)


def _create(con: sqlite3.Connection, typed: pd.DataFrame) -> None:
    lon = typed[S.LONGITUDE].to_numpy(dtype="float64")
    lat = typed[S.LATITUDE].to_numpy(dtype="float64")
    extent = (None,) * 4
    if np.isfinite(lon).any():
        extent = (np.nanmin(lon), np.nanmin(lat), np.nanmax(lon), np.nanmax(lat))
    # The newest change among the events, not the clock: the same events give the same bytes.
    changed = typed[S.UPDATED_AT].max()
    stamp = (
        "1970-01-01T00:00:00.000Z"
        if pd.isna(changed)
        else column_texts(pd.Series([changed]), "timestamp")[0]
    )
    gpkg.create_event_layer(
        con,
        LAYER,
        description="conflict events exported by conflictmap",
        last_change=stamp,
        extent=tuple(map(_plain, extent)),
        index=False,
    )


def _plain(value: object) -> float | None:
    return None if value is None else float(value)


def to_bytes(events: pd.DataFrame) -> bytes:
    """The GeoPackage as bytes (for a download button); written through a temporary file."""
    with tempfile.TemporaryDirectory(prefix="conflictmap-") as folder:
        path = Path(folder) / "events.gpkg"
        write(events, path)
        return path.read_bytes()


def read(path: str | Path) -> pd.DataFrame:
    """Events of a GeoPackage's ``events`` layer (or its only point layer), rows numbered by fid.

    Columns keep their GeoPackage names; the caller validates. Raises InputError when the file is
    not a GeoPackage or holds no point layer.
    """
    import pyogrio

    path = Path(path)
    check_size(path)
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises its own DataSourceError for anything unreadable
        raise InputError(f"{path}: not a GeoPackage GDAL can open ({exc})") from exc
    points = [str(name) for name, kind in layers if kind and "Point" in str(kind)]
    if LAYER in points:
        layer = LAYER
    elif len(points) == 1:
        layer = points[0]
    else:
        found = ", ".join(f"{n} ({k})" for n, k in layers) or "none"
        raise InputError(f"{path}: expected one point layer named {LAYER!r}; layers: {found}")
    frame = pyogrio.read_dataframe(path, layer=layer, fid_as_index=True)
    geometry = frame.geometry
    has_point = geometry.notna() & ~geometry.is_empty
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    if has_point.any():
        lon = data.get(S.LONGITUDE, pd.Series(np.nan, index=data.index)).astype("float64")
        lat = data.get(S.LATITUDE, pd.Series(np.nan, index=data.index)).astype("float64")
        x, y = geometry.x.where(has_point), geometry.y.where(has_point)
        if frame.crs is not None:
            x, y = to_lonlat(x.to_numpy(), y.to_numpy(), frame.crs, where=f"{path}, layer {layer}")
        data[S.LONGITUDE] = pd.Series(x, index=data.index).where(has_point, lon)
        data[S.LATITUDE] = pd.Series(y, index=data.index).where(has_point, lat)
    data.index = pd.Index(data.index.astype("int64"), name=None)
    return data
