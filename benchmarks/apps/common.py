"""What the comparison maps share with the dashboard: the same store, loader, filter and widgets.

Only the map differs, so the benchmark compares ways of drawing, not ways of loading. The
sidebar carries the widgets the benchmark drives, with the dashboard's labels: "Event type",
"From", "To" and "Clear filters".
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import streamlit as st  # noqa: E402

from geo import schema as S  # noqa: E402
from geo import settings  # noqa: E402
from geo.query import Filters  # noqa: E402
from geo.store import GeoPackageStore, cache  # noqa: E402

KEYS = ("types", "from", "to")


def _clear() -> None:
    st.session_state["types"] = []
    st.session_state["from"] = None
    st.session_state["to"] = None


def filtered_events() -> pd.DataFrame:
    """The stored events (loaded once per revision, as the dashboard does) the sidebar keeps."""
    snapshot = cache.load(GeoPackageStore(settings.STORE_PATH))
    sb = st.sidebar
    sb.button("Clear filters", on_click=_clear)
    c1, c2 = sb.columns(2)
    c1.date_input("From", value=None, key="from", format="YYYY-MM-DD")
    c2.date_input("To", value=None, key="to", format="YYYY-MM-DD")
    sb.multiselect("Event type", list(S.EVENT_TYPES), key="types")
    filters = Filters(
        date_from=st.session_state.get("from"),
        date_to=st.session_state.get("to"),
        event_types=tuple(st.session_state.get("types") or ()),
    )
    kept = snapshot.index.apply(filters)
    return kept.loc[kept[S.LATITUDE].notna() & kept[S.LONGITUDE].notna()]
