"""One module per outside format. Readers return frames in schema columns; writers take them.

``acled``, ``ucdp``, ``geojson``, ``gpkg`` (with ``gpkg_layout``, the OGC GeoPackage tables the
store and the export share), ``kml``, ``handcoded`` (YAML/CSV), ``csvfile``; ``rows`` and ``values``
are the CSV reading and cell conversion they share. May import the core modules only.
"""
