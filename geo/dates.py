"""Dates as files write them: every accepted form, what each says, and the day/month order.

The one reader of date cells (:func:`geo.schema.validate` calls it for ``event_date`` and
``event_date_end``; dates in news text are :mod:`geo.extract.dates`' business). What a cell says
is stored as written, never shifted:

=================================================  ===============================================
written                                            read as
=================================================  ===============================================
``2022-10-22``, ``2022/10/22``, ``20221022``       that day (also ``2022.10.22``)
``2022-10-22T01:00:00+03:00``, ``... 00:00:00.000`` the day written (the local day of the report;
                                                   a zone is never applied)
``22 October 2022``, ``22 Oct 2022``,              that day (English month names, any case)
``22-Oct-22``, ``22-October-2022``,
``October 22, 2022``
``22/10/2022``, ``22-10-22``, ``22.10.2022``        day and month as numbers: the order is the
(a spreadsheet's ``22/10/2022 0:00`` too)          whole column's (see below)
``44856`` (five digits)                            a spreadsheet's day serial (1899-12-30 + n)
``2022-10``, ``October 2022``                      the month: first to last day, precision 3
``2022``                                           the year: 1 Jan to 31 Dec, precision 3
=================================================  ===============================================

A two-digit year is the latest year of its century not after next year (``19`` is 2019,
``97`` is 1997); a reader that knows better (ACLED's ``year`` column) writes the year out first.

Day or month first
------------------
``10/05/2022`` is 10 May or 5 October. The order is decided for a whole file (every date column
of it), never cell by cell: a value whose first number is above 12 can only be day-first, one
whose second is above 12 only month-first. A file with both kinds is refused, naming a row of
each; a file whose numeric dates all read both ways (``10/05/2022``, ``11/06/2022``) is refused
naming the column, never guessed. The analyst settles it with an order: ``dayfirst``,
``monthfirst`` or a ``strptime`` format such as ``%m/%d/%Y`` (``--dayfirst``, ``--monthfirst``,
``--date-format``); values that do not fit it are then refused one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from geo.errors import InputError

# How the user says what numeric dates mean: one of these, or a strptime format ("%m/%d/%Y").
AUTO = "auto"
DAYFIRST = "dayfirst"
MONTHFIRST = "monthfirst"
ORDERS = (AUTO, DAYFIRST, MONTHFIRST)
HINT = "give --dayfirst, --monthfirst or --date-format (e.g. --date-format %m/%d/%Y)"

# time_precision of a date that names only a month or a year (ACLED: 3 is the coarsest code).
SPAN_PRECISION = 3
NOT_A_DATE = "is not a date (write it as YYYY-MM-DD)"

# Years outside this range are typing errors, and outside what a nanosecond timestamp can hold.
EARLIEST_YEAR, LATEST_YEAR = 1800, 2199
_NAT = np.datetime64("NaT", "ns")
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 is 1900-01-01 in Excel's (leap-year-bugged) count

_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTHS: dict[str, int] = {name: i for i, name in enumerate(_MONTH_NAMES, start=1)}
MONTHS.update({name[:3]: i for name, i in list(MONTHS.items())})
MONTHS["sept"] = 9

_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?"
# The time a spreadsheet adds to a day ("10/05/2022 0:00", "10/05/2022 2:30 PM"): ignored.
_CLOCK = r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?)?"
_ISO_DAY = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", re.IGNORECASE)
_COMPACT_DAY = re.compile(r"(\d{4})(\d{2})(\d{2})")
_ISO_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
_YEAR = re.compile(r"(\d{4})")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{4}|\d{2})")
_NAME_DAY_YEAR = re.compile(r"([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})")
_NAME_YEAR = re.compile(r"([a-z]+)\.?[\s\-/]+(\d{4})")
_NUMERIC = re.compile(rf"(\d{{1,2}})([/.\-])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_CLOCK}", re.IGNORECASE)
_SERIAL = re.compile(r"(\d{5})(?:\.\d+)?")


class DateOrderError(InputError):
    """A file's numeric dates do not say, as a whole, whether the day or the month comes first."""


@dataclass(frozen=True)
class Written:
    """What one cell says: a day, a month or a year, or two numbers whose order is the file's."""

    year: int
    first: int | None = None  # month (known order), or the first of two numbers (``numeric``)
    second: int | None = None  # day (known order), or the second of two numbers
    numeric: bool = False  # two numbers that make a different day in each order
    only: str | None = None  # DAYFIRST or MONTHFIRST: day and month as numbers, one order fits


@dataclass(frozen=True)
class Dates:
    """A column of date cells read: first day, last day of a written span, implied precision."""

    start: np.ndarray  # datetime64[ns]; NaT where missing or not a date
    end: np.ndarray  # datetime64[ns]; the last day of a written month or year, else NaT
    precision: np.ndarray  # float64; SPAN_PRECISION where a month or year was written, else NaN
    why: np.ndarray  # object; why a present cell is not a date (None: the usual NOT_A_DATE)


