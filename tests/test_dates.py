"""Dates as files write them: the day stored is the day written, never a swapped or shifted one.

An analyst's file writes 10/05/2022 meaning one day; conflictmap either stores that day, or says
it cannot tell which day is meant and how to say so. It never picks one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_event
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import dates as D
from geo import schema as S
from geo.cli.main import main
from geo.errors import ValidationError
from geo.importer import import_file
from geo.store import GeoPackageStore

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def frame_of(*dates: str, **fields: object) -> pd.DataFrame:
    frame = pd.DataFrame(
        [make_event(event_id=f"D-{i}", event_date=d, **fields) for i, d in enumerate(dates, 1)]
    )
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


def stored_days(*dates: str, order: str = D.AUTO, **fields: object) -> list[str]:
    events = S.validate(frame_of(*dates, **fields), now=NOW, dates=order)
    return [d.strftime("%Y-%m-%d") for d in events[S.EVENT_DATE]]


HEADER = (
    "event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,"
    "longitude,geo_precision,source,notes\n"
)


def handcoded_csv(tmp_path: Path, *dates: str) -> Path:
    rows = [
        f"{d},1,Battles,Armed clash,Some Militia,Syria,Mayadin,35.0198,40.4515,1,Outlet,Row {i}\n"
        for i, d in enumerate(dates)
    ]
    path = tmp_path / "batch.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


# --- the order of day and month -------------------------------------------------------------------
def test_a_month_first_file_is_refused_naming_the_column_not_stored_swapped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The analyst meant 5 October and 6 November; both days also read as 10 May and 11 June.
    path = handcoded_csv(tmp_path, "10/05/2022", "11/06/2022")
    store = tmp_path / "s.gpkg"
    assert main(["--store", str(store), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "column event_date" in err and "'10/05/2022' is 10 May 2022 or 5 October 2022" in err
    assert "--dayfirst, --monthfirst or --date-format" in err
    assert len(GeoPackageStore(store).load()) == 0


def test_skip_bad_does_not_store_an_ambiguous_file_either(tmp_path: Path) -> None:
    path = handcoded_csv(tmp_path, "10/05/2022", "11/06/2022")
    store = GeoPackageStore(tmp_path / "s.gpkg")
    with pytest.raises(D.DateOrderError, match="column event_date"):
        import_file(path, store=store, skip_bad=True)
    assert len(store.load()) == 0


def test_monthfirst_reads_the_file_as_the_analyst_wrote_it(tmp_path: Path) -> None:
    path = handcoded_csv(tmp_path, "10/05/2022", "11/06/2022")
    store = tmp_path / "s.gpkg"
    assert main(["--store", str(store), "import", str(path), "--monthfirst"]) == 0
    days = sorted(GeoPackageStore(store).load()[S.EVENT_DATE].dt.strftime("%Y-%m-%d"))
    assert days == ["2022-10-05", "2022-11-06"]


def test_add_takes_the_same_order_options(tmp_path: Path) -> None:
    path = handcoded_csv(tmp_path, "10/05/2022", "11/06/2022")
    store = tmp_path / "s.gpkg"
    assert main(["--store", str(store), "add", str(path)]) == 2
    assert main(["--store", str(store), "add", str(path), "--date-format", "%m/%d/%Y"]) == 0
    days = sorted(GeoPackageStore(store).load()[S.EVENT_DATE].dt.strftime("%Y-%m-%d"))
    assert days == ["2022-10-05", "2022-11-06"]


def test_one_day_above_12_settles_the_order_of_the_whole_file(tmp_path: Path) -> None:
    # Row 2 alone reads both ways; row 6 (far into the file, another chunk) can only be day-first.
    path = handcoded_csv(
        tmp_path, "10/05/2022", "11/05/2022", "01/06/2022", "02/06/2022", "25/06/2022"
    )
    store = GeoPackageStore(tmp_path / "s.gpkg")
    import_file(path, store=store, chunk_rows=2)
    days = sorted(store.load()[S.EVENT_DATE].dt.strftime("%Y-%m-%d"))
    assert days == ["2022-05-10", "2022-05-11", "2022-06-01", "2022-06-02", "2022-06-25"]


def test_a_file_mixing_both_orders_is_refused_naming_a_row_of_each(tmp_path: Path) -> None:
    # Before, only row 3 was refused, and with --skip-bad row 2 went in as 13 May.
    path = handcoded_csv(tmp_path, "13/05/2022", "05/14/2022", "01/02/2022")
    store = GeoPackageStore(tmp_path / "s.gpkg")
    with pytest.raises(D.DateOrderError) as caught:
        import_file(path, store=store, skip_bad=True, chunk_rows=1)
    assert "row 2 '13/05/2022' can only be day-first" in str(caught.value)
    assert "row 3 '05/14/2022' can only be month-first" in str(caught.value)
    assert len(store.load()) == 0


def test_with_an_order_given_the_rows_that_do_not_fit_it_are_named(tmp_path: Path) -> None:
    path = handcoded_csv(tmp_path, "13/05/2022", "05/14/2022")
    with pytest.raises(ValidationError) as caught:
        import_file(path, store=GeoPackageStore(tmp_path / "s.gpkg"), dates=D.DAYFIRST)
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column event_date: '05/14/2022' is not a date read day-first (--dayfirst)"
    ]


def test_a_date_format_refuses_what_does_not_match_it() -> None:
    with pytest.raises(ValidationError, match=r"'2022-10-05' does not match the date format"):
        stored_days("10.05.2022", "2022-10-05", order="%m.%d.%Y")
    assert stored_days("10.05.2022", order="%m.%d.%Y") == ["2022-10-05"]


def test_the_same_number_for_day_and_month_needs_no_order() -> None:
    assert stored_days("05/05/2022", "10/10/2022") == ["2022-05-05", "2022-10-10"]


# --- partial and zoned dates ----------------------------------------------------------------------
def test_a_year_is_stored_as_the_years_span_with_the_coarsest_precision() -> None:
    event = S.validate(frame_of("2022", time_precision=None), now=NOW).iloc[0]
    assert (event[S.EVENT_DATE], event[S.EVENT_DATE_END], event[S.TIME_PRECISION]) == (
        pd.Timestamp("2022-01-01"),
        pd.Timestamp("2022-12-31"),
        3,
    )


def test_a_month_is_stored_as_the_months_span_with_precision_3() -> None:
    event = S.validate(frame_of("2022-10", time_precision=None), now=NOW).iloc[0]
    assert (event[S.EVENT_DATE], event[S.EVENT_DATE_END], event[S.TIME_PRECISION]) == (
        pd.Timestamp("2022-10-01"),
        pd.Timestamp("2022-10-31"),
        3,
    )


def test_a_month_written_with_the_day_precision_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        S.validate(frame_of("2022-10", time_precision=1), now=NOW)
    assert [str(p) for p in caught.value.problems] == [
        "row 1, column time_precision: 1 (the exact day) is finer than the date, which names "
        "only a month or a year; write 3 or give the day"
    ]


def test_a_zoned_time_is_the_local_day_of_the_report_never_utc() -> None:
    # 01:00 in Damascus is 22:00 the day before in UTC: the report's day is the 22nd.
    assert stored_days("2022-10-22T01:00:00+03:00") == ["2022-10-22"]
    assert stored_days("2022-10-22T23:30:00-05:00") == ["2022-10-22"]


def test_a_span_of_this_month_ends_today_not_in_the_future() -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)
    event = S.validate(frame_of("2026-01", time_precision=None), now=now).iloc[0]
    assert event[S.EVENT_DATE_END] == pd.Timestamp("2026-01-10")


# --- every accepted form, as a property -----------------------------------------------------------
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31))
cases = st.sampled_from([str.lower, str.upper, str.title])


def _zone(offset_minutes: int) -> str:
    if offset_minutes == 0:
        return "Z"
    sign = "+" if offset_minutes > 0 else "-"
    h, m = divmod(abs(offset_minutes), 60)
    return f"{sign}{h:02}:{m:02}"


@st.composite
def day_written(draw: st.DrawFn) -> tuple[str, date, str]:
    """A day in one of the accepted day forms, the day meant, and the order its numbers need."""
    d = draw(days)
    month = MONTHS[d.month - 1]
    case = draw(cases)
    yy = f"{d.year % 100:02}"
    sep = draw(st.sampled_from("/-."))
    zone = _zone(draw(st.integers(-12 * 60, 14 * 60).map(lambda m: m - m % 15)))
    clock = f"{draw(st.integers(0, 23)):02}:{draw(st.integers(0, 59)):02}:00"
    forms = [
        (d.isoformat(), D.AUTO),
        (d.strftime("%Y/%m/%d"), D.AUTO),
        (d.strftime("%Y.%m.%d"), D.AUTO),
        (d.strftime("%Y%m%d"), D.AUTO),
        (f"{d.isoformat()}T{clock}{zone}", D.AUTO),
        (f"{d.isoformat()} {clock}.000", D.AUTO),
        (case(f"{d.day:02} {month} {d.year}"), D.AUTO),
        (case(f"{d.day} {month[:3]} {d.year}"), D.AUTO),
        (case(f"{d.day}-{month[:3]}-{yy}"), D.AUTO),
        (case(f"{d.day}-{month}-{d.year}"), D.AUTO),
        (case(f"{month} {d.day}, {d.year}"), D.AUTO),
        (f"{d.day:02}{sep}{d.month:02}{sep}{d.year}", D.DAYFIRST),
        (f"{d.month}{sep}{d.day}{sep}{d.year}", D.MONTHFIRST),
        (f"{d.month}/{d.day}/{d.year} {clock[:5]}", D.MONTHFIRST),
        (f"{d.day:02}{sep}{d.month:02}{sep}{yy}", D.DAYFIRST),
        (f"{d.month:02}{sep}{d.day:02}{sep}{yy}", D.MONTHFIRST),
        (str((d - date(1899, 12, 30)).days), D.AUTO),
    ]
    text, order = draw(st.sampled_from(forms))
    return text, d, order


@given(day_written())
@settings(max_examples=300, deadline=None)
def test_every_day_form_stores_the_day_written_at_day_precision(
    case: tuple[str, date, str],
) -> None:
    text, meant, order = case
    event = S.validate(frame_of(text, time_precision=1), now=NOW, dates=order).iloc[0]
    assert event[S.EVENT_DATE] == pd.Timestamp(meant), text
    assert pd.isna(event[S.EVENT_DATE_END]) and event[S.TIME_PRECISION] == 1


@st.composite
def span_written(draw: st.DrawFn) -> tuple[str, date, date]:
    """A month or a year in one of the accepted forms, and its first and last day."""
    d = draw(days)
    month = MONTHS[d.month - 1]
    first_of_next = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    forms = [
        (f"{d.year}-{d.month:02}", date(d.year, d.month, 1), first_of_next - timedelta(days=1)),
        (f"{d.year}/{d.month}", date(d.year, d.month, 1), first_of_next - timedelta(days=1)),
        (draw(cases)(f"{month} {d.year}"), date(d.year, d.month, 1),
         first_of_next - timedelta(days=1)),
        (str(d.year), date(d.year, 1, 1), date(d.year, 12, 31)),
    ]  # fmt: skip
    return draw(st.sampled_from(forms))


@given(span_written())
@settings(max_examples=150, deadline=None)
def test_a_month_or_year_form_stores_its_span_at_month_precision(
    case: tuple[str, date, date],
) -> None:
    text, first, last = case
    event = S.validate(frame_of(text, time_precision=None), now=NOW).iloc[0]
    assert (event[S.EVENT_DATE], event[S.EVENT_DATE_END]) == (
        pd.Timestamp(first),
        pd.Timestamp(last),
    )
    assert event[S.TIME_PRECISION] == D.SPAN_PRECISION


@given(
    st.lists(days, min_size=1, max_size=12),
    st.sampled_from([D.DAYFIRST, D.MONTHFIRST]),
    st.sampled_from("/-."),
)
@settings(max_examples=200, deadline=None)
def test_a_column_is_stored_as_written_or_refused_never_guessed(
    meant: list[date], written_order: str, sep: str
) -> None:
    def numeric(d: date) -> str:
        a, b = (d.day, d.month) if written_order == D.DAYFIRST else (d.month, d.day)
        return f"{a:02}{sep}{b:02}{sep}{d.year}"

    texts = [numeric(d) for d in meant]
    says_its_order = any(d.day > 12 for d in meant)
    reads_both_ways = any(d.day != d.month for d in meant)
    try:
        got = stored_days(*texts)
    except D.DateOrderError as refused:
        assert reads_both_ways and not says_its_order
        assert "column event_date" in str(refused)
        return
    assert says_its_order or not reads_both_ways
    assert got == [d.isoformat() for d in meant]


def test_a_date_format_without_strptime_codes_is_refused_before_reading(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = handcoded_csv(tmp_path, "10/05/2022")
    with pytest.raises(SystemExit):
        main(["--store", str(tmp_path / "s.gpkg"), "import", str(path), "--date-format", "mdY"])
    assert "'mdY' is not a date format; write it with strptime codes" in capsys.readouterr().err
