"""Tabular input read in chunks of rows, each row numbered as the analyst's spreadsheet shows it.

The readers of outside CSV formats (ACLED, UCDP GED, our own CSV) share this: a file of any size is
streamed in chunks of a few thousand rows, every cell stays text (the schema parses values itself),
and a row that cannot be read at all (a truncated last line, an unquoted comma) becomes a
:class:`~geo.errors.Problem` of its own instead of stopping the whole file.

Rows are numbered like a spreadsheet: the header is row 1, the first data row is row 2, and a
record with a line break inside a quoted cell still counts as one row. A file without a header
(GDELT's tab-separated exports) numbers its first line row 1.

The delimiter is told from the header line: a comma unless semicolons (what Excel writes where the
decimal mark is a comma) or tabs split it into more columns. Trailing empty fields are forgiven: a
spreadsheet that once had wider rows saves ``a,b,c,,,`` and the extra cells hold nothing.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo import dates as D
from geo import schema as S
from geo.errors import InputError, Problem, ValidationError
from geo.formats.values import restore_formulas
from geo.textio import count_lines, open_text, sniff_encoding, undecodable

# Large enough that pandas' per-chunk cost vanishes, small enough for a smooth progress bar.
CHUNK_ROWS = 5_000


@dataclass
class Chunk:
    """Some rows of an input file, read as events.

    Attributes
    ----------
    events
        The rows in schema columns (values still as read), indexed by row number.
    raw
        The rows as they stand in the file (text, the file's own columns), same index: what a
        rejects file gives back to the analyst.
    problems
        Rows the reader itself could not turn into events, with the reason.
    rows
        How many rows of the file this chunk consumed (for progress; it differs from
        ``len(events)`` when a reader joins several rows into one event).
    notes
        Facts about the file worth telling the analyst (the layout recognised).
    counts
        Numbers worth telling, summed over chunks by the importer ({"events joined": 12}).
    """

    events: pd.DataFrame
    raw: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class CsvText:
    """A CSV file's encoding, delimiter and header, decided once and shared by detection and
    reading.

    The rows themselves are streamed from the file when read, never held as one text. With
    ``has_header`` False, ``header`` holds the column names a format documents and the first line
    is already a row; ``quoting`` False reads quote characters as text (GDELT quotes nothing).
    """

    path: str
    encoding: str
    header: list[str]
    delimiter: str = ","
    has_header: bool = True
    quoting: bool = True

    def describe_delimiter(self) -> str:
        """How the file separates its fields, for the import report ("';'-separated")."""
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter) + "-separated")


# The delimiters met in event files: a comma; a semicolon from a spreadsheet set to a comma
# decimal mark (much of Europe and the Arab world); a tab (GDELT, "Text (tab delimited)").
DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma-separated", ";": "semicolon-separated", "\t": "tab-separated"}


def sniff_delimiter(line: str) -> str:
    """The delimiter that splits a header line into the most fields (a comma on a tie)."""
    best, most = ",", 1
    for delimiter in DELIMITERS:
        try:
            fields = len(next(csv.reader([line], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if fields > most:
            best, most = delimiter, fields
    return best


def open_csv(path: str | Path) -> CsvText:
    """The file's encoding (decided by :mod:`geo.textio`) and its stripped header.

    Raises
    ------
    InputError
        The file is empty, binary, undecodable, too large, has no header or repeats a column.
    """
    encoding = sniff_encoding(path)
    try:
        with open_text(path, encoding) as stream:
            first = stream.readline()
            delimiter = sniff_delimiter(first)
            stream.seek(0)
            header = next(csv.reader(stream, delimiter=delimiter), [])
    except csv.Error as exc:
        raise InputError(
            f"{path}: the header is not readable as CSV ({why_unreadable(exc)})"
        ) from exc
    except UnicodeDecodeError as exc:
        raise undecodable(path, encoding, "the header") from exc
    header = [h.strip() for h in header]
    while len(header) > 1 and not header[-1]:
        header.pop()  # a trailing delimiter on the header line names no column
    if not any(header):
        raise InputError(f"{path}: the first row is empty; expected a header of column names")
    repeated = sorted(name for name, n in Counter(header).items() if n > 1)
    if repeated:
        raise InputError(f"{path}: the header names column(s) {repeated} more than once")
    return CsvText(str(path), encoding, header, delimiter)


def headerless(path: str | Path, columns: list[str], *, delimiter: str, quoting: bool) -> CsvText:
    """A file whose columns a format documents instead of a header line (GDELT's exports)."""
    return CsvText(str(path), sniff_encoding(path), list(columns), delimiter, False, quoting)


def count_rows(source: CsvText) -> int:
    """Data rows of a CSV file: exact unless quoted cells hold line breaks (then an overcount)."""
    return max(count_lines(source.path, source.encoding) - source.has_header, 0)


def read_csv_rows(
    source: CsvText, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[tuple[pd.DataFrame, list[Problem]]]:
    """Yield (rows, problems) per chunk: rows as a text frame indexed by row number.

    A row whose number of fields differs from the header's comes back as a problem naming the
    row; it stays in ``rows`` (cut or padded to the header) so that a rejects file can show it.
    Extra fields at the end of a row that are all empty are not a problem: they are cut off.
    """
    header = source.header
    width = len(header)
    options = {} if source.quoting else {"quoting": csv.QUOTE_NONE}
    with open_text(source.path, source.encoding) as stream:
        reader = csv.reader(stream, delimiter=source.delimiter, **options)
        try:
            if source.has_header:
                next(reader)
            records: list[list[str]] = []
            numbers: list[int] = []
            problems: list[Problem] = []
            for number, record in enumerate(reader, start=1 + source.has_header):
                if not record or not any(cell.strip() for cell in record):
                    continue
                if len(record) > width and not any(c.strip() for c in record[width:]):
                    record = record[:width]
                if len(record) != width:
                    problems.append(_misfit(number, len(record), header, source.delimiter))
                    record = (record + [""] * width)[:width]
                records.append(record)
                numbers.append(number)
                if len(records) >= chunk_rows:
                    yield _frame(records, numbers, header), problems
                    records, numbers, problems = [], [], []
            if records or problems:
                yield _frame(records, numbers, header), problems
        except csv.Error as exc:
            raise InputError(
                f"{source.path}: line {reader.line_num}: not readable as CSV ({why_unreadable(exc)})"
            ) from exc
        except UnicodeDecodeError as exc:
            where = f"the text after line {reader.line_num}"
            raise undecodable(source.path, source.encoding, where) from exc


def why_unreadable(exc: csv.Error) -> str:
    """What a CSV reader's error means for the analyst."""
    if "field larger than field limit" in str(exc):
        # csv stops a cell at 128 KB; no field of an event is that long, so the usual cause is a
        # quote opened and never closed, which swallows the rest of the file into one cell.
        return (
            f"a cell longer than {csv.field_size_limit():,} characters: a quote opened and never "
            "closed, or not a CSV of events"
        )
    return str(exc)


def _misfit(number: int, fields: int, header: list[str], delimiter: str = ",") -> Problem:
    width = len(header)
    mark = {",": "comma", ";": "semicolon", "\t": "tab"}.get(delimiter, repr(delimiter))
    why = "a truncated line?" if fields < width else f"an unquoted {mark}?"
    column = header[min(fields, width) - 1] if fields else header[0]
    return Problem(
        number, column, f"the row has {fields} fields but the header has {width} ({why})"
    )


def _frame(records: list[list[str]], numbers: list[int], header: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=header, dtype=object)
    frame.index = pd.Index(numbers, dtype="int64")
    for name in frame.columns:
        column = frame[name]
        if column.str.startswith("'").any():
            frame[name] = restore_formulas(column)
    return frame


def collect(chunks: Iterable[Chunk], *, what: str) -> pd.DataFrame:
    """All events of a reader's chunks, indexed by row number (not validated).

    Raises
    ------
    ValidationError
        Listing the rows the reader could not read as events.
    """
    frames, problems = [], []
    for chunk in chunks:
        frames.append(chunk.events)
        problems.extend(chunk.problems)
    if problems:
        raise ValidationError(problems, what=what)
    return pd.concat(frames) if frames else pd.DataFrame(columns=[S.EVENT_ID])


def with_date_order(
    chunks: Iterable[Chunk], dates: str, *, what: str
) -> Iterator[tuple[Chunk, str]]:
    """Each chunk with the order its numeric dates are read in: one order for the whole file.

    ``dates`` given (not "auto") is every chunk's. Otherwise the file's values decide
    (:class:`geo.dates.Evidence`): a chunk waits while its dates read both ways and no chunk has
    yet said which comes first, so the order of row 2 may be settled by row 40,000.

    Raises
    ------
    geo.dates.DateOrderError
        When the file's dates need two orders, or all of them read both ways.
    """
    if dates != D.AUTO:
        for chunk in chunks:
            yield chunk, dates
        return
    evidence = D.Evidence()
    waiting: list[Chunk] = []
    for chunk in chunks:
        events = chunk.events
        for name in (S.EVENT_DATE, S.EVENT_DATE_END):
            column = events.get(name)
            if column is not None and not pd.api.types.is_datetime64_any_dtype(column):
                evidence.add(column.to_numpy(dtype=object), events.index, name)
        evidence.check(what)
        order = evidence.decided()
        if order is None and evidence.either is not None:
            waiting.append(chunk)
            continue
        for held in waiting:
            yield held, order or D.AUTO
        waiting = []
        yield chunk, order or D.AUTO
    if waiting:
        evidence.order(what)  # raises: the file ended without saying