def two_digit_year(yy: int, *, today: date | None = None) -> int:
    """The latest year ending in ``yy`` that is not after next year."""
    today = today or date.today()
    year = 2000 + yy
    return year if year <= today.year + 1 else year - 100


def parse(text: str) -> Written | None:
    """What ``text`` says as a date, in any accepted form; None when it is none of them."""
    t = text.strip().lower()
    m = _ISO_DAY.fullmatch(t) or _COMPACT_DAY.fullmatch(t)
    if m:
        groups = m.groups()
        year, month, day = int(groups[0]), int(groups[-2]), int(groups[-1])
        return _day(year, month, day)
    m = _NUMERIC.fullmatch(t)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), m.group(4)
        year = int(y) if len(y) == 4 else two_digit_year(int(y))
        if not _plausible(year) or a < 1 or b < 1 or (a > 12 and b > 12):
            return None
        fits_dayfirst, fits_monthfirst = _exists(year, b, a), _exists(year, a, b)
        if a == b or (fits_dayfirst and fits_monthfirst):
            return Written(year, a, b, numeric=a != b) if fits_monthfirst else None
        if fits_dayfirst:
            return Written(year, b, a, only=DAYFIRST)
        if fits_monthfirst:
            return Written(year, a, b, only=MONTHFIRST)
        return None
    m = _DAY_NAME_YEAR.fullmatch(t)
    if m:
        y = m.group(3)
        year = int(y) if len(y) == 4 else two_digit_year(int(y))
        return _day(year, MONTHS.get(m.group(2), 0), int(m.group(1)))
    m = _NAME_DAY_YEAR.fullmatch(t)
    if m:
        return _day(int(m.group(3)), MONTHS.get(m.group(1), 0), int(m.group(2)))
    m = _ISO_MONTH.fullmatch(t) or _NAME_YEAR.fullmatch(t)
    if m:
        year = int(m.group(1) if m.re is _ISO_MONTH else m.group(2))
        month = int(m.group(2)) if m.re is _ISO_MONTH else MONTHS.get(m.group(1), 0)
        return Written(year, month) if _plausible(year) and 1 <= month <= 12 else None
    m = _YEAR.fullmatch(t)
    if m:
        year = int(m.group(1))
        return Written(year) if _plausible(year) else None
    m = _SERIAL.fullmatch(t)
    if m:
        day = _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
        return _day(day.year, day.month, day.day)
    return None


def _plausible(year: int) -> bool:
    return EARLIEST_YEAR <= year <= LATEST_YEAR


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _day(year: int, month: int, day: int) -> Written | None:
    return Written(year, month, day) if _plausible(year) and _exists(year, month, day) else None


# --- the order of a file --------------------------------------------------------------------------
@dataclass
class Evidence:
    """What the numeric dates of a file seen so far say about their order.

    Each field holds the first (row, column, text) of its kind: a value that reads only day-first,
    one that reads only month-first, one that reads both ways.
    """

    dayfirst: tuple[object, str, str] | None = None
    monthfirst: tuple[object, str, str] | None = None
    either: tuple[object, str, str] | None = None

    def add(self, texts: np.ndarray, rows: pd.Index, column: str) -> None:
        """Look at one column of text cells (None where empty), rows named by ``rows``."""
        present = np.flatnonzero(~pd.isna(texts))
        if not len(present):
            return
        codes, uniques = pd.factorize(texts[present])
        for code, value in enumerate(uniques):
            text = str(value)
            if not _NUMERIC.fullmatch(text.strip()):
                continue  # only d/m/y numbers can be ambiguous: a cheap test before parsing
            written = parse(text)
            if written is None or not (written.numeric or written.only):
                continue
            first = present[np.argmax(codes == code)]
            found = (rows[first], column, str(text))
            if written.numeric:
                self.either = self.either or found
            elif written.only == DAYFIRST:
                self.dayfirst = self.dayfirst or found
            else:
                self.monthfirst = self.monthfirst or found

    def decided(self) -> str | None:
        """The order the values seen so far agree on, or None while they leave it open."""
        if self.dayfirst and not self.monthfirst:
            return DAYFIRST
        if self.monthfirst and not self.dayfirst:
            return MONTHFIRST
        return None

    def check(self, what: str) -> None:
        """Raise DateOrderError when the values seen so far need two different orders."""
        if self.dayfirst and self.monthfirst:
            (r1, c1, v1), (r2, c2, v2) = self.dayfirst, self.monthfirst
            raise DateOrderError(
                f"{what}, column {c1}: the dates mix two orders: row {r1} {v1!r} can only be "
                f"day-first, but row {r2}{'' if c2 == c1 else f' ({c2})'} {v2!r} can only be "
                f"month-first; correct the rows, or {HINT} to refuse the rows that do not fit it"
            )

    def order(self, what: str) -> str:
        """The file's order once every value has been seen; raises when it cannot be told."""
        self.check(what)
        decided = self.decided()
        if decided:
            return decided
        if self.either:
            row, column, text = self.either
            written = parse(text)
            a, b = (
                _day_name(written.year, written.second, written.first),
                _day_name(written.year, written.first, written.second),
            )
            raise DateOrderError(
                f"{what}, column {column}: its dates give day and month as numbers that read "
                f"both ways (row {row}: {text!r} is {a} or {b}), so the file does not say which "
                f"comes first; {HINT}"
            )
        return AUTO


