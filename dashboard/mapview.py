"""The map, as folium objects: a plain function of the events, with no Streamlit in it.

The dashboard keeps one constant base map (:func:`base_map`: view, tiles, outlines, draw tools) and
hands the events to streamlit-folium as separate feature groups (:func:`event_layers`), so that a
filter change swaps the markers without reloading the map or losing its zoom. :func:`build` puts
both on one map, for tests and standalone HTML.

Events travel to the browser as one JSON array per layer, drawn by a few lines of Leaflet code,
rather than as one folium object per event: 10,000 events stay a few megabytes of data instead of
tens of megabytes of generated script. Every text of an event is HTML-escaped here, in
:func:`popup_html` and :func:`tooltip_html`, before it reaches that array: news text is untrusted.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import folium
import folium.plugins
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo import aggregate, frames
from geo import schema as S
from geo.query import EventIndex

# Deir ez-Zor governorate: where the founding events are, and a sensible first view of Syria.
DEFAULT_CENTER: tuple[float, float] = (35.0, 40.3)
DEFAULT_ZOOM = 8
# Below this many events in one event type, every marker is drawn; above it they cluster.
CLUSTER_MIN = 60
# More arrows than this cover the map with lines; narrowing the filters brings them back.
ARROWS_MAX = 300
DEFAULT_TILES = "none"

SATELLITE_URL = (
    "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}"
)


@dataclass(frozen=True)
class View:
    """Where the map looks: centre (latitude, longitude) and zoom level."""

    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = DEFAULT_ZOOM


@dataclass(frozen=True)
class TypeStyle:
    colour: str
    shape: str  # an SVG element drawn in a 20 x 20 box


# One colour and one shape per ACLED event type, so that types stay apart in grey-scale print and
# for colour-blind readers too.
TYPE_STYLES: dict[str, TypeStyle] = {
    "Battles": TypeStyle("#c0392b", '<circle cx="10" cy="10" r="8"/>'),
    "Explosions/Remote violence": TypeStyle("#e67e22", '<path d="M10 1 L19 10 L10 19 L1 10 Z"/>'),
    "Violence against civilians": TypeStyle("#8e44ad", '<path d="M10 1.5 L19 18 L1 18 Z"/>'),
    "Protests": TypeStyle("#2471a3", '<rect x="2.5" y="2.5" width="15" height="15"/>'),
    "Riots": TypeStyle("#17a589", '<path d="M1 2 L19 2 L10 18.5 Z"/>'),
    "Strategic developments": TypeStyle(
        "#566573", '<path d="M10 1 L18 5.5 L18 14.5 L10 19 L2 14.5 L2 5.5 Z"/>'
    ),
}
OTHER_STYLE = TypeStyle("#7f8c8d", '<circle cx="10" cy="10" r="7"/>')
# Marker size in pixels by fatalities: none or unknown, 1-9, 10-99, 100 or more.
SIZES = (16, 20, 25, 30)


def style_of(event_type: object) -> TypeStyle:
    return TYPE_STYLES.get(str(event_type), OTHER_STYLE)


def shape_svg(style: TypeStyle, size: int) -> str:
    """The marker shape as inline SVG (constant per type: no event text goes into it)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 20 20" fill="{style.colour}" fill-opacity="0.85" stroke="#ffffff" '
        f'stroke-width="1.5">{style.shape}</svg>'
    )


# --- escaping -------------------------------------------------------------------------------------
@lru_cache(maxsize=200_000)
def _esc_text(text: str) -> str:
    text = html.escape(text, quote=True)
    for char, ref in (("{", "&#123;"), ("}", "&#125;"), ("`", "&#96;"), ("$", "&#36;")):
        text = text.replace(char, ref)
    return text.replace("\\", "&#92;")


