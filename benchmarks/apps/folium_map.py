"""The obvious folium way: one marker per filtered event, in a MarkerCluster, with its popup.

    CONFLICTMAP_STORE=events.gpkg streamlit run benchmarks/apps/folium_map.py

Run by benchmarks/bench_dashboard.py for comparison; not part of the dashboard.
"""

from __future__ import annotations

import folium
import folium.plugins
import streamlit as st
from common import filtered_events
from streamlit_folium import st_folium

from dashboard import assets, mapview
from geo import schema as S

st.set_page_config(layout="wide")
events = filtered_events()
m = folium.Map(location=list(mapview.DEFAULT_CENTER), zoom_start=6, tiles=None)
cluster = folium.plugins.MarkerCluster().add_to(m)
for row in events.itertuples(index=False):
    popup = f"{mapview.esc(getattr(row, S.SUB_EVENT_TYPE))}<br>{mapview.esc(getattr(row, S.NOTES))}"
    folium.Marker(
        [getattr(row, S.LATITUDE), getattr(row, S.LONGITUDE)],
        popup=popup,
        tooltip=mapview.esc(getattr(row, S.LOCATION)),
    ).add_to(cluster)
assets.localise(m)  # Leaflet from the app itself: offline
st_folium(m, height=600, use_container_width=True, returned_objects=[])
st.caption(f"{len(events):,} events")
