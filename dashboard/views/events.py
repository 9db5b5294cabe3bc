"""Events page: the filtered events as a table, one event's details and history, and the exports.

Exports go through ``geo.export.FORMATS``, the registry the ``conflictmap export`` command uses,
so the same filters give the same bytes from both.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard import auth, data, mapview, state
from geo import links as L
from geo import schema as S
from geo.export import FORMATS, filename, links_csv_bytes
from geo.formats.link_files import touching as links_touching
from geo.team import auth as team

TABLE_COLUMNS = [
    S.EVENT_DATE,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.ACTOR1,
    S.ACTOR2,
    S.LOCATION,
    S.ADMIN1,
    S.FATALITIES,
    S.SOURCE,
    S.STATUS,
    S.EVENT_ID,
]
# Labels for the export buttons, in the order shown; formats the registry lacks are left out.
EXPORTS = {
    "geojson": "GeoJSON",
    "acled": "CSV (ACLED columns)",
    "csv": "CSV (all columns)",
    "gpkg": "GeoPackage",
    "kml": "KML",
}

EAGER_MAX = 2_000
PAGE_ROWS = 1_000

st.session_state["_page"] = "events"
filters = state.filters()
# Exports keep the store's order, as `conflictmap export` does; the table is sorted by date.
filtered = state.filtered()

st.markdown(f"**{len(filtered):,}** events match the filters")

# The accepted links go with the events (a GeoJSON property, GeoPackage layers, a links CSV).
links = data.snapshot().links
links = links[links[L.STATUS] == L.ACCEPTED]
cols = st.columns(len([f for f in EXPORTS if f in FORMATS]) or 1)
for col, (name, label) in zip(
    cols, [(n, lab) for n, lab in EXPORTS.items() if n in FORMATS], strict=False
):
    fmt = FORMATS[name]
    # Small selections are written at once; large ones only when their button is pressed, so a
    # rerun of the page does not write five files of 10,000 events each.
    payload = (
        fmt.to_bytes(filtered, links=links)
        if len(filtered) <= EAGER_MAX
        else (lambda fmt=fmt: fmt.to_bytes(filtered, links=links))
    )
    col.download_button(
        label,
        data=payload,
        on_click="ignore",
        file_name=filename(filters, name),
        mime=fmt.media_type,
        key=f"download_{name}",
        width="stretch",
    )

if len(links_touching(links, filtered)):
    st.download_button(
        "Links of these events (CSV)",
        data=links_csv_bytes(filtered, links),
        on_click="ignore",
        file_name=filename(filters, "csv").removesuffix(".csv") + ".links.csv",
        mime="text/csv",
        key="download_links",
    )

# A page at a time: the browser gets at most PAGE_ROWS rows however many events match (a table of
# a million rows would be hundreds of megabytes). Dates sort with a stable sort, ties in store order.
order = np.argsort(filtered[S.EVENT_DATE].to_numpy(), kind="stable")
pages = max(1, -(-len(filtered) // PAGE_ROWS))
page = 1
if pages > 1:
    page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="events_page"))
first = (page - 1) * PAGE_ROWS
shown = filtered.iloc[order[first : first + PAGE_ROWS]]
if pages > 1:
    st.caption(
        f"Rows {first + 1:,}-{first + len(shown):,} of {len(filtered):,}, oldest first; "
        "the exports hold every matching event."
    )
table = shown[TABLE_COLUMNS].copy()
table[S.EVENT_DATE] = table[S.EVENT_DATE].dt.date
picked = st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode="single-row",
    key="events_table",
    column_config={
        S.EVENT_DATE: st.column_config.DateColumn("date"),
        S.FATALITIES: st.column_config.NumberColumn("fatalities", format="%d"),
    },
)

rows = picked.selection.rows if picked is not None else []
if rows:
    event = shown.iloc[rows[0]]
    left, right = st.columns([2, 1])
    with left, st.container(border=True):
        st.html(mapview.details_html(event))
    with right:
        if auth.may(team.EDIT) and st.button("Edit this event", key="edit_selected"):
            st.session_state["edit_id"] = event[S.EVENT_ID]
            st.switch_page("views/edit.py")
        with st.expander("History", expanded=True):
            history = data.store().history(event[S.EVENT_ID])
            st.dataframe(history, hide_index=True, width="stretch")
else:
    st.caption("Select a row to read the event, its sources and its history.")
