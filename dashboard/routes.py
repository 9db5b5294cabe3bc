"""HTTP routes the dashboard serves beside Streamlit's own: the analyst's PMTiles file.

A PMTiles archive is one file of any size, read by the browser in byte ranges (its header, a
directory, then each tile it draws), so it cannot go through Streamlit's static folder (files
under it only, 200 MB at most). :func:`routes` answers ``GET``/``HEAD`` on :data:`TILES_PATH`
with the file ``CONFLICTMAP_TILES`` names; Starlette's ``FileResponse`` answers a ``Range``
request with ``206 Partial Content`` and the requested bytes, with an ``ETag`` the PMTiles reader
checks between requests. Mounted by ``dashboard/server.py`` (``st.App``).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from geo import settings
from geo.places.tiles import archive_path

TILES_PATH = "/basemap/tiles.pmtiles"
# Set when the routes are mounted in this process: without them the map must not ask for tiles.
_mounted: dict[str, bool] = {"tiles": False}


def tiles_url(*, base_path: str = "") -> str:
    base = base_path.strip("/")
    return f"/{base}{TILES_PATH}" if base else TILES_PATH


def serving_tiles() -> bool:
    """Whether this process answers :data:`TILES_PATH` (run through ``dashboard/server.py``)."""
    return _mounted["tiles"]


def tiles_file(tiles: str | None = None) -> Path | None:
    """The PMTiles file the setting names (default ``CONFLICTMAP_TILES``), if it names one."""
    return archive_path(settings.TILES if tiles is None else tiles)


async def _tiles(request: Request) -> Response:
    path = tiles_file()
    if path is None or not path.is_file():
        return PlainTextResponse("no PMTiles file is set (CONFLICTMAP_TILES)", status_code=404)
    return FileResponse(path, media_type="application/vnd.pmtiles")


def routes(*, base_path: str = "") -> list[BaseRoute]:
    """The extra routes, under Streamlit's ``server.baseUrlPath`` when it has one."""
    _mounted["tiles"] = True
    return [Route(tiles_url(base_path=base_path), _tiles, methods=["GET", "HEAD"])]
