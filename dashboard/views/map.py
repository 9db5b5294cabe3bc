"""Map page: the filtered events on the map, details of a clicked event, timeline and play control.

The base map is built once per visit of the page (its view, tiles, outlines and draw tools never
change while the page is open). Every kept event is drawn as a point (:mod:`dashboard.points`):
the browser fetches the points once per store revision and each filter change sends only which
of them the filter kept, so the map redraws without reloading or losing its zoom.
"""

from __future__ import annotations

from functools import partial

import shapely
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from dashboard import (
    assets,
    auth,
    basemap,
    chainview,
    data,
    mapview,
    overlays,
    points,
    sidebar,
    state,
    timeline,
)
from geo import schema as S
from geo import settings
from geo.query import Filters, apply
from geo.team import auth as team

MAP_KEY = "event_map"
VIEW0_KEY = "map_view0"
PLAY_SECONDS = 1.5
RETURNED = ["last_object_clicked", "all_drawings", "center", "zoom"]


# --- callbacks: run before the next rerun, so they may set the sidebar's widgets ---------------------
def _map_key() -> str:
    """The key of the map now on the page: a new one each time "Clear area" draws it afresh."""
    return f"{MAP_KEY}-{st.session_state.get(sidebar.MAP_RESET_KEY, 0)}"


def _on_map_change(key: str) -> None:
    if key != _map_key():
        # The map that "Clear area" replaced, reporting late (a busy browser): its shapes are
        # gone from the page and must not bring their area filter back.
        return
    value = st.session_state.get(key) or {}
    center, zoom = value.get("center"), value.get("zoom")
    if center and zoom is not None:
        st.session_state[sidebar.VIEW_KEY] = mapview.View(
            center=(round(center["lat"], 5), round(center["lng"], 5)), zoom=int(zoom)
        )
    clicked = value.get("last_object_clicked")
    if clicked and clicked != st.session_state.get("_last_click"):
        st.session_state["_last_click"] = clicked
        st.session_state["selected_at"] = (clicked["lat"], clicked["lng"])
    drawings = value.get("all_drawings")
    if drawings is not None and drawings != st.session_state.get("_last_drawings"):
        st.session_state["_last_drawings"] = drawings
        sidebar.set_area(area_of(drawings))


def area_of(drawings: list[dict]) -> str | None:
    """The union of the drawn rectangles and polygons as WKT (None when all were deleted)."""
    shapes = [shape(f["geometry"]) for f in drawings if f.get("geometry")]
    shapes = [s for s in shapes if s.geom_type in ("Polygon", "MultiPolygon") and not s.is_empty]
    if not shapes:
        return None
    return shapely.to_wkt(shapely.union_all(shapes), rounding_precision=5)


def _on_brush() -> None:
    chosen = st.session_state.get("timeline")
    brushed = timeline.brushed_range(
        getattr(chosen, "selection", None) or (chosen or {}).get("selection")
    )
    if brushed and brushed != st.session_state.get("_last_brush"):
        st.session_state["_last_brush"] = brushed
        sidebar.set_dates(*brushed)
        st.session_state["play_on"] = False


def _toggle_play() -> None:
    st.session_state["play_on"] = not st.session_state.get("play_on", False)
    st.session_state["play_idx"] = 0


# --- page ---------------------------------------------------------------------------------------------
filters = state.filters()
filtered = state.filtered()
every = state.events()

map_key = _map_key()
fresh = st.session_state.get("_drawn_map_key") != map_key
if fresh or st.session_state.get("_page") != "map" or VIEW0_KEY not in st.session_state:
    # Entering the page, or drawing the map afresh: start where the map was last left, or where
    # a shared link points.
    st.session_state[VIEW0_KEY] = sidebar.current_view() or mapview.fit_view(every)
    st.session_state["_drawn_map_key"] = map_key
    st.session_state["_last_drawings"] = None
st.session_state["_page"] = "map"

# Play control: which period is on the map while playing.
first = filters.date_from or (filtered[S.EVENT_DATE].min().date() if len(filtered) else None)
last = filters.date_to or (filtered[S.EVENT_DATE].max().date() if len(filtered) else None)
period = timeline.choose_period(first, last)
play_steps = timeline.steps(first, last, period) if first and last else []
playing = bool(st.session_state.get("play_on")) and bool(play_steps)
current = None
shown = filtered
if playing:
    idx = min(st.session_state.get("play_idx", 0), len(play_steps) - 1)
    start = play_steps[idx]
    current = (start, timeline.step_end(start, period))
    shown = apply(filtered, Filters(date_from=current[0], date_to=current[1]))

head, controls = st.columns([2, 3])
with head:
    label = f"**{len(shown):,}** events on the map"
    if playing:
        label += f" · playing {period} of {current[0]} ({idx + 1}/{len(play_steps)})"
    st.markdown(label)
with controls:
    c1, c2, c3 = st.columns([1.1, 1.2, 1.7])
    density = c1.toggle("Density", key="density_on", help="Events counted in small squares")
    heat = c2.toggle("Heat map", key="heat_on")
    c3.button(
        "■ Stop" if playing else "▶ Play through time",
        on_click=_toggle_play,
        disabled=not play_steps,
        key="play_button",
        width="stretch",
    )

