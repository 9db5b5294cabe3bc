"""Import a file of events into a store: ACLED, UCDP GED, GDELT, GeoJSON, GeoPackage, hand-coded.

>>> report = import_file("acled_export.csv", store=store, progress=bar)   # doctest: +SKIP
>>> report.summary()                                                      # doctest: +SKIP
'acled_export.csv (acled): 5,071 rows read, 5,070 imported, 0 already stored, 1 rejected'

What an import promises
-----------------------
* **All or nothing.** Every row is checked first (reader, then :func:`geo.schema.validate`); when
  any row is bad, nothing is stored and :class:`~geo.errors.ValidationError` lists every bad row
  and field. With ``skip_bad=True`` the good rows are stored and the bad ones come back in
  ``report.rejected`` (and in ``rejects_path``, a CSV of the rows as they were with their reasons).
  The good rows go to the store in one transaction: a crash stores none of them.
* **Idempotent.** Events keep their source's id (ACLED ``event_id_cnty``, ``UCDP-<id>``,
  ``GDELT-<GLOBALEVENTID>``, ours), and ids the store already holds are left alone, so importing
  the same file again adds nothing.
* **Revisions are seen, not dropped.** An event the store holds whose fields in the file differ
  from the stored ones (ACLED and UCDP revise their data: fatalities 3 -> 12) is counted in
  ``report.differs`` with every differing field; with ``update=True`` those fields are written as
  a new version of each event, in the same transaction as the new events, and the history says
  who imported which file. Review status and our own columns the file does not carry are kept.
* **Progress.** ``progress(done, total)`` is called after each chunk of rows with rows of the file
  read so far and the rows the file holds (for CSV, its lines: an estimate when quoted cells hold
  line breaks, so ``total`` can grow to ``done``) and a last time as ``(total, total)`` once the
  events are stored. It runs on the caller's thread: a Streamlit progress bar or a terminal bar.

The format is guessed from the file when not given, and the report says why: see :func:`detect`.
A ``.zip`` as downloaded (UCDP's ``ged*-csv.zip``, GDELT's ``*.export.CSV.zip``) is read from the
one data file inside it.
"""

from __future__ import annotations

import csv
import re
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from numbers import Integral
from pathlib import Path
from typing import Literal

import pandas as pd

from geo import schema as S
from geo import settings
from geo.errors import InputError, Problem, ValidationError
from geo.formats import acled, gdelt, geojson, handcoded, ucdp
from geo.formats import gpkg as gpkg_format
from geo.formats.rows import (
    CHUNK_ROWS,
    Chunk,
    CsvText,
    collect,
    count_rows,
    open_csv,
    read_csv_rows,
    with_date_order,
)
from geo.formats.values import neutralise_formulas
from geo.places.geocode import fill_coordinates, lacks_coordinates
from geo.store import EventStore
from geo.store.base import NOT_COMPARED, Differences

Format = Literal["acled", "ucdp", "gdelt", "geojson", "gpkg", "handcoded"]
FORMATS: tuple[str, ...] = ("acled", "ucdp", "gdelt", "geojson", "gpkg", "handcoded")
Progress = Callable[[int, int], None]

_SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Rejected:
    """One row left out of an import, and every reason why."""

    row: object
    reasons: tuple[str, ...]


