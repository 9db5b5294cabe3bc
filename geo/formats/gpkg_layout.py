"""Low-level GeoPackage plumbing for the event store: DDL, geometry blobs, SQL functions.

We write the GeoPackage with the standard library's sqlite3 rather than through GDAL so that every
change is one SQLite transaction (add, update and delete of single rows; all-or-nothing imports) and
so that dates are stored as GeoPackage DATE fields, which QGIS shows as dates. GDAL and QGIS read the
file as any other GeoPackage (OGC 12-128r18): the required tables, an R-tree spatial index with the
standard triggers, and the SQL functions those triggers call, registered on our own connections.
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo import schema as S

GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
GPKG_USER_VERSION = 10300

WGS84_WKT = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]'
)

BASE_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system'),
  ('WGS 84 geodetic', 4326, 'EPSG', 4326, '{wgs84}', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
""".replace("{wgs84}", WGS84_WKT)


def base_statements() -> list[str]:
    """Statements that make an empty SQLite file a GeoPackage (run inside one transaction)."""
    return [
        f"PRAGMA application_id = {GPKG_APPLICATION_ID}",
        f"PRAGMA user_version = {GPKG_USER_VERSION}",
        *(s.strip() for s in BASE_DDL.split(";\n") if s.strip()),
    ]


def rtree_statements(table: str, geom: str = "geom", fid: str = "fid") -> list[str]:
    """The R-tree index and the triggers the GeoPackage spec (1.3) prescribes for it."""
    return _rtree_table_statements(table, geom) + _rtree_trigger_statements(table, geom, fid)


def _rtree_table_statements(table: str, geom: str) -> list[str]:
    return [
        f'CREATE VIRTUAL TABLE "rtree_{table}_{geom}" USING rtree(id, minx, maxx, miny, maxy)',
        f"INSERT INTO gpkg_extensions VALUES ('{table}', '{geom}', 'gpkg_rtree_index', "
        "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
    ]


def _rtree_trigger_statements(table: str, geom: str, fid: str) -> list[str]:
    rt = f"rtree_{table}_{geom}"
    script = f"""
CREATE TRIGGER "{rt}_insert" AFTER INSERT ON "{table}"
WHEN (new."{geom}" NOT NULL AND NOT ST_IsEmpty(NEW."{geom}"))
BEGIN INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{fid}", ST_MinX(NEW."{geom}"),
  ST_MaxX(NEW."{geom}"), ST_MinY(NEW."{geom}"), ST_MaxY(NEW."{geom}")); END;
CREATE TRIGGER "{rt}_update1" AFTER UPDATE OF "{geom}" ON "{table}"
WHEN OLD."{fid}" = NEW."{fid}" AND (NEW."{geom}" NOTNULL AND NOT ST_IsEmpty(NEW."{geom}"))
BEGIN INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{fid}", ST_MinX(NEW."{geom}"),
  ST_MaxX(NEW."{geom}"), ST_MinY(NEW."{geom}"), ST_MaxY(NEW."{geom}")); END;
CREATE TRIGGER "{rt}_update2" AFTER UPDATE OF "{geom}" ON "{table}"
WHEN OLD."{fid}" = NEW."{fid}" AND (NEW."{geom}" ISNULL OR ST_IsEmpty(NEW."{geom}"))
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{fid}"; END;
CREATE TRIGGER "{rt}_update3" AFTER UPDATE ON "{table}"
WHEN OLD."{fid}" != NEW."{fid}" AND (NEW."{geom}" NOTNULL AND NOT ST_IsEmpty(NEW."{geom}"))
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{fid}"; INSERT OR REPLACE INTO "{rt}" VALUES (NEW."{fid}", ST_MinX(NEW."{geom}"),
  ST_MaxX(NEW."{geom}"), ST_MinY(NEW."{geom}"), ST_MaxY(NEW."{geom}")); END;
CREATE TRIGGER "{rt}_update4" AFTER UPDATE ON "{table}"
WHEN OLD."{fid}" != NEW."{fid}" AND (NEW."{geom}" ISNULL OR ST_IsEmpty(NEW."{geom}"))
BEGIN DELETE FROM "{rt}" WHERE id IN (OLD."{fid}", NEW."{fid}"); END;
CREATE TRIGGER "{rt}_delete" AFTER DELETE ON "{table}" WHEN old."{geom}" NOT NULL
BEGIN DELETE FROM "{rt}" WHERE id = OLD."{fid}"; END;
"""
    # Statements end at ";\n"; the ";" inside trigger bodies are followed by a space or "END".
    return [s.strip() for s in script.split(";\n") if s.strip()]


# A point blob: "GP", version 0, flags (little-endian, no envelope), srs id, then WKB Point.
_HEADER = b"GP\x00\x01" + struct.pack("<i", 4326)
_WKB_POINT = b"\x01\x01\x00\x00\x00"
_EMPTY_FLAG = 0x10