def esc(value: object) -> str:
    """Text for HTML: escaped, empty for missing values.

    Beyond ``html.escape``, braces, backticks, dollar signs and backslashes become character
    references: they are harmless in HTML but mean something to the JavaScript and template code
    that carries the popup to the browser.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    # Event columns repeat a few thousand values over millions of rows: escape each once.
    return _esc_text(str(value))


def _date(value: object) -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _present(value: object) -> bool:
    return esc(value) != ""


def _row(label: str, content: str) -> str:
    return f'<div class="cm-row"><span class="cm-label">{label}</span> {content}</div>'


def _actor(name: object, assoc: object, kind: object) -> str:
    text = esc(name)
    if _present(kind):
        text += f' <span class="cm-muted">[{esc(kind)}]</span>'
    if _present(assoc):
        text += f' <span class="cm-muted">with {esc(assoc)}</span>'
    return text


def _precision(codes: dict[int, str], value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return codes.get(int(value), str(value))


def source_links(urls: object) -> str:
    """Anchors for the http(s) links among ``urls`` (space-separated); other schemes are dropped."""
    if not _present(urls):
        return ""
    anchors = []
    for url in str(urls).split():
        safe = S.safe_url(url)
        if safe is None:
            continue
        shown = safe.split("://", 1)[1].rstrip("/")
        anchors.append(
            f'<a href="{esc(safe)}" target="_blank" rel="noopener noreferrer">{esc(shown)}</a>'
        )
    return " ".join(anchors)


@dataclass(frozen=True)
class PopupParts:
    """A popup as escaped HTML fragments: title, subtitle, labelled rows and a footer.

    :func:`render_popup` (Python) and the ``popup`` function of :class:`EventMarkers` (JavaScript)
    put the same fragments into the same markup; only fragments ever hold event text.
    """

    title: str
    subtitle: str
    rows: tuple[tuple[str, str], ...]
    footer: str


def popup_parts(event: pd.Series | dict) -> PopupParts:
    """Everything an analyst needs to judge one event, every text escaped."""
    e = event
    date = _date(e[S.EVENT_DATE])
    end = _date(e[S.EVENT_DATE_END])
    when = date if not end or end == date else f"{date} to {end}"
    when += f' <span class="cm-muted">({esc(_precision(S.TIME_PRECISION_CODES, e[S.TIME_PRECISION]))})</span>'
    place = ", ".join(
        esc(e[c]) for c in (S.LOCATION, S.ADMIN2, S.ADMIN1, S.COUNTRY) if _present(e[c])
    )
    geo = _precision(S.GEO_PRECISION_CODES, e[S.GEO_PRECISION])
    if geo:
        place += f' <span class="cm-muted">(precision: {esc(geo)})</span>'
    fatalities = e[S.FATALITIES]
    rows = [("Date", when), ("Actor 1", _actor(e[S.ACTOR1], e[S.ASSOC_ACTOR_1], e[S.INTER1]))]
    if _present(e[S.ACTOR2]):
        rows.append(("Actor 2", _actor(e[S.ACTOR2], e[S.ASSOC_ACTOR_2], e[S.INTER2])))
    rows.append(("Place", place))
    if _present(e[S.ORIGIN_LOCATION]):
        rows.append(("Fire from", esc(e[S.ORIGIN_LOCATION])))
    rows.append(("Fatalities", esc(fatalities) if _present(fatalities) else "not reported"))
    if _present(e[S.NOTES]):
        rows.append(("Notes", f'<span class="cm-text">{esc(e[S.NOTES])}</span>'))
    if _present(e[S.EVIDENCE]):
        rows.append(("Evidence", f'<span class="cm-text" dir="auto">{esc(e[S.EVIDENCE])}</span>'))
    links = source_links(e[S.SOURCE_URL])
    rows.append(("Sources", esc(e[S.SOURCE]) + (f"<br>{links}" if links else "")))
    return PopupParts(
        title=esc(e[S.SUB_EVENT_TYPE]),
        subtitle=esc(e[S.EVENT_TYPE]),
        rows=tuple(rows),
        footer=f"{esc(e[S.EVENT_ID])} · {esc(e[S.STATUS])}",
    )


def render_popup(parts: PopupParts) -> str:
    body = "".join(_row(label, fragment) for label, fragment in parts.rows)
    return (
        f'<div class="cm-popup"><div class="cm-title">{parts.title}</div>'
        f'<div class="cm-muted">{parts.subtitle}</div>{body}'
        f'<div class="cm-muted cm-id">{parts.footer}</div></div>'
    )


def popup_html(event: pd.Series | dict) -> str:
    """The popup of one event as HTML (the details panel shows the same)."""
    return render_popup(popup_parts(event))


def details_html(event: pd.Series | dict) -> str:
    """The popup with its styles, for showing an event outside the map (details panels)."""
    return f"<style>{POPUP_CSS}</style>{popup_html(event)}"


def tooltip_html(event: pd.Series | dict) -> str:
    return " · ".join(
        t
        for t in (
            esc(_date(event[S.EVENT_DATE])),
            esc(event[S.SUB_EVENT_TYPE]),
            esc(event[S.LOCATION]),
        )
        if t
    )


def _size_index(fatalities: pd.Series) -> np.ndarray:
    values = pd.to_numeric(fatalities, errors="coerce").fillna(0).to_numpy(dtype="float64")
    return np.searchsorted(np.array([1, 10, 100]), values, side="right")


def json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element and inside JavaScript source."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --- Leaflet elements -----------------------------------------------------------------------------
class EventMarkers(MacroElement):
    """The markers of many events, added to the parent layer (a feature group or a cluster).

    The browser receives one table of distinct HTML fragments and, per event, the positions of
    its fragments in that table: actor names, places, types and dates repeat across thousands of
    events, so this is several times smaller than a popup per event. Popups are assembled only
    when opened.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (target) {
            var icons = {{ this.icons_json }};
            var sizes = {{ this.sizes_json }};
            var S = {{ this.strings_json }};
            var rows = {{ this.rows_json }};
            // Row: lat, lon, size, tooltip, title, subtitle, footer, then label/fragment pairs.
            function popup(r) {
                var h = '<div class="cm-popup"><div class="cm-title">' + S[r[4]] +
                    '</div><div class="cm-muted">' + S[r[5]] + '</div>';
                for (var k = 7; k < r.length; k += 2) {
                    h += '<div class="cm-row"><span class="cm-label">' + S[r[k]] + '</span> ' +
                        S[r[k + 1]] + '</div>';
                }
                return h + '<div class="cm-muted cm-id">' + S[r[6]] + '</div></div>';
            }
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var px = sizes[r[2]];
                var marker = L.marker([r[0], r[1]], {
                    icon: L.divIcon({
                        className: "cm-event",
                        html: icons[r[2]],
                        iconSize: [px, px],
                        iconAnchor: [px / 2, px / 2],
                        popupAnchor: [0, -px / 2]
                    }),
                    riseOnHover: true
                });
                marker.cmRow = r;
                marker.bindTooltip(S[r[3]], {direction: "top", offset: [0, -px / 2]});
                marker.bindPopup(function (layer) { return popup(layer.cmRow); },
                                 {maxWidth: 380, minWidth: 260});
                target.addLayer(marker);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, events: pd.DataFrame, style: TypeStyle, *, parts: pd.Series | None = None
    ) -> None:
        super().__init__()
        self._name = "EventMarkers"
        self.count = len(events)
        if parts is None:
            parts = event_texts(events)
        strings: dict[str, int] = {}

        def at(text: str) -> int:
            return strings.setdefault(text, len(strings))

        rows = []
        sizes = _size_index(events[S.FATALITIES])
        lats = events[S.LATITUDE].to_numpy(dtype="float64").round(6).tolist()
        lons = events[S.LONGITUDE].to_numpy(dtype="float64").round(6).tolist()
        for lat, lon, size, (tip, p) in zip(lats, lons, sizes.tolist(), parts, strict=True):
            row = [lat, lon, size, at(tip), at(p.title), at(p.subtitle), at(p.footer)]
            for label, fragment in p.rows:
                row += [at(label), at(fragment)]
            rows.append(row)
        self.icons_json = json_for_script([shape_svg(style, s) for s in SIZES])
        self.sizes_json = json_for_script(list(SIZES))
        self.strings_json = json_for_script(list(strings))
        self.rows_json = json_for_script(rows)