@dataclass
class ImportReport:
    """What an import did.

    ``read`` counts rows of the file; ``events`` the events they make (fewer when a reader joins
    rows, as with ACLED's one-row-per-actor files, or skips them, as with GDELT's non-violent
    ones); ``imported + skipped_existing + len(rejected)`` accounts for every event.
    ``skipped_existing`` counts every event the store already held: ``differs`` names those whose
    fields differ in the file, ``updated`` how many of them were written (``update=True``).
    ``format_reason`` says which format was guessed and why; ``problems`` lists every bad field
    in file order.
    """

    path: str
    format: str
    format_reason: str = ""
    read: int = 0
    events: int = 0
    imported: int = 0
    skipped_existing: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    rejects_path: str | None = None
    seconds: float = 0.0
    differs: Differences = field(default_factory=dict)
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for a terminal or a status message."""
        name = Path(self.path).name
        same = self.skipped_existing - len(self.differs)
        text = (
            f"{name} ({self.format}): {self.read:,} rows read, {self.imported:,} imported, "
            f"{same:,} already stored"
        )
        if self.updated:
            text += f", {self.updated:,} updated"
        elif self.differs:
            text += f", {len(self.differs):,} differ from the store (--update to apply)"
        text += f", {len(self.rejected):,} rejected"
        if self.events != self.read:
            text += f" ({self.events:,} events)"
        return text

    def details(self) -> list[str]:
        """The format and why, the notes, counts, differences and ignored columns, a line each."""
        lines = [f"format: {self.format_reason}"] if self.format_reason else []
        lines += [n for n in self.notes if n != self.format_reason]
        lines += [f"{label}: {n:,}" for label, n in self.counts.items()]
        verb = "updated" if self.updated else "differs from the store"
        for eid, changes in list(self.differs.items())[:20]:
            shown = "; ".join(f"{c} {old!r} -> {new!r}" for c, (old, new) in changes.items())
            lines.append(f"{eid} {verb}: {shown}")
        if len(self.differs) > 20:
            lines.append(f"... and {len(self.differs) - 20:,} more events that differ")
        lines += [f"problems: {line}" for line in problem_kinds(self.problems)]
        if self.ignored_columns:
            lines.append(f"columns not in the schema, ignored: {', '.join(self.ignored_columns)}")
        if self.rejects_path:
            lines.append(f"rejected rows and their reasons written to {self.rejects_path}")
        return lines


# --- format detection -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Detected:
    """The format of a file and why we think so, as the import report prints it:
    ``ACLED (pre-2023 layout: data_id, iso3)``."""

    format: Format
    reason: str

    def __str__(self) -> str:
        return self.reason


def detect(path: str | Path) -> Detected:
    """The format of a file and the evidence: its extension where that is unambiguous, else its
    first bytes or its header.

    YAML is hand-coded; a SQLite file is a GeoPackage; JSON is ACLED's API answer
    when it has a ``data`` list of ``event_id_cnty`` records, else GeoJSON; a first line of 61
    tab-separated fields starting with an id and a YYYYMMDD day is a GDELT 2.0 export; a CSV
    (comma, semicolon or tab) is ACLED when it has ``event_id_cnty``, UCDP GED when it has
    ``type_of_violence``/``side_a``/``date_start``..., GDELT when it has ``GLOBALEVENTID`` and
    ``EventCode``, and hand-coded when its columns are the schema's.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return Detected("handcoded", f"hand-coded YAML (the file name ends {suffix})")
    try:
        with open(path, "rb") as stream:
            start = stream.read(64 * 1024)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from exc
    if start.startswith(_SQLITE_MAGIC) or suffix == ".gpkg":
        return Detected("gpkg", "GeoPackage (an SQLite file)")
    if acled.is_api_json(start):
        return Detected("acled", "ACLED (the API's JSON: a data list of event_id_cnty records)")
    if suffix in (".geojson", ".json"):
        return Detected("geojson", f"GeoJSON (the file name ends {suffix})")
    if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return Detected("geojson", "GeoJSON (the file starts with '{')")
    first_line = start.split(b"\n", 1)[0]
    if gdelt.looks_like_export(first_line):
        return Detected("gdelt", gdelt.describe(gdelt.open_export(path)))
    if gdelt.looks_like_version_1(first_line):
        raise InputError(
            f"{path}: a GDELT 1.0 event file (57 or 58 tab-separated columns); conflictmap reads "
            "GDELT 2.0 events (61 columns: the 15-minute *.export.CSV files, or BigQuery's "
            "gdelt-bq.gdeltv2.events)"
        )
    return _csv_format(open_csv(path))


def detect_format(path: str | Path) -> Format:
    """The format of a file (see :func:`detect`, which also says why)."""
    return detect(path).format


