"""The filters, defined once in the sidebar and shared by every page.

Each widget keeps its value in ``st.session_state`` under a ``f_`` key; :func:`filters` turns them
into one :class:`geo.query.Filters`. The URL fills the widgets at the first run of a session
(:func:`init_from_url`), other parts of the page set them through :func:`set_dates` and
:func:`set_area` (callbacks that run before the widgets are drawn), and the "Clear filters"
button empties them all.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from dashboard import urlstate
from dashboard.mapview import View
from geo import schema as S
from geo.query import Filters

# Filters field -> widget key.
KEYS = {
    "date_from": "f_from",
    "date_to": "f_to",
    "actors": "f_actors",
    "actor_types": "f_actor_types",
    "event_types": "f_types",
    "sub_event_types": "f_sub_types",
    "countries": "f_countries",
    "admin1": "f_admin1",
    "admin2": "f_admin2",
    "min_fatalities": "f_min_fatalities",
    "sources": "f_sources",
    "geo_precision": "f_precision",
    "statuses": "f_statuses",
    "text": "f_text",
    "in_chain": "f_in_chain",
}
AREA_KEY = "f_area"  # (bbox, area_wkt): set by drawing on the map, or by the URL
VIEW_KEY = "map_view"  # the map's current view, as last reported by the browser
# Bumped when the area filter is cleared: the map is then drawn afresh, without the old shape.
MAP_RESET_KEY = "map_reset"


def _empty(field: str) -> object:
    if field in ("date_from", "date_to"):
        return None
    if field == "min_fatalities":
        return 0
    if field == "text":
        return ""
    if field == "in_chain":
        return False
    return []


def _widget_value(field: str, value: object) -> object:
    if field == "min_fatalities":
        return int(value or 0)
    if isinstance(value, tuple):
        return list(value)
    return value


def init_from_url() -> list[str]:
    """At a session's first run, fill the widgets and the map view from the query parameters."""
    if st.session_state.get("_url_read"):
        return []
    st.session_state["_url_read"] = True
    filters, view, problems = urlstate.read(st.query_params)
    for field, key in KEYS.items():
        st.session_state[key] = _widget_value(field, getattr(filters, field))
    st.session_state[AREA_KEY] = (filters.bbox, filters.area_wkt)
    if view is not None:
        st.session_state[VIEW_KEY] = view
    return problems


def clear() -> None:
    """Every filter back to empty (a button callback)."""
    for field, key in KEYS.items():
        st.session_state[key] = _empty(field)
    clear_area()


def clear_area() -> None:
    if any(st.session_state.get(AREA_KEY, (None, None))):
        st.session_state[MAP_RESET_KEY] = st.session_state.get(MAP_RESET_KEY, 0) + 1
    st.session_state[AREA_KEY] = (None, None)


def set_dates(first: date | None, last: date | None) -> None:
    st.session_state[KEYS["date_from"]] = first
    st.session_state[KEYS["date_to"]] = last


def set_area(area_wkt: str | None) -> None:
    st.session_state[AREA_KEY] = (None, area_wkt)


def filters() -> Filters:
    """The filters the widgets hold now."""
    state = st.session_state
    values = {field: state.get(key, _empty(field)) for field, key in KEYS.items()}
    bbox, area = state.get(AREA_KEY, (None, None))
    min_fat = int(values["min_fatalities"] or 0)
    return Filters(
        date_from=values["date_from"],
        date_to=values["date_to"],
        actors=tuple(values["actors"]),
        actor_types=tuple(values["actor_types"]),
        event_types=tuple(values["event_types"]),
        sub_event_types=tuple(values["sub_event_types"]),
        countries=tuple(values["countries"]),
        admin1=tuple(values["admin1"]),
        admin2=tuple(values["admin2"]),
        min_fatalities=min_fat or None,
        sources=tuple(values["sources"]),
        geo_precision=tuple(int(v) for v in values["geo_precision"]),
        statuses=tuple(values["statuses"]),
        text=str(values["text"] or "").strip(),
        bbox=bbox,
        area_wkt=area,
        in_chain=bool(values["in_chain"]),
    )


def _options(available: list, key: str) -> list:
    """The offered values plus whatever is selected (a shared link may name an absent actor)."""
    chosen = st.session_state.get(key) or []
    return sorted(set(available) | set(chosen), key=str)


def render(choices: dict[str, object]) -> st.delta_generator.DeltaGenerator:
    """Draw the filter widgets; returns the slot above them where the page writes the counts."""
    sb = st.sidebar
    counts = sb.empty()
    sb.button("Clear filters", on_click=clear, width="stretch", key="clear_filters")
    first, last = choices["first_day"], choices["last_day"]
    c1, c2 = sb.columns(2)
    c1.date_input("From", key=KEYS["date_from"], format="YYYY-MM-DD", min_value=date(1990, 1, 1))
    c2.date_input("To", key=KEYS["date_to"], format="YYYY-MM-DD", min_value=date(1990, 1, 1))
    if first and last:
        sb.caption(f"Stored events span {first} to {last}.")
    sb.multiselect("Actor (either side)", _options(choices["actors"], "f_actors"), key="f_actors")
    sb.multiselect("Actor type", list(S.ACTOR_TYPE_LABELS), key="f_actor_types")
    sb.multiselect("Event type", list(S.EVENT_TYPES), key="f_types")
    chosen_types = st.session_state.get("f_types") or list(S.EVENT_TYPES)
    subs = [s for t in chosen_types for s in S.TAXONOMY.get(t, {})]
    sb.multiselect("Sub-event type", _options(subs, "f_sub_types"), key="f_sub_types")
    with sb.expander("Place", expanded=bool(_any_set("f_countries", "f_admin1", "f_admin2"))):
        st.multiselect("Country", _options(choices["countries"], "f_countries"), key="f_countries")
        st.multiselect("Admin 1", _options(choices["admin1"], "f_admin1"), key="f_admin1")
        st.multiselect("Admin 2", _options(choices["admin2"], "f_admin2"), key="f_admin2")
        st.multiselect(
            "Geo precision",
            [1, 2, 3],
            key="f_precision",
            format_func=lambda c: f"{c}: {S.GEO_PRECISION_CODES[c].split(':')[0].split(',')[0]}",
        )
    sb.number_input("Minimum fatalities", min_value=0, step=1, key="f_min_fatalities")
    sb.multiselect("Source outlet", _options(choices["sources"], "f_sources"), key="f_sources")
    sb.multiselect("Status", list(S.STATUSES), key="f_statuses")
    sb.text_input("Text in notes, evidence, place or actors", key="f_text")
    sb.checkbox(
        "Only events in a chain",
        key=KEYS["in_chain"],
        help="events linked to another: an attack and its answers (accepted links only)",
    )
    bbox, area = st.session_state.get(AREA_KEY, (None, None))
    if bbox or area:
        sb.info("Area filter: the shape drawn on the map (or given in the link).")
        sb.button("Clear area", on_click=clear_area, key="clear_area")
    return counts


def _any_set(*keys: str) -> bool:
    return any(st.session_state.get(k) for k in keys)


def current_view() -> View | None:
    return st.session_state.get(VIEW_KEY)
