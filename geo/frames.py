"""Events as geometry: target points, and origin -> target lines for directed events."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import schema as S


def to_points(events: pd.DataFrame) -> gpd.GeoDataFrame:
    """Events as a point GeoDataFrame (EPSG:4326) at their ``longitude``/``latitude``."""
    return S.to_geoframe(events)


def origin_lines(events: pd.DataFrame) -> gpd.GeoDataFrame:
    """One LineString per directed event, from where the fire came from to where it landed.

    Only events with both origin and target coordinates appear; the event columns come along so
    that a line can be styled and labelled like its event.
    """
    cols = [S.ORIGIN_LONGITUDE, S.ORIGIN_LATITUDE, S.LONGITUDE, S.LATITUDE]
    coords = events[cols].apply(pd.to_numeric, errors="coerce").to_numpy(dtype="float64")
    directed = ~np.isnan(coords).any(axis=1)
    chosen = events.loc[directed].drop(columns=[S.GEOMETRY], errors="ignore")
    pairs = coords[directed].reshape(-1, 2, 2)
    lines = shapely.linestrings(pairs) if len(pairs) else np.array([], dtype=object)
    return gpd.GeoDataFrame(chosen, geometry=lines, crs=S.CRS)
