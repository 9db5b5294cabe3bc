"""Settings read once from the environment at start-up.

In a Streamlit server these values are shared by every session: treat them as read-only.

CONFLICTMAP_STORE
    Path of the GeoPackage store (default: ``data/conflictmap.gpkg`` in the project).
CONFLICTMAP_DATABASE_URL
    ``postgresql://...`` to use a PostGIS store instead of the GeoPackage file.
CONFLICTMAP_AUTH
    Login for a shared dashboard: "off" (default, a laptop), "users" (the users file) or "oidc"
    (Streamlit's st.login with an identity provider set in .streamlit/secrets.toml).
CONFLICTMAP_USERS
    The users file (TOML: roles and password hashes; default ``~/.config/conflictmap/users.toml``).
CONFLICTMAP_CACHE_DIR
    Where derived indexes (the gazetteer index) are cached (default ``~/.cache/conflictmap``).
CONFLICTMAP_BOUNDARIES
    A folder or file of admin boundaries (GeoJSON/GeoPackage, OCHA COD-AB fields) for admin areas.
CONFLICTMAP_GEONAMES_DUMPS
    GeoNames country dumps (``SY.txt``, ``IQ.txt``: every village), joined by the path separator,
    added to the gazetteer (read when the geocoder is first used; see geo.places.geocode).
CONFLICTMAP_REGION
    The theatre, e.g. ``SY,IQ`` (ISO codes or English names): the countries where the geocoder reads
    a bare place name first, after the report's own country (default: the countries of the events
    in the store where the caller passes them, else those of the bundled events).
CONFLICTMAP_OFFLINE
    "1" to serve Leaflet and plugins from the app itself instead of CDNs (default "1").
CONFLICTMAP_TILES
    The base map: "none" (default when offline: our own borders, rivers and place names), a PMTiles
    file (``/data/region.pmtiles``, served by ``dashboard/server.py``), "osm" for OpenStreetMap,
    or a tile URL template.
CONFLICTMAP_MAX_INPUT_MB
    Largest file accepted as one input (import, add, upload), in megabytes (default 512).
CONFLICTMAP_LOCK_WAIT_S
    How long a write to the GeoPackage store waits for another writer's lock, in seconds
    (default 30), before it is refused with a sentence.
CONFLICTMAP_COUNTRY_BORDERS
    Natural Earth's countries as TopoJSON, used to refuse a point that lies outside the country it
    is coded with (default: the world-atlas copy ``make assets`` installs for the map, under
    ``dashboard/static/``). Without it only a coarse check (the extent of the country's towns) runs.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
EVENTS_DIR = DATA_DIR / "events"

STORE_PATH = Path(os.environ.get("CONFLICTMAP_STORE", DATA_DIR / "conflictmap.gpkg"))
DATABASE_URL: str | None = os.environ.get("CONFLICTMAP_DATABASE_URL") or None
AUTH: str = os.environ.get("CONFLICTMAP_AUTH", "off")
USERS_FILE = Path(
    os.environ.get("CONFLICTMAP_USERS", Path.home() / ".config" / "conflictmap" / "users.toml")
).expanduser()
CACHE_DIR = Path(
    os.environ.get("CONFLICTMAP_CACHE_DIR", Path.home() / ".cache" / "conflictmap")
).expanduser()
BOUNDARIES: str | None = os.environ.get("CONFLICTMAP_BOUNDARIES") or None
REGION: str | None = os.environ.get("CONFLICTMAP_REGION") or None
OFFLINE: bool = os.environ.get("CONFLICTMAP_OFFLINE", "1") not in ("0", "false", "no")
TILES: str = os.environ.get("CONFLICTMAP_TILES", "none" if OFFLINE else "osm")
MAX_INPUT_BYTES: int = int(os.environ.get("CONFLICTMAP_MAX_INPUT_MB", "512")) * 1024 * 1024
_WORLD_ATLAS = (
    PROJECT_ROOT / "dashboard" / "static" / "vendor" / "world-atlas" / "countries-50m.json"
)
COUNTRY_BORDERS = Path(os.environ.get("CONFLICTMAP_COUNTRY_BORDERS", _WORLD_ATLAS)).expanduser()
LOCK_WAIT_S: float = float(os.environ.get("CONFLICTMAP_LOCK_WAIT_S", "30"))
