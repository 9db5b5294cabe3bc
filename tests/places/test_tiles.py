"""PMTiles archives: which setting names one, what its header says, and writing one."""

from __future__ import annotations

from pathlib import Path

import pytest
from pmtiles.reader import MmapSource, Reader
from pmtiles.tile import TileType

from geo.errors import InputError
from geo.places.tiles import archive_path, describe, write_pmtiles

# Not real images: the archive stores tile bytes as given.
TILES = {(7, 78, 50): b"tile z7", (8, 156, 101): b"tile z8 a", (8, 157, 101): b"tile z8 b"}


def test_a_written_archive_says_what_it_holds_and_gives_back_each_tile(tmp_path: Path) -> None:
    path = write_pmtiles(tmp_path / "region.pmtiles", TILES, bounds=(39.0, 33.8, 42.0, 36.2))
    archive = describe(path)
    assert (archive.kind, archive.tile_format) == ("raster", "png")
    assert (archive.min_zoom, archive.max_zoom) == (7, 8)
    assert archive.bounds == pytest.approx((39.0, 33.8, 42.0, 36.2))
    with open(path, "rb") as f:
        reader = Reader(MmapSource(f))
        for (z, x, y), data in TILES.items():
            assert reader.get(z, x, y) == data
        assert reader.get(8, 0, 0) is None


def test_vector_tiles_are_told_apart_from_images(tmp_path: Path) -> None:
    path = write_pmtiles(tmp_path / "v.pmtiles", {(0, 0, 0): b"\x1f\x8b"}, tile_type=TileType.MVT)
    assert (describe(path).kind, describe(path).tile_format) == ("vector", "mvt")


def test_a_file_that_is_not_pmtiles_is_refused_by_name(tmp_path: Path) -> None:
    mbtiles = tmp_path / "region.mbtiles.pmtiles"
    mbtiles.write_bytes(b"SQLite format 3\x00" + bytes(200))
    with pytest.raises(InputError, match=r"region.mbtiles.pmtiles is not a PMTiles v3 archive"):
        describe(mbtiles)
    with pytest.raises(InputError, match=r"missing.pmtiles cannot be read"):
        describe(tmp_path / "missing.pmtiles")
    with pytest.raises(InputError, match="no tile"):
        write_pmtiles(tmp_path / "empty.pmtiles", {})
    assert not (tmp_path / "empty.pmtiles").exists()


def test_only_a_pmtiles_path_names_an_archive() -> None:
    assert archive_path("none") is None
    assert archive_path("osm") is None
    assert archive_path("http://localhost:8080/{z}/{x}/{y}.png") is None
    assert archive_path("https://example.org/region.pmtiles") is None, "remote: not offline"
    assert archive_path("/data/Syria.PMTiles") == Path("/data/Syria.PMTiles")
    assert archive_path("~/maps/syria.pmtiles") == Path.home() / "maps" / "syria.pmtiles"
