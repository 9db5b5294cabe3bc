"""ACLED CSV exports in and out, in every layout analysts hold.

In
--
Both layouts ACLED has published, told apart by their columns, and the variants met in the wild:

* **current** (since March 2023, 31 columns): actor types as text in ``inter1``/``inter2`` and
  ``interaction`` ("State forces-Rioters", "Protesters only"), ``disorder_type``,
  ``civilian_targeting``, ``tags``;
* **pre-2023**: ``data_id``, ``iso3``, ``event_id_no_cnty``, actor types as codes 1-8 (0: no second
  actor) and two-digit ``interaction`` codes;
* optional columns missing (no ``actor2``/``assoc_actor_2``/``inter2``; no ``tags``), the last
  column named ``time`` instead of ``timestamp``, columns in another order;
* dates as ``2023-02-16``, ``01 November 2024`` or ``9-May-20``;
* **one row per actor** (ACLED's "monadic" export: the actor2 columns are absent and an event with
  two actors appears twice, once with each actor as ``actor1``): the rows of one event are joined
  back into actor1/actor2, the first row's actor as actor1. ACLED actors carry no direction, so
  which one comes first changes nothing.

How columns map: ACLED's names are ours (the schema follows ACLED), except ``event_id_cnty`` ->
``event_id`` (kept as is, so re-importing a file adds nothing; an archived row without one is
``ACLED-data_id-<data_id>``, and without either the schema derives an id from the row's content). ``year``, ``interaction`` and
``iso3`` are derived from other columns and not stored; ``region``, ``data_id``,
``event_id_no_cnty`` and ``timestamp`` (ACLED's last-edit time) are not kept. ``origin`` becomes
"acled" and ``coord_source`` "ACLED". Values are checked by :func:`geo.schema.validate`; the reader
only rearranges.

Out
---
Our events in the current layout, in ACLED's column order, so that scripts written for ACLED files
read ours. Dates are ISO (``2022-10-23``, as ACLED's API writes them). ``year`` and ``interaction``
are derived, ``region`` is left empty (we do not store ACLED's regions) and ``timestamp`` is the
event's ``updated_at`` as Unix seconds. Columns of ours that the layout has no place for (spans'
``event_date_end``, ``fatalities_low``/``_high``, the origin of fire, ``source_url``, ``evidence``,
``confidence``, ``status`` and the bookkeeping columns) are not written: use the full CSV export
for those.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from geo import schema as S
from geo.errors import InputError, Problem
from geo.formats.csvfile import write_columns
from geo.formats.rows import CHUNK_ROWS, Chunk, CsvText, collect, open_csv, read_csv_rows
from geo.formats.values import column_texts, neutralise_formulas

MEDIA_TYPE = "text/csv"
ORIGIN = "acled"
COORD_SOURCE = "ACLED"

# ACLED's own column names where they are not ours.
EVENT_ID_CNTY = "event_id_cnty"
YEAR = "year"
INTERACTION = "interaction"
REGION = "region"
TIMESTAMP = "timestamp"
DATA_ID = "data_id"
DATA_ID_PREFIX = "ACLED-data_id-"

# The current layout (ACLED export tool and API, 2023-), in ACLED's order.
COLUMNS: tuple[str, ...] = (
    EVENT_ID_CNTY,
    S.EVENT_DATE,
    YEAR,
    S.TIME_PRECISION,
    S.DISORDER_TYPE,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.ACTOR1,
    S.ASSOC_ACTOR_1,
    S.INTER1,
    S.ACTOR2,
    S.ASSOC_ACTOR_2,
    S.INTER2,
    INTERACTION,
    S.CIVILIAN_TARGETING,
    S.ISO,
    REGION,
    S.COUNTRY,
    S.ADMIN1,
    S.ADMIN2,
    S.ADMIN3,
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.GEO_PRECISION,
    S.SOURCE,
    S.SOURCE_SCALE,
    S.NOTES,
    S.FATALITIES,
    S.TAGS,
    TIMESTAMP,
)
# ACLED columns that are ours under the same name.
SAME_NAME: tuple[str, ...] = tuple(c for c in COLUMNS if c in S.KINDS)
# Columns ACLED writes that we derive or do not keep; read and dropped without comment.
KNOWN_UNSTORED = frozenset(
    {YEAR, INTERACTION, REGION, TIMESTAMP, "time", DATA_ID, "event_id_no_cnty", "iso3"}
)
# Without these a file is not an ACLED export we can read.
REQUIRED: tuple[str, ...] = (
    EVENT_ID_CNTY,
    S.EVENT_DATE,
    S.TIME_PRECISION,
    S.EVENT_TYPE,
    S.SUB_EVENT_TYPE,
    S.ACTOR1,
    S.COUNTRY,
    S.LOCATION,
    S.LATITUDE,
    S.LONGITUDE,
    S.GEO_PRECISION,
    S.SOURCE,
)
JOINED = "events given as one row per actor (ACLED's monadic export), joined into one row"
ACTOR2_COLUMNS = (S.ACTOR2, S.ASSOC_ACTOR_2, S.INTER2)
_ACTOR1_COLUMNS = (S.ACTOR1, S.ASSOC_ACTOR_1, S.INTER1)

# Actor types by code (pre-2023 files) and by label in any letter case (current files).
_TYPE_OF: dict[str, str | None] = {
    "0": None,
    **{str(code): label for code, label in S.ACTOR_TYPES.items()},
    **{label.casefold(): label for label in S.ACTOR_TYPE_LABELS},
}
_CODE_OF: dict[str, int] = {label: code for code, label in S.ACTOR_TYPES.items()}


def is_acled(header: Iterable[str]) -> bool:
    """True when a CSV header is an ACLED export's (either layout)."""
    names = set(header)
    return {EVENT_ID_CNTY, S.EVENT_DATE, S.SUB_EVENT_TYPE, S.ACTOR1} <= names