def event_texts(events: pd.DataFrame) -> pd.Series:
    """(tooltip, popup parts) per event, aligned with ``events``: the costly part of the markers.

    The dashboard computes these once per store revision and passes them to :func:`event_layers`.
    """
    return pd.Series(
        [(tooltip_html(rec), popup_parts(rec)) for rec in _records(events)],
        index=events.index,
        dtype=object,
    )


class DirectionArrows(MacroElement):
    """Origin -> target lines of directed events, each with an arrowhead pointing at the target."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (target) {
            var rows = {{ this.rows_json }};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var line = L.polyline([[r[0], r[1]], [r[2], r[3]]], {
                    color: r[5], weight: 2.5, opacity: 0.9, dashArray: "7 5",
                    className: "cm-arrow"
                });
                line.bindTooltip(r[6], {sticky: true});
                target.addLayer(line);
                var head = L.marker([r[7], r[8]], {
                    interactive: false,
                    keyboard: false,
                    icon: L.divIcon({
                        className: "cm-arrowhead",
                        iconSize: [16, 16],
                        iconAnchor: [8, 8],
                        html: '<svg width="16" height="16" viewBox="0 0 16 16" style="transform: rotate(' +
                            r[4] + 'deg)"><path d="M8 1 L14 15 L8 11 L2 15 Z" fill="' + r[5] + '"/></svg>'
                    })
                });
                target.addLayer(head);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, events: pd.DataFrame) -> None:
        super().__init__()
        self._name = "DirectionArrows"
        lines = frames.origin_lines(events)
        rows = []
        for rec, geom in zip(_records(lines), lines.geometry, strict=True):
            (olon, olat), (lon, lat) = geom.coords
            angle = bearing_on_screen(olat, olon, lat, lon)
            # The head sits short of the target so that it does not hide the event's marker.
            hlat, hlon = olat + 0.8 * (lat - olat), olon + 0.8 * (lon - olon)
            label = f"Fire from {esc(rec[S.ORIGIN_LOCATION]) or 'origin'} to {esc(rec[S.LOCATION])}"
            rows.append(
                [
                    round(olat, 6),
                    round(olon, 6),
                    round(lat, 6),
                    round(lon, 6),
                    round(angle, 1),
                    style_of(rec[S.EVENT_TYPE]).colour,
                    f"{tooltip_html(rec)}<br>{label}",
                    round(hlat, 6),
                    round(hlon, 6),
                ]
            )
        self.count = len(rows)
        self.rows_json = json_for_script(rows)


def bearing_on_screen(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Clockwise angle from screen-up of the line 1 -> 2 on a Web Mercator map, in degrees.

    Mercator keeps angles, so the arrowhead points along its line at every zoom.
    """

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(lon2 - lon1)
    dy = merc_y(lat2) - merc_y(lat1)
    return math.degrees(math.atan2(dx, dy)) % 360