def _csv_format(source: CsvText) -> Detected:
    header = source.header
    sep = "" if source.delimiter == "," else f"; {source.describe_delimiter()}"
    if acled.is_acled(header):
        return Detected("acled", f"ACLED ({_acled_layout(header)}{sep})")
    if ucdp.is_ucdp(header):
        return Detected("ucdp", ucdp.describe(source) + (f" ({sep[2:]})" if sep else ""))
    if gdelt.is_gdelt(header):
        return Detected("gdelt", gdelt.describe(source))
    if S.EVENT_DATE in header and sum(h in S.KINDS for h in header) >= len(header) / 2:
        ours = sum(h in S.KINDS for h in header)
        return Detected(
            "handcoded", f"hand-coded CSV ({ours} of its {len(header)} columns are ours{sep})"
        )
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise InputError(
        f"{source.path}: cannot tell the format from its header ({shown}; read as "
        f"{source.describe_delimiter()}); an ACLED export has event_id_cnty, a UCDP GED file "
        "type_of_violence and side_a, a GDELT table GLOBALEVENTID and EventCode, a hand-coded "
        "CSV the schema's columns. Say which with --format."
    )


# The columns that tell one ACLED layout from another, in the order the report names them.
_ACLED_MARKERS = (
    "data_id", "iso3", "event_id_no_cnty", "ally_actor_1", "gwno", "disorder_type",
    "civilian_targeting", "tags",
)  # fmt: skip


def _acled_layout(header: list[str]) -> str:
    """ "pre-2023 layout: data_id, iso3": the layout and the columns that gave it away."""
    markers = [c for c in _ACLED_MARKERS if c in header] or [acled.EVENT_ID_CNTY]
    return f"{acled.layout(header)} layout: {', '.join(markers[:3])}"


# --- files inside a zip ---------------------------------------------------------------------------
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".geojson", ".gpkg", ".yaml", ".yml")


