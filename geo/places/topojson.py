"""TopoJSON arcs as lines: every border and coastline of a topology, each drawn once.

The offline map's country borders come from world-atlas (Natural Earth's countries as TopoJSON,
installed from npm with the map's JavaScript). A map of outlines needs only the topology's arcs, a
border shared by two countries being one arc, not the country polygons.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import numpy as np
import shapely

from geo.errors import InputError

# Natural Earth's 1:50m borders thinned to ~1 km: a 1.4 MB file instead of 2 MB, the same lines
# at the zooms an analyst reads a country at (towns and sites come from the gazetteer).
TOLERANCE_DEG = 0.01
DECIMALS = 3


def arc_lines(topology: dict) -> list[shapely.LineString]:
    """The arcs of a TopoJSON topology as lon/lat lines (quantised or not)."""
    if topology.get("type") != "Topology" or not isinstance(topology.get("arcs"), list):
        raise InputError("not a TopoJSON topology: no 'arcs'")
    transform = topology.get("transform")
    lines = []
    for arc in topology["arcs"]:
        xy = np.asarray(arc, dtype="float64")[:, :2]
        if transform:
            # Quantised arcs hold the first position, then each one as a delta from the last.
            xy = np.cumsum(xy, axis=0) * transform["scale"] + transform["translate"]
        if len(xy) >= 2:
            lines.append(shapely.LineString(xy))
    return lines


def borders_geojson(
    topology: dict, *, tolerance: float = TOLERANCE_DEG, decimals: int = DECIMALS
) -> dict:
    """A GeoJSON FeatureCollection of one MultiLineString: the topology's arcs, thinned."""
    lines = shapely.simplify(np.array(arc_lines(topology), dtype=object), tolerance)
    lines = shapely.transform(lines, lambda xy: np.round(xy, decimals))
    geometry = shapely.multilinestrings(lines[~shapely.is_empty(lines)])
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geometry)}
        ],
    }


def write_borders(source: str | Path, target: str | Path) -> Path:
    """Write the borders of TopoJSON file ``source`` as GeoJSON at ``target``, whole or not at all."""
    target = Path(target)
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    text = json.dumps(borders_geojson(topology), separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # served to browsers like the other assets, not private like a temp file
    os.replace(tmp, target)
    return target
