"""Dates in news text, resolved against the report's dateline.

>>> import datetime as dt
>>> from geo.extract import dates
>>> m = dates.resolve("سقطت صواريخ ليل السبت - الأحد", dateline=dt.datetime(2022, 10, 23, 6, 52))
>>> m.event_date, m.event_date_end, m.time_precision
(datetime.date(2022, 10, 22), datetime.date(2022, 10, 23), 1)

Our own rules come first; they cover what Arabic and English conflict reporting uses:
today / yesterday / last night / this morning, «اليوم» «أمس» «البارحة» «فجر اليوم» «مساء أمس»,
weekdays («يوم السبت», "on Saturday", "last Saturday"), nights across midnight
(«ليل السبت - الأحد», "overnight Saturday into Sunday"), "N days ago" / «منذ يومين», explicit
dates with English, Levantine («تشرين الأول»), Egyptian («أكتوبر») or Maghrebi month names,
numeric dates, Arabic-Indic digits, and month-only or week-only expressions.

Choices (ACLED's ``time_precision``: 1 day, 2 week, 3 month):

- A night across midnight is recorded as ``event_date`` = the evening's day and
  ``event_date_end`` = the next day, precision 1: the event is known to the night, which
  touches two calendar days, and the span keeps both. «ليل السبت - الأحد» in a Sunday
  report is 22 -> 23 Oct 2022. "Last night" and «ليلة أمس» are read the same way.
- «ليلة الأحد» (night + one weekday) follows Arabic usage: the night *before* Sunday,
  i.e. Saturday -> Sunday. «ليل السبت» / «مساء السبت» / "Saturday night" are the night
  *of* Saturday (Saturday -> Sunday for "night", Saturday alone for "evening").
- A weekday names the latest such day on or before the dateline ("last Saturday" and
  «السبت الماضي» the latest strictly before it).
- A date without a year takes the dateline's year, or the year before when that would put
  it more than two days after the dateline.
- Weeks run Monday to Sunday; "last week" spans the previous one (precision 2). A month
  without a day spans the whole month (precision 3). A bare year ("in 2017", «عام 2017»)
  is returned with ``rule="year"`` so callers can tell history from the event date.

``dateparser``, when installed, is tried only for sentences our rules find nothing in and
only on explicit-looking dates (a month name or a digit run), since it misreads relative
Arabic expressions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from geo.extract._spans import NormText, is_arabic, normalise


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A resolved date expression; ``start``/``end`` index the original text."""

    event_date: dt.date
    event_date_end: dt.date | None
    time_precision: int
    start: int
    end: int
    text: str
    rule: str


# --- vocabulary, folded the way geo.extract._spans.normalise folds text (ا ي ه, Western digits) ---

_AR_WEEKDAYS = {
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}
_EN_WEEKDAYS = {
    name: i
    for i, name in enumerate(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    )
}
_AR_MONTHS = {
    # Levantine / Iraqi
    "كانون الثاني": 1,
    "شباط": 2,
    "اذار": 3,
    "نيسان": 4,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "اب": 8,
    "ايلول": 9,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Egyptian / Gulf
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "ابريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "اغسطس": 8,
    "سبتمبر": 9,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Maghrebi
    "جانفي": 1,
    "فيفري": 2,
    "افريل": 4,
    "ماي": 5,
    "جوان": 6,
    "جويليه": 7,
    "اوت": 8,
}
_EN_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
# Counts written as words, three to ten (folded Arabic, English two to ten): days ago here,
# the dead and wounded in geo.extract.pipeline, each adding the words of its own sentences.
AR_COUNT_WORDS = {
    "ثلاثه": 3,
    "اربعه": 4,
    "خمسه": 5,
    "سته": 6,
    "سبعه": 7,
    "ثمانيه": 8,
    "تسعه": 9,
    "عشره": 10,
}
EN_COUNT_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_AR_NUMBERS = {"يومين": 2, "يوم": 1, **AR_COUNT_WORDS}
_EN_NUMBERS = {"a": 1, "one": 1, **EN_COUNT_WORDS}


