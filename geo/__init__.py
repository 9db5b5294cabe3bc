"""conflictmap engine: event schema, gazetteer, extraction, formats and stores.

Nothing in this package imports streamlit; the dashboard is a thin layer over it.
"""

__version__ = "0.1.0"
