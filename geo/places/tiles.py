"""Offline map tiles in one PMTiles file: which setting names one, what it holds, how to write one.

An analyst without internet brings the base map as a PMTiles v3 archive (a region cut from an
OpenStreetMap build, or imagery), names it in ``CONFLICTMAP_TILES=/path/region.pmtiles``, and the
dashboard serves it and draws it: raster tiles (PNG, JPEG, WebP) as images, vector tiles (MVT)
styled in the browser. :func:`describe` reads the archive's header (127 bytes) to tell which, and
refuses with a sentence a file that is missing or not a PMTiles v3 archive. :func:`write_pmtiles`
packs tiles into an archive (the tests build a small one from our own data).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pmtiles.tile import (
    Compression,
    MagicNumberNotFound,
    SpecVersionUnsupported,
    TileType,
    deserialize_header,
    zxy_to_tileid,
)
from pmtiles.writer import Writer

from geo.errors import InputError

SUFFIX = ".pmtiles"
HEADER_BYTES = 127
RASTER_TYPES = {
    TileType.PNG: "png",
    TileType.JPEG: "jpg",
    TileType.WEBP: "webp",
    TileType.AVIF: "avif",
}


@dataclass(frozen=True)
class TileArchive:
    """What a PMTiles file holds, from its header."""

    path: Path
    kind: str  # "raster" or "vector"
    tile_format: str  # png, jpg, webp, avif, mvt
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat
    center: tuple[float, float, int]  # lat, lon, zoom


def archive_path(tiles: str) -> Path | None:
    """The file a ``CONFLICTMAP_TILES`` value names when it is a PMTiles file, else None
    ("none", "osm" and URL templates are other kinds of base map)."""
    value = (tiles or "").strip()
    if not value.lower().endswith(SUFFIX) or "://" in value:
        return None
    return Path(value).expanduser()


def describe(path: str | os.PathLike[str]) -> TileArchive:
    """Read the header of a PMTiles v3 file; InputError naming the file when it is not one."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            head = f.read(HEADER_BYTES)
    except OSError as exc:
        raise InputError(f"tiles: {path} cannot be read ({exc.strerror or exc})") from exc
    try:
        if len(head) < HEADER_BYTES:
            raise MagicNumberNotFound()
        h = deserialize_header(head)
    except (MagicNumberNotFound, SpecVersionUnsupported, ValueError) as exc:
        raise InputError(
            f"tiles: {path} is not a PMTiles v3 archive (convert MBTiles with `pmtiles convert`)"
        ) from exc
    tile_type = h["tile_type"]
    if tile_type in RASTER_TYPES:
        kind, fmt = "raster", RASTER_TYPES[tile_type]
    elif tile_type == TileType.MVT:
        kind, fmt = "vector", "mvt"
    else:
        raise InputError(f"tiles: {path} holds tiles of type {tile_type.name}, not images or MVT")
    return TileArchive(
        path=path,
        kind=kind,
        tile_format=fmt,
        min_zoom=h["min_zoom"],
        max_zoom=h["max_zoom"],
        bounds=(
            h["min_lon_e7"] / 1e7,
            h["min_lat_e7"] / 1e7,
            h["max_lon_e7"] / 1e7,
            h["max_lat_e7"] / 1e7,
        ),
        center=(h["center_lat_e7"] / 1e7, h["center_lon_e7"] / 1e7, h["center_zoom"]),
    )


def write_pmtiles(
    path: str | os.PathLike[str],
    tiles: Mapping[tuple[int, int, int], bytes],
    *,
    tile_type: TileType = TileType.PNG,
    bounds: tuple[float, float, float, float] = (-180.0, -85.0, 180.0, 85.0),
    metadata: Mapping[str, object] | None = None,
) -> Path:
    """Pack ``{(z, x, y): tile bytes}`` into a PMTiles v3 file, whole or not at all.

    Raster tiles are stored as they are; vector tiles are expected gzip-compressed, as MVT
    tiles usually are.
    """
    if not tiles:
        raise InputError("tiles: no tile to write")
    path = Path(path)
    zooms = [z for z, _, _ in tiles]
    compression = Compression.GZIP if tile_type == TileType.MVT else Compression.NONE
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            writer = Writer(f)
            for tile_id, data in sorted((zxy_to_tileid(*zxy), d) for zxy, d in tiles.items()):
                writer.write_tile(tile_id, data)
            min_lon, min_lat, max_lon, max_lat = bounds
            writer.finalize(
                {
                    "tile_type": tile_type,
                    "tile_compression": compression,
                    "min_zoom": min(zooms),
                    "max_zoom": max(zooms),
                    "min_lon_e7": round(min_lon * 1e7),
                    "min_lat_e7": round(min_lat * 1e7),
                    "max_lon_e7": round(max_lon * 1e7),
                    "max_lat_e7": round(max_lat * 1e7),
                    "center_zoom": max(zooms),
                    "center_lon_e7": round((min_lon + max_lon) / 2 * 1e7),
                    "center_lat_e7": round((min_lat + max_lat) / 2 * 1e7),
                },
                dict(metadata or {}),
            )
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
