"""Filters and map view <-> URL query parameters, so that a copied link opens the same view.

``encode`` and ``decode`` are plain functions over ``{name: [values]}`` (tests call them directly);
``read`` and ``write`` connect them to ``st.query_params``. Lists become repeated parameters
(``?actor=A&actor=B``): actor names may hold commas. A parameter that cannot be read (a date that
is not a date) is skipped and named in the returned problems, never fatal: a mangled link still
opens the dashboard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any, Protocol

import shapely

from dashboard.mapview import View
from geo.query import Filters

# Filters field -> (URL parameter, kind). Short names keep shared links readable.
PARAMS: dict[str, tuple[str, str]] = {
    "date_from": ("from", "date"),
    "date_to": ("to", "date"),
    "actors": ("actor", "texts"),
    "actor_types": ("actor_type", "texts"),
    "event_types": ("type", "texts"),
    "sub_event_types": ("sub_type", "texts"),
    "countries": ("country", "texts"),
    "admin1": ("admin1", "texts"),
    "admin2": ("admin2", "texts"),
    "min_fatalities": ("min_fatalities", "int"),
    "sources": ("source", "texts"),
    "geo_precision": ("precision", "ints"),
    "statuses": ("status", "texts"),
    "text": ("q", "text"),
    "bbox": ("bbox", "bbox"),
    "area_wkt": ("area", "wkt"),
    "in_chain": ("chains", "flag"),
}
VIEW_PARAMS = ("lat", "lon", "zoom")
assert set(PARAMS) == {f.name for f in fields(Filters)}, "every filter must have a URL parameter"


def _fmt_float(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def encode(filters: Filters, view: View | None = None) -> dict[str, list[str]]:
    """Query parameters for ``filters`` (only the ones set) and the map ``view``."""
    out: dict[str, list[str]] = {}
    for name, (param, kind) in PARAMS.items():
        value = getattr(filters, name)
        if value is None or value == () or value == "" or value is False:
            continue
        if kind == "date":
            out[param] = [value.isoformat()]
        elif kind in ("texts", "ints"):
            out[param] = [str(v) for v in value]
        elif kind == "int":
            out[param] = [str(int(value))]
        elif kind == "bbox":
            out[param] = [",".join(_fmt_float(v) for v in value)]
        elif kind == "flag":
            out[param] = ["1"]
        else:
            out[param] = [str(value)]
    if view is not None:
        out["lat"] = [_fmt_float(view.center[0])]
        out["lon"] = [_fmt_float(view.center[1])]
        out["zoom"] = [str(int(view.zoom))]
    return out


def _parse(kind: str, values: Sequence[str]) -> Any:
    if kind == "date":
        return date.fromisoformat(values[-1])
    if kind == "texts":
        return tuple(dict.fromkeys(v for v in values if v.strip()))
    if kind == "ints":
        return tuple(dict.fromkeys(int(v) for v in values))
    if kind == "int":
        return int(values[-1])
    if kind == "flag":
        if values[-1] not in ("0", "1"):
            raise ValueError("write 1 (or 0)")
        return values[-1] == "1"
    if kind == "bbox":
        parts = [float(v) for v in values[-1].split(",")]
        if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
            raise ValueError("a box is min_lon,min_lat,max_lon,max_lat")
        return tuple(parts)
    if kind == "wkt":
        shape = shapely.from_wkt(values[-1])
        if shape.is_empty or shape.geom_type not in ("Polygon", "MultiPolygon"):
            raise ValueError("the area must be a polygon")
        return values[-1]
    return values[-1]


def decode(params: Mapping[str, Sequence[str]]) -> tuple[Filters, View | None, list[str]]:
    """Filters, view (None when the URL has none) and the parameters that could not be read."""
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for name, (param, kind) in PARAMS.items():
        values = [v for v in params.get(param, ()) if v is not None]
        if not values:
            continue
        try:
            changes[name] = _parse(kind, values)
        except (ValueError, shapely.errors.ShapelyError) as exc:
            problems.append(f"{param}={values[-1]!r} ignored: {exc}")
    view = None
    if all(params.get(p) for p in VIEW_PARAMS):
        try:
            lat, lon = float(params["lat"][-1]), float(params["lon"][-1])
            zoom = int(float(params["zoom"][-1]))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 0 <= zoom <= 20):
                raise ValueError("outside the map")
            view = View(center=(lat, lon), zoom=zoom)
        except ValueError as exc:
            problems.append(f"map view ignored: {exc}")
    return Filters(**changes), view, problems


class QueryParams(Protocol):
    def get_all(self, key: str) -> list[str]: ...

    def __iter__(self) -> Any: ...

    def from_dict(self, params: Mapping[str, Any]) -> None: ...


def as_mapping(query_params: QueryParams) -> dict[str, list[str]]:
    return {key: list(query_params.get_all(key)) for key in query_params}


def read(query_params: QueryParams) -> tuple[Filters, View | None, list[str]]:
    """Filters and view from ``st.query_params``."""
    return decode(as_mapping(query_params))


def write(query_params: QueryParams, filters: Filters, view: View | None) -> bool:
    """Put filters and view into ``st.query_params`` when they changed; True if they did."""
    wanted = encode(filters, view)
    if as_mapping(query_params) == wanted:
        return False
    query_params.from_dict(wanted)
    return True
