"""A pydeck (deck.gl) map in the same Streamlit: every filtered event a point, no base tiles.

    CONFLICTMAP_STORE=events.gpkg streamlit run benchmarks/apps/pydeck_map.py

Run by benchmarks/bench_dashboard.py for comparison; not part of the dashboard.
"""

from __future__ import annotations

import numpy as np
import pydeck as pdk
import streamlit as st
from common import filtered_events

from dashboard import mapview
from geo import aggregate, payload
from geo import schema as S

st.set_page_config(layout="wide")
events = filtered_events()
colours = np.array(
    [[int(mapview.style_of(t).colour[i : i + 2], 16) for i in (1, 3, 5)] for t in payload.TYPES]
)
frame = events[[S.LONGITUDE, S.LATITUDE]].copy()
frame[["r", "g", "b"]] = colours[aggregate.type_codes(events)]
frame["radius"] = (2 + 2 * payload.size_classes(events[S.FATALITIES].fillna(0).to_numpy())).astype(
    "int64"
)
layer = pdk.Layer(
    "ScatterplotLayer",
    data=frame,
    get_position=[S.LONGITUDE, S.LATITUDE],
    get_fill_color=["r", "g", "b"],
    get_radius="radius",
    radius_units="'pixels'",  # a literal: pydeck reads a bare string as an expression
    pickable=True,
)
view = pdk.ViewState(
    latitude=mapview.DEFAULT_CENTER[0], longitude=mapview.DEFAULT_CENTER[1], zoom=6
)
st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_style=None), height=600)
# After the chart: when this appears, the chart's new data has reached the page.
st.caption(f"{len(events):,} events")
