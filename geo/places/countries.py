"""The world's countries as shapes: is a point in the country it is coded with?

A point in Paris coded Syria, (0, 0), a longitude whose sign was lost: each is a real place, only
not in the event's country. The shapes are Natural Earth's 1:50m countries (public domain) as the
world-atlas npm package gives them, the copy ``make assets`` installs for the offline map
(``settings.COUNTRY_BORDERS``): the engine reads the file the map draws, and ships none of its own.
Where that file is absent (an engine installed without ``make assets``), :func:`country_shapes`
is None and the caller falls back to a coarser check and says so.

1:50m borders are good to a few kilometres, and an event coded to a town on the border may lie
just across it: a point counts as in its country within :data:`MARGIN_KM` of it. At sea the margin
is :data:`SEA_MARGIN_KM`, the width of an exclusive economic zone: ACLED and UCDP code attacks on
ships to the coast's country, and the scale leaves out small islands (Abd al Kuri, off Yemen).

A point in a country that was part of the event's country at the time is in it:
``data/country_parts.csv`` lists the parts (South Sudan in Sudan until 9 July 2011, Kosovo in
Serbia until 2008 ...), as UCDP GED codes events before each independence.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

from geo import settings
from geo.places.topojson import polygons

MARGIN_KM = 25.0
SEA_MARGIN_KM = 370.0  # 200 nautical miles
COUNTRY_PARTS_CSV = settings.DATA_DIR / "country_parts.csv"
_EARTH_KM = 6371.0088


@dataclass(frozen=True)
class CountryShapes:
    """One shape per country (ISO alpha-3), and a tree to find which country holds a point."""

    shapes: dict[str, shapely.Geometry]
    iso3: np.ndarray  # the country of each shape in ``tree``'s order
    tree: shapely.STRtree

    def locate(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The ISO alpha-3 code of the country each point lies in; None at sea."""
        found = np.full(len(lon), None, dtype=object)
        points = shapely.points(lon, lat)
        where, shape = self.tree.query(points, predicate="intersects")
        found[where] = self.iso3[shape]
        return found


def _code(geometry: dict, find_country) -> str | None:
    ident = geometry.get("id")
    country = find_country(int(ident)) if ident and str(ident).isdigit() else None
    country = country or find_country((geometry.get("properties") or {}).get("name"))
    return country.iso3 if country else None


@lru_cache(maxsize=4)
def load_shapes(path: Path) -> CountryShapes:
    """The countries of a world-atlas TopoJSON file (``countries-50m.json`` or another scale)."""
    from geo.schema import find_country  # the schema owns country names and codes

    topology = json.loads(Path(path).read_text(encoding="utf-8"))
    parts: dict[str, list[shapely.Geometry]] = {}
    for geometry, shape in polygons(topology, "countries"):
        code = _code(geometry, find_country)
        if code is not None:  # a territory no country name or code stands for (Siachen)
            parts.setdefault(code, []).append(shape)
    shapes = {code: shapely.union_all(s) if len(s) > 1 else s[0] for code, s in parts.items()}
    for shape in shapes.values():
        shapely.prepare(shape)
    codes = list(shapes)
    tree = shapely.STRtree([shapes[c] for c in codes])
    return CountryShapes(shapes, np.array(codes, dtype=object), tree)


def country_shapes() -> CountryShapes | None:
    """The countries of ``settings.COUNTRY_BORDERS``; None when that file is not installed."""
    path = settings.COUNTRY_BORDERS
    return load_shapes(path) if path.is_file() else None


def distance_km(shape: shapely.Geometry, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Great-circle distance from each point to the nearest point of ``shape`` (0 inside).

    The nearest point is found in degrees, then measured on the sphere: close enough to tell
    25 km from 250 km anywhere but at the poles.
    """
    lines = shapely.shortest_line(shape, shapely.points(lon, lat))
    xy = np.radians(shapely.get_coordinates(lines).reshape(-1, 2, 2))
    (lon1, lat1), (lon2, lat2) = xy[:, 0].T, xy[:, 1].T
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(h, 0, 1)))


@lru_cache(maxsize=1)
def country_parts() -> dict[tuple[str, str], np.datetime64]:
    """(country, part) -> the day the part left the country (data/country_parts.csv)."""
    with COUNTRY_PARTS_CSV.open(encoding="utf-8", newline="") as f:
        return {
            (r["country_iso3"], r["part_iso3"]): np.datetime64(r["until"], "D")
            for r in csv.DictReader(f)
        }


@dataclass(frozen=True)
class Outside:
    """The rows whose point lies outside their country: how far, and in which country instead."""

    rows: np.ndarray
    km: np.ndarray
    lying_in: np.ndarray  # ISO alpha-3, None at sea


def outside(
    shapes: CountryShapes,
    iso3: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    days: np.ndarray | None = None,
) -> Outside:
    """The rows whose point lies outside their country, beyond the margins.

    ``iso3`` holds each row's country (None when unknown or when the shapes do not have it: never
    flagged); ``days`` the event dates, for the parts of former countries. Points are tested a
    country at a time against its prepared shape; only the points outside it are measured.
    """
    known = np.array([c in shapes.shapes for c in iso3], dtype=bool)
    known &= np.isfinite(lon) & np.isfinite(lat)
    found: list[np.ndarray] = []
    far: list[np.ndarray] = []
    codes = iso3[known]
    for code in dict.fromkeys(codes.tolist()):
        at = np.flatnonzero(known)[codes == code]
        shape = shapes.shapes[code]
        out = at[~shapely.contains_xy(shape, lon[at], lat[at])]
        if len(out):
            km = distance_km(shape, lon[out], lat[out])
            found.append(out[km > MARGIN_KM])
            far.append(km[km > MARGIN_KM])
    if not found:
        return Outside(np.empty(0, dtype=int), np.empty(0), np.empty(0, dtype=object))
    order = np.argsort(np.concatenate(found), kind="stable")
    rows, km = np.concatenate(found)[order], np.concatenate(far)[order]
    lying_in = shapes.locate(lon[rows], lat[rows])
    keep = np.where(np.equal(lying_in, None), km > SEA_MARGIN_KM, True)
    if days is not None:
        parts = country_parts()
        until = np.array(
            [
                parts.get((c, p), np.datetime64("NaT"))
                for c, p in zip(iso3[rows], lying_in, strict=True)
            ],
            dtype="datetime64[D]",
        )
        keep &= ~(days[rows].astype("datetime64[D]") < until)
    return Outside(rows[keep], km[keep], lying_in[keep])