def _records(frame: pd.DataFrame) -> Iterable[dict[str, object]]:
    columns = [c for c in frame.columns if c != S.GEOMETRY]
    values = [frame[c].tolist() for c in columns]
    for row in zip(*values, strict=True):
        yield dict(zip(columns, row, strict=True))


class EventCells(MacroElement):
    """Events counted into screen cells (:func:`geo.aggregate.grid_cells`), one square per cell.

    A cell's colour says how many events it holds; its tooltip gives the count and its popup the
    event-type mix. The browser receives one row of numbers per cell, so the payload stays
    bounded however many events there are. No event text is sent: type names are the taxonomy's.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (target) {
            var types = {{ this.types_json }};
            var colours = {{ this.colours_json }};
            var steps = {{ this.steps_json }};
            var cells = {{ this.cells_json }};
            var top = 1;
            for (var i = 0; i < cells.length; i++) { top = Math.max(top, cells[i][6]); }
            function fill(n) {
                var k = Math.min(steps.length - 1,
                                 Math.floor(Math.log(n) / Math.log(top + 1) * steps.length));
                return steps[k];
            }
            function popup(c) {
                var h = '<div class="cm-popup"><div class="cm-title">' +
                    c[6].toLocaleString() + (c[6] === 1 ? ' event' : ' events') + '</div>' +
                    '<div class="cm-muted">' + c[7].toLocaleString() + ' fatalities reported</div>';
                for (var k = 0; k < types.length; k++) {
                    if (!c[8][k]) { continue; }
                    h += '<div class="cm-row"><span style="color:' + colours[k] +
                        '">&#9679;</span> ' + types[k] + ': ' + c[8][k].toLocaleString() +
                        ' (' + Math.round(100 * c[8][k] / c[6]) + '%)</div>';
                }
                return h + '<div class="cm-muted cm-id">Zoom in or narrow the filters to see ' +
                    'single events.</div></div>';
            }
            for (var i = 0; i < cells.length; i++) {
                var c = cells[i];
                var square = L.rectangle([[c[2], c[3]], [c[4], c[5]]], {
                    color: "#ffffff", weight: 1, fillColor: fill(c[6]), fillOpacity: 0.7,
                    className: "cm-cell"
                });
                square.cmCell = c;
                square.bindTooltip(c[6].toLocaleString() + (c[6] === 1 ? " event" : " events"),
                                   {sticky: true});
                square.bindPopup(function (layer) { return popup(layer.cmCell); },
                                 {maxWidth: 320, minWidth: 220});
                target.addLayer(square);
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )
    # Light to dark with the count (ColorBrewer YlOrRd, 6 classes).
    STEPS = ("#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026")

    def __init__(self, cells: pd.DataFrame) -> None:
        super().__init__()
        self._name = "EventCells"
        self.count = int(cells["count"].sum())
        self.cells = len(cells)
        payload = json.loads(aggregate.cells_payload(cells))
        self.types_json = json_for_script([esc(t) for t in payload["types"]])
        self.colours_json = json_for_script([style_of(t).colour for t in payload["types"]])
        self.steps_json = json_for_script(list(self.STEPS))
        self.cells_json = json_for_script(payload["cells"])


def cell_layer(cells: pd.DataFrame) -> folium.FeatureGroup:
    total = int(cells["count"].sum())
    group = folium.FeatureGroup(
        name=f"&#9638; Events counted in squares ({total:,} in {len(cells):,})", overlay=True
    )
    EventCells(cells).add_to(group)
    return group


# The map's size in pixels as the map page draws it (the width is the column's, about this).
MAP_SIZE = (1100, 600)


def view_layers(
    events: pd.DataFrame,
    view: View,
    *,
    keep: np.ndarray | None = None,
    index: EventIndex | None = None,
    heat: bool = False,
    markers_max: int = aggregate.MARKERS_MAX,
    texts: pd.Series | None = None,
) -> list[folium.FeatureGroup]:
    """The layers for the map at ``view``: markers while they are few, counted squares when many.

    ``keep`` marks the filtered events (all of them without it); ``index`` is the frame's
    :class:`~geo.query.EventIndex`, when there is one. Up to ``markers_max`` kept events are all
    drawn as markers (:func:`event_layers`), wherever they are. Beyond that only the view counts
    (with a margin of half a screen, so that a short pan shows no empty edge): the events in it
    as markers when they are ``markers_max`` or fewer, else counted into squares
    (:func:`geo.aggregate.grid_cells`), which zooming in or narrowing the filters splits again.
    The browser never receives more than ``markers_max`` markers or ``aggregate.MAX_CELLS``
    squares.
    """
    chosen = np.ones(len(events), dtype=bool) if keep is None else keep
    if int(chosen.sum()) <= markers_max:
        shown = events if keep is None else events.take(np.flatnonzero(chosen))
        return event_layers(shown, heat=heat, texts=_texts_for(texts, shown))
    width, height = MAP_SIZE
    around = aggregate.view_bbox(view.center, view.zoom, width_px=2 * width, height_px=2 * height)
    inside = aggregate.in_view(events, bbox=around, keep=chosen, index=index)
    if not aggregate.use_cells(int(inside.sum()), markers_max=markers_max):
        shown = events.take(np.flatnonzero(inside))
        return event_layers(shown, heat=heat, texts=_texts_for(texts, shown))
    cells = aggregate.grid_cells(events, zoom=view.zoom, bbox=around, keep=chosen, index=index)
    return [cell_layer(cells)]


def _texts_for(texts: pd.Series | None, shown: pd.DataFrame) -> pd.Series | None:
    return None if texts is None else texts.loc[shown.index]


# --- the map --------------------------------------------------------------------------------------
POPUP_CSS = """
.cm-popup { font: 13px/1.45 "Source Sans Pro", sans-serif; color: #1c2833; }
.cm-popup .cm-title { font-weight: 600; font-size: 14px; }
.cm-popup .cm-row { margin-top: 3px; }
.cm-popup .cm-label { font-weight: 600; color: #34495e; }
.cm-popup .cm-muted { color: #6c7a89; }
.cm-popup .cm-text { white-space: pre-wrap; unicode-bidi: plaintext; }
.cm-popup .cm-id { margin-top: 6px; font-size: 11px; }
"""
MAP_CSS = f"""
<style>
.leaflet-container {{ background: #eef1f3; }}
.cm-event, .cm-arrowhead {{ background: transparent; border: none; }}
.cm-event svg, .cm-arrowhead svg {{ display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,.5)); }}
.leaflet-popup-content .cm-popup {{ max-height: 320px; overflow-y: auto; }}
.cm-swatch {{ font-size: 14px; }}
.cm-cluster div {{ border-radius: 50%; color: #fff; font-weight: 600; text-align: center;
  opacity: .85; box-shadow: 0 0 0 3px rgba(255,255,255,.6); font-size: 12px; }}
{POPUP_CSS}
</style>
"""


class PluginAssets(JSCSSMixin, MacroElement):
    """The plugins that the dashboard's layers may use, loaded with the base map.

    streamlit-folium loads JavaScript only when the map first mounts; a heat map or clusters that
    arrive later with the event layers would find their plugin missing.
    """

    _template = Template("{% macro script(this, kwargs) %}{% endmacro %}")
    # The dashboard's map draws its events as points (dashboard/points.py): no clusters.
    default_js: ClassVar[list[tuple[str, str]]] = list(folium.plugins.HeatMap.default_js)

    def __init__(self) -> None:
        super().__init__()
        self._name = "PluginAssets"


class BordersLayer(MacroElement):
    """Country borders the browser fetches once from the app (``dashboard.assets.borders_url``).

    Fetched, not embedded: a megabyte of lines would otherwise travel with every rerun. Drawn
    under everything else, and not clickable.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
fetch({{ this.url|tojson }})
  .then(function (r) { return r.ok ? r.json() : null; })
  .then(function (data) {
    if (!data) { return; }
    L.geoJSON(data, {interactive: false, style: {{ this.style|tojson }}})
      .addTo({{ this._parent.get_name() }}).bringToBack();
  });
{% endmacro %}"""
    )

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "BordersLayer"
        self.url = url
        self.style = {"color": "#9aa5b1", "weight": 1, "fill": False, "className": "cm-border"}


def base_map(
    view: View = View(),
    *,
    tiles: str = DEFAULT_TILES,
    outlines: object | None = None,
    borders_url: str | None = None,
    draw: bool = True,
) -> folium.Map:
    """The constant part of the map: view, base layers, outlines and the area-drawing tools.

    ``tiles`` is "none" (offline: a plain background), "osm" (OpenStreetMap and satellite imagery),
    or a tile URL template such as ``http://localhost:8080/{z}/{x}/{y}.png`` for a local server.
    ``outlines`` is an optional GeoDataFrame/GeoSeries of boundaries the user supplied;
    ``borders_url`` serves the world's country borders (see :class:`BordersLayer`).
    """
    m = folium.Map(
        location=list(view.center),
        zoom_start=view.zoom,
        tiles=None,
        control_scale=True,
        world_copy_jump=True,
        # folium hands min/max zoom to its tile layer only; with no tiles the map itself needs
        # them, or the cluster plugin refuses to work ("Map has no maxZoom specified").
        minZoom=2,
        maxZoom=18,
    )
    m.get_root().header.add_child(Element(MAP_CSS), name="conflictmap_css")
    PluginAssets().add_to(m)
    for layer in tile_layers(tiles):
        layer.add_to(m)
    if borders_url:
        m.add_child(BordersLayer(borders_url))
    if outlines is not None and len(outlines):
        folium.GeoJson(
            outlines,
            name="Boundaries",
            style_function=lambda _f: {"color": "#7b8a97", "weight": 1, "fill": False},
            interactive=False,
            control=False,
        ).add_to(m)
    if draw:
        folium.plugins.Draw(
            export=False,
            position="topleft",
            draw_options={
                "polyline": False,
                "circle": False,
                "marker": False,
                "circlemarker": False,
                "polygon": {"shapeOptions": {"color": "#2c3e50", "weight": 2, "fillOpacity": 0.05}},
                "rectangle": {
                    "shapeOptions": {"color": "#2c3e50", "weight": 2, "fillOpacity": 0.05}
                },
            },
            edit_options={"edit": False},
        ).add_to(m)
    return m


def tile_layers(tiles: str) -> list[folium.TileLayer]:
    """Base layers for a ``tiles`` setting: none, OpenStreetMap + satellite, or one local URL."""
    if not tiles or tiles.lower() == "none":
        return []
    if tiles.lower() == "osm":
        return [
            folium.TileLayer("OpenStreetMap", name="OpenStreetMap"),
            folium.TileLayer(
                tiles=SATELLITE_URL,
                attr="Imagery: Esri, Maxar, Earthstar Geographics",
                name="Satellite",
                max_zoom=18,
            ),
        ]
    return [folium.TileLayer(tiles=tiles, attr="Local tiles", name="Local tiles")]


def layer_name(event_type: str, count: int) -> str:
    colour = style_of(event_type).colour
    return (
        f'<span class="cm-swatch" style="color:{colour}">&#9679;</span> '
        f"{esc(event_type)} ({count:,})"
    )


def event_layers(
    events: pd.DataFrame,
    *,
    heat: bool = False,
    arrows: bool = True,
    cluster_min: int = CLUSTER_MIN,
    arrows_max: int = ARROWS_MAX,
    texts: pd.Series | None = None,
) -> list[folium.FeatureGroup]:
    """One feature group per event type present, then the directions of fire and the heat map.

    Events without coordinates are left out (drafts waiting for the geocoder). A type with more than
    ``cluster_min`` events is clustered; zooming in splits the clusters. Directions of fire are
    drawn for up to ``arrows_max`` directed events: beyond that they hide the map. ``texts`` are the
    events' :func:`event_texts` when already computed (indexed like ``events``).
    """
    located = events.loc[events[S.LATITUDE].notna() & events[S.LONGITUDE].notna()]
    groups: list[folium.FeatureGroup] = []
    present = [t for t in S.EVENT_TYPES if (located[S.EVENT_TYPE] == t).any()]
    others = sorted(set(located[S.EVENT_TYPE].dropna()) - set(S.EVENT_TYPES))
    for event_type in [*present, *others]:
        chosen = located.loc[located[S.EVENT_TYPE] == event_type]
        group = folium.FeatureGroup(name=layer_name(event_type, len(chosen)), overlay=True)
        holder: folium.FeatureGroup | folium.plugins.MarkerCluster = group
        if len(chosen) > cluster_min:
            holder = folium.plugins.MarkerCluster(
                control=False,
                options={"maxClusterRadius": 45, "chunkedLoading": True},
                icon_create_function=cluster_icon(style_of(event_type)),
            )
            holder.add_to(group)
        parts = texts.loc[chosen.index] if texts is not None else None
        EventMarkers(chosen, style_of(event_type), parts=parts).add_to(holder)
        groups.append(group)
    if arrows:
        directed = DirectionArrows(located)
        if 0 < directed.count <= arrows_max:
            group = folium.FeatureGroup(name=f"&#10140; Direction of fire ({directed.count:,})")
            directed.add_to(group)
            groups.append(group)
    if heat and len(located):
        group = folium.FeatureGroup(name="Heat map")
        points = located[[S.LATITUDE, S.LONGITUDE]].to_numpy(dtype="float64").tolist()
        folium.plugins.HeatMap(points, radius=22, blur=18, min_opacity=0.35).add_to(group)
        groups.append(group)
    return groups


def cluster_icon(style: TypeStyle) -> str:
    """A cluster drawn in its event type's colour with the number of events it holds."""
    return f"""
    function (cluster) {{
        var n = cluster.getChildCount();
        var px = n < 100 ? 30 : (n < 1000 ? 38 : 46);
        return L.divIcon({{
            className: "cm-cluster",
            iconSize: [px, px],
            html: '<div style="width:' + px + 'px;height:' + px + 'px;line-height:' + px +
                'px;background:{style.colour};">' + n + '</div>'
        }});
    }}"""


def layer_control() -> folium.LayerControl:
    return folium.LayerControl(collapsed=False, position="topright")


def build(
    events: pd.DataFrame,
    view: View | None = None,
    *,
    tiles: str = DEFAULT_TILES,
    heat: bool = False,
    outlines: object | None = None,
) -> folium.Map:
    """Base map and event layers on one map, with a layer control (standalone HTML, tests)."""
    m = base_map(view or fit_view(events), tiles=tiles, outlines=outlines)
    for group in event_layers(events, heat=heat):
        group.add_to(m)
    layer_control().add_to(m)
    return m


def fit_view(events: pd.DataFrame, *, default: View = View()) -> View:
    """A view that shows all located events (the default view when there are none)."""
    lat = pd.to_numeric(events[S.LATITUDE], errors="coerce").dropna()
    lon = pd.to_numeric(events[S.LONGITUDE], errors="coerce").dropna()
    if lat.empty:
        return default
    span = max(lat.max() - lat.min(), (lon.max() - lon.min()) * 0.8, 0.05)
    # Each zoom level halves the degrees shown; about 7 degrees fit a 700 px map at zoom 6.
    zoom = int(np.clip(math.floor(6 + math.log2(7 / span)), 2, 12))
    center = (
        round(float((lat.max() + lat.min()) / 2), 4),
        round(float((lon.max() + lon.min()) / 2), 4),
    )
    return View(center=center, zoom=zoom)


def marker_count(groups: Sequence[folium.FeatureGroup]) -> int:
    """How many event markers the layers draw (directions and heat map not counted)."""
    total = 0
    for group in groups:
        stack = list(group._children.values())
        while stack:
            child = stack.pop()
            if isinstance(child, EventMarkers):
                total += child.count
            stack.extend(getattr(child, "_children", {}).values())
    return total
