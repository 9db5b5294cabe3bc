"""Admin boundaries (OCHA COD-AB GeoJSON/GeoPackage) and admin1/admin2 by point-in-polygon.

The project ships no boundary files: users bring their own, usually OCHA's common operational
datasets (fields ``ADM1_EN``, ``ADM1_AR``, ``ADM1_PCODE``, ``ADM2_EN`` ...), and point
``CONFLICTMAP_BOUNDARIES`` at a file or at the folder holding them (or pass the path). In a folder
the finest level wins: an ``adm2`` file, else ``adm1``.

Admin names are joined by geometry, never by code: GeoNames numbers Deir ez-Zor governorate
``07`` while OCHA's P-code is ``SY09``.

>>> b = Boundaries.load("/path/to/syr_admbnda_adm2_uncs_unocha.json")   # doctest: +SKIP
>>> b.locate(35.02, 40.45)                                               # doctest: +SKIP
AdminArea(admin1='Deir-ez-Zor', admin1_ar='دير الزور', admin1_pcode='SY09', admin2='Al Mayadin', ...)
>>> frame = assign_admin(frame, b)   # fills empty admin1/admin2 of a whole (Geo)DataFrame
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from geo.errors import InputError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = ["AdminArea", "Boundaries", "assign_admin", "find_boundary_file", "load_boundaries"]

ADMIN_COLUMNS = (
    "admin1",
    "admin1_ar",
    "admin1_pcode",
    "admin2",
    "admin2_ar",
    "admin2_pcode",
)
_SOURCE_FIELDS = {
    "admin1": "ADM1_EN",
    "admin1_ar": "ADM1_AR",
    "admin1_pcode": "ADM1_PCODE",
    "admin2": "ADM2_EN",
    "admin2_ar": "ADM2_AR",
    "admin2_pcode": "ADM2_PCODE",
}
_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")


@dataclass(frozen=True)
class AdminArea:
    """The admin areas a point falls in (admin2 fields are None for a level-1 file)."""

    admin1: str | None
    admin1_ar: str | None
    admin1_pcode: str | None
    admin2: str | None
    admin2_ar: str | None
    admin2_pcode: str | None


def find_boundary_file(path: str | os.PathLike[str] | None = None) -> Path:
    """The boundary file to use: ``path`` or ``CONFLICTMAP_BOUNDARIES``, a file or a folder."""
    raw = path if path is not None else os.environ.get("CONFLICTMAP_BOUNDARIES")
    if not raw:
        raise InputError(
            "no boundary file given: pass a path or set CONFLICTMAP_BOUNDARIES to a GeoJSON/"
            "GeoPackage file (or folder) of admin boundaries, e.g. OCHA's COD-AB for the country"
        )
    p = Path(raw).expanduser()
    if p.is_file():
        return p
    if not p.is_dir():
        raise InputError(f"boundaries: {p} is neither a file nor a folder")
    files = sorted(f for f in p.iterdir() if f.suffix.lower() in _SUFFIXES)
    for level in ("2", "1"):
        for f in files:
            if re.search(rf"adm(?:in)?[_-]?{level}(?!\d)", f.name, flags=re.IGNORECASE):
                return f
    if files:
        return files[0]
    raise InputError(f"boundaries: {p} holds no GeoJSON, GeoPackage or shapefile")


def load_boundaries(path: str | os.PathLike[str] | None = None) -> gpd.GeoDataFrame:
    """Read a boundary file into the columns admin1, admin1_ar, ... admin2_pcode, geometry.

    Raises InputError when the file cannot be read or has no ``ADM1_EN`` field.
    """
    import geopandas as gpd

    file = find_boundary_file(path)
    try:
        raw = gpd.read_file(file)
    except Exception as exc:  # pyogrio raises several types for unreadable files
        raise InputError(f"boundaries: {file} cannot be read ({exc})") from exc
    if "ADM1_EN" not in raw.columns:
        raise InputError(
            f"boundaries: {file} has no ADM1_EN field (found: {', '.join(map(str, raw.columns))}); "
            "an OCHA COD-AB admin1 or admin2 file is expected"
        )
    if raw.crs is not None and raw.crs.to_epsg() != 4326:
        raw = raw.to_crs(4326)
    out = gpd.GeoDataFrame(
        {col: raw[src] if src in raw.columns else None for col, src in _SOURCE_FIELDS.items()},
        geometry=raw.geometry.values,
        crs="EPSG:4326",
    )
    out = out[out.geometry.notna() & ~out.geometry.is_empty].reset_index(drop=True)
    out.attrs["source"] = str(file)
    return out


class Boundaries:
    """Loaded admin polygons with a spatial index, for single points and whole frames."""

    def __init__(self, frame: gpd.GeoDataFrame) -> None:
        self.frame = frame
        self._sindex = frame.sindex

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Boundaries:
        return cls(load_boundaries(path))

    @property
    def source(self) -> str:
        return str(self.frame.attrs.get("source", ""))

    def locate(self, latitude: float, longitude: float) -> AdminArea | None:
        """The admin areas containing the point, or None when it is outside every polygon."""
        from shapely.geometry import Point

        point = Point(longitude, latitude)
        hits = self._sindex.query(point, predicate="intersects")
        if len(hits) == 0:
            return None
        row = self.frame.iloc[int(min(hits))]
        return AdminArea(*(None if _blank(row[c]) else str(row[c]) for c in ADMIN_COLUMNS))


def _blank(value: object) -> bool:
    return value is None or value != value or (isinstance(value, str) and not value.strip())


def assign_admin(
    frame: pd.DataFrame,
    boundaries: Boundaries | gpd.GeoDataFrame,
    *,
    overwrite: bool = False,
    latitude: str = "latitude",
    longitude: str = "longitude",
) -> pd.DataFrame:
    """Fill admin1/admin2 of every row from the polygon its point falls in (one spatial join).

    Works on a DataFrame with latitude/longitude or on a GeoDataFrame of points. Rows without
    coordinates or outside every polygon keep what they had. With ``overwrite`` the polygon's
    names replace existing ones; otherwise only empty cells are filled. Returns a copy.
    """
    import geopandas as gpd
    import pandas as pd

    polygons = boundaries.frame if isinstance(boundaries, Boundaries) else boundaries
    out = frame.copy()
    for column in ("admin1", "admin2"):
        if column not in out.columns:
            out[column] = pd.Series([None] * len(out), index=out.index, dtype="object")
    if isinstance(out, gpd.GeoDataFrame) and out.geometry.name in out.columns:
        points = gpd.GeoDataFrame(geometry=out.geometry.values, index=out.index, crs=out.crs)
        if points.crs is not None and points.crs.to_epsg() != 4326:
            points = points.to_crs(4326)
    else:
        lat = pd.to_numeric(out[latitude], errors="coerce")
        lon = pd.to_numeric(out[longitude], errors="coerce")
        points = gpd.GeoDataFrame(
            geometry=gpd.points_from_xy(lon, lat), index=out.index, crs="EPSG:4326"
        )
    valid = points[points.geometry.notna() & ~points.geometry.is_empty]
    joined = gpd.sjoin(
        valid, polygons[["admin1", "admin2", "geometry"]], how="left", predicate="intersects"
    )
    # A point on a shared border meets two polygons: keep the first.
    joined = joined[~joined.index.duplicated(keep="first")]
    for column in ("admin1", "admin2"):
        found = joined[column].reindex(out.index)
        has = found.notna()
        if not overwrite:
            empty = out[column].isna() | (out[column].astype("string").str.strip() == "")
            has &= empty.fillna(True)
        out[column] = out[column].astype("object")
        out.loc[has, column] = found[has]
    return out
