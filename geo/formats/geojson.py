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
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from geo import schema as S
from geo.errors import InputError
from geo.formats.projection import to_lonlat
from geo.formats.values import records_frame
from geo.textio import read_text

LINKS_PROPERTY = "links"  # a feature's links (geo.formats.link_files), not an event column
MEDIA_TYPE = "application/geo+json"
_BATCH = 20_000
# Coordinates nested in arrays belong to a line or a polygon: refused before parsing, since a
# polygon of millions of vertices would take seconds and gigabytes to parse only to be refused.
_NESTED_COORDINATES = re.compile(r'"coordinates"\s*:\s*\[\s*\[')
_FEATURE_START = re.compile(r'"type"\s*:\s*"Feature"')


def _flat(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


# A JSON string is the text in quotes unless it holds one of these (json.dumps escapes them).
_NEEDS_ESCAPING = r'[\x00-\x1f"\\]'


def _quoted(text: pa.Array) -> pa.Array:
    """JSON strings, as ``json.dumps(t, ensure_ascii=False)`` writes them, quoted in Arrow."""
    quoted = pc.binary_join_element_wise('"', text, '"', "")
    special = pc.fill_null(pc.match_substring_regex(text, _NEEDS_ESCAPING), False)
    if pc.any(special).as_py():
        odd = pc.filter(text, special).to_pylist()
        escaped = pa.array([json.dumps(t, ensure_ascii=False) for t in odd], pa.string())
        quoted = pc.replace_with_mask(quoted, special, escaped)
    return quoted


def _distinct_json(uniques: pd.Series, kind: str) -> pa.Array:
    """The JSON text of each distinct value of a column (none of them missing)."""
    if kind == "str":
        return _quoted(_flat(pa.array(uniques.astype("str"), pa.string())))
    if kind in ("date", "timestamp"):
        values = uniques.dt.tz_convert(None) if kind == "timestamp" else uniques
        days = values.to_numpy(dtype="datetime64[ns]")
        if kind == "date":
            texts = np.datetime_as_string(days.astype("datetime64[D]"))
        else:  # milliseconds, cut (not rounded), as ISO text
            texts = np.char.add(np.datetime_as_string(days, unit="ms"), "Z")
        return _quoted(pa.array(texts, pa.string()))
    if kind == "int":
        return pa.array([str(int(v)) for v in uniques], pa.string())
    return _float_json(uniques.to_numpy(dtype="float64"))


def _float_json(values: np.ndarray) -> pa.Array:
    # repr is what json.dumps writes for a finite float, at a tenth of the cost.
    return pa.array(
        [repr(v) if math.isfinite(v) else json.dumps(v) for v in values.tolist()], pa.string()
    )


@dataclass
class _Part:
    """A stretch of every feature's text: per event a code, per code a fragment of JSON."""

    codes: np.ndarray  # 0 .. len(fragments) - 1
    fragments: pa.Array

    @classmethod
    def of(cls, codes: np.ndarray, distinct: pa.Array, *, before: str, after: str, missing: str):
        """Fragments ``before + value + after``, and ``missing`` for code -1."""
        wrapped = pc.binary_join_element_wise(before, _flat(distinct), after, "")
        table = pa.concat_arrays([wrapped, pa.array([missing], pa.string())])
        return cls(np.where(codes < 0, len(table) - 1, codes), table)


def _parts(chunk: pd.DataFrame, extra: np.ndarray | None = None) -> list[_Part]:
    """Every feature's text cut at column boundaries, encoded once per distinct value;
    ``extra``: per feature, more properties as JSON text (``, "links": [...]``) or ""."""
    lon = chunk[S.LONGITUDE].to_numpy(dtype="float64")
    lat = chunk[S.LATITUDE].to_numpy(dtype="float64")
    located = ~(np.isnan(lon) | np.isnan(lat))
    feature = ',\n{"type": "Feature", "geometry": '
    parts = []
    # The point in two parts, longitude and latitude; "null" for an event without coordinates.
    encoded = {}  # the coordinates serve the point and the properties: encoded once
    for column, values in ((S.LONGITUDE, lon), (S.LATITUDE, lat)):
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        encoded[column] = (codes, _float_json(uniques))
    for column, before, after, missing in (
        (S.LONGITUDE, feature + '{"type": "Point", "coordinates": [', ", ", feature + "null"),
        (S.LATITUDE, "", ']}, "properties": {', ', "properties": {'),
    ):
        codes, texts = encoded[column]
        codes = np.where(located, codes, -1)
        parts.append(_Part.of(codes, texts, before=before, after=after, missing=missing))
    last = len(S.COLUMNS) - 1
    for i, col in enumerate(S.COLUMNS):
        if col.name in encoded:
            codes, distinct = encoded[col.name]
        else:
            series = chunk[col.name]
            codes, uniques = pd.factorize(series, use_na_sentinel=True)
            distinct = _distinct_json(pd.Series(uniques, dtype=series.dtype), col.kind)
        before = ("" if i == 0 else ", ") + json.dumps(col.name) + ": "
        after = "}}" if i == last and extra is None else ""
        parts.append(
            _Part.of(codes, distinct, before=before, after=after, missing=before + "null" + after)
        )
    if extra is not None:
        codes, uniques = pd.factorize(extra)
        texts = pa.array([str(u) for u in uniques], pa.string())
        parts.append(_Part.of(codes, texts, before="", after="}}", missing="}}"))
    return parts


def _merged(parts: list[_Part], *, most: int) -> list[_Part]:
    """Neighbouring parts joined while their combinations stay few (at most ``most``).

    Status, origin, version, precisions, types ... repeat together, so a few hundred combined
    fragments stand for ten columns and the per-event join has fewer pieces to put together:
    that join, not the encoding, is what costs most per event.
    """
    out: list[_Part] = []
    group, codes = [parts[0]], parts[0].codes
    for part in parts[1:]:
        combined, found = pd.factorize(codes * len(part.fragments) + part.codes)
        if len(found) <= most:
            group, codes = [*group, part], combined
            continue
        out.append(_joined(group, codes))
        group, codes = [part], part.codes
    out.append(_joined(group, codes))
    return out


def _joined(group: list[_Part], codes: np.ndarray) -> _Part:
    """One part for a group of neighbours; ``codes`` number their combinations 0, 1, ..."""
    if len(group) == 1:
        return group[0]
    first = np.empty(int(codes.max()) + 1, dtype="int64")
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # an event that has each combination
    pieces = [p.fragments.take(pa.array(p.codes[first])) for p in group]
    return _Part(codes, pc.binary_join_element_wise(*pieces, ""))


def _feature_bytes(chunk: pd.DataFrame, extra: np.ndarray | None = None) -> bytes:
    """The features of ``chunk`` as UTF-8 JSON, each preceded by ``,\\n``."""
    parts = _merged(_parts(chunk, extra), most=max(len(chunk) // 8, 64))
    pieces = [p.fragments.take(pa.array(p.codes)) for p in parts]
    features = _flat(pc.binary_join_element_wise(*pieces, ""))
    # The features' texts lie end to end in the array's data buffer: that is the batch.
    offsets = np.frombuffer(features.buffers()[1], dtype=np.int32)
    begin, end = offsets[features.offset], offsets[features.offset + len(features)]
    return features.buffers()[2].slice(int(begin), int(end - begin)).to_pybytes()


def write(
    events: pd.DataFrame,
    target: str | Path | IO[str] | IO[bytes],
    *,
    extra: Sequence[str] | None = None,
) -> int:
    """Write events as an RFC 7946 FeatureCollection; returns the number of features.

    The output depends only on the events, so the same selection exported from the dashboard and
    from ``conflictmap export`` is byte-identical. Features are assembled a batch at a time in
    Arrow, each distinct value encoded once: a million events take seconds and the memory of
    one batch. ``extra`` adds properties to each feature, as JSON text (``, "links": [...]``).
    """
    if isinstance(target, (str, Path)):
        with open(target, "wb") as stream:
            return write(events, stream, extra=extra)
    more = None if extra is None else np.asarray(extra, dtype=object)
    binary = isinstance(target, (io.RawIOBase, io.BufferedIOBase))

    def put(data: bytes) -> None:
        target.write(data if binary else data.decode("utf-8"))

    put(b'{"type": "FeatureCollection", "features": [')
    for start in range(0, len(events), _BATCH):
        batch = None if more is None else more[start : start + _BATCH]
        data = _feature_bytes(events.iloc[start : start + _BATCH], batch)
        put(b"\n" + data[2:] if start == 0 else data)  # the first feature has no comma
    put(b"\n]}\n")
    return len(events)


def to_bytes(events: pd.DataFrame, *, extra: Sequence[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    write(events, buffer, extra=extra)
    return buffer.getvalue()


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
        # NaN and Infinity are not JSON, though Python writes them: kept as their text, so that
        # validation refuses them by row and column (as in a CSV) rather than reading a missing
        # value, which would send a point of [NaN, NaN] to the gazetteer.
        doc = json.loads(text, parse_constant=str)
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
        # The links conflictmap writes with each feature are read by geo.formats.link_files.
        record = {mapping.get(k, k): _scalar(v) for k, v in props.items() if k != LINKS_PROPERTY}
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
    crs = _crs_member(doc.get("crs"))
    if S.LONGITUDE not in frame or S.LATITUDE not in frame:
        return frame
    x = pd.to_numeric(frame[S.LONGITUDE], errors="coerce").to_numpy(dtype="float64")
    y = pd.to_numeric(frame[S.LATITUDE], errors="coerce").to_numpy(dtype="float64")
    if crs is None:
        _refuse_projected(x, y)
    else:
        lon, lat = to_lonlat(x, y, crs, where="the GeoJSON")
        numbers = np.isfinite(x) & np.isfinite(y)  # text such as 'NaN' is left to validation
        frame[S.LONGITUDE] = frame[S.LONGITUDE].astype(object).where(~numbers, lon)
        frame[S.LATITUDE] = frame[S.LATITUDE].astype(object).where(~numbers, lat)
    return frame


def _refuse_projected(x: np.ndarray, y: np.ndarray) -> None:
    """Refuse a file whose every point is beyond degrees: metres of a system it does not name.

    One point out of range is that row's mistake, and validation names it; all of them thousands
    out is the file's coordinate system (Web Mercator written without a ``crs`` member).
    """
    located = np.isfinite(x) & np.isfinite(y)
    # Metres of a projected system run to millions; a typo such as latitude 135 is a row's.
    if not located.any() or not (np.maximum(np.abs(x), np.abs(y)) > 1000)[located].all():
        return
    i = int(np.flatnonzero(located)[0])
    raise InputError(
        f"the GeoJSON's points are not longitude/latitude in degrees (feature {i + 1}: "
        f"{x[i]:,.0f}, {y[i]:,.0f}, metres of a projected system such as Web Mercator, "
        "EPSG:3857?) and it names no coordinate system: export it again in WGS84 (EPSG:4326), "
        'or add a crs member such as {"type": "name", "properties": {"name": "EPSG:3857"}}'
    )


def _crs_member(crs: object) -> str | None:
    """The coordinate system an old-style (2008) GeoJSON names; RFC 7946 files have none (WGS84).

    ``{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}`` as QGIS writes it,
    or ``{"type": "EPSG", "properties": {"code": 3857}}``.
    """
    if not isinstance(crs, dict):
        return None
    props = crs.get("properties") if isinstance(crs.get("properties"), dict) else {}
    if crs.get("type") == "name" and props.get("name"):
        return str(props["name"])
    if str(crs.get("type")).upper() == "EPSG" and props.get("code") is not None:
        return f"EPSG:{props['code']}"
    raise InputError(
        f"the GeoJSON names its coordinate system as {_json_text(crs)}, which we cannot read; "
        "save it in WGS84 longitude/latitude (RFC 7946, no crs member) and try again"
    )
