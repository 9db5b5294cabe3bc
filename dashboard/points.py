"""Every event as a point on the map: the file the browser fetches once, and the filter it redraws by.

:func:`publish` writes the points of a store revision (:func:`geo.payload.encode_points`) where
Streamlit serves the app's static files, under a name that holds a hash of the content (so a
browser never draws an old revision from its cache; the reply carries an ETag). The map frame
fetches it once, the way it fetches the country borders.

At every rerun the map's feature group carries a :class:`PointsUpdate`: the file's URL, the
server's filter as a bitset (:func:`geo.payload.encode_keep`) and, after a click, the escaped
popup of the clicked point. The drawing is ``static/conflictmap/points.js`` (our own code), loaded
with the base map by :class:`PointsScript`.
"""

from __future__ import annotations

import gzip
import os
import tempfile
import zlib
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from dashboard import assets, mapview
from geo import payload
from geo import schema as S

SCRIPT = "conflictmap/points.js"
CACHE_DIR = assets.STATIC_DIR / "cache"
KEEP_FILES = 4  # revisions kept on disk: other sessions may still be drawing an older one
# A click on a place where many events lie opens the first of them; the details panel has all.
POPUP_EVENTS_MAX = 10


def script_url(*, base_path: str = "") -> str:
    return assets.app_static_url(SCRIPT, base_path=base_path)


def publish(points: payload.Points, *, base_path: str = "", folder: Path = CACHE_DIR) -> str:
    """Write ``points`` for the browser (once per content) and return the URL it is served at.

    The file is gzipped here, once: served as ``application/gzip``, the server sends it as it
    is instead of compressing ten megabytes again for every browser; the browser inflates it.
    """
    name = f"points-{points.token}.bin.gz"
    target = folder / name
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a browser never reads half a file.
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".part") as out:
            out.write(gzip.compress(points.data, compresslevel=6, mtime=0))
        os.replace(out.name, target)
        _prune(folder, keep=target)
    return assets.app_static_url(f"cache/{name}", base_path=base_path)


def _prune(folder: Path, *, keep: Path) -> None:
    old = sorted(folder.glob("points-*.bin.gz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in [p for p in old if p != keep][KEEP_FILES - 1 :]:
        path.unlink(missing_ok=True)


POINTS_CSS = """
<style>
.cm-legend-title { font-weight: 600; }
.cm-legend-row { margin-left: 20px; font-size: 12px; line-height: 1.5; }
.cm-popup .cm-here { margin-bottom: 4px; }
hr.cm-sep { margin: 6px 0; border: 0; border-top: 1px solid #d5dbe0; }
</style>
"""


class PointsScript(JSCSSMixin, MacroElement):
    """Loads the points layer's code and styles with the base map (streamlit-folium loads a
    map's scripts once, when it first mounts)."""

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")
    default_js: ClassVar[list[tuple[str, str]]] = []

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "PointsScript"
        self.default_js = [("conflictmap_points", url)]

    def render(self, **kwargs: object) -> None:
        self.get_root().header.add_child(Element(POINTS_CSS), name="conflictmap_points_css")
        super().render(**kwargs)


class PointsUpdate(MacroElement):
    """Shows the points of ``url`` that the filter kept, in the feature group it is added to."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group) {
            var layer = window.cmPoints || (window.cmPoints = L.conflictmapPoints());
            layer.update({{ this.spec_json }});
            group.addLayer(layer);
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        url: str,
        points: payload.Points,
        keep: np.ndarray,
        *,
        popup: tuple[float, float, str] | None = None,
    ) -> None:
        super().__init__()
        self._name = "PointsUpdate"
        bits = payload.encode_keep(points, keep)
        self.kept = int(np.count_nonzero(keep[points.order]))
        spec = {
            "url": url,
            "keep": bits,
            "token": f"{points.token}:{zlib.crc32(bits.encode()):08x}",
            "colours": [mapview.style_of(t).colour for t in payload.TYPES],
            "popup": None
            if popup is None
            else {"lat": popup[0], "lng": popup[1], "html": popup[2]},
        }
        self.spec_json = mapview.json_for_script(spec)


def points_layer(
    url: str,
    points: payload.Points,
    keep: np.ndarray,
    *,
    popup: tuple[float, float, str] | None = None,
):
    """The feature group of the points, named with how many the filter kept."""
    import folium

    update = PointsUpdate(url, points, keep, popup=popup)
    group = folium.FeatureGroup(name=legend(points.type_counts(keep), update.kept), overlay=True)
    update.add_to(group)
    return group


def legend(counts: dict[str, int], total: int) -> str:
    """The layer's name in the layer control: the count, then each type's colour and count."""
    lines = "".join(
        f'<div class="cm-legend-row">{mapview.layer_name(t, n)}</div>' for t, n in counts.items()
    )
    return f'<span class="cm-legend-title">Events ({total:,})</span>{lines}'


def popup_at(events: pd.DataFrame, keep: np.ndarray, at: tuple[float, float]) -> str | None:
    """The popup of the kept events at point ``at`` (lat, lon): the first few, then how many more.

    None when no kept event lies there (the filters changed since the click).
    """
    lat = events[S.LATITUDE].to_numpy(dtype="float64")
    lon = events[S.LONGITUDE].to_numpy(dtype="float64")
    here = np.flatnonzero(keep & (np.abs(lat - at[0]) < 1e-5) & (np.abs(lon - at[1]) < 1e-5))
    if len(here) == 0:
        return None
    shown = events.take(here[:POPUP_EVENTS_MAX])
    parts = [mapview.popup_html(event) for _, event in shown.iterrows()]
    html = '<hr class="cm-sep">'.join(parts)
    if len(here) > 1:
        more = len(here) - len(shown)
        head = f'<div class="cm-muted cm-here">{len(here):,} events at this place'
        head += (
            f"; the first {len(shown)} here, all of them beside the map</div>" if more else "</div>"
        )
        html = head + html
    return html
