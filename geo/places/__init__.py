"""Places, offline: the gazetteer, the geocoder, admin boundaries and the offline base map.

Owns: ``gazetteer`` (GeoNames, curated sites and optional dumps in one normalised name index),
``geocode`` (a mention and its context to a place, precision, admin areas and the reason),
``region`` (the theatre a bare name is read in: the setting, the store's or the bundled countries),
``boundaries`` (admin polygons an analyst supplies, point-in-polygon assignment), ``topojson``
(the borders and rivers of the offline base map), ``countries`` (is a point in the country it is
coded with), ``labels`` (which places the base map names, from which zoom) and ``tiles`` (PMTiles
files an analyst supplies). May import the core modules (``text``, ``errors``, ``settings``) and
the ``pmtiles`` package; never extraction, the store, the CLI or streamlit.
"""
