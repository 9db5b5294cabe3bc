"""The Streamlit dashboard: a thin UI over the geo engine."""