def _day_name(year: int, month: int, day: int) -> str:
    return f"{day} {_MONTH_NAMES[month - 1].capitalize()} {year}"


def file_order(columns: dict[str, np.ndarray], rows: pd.Index, *, what: str) -> str:
    """The order of one whole input's date columns (name -> text cells); see :class:`Evidence`."""
    evidence = Evidence()
    for name, texts in columns.items():
        evidence.add(texts, rows, name)
    return evidence.order(what)


# --- reading a column -----------------------------------------------------------------------------
def read(texts: np.ndarray, order: str = AUTO) -> Dates:
    """Text cells (None where empty) read as dates in ``order`` (see the module docstring).

    With ``AUTO``, a value that reads both ways is not a date: callers decide the order of the
    file first (:func:`file_order`) and pass it in.
    """
    if order not in ORDERS and "%" not in order:
        raise InputError(
            f"{order!r} is not a date format: write it with strptime codes, e.g. %m/%d/%Y"
        )
    n = len(texts)
    start, end = np.full(n, _NAT), np.full(n, _NAT)
    precision, why = np.full(n, np.nan), np.full(n, None, dtype=object)
    present = np.flatnonzero(~pd.isna(texts))
    if not len(present):
        return Dates(start, end, precision, why)
    codes, uniques = pd.factorize(texts[present])
    read_one = _strptime_reader(order) if order not in ORDERS else _reader(order)
    table = [read_one(str(u)) for u in uniques]
    u_start = np.array([t[0] for t in table], dtype="datetime64[ns]")
    u_end = np.array([t[1] for t in table], dtype="datetime64[ns]")
    u_precision = np.array([t[2] for t in table], dtype="float64")
    u_why = np.array([t[3] for t in table], dtype=object)
    start[present], end[present] = u_start[codes], u_end[codes]
    precision[present], why[present] = u_precision[codes], u_why[codes]
    return Dates(start, end, precision, why)


_Read = tuple[np.datetime64, np.datetime64, float, str | None]
_NOT_READ: _Read = (_NAT, _NAT, np.nan, None)


def _reader(order: str):
    def read_one(text: str) -> _Read:
        written = parse(text)
        if written is None:
            return _NOT_READ
        if written.numeric:
            if order == AUTO:
                return (
                    _NAT,
                    _NAT,
                    np.nan,
                    f"is not a date until the file's order is known; {HINT}",
                )
            a, b = written.first, written.second
            month, day = (b, a) if order == DAYFIRST else (a, b)
            return _as_read(Written(written.year, month, day))
        if order != AUTO and written.only and written.only != order:
            wanted = "day-first" if order == DAYFIRST else "month-first"
            return (_NAT, _NAT, np.nan, f"is not a date read {wanted} (--{order})")
        return _as_read(written)

    return read_one


def _strptime_reader(fmt: str):
    has_day = any(d in fmt for d in ("%d", "%j", "%-d"))
    has_month = has_day or any(d in fmt for d in ("%m", "%b", "%B", "%-m"))

    def read_one(text: str) -> _Read:
        try:
            when = datetime.strptime(text.strip(), fmt)
        except ValueError:
            return (_NAT, _NAT, np.nan, f"does not match the date format {fmt!r}")
        if not _plausible(when.year):
            return _NOT_READ
        written = Written(
            when.year, when.month if has_month else None, when.day if has_day else None
        )
        return _as_read(written)

    return read_one


def _as_read(written: Written) -> _Read:
    """First day, last day of the span (NaT for one day) and implied precision (NaN for a day)."""
    year, month, day = written.year, written.first, written.second
    if day is not None:
        return (np.datetime64(date(year, month, day), "ns"), _NAT, np.nan, None)
    if month is not None:
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    else:
        first, last = date(year, 1, 1), date(year, 12, 31)
    return (np.datetime64(first, "ns"), np.datetime64(last, "ns"), float(SPAN_PRECISION), None)
