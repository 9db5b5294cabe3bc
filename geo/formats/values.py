"""Cell values in their text forms: ISO dates, ISO timestamps, integers without ``.0``.

Shared by the text writers (GeoJSON, CSV, KML) so that every export spells a date the same way.
"""

from __future__ import annotations

import re

import pandas as pd


def column_texts(series: pd.Series, kind: str) -> list[str | None]:
    """The column's values as text (None where missing), by the schema kind of the column."""
    if kind == "date":
        text = series.dt.strftime("%Y-%m-%d")
    elif kind == "timestamp":
        text = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
    elif kind == "int":
        text = series.astype("Int64").astype("str")
    elif kind == "float":
        values = series.to_numpy(dtype="float64")
        return [None if v != v else repr(float(v)) for v in values]
    else:
        text = series.astype("str")
    return text.astype(object).where(series.notna(), None).tolist()


# Spreadsheets run a cell that starts with one of these as a formula (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


# A formula, or a formula already guarded by apostrophes: guarding these once more keeps the
# guard reversible, so that a note that really starts with "'=" comes back as written.
_GUARDED = re.compile("'*[" + re.escape("".join(FORMULA_PREFIXES)) + "]")


def neutralise_formulas(texts: list[str | None]) -> list[str | None]:
    """Text cells that a spreadsheet would run as formulas, made inert with a leading apostrophe.

    Only text columns pass through here: numbers such as a negative longitude are not formulas.
    :func:`restore_formulas` undoes it on import.
    """
    return ["'" + t if t is not None and _GUARDED.match(t) else t for t in texts]


def restore_formulas(column: pd.Series) -> pd.Series:
    """Text cells as they were before :func:`neutralise_formulas`: one guarding apostrophe off."""
    text = column.astype(object)
    guarded = text.map(
        lambda t: isinstance(t, str) and t.startswith("'") and bool(_GUARDED.match(t, 1)),
    ).astype(bool)
    return column.where(~guarded, text.str.slice(1))


def records_frame(records: list[dict]) -> pd.DataFrame:
    """A frame of the records a JSON or YAML reader built, one row per record.

    JSON's ``"\\ud800"`` escape (and YAML's) yields half of a UTF-16 surrogate pair, which pandas'
    Arrow text cannot hold: such records are kept as Python objects instead, so that
    :func:`geo.schema.validate` refuses the cell by row and column, and a property name holding
    one is shown with the escape written out.
    """
    try:
        return pd.DataFrame.from_records(records)
    except UnicodeEncodeError:
        shown = {k: _escaped(k) for r in records for k in r}
        rows = [{shown[k]: v for k, v in r.items()} for r in records]
        columns = pd.Index(list(dict.fromkeys(shown.values())), dtype=object)
        return pd.DataFrame(rows, columns=columns, dtype=object)


def _escaped(name: object) -> object:
    if not isinstance(name, str):
        return name
    return name.encode("utf-8", "backslashreplace").decode("utf-8")
