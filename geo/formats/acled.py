"""ACLED exports in and out, in every layout analysts hold: CSV since 1997 and the API's JSON.

In
--
Every layout ACLED has published, told apart by their columns, and the variants met in the wild:

* **current** (since March 2023, 31 columns): actor types as text in ``inter1``/``inter2`` and
  ``interaction`` ("State forces-Rioters", "Protesters only"), ``disorder_type``,
  ``civilian_targeting``, ``tags``;
* **2019-2023**: ``data_id``, ``iso3``, ``event_id_no_cnty``, actor types as codes 1-8 (0: no
  second actor) and two-digit ``interaction`` codes;
* **before 2019** (``ally_actor_1``, ``gwno``, often upper-case column names, no
  ``sub_event_type``): the event types of ACLED's first taxonomy, mapped to today's by ACLED's
  2019 crosswalk (table below), the original type kept as the tag
  ``pre-2019 event type=<type>``; ``ally_actor_*`` read as ``assoc_actor_*``;
* **the API's JSON** (``{"status": 200, "data": [{...}, ...]}``, the same field names): rows are
  numbered by their place in ``data``, from 1;
* optional columns missing (no ``actor2``/``assoc_actor_2``/``inter2``; no ``tags``), the last
  column named ``time`` instead of ``timestamp``, columns in another order or case, a leading
  unnamed index column (a file re-saved by pandas), codes written as ``1.0``;
* dates in every form ACLED files have carried (``2023-02-16``, ``01 November 2024``,
  ``9-May-20``, ``31-12-19``, ``18/04/2001``, spreadsheet serials): read by :mod:`geo.dates`,
  one day/month order for the whole file; a two-digit year takes its century from the row's
  ``year``;
* **one row per actor** (ACLED's "monadic" export: the actor2 columns are absent and an event with
  two actors appears twice, once with each actor as ``actor1``): the rows of one event are joined
  back into actor1/actor2, the first row's actor as actor1. ACLED actors carry no direction, so
  which one comes first changes nothing.

The pre-2019 taxonomy (event type -> event type / sub-event type):

======================================  ==========================================================
Battle-No change of territory           Battles / Armed clash
Battle-Government regains territory     Battles / Government regains territory
Battle-Non-state actor overtakes terr.  Battles / Non-state actor overtakes territory
Remote violence                         Explosions/Remote violence / the sub-event the notes name
                                        (air or drone strike, shelling, IED or mine, suicide bomb,
                                        grenade, chemical weapon); else Shelling/artillery/missile
                                        attack, tagged ``sub-event type assumed``
Riots/Protests                          by actor type: Rioters -> Riots (Mob violence against
                                        civilians or other rioters, else Violent demonstration);
                                        Protesters -> Protests (Peaceful protest; Protest with
                                        intervention when a second actor is coded; Excessive force
                                        against protesters when there were deaths). Neither actor
                                        type: the row is refused, naming it
Violence against civilians              Violence against civilians / Attack
Non-violent transfer of territory       Strategic developments / Non-violent transfer of territory
Headquarters or base established        Strategic developments / Headquarters or base established
Strategic development                   Strategic developments / Other
======================================  ==========================================================

How columns map: ACLED's names are ours (the schema follows ACLED), except ``event_id_cnty`` ->
``event_id`` (kept as is, so re-importing a file adds nothing; an archived row without one is
``ACLED-data_id-<data_id>``, and without either the schema derives an id from the row's content). ``year``, ``interaction`` and
``iso3`` are derived from other columns and not stored; ``region``, ``data_id``,
``event_id_no_cnty``, ``gwno`` (the Gleditsch-Ward country code; ``country`` and ``iso`` say the
same), ``countycode`` and ``timestamp`` (ACLED's last-edit time) are not kept. ``origin`` becomes
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
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

from geo import schema as S
from geo.errors import InputError, Problem
from geo.formats.csvfile import write_columns
from geo.formats.rows import CHUNK_ROWS, Chunk, CsvText, collect, open_csv, read_csv_rows
from geo.formats.values import column_texts, neutralise_formulas, records_frame
from geo.textio import read_text

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
GWNO = "gwno"
# Columns ACLED writes that we derive or do not keep; read and dropped without comment.
KNOWN_UNSTORED = frozenset(
    {
        YEAR,
        INTERACTION,
        REGION,
        TIMESTAMP,
        "time",
        DATA_ID,
        "event_id_no_cnty",
        "iso3",
        GWNO,
        "countycode",
    }
)
# ACLED's names before 2019 for columns that kept their meaning.
RENAMED = {"ally_actor_1": S.ASSOC_ACTOR_1, "ally_actor_2": S.ASSOC_ACTOR_2}
# Unnamed columns of a file re-saved by pandas: the row numbers of the frame it was saved from.
_INDEX = "(index)"
# Without these a file is not an ACLED export we can read (pre-2019 files have no sub-event type).
REQUIRED: tuple[str, ...] = (
    EVENT_ID_CNTY,
    S.EVENT_DATE,
    S.TIME_PRECISION,
    S.EVENT_TYPE,
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


def names(header: Iterable[str]) -> list[str]:
    """The header in ACLED's current names: lower case, ``ally_actor_*`` as ``assoc_actor_*``,
    and unnamed columns (pandas' row numbers, once per re-save: "", "Unnamed: 0") marked as
    the index, to be ignored."""
    out = [h.strip().lower() for h in header]
    return [_INDEX if h == "" or h.startswith("unnamed:") else RENAMED.get(h, h) for h in out]


def is_acled(header: Iterable[str]) -> bool:
    """True when a CSV header is an ACLED export's (any layout since 1997, any letter case)."""
    found = set(names(header))
    return {EVENT_ID_CNTY, S.EVENT_DATE, S.ACTOR1} <= found and bool(
        {S.SUB_EVENT_TYPE, S.EVENT_TYPE} & found
    )


def layout(header: Iterable[str]) -> str:
    """ "pre-2019" (no sub-event types, the first taxonomy), "pre-2023" (actor types coded as
    numbers) or "current"."""
    found = set(names(header))
    if S.SUB_EVENT_TYPE not in found or {"ally_actor_1", GWNO} & {h.lower() for h in header}:
        return "pre-2019"
    return "pre-2023" if {"data_id", "iso3"} & found else "current"


def is_api_json(start: bytes) -> bool:
    """True when a file's first bytes are ACLED's API JSON (``{"status": 200, "data": [...``)."""
    head = start.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"{"):
        return False
    # An error answer ({"status": 403, "success": false, "error": ...}) is the API's too.
    answer = b'"success"' in head and b'"status"' in head and b"FeatureCollection" not in head
    return answer or (b'"data"' in head and b'"event_id_cnty"' in head)


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
        c
        for c in header
        if c not in S.KINDS and c not in KNOWN_UNSTORED and c not in (EVENT_ID_CNTY, _INDEX)
    ]