def _alt(words) -> str:
    return "|".join(
        sorted((re.escape(w).replace(r"\ ", r"\s+") for w in words), key=len, reverse=True)
    )


_B = r"(?<!\w)"  # word start
_E = r"(?!\w)"  # word end
_AR_WD = rf"(?:[وف]?[بل]?ال)(?P<wd>{_alt(w[2:] for w in _AR_WEEKDAYS)})"
_AR_WD2 = rf"(?:ال)?(?P<wd2>{_alt(w[2:] for w in _AR_WEEKDAYS)})"
_AR_MON = rf"(?P<mon>{_alt(_AR_MONTHS)})(?:\s*[/(\-]\s*(?:{_alt(_AR_MONTHS)})\s*\)?)?"
_EN_WD = rf"(?P<wd>{_alt(_EN_WEEKDAYS)})"
_EN_WD2 = rf"(?P<wd2>{_alt(_EN_WEEKDAYS)})"
_EN_MON = rf"(?P<mon>{_alt(_EN_MONTHS)})\.?"
_DAY = r"(?P<day>[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_AR_TIME_OF_DAY = r"(?:فجر|صباح|صبيحه|ظهر|ظهيره|عصر|مساء|ليل|ليله|منتصف\s+ليل|منتصف\s+ليله)"

