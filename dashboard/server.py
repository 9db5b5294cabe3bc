"""conflictmap's web server: ``streamlit run dashboard/server.py``.

The Streamlit app of ``dashboard/app.py`` plus the routes it needs beside its pages
(:mod:`dashboard.routes`: the analyst's PMTiles file, read in byte ranges). ``streamlit run``
finds the ``app`` below and serves it with the same options and ``.streamlit/config.toml`` as
the app alone; ``streamlit run dashboard/app.py`` still works, without those routes.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/server.py` puts dashboard/ on the path, not the project.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st
from streamlit import config

from dashboard import routes

app = st.App(
    "app.py", routes=routes.routes(base_path=config.get_option("server.baseUrlPath") or "")
)
