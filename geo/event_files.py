"""Hand-coded event files (YAML or CSV in schema columns): read, placed, checked; and the default
store, built from the reports bundled in ``data/events/`` the first time it is opened.

Used by the CLI (``init``, ``add``) and the dashboard alike.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import schema as S
from geo import settings
from geo.errors import Problem, ValidationError
from geo.formats import handcoded
from geo.places.geocode import fill_coordinates, lacks_coordinates
from geo.store import EventStore, GeoPackageStore, open_store


def bundled_event_files() -> list[Path]:
    """The hand-coded YAML reports shipped in data/events/."""
    return sorted(settings.EVENTS_DIR.glob("*.yaml"))


def read_event_files(paths: Sequence[Path], *, dates: str = "auto") -> pd.DataFrame:
    """Geocode and validate each file on its own (errors name the file), then concatenate.

    ``dates`` says how day and month written as numbers are read (:mod:`geo.dates`); by default
    each file's own dates decide.
    """
    frames = []
    for path in paths:
        frame = handcoded.read(path)
        unplaced: list[Problem] = []
        if lacks_coordinates(frame):
            frame, unplaced = fill_coordinates(frame)
            frame = frame.drop(index=[p.row for p in unplaced])
        try:
            typed = S.validate(frame, what=f"file {path}", dates=dates)
        except ValidationError as exc:
            raise ValidationError(unplaced + exc.problems, what=f"file {path}") from None
        if unplaced:
            raise ValidationError(unplaced, what=f"file {path}")
        frames.append(typed)
    if not frames:
        return S.empty_frame()
    return pd.concat(frames, ignore_index=True)


def default_store() -> EventStore:
    """The store the settings name, built from the bundled reports on first use (CLI, dashboard)."""
    if settings.DATABASE_URL:
        return open_store(settings.DATABASE_URL)
    if not settings.STORE_PATH.exists():
        store = GeoPackageStore(settings.STORE_PATH)
        result = store.add(read_event_files(bundled_event_files()))
        print(
            f"created {settings.STORE_PATH} with {len(result.added)} bundled events",
            file=sys.stderr,
        )
        return store
    return open_store(settings.STORE_PATH)
