"""Where events live: the store interface, its GeoPackage and PostGIS backends, the cache.

Owns: ``base`` (the :class:`EventStore` interface and helpers both backends share),
``geopackage`` (one file, the default), ``postgis`` (a team's database, with its numbered
``migrations/``), ``links`` (links between events, in both), ``cache`` (loaded frames, links and
chains per store revision). :func:`open_store` picks the backend
from a path or URL. May import the core modules (schema, query, errors, settings) and
``geo.formats.gpkg_layout``; never extraction, places, the CLI or streamlit.
"""

from __future__ import annotations

from pathlib import Path

from geo import settings
from geo.store.base import AddResult, EventStore, OnExisting
from geo.store.geopackage import GeoPackageStore

__all__ = ["AddResult", "EventStore", "GeoPackageStore", "OnExisting", "open_store"]


def open_store(target: str | Path | None = None) -> EventStore:
    """The store named by ``target`` (a path or ``postgresql://`` URL), else by the settings."""
    target = target if target is not None else (settings.DATABASE_URL or settings.STORE_PATH)
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        from geo.store.postgis import PostGISStore  # optional dependency (psycopg)

        return PostGISStore(text)
    return GeoPackageStore(Path(text))
