"""Place names for the offline base map: which gazetteer places are named, from which zoom.

A printed map names its big cities from afar and its villages only close up. Each town of the
gazetteer gets the zoom level from which it is named (:func:`min_zoom`), by its GeoNames
population; curated sites (bases, oil fields, crossings ...) by their kind, so that an analyst of
the Euphrates valley reads "al-Omar oil field" as soon as the towns around it.

The labels travel to the browser as small JSON files written once per gazetteer version
(:func:`write_labels`), never with a rerun of the page: ``index.json`` holds the places named
below :data:`CELL_ZOOM` (about five thousand big towns worldwide) and the list of cells; each
``CELL_DEG`` x ``CELL_DEG`` cell file holds the rest of the places inside it, fetched once the
map is zoomed in on it. Every row is ``[rank, latitude, longitude, min_zoom, kind, English name,
Arabic name]``; a lower rank is drawn first, so where names would overlap the bigger place keeps
its name.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from geo.places.gazetteer import KINDS, Gazetteer, sources_hash

FORMAT = 2  # bump when the files' layout or the zoom rules change: a new folder is written
# Places named from this zoom on go into cell files; the ones named earlier into index.json.
CELL_ZOOM = 7
CELL_DEG = 2.0
# Population -> the first zoom the town is named at (a 1,100 px map at zoom 7 shows ~8 degrees).
POPULATION_ZOOMS: tuple[tuple[int, int], ...] = (
    (1_000_000, 4),
    (300_000, 5),
    (100_000, 6),
    (40_000, 7),
    (15_000, 8),
    (5_000, 9),
    (1_000, 10),
)
UNKNOWN_POPULATION_ZOOM = 10  # GeoNames towns without a count, and towns among the curated sites
SITE_ZOOMS: dict[str, int] = {
    "base": 9,
    "airport": 9,
    "oil_field": 9,
    "gas_field": 9,
    "gas_plant": 9,
    "crossing": 9,
    "dam": 10,
    "bridge": 11,
    "camp": 10,
    "neighbourhood": 12,
}
# Row kinds: how the browser draws the label (a town's dot or a site's square).
TOWN, SITE = 0, 1
# Coordinates to ~10 m: plenty for a label, and it keeps the files small.
DECIMALS = 4


@dataclass(frozen=True)
class Label:
    """One named place of the base map."""

    rank: int
    latitude: float
    longitude: float
    min_zoom: int
    kind: int  # TOWN or SITE
    name_en: str
    name_ar: str

    def row(self) -> list[object]:
        return [
            self.rank,
            self.latitude,
            self.longitude,
            self.min_zoom,
            self.kind,
            self.name_en,
            self.name_ar,
        ]


def min_zoom(population: int, kind: str = "town") -> int | None:
    """The first zoom level at which a place is named; None for places the map never names
    (governorates and regions: their names sit on their main town's point)."""
    if kind == "town":
        return int(_town_zooms([population])[0])
    return SITE_ZOOMS.get(kind)


# Kind code (gazetteer.KINDS) -> min zoom of a site of that kind, or -1: never named.
_ZOOM_OF_KIND = [SITE_ZOOMS.get(kind, -1) for kind in KINDS]


def _town_zooms(population: object) -> np.ndarray:
    pop = np.asarray(population, dtype=np.int64)
    zooms = np.full(pop.shape, max(z for _, z in POPULATION_ZOOMS) + 1, dtype=np.int8)
    for threshold, zoom in reversed(POPULATION_ZOOMS):
        zooms[pop >= threshold] = zoom
    zooms[pop <= 0] = UNKNOWN_POPULATION_ZOOM
    return zooms


def labels(gazetteer: Gazetteer) -> list[Label]:
    """Every place the base map names, most important first (the rank order)."""
    kinds = np.asarray(gazetteer.kind_codes)
    towns = kinds == KINDS.index("town")
    zooms = np.where(
        towns, _town_zooms(gazetteer.population), np.asarray(_ZOOM_OF_KIND, dtype=np.int8)[kinds]
    )
    population = np.asarray(gazetteer.population, dtype=np.int64)
    # Named earlier first; then, among the places of one zoom, the curated sites (the bases and
    # fields reports name: an analyst of the Euphrates valley reads "al-Omar oil field" before
    # the villages around it), then the bigger town.
    bigger_first = np.where(towns, np.where(population > 0, -population, 1), np.iinfo(np.int64).min)
    order = np.lexsort((np.arange(len(zooms)), bigger_first, zooms))
    names_en, names_ar = gazetteer.names()
    lat = np.round(gazetteer.latitude, DECIMALS).tolist()
    lon = np.round(gazetteer.longitude, DECIMALS).tolist()
    zoom_of, town = zooms.tolist(), towns.tolist()
    out: list[Label] = []
    for i in order[zooms[order] >= 0].tolist():
        if not (names_en[i] or names_ar[i]):
            continue
        out.append(
            Label(
                rank=len(out),
                latitude=lat[i],
                longitude=lon[i],
                min_zoom=zoom_of[i],
                kind=TOWN if town[i] else SITE,
                name_en=names_en[i],
                name_ar=names_ar[i],
            )
        )
    return out


def cell_of(latitude: float, longitude: float, *, cell_deg: float = CELL_DEG) -> str:
    """The name of the cell holding a point: ``"<column>_<row>"`` counted from (-180, -90)."""
    col = min(math.floor((longitude + 180) / cell_deg), int(360 / cell_deg) - 1)
    row = min(math.floor((latitude + 90) / cell_deg), int(180 / cell_deg) - 1)
    return f"{col}_{row}"


def split_by_cell(
    rows: list[Label], *, cell_zoom: int = CELL_ZOOM, cell_deg: float = CELL_DEG
) -> tuple[list[Label], dict[str, list[Label]]]:
    """The labels named from afar (below ``cell_zoom``), and the others by cell."""
    near: list[Label] = []
    cells: dict[str, list[Label]] = {}
    for label in rows:
        if label.min_zoom < cell_zoom:
            near.append(label)
        else:
            cells.setdefault(
                cell_of(label.latitude, label.longitude, cell_deg=cell_deg), []
            ).append(label)
    return near, cells


def labels_version(**sources: object) -> str:
    """The name of the labels folder for the gazetteer's current sources and these rules."""
    return f"{sources_hash(**sources)}-{FORMAT}"  # type: ignore[arg-type]


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def label_files(
    rows: list[Label], *, cell_zoom: int = CELL_ZOOM, cell_deg: float = CELL_DEG
) -> Iterator[tuple[str, str]]:
    """(file name, JSON text) of the index and of every cell."""
    near, cells = split_by_cell(rows, cell_zoom=cell_zoom, cell_deg=cell_deg)
    index = {
        "format": FORMAT,
        "cell_deg": cell_deg,
        "cell_zoom": cell_zoom,
        "cells": sorted(cells),
        "labels": [label.row() for label in near],
    }
    yield "index.json", _dumps(index)
    for name, members in cells.items():
        yield f"{name}.json", _dumps([label.row() for label in members])


def write_labels(gazetteer: Gazetteer, folder: str | os.PathLike[str]) -> Path:
    """Write the label files of ``gazetteer`` into ``folder``, whole or not at all.

    The files go into a temporary folder beside it that is renamed at the end, so a browser
    never reads half a set; a folder that already exists is kept (another process wrote it).
    """
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for name, text in label_files(labels(gazetteer)):
            (tmp / name).write_text(text, encoding="utf-8")
            os.chmod(tmp / name, 0o644)  # served to browsers, not private like a temp file
        os.chmod(tmp, 0o755)
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "index.json").exists():
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder
