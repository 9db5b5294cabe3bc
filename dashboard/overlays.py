"""What the analyst can draw over the points: the density view, a heat map, directions of fire.

Each is bounded whatever the number of events: the density view and the heat map are counted
into screen cells on the server (:func:`geo.aggregate.grid_cells`), and directions of fire are
drawn only while they are few.
"""

from __future__ import annotations

import folium
import folium.plugins
import numpy as np
import pandas as pd

from dashboard import mapview
from geo import aggregate
from geo import schema as S
from geo.query import EventIndex

# Density cells this many screen pixels wide: about 5 km at zoom 8, so that a town stands apart
# from its neighbours; zooming in makes them finer still.
DENSITY_PX = 16


def view_cells(
    events: pd.DataFrame,
    view: mapview.View,
    *,
    keep: np.ndarray,
    index: EventIndex | None = None,
    cell_px: int = DENSITY_PX,
) -> pd.DataFrame:
    """The kept events around ``view`` (half a screen beyond each edge) counted into cells."""
    width, height = mapview.MAP_SIZE
    around = aggregate.view_bbox(view.center, view.zoom, width_px=2 * width, height_px=2 * height)
    return aggregate.grid_cells(
        events, zoom=view.zoom, bbox=around, keep=keep, index=index, cell_px=cell_px
    )


def density_layer(cells: pd.DataFrame) -> folium.FeatureGroup:
    """The density view: one square per cell, coloured by its count, its mix in the popup."""
    total = int(cells["count"].sum())
    group = folium.FeatureGroup(
        name=f"&#9638; Density ({total:,} events in {len(cells):,} squares)", overlay=True
    )
    mapview.EventCells(cells).add_to(group)
    return group


def heat_layer(cells: pd.DataFrame) -> folium.FeatureGroup:
    """A heat map of the cells, each weighted by its count."""
    group = folium.FeatureGroup(name="Heat map")
    top = max(int(cells["count"].max()), 1) if len(cells) else 1
    rows = np.column_stack(
        [cells["latitude"], cells["longitude"], np.sqrt(cells["count"] / top)]
    ).round(5)
    folium.plugins.HeatMap(rows.tolist(), radius=22, blur=18, min_opacity=0.35).add_to(group)
    return group


def arrows_layer(shown: pd.DataFrame) -> folium.FeatureGroup | None:
    """Directions of fire of the shown events, while there are :data:`mapview.ARROWS_MAX` or fewer."""
    directed = (shown[S.ORIGIN_LATITUDE].notna() & shown[S.ORIGIN_LONGITUDE].notna()).to_numpy()
    # Counted before anything is copied: a million shown events may carry thousands.
    if not 0 < int(directed.sum()) <= mapview.ARROWS_MAX:
        return None
    arrows = mapview.DirectionArrows(shown.loc[directed])
    group = folium.FeatureGroup(name=f"&#10140; Direction of fire ({arrows.count:,})")
    arrows.add_to(group)
    return group