def point_blobs(lon: np.ndarray, lat: np.ndarray) -> list[bytes | None]:
    """GeoPackage geometry blobs for points; None where a coordinate is missing."""
    lon = np.asarray(lon, dtype="<f8")
    lat = np.asarray(lat, dtype="<f8")
    xy = np.empty((len(lon), 2), dtype="<f8")
    xy[:, 0] = lon
    xy[:, 1] = lat
    prefix = _HEADER + _WKB_POINT
    raw = xy.tobytes()
    missing = np.isnan(lon) | np.isnan(lat)
    return [None if missing[i] else prefix + raw[16 * i : 16 * i + 16] for i in range(len(lon))]


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of a GeoPackage blob holding a point, or its stored envelope."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return None
    flags = blob[3]
    if flags & _EMPTY_FLAG:
        return None
    little = flags & 1
    env = (flags >> 1) & 0x07
    order = "<" if little else ">"
    if env:
        minx, maxx, miny, maxy = struct.unpack_from(order + "4d", blob, 8)
        return minx, maxx, miny, maxy
    wkb = 8
    wkb_order = "<" if blob[wkb] == 1 else ">"
    (gtype,) = struct.unpack_from(wkb_order + "I", blob, wkb + 1)
    if gtype % 1000 != 1:
        return None  # only points are stored without an envelope by conformant writers
    x, y = struct.unpack_from(wkb_order + "2d", blob, wkb + 5)
    if x != x or y != y:  # NaN coordinates encode an empty point
        return None
    return x, x, y, y


def register_functions(con: sqlite3.Connection) -> None:
    """The SQL functions the R-tree triggers call (GDAL registers its own; we need ours)."""

    def part(i: int):
        def get(blob: bytes | None) -> float | None:
            env = _envelope(blob)
            return None if env is None else env[i]

        return get

    con.create_function("ST_MinX", 1, part(0), deterministic=True)
    con.create_function("ST_MaxX", 1, part(1), deterministic=True)
    con.create_function("ST_MinY", 1, part(2), deterministic=True)
    con.create_function("ST_MaxY", 1, part(3), deterministic=True)
    con.create_function(
        "ST_IsEmpty", 1, lambda blob: 1 if _envelope(blob) is None else 0, deterministic=True
    )


# --- the event layer ------------------------------------------------------------------------------
SQL_TYPES = {
    "str": "TEXT",
    "int": "INTEGER",
    "float": "REAL",
    "date": "DATE",
    "timestamp": "DATETIME",
}


def create_event_layer(
    con: sqlite3.Connection,
    table: str,
    *,
    description: str,
    unique_ids: bool = False,
    last_change: str | None = None,
    extent: Sequence[float | None] = (None, None, None, None),
    index: bool = True,
) -> None:
    """Make ``con`` a GeoPackage holding an empty point layer of events with typed fields.

    Shared by the store and the GeoPackage export, so that QGIS sees the same layer from both.
    ``index=False`` leaves out the R-tree for :func:`index_event_layer` to add once the layer is
    filled.
    """
    for stmt in base_statements():
        con.execute(stmt)
    fields = ",\n".join(f'  "{c.name}" {SQL_TYPES[c.kind]}' for c in S.COLUMNS)
    unique = ",\n  UNIQUE (event_id)" if unique_ids else ""
    con.execute(
        f'CREATE TABLE "{table}" (\n  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n'
        f"  geom POINT,\n{fields}{unique})"
    )
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, "
        "min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, "
        "COALESCE(?, strftime('%Y-%m-%dT%H:%M:%fZ','now')), ?, ?, ?, ?, 4326)",
        (table, table, description, last_change, *extent),
    )
    con.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', 'POINT', 4326, 0, 0)", (table,)
    )
    if index:
        for stmt in rtree_statements(table):
            con.execute(stmt)


def index_event_layer(con: sqlite3.Connection, table: str) -> None:
    """Give a layer made with ``index=False`` and filled since its R-tree and triggers.

    One bulk fill from the coordinate columns instead of a trigger (and four Python functions) per
    inserted row: a million-event export spent most of its time there.
    """
    for stmt in _rtree_table_statements(table, "geom"):
        con.execute(stmt)
    con.execute(
        f'INSERT INTO "rtree_{table}_geom" SELECT fid, "{S.LONGITUDE}", "{S.LONGITUDE}", '
        f'"{S.LATITUDE}", "{S.LATITUDE}" FROM "{table}" WHERE geom IS NOT NULL'
    )
    for stmt in _rtree_trigger_statements(table, "geom", "fid"):
        con.execute(stmt)


def insert_sql(table: str) -> str:
    """The INSERT that :func:`frame_to_rows` supplies parameters for."""
    names = ", ".join(["geom", *(f'"{n}"' for n in S.COLUMN_NAMES)])
    marks = ", ".join("?" * (len(S.COLUMN_NAMES) + 1))
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


def _column_to_sql(series: pd.Series, kind: str) -> list[object]:
    if kind == "date":
        text = series.dt.strftime("%Y-%m-%d")
        return text.astype(object).where(series.notna(), None).tolist()
    if kind == "timestamp":
        text = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
        return text.astype(object).where(series.notna(), None).tolist()
    if kind == "int":
        return [None if v is pd.NA else int(v) for v in series.astype(object)]
    if kind == "float":
        return [None if v != v else float(v) for v in series.to_numpy(dtype="float64")]
    return series.astype(object).where(series.notna(), None).tolist()


def frame_to_rows(frame: pd.DataFrame) -> list[tuple[object, ...]]:
    """SQL parameter tuples (geometry blob first, then the schema columns) for typed events."""
    columns = [_column_to_sql(frame[c.name], c.kind) for c in S.COLUMNS]
    blobs = point_blobs(
        frame[S.LONGITUDE].to_numpy(dtype="float64"), frame[S.LATITUDE].to_numpy(dtype="float64")
    )
    return list(zip(blobs, *columns, strict=True))