# (rule name, pattern) in priority order: a longer match wins over a shorter overlapping one,
# and on equal length the earlier rule wins.
_AR_RULES: list[tuple[str, str]] = [
    (
        "night_pair",
        rf"{_B}(?:خلال\s+|في\s+)?(?:ليل|ليله)\s+(?:يوم\s+)?{_AR_WD}\s*(?:[-–/،,]|علي|الي|و)?\s*(?:علي\s+|الي\s+)?{_AR_WD2}{_E}",
    ),
    ("numeric_iso", rf"{_B}{_YEAR}[-/.](?P<m>[01]?\d)[-/.]{_DAY}{_E}"),
    ("numeric_dmy", rf"{_B}{_DAY}[-/.](?P<m>[01]?\d)[-/.]{_YEAR}{_E}"),
    (
        "day_month",
        rf"{_B}(?:{_AR_TIME_OF_DAY}\s+)?(?:يوم\s+)?(?:{_AR_WD}\s*[،,]?\s*)?(?:في\s+)?{_DAY}\s+(?:من\s+)?(?:شهر\s+)?{_AR_MON}(?:\s*[،,]?\s*(?:من\s+)?(?:عام\s+|سنه\s+)?{_YEAR})?{_E}",
    ),
    (
        "month_year",
        rf"{_B}(?:شهر\s+)?{_AR_MON}\s+(?:من\s+)?(?:عام\s+|سنه\s+)?{_YEAR}{_E}",
    ),
    ("year", rf"{_B}(?:عام|سنه|العام)\s+{_YEAR}{_E}"),
    ("day_before_yesterday", rf"{_B}(?:اول\s+من\s+امس|اول\s+امس){_E}"),
    (
        "last_night",
        rf"{_B}(?:ليل|ليله|منتصف\s+ليل|منتصف\s+ليله)\s+(?:امس|البارحه)(?:\s+الاول)?{_E}|{_B}الليله\s+الماضيه{_E}",
    ),
    (
        "yesterday",
        rf"{_B}(?:{_AR_TIME_OF_DAY}\s+)?(?:يوم\s+)?(?:[وف]?(?:ب|ل)?الامس|[وف]?امس|[وف]?البارحه){_E}",
    ),
    (
        "today",
        rf"{_B}(?:{_AR_TIME_OF_DAY}\s+)?(?:[وف]?اليوم){_E}(?!\s+(?:التالي|الذي|السابق))",
    ),
    (
        "days_ago",
        rf"{_B}(?:منذ|قبل)\s+(?:(?P<n>\d+)\s+ايام|(?P<nw>{_alt(_AR_NUMBERS)})(?:\s+ايام)?){_E}",
    ),
    ("night_of", rf"{_B}(?P<tod>ليله)\s+(?:يوم\s+)?{_AR_WD}{_E}"),
    (
        "weekday",
        rf"{_B}(?:(?P<tod>{_AR_TIME_OF_DAY})\s+)?(?:يوم\s+)?{_AR_WD}(?P<last>\s+(?:الماضي|المنصرم|الفائت))?{_E}",
    ),
    ("last_week", rf"{_B}(?:الاسبوع|خلال\s+الاسبوع)\s+(?:الماضي|المنصرم|الفائت){_E}"),
    (
        "this_week",
        rf"{_B}(?:هذا\s+الاسبوع|الاسبوع\s+الجاري|الاسبوع\s+الحالي|مطلع\s+الاسبوع){_E}",
    ),
    ("last_month", rf"{_B}الشهر\s+(?:الماضي|المنصرم|الفائت){_E}"),
    ("this_month", rf"{_B}(?:هذا\s+الشهر|الشهر\s+الجاري|الشهر\s+الحالي){_E}"),
]
_EN_RULES: list[tuple[str, str]] = [
    (
        "night_pair",
        rf"{_B}(?:on\s+)?(?:the\s+)?(?:night\s+(?:of|between)\s+|overnight\s+(?:from\s+)?)?{_EN_WD}(?:\s*(?:-|–|/|to|into|and)\s*|\s+night\s+(?:to|into)\s+){_EN_WD2}(?:\s+night)?{_E}",
    ),
    ("numeric_iso", rf"{_B}{_YEAR}[-/.](?P<m>[01]?\d)[-/.]{_DAY}{_E}"),
    ("numeric_dmy", rf"{_B}{_DAY}[-/.](?P<m>[01]?\d)[-/.]{_YEAR}{_E}"),
    (
        "day_month",
        rf"{_B}(?:(?:on\s+)?{_EN_WD},?\s+)?(?:the\s+)?{_DAY}(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MON},?(?:\s+{_YEAR})?{_E}",
    ),
    (
        "month_day",
        rf"{_B}(?:(?:on\s+)?{_EN_WD},?\s+)?{_EN_MON}\s+{_DAY}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?{_E}",
    ),
    (
        "month_year",
        rf"{_B}(?:(?:early|mid|late)[-\s]+)?{_EN_MON}\s+(?:of\s+)?{_YEAR}{_E}",
    ),
    ("year", rf"{_B}(?:in|since|of|during)\s+{_YEAR}{_E}"),
    ("day_before_yesterday", rf"{_B}the\s+day\s+before\s+yesterday{_E}"),
    (
        "last_night",
        rf"{_B}(?:last\s+night|overnight|late\s+yesterday|during\s+the\s+night|in\s+the\s+early\s+hours(?:\s+of\s+(?:today|this\s+morning))?){_E}",
    ),
    ("yesterday", rf"{_B}yesterday(?:\s+(?:morning|afternoon|evening))?{_E}"),
    (
        "today",
        rf"{_B}(?:today|this\s+(?:morning|afternoon|evening)|earlier\s+today|tonight|at\s+dawn\s+today){_E}",
    ),
    ("days_ago", rf"{_B}(?:(?P<n>\d+)|(?P<nw>{_alt(_EN_NUMBERS)}))\s+days?\s+ago{_E}"),
    (
        "weekday",
        rf"{_B}(?P<last>last\s+)?(?:on\s+)?{_EN_WD}(?:\s+(?P<tod>morning|afternoon|evening|night))?{_E}",
    ),
    ("last_week", rf"{_B}last\s+week{_E}"),
    ("this_week", rf"{_B}(?:this\s+week|earlier\s+this\s+week){_E}"),
    ("last_month", rf"{_B}last\s+month{_E}"),
    ("this_month", rf"{_B}(?:this\s+month|earlier\s+this\s+month){_E}"),
    ("month_only", rf"{_B}(?:in\s+|early\s+|mid[-\s]|late\s+)(?:{_EN_MON}){_E}"),
]
_COMPILED = {
    "ar": [(name, re.compile(p)) for name, p in _AR_RULES],
    "en": [(name, re.compile(p, re.IGNORECASE)) for name, p in _EN_RULES],
}
# Weekday names that are also ordinary words need a cue (يوم, a time of day, الماضي, a date).
_AMBIGUOUS_AR_WEEKDAYS = {"اثنين", "احد"}