if not assets.installed():
    st.warning(
        "The map's JavaScript is not installed, so the map loads it from the internet and stays "
        "blank offline. Run `make assets` (npm) and reload."
    )

map_col, detail_col = st.columns([3, 1])
with map_col:
    base_path = st.get_option("server.baseUrlPath") or ""
    under = basemap.for_tiles(settings.TILES, base_path=base_path)
    base = mapview.base_map(
        st.session_state[VIEW0_KEY],
        tiles=under.folium_tiles,
        outlines=data.outlines(settings.BOUNDARIES),
        # Tiles draw their own borders; without them, the country borders are the only guide.
        borders_url=None if under.tiled else assets.borders_url(base_path=base_path),
    )
    for layer in under.layers:  # place names, rivers, the analyst's PMTiles
        layer.add_to(base)
    if under.problem:
        st.warning(under.problem)
    base.add_child(points.PointsScript(points.script_url(base_path=base_path)))
    # Every kept event is a point: the browser has the points of this store revision (fetched
    # once) and gets the server's filter as a bitset at each rerun.
    snap = data.snapshot()
    index = snap.index
    on_map = filters.with_(date_from=current[0], date_to=current[1]) if playing else filters
    keep = index.mask(on_map)
    drawn = data.points(snap)
    clicked = st.session_state.get("selected_at")
    popup_html = points.popup_at(index.events, keep, clicked) if clicked else None
    groups = [
        points.points_layer(
            points.publish(drawn, base_path=base_path),
            drawn,
            keep,
            popup=(clicked[0], clicked[1], popup_html) if popup_html else None,
        )
    ]
    view = sidebar.current_view() or st.session_state[VIEW0_KEY]
    if density or heat:
        cells = overlays.view_cells(index.events, view, keep=keep, index=index)
        if density:
            groups.append(overlays.density_layer(cells))
        if heat:
            groups.append(overlays.heat_layer(cells))
    arrows = overlays.arrows_layer(shown)
    if arrows is not None:
        groups.append(arrows)
    chain = chainview.selected_chain(snap.chains, clicked)
    groups += chainview.chain_group(chain)
    assets.localise(base, *groups, base_path=base_path)
    st_folium(
        base,
        key=map_key,
        height=600,
        use_container_width=True,
        feature_group_to_add=groups,
        layer_control=mapview.layer_control(),
        returned_objects=RETURNED,
        on_change=partial(_on_map_change, map_key),
    )
    directed = int(shown[S.ORIGIN_LATITUDE].notna().sum())
    if directed > mapview.ARROWS_MAX:
        st.caption(
            f"{directed:,} events carry a direction of fire: arrows are drawn for "
            f"{mapview.ARROWS_MAX} or fewer. Narrow the filters to see them."
        )

with detail_col:
    at = st.session_state.get("selected_at")
    if at is None:
        st.caption(
            "Click an event on the map to read it here. Draw a rectangle or polygon to filter by area."
        )
    else:
        near = (filtered[S.LATITUDE] - at[0]).abs().lt(1e-5) & (
            filtered[S.LONGITUDE] - at[1]
        ).abs().lt(1e-5)
        chosen = filtered.loc[near]
        if chosen.empty:
            st.caption("No filtered event at the clicked point.")
        for _, event in chosen.iterrows():
            with st.container(border=True):
                st.html(mapview.details_html(event))
                if auth.may(team.EDIT) and st.button("Edit", key=f"edit_{event[S.EVENT_ID]}"):
                    st.session_state["edit_id"] = event[S.EVENT_ID]
                    st.switch_page("views/edit.py")
        if chain is not None:
            st.html(chainview.timeline_html(chain))
            st.download_button(
                "Chain as GeoJSON",
                chainview.chain_geojson(chain),
                file_name=chainview.chain_filename(chain),
                mime="application/geo+json",
                key="chain_geojson",
            )

# Timeline of everything the other filters keep, so that brushing can widen the dates again.
undated = filters.with_(date_from=None, date_to=None)
for_timeline = index.mask(undated)  # counted straight from the codes, no filtered copy
days = index.events[S.EVENT_DATE][for_timeline].dropna()
if len(days):
    span_first, span_last = days.min().date(), days.max().date()
    st.altair_chart(
        timeline.chart(
            index.events,
            keep=for_timeline,
            index=index,
            period=timeline.choose_period(span_first, span_last),
            selected=(filters.date_from, filters.date_to),
            current=current,
        ),
        width="stretch",
        on_select=_on_brush,
        selection_mode=timeline.BRUSH,
        key="timeline",
    )
    st.caption("Drag across the timeline to set the date filter.")


@st.fragment(run_every=PLAY_SECONDS)
def _tick() -> None:
    # The fragment also runs once inline with the page; only the timer's runs advance the play.
    if not st.session_state.get("_tick_armed"):
        st.session_state["_tick_armed"] = True
        return
    nxt = st.session_state.get("play_idx", 0) + 1
    if nxt >= len(play_steps):
        st.session_state["play_on"] = False
    else:
        st.session_state["play_idx"] = nxt
    st.rerun()


if playing:
    st.session_state["_tick_armed"] = False
    _tick()
