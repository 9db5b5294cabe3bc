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
    """A header row, then a row per position of the text ``columns`` (None: an empty cell)."""
    writer = csv.writer(target, lineterminator="\n")
    writer.writerow(header)
    for row in zip(*columns, strict=True):
        writer.writerow(["" if v is None else v for v in row])


def to_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    write(events, buffer)
    return buffer.getvalue().encode("utf-8")