def layout(header: Iterable[str]) -> str:
    """ "pre-2023" when actor types are coded as numbers in this layout, else "current"."""
    names = set(header)
    return "pre-2023" if {"data_id", "iso3"} & names else "current"


def check_header(header: list[str], *, where: str) -> list[str]:
    """The columns of ``header`` that are neither ACLED's nor ours (ignored on import).

    Raises
    ------
    InputError
        When a column every ACLED export has is missing.
    """
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"{where}: not an ACLED export we can read: column(s) {', '.join(missing)} missing"
        )
    return [
        c for c in header if c not in S.KINDS and c not in KNOWN_UNSTORED and c != EVENT_ID_CNTY
    ]


def actor_types(values: pd.Series) -> pd.Series:
    """ACLED actor types as text labels, from codes (``1``..``8``, ``0`` none) or labels.

    A value that is neither stays as written, so that validation names it.
    """
    text = values.fillna("").astype(str).str.strip()
    key = text.str.casefold()
    known = key.isin(_TYPE_OF.keys())
    mapped = key.map(_TYPE_OF).astype(object)
    out = text.astype(object).where(~known, mapped)
    return out.where(text != "", None)


def to_events(raw: pd.DataFrame) -> pd.DataFrame:
    """ACLED rows (text, ACLED's columns) as rows in schema columns; the index is kept."""
    out = pd.DataFrame(index=raw.index)
    out[S.EVENT_ID] = raw[EVENT_ID_CNTY].fillna("").astype(str).str.strip()
    if DATA_ID in raw:
        # A few archived rows lack event_id_cnty; their data_id is as stable an id.
        data_id = raw[DATA_ID].fillna("").astype(str).str.strip()
        fallback = (out[S.EVENT_ID] == "") & (data_id != "")
        out.loc[fallback, S.EVENT_ID] = DATA_ID_PREFIX + data_id[fallback]
    for name in SAME_NAME:
        if name in raw:
            out[name] = raw[name]
    for name in (S.INTER1, S.INTER2):
        if name in out:
            out[name] = actor_types(out[name])
    out[S.ORIGIN] = ORIGIN
    out[S.COORD_SOURCE] = COORD_SOURCE
    return out.replace({"": None})


def _fold_actors(events: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], int]:
    """Join the rows of one event (one per actor) into one row with actor1 and actor2.

    Returns the joined events (indexed by each event's first row), a problem for every row that
    does not fit (a third row, or a second row that disagrees on anything but the actor), and how
    many events were joined.
    """
    # A row without an id is an event of its own: it cannot be told to belong to another row.
    with_id = events[S.EVENT_ID].notna()
    nth = np.zeros(len(events), dtype="int64")
    nth[with_id.to_numpy()] = events.loc[with_id].groupby(S.EVENT_ID, sort=False).cumcount()
    first = events.loc[nth == 0].copy()
    second = events.loc[nth == 1]
    problems: list[Problem] = []
    for row, eid in events.loc[nth >= 2, S.EVENT_ID].items():
        problems.append(
            Problem(row, EVENT_ID_CNTY, f"{eid!r} appears on more than two rows (one per actor)")
        )
    if second.empty:
        return first, problems, 0
    row_of_first = pd.Series(first.index, index=first[S.EVENT_ID].to_numpy())
    partner = first.set_index(S.EVENT_ID).loc[second[S.EVENT_ID]]
    partner.index = second.index
    compared = [c for c in events.columns if c not in (*_ACTOR1_COLUMNS, S.EVENT_ID)]
    a = partner[compared].fillna("").astype(str).to_numpy()
    b = second[compared].fillna("").astype(str).to_numpy()
    differs = a != b
    bad_rows = set()
    for i, j in zip(*np.nonzero(differs), strict=True):
        row = second.index[i]
        bad_rows.add(row)
        eid = second.iat[i, second.columns.get_loc(S.EVENT_ID)]
        problems.append(
            Problem(
                row,
                compared[j],
                f"{b[i, j]!r} differs from {a[i, j]!r} on row {row_of_first[eid]}, "
                f"the other row of event {eid}",
            )
        )
    good = second.drop(index=list(bad_rows))
    for mine, theirs in zip(ACTOR2_COLUMNS, _ACTOR1_COLUMNS, strict=True):
        values = pd.Series(good[theirs].to_numpy(), index=good[S.EVENT_ID].to_numpy())
        first[mine] = first[S.EVENT_ID].map(values).to_numpy()
    return first, problems, len(good)