def _weekday(match: re.Match[str], group: str, lang: str) -> int:
    word = match.group(group).lower()
    return _AR_WEEKDAYS["ال" + word] if lang == "ar" else _EN_WEEKDAYS[word]


def _latest(day: dt.date, weekday: int, *, strictly_before: bool = False) -> dt.date:
    delta = (day.weekday() - weekday) % 7
    if strictly_before and delta == 0:
        delta = 7
    return day - dt.timedelta(days=delta)


def _month_number(word: str, lang: str) -> int:
    word = " ".join(word.lower().rstrip(".").split())
    return _AR_MONTHS[word] if lang == "ar" else _EN_MONTHS[word]


def _infer_year(day: dt.date, month: int, dom: int) -> int:
    year = day.year
    try:
        if dt.date(year, month, dom) > day + dt.timedelta(days=2):
            year -= 1
    except ValueError:
        pass
    return year


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _interpret(
    rule: str, m: re.Match[str], day: dt.date, lang: str
) -> tuple[dt.date, dt.date | None, int] | None:
    """(event_date, event_date_end, precision) for one rule match, or None if it is no date."""
    one = dt.timedelta(days=1)
    g = m.groupdict()
    if rule == "night_pair":
        wd1, wd2 = _weekday(m, "wd", lang), _weekday(m, "wd2", lang)
        gap = (wd2 - wd1) % 7 or 7
        end = _latest(day, wd2)
        return end - dt.timedelta(days=gap), end, 1
    if rule in ("numeric_iso", "numeric_dmy", "day_month", "month_day"):
        month = int(g["m"]) if g.get("m") else _month_number(g["mon"], lang)
        dom = int(g["day"])
        year = int(g["year"]) if g.get("year") else _infer_year(day, month, dom)
        if rule == "numeric_dmy" and month > 12 and dom <= 12:  # month-first (US style)
            month, dom = dom, month
        try:
            return dt.date(year, month, dom), None, 1
        except ValueError:
            return None
    if rule == "month_year":
        start, end = _month_span(int(g["year"]), _month_number(g["mon"], lang))
        return start, end, 3
    if rule == "month_only":
        month = _month_number(g["mon"], lang)
        year = day.year if month <= day.month else day.year - 1
        start, end = _month_span(year, month)
        return start, end, 3
    if rule == "year":
        year = int(g["year"])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), 3
    if rule == "day_before_yesterday":
        return day - 2 * one, None, 1
    if rule == "last_night":
        return day - one, day, 1
    if rule == "yesterday":
        return day - one, None, 1
    if rule == "today":
        return day, None, 1
    if rule == "days_ago":
        n = (
            int(g["n"])
            if g.get("n")
            else (_AR_NUMBERS if lang == "ar" else _EN_NUMBERS)[g["nw"].lower()]
        )
        return day - n * one, None, 1
    if rule == "night_of":
        wd = _weekday(m, "wd", lang)
        end = _latest(day, wd)
        return end - one, end, 1
    if rule == "weekday":
        word = m.group("wd").lower()
        tod = (g.get("tod") or "").lower()
        if (
            lang == "ar"
            and word in _AMBIGUOUS_AR_WEEKDAYS
            and not (tod or g.get("last") or "يوم" in m.group())
        ):
            return None
        start = _latest(day, _weekday(m, "wd", lang), strictly_before=bool(g.get("last")))
        if tod in ("night", "ليل"):
            return start, start + one, 1
        return start, None, 1
    if rule in ("last_week", "this_week"):
        monday = day - dt.timedelta(days=day.weekday())
        if rule == "last_week":
            monday -= 7 * one
        return monday, min(monday + 6 * one, day), 2
    if rule in ("last_month", "this_month"):
        first = day.replace(day=1)
        if rule == "last_month":
            first = (first - one).replace(day=1)
        start, end = _month_span(first.year, first.month)
        return start, min(end, day), 3
    raise AssertionError(f"unknown date rule {rule}")


