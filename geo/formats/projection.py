"""Points in another coordinate system brought to WGS84 longitude and latitude (EPSG:4326).

QGIS saves a layer in the project's system: Web Mercator (EPSG:3857) over a web base map, a UTM
zone for surveyed sites. Read as degrees, 4,500,000 metres north is "latitude out of range"; so a
GeoPackage layer's CRS, or an old-style GeoJSON ``crs`` member, is honoured and the points
reprojected, and a system pyproj does not know is refused by name.
"""

from __future__ import annotations

import numpy as np

from geo.errors import InputError


def to_lonlat(
    x: np.ndarray, y: np.ndarray, crs: object, *, where: str
) -> tuple[np.ndarray, np.ndarray]:
    """``x``/``y`` in ``crs`` (anything pyproj reads) as WGS84 longitude and latitude.

    Points without coordinates (NaN) stay so; a point the system cannot convert is refused.
    """
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError:
        raise InputError(
            f"{where}: its coordinate system {crs!r} is not one we know; save the points in WGS84 "
            "longitude/latitude (EPSG:4326) and try again"
        ) from None
    if source.equals("OGC:CRS84") or source.equals("EPSG:4326", ignore_axis_order=True):
        return x, y
    lon, lat = Transformer.from_crs(source, "EPSG:4326", always_xy=True).transform(x, y)
    lon, lat = np.asarray(lon, dtype="float64"), np.asarray(lat, dtype="float64")
    lost = np.isfinite(x) & np.isfinite(y) & ~(np.isfinite(lon) & np.isfinite(lat))
    if lost.any():
        i = int(np.flatnonzero(lost)[0])
        raise InputError(
            f"{where}: the point {x[i]}, {y[i]} in {source.name} ({source.to_string()}) cannot be "
            "converted to WGS84 longitude/latitude; check the layer's coordinate system"
        )
    return lon, lat
