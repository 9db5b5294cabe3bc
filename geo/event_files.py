"""Hand-coded event files (YAML or CSV in schema columns): read, placed, checked; and the default
store, built from the reports bundled in ``data/events/`` the first time it is opened.

Used by the CLI (``init``, ``add``) and the dashboard alike.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import links as L
from geo import schema as S
from geo import settings
from geo.errors import NotFoundError, Problem, ValidationError
from geo.formats import handcoded
from geo.places.geocode import fill_coordinates, lacks_coordinates
from geo.store import AddResult, EventStore, GeoPackageStore, OnExisting, open_store


def bundled_event_files() -> list[Path]:
    """The hand-coded YAML reports shipped in data/events/."""
    return sorted(settings.EVENTS_DIR.glob("*.yaml"))


def read_event_files(paths: Sequence[Path], *, dates: str = "auto") -> pd.DataFrame:
    """Geocode and validate each file on its own (errors name the file), then concatenate.

    ``dates`` says how day and month written as numbers are read (:mod:`geo.dates`); by default
    each file's own dates decide.
    """
    return read_event_files_with_links(paths, dates=dates)[0]


def read_event_files_with_links(
    paths: Sequence[Path], *, dates: str = "auto"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Events as :func:`read_event_files`, and the links the files name, checked (rows of the
    file that names them)."""
    frames = []
    link_frames = []
    for path in paths:
        frame, links = handcoded.read_with_links(path)
        if not links.empty:
            link_frames.append(L.validate_links(links, what=f"links of the file {path}"))
        if frame.empty:
            continue
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
    links = pd.concat(link_frames) if link_frames else L.empty_links()
    if not frames:
        return S.empty_frame(), links
    return pd.concat(frames, ignore_index=True), links


def add_event_files(
    store: EventStore,
    paths: Sequence[Path],
    *,
    on_existing: OnExisting = "skip",
    user: str | None = None,
    dates: str = "auto",
) -> tuple[AddResult, AddResult]:
    """Store the events of hand-coded files, then the links they name (what was added, of each).

    A link naming an event that is neither in the files nor in the store is refused before
    anything is stored, naming the file's row and the id.
    """
    events, links = read_event_files_with_links(paths, dates=dates)
    if not links.empty:
        known = set(events[S.EVENT_ID])
        for event_id in set(links[L.EVENT_ID]) | set(links[L.TARGET_ID]):
            if event_id not in known and _stored(store, event_id):
                known.add(event_id)
        problems = L.missing_ends(links, known)
        if problems:
            raise ValidationError(problems, what="links of the files (nothing was stored)")
    added = store.add(events, on_existing=on_existing, user=user)
    linked = store.add_links(links, on_existing=on_existing, user=user)
    return added, linked


def _stored(store: EventStore, event_id: str) -> bool:
    try:
        store.get(event_id)
    except NotFoundError:
        return False
    return True


def default_store() -> EventStore:
    """The store the settings name, built from the bundled reports on first use (CLI, dashboard)."""
    if settings.DATABASE_URL:
        return open_store(settings.DATABASE_URL)
    if not settings.STORE_PATH.exists():
        store = GeoPackageStore(settings.STORE_PATH)
        result, linked = add_event_files(store, bundled_event_files())
        print(
            f"created {settings.STORE_PATH} with {len(result.added)} bundled events "
            f"and {len(linked.added)} links",
            file=sys.stderr,
        )
        return store
    return open_store(settings.STORE_PATH)
