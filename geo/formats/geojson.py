"""GeoJSON (RFC 7946) in and out.

Out: a FeatureCollection of points in longitude, latitude order, no ``crs`` member (RFC 7946 is
always WGS84), every schema column as a property with ISO dates, written as a stream so that a
million events never sit in memory twice. Events without coordinates get a null geometry.

In: our own files, or any FeatureCollection of points with a mapping of property names to schema
columns.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from geo import schema as S
from geo.errors import InputError
from geo.formats.values import column_json, records_frame
from geo.textio import read_text

MEDIA_TYPE = "application/geo+json"
_BATCH = 20_000
# Coordinates nested in arrays belong to a line or a polygon: refused before parsing, since a
# polygon of millions of vertices would take seconds and gigabytes to parse only to be refused.
_NESTED_COORDINATES = re.compile(r'"coordinates"\s*:\s*\[\s*\[')
_FEATURE_START = re.compile(r'"type"\s*:\s*"Feature"')


def _geometry_json(lon: np.ndarray, lat: np.ndarray) -> list[str]:
    return [
        "null" if (x != x or y != y) else f'{{"type": "Point", "coordinates": [{x!r}, {y!r}]}}'
        for x, y in zip(lon.tolist(), lat.tolist(), strict=True)
    ]


def write(events: pd.DataFrame, target: str | Path | IO[str]) -> int:
    """Write events as an RFC 7946 FeatureCollection; returns the number of features.

    The output depends only on the events, so the same selection exported from the dashboard and
    from ``conflictmap export`` is byte-identical.
    """
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="\n") as stream:
            return write(events, stream)
    stream = target
    stream.write('{"type": "FeatureCollection", "features": [')
    first = True
    for start in range(0, len(events), _BATCH):
        chunk = events.iloc[start : start + _BATCH]
        props = [
            np.char.add(f'"{c.name}": ', column_json(chunk[c.name], c.kind).astype(str))
            for c in S.COLUMNS
        ]
        geoms = _geometry_json(
            chunk[S.LONGITUDE].to_numpy(dtype="float64"),
            chunk[S.LATITUDE].to_numpy(dtype="float64"),
        )
        lines = []
        for geom, *values in zip(geoms, *props, strict=True):
            lines.append(
                f'{{"type": "Feature", "geometry": {geom}, "properties": {{{", ".join(values)}}}}}'
            )
        if lines:
            stream.write(("\n" if first else ",\n") + ",\n".join(lines))
            first = False
    stream.write("\n]}\n")
    return len(events)


def to_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    write(events, buffer)
    return buffer.getvalue().encode("utf-8")


def _scalar(value: object) -> object:
    # Other tools write lists ("tags": ["a", "b"]) and objects; the schema holds text.
    if isinstance(value, list):
        parts = (v if isinstance(v, str) else _json_text(v) for v in value if v is not None)
        return "; ".join(parts) or None
    if isinstance(value, dict):
        return _json_text(value)
    return value


def _json_text(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    except RecursionError as exc:
        raise InputError("a GeoJSON property is nested too deeply to hold event data") from exc


def read(source: str | Path | IO[str], *, mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Events from a GeoJSON FeatureCollection of points.

    ``mapping`` renames properties to schema columns (``{"date": "event_date"}``) for files that
    other tools wrote; a mapping to a name that is not a schema column is refused. Lists become
    "; "-separated text and objects JSON text. Coordinates come from the geometry. The index is
    the feature's position (1-based), for error messages.
    """
    text = read_text(source) if isinstance(source, (str, Path)) else source.read()
    nested = _NESTED_COORDINATES.search(text)
    if nested:
        # Numbered by the features that start before it (writers put "type" first).
        number = max(1, len(_FEATURE_START.findall(text, 0, nested.start())))
        raise InputError(
            f"feature {number}: only Point geometries hold events; this one is a LineString, "
            "Polygon or Multi- geometry (nested coordinate arrays): convert the shapes to points"
        )
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not a readable GeoJSON file: {exc}") from exc
    except RecursionError as exc:
        raise InputError("the GeoJSON is nested too deeply to hold events") from exc
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise InputError("not a GeoJSON FeatureCollection (its 'type' must be 'FeatureCollection')")
    features = doc.get("features")
    if not isinstance(features, list):
        raise InputError("the FeatureCollection has no 'features' list")
    mapping = dict(mapping or {})
    unknown = sorted(c for c in mapping.values() if c not in S.KINDS)
    if unknown:
        raise InputError(
            f"the property mapping names {', '.join(map(repr, unknown))}, not a column of the "
            "event schema"
        )
    records: list[dict[str, object]] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            raise InputError(f"feature {number} is not an object")
        props = feature.get("properties") or {}
        if not isinstance(props, dict):
            raise InputError(f"feature {number}: 'properties' is not an object")
        record = {mapping.get(k, k): _scalar(v) for k, v in props.items()}
        geometry = feature.get("geometry")
        if geometry is not None:
            if not isinstance(geometry, dict) or geometry.get("type") != "Point":
                raise InputError(f"feature {number}: only Point geometries hold events")
            coords = geometry.get("coordinates")
            if not isinstance(coords, list) or len(coords) < 2:
                raise InputError(f"feature {number}: a Point needs [longitude, latitude]")
            record[S.LONGITUDE], record[S.LATITUDE] = coords[0], coords[1]
        records.append(record)
    frame = records_frame(records) if records else pd.DataFrame(columns=[S.EVENT_ID])
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame
