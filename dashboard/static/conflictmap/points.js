// Every event as a point on a canvas inside the Leaflet map (conflictmap's own code).
//
// The points arrive once per store revision as a gzipped binary file (geo/payload.py describes it):
// quantised coordinates, an event-type code and a fatality class per point. A filter change
// brings only which points the server's filter kept (a deflated bitset), so redrawing needs no
// new download. The layer is one object per map frame (window.cmPoints), kept across the
// feature groups streamlit-folium replaces at each rerun; dashboard/points.py writes the calls.
//
// Nothing here decides what is kept: the bitset is the server's filter (geo.query). Popups come
// from the server too: a click opens a popup that says what was clicked and reports the click
// (through streamlit-folium); the next rerun sends the escaped popup, which fills it.
(function () {
  "use strict";

  var SIZES_PX = [2.5, 3.5, 5, 7]; // radius by fatality class: none, 1-9, 10-99, 100 or more
  var CELL_PX = 16; // bucket size of the hit-test grid, in CSS pixels

  function parseColour(hex) {
    var v = parseInt(hex.slice(1), 16);
    var r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
    return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0; // ABGR: ImageData on little-endian
  }

  function parsePoints(buffer) {
    var bytes = new Uint8Array(buffer);
    var magic = String.fromCharCode(bytes[0], bytes[1], bytes[2], bytes[3]);
    if (magic !== "CMP1") { throw new Error("not a conflictmap points file"); }
    var size = new DataView(buffer).getUint32(4, true);
    var header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + size)));
    var n = header.n, at = 8 + size;
    at += (4 - (at % 4)) % 4;
    var lon = new Uint32Array(buffer, at, n);
    var lat = new Uint32Array(buffer, at + 4 * n, n);
    var types = new Uint8Array(buffer, at + 8 * n, n);
    var sizes = new Uint8Array(buffer, at + 9 * n, n);
    // Web Mercator in [0, 1) once per file: a redraw only scales and shifts.
    var mx = new Float64Array(n), my = new Float64Array(n);
    var scale = header.scale;
    for (var i = 0; i < n; i++) {
      mx[i] = (lon[i] / scale) / 360;
      var phi = Math.max(-85.05112878, Math.min(85.05112878, lat[i] / scale - 90)) * Math.PI / 180;
      my[i] = (1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2;
    }
    return {header: header, n: n, lon: lon, lat: lat, types: types, sizes: sizes, mx: mx, my: my};
  }

  function base64Bytes(text) {
    var raw = atob(text), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  // format: "deflate" (zlib: the bitsets) or "gzip" (the points file).
  function inflate(bytes, format) {
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream(format));
    return new Response(stream).arrayBuffer();
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  L.ConflictmapPoints = L.Layer.extend({
    options: {pane: "cmPoints"},

    initialize: function (options) {
      L.setOptions(this, options);
      this._seq = 0;
      this._drawnSeq = 0;
      this._points = null;
      this._pointsUrl = null;
      this._loading = null;
      this._keep = null;
      this._colours = [];
      // What tests and benchmarks read: the file shown, points kept and drawn, redraws done.
      // drawMs: the last redraw's time; updateMs: from the filter's arrival to its points drawn.
      this.state = {url: null, n: 0, kept: 0, drawn: 0, token: null, draws: 0, error: null,
                    drawMs: 0, updateMs: 0};
    },

    // spec: {url, keep (base64 of the deflated bitset), token, colours, popup: {lat, lng, html}}
    update: function (spec) {
      var seq = ++this._seq, self = this, arrived = performance.now();
      this._colours = spec.colours.map(parseColour);
      this._popupReply = spec.popup || null;
      this._fillPopup();
      if (spec.url !== this._pointsUrl) {
        this._pointsUrl = spec.url;
        this._loading = fetch(spec.url)
          .then(function (r) {
            if (!r.ok) { throw new Error("the map's points did not load (" + r.status + ")"); }
            return r.arrayBuffer();
          })
          .then(function (gz) { return inflate(gz, "gzip"); })
          .then(parsePoints);
      }
      var keep = inflate(base64Bytes(spec.keep), "deflate").then(function (b) {
        return new Uint8Array(b);
      });
      Promise.all([this._loading, keep])
        .then(function (got) {
          if (seq !== self._seq) { return; } // a newer filter arrived meanwhile
          self._points = got[0];
          self._keep = got[1];
          self.state.url = spec.url;
          self.state.token = spec.token;
          self.state.n = got[0].n;
          self._drawnSeq = seq;
          self._redraw();
          self.state.updateMs = performance.now() - arrived;
        })
        .catch(function (err) { self.state.error = String(err); });
    },

    // streamlit-folium replaces the feature group holding this layer at every rerun: the canvas
    // is kept across, so that its points stay on screen until the new filter is drawn.
    onAdd: function (map) {
      if (!map.getPane(this.options.pane)) {
        map.createPane(this.options.pane).style.zIndex = 450; // above squares, below popups
      }
      if (!this._canvas) {
        this._canvas = L.DomUtil.create("canvas", "cm-points leaflet-zoom-hide");
        this._canvas.style.pointerEvents = "none";
      }
      this.getPane().appendChild(this._canvas);
      map.on("moveend resize viewreset", this._redraw, this); // moveend follows a zoom too
      map.on("click", this._onClick, this);
      map.on("mousemove", this._onMove, this);
      if (this._drawnSeq === this._seq) { this._redraw(); } // else the update draws, once
    },

    onRemove: function (map) {
      map.off("moveend resize viewreset", this._redraw, this);
      map.off("click", this._onClick, this);
      map.off("mousemove", this._onMove, this);
      L.DomUtil.remove(this._canvas);
    },

    isKept: function (i) {
      return (this._keep[i >> 3] >> (i & 7)) & 1;
    },

    // [[lat, lon, type name], ...] of every kept point: what tests compare with geo.query.
    keptPoints: function () {
      var out = [], p = this._points;
      if (!p || !this._keep) { return out; }
      for (var i = 0; i < p.n; i++) {
        if (this.isKept(i)) {
          out.push([p.lat[i] / p.header.scale - 90, p.lon[i] / p.header.scale - 180,
                    p.header.types[p.types[i]]]);
        }
      }
      return out;
    },

    // [[x, y, i], ...]: where the drawn points are in the map's container (tests click them).
    drawnPixels: function () {
      var g = this._grid, out = [];
      if (!g) { return out; }
      for (var j = 0; j < g.ids.length; j++) { out.push([g.xs[j], g.ys[j], g.ids[j]]); }
      return out;
    },

    _redraw: function () {
      var map = this._map, p = this._points, keep = this._keep;
      if (!map || !this._canvas || !this._canvas.parentNode || !p || !keep) { return; }
      var began = performance.now();
      var size = map.getSize(), dpr = window.devicePixelRatio || 1;
      var W = Math.max(1, Math.round(size.x * dpr)), H = Math.max(1, Math.round(size.y * dpr));
      var canvas = this._canvas;
      canvas.width = W;
      canvas.height = H;
      canvas.style.width = size.x + "px";
      canvas.style.height = size.y + "px";
      var topLeft = map.containerPointToLayerPoint([0, 0]);
      L.DomUtil.setPosition(canvas, topLeft);
      var origin = topLeft.add(map.getPixelOrigin()); // world pixel of the container's corner
      var scale = 256 * Math.pow(2, map.getZoom());
      var ctx = canvas.getContext("2d");
      var image = ctx.createImageData(W, H);
      var buf = new Uint32Array(image.data.buffer);
      var white = 0xffffffff;
      var n = p.n, mx = p.mx, my = p.my, types = p.types, sizes = p.sizes;
      var colours = this._colours, other = colours.length - 1;
      var ncx = Math.ceil(size.x / CELL_PX) + 1, ncy = Math.ceil(size.y / CELL_PX) + 1;
      var drawnCount = 0;
      var xs = new Float32Array(n), ys = new Float32Array(n), ids = new Int32Array(n);
      // Largest first, so that small points stay visible on top of large ones.
      for (var s = SIZES_PX.length - 1; s >= 0; s--) {
        var r = SIZES_PX[s] * dpr, ri = Math.ceil(r);
        var fill = [], ring = [];
        for (var dy = -ri; dy <= ri; dy++) {
          for (var dx = -ri; dx <= ri; dx++) {
            var d = Math.sqrt(dx * dx + dy * dy);
            if (d <= r - dpr) { fill.push(dy * W + dx); } else if (d <= r) { ring.push(dy * W + dx); }
          }
        }
        for (var i = 0; i < n; i++) {
          if (sizes[i] !== s || !((keep[i >> 3] >> (i & 7)) & 1)) { continue; }
          var x = mx[i] * scale - origin.x, y = my[i] * scale - origin.y;
          var X = Math.round(x * dpr), Y = Math.round(y * dpr);
          if (X < -ri || Y < -ri || X >= W + ri || Y >= H + ri) { continue; }
          xs[drawnCount] = x; ys[drawnCount] = y; ids[drawnCount] = i;
          drawnCount++;
          var colour = colours[types[i]] !== undefined ? colours[types[i]] : colours[other];
          var at = Y * W + X, k;
          if (X >= ri && Y >= ri && X < W - ri && Y < H - ri) {
            for (k = 0; k < ring.length; k++) { buf[at + ring[k]] = white; }
            for (k = 0; k < fill.length; k++) { buf[at + fill[k]] = colour; }
          } else {
            this._stampClipped(buf, W, H, X, Y, ri, r, dpr, colour, white);
          }
        }
      }
      ctx.putImageData(image, 0, 0);
      for (var j = 0, total = 0; j < keep.length; j++) { total += popcount(keep[j]); }
      // Padding bits past n are zero, so the bytes' count is the points kept.
      this.state.kept = total;
      this.state.drawn = drawnCount;
      this.state.draws += 1;
      this.state.drawMs = performance.now() - began;
      this._buildGrid(xs.subarray(0, drawnCount), ys.subarray(0, drawnCount),
                      ids.subarray(0, drawnCount), ncx, ncy);
    },

    _stampClipped: function (buf, W, H, X, Y, ri, r, dpr, colour, white) {
      for (var dy = -ri; dy <= ri; dy++) {
        var yy = Y + dy;
        if (yy < 0 || yy >= H) { continue; }
        for (var dx = -ri; dx <= ri; dx++) {
          var xx = X + dx;
          if (xx < 0 || xx >= W) { continue; }
          var d = Math.sqrt(dx * dx + dy * dy);
          if (d <= r - dpr) { buf[yy * W + xx] = colour; } else if (d <= r) { buf[yy * W + xx] = white; }
        }
      }
    },

    // Drawn points bucketed by screen cell, so that a click or hover finds its point at once.
    _buildGrid: function (xs, ys, ids, ncx, ncy) {
      var count = new Int32Array(ncx * ncy + 1), cellOf = new Int32Array(xs.length), i;
      for (i = 0; i < xs.length; i++) {
        var cx = Math.min(ncx - 1, Math.max(0, Math.floor(xs[i] / CELL_PX)));
        var cy = Math.min(ncy - 1, Math.max(0, Math.floor(ys[i] / CELL_PX)));
        cellOf[i] = cy * ncx + cx;
        count[cellOf[i] + 1]++;
      }
      for (i = 1; i < count.length; i++) { count[i] += count[i - 1]; }
      var fillAt = count.slice(), order = new Int32Array(xs.length);
      for (i = 0; i < xs.length; i++) { order[fillAt[cellOf[i]]++] = i; }
      this._grid = {start: count, order: order, xs: xs, ys: ys, ids: ids, ncx: ncx, ncy: ncy};
    },

    _hit: function (point) {
      var g = this._grid, p = this._points;
      if (!g || !p) { return -1; }
      var cx = Math.floor(point.x / CELL_PX), cy = Math.floor(point.y / CELL_PX);
      var best = -1, bestD = Infinity;
      for (var y = cy - 1; y <= cy + 1; y++) {
        for (var x = cx - 1; x <= cx + 1; x++) {
          if (x < 0 || y < 0 || x >= g.ncx || y >= g.ncy) { continue; }
          var c = y * g.ncx + x;
          for (var k = g.start[c]; k < g.start[c + 1]; k++) {
            var j = g.order[k];
            var dx = g.xs[j] - point.x, dy = g.ys[j] - point.y, d = dx * dx + dy * dy;
            var reach = SIZES_PX[p.sizes[g.ids[j]]] + 3;
            // The last drawn wins a tie: it is the one on top.
            if (d <= reach * reach && d <= bestD) { best = g.ids[j]; bestD = d; }
          }
        }
      }
      return best;
    },

    _onMove: function (e) {
      var hit = this._hit(e.containerPoint) >= 0;
      this._map.getContainer().style.cursor = hit ? "pointer" : "";
    },

    _onClick: function (e) {
      var i = this._hit(e.containerPoint);
      if (i < 0) { return; }
      var p = this._points;
      var latlng = L.latLng(p.lat[i] / p.header.scale - 90, p.lon[i] / p.header.scale - 180);
      var name = p.header.types[p.types[i]] || "";
      this._popup = L.popup({maxWidth: 380, minWidth: 260, className: "cm-points-popup"})
        .setLatLng(latlng)
        .setContent('<div class="cm-popup"><div class="cm-title">' + escapeText(name) +
                    '</div><div class="cm-muted">Loading the event…</div></div>')
        .openOn(this._map);
      this._popupAt = latlng;
      // Reported to the app (streamlit-folium listens to clicks on the map's layers).
      this.fire("click", {latlng: latlng, index: i});
      this._fillPopup();
    },

    // Put the server's popup into the open popup, when it is the one for the clicked point.
    _fillPopup: function () {
      var reply = this._popupReply, popup = this._popup;
      if (!reply || !popup || !this._popupAt || !popup.isOpen()) { return; }
      if (Math.abs(reply.lat - this._popupAt.lat) > 1e-5 ||
          Math.abs(reply.lng - this._popupAt.lng) > 1e-5) { return; }
      popup.setContent(reply.html); // escaped by the server (dashboard/mapview.py)
    }
  });

  function popcount(b) {
    b = b - ((b >> 1) & 0x55);
    b = (b & 0x33) + ((b >> 2) & 0x33);
    return (b + (b >> 4)) & 0x0f;
  }

  L.conflictmapPoints = function (options) { return new L.ConflictmapPoints(options); };
})();
