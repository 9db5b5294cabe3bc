"""Links between events in the export formats, and read back from them.

- GeoJSON: each feature carries its links (at either end) in a ``links`` property:
  ``[{"link_id": ..., "event_id": ..., "relation": "retaliation_for", "target_id": ...}]``.
- GeoPackage: beside the ``events`` layer, the ``event_links`` table (every link column) and the
  ``event_link_lines`` layer, a line from each answered event to its answer, that QGIS draws.
- CSV: a ``<name>.links.csv`` file beside ``<name>.csv``, in link columns (``conflictmap add`` and
  ``import`` read it back).

The tables and lines hold the links whose two events are both exported; the GeoJSON property
also names a link whose other end was filtered out, so a reader sees that the event was answered.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from geo import links as L
from geo import schema as S
from geo.errors import InputError
from geo.formats import csvfile
from geo.formats import gpkg as gpkg_format
from geo.formats.geojson import LINKS_PROPERTY
from geo.formats.values import column_texts, neutralise_formulas

LINK_TABLE = "event_links"
LINE_LAYER = "event_link_lines"
_FEATURE_KEYS = tuple(n for n in L.COLUMN_NAMES if n not in (L.VERSION, L.CREATED_AT, L.UPDATED_AT))


def touching(links: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The links with at least one end among ``events``."""
    ids = events[S.EVENT_ID]
    keep = links[L.EVENT_ID].isin(ids) | links[L.TARGET_ID].isin(ids)
    return links.loc[keep.to_numpy()]


def within(links: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """The links whose two ends are both among ``events``."""
    ids = events[S.EVENT_ID]
    keep = links[L.EVENT_ID].isin(ids) & links[L.TARGET_ID].isin(ids)
    return links.loc[keep.to_numpy()]


def feature_properties(events: pd.DataFrame, links: pd.DataFrame) -> list[str]:
    """Per event, its links as a GeoJSON property (``, "links": [...]``), "" for none."""
    near = touching(links, events)
    out = [""] * len(events)
    if near.empty:
        return out
    position = {eid: i for i, eid in enumerate(events[S.EVENT_ID])}
    per_event: dict[int, list[dict]] = {}
    for record in near[list(_FEATURE_KEYS)].to_dict("records"):
        record = {k: (None if pd.isna(v) else v) for k, v in record.items()}
        for end in (record[L.EVENT_ID], record[L.TARGET_ID]):
            if end in position:
                per_event.setdefault(position[end], []).append(record)
    for i, records in per_event.items():
        text = json.dumps(records, ensure_ascii=False)
        out[i] = f", {json.dumps(LINKS_PROPERTY)}: {text}"
    return out


def links_csv_path(events_path: str | Path) -> Path:
    """Where the links of ``events.csv`` go: ``events.links.csv``."""
    path = Path(events_path)
    return path.with_name(path.stem + ".links.csv")


def links_to_csv(links: pd.DataFrame, target: IO[str]) -> int:
    """Links as CSV in link columns; evidence that a spreadsheet would run as a formula is
    guarded as in the events CSV."""
    columns = []
    for name, kind, _ in L.COLUMNS:
        texts = column_texts(links[name], kind)
        columns.append(neutralise_formulas(texts) if kind == "str" else texts)
    csvfile.write_columns(list(L.COLUMN_NAMES), columns, target)
    return len(links)


def line_frame(events: pd.DataFrame, links: pd.DataFrame):
    """A line per link from the answered event to its answer (EPSG:4326), with the link's fields."""
    import geopandas as gpd
    import shapely

    both = within(links, events)
    at = events.set_index(S.EVENT_ID)[[S.LONGITUDE, S.LATITUDE]]
    start = at.loc[both[L.TARGET_ID]].to_numpy(dtype="float64")
    end = at.loc[both[L.EVENT_ID]].to_numpy(dtype="float64")
    placed = ~(np.isnan(start).any(axis=1) | np.isnan(end).any(axis=1))
    coords = np.stack([start[placed], end[placed]], axis=1)
    lines = shapely.linestrings(coords) if len(coords) else []
    data = pd.DataFrame(both.loc[placed].drop(columns=[L.CREATED_AT, L.UPDATED_AT]))
    return gpd.GeoDataFrame(data.reset_index(drop=True), geometry=list(lines), crs=4326)


def write_gpkg(events: pd.DataFrame, links: pd.DataFrame, target: str | Path) -> int:
    """The events GeoPackage with the link table and line layer; moved into place when whole."""
    import pyogrio

    path = Path(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gpkg", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        count = gpkg_format.write(events, tmp)
        both = within(links, events)
        if not both.empty:
            table = both.copy()
            for name in (L.CREATED_AT, L.UPDATED_AT):
                table[name] = table[name].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
            pyogrio.write_dataframe(table.reset_index(drop=True), tmp, layer=LINK_TABLE)
            lines = line_frame(events, both)
            if len(lines):
                pyogrio.write_dataframe(lines, tmp, layer=LINE_LAYER)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def read_links(path: str | Path) -> pd.DataFrame:
    """The links an exported file carries (GeoJSON property, GeoPackage table, CSV beside),
    checked; none when it carries none."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        frame = _geojson_links(path)
    elif suffix == ".gpkg":
        frame = _gpkg_links(path)
    elif suffix == ".csv":
        beside = links_csv_path(path)
        if not beside.exists():
            return L.empty_links()
        from geo.formats import handcoded

        frame = handcoded.read_csv_with_links(beside)[1]
    else:
        return L.empty_links()
    if frame.empty:
        return L.empty_links()
    return L.validate_links(
        frame.drop(columns=[L.LINK_ID], errors="ignore"), what=f"links of {path}"
    )


def _geojson_links(path: Path) -> pd.DataFrame:
    from geo.textio import read_text

    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not readable GeoJSON: {exc}") from exc
    seen: dict[str, dict] = {}
    for feature in doc.get("features") or []:
        props = (feature or {}).get("properties") or {}
        for record in props.get(LINKS_PROPERTY) or []:
            if isinstance(record, dict):
                key = record.get(L.LINK_ID) or json.dumps(record, sort_keys=True)
                seen.setdefault(str(key), record)
    return pd.DataFrame(list(seen.values()))


def _gpkg_links(path: Path) -> pd.DataFrame:
    import pyogrio

    layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    if LINK_TABLE not in layers:
        return pd.DataFrame()
    frame = pyogrio.read_dataframe(path, layer=LINK_TABLE, read_geometry=False)
    return pd.DataFrame(frame)
