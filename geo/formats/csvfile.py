"""CSV of events in our own columns: what the hand-coding template and ``export --format csv`` use.

ACLED's layout (its column order and names) is the ACLED format module's business.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import pandas as pd

from geo import schema as S
from geo.formats.values import column_texts, neutralise_formulas

MEDIA_TYPE = "text/csv"


def write(events: pd.DataFrame, target: str | Path | IO[str], *, raw: bool = False) -> int:
    """Events as CSV in schema column order, ISO dates, empty cells where values are missing.

    Text cells that a spreadsheet would run as a formula (``=HYPERLINK(...)`` in a scraped note)
    get a leading apostrophe unless ``raw`` is set.
    """
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as stream:
            return write(events, stream, raw=raw)
    columns = []
    for c in S.COLUMNS:
        texts = column_texts(events[c.name], c.kind)
        columns.append(texts if raw or c.kind != "str" else neutralise_formulas(texts))
    write_columns(S.COLUMN_NAMES, columns, target)
    return len(events)


def write_columns(
    header: Sequence[str], columns: Sequence[Sequence[str | None]], target: IO[str]
) -> None:
    """A header row, then a row per position of the text ``columns`` (None: an empty cell).

    csv quotes a cell holding a line feed but not one holding a lone carriage return, which
    spreadsheets and csv readers alike take for the end of a row: the rest of the cell would
    start a row of its own, a formula unguarded. Rows with such a cell are written fully quoted.
    """
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(header)
    lone_cr = _rows_with_carriage_returns(columns)
    quoted = csv.writer(target, lineterminator="\n", quoting=csv.QUOTE_ALL)
    for i, row in enumerate(zip(*columns, strict=True)):
        (quoted if i in lone_cr else writer).writerow(["" if v is None else v for v in row])


def _rows_with_carriage_returns(columns: Sequence[Sequence[str | None]]) -> set[int]:
    rows: set[int] = set()
    for values in columns:
        # One join per column finds the rare column worth a look cell by cell.
        if "\r" in "\n".join(filter(None, values)):
            rows.update(i for i, v in enumerate(values) if v is not None and "\r" in v)
    return rows


def to_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    write(events, buffer)
    return buffer.getvalue().encode("utf-8")