def read_chunks(source: str | Path | CsvText, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read an ACLED export chunk by chunk (see the module docstring for what is read)."""
    source = source if isinstance(source, CsvText) else open_csv(source)
    header = source.header
    unknown = check_header(header, where=source.path)
    one_row_per_actor = not any(c in header for c in ACTOR2_COLUMNS)
    notes = [f"ACLED {layout(header)} layout"]
    if unknown:
        notes.append(f"columns neither ACLED's nor ours were ignored: {', '.join(unknown)}")
    held = held_raw = None
    for raw, problems in read_csv_rows(source, chunk_rows=chunk_rows):
        events = to_events(raw)
        rows, joined = len(raw), 0
        if one_row_per_actor:
            if held is not None:
                events, raw = pd.concat([held, events]), pd.concat([held_raw, raw])
            # The rows of one event stand together; the last event may go on in the next chunk.
            tail = (events[S.EVENT_ID] == events[S.EVENT_ID].iloc[-1]).to_numpy()
            held, held_raw = events.loc[tail], raw.loc[tail]
            events, raw = events.loc[~tail], raw.loc[~tail]
            events, fold_problems, joined = _fold_actors(events)
            problems = problems + fold_problems
        yield Chunk(events, raw, problems, rows, notes, {JOINED: joined} if joined else {})
        notes = []
    if held is not None:
        events, problems, joined = _fold_actors(held)
        yield Chunk(events, held_raw, problems, 0, notes, {JOINED: joined} if joined else {})


def read(path: str | Path) -> pd.DataFrame:
    """Every event of an ACLED export in schema columns, indexed by row number (not validated).

    Raises ValidationError listing the rows that cannot be read as events.
    """
    return collect(read_chunks(path), what=f"file {path}")


# --- out ------------------------------------------------------------------------------------------
def interaction(inter1: pd.Series, inter2: pd.Series) -> pd.Series:
    """ACLED's text interaction: the two actor types, lower code first, or "<type> only"."""
    c1 = inter1.map(_CODE_OF).astype("float64").to_numpy()
    c2 = inter2.map(_CODE_OF).astype("float64").to_numpy()
    low = np.where(np.isnan(c2), c1, np.fmin(c1, c2))
    high = np.where(np.isnan(c2), np.nan, np.fmax(c1, c2))
    label = {float(code): text for code, text in S.ACTOR_TYPES.items()}
    out = []
    for lo, hi in zip(low.tolist(), high.tolist(), strict=True):
        if lo != lo:
            out.append(None)
        elif hi != hi:
            out.append(f"{label[lo]} only")
        else:
            out.append(f"{label[lo]}-{label[hi]}")
    return pd.Series(out, index=inter1.index, dtype=object)


def write(events: pd.DataFrame, target: str | Path | IO[str], *, raw: bool = False) -> int:
    """Events as an ACLED CSV in the current layout and column order; returns the row count.

    Text cells a spreadsheet would run as a formula get a leading apostrophe unless ``raw`` is
    set (the reader takes it off again).
    """
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as stream:
            return write(events, stream, raw=raw)
    dates = events[S.EVENT_DATE]
    updated = events[S.UPDATED_AT]
    seconds = pd.Series(
        updated.dt.tz_convert("UTC")
        .dt.tz_localize(None)
        .to_numpy()
        .astype("datetime64[s]")
        .astype("int64"),
        index=events.index,
    ).where(updated.notna())
    derived: dict[str, list[object]] = {
        EVENT_ID_CNTY: column_texts(events[S.EVENT_ID], "str"),
        YEAR: column_texts(dates.dt.year.astype("Int64"), "int"),
        INTERACTION: interaction(events[S.INTER1], events[S.INTER2]).tolist(),
        REGION: [None] * len(events),
        TIMESTAMP: column_texts(seconds, "int"),
    }
    columns = [
        derived[name] if name in derived else column_texts(events[name], S.KINDS[name])
        for name in COLUMNS
    ]
    if not raw:
        text_columns = {name for name in COLUMNS if S.KINDS.get(name, "str") == "str"}
        columns = [
            neutralise_formulas(values) if name in text_columns else values
            for name, values in zip(COLUMNS, columns, strict=True)
        ]
    write_columns(COLUMNS, columns, target)
    return len(events)


def to_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    write(events, buffer)
    return buffer.getvalue().encode("utf-8")
