"""Import a file of events into a store: ACLED, UCDP GED, GeoJSON, GeoPackage, hand-coded.

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
* **Idempotent.** Events keep their source's id (ACLED ``event_id_cnty``, ``UCDP-<id>``, ours), and
  ids the store already holds are left alone, so importing the same file again adds nothing.
* **Progress.** ``progress(done, total)`` is called after each chunk of rows with rows of the file
  read so far and the rows the file holds (for CSV, its lines: an estimate when quoted cells hold
  line breaks, so ``total`` can grow to ``done``) and a last time as ``(total, total)`` once the
  events are stored. It runs on the caller's thread: a Streamlit progress bar or a terminal bar.

The format is guessed from the file's header when not given: see :func:`detect_format`.
"""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import pandas as pd

from geo import schema as S
from geo.errors import InputError, Problem, ValidationError
from geo.formats import acled, geojson, handcoded, ucdp
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

Format = Literal["acled", "ucdp", "geojson", "gpkg", "handcoded"]
FORMATS: tuple[str, ...] = ("acled", "ucdp", "geojson", "gpkg", "handcoded")
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
    rows, as with ACLED's one-row-per-actor files); ``imported + skipped_existing + len(rejected)``
    accounts for every event.
    """

    path: str
    format: str
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

    def summary(self) -> str:
        """One line for a terminal or a status message."""
        name = Path(self.path).name
        text = (
            f"{name} ({self.format}): {self.read:,} rows read, {self.imported:,} imported, "
            f"{self.skipped_existing:,} already stored, {len(self.rejected):,} rejected"
        )
        if self.events != self.read:
            text += f" ({self.events:,} events)"
        return text

    def details(self) -> list[str]:
        """The notes, counts and ignored columns, a line each."""
        lines = list(self.notes)
        lines += [f"{label}: {n:,}" for label, n in self.counts.items()]
        if self.ignored_columns:
            lines.append(f"columns not in the schema, ignored: {', '.join(self.ignored_columns)}")
        if self.rejects_path:
            lines.append(f"rejected rows and their reasons written to {self.rejects_path}")
        return lines


# --- format detection -----------------------------------------------------------------------------
def detect_format(path: str | Path) -> Format:
    """The format of a file: by its extension where that is unambiguous, else by its header.

    YAML is hand-coded; a SQLite file is a GeoPackage; JSON is ACLED's API answer when it has a
    ``data`` list of ``event_id_cnty`` records, else GeoJSON; a CSV is ACLED when it has
    ``event_id_cnty``, UCDP GED when it has ``relid``/``type_of_violence``/``side_a``..., and
    hand-coded when its columns are the schema's.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "handcoded"
    try:
        with open(path, "rb") as stream:
            start = stream.read(4096)
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from exc
    if start.startswith(_SQLITE_MAGIC) or suffix == ".gpkg":
        return "gpkg"
    if acled.is_api_json(start):
        return "acled"
    if suffix in (".geojson", ".json") or start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
        return "geojson"
    return _csv_format(open_csv(path))


def _csv_format(source: CsvText) -> Format:
    header = source.header
    if acled.is_acled(header):
        return "acled"
    if ucdp.is_ucdp(header):
        return "ucdp"
    if S.EVENT_DATE in header and sum(h in S.KINDS for h in header) >= len(header) / 2:
        return "handcoded"
    shown = ", ".join(header[:8]) + (", ..." if len(header) > 8 else "")
    raise InputError(
        f"{source.path}: cannot tell the format from its header ({shown}); an ACLED export has "
        "event_id_cnty, a UCDP GED file relid and type_of_violence, a hand-coded CSV the "
        "schema's columns. Say which with --format."
    )


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
    chunk_rows: int = CHUNK_ROWS,
    dates: str = "auto",
) -> ImportReport:
    """Read, check and store the events of one file; see the module docstring for the promises.

    Parameters
    ----------
    path
        The file: ACLED or UCDP GED CSV, GeoJSON, GeoPackage, hand-coded YAML or CSV.
    store
        Where the events go (:func:`geo.store.open_store`).
    format
        "acled", "ucdp", "geojson", "gpkg" or "handcoded"; guessed from the file when None.
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
    started = time.perf_counter()
    fmt: Format = format or detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    report = ImportReport(path=str(path), format=fmt)
    chunks, total = open_chunks(path, fmt, mapping=mapping, chunk_rows=chunk_rows)
    unknown = "drop" if (mapping or fmt == "gpkg") else "error"
    now = datetime.now(UTC)
    what = f"file {path}"

    typed_parts: list[pd.DataFrame] = []
    problems: list[Problem] = []
    raw_rejects: list[pd.DataFrame] = []
    for chunk, order in with_date_order(chunks, dates, what=what):
        report.read += chunk.rows
        report.notes.extend(chunk.notes)
        for label, n in chunk.counts.items():
            report.counts[label] = report.counts.get(label, 0) + n
        events = _origin_default(chunk.events, fmt)
        report.events += len(events) + len({p.row for p in chunk.problems} - set(events.index))
        ignored = [c for c in events.columns if c not in S.KINDS and c != S.GEOMETRY]
        report.ignored_columns += [c for c in ignored if c not in report.ignored_columns]
        typed, chunk_problems = _check(
            events, chunk.problems, unknown=unknown, now=now, what=what, dates=order
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
            f"{path} holds no events (a header without rows, or an empty list); nothing to import"
        )
    typed = pd.concat(typed_parts) if typed_parts else S.empty_frame()
    typed, duplicate_problems = _first_of_each_id(typed)
    problems.extend(duplicate_problems)
    if duplicate_problems:
        raw_rejects.append(pd.DataFrame(index=[p.row for p in duplicate_problems]))

    report.rejected = _rejections(problems)
    if rejects_path is not None and report.rejected:
        _write_rejects(rejects_path, report.rejected, raw_rejects)
        report.rejects_path = str(rejects_path)
    if problems and not skip_bad:
        raise ValidationError(sorted(problems, key=_row_order), what=what)

    if len(typed):
        result = store.add(typed, on_existing="skip", user=user)
        report.imported = len(result.added)
        report.skipped_existing = len(result.skipped)
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


def _row_order(problem: Problem) -> tuple[int, object]:
    row = problem.row
    return (0, row) if isinstance(row, int) else (1, str(row))


def _check(
    events: pd.DataFrame,
    reader_problems: list[Problem],
    *,
    unknown: Literal["error", "drop"],
    now: datetime,
    what: str,
    dates: str = "auto",
) -> tuple[pd.DataFrame, list[Problem]]:
    """The chunk's valid events, typed, and the problems of the others (reader's and schema's)."""
    problems = list(reader_problems)
    unreadable = {p.row for p in reader_problems}
    todo = events.drop(index=[r for r in unreadable if r in events.index])
    if lacks_coordinates(todo):
        # Events that name a place but carry no coordinates are placed by the offline gazetteer.
        todo, unplaced = fill_coordinates(todo)
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
