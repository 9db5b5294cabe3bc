"""Country borders for the offline map: TopoJSON arcs decoded to lon/lat lines."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely

from dashboard import assets
from geo.errors import InputError
from geo.places.topojson import (
    TOLERANCE_DEG,
    arc_lines,
    borders_geojson,
    object_lines,
    write_borders,
)

# Two arcs, quantised: positions are deltas from the previous one, then scaled and translated.
QUANTISED = {
    "type": "Topology",
    "transform": {"scale": [0.5, 0.25], "translate": [40.0, 34.0]},
    "objects": {},
    "arcs": [[[0, 0], [2, 4], [2, -4]], [[10, 10], [1, 0]]],
}


def test_quantised_arcs_decode_to_lon_lat_lines() -> None:
    first, second = arc_lines(QUANTISED)
    assert list(first.coords) == [(40.0, 34.0), (41.0, 35.0), (42.0, 34.0)]
    assert list(second.coords) == [(45.0, 36.5), (45.5, 36.5)]


def test_plain_arcs_are_taken_as_written() -> None:
    plain = {"type": "Topology", "objects": {}, "arcs": [[[40.5, 34.5], [41.25, 35.0]]]}
    (line,) = arc_lines(plain)
    assert list(line.coords) == [(40.5, 34.5), (41.25, 35.0)]


def test_the_borders_are_one_multilinestring_of_every_arc() -> None:
    (feature,) = borders_geojson(QUANTISED)["features"]
    lines = shapely.geometry.shape(feature["geometry"])
    assert lines.geom_type == "MultiLineString" and len(lines.geoms) == 2


def test_a_file_that_is_not_a_topology_is_refused() -> None:
    with pytest.raises(InputError, match="not a TopoJSON topology"):
        arc_lines({"type": "FeatureCollection", "features": []})


NOT_INSTALLED = pytest.mark.skipif(
    not assets.BORDERS_TOPOLOGY.exists(), reason="map assets not installed (make assets)"
)


@NOT_INSTALLED
def test_thinning_moves_no_border_by_more_than_about_a_kilometre() -> None:
    topology = json.loads(assets.BORDERS_TOPOLOGY.read_text(encoding="utf-8"))
    full = np.array(arc_lines(topology), dtype=object)
    (feature,) = borders_geojson(topology)["features"]
    thinned = np.array(shapely.geometry.shape(feature["geometry"]).geoms, dtype=object)
    assert len(thinned) == len(full), "every arc kept, in order"
    moved = shapely.hausdorff_distance(full, thinned)  # arc by arc
    assert moved.max() <= TOLERANCE_DEG + 0.001
    assert (
        shapely.get_num_coordinates(thinned).sum() < 0.8 * shapely.get_num_coordinates(full).sum()
    )


@NOT_INSTALLED
def test_the_borders_file_runs_through_syrias_crossings(tmp_path: Path) -> None:
    target = write_borders(assets.BORDERS_TOPOLOGY, tmp_path / "borders.geojson")
    (feature,) = json.loads(target.read_text(encoding="utf-8"))["features"]
    borders = shapely.geometry.shape(feature["geometry"])
    # Crossing points of data/gazetteer/sites.csv (Wikipedia); Natural Earth at 1:50m is good
    # to a few kilometres (6 km off at Bab al-Hawa): borders to find one's way, not to code by.
    for lon, lat in [(40.977, 34.3975), (42.34989, 37.089323)]:  # al-Qaim, Semalka
        assert borders.distance(shapely.Point(lon, lat)) * 111 < 3
    assert target.stat().st_size < 2_000_000


def test_an_objects_lines_join_its_arcs_and_follow_reversed_ones() -> None:
    topology = {
        **QUANTISED,
        "objects": {
            "rivers": {
                "type": "GeometryCollection",
                "geometries": [{"type": "LineString", "arcs": [0, -2]}, {"type": "Point"}],
            }
        },
    }
    (line,) = object_lines(topology, "rivers")
    # Arc 0, then arc 1 walked from its end back to its start.
    assert list(line.coords) == [
        (40.0, 34.0),
        (41.0, 35.0),
        (42.0, 34.0),
        (45.5, 36.5),
        (45.0, 36.5),
    ]
    with pytest.raises(InputError, match="no object 'roads'"):
        object_lines(topology, "roads")


@pytest.mark.skipif(not assets.RIVERS_TOPOLOGY.exists(), reason="map assets not installed")
def test_the_rivers_file_follows_the_euphrates_past_mayadin(tmp_path: Path) -> None:
    target = write_borders(assets.RIVERS_TOPOLOGY, tmp_path / "rivers.geojson", layer="rivers")
    (feature,) = json.loads(target.read_text(encoding="utf-8"))["features"]
    rivers = shapely.geometry.shape(feature["geometry"])
    # Mayadin and Albukamal stand on the Euphrates; Natural Earth at 1:50m is good to a few km.
    for lon, lat in [(40.452, 35.02), (40.919, 34.452)]:
        assert rivers.distance(shapely.Point(lon, lat)) * 111 < 6
    assert target.stat().st_size < 1_000_000
