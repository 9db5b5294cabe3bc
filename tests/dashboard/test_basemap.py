"""The layers under the events for each CONFLICTMAP_TILES value (folium objects, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import assets, basemap, mapview, routes
from geo.places.tiles import write_pmtiles

if not assets.installed():
    pytest.skip("map assets are not installed (make assets)", allow_module_level=True)


def kinds(under: basemap.BaseLayers) -> list[str]:
    return [type(layer).__name__ for layer in under.layers]


@pytest.fixture
def pmtiles(tmp_path: Path) -> Path:
    return write_pmtiles(tmp_path / "region.pmtiles", {(7, 78, 50): b"png bytes"})


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> None:
    """As under dashboard/server.py, which mounts the tiles route in the process."""
    monkeypatch.setitem(routes._mounted, "tiles", True)


def test_without_tiles_our_own_rivers_and_place_names_are_the_base_map() -> None:
    under = basemap.for_tiles("none")
    assert (under.folium_tiles, under.tiled, under.problem) == ("none", False, None)
    assert kinds(under) == ["RiverLines", "PlaceLabels"]
    assert all(layer.show for layer in under.layers)


def test_under_osm_tiles_the_place_names_wait_in_the_layer_control() -> None:
    under = basemap.for_tiles("osm")
    assert (under.folium_tiles, under.tiled) == ("osm", True)
    (labels,) = under.layers
    assert isinstance(labels, basemap.PlaceLabels) and labels.show is False and labels.control


def test_a_pmtiles_file_is_drawn_from_the_apps_own_route(pmtiles: Path, served: None) -> None:
    under = basemap.for_tiles(str(pmtiles), base_path="/team")
    assert (under.folium_tiles, under.tiled, under.problem) == ("none", True, None)
    assert kinds(under) == ["PMTilesLayer", "PlaceLabels"]
    tiles = under.layers[0]
    assert tiles.url == "/team/basemap/tiles.pmtiles"
    assert tiles.options["maxNativeZoom"] == 7, "zooming past the file's tiles enlarges them"


def test_a_pmtiles_file_nobody_serves_leaves_our_base_map_and_says_why(
    pmtiles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(routes._mounted, "tiles", False)  # streamlit run dashboard/app.py
    under = basemap.for_tiles(str(pmtiles))
    assert not under.tiled and kinds(under) == ["RiverLines", "PlaceLabels"]
    assert "region.pmtiles cannot be drawn" in under.problem
    assert "dashboard/server.py" in under.problem


def test_a_file_that_is_not_pmtiles_is_named_and_the_map_still_draws(
    tmp_path: Path, served: None
) -> None:
    bad = tmp_path / "syria.pmtiles"
    bad.write_text("not tiles", encoding="utf-8")
    under = basemap.for_tiles(str(bad))
    assert "syria.pmtiles is not a PMTiles v3 archive" in under.problem
    assert under.folium_tiles == "none" and not under.tiled
    assert kinds(under) == ["RiverLines", "PlaceLabels"]


def test_the_names_are_fetched_by_the_browser_not_sent_with_the_map() -> None:
    m = mapview.base_map()
    for layer in basemap.for_tiles("none").layers:
        layer.add_to(m)
    html = m.get_root().render()
    assert "/app/static/vendor/labels/" in html and "world-rivers.geojson" in html
    assert "Mayadin" not in html and "الميادين" not in html
    folder = basemap.LABELS_DIR / basemap.place_labels.labels_version()
    assert (folder / "index.json").exists()
