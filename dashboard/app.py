"""conflictmap dashboard: `streamlit run dashboard/app.py`.

The entry script sets up the page, the shared sidebar filters and the navigation; each page in
``dashboard/views/`` reads the filtered events from :mod:`dashboard.state`.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on the path, not the project: make `dashboard`
# and `geo` importable without an installed package too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from dashboard import auth, data, sidebar, state, urlstate

VIEWS = Path(__file__).resolve().parent / "views"

st.set_page_config(page_title="conflictmap", page_icon="🗺️", layout="wide")
# Off unless CONFLICTMAP_AUTH is set: then a sign-in screen until someone signs in.
user = auth.gate()


def _open_map() -> None:
    """The app's root address opens the Map page under its own name, keeping the link's filters,
    so that the address bar always names the page shown (a copied link reopens that page)."""
    st.switch_page(MAP, query_params=urlstate.as_mapping(st.query_params))


MAP = st.Page(VIEWS / "map.py", title="Map", icon=":material/map:", url_path="map")
pages = [
    st.Page(_open_map, title="Map", url_path="home", default=True, visibility="hidden"),
    MAP,
    st.Page(VIEWS / "events.py", title="Events", icon=":material/table:", url_path="events"),
    st.Page(VIEWS / "review.py", title="Review", icon=":material/fact_check:", url_path="review"),
    st.Page(VIEWS / "edit.py", title="Add / edit", icon=":material/edit:", url_path="edit"),
    st.Page(
        VIEWS / "report.py", title="From a report", icon=":material/article:", url_path="report"
    ),
    st.Page(VIEWS / "imports.py", title="Import", icon=":material/upload:", url_path="import"),
]
page = st.navigation(auth.allowed_pages(pages, user))
if page.url_path == "":
    auth.carry_refusal()
    page.run()  # the root: on to /map before anything is computed

url_problems = sidebar.init_from_url()
events = data.events()
counts_slot = sidebar.render(data.choices())
filters = sidebar.filters()
filtered = data.index().apply(filters)  # by codes and date order: see geo.query.EventIndex
state.publish(events=events, filters=filters, filtered=filtered)
counts_slot.markdown(f"**{len(filtered):,}** of {len(events):,} events match the filters")
for problem in url_problems:
    st.sidebar.warning(f"Link parameter {problem}")

page.run()
state.write_url()
