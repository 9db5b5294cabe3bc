"""Report-relative dates: what an analyst reads in the text, pinned to the dateline."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.extract import dates

# Sunday morning, Damascus: the founding report's dateline.
SUNDAY = dt.datetime(2022, 10, 23, 6, 52, tzinfo=dt.timezone(dt.timedelta(hours=3)))
D = dt.date


def resolved(text: str, dateline=SUNDAY) -> tuple[dt.date, dt.date | None, int]:
    m = dates.resolve(text, dateline=dateline)
    assert m is not None, f"no date found in {text!r}"
    return m.event_date, m.event_date_end, m.time_precision


def test_night_from_saturday_into_sunday_spans_both_days() -> None:
    assert resolved("سقطت صواريخ ليل السبت - الأحد قرب الحقل") == (
        D(2022, 10, 22),
        D(2022, 10, 23),
        1,
    )


def test_night_pair_still_means_last_weekend_a_day_later() -> None:
    monday = SUNDAY + dt.timedelta(days=1)
    assert resolved("ليلة السبت على الأحد", dateline=monday) == (
        D(2022, 10, 22),
        D(2022, 10, 23),
        1,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قصفت الطائرات الموقع أمس", (D(2022, 10, 22), None, 1)),
        ("وقع الانفجار مساء أمس", (D(2022, 10, 22), None, 1)),
        ("سمعت انفجارات البارحة", (D(2022, 10, 22), None, 1)),
        ("هاجم مسلحون الحاجز فجر اليوم", (D(2022, 10, 23), None, 1)),
        ("اندلعت اشتباكات صباح اليوم", (D(2022, 10, 23), None, 1)),
        ("ليلة أمس", (D(2022, 10, 22), D(2022, 10, 23), 1)),
        ("أول أمس", (D(2022, 10, 21), None, 1)),
        ("يوم الخميس", (D(2022, 10, 20), None, 1)),
        ("الأحد الماضي", (D(2022, 10, 16), None, 1)),
        ("منذ ثلاثة أيام", (D(2022, 10, 20), None, 1)),
        ("ليلة الجمعة", (D(2022, 10, 20), D(2022, 10, 21), 1)),
    ],
)
def test_arabic_relative_expressions(text: str, expected) -> None:
    assert resolved(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rockets hit the base last night.", (D(2022, 10, 22), D(2022, 10, 23), 1)),
        ("The strike happened yesterday evening.", (D(2022, 10, 22), None, 1)),
        ("Clashes broke out this morning.", (D(2022, 10, 23), None, 1)),
        ("Gunmen attacked a checkpoint on Thursday.", (D(2022, 10, 20), None, 1)),
        ("It happened last Sunday.", (D(2022, 10, 16), None, 1)),
        (
            "Overnight Saturday into Sunday, drones struck.",
            (D(2022, 10, 22), D(2022, 10, 23), 1),
        ),
        ("on Saturday night", (D(2022, 10, 22), D(2022, 10, 23), 1)),
        ("two days ago", (D(2022, 10, 21), None, 1)),
        ("the day before yesterday", (D(2022, 10, 21), None, 1)),
    ],
)
def test_english_relative_expressions(text: str, expected) -> None:
    assert resolved(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "في 22 تشرين الأول 2022",
        "يوم السبت ٢٢ تشرين الأول",
        "السبت 22 أكتوبر/تشرين الأول",
        "22 أكتوبر 2022",
        "٢٢ اكتوبر",
        "on 22 October 2022",
        "October 22, 2022",
        "Oct. 22",
        "2022-10-22",
        "22/10/2022",
    ],
)
def test_explicit_dates_in_every_month_style(text: str) -> None:
    assert resolved(text) == (D(2022, 10, 22), None, 1)


def test_levantine_and_egyptian_months_agree() -> None:
    pairs = [("كانون الثاني", "يناير"), ("شباط", "فبراير"), ("آذار", "مارس"), ("نيسان", "أبريل"),
             ("أيار", "مايو"), ("حزيران", "يونيو"), ("تموز", "يوليو"), ("آب", "أغسطس"),
             ("أيلول", "سبتمبر"), ("تشرين الأول", "أكتوبر"), ("تشرين الثاني", "نوفمبر"),
             ("كانون الأول", "ديسمبر")]  # fmt: skip
    for month, (levant, egypt) in enumerate(pairs, start=1):
        assert resolved(f"5 {levant} 2021")[0] == D(2021, month, 5)
        assert resolved(f"5 {egypt} 2021")[0] == D(2021, month, 5)


def test_a_date_without_year_is_not_put_in_the_future() -> None:
    # 30 December read in an October report is last December
    assert resolved("30 كانون الأول") == (D(2021, 12, 30), None, 1)


def test_month_only_is_precision_three_spanning_the_month() -> None:
    assert resolved("في تشرين الأول 2022") == (D(2022, 10, 1), D(2022, 10, 31), 3)
    assert resolved("in October 2022") == (D(2022, 10, 1), D(2022, 10, 31), 3)


def test_last_week_is_precision_two() -> None:
    start, end, precision = resolved("خلال الأسبوع الماضي")
    assert precision == 2 and (end - start).days == 6 and end < D(2022, 10, 23)


def test_a_bare_year_is_marked_as_history() -> None:
    m = dates.resolve("منذ نهاية عام 2017", dateline=SUNDAY)
    assert m is not None and m.rule == "year" and m.event_date.year == 2017


def test_span_points_at_the_expression_in_the_original_text() -> None:
    text = "قالت مصادر إن الصواريخ سقطت، ليل السبت - الأحد، على القاعدة"
    m = dates.resolve(text, dateline=SUNDAY)
    assert text[m.start : m.end] == "ليل السبت - الأحد"


@pytest.mark.parametrize(
    "text",
    [
        "قتل أحد عناصر الحاجز",  # أحد = "one of", not Sunday
        "The sun set over the river.",
        "They may return.",
        "لم ترد معلومات إضافية",
    ],
)
def test_ordinary_words_are_not_dates(text: str) -> None:
    assert dates.resolve(text, dateline=SUNDAY) is None


def test_several_dates_in_order() -> None:
    found = dates.find_all("Clashes on Friday were followed by strikes yesterday.", dateline=SUNDAY)
    assert [m.event_date for m in found] == [D(2022, 10, 21), D(2022, 10, 22)]


def test_dateparser_fallback_reads_what_our_rules_leave() -> None:
    pytest.importorskip("dateparser")  # optional: only used when installed
    m = dates.resolve("Le 21 octobre 2022, des tirs ont eu lieu.", dateline=SUNDAY, lang="en")
    assert m is not None and m.rule == "dateparser" and m.event_date == D(2022, 10, 21)