def _from_zip(path: Path, folder: Path) -> Path:
    """The one data file inside a downloaded zip, unpacked into ``folder``."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path} ends in .zip but is not a zip file we can open: {exc}") from exc
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not m.filename.startswith("__MACOSX/")
            and Path(m.filename).suffix.lower() in _DATA_SUFFIXES
            and "readme" not in Path(m.filename).name.lower()
        ]
        if len(members) != 1:
            found = ", ".join(m.filename for m in members) or "no CSV, JSON or GeoPackage file"
            raise InputError(
                f"{path}: a zip is read when it holds one data file; it holds {found}. "
                "Unpack it and import the file you mean."
            )
        member = members[0]
        if member.file_size > settings.MAX_INPUT_BYTES:
            raise InputError(
                f"{path}: {member.filename} unpacks to {member.file_size / 1e6:,.0f} MB, over the "
                f"{settings.MAX_INPUT_BYTES / 1e6:,.0f} MB limit for one input"
            )
        target = folder / Path(member.filename).name
        with archive.open(member) as source, open(target, "wb") as sink:
            while block := source.read(1 << 20):
                sink.write(block)
    return target


# --- reading --------------------------------------------------------------------------------------
def _frame_chunks(frame: pd.DataFrame, chunk_rows: int, notes: list[str]) -> Iterator[Chunk]:
    """A frame read whole (GeoJSON, GeoPackage, YAML), cut into chunks for progress."""
    if frame.empty:
        yield Chunk(frame, frame, rows=0, notes=notes)
        return
    for start in range(0, len(frame), chunk_rows):
        part = frame.iloc[start : start + chunk_rows]
        yield Chunk(part, part, rows=len(part), notes=notes if start == 0 else [])


def _handcoded_csv_chunks(source: CsvText, chunk_rows: int) -> Iterator[Chunk]:
    for raw, problems in read_csv_rows(source, chunk_rows=chunk_rows):
        yield Chunk(raw.replace({"": None}), raw, problems, len(raw))


def open_chunks(
    path: str | Path,
    fmt: Format,
    *,
    mapping: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> tuple[Iterator[Chunk], int]:
    """The chunks of a file in format ``fmt``, and how many rows it holds (see Progress above)."""
    path = Path(path)
    if fmt == "acled" and _starts_as_json(path):
        return acled.read_json_chunks(path, chunk_rows=chunk_rows)
    if fmt == "gdelt":
        source = gdelt.open_source(path)
        return gdelt.read_chunks(source, chunk_rows=chunk_rows), count_rows(source)
    if fmt in ("acled", "ucdp") or (
        fmt == "handcoded" and path.suffix.lower() not in (".yaml", ".yml")
    ):
        source = open_csv(path)
        total = count_rows(source)
        if fmt == "acled":
            return acled.read_chunks(source, chunk_rows=chunk_rows), total
        if fmt == "ucdp":
            return ucdp.read_chunks(source, chunk_rows=chunk_rows), total
        return _handcoded_csv_chunks(source, chunk_rows), total
    if fmt == "handcoded":
        frame = handcoded.read_yaml(path)
        notes = ["hand-coded YAML"]
    elif fmt == "geojson":
        frame = geojson.read(path, mapping=mapping)
        notes = ["GeoJSON FeatureCollection"]
    elif fmt == "gpkg":
        frame = gpkg_format.read(path)
        notes = ["GeoPackage"]
    else:
        raise InputError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return _frame_chunks(frame, chunk_rows, notes), len(frame)


def _starts_as_json(path: Path) -> bool:
    with open(path, "rb") as stream:
        return stream.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _origin_default(frame: pd.DataFrame, fmt: Format) -> pd.DataFrame:
    # An event from someone else's GeoJSON says where it came from unless the file already does.
    if fmt == "geojson" and (S.ORIGIN not in frame or frame[S.ORIGIN].isna().all()):
        frame = frame.assign(**{S.ORIGIN: "geojson"})
    return frame


# --- importing ------------------------------------------------------------------------------------
def import_file(
    path: str | Path,
    *,
    store: EventStore,
    format: Format | None = None,
    skip_bad: bool = False,
    rejects_path: str | Path | None = None,
    progress: Progress | None = None,
    mapping: Mapping[str, str] | None = None,
    user: str | None = None,
    update: bool = False,
    chunk_rows: int = CHUNK_ROWS,
    dates: str = "auto",
) -> ImportReport:
    """Read, check and store the events of one file; see the module docstring for the promises.

    Parameters
    ----------
    path
        The file: ACLED, UCDP GED or GDELT CSV, GeoJSON, GeoPackage, hand-coded YAML or CSV, or a
        zip holding one of them.
    store
        Where the events go (:func:`geo.store.open_store`).
    format
        One of :data:`FORMATS`; guessed from the file when None (and the report says why).
    skip_bad
        Store the good rows and report the bad ones instead of refusing the whole file.
    rejects_path
        Where to write the rejected rows (as read, plus ``row`` and ``reasons``), if any.
    progress
        ``progress(done, total)`` in rows of the file.
    mapping
        GeoJSON only: property name -> schema column, for files not written by conflictmap.
        Properties that are neither mapped nor schema columns are then ignored (and listed in
        the report) instead of refused.
    user
        Recorded in the store's audit log.
    dates
        How day and month written as numbers are read: "auto" (the one order every date of the
        file fits), "dayfirst", "monthfirst" or a ``strptime`` format (:mod:`geo.dates`).
    update
        Write the fields of stored events that differ in the file as new versions (history:
        ``update (import of <file>)``); without it they are only reported.

    Raises
    ------
    ValidationError
        When a row is bad and ``skip_bad`` is False (nothing is stored), or when the header itself
        is (an unknown column in a hand-coded file).
    InputError
        When the file cannot be read at all or its format cannot be told, or its numeric dates
        do not say whether the day or the month comes first
        (:class:`~geo.dates.DateOrderError`).
    """
    with ExitStack() as stack:
        source = Path(path)
        zipped = source.suffix.lower() == ".zip"
        if zipped:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="conflictmap-zip-"))
            source = _from_zip(source, Path(folder))
        try:
            return _import(
                source,
                shown=str(path),
                store=store,
                format=format,
                skip_bad=skip_bad,
                rejects_path=rejects_path,
                progress=progress,
                mapping=mapping,
                user=user,
                update=update,
                chunk_rows=chunk_rows,
                dates=dates,
                inside=Path(path).name if zipped else None,
            )
        except InputError as exc:
            if not zipped:
                raise
            # Name the file as the analyst has it, not as it was unpacked.
            raise InputError(str(exc).replace(str(source), f"{path} ({source.name})")) from exc


def _import(
    path: Path,
    *,
    shown: str,
    store: EventStore,
    format: Format | None,
    skip_bad: bool,
    rejects_path: str | Path | None,
    progress: Progress | None,
    mapping: Mapping[str, str] | None,
    user: str | None,
    update: bool,
    chunk_rows: int,
    dates: str,
    inside: str | None,
) -> ImportReport:
    started = time.perf_counter()
    if format is not None and format not in FORMATS:
        raise InputError(f"unknown import format {format!r}; choose one of {', '.join(FORMATS)}")
    detected = detect(path) if format is None else Detected(format, f"{format} (as given)")
    fmt = detected.format
    reason = detected.reason + (f"; read from {path.name} inside {inside}" if inside else "")
    report = ImportReport(path=shown, format=fmt, format_reason=reason)
    chunks, total = open_chunks(path, fmt, mapping=mapping, chunk_rows=chunk_rows)
    provided: set[str] = set()
    unknown = "drop" if (mapping or fmt == "gpkg") else "error"
    now = datetime.now(UTC)
    what = f"file {shown}"

    typed_parts: list[pd.DataFrame] = []
    problems: list[Problem] = []
    raw_rejects: list[pd.DataFrame] = []
    for chunk, order in with_date_order(chunks, dates, what=what):
        report.read += chunk.rows
        report.notes.extend(chunk.notes)
        for label, n in chunk.counts.items():
            report.counts[label] = report.counts.get(label, 0) + n
        events = _origin_default(chunk.events, fmt)
        provided.update(events.columns)
        report.events += len(events) + len({p.row for p in chunk.problems} - set(events.index))
        ignored = [c for c in events.columns if c not in S.KINDS and c != S.GEOMETRY]
        report.ignored_columns += [c for c in ignored if c not in report.ignored_columns]
        typed, chunk_problems = _check(
            events, chunk.problems, unknown=unknown, now=now, what=what, dates=order, store=store
        )
        typed_parts.append(typed)
        if chunk_problems:
            problems.extend(chunk_problems)
            bad = {p.row for p in chunk_problems}
            raw_rejects.append(chunk.raw.loc[[r for r in chunk.raw.index if r in bad]])
        if progress is not None:
            total = max(total, report.read)
            progress(report.read, total)

    if report.read == 0:
        raise InputError(
            f"{shown} holds no events (a header without rows, or an empty list); nothing to import"
        )
    typed = pd.concat(typed_parts) if typed_parts else S.empty_frame()
    typed, duplicate_problems = _first_of_each_id(typed)
    problems.extend(duplicate_problems)
    if duplicate_problems:
        raw_rejects.append(pd.DataFrame(index=[p.row for p in duplicate_problems]))

    problems.sort(key=_row_order)
    report.problems = problems
    report.rejected = _rejections(problems)
    if rejects_path is not None and report.rejected:
        _write_rejects(rejects_path, report.rejected, raw_rejects)
        report.rejects_path = str(rejects_path)
    if problems and not skip_bad:
        raise ValidationError(problems, what=what)

    if len(typed):
        compare = tuple(c for c in S.COLUMN_NAMES if c in provided and c not in NOT_COMPARED)
        result = store.add(
            typed,
            on_existing="update" if update else "skip",
            user=user,
            compare=compare,
            action=f"update (import of {Path(shown).name})",
        )
        report.imported = len(result.added)
        report.skipped_existing = len(result.skipped) + len(result.updated)
        report.differs = result.differs
        report.updated = len(result.updated)
    if progress is not None:
        progress(max(total, report.read), max(total, report.read))
    report.seconds = time.perf_counter() - started
    return report


def read_upload(name: str, payload: bytes, *, format: Format | None = None) -> pd.DataFrame:
    """The events of an uploaded file (its name and bytes) in schema columns, not yet validated.

    For a page that shows the rows before storing them; rows are numbered as in the file. Rows the
    reader cannot read at all raise ValidationError. To store, prefer :func:`import_file`, which
    also checks, reports progress and stores in one transaction.
    """
    with tempfile.TemporaryDirectory(prefix="conflictmap-upload-") as folder:
        path = Path(folder) / (Path(name).name or "upload")
        path.write_bytes(payload)
        fmt = format or detect_format(path)
        chunks, _ = open_chunks(path, fmt)
        frame = collect(chunks, what=f"file {name}")
    return _origin_default(frame, fmt)


def _row_order(problem: Problem) -> tuple[int, int, str]:
    """File order: the header first, then rows by number (row 10 before row 100), then the rest."""
    row = problem.row
    if row == "header":
        return (0, 0, "")
    if isinstance(row, Integral):
        return (1, int(row), "")
    return (2, 0, str(row))


# A quoted value or a number in a message: masked to tell the kinds of problem apart.
_VALUE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|\b\d+(?:[.,]\d+)*\b")


def problem_kinds(problems: Iterable[Problem]) -> list[str]:
    """One line per kind of problem, most rows first: how many rows, the column, and the first
    such problem in file order (``5,725 rows: event_date '31-12-19' is not a date ... (first:
    row 2)``). Problems of one kind differ only in the values they quote."""
    kinds: dict[tuple[str, str], tuple[Problem, set[object]]] = {}
    for p in sorted(problems, key=_row_order):
        key = (p.column, _VALUE.sub("#", p.message))
        first, rows = kinds.setdefault(key, (p, set()))
        rows.add(p.row)
    ranked = sorted(kinds.values(), key=lambda item: -len(item[1]))
    lines = []
    for first, rows in ranked:
        where = "header" if first.row == "header" else f"row {first.row}"
        count = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}"
        lines.append(f"{count}: {first.column} {first.message} (first: {where})")
    return lines


def _check(
    events: pd.DataFrame,
    reader_problems: list[Problem],
    *,
    unknown: Literal["error", "drop"],
    now: datetime,
    what: str,
    dates: str = "auto",
    store: EventStore | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """The chunk's valid events, typed, and the problems of the others (reader's and schema's)."""
    problems = list(reader_problems)
    unreadable = {p.row for p in reader_problems}
    todo = events.drop(index=[r for r in unreadable if r in events.index])
    if lacks_coordinates(todo):
        # Events that name a place but carry no coordinates are placed by the offline gazetteer,
        # and by the villages the store's events already name.
        from geo.places.known import geocoder_with_store

        coder = geocoder_with_store(store) if store is not None else None
        todo, unplaced = fill_coordinates(todo, geocoder=coder)
        problems.extend(unplaced)
        todo = todo.drop(index=[p.row for p in unplaced])
    try:
        return _validate(todo, unknown=unknown, now=now, what=what, dates=dates), problems
    except ValidationError as exc:
        if any(p.row == "header" for p in exc.problems):
            raise  # a bad column is the whole file's problem, not a row's
        problems.extend(exc.problems)
        bad = {p.row for p in exc.problems}
        good = todo.drop(index=[r for r in bad if r in todo.index])
        return _validate(good, unknown=unknown, now=now, what=what, dates=dates), problems


