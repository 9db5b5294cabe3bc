"""What the entry script computed for this run, handed to the page it runs.

Pages call :func:`events`, :func:`filters` and :func:`filtered` instead of recomputing them, so the
sidebar, the counts and the page always agree.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import sidebar, urlstate
from geo.query import Filters

_KEY = "_run_state"


def publish(*, events: pd.DataFrame, filters: Filters, filtered: pd.DataFrame) -> None:
    st.session_state[_KEY] = {"events": events, "filters": filters, "filtered": filtered}


def events() -> pd.DataFrame:
    return st.session_state[_KEY]["events"]


def filters() -> Filters:
    return st.session_state[_KEY]["filters"]


def filtered() -> pd.DataFrame:
    return st.session_state[_KEY]["filtered"]


def write_url() -> None:
    """Keep the address bar in step with the filters and the map view (shareable links)."""
    urlstate.write(st.query_params, filters(), sidebar.current_view())