def find(nt: NormText, *, dateline: dt.date | dt.datetime, lang: str) -> list[DateMatch]:
    """Every date expression in an already normalised text, in order, without overlaps."""
    day = dateline.date() if isinstance(dateline, dt.datetime) else dateline
    candidates: list[tuple[int, int, int, str, re.Match[str]]] = []
    for priority, (rule, pattern) in enumerate(_COMPILED[lang]):
        for m in pattern.finditer(nt.norm):
            candidates.append((m.start(), -(m.end() - m.start()), priority, rule, m))
    candidates.sort(key=lambda c: (c[1], c[2], c[0]))  # longest first, then rule priority
    taken: list[DateMatch] = []
    used: list[tuple[int, int]] = []
    for start_n, _neg_len, _prio, rule, m in candidates:
        end_n = m.end()
        if any(start_n < b and a < end_n for a, b in used):
            continue
        value = _interpret(rule, m, day, lang)
        if value is None:
            continue
        start, end = nt.span(start_n, end_n)
        used.append((start_n, end_n))
        taken.append(
            DateMatch(value[0], value[1], value[2], start, end, nt.original[start:end], rule)
        )
    taken.sort(key=lambda d: d.start)
    return taken


def find_all(text: str, *, dateline: dt.date | dt.datetime, lang: str = "auto") -> list[DateMatch]:
    """Every date expression in ``text`` resolved against ``dateline``, in text order."""
    if lang == "auto":
        lang = "ar" if is_arabic(text) else "en"
    found = find(normalise(text), dateline=dateline, lang=lang)
    if not found:
        found = _fallback(text, dateline=dateline)
    return found


def resolve(text: str, *, dateline: dt.date | dt.datetime, lang: str = "auto") -> DateMatch | None:
    """The first date expression in ``text`` (an expression or a whole sentence), or None.

    Parameters
    ----------
    text
        Arabic or English; Arabic-Indic digits are read as digits.
    dateline
        When the report was published; relative expressions count from its calendar day
        (pass a timezone-aware datetime in the report's own zone).
    lang
        "ar", "en" or "auto".
    """
    found = find_all(text, dateline=dateline, lang=lang)
    return found[0] if found else None


_EXPLICIT_LOOKING = re.compile(
    r"\d|" + "|".join(n for n in _EN_MONTHS if len(n) > 3), re.IGNORECASE
)


def _fallback(text: str, *, dateline: dt.date | dt.datetime) -> list[DateMatch]:
    """dateparser's reading of explicit-looking dates our rules missed (only if installed)."""
    if not _EXPLICIT_LOOKING.search(text):
        return []
    try:  # optional and heavy: imported on demand
        from dateparser.search import search_dates
    except ImportError:
        return []
    base = (
        dateline
        if isinstance(dateline, dt.datetime)
        else dt.datetime.combine(dateline, dt.time(12))
    )
    settings = {"RELATIVE_BASE": base.replace(tzinfo=None), "PREFER_DATES_FROM": "past"}
    found = []
    for phrase, value in search_dates(text, settings=settings) or []:
        if not any(ch.isdigit() for ch in phrase):
            continue  # bare words ("now", "may") are what it misreads most
        start = text.find(phrase)
        found.append(
            DateMatch(value.date(), None, 1, start, start + len(phrase), phrase, "dateparser")
        )
    return found