def _validate(
    events: pd.DataFrame,
    *,
    unknown: Literal["error", "drop"],
    now: datetime,
    what: str,
    dates: str = "auto",
) -> pd.DataFrame:
    if events.empty:
        return S.empty_frame()
    return S.validate(events, unknown_columns=unknown, now=now, what=what, dates=dates)


def _first_of_each_id(typed: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Rows whose event id an earlier row of the file already has become problems."""
    ids = typed[S.EVENT_ID]
    repeated = ids.duplicated(keep="first")
    if not repeated.any():
        return typed, []
    first_row = {eid: row for row, eid in ids[~repeated].items()}
    problems = [
        Problem(row, S.EVENT_ID, f"{eid!r} is also the id of row {first_row[eid]}")
        for row, eid in ids[repeated].items()
    ]
    return typed.loc[~repeated.to_numpy()], problems


def _rejections(problems: list[Problem]) -> list[Rejected]:
    reasons: dict[object, list[str]] = {}
    for p in sorted(problems, key=_row_order):
        reasons.setdefault(p.row, []).append(f"{p.column}: {p.message}")
    return [Rejected(row, tuple(why)) for row, why in reasons.items()]


def _write_rejects(path: str | Path, rejected: list[Rejected], raws: list[pd.DataFrame]) -> None:
    """The rejected rows as they were read, with their row number and reasons, as CSV."""
    raw = pd.concat(raws) if raws else pd.DataFrame()
    raw = raw[~raw.index.duplicated(keep="first")]
    columns = [str(c) for c in raw.columns if c != S.GEOMETRY]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["row", "reasons", *columns])
        for item in rejected:
            found = item.row in raw.index
            cells = (
                [_cell(v) for v in raw.loc[item.row, columns]] if found else [None] * len(columns)
            )
            cells = neutralise_formulas([" | ".join(item.reasons), *cells])
            writer.writerow([item.row, *("" if c is None else c for c in cells)])


def _cell(value: object) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)