def actor_types(values: pd.Series) -> pd.Series:
    """ACLED actor types as text labels, from codes (``1``..``8``, ``0`` none) or labels.

    A value that is neither stays as written, so that validation names it.
    """
    text = values.fillna("").astype(str).str.strip()
    # A code column re-saved through a float column reads 1.0 where ACLED wrote 1.
    key = text.str.casefold().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    known = key.isin(_TYPE_OF.keys())
    mapped = key.map(_TYPE_OF).astype(object)
    out = text.astype(object).where(~known, mapped)
    return out.where(text != "", None)


def to_events(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """ACLED rows (text, ACLED's current column names) as rows in schema columns; the index is
    kept. Also returns the rows that cannot be events (an old type that cannot be mapped, a
    two-digit year that is not the row's ``year``)."""
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
    out = out.replace({"": None})
    problems: list[Problem] = []
    if YEAR in raw:
        out[S.EVENT_DATE], problems = full_years(out[S.EVENT_DATE], raw[YEAR])
    problems += crosswalk(out)
    return out, problems


# --- dates ----------------------------------------------------------------------------------------
# A date whose year has two digits, as ACLED's spreadsheet exports wrote them: 31-12-19, 9-May-20.
_TWO_DIGIT_YEAR = re.compile(r"^(\s*\d{1,2}[-/. ][0-9A-Za-z]+[-/. ])(\d{2})\s*$")


def full_years(dates: pd.Series, years: pd.Series) -> tuple[pd.Series, list[Problem]]:
    """Two-digit years written out with the century of the row's ``year`` (``31-12-19`` in 2019:
    ``31-12-2019``); a two-digit year that is not the row's year is a problem of the row."""
    text = dates.astype(object)
    parts = text.str.extract(_TWO_DIGIT_YEAR)
    has = parts[1].notna()
    if not has.any():
        return dates, []
    year = pd.to_numeric(years.where(has), errors="coerce")
    fits = has & year.notna() & ((year % 100) == pd.to_numeric(parts[1], errors="coerce"))
    out = text.copy()
    out[fits] = parts.loc[fits, 0] + year[fits].astype("int64").astype(str)
    problems = [
        Problem(row, S.EVENT_DATE, f"{text[row]!r} is not in {years[row]}, the row's year")
        for row in text.index[has & year.notna() & ~fits]
    ]
    return out, problems


# --- the taxonomy before 2019 ---------------------------------------------------------------------
OLD_TYPE_TAG = "pre-2019 event type"
ASSUMED_TAG = "sub-event type assumed"
_BATTLES, _REMOTE = "Battles", "Explosions/Remote violence"
_VAC, _STRATEGIC = "Violence against civilians", S.STRATEGIC_DEVELOPMENTS
# Old event type (case-folded) -> (event type, sub-event type); None: decided row by row.
CROSSWALK: dict[str, tuple[str, str] | None] = {
    "battle-no change of territory": (_BATTLES, "Armed clash"),
    "battle-government regains territory": (_BATTLES, "Government regains territory"),
    "battle-non-state actor overtakes territory": (
        _BATTLES,
        "Non-state actor overtakes territory",
    ),
    "remote violence": None,
    "riots/protests": None,
    "violence against civilians": (_VAC, "Attack"),
    "non-violent transfer of territory": (_STRATEGIC, "Non-violent transfer of territory"),
    "headquarters or base established": (_STRATEGIC, "Headquarters or base established"),
    "strategic development": (_STRATEGIC, "Other"),
}
# Remote violence: the first sub-event whose words the notes hold; the order settles overlaps
# (a suicide car bomb is a suicide bomb, a drone dropping a grenade an air/drone strike).
_REMOTE_WORDS: tuple[tuple[str, str], ...] = (
    ("Chemical weapon", r"chemical|chlorine|sarin|toxic gas"),
    ("Suicide bomb", r"suicide"),
    ("Air/drone strike", r"air ?strike|air ?raid|drone|warplane|aircraft|helicopter|jets?\b"),
    ("Grenade", r"grenade"),
    ("Remote explosive/landmine/IED", r"\bieds?\b|land ?mines?|\bmines?\b|explosive|\bbombs?\b"),
    ("Shelling/artillery/missile attack", r"shell|artillery|mortar|rocket|missile"),
)
_FALLBACK_REMOTE = "Shelling/artillery/missile attack"


def crosswalk(events: pd.DataFrame) -> list[Problem]:
    """Map the pre-2019 event types of ``events`` (in place) to today's taxonomy, keeping the
    original as a tag; the rows that cannot be mapped come back as problems."""
    if S.EVENT_TYPE not in events:
        return []
    key = events[S.EVENT_TYPE].fillna("").astype(str).str.strip().str.casefold()
    # "Violence against civilians" is a type of both taxonomies: old only without a sub-event.
    current = key.isin({t.casefold() for t in S.EVENT_TYPES})
    no_sub = _column(events, S.SUB_EVENT_TYPE, events.index) == ""
    old = key.isin(CROSSWALK.keys()) & (~current | no_sub)
    if not old.any():
        return []
    rows = events.index[old.to_numpy()]
    original = events.loc[rows, S.EVENT_TYPE].astype(str).str.strip()
    etype = key[rows].map(lambda k: (CROSSWALK[k] or ("", ""))[0])
    sub = key[rows].map(lambda k: (CROSSWALK[k] or ("", ""))[1])
    tags = OLD_TYPE_TAG + "=" + original

    remote = key[rows] == "remote violence"
    notes = _column(events, S.NOTES, rows).str.casefold()
    found = pd.Series(None, index=rows, dtype=object)
    for name, words in reversed(_REMOTE_WORDS):  # the first match in _REMOTE_WORDS wins
        found = found.mask(notes.str.contains(words, regex=True), name)
    etype[remote] = _REMOTE
    sub[remote] = found[remote].fillna(_FALLBACK_REMOTE)
    tags[remote & found.isna()] += "; " + ASSUMED_TAG

    problems: list[Problem] = []
    crowd = key[rows] == "riots/protests"
    if crowd.any():
        t1, t2 = _column(events, S.INTER1, rows), _column(events, S.INTER2, rows)
        rioters = (t1 == "Rioters") | (t2 == "Rioters")
        protesters = ~rioters & ((t1 == "Protesters") | (t2 == "Protesters"))
        other = t2.where(t1.isin(["Rioters", "Protesters"]), t1)
        has_actor2 = _column(events, S.ACTOR2, rows) != ""
        deaths = pd.to_numeric(_column(events, S.FATALITIES, rows), errors="coerce").fillna(0)
        riot_sub = np.where(other.isin(["Civilians", "Rioters", ""]), "Mob violence",
                            "Violent demonstration")  # fmt: skip
        protest_sub = np.where(
            ~has_actor2,
            "Peaceful protest",
            np.where(deaths > 0, "Excessive force against protesters", "Protest with intervention"),
        )
        riots, protests = crowd & rioters, crowd & protesters
        etype[riots], sub[riots] = "Riots", pd.Series(riot_sub, index=rows)[riots]
        etype[protests], sub[protests] = "Protests", pd.Series(protest_sub, index=rows)[protests]
        for row in rows[(crowd & ~rioters & ~protesters).to_numpy()]:
            problems.append(
                Problem(
                    row,
                    S.EVENT_TYPE,
                    "'Riots/Protests' (ACLED before 2019) with neither actor type Rioters nor "
                    "Protesters (inter1/inter2): cannot tell Riots from Protests; set "
                    "event_type and sub_event_type",
                )
            )
    mapped = etype != ""
    keep = rows[mapped.to_numpy()]
    events.loc[keep, S.EVENT_TYPE] = etype[mapped]
    given = _column(events, S.SUB_EVENT_TYPE, keep)
    events.loc[keep, S.SUB_EVENT_TYPE] = given.where(given != "", sub[mapped])
    before = _column(events, S.TAGS, keep)
    events.loc[keep, S.TAGS] = (before + "; ").where(before != "", "") + tags[mapped]
    return problems


def _column(events: pd.DataFrame, name: str, rows: pd.Index) -> pd.Series:
    """A text column of ``events`` at ``rows``, "" where empty or absent."""
    if name not in events:
        return pd.Series("", index=rows, dtype=object)
    return events.loc[rows, name].fillna("").astype(str).str.strip()


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
    """Read an ACLED CSV export chunk by chunk (see the module docstring for what is read)."""
    source = source if isinstance(source, CsvText) else open_csv(source)
    parts = read_csv_rows(source, chunk_rows=chunk_rows)
    return _chunks(source.header, parts, where=source.path)


def read_json_chunks(
    path: str | Path, *, chunk_rows: int = CHUNK_ROWS
) -> tuple[Iterator[Chunk], int]:
    """Read ACLED's API JSON: its chunks, and how many records it holds."""
    frame = read_api_json(path)
    parts = (
        (frame.iloc[start : start + chunk_rows], []) for start in range(0, len(frame), chunk_rows)
    )
    return _chunks(list(frame.columns), parts, where=str(path), what="API JSON"), len(frame)


def read_api_json(path: str | Path) -> pd.DataFrame:
    """The records of an ACLED API answer as text cells, numbered from 1 in ``data``'s order.

    Raises
    ------
    InputError
        When the file is not JSON, the API answered with an error, or there is no ``data`` list.
    """
    try:
        doc = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise InputError(f"{path}: nested too deeply to be ACLED's API JSON") from exc
    if not isinstance(doc, dict):
        raise InputError(f"{path}: ACLED's API JSON is an object with a 'data' list")
    if doc.get("success") is False or doc.get("status") not in (None, 200, "200"):
        said = doc.get("error") or doc.get("message") or doc.get("messages") or doc.get("status")
        if isinstance(said, dict):
            said = said.get("message", said)
        raise InputError(f"{path}: the ACLED API answered with an error, not data: {said}")
    data = doc.get("data")
    if not isinstance(data, list):
        raise InputError(f"{path}: ACLED's API JSON is an object with a 'data' list")
    for number, record in enumerate(data, start=1):
        if not isinstance(record, dict):
            raise InputError(f"{path}: record {number} of 'data' is not an object of fields")
    frame = records_frame(data).astype(object)
    # The API writes every value as text; a file saved by another tool may hold numbers.
    frame = frame.map(lambda v: None if v is None or v != v else str(v))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def _chunks(
    header: list[str],
    parts: Iterable[tuple[pd.DataFrame, list[Problem]]],
    *,
    where: str,
    what: str = "",
) -> Iterator[Chunk]:
    """The events of an ACLED file's parts (rows in the file's own columns, and their problems)."""
    renamed = names(header)
    unknown = check_header(renamed, where=where)
    one_row_per_actor = not any(c in renamed for c in ACTOR2_COLUMNS)
    notes = [f"ACLED {layout(header)} layout" + (f" ({what})" if what else "")]
    index = [repr(h) for h, name in zip(header, renamed, strict=True) if name == _INDEX]
    if index:
        notes.append(
            f"unnamed column(s) {', '.join(index)} number the rows of a re-saved file: ignored"
        )
    if unknown:
        notes.append(f"columns neither ACLED's nor ours were ignored: {', '.join(unknown)}")
    held = held_raw = None
    for raw, problems in parts:
        events, more = to_events(raw.set_axis(renamed, axis=1))
        problems = problems + more
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
    """Every event of an ACLED export (CSV or API JSON) in schema columns, indexed by row number
    (not validated).

    Raises ValidationError listing the rows that cannot be read as events.
    """
    with open(path, "rb") as stream:
        start = stream.read(4096)
    chunks = read_json_chunks(path)[0] if is_api_json(start) else read_chunks(path)
    return collect(chunks, what=f"file {path}")


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
