"""GDELT 2.0 events in: the 15-minute ``*.export.CSV`` files and the same rows exported from BigQuery.

Two shapes of the same 61 fields (GDELT 2.0 Event Codebook, table "EVENT TABLE"):

* the files GDELT publishes: tab-separated, **no header**, the 61 fields in the codebook's order
  (``GLOBALEVENTID`` ... ``DATEADDED``, ``SOURCEURL``), nothing quoted;
* a CSV **with a header**, as BigQuery writes ``gdelt-bq.gdeltv2.events`` (any subset of the
  columns that keeps the ones below; names matched without regard to case).

GDELT is machine-coded from news text and noisy: every imported row is a ``draft`` for review.

Which rows become events
------------------------
Only the rows an analyst of political violence needs, by their CAMEO code, through the table in
``data/gdelt_cameo.csv`` (each row with its source): the material-conflict roots 18 (assault),
19 (fight) and 20 (unconventional mass violence), and 145 (violent protest, riot). A code is
looked up whole (``1951``), then by its first three digits (``193``), then by its root (``19``).
Every other row is skipped and counted by reason, as are rows without an ActionGeo point and rows
placed only at a country's centroid (``ActionGeo_Type`` 1), which no map should show as a place.

=======================  =========================================================================
ours                     from GDELT
=======================  =========================================================================
event_id                 ``GDELT-<GLOBALEVENTID>``, so re-importing a file adds nothing
event_date               ``SQLDATE`` (YYYYMMDD), ``time_precision`` 1
event_type, sub_event_   ``EventCode`` through ``data/gdelt_cameo.csv``
actor1, actor2           ``Actor1Name``/``Actor2Name`` (else the CAMEO actor code); an empty actor1
                         is "Unidentified actor (GDELT)"
country, admin1,         ``ActionGeo_FullName`` ("Mayadin, Dayr az Zawr, Syria"): the last part is
location                 the country, the first the place, a middle one the admin1
latitude, longitude      ``ActionGeo_Lat``, ``ActionGeo_Long``
geo_precision            ``ActionGeo_Type``: 3 (US city) and 4 (world city) -> 1; 2 (US state) and
                         5 (world ADM1) -> 3; 1 (country) skipped
source, source_url       the host of ``SOURCEURL``; ``SOURCEURL`` itself when it is http(s)
tags                     ``gdelt cameo=...; gdelt goldstein=...; gdelt mentions=...; gdelt
                         sources=...; gdelt articles=...; gdelt actiongeo_type=...``
notes                    what GDELT coded, in a sentence, with GoldsteinScale, NumMentions,
                         NumSources, NumArticles, AvgTone and DATEADDED
status, origin           ``draft``, ``gdelt``; ``coord_source`` "GDELT ActionGeo <FeatureID>"
=======================  =========================================================================

GDELT counts no deaths: ``fatalities`` stays empty, never 0.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from geo import schema as S
from geo import settings
from geo.errors import InputError, Problem
from geo.formats.rows import (
    CHUNK_ROWS,
    Chunk,
    CsvText,
    collect,
    headerless,
    open_csv,
    read_csv_rows,
)

ORIGIN = "gdelt"
ID_PREFIX = "GDELT-"
CAMEO_CSV = settings.DATA_DIR / "gdelt_cameo.csv"
UNIDENTIFIED = "Unidentified actor (GDELT)"

# GDELT 2.0 Event Codebook, the 61 fields of an event record in file order.
COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    "Actor1Code", "Actor1Name", "Actor1CountryCode", "Actor1KnownGroupCode", "Actor1EthnicCode",
    "Actor1Religion1Code", "Actor1Religion2Code", "Actor1Type1Code", "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code", "Actor2Name", "Actor2CountryCode", "Actor2KnownGroupCode", "Actor2EthnicCode",
    "Actor2Religion1Code", "Actor2Religion2Code", "Actor2Type1Code", "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    "Actor1Geo_Type", "Actor1Geo_FullName", "Actor1Geo_CountryCode", "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code", "Actor1Geo_Lat", "Actor1Geo_Long", "Actor1Geo_FeatureID",
    "Actor2Geo_Type", "Actor2Geo_FullName", "Actor2Geo_CountryCode", "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code", "Actor2Geo_Lat", "Actor2Geo_Long", "Actor2Geo_FeatureID",
    "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_CountryCode", "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code", "ActionGeo_Lat", "ActionGeo_Long", "ActionGeo_FeatureID",
    "DATEADDED", "SOURCEURL",
)  # fmt: skip
REQUIRED: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "EventCode", "ActionGeo_Type", "ActionGeo_FullName",
    "ActionGeo_Lat", "ActionGeo_Long",
)  # fmt: skip
_CANONICAL = {name.casefold(): name for name in COLUMNS}

# ActionGeo_Type (GDELT 2.0 Event Codebook) -> our geo_precision; 1 (country) is not a place.
GEO_TYPES: dict[str, str] = {
    "1": "country",
    "2": "US state",
    "3": "US city",
    "4": "world city",
    "5": "world state (ADM1)",
}
GEO_PRECISION: dict[str, int] = {"3": 1, "4": 1, "2": 3, "5": 3}

SKIPPED_CODE = "rows skipped: CAMEO code not one of violence (roots 18-20 and 145 are imported)"
SKIPPED_NO_POINT = "rows skipped: no ActionGeo point"
SKIPPED_COUNTRY = "rows skipped: placed only at a country's centroid (ActionGeo_Type 1)"


@dataclass(frozen=True)
class Cameo:
    code: str
    label: str
    event_type: str
    sub_event_type: str


@lru_cache(maxsize=1)
def cameo_table() -> dict[str, Cameo]:
    """CAMEO code -> the ACLED types it is imported as (``data/gdelt_cameo.csv``)."""
    with CAMEO_CSV.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    return {
        r["cameo"]: Cameo(r["cameo"], r["cameo_label"], r["event_type"], r["sub_event_type"])
        for r in rows
    }


def cameo_of(code: str) -> Cameo | None:
    """The table's entry for an event code: the code itself, its base code, else its root."""
    table = cameo_table()
    for key in (code, code[:3], code[:2]):
        if key in table:
            return table[key]
    return None


def looks_like_export(first_line: bytes) -> bool:
    """True when a file's first line is a GDELT 2.0 event record (no header, 61 tab fields)."""
    fields = first_line.rstrip(b"\r\n").split(b"\t")
    return (len(fields) == len(COLUMNS) and fields[0].isdigit() and len(fields[1]) == 8) and fields[
        1
    ].isdigit()


def looks_like_version_1(first_line: bytes) -> bool:
    """True when a first line is a GDELT 1.0 event record (57 or 58 tab fields, no header)."""
    fields = first_line.rstrip(b"\r\n").split(b"\t")
    return len(fields) in (57, 58) and fields[0].isdigit() and fields[1].isdigit()


def is_gdelt(header: Iterable[str]) -> bool:
    """True when a CSV header is a GDELT event table's (BigQuery export)."""
    names = {h.casefold() for h in header}
    return {"globaleventid", "eventcode"} <= names


def describe(source: CsvText) -> str:
    """What the import report says the file is."""
    if not source.has_header:
        return "GDELT 2.0 events (tab-separated, no header, 61 columns)"
    return (
        f"GDELT 2.0 events ({source.describe_delimiter()} with a header, as BigQuery exports: "
        "GLOBALEVENTID, EventCode)"
    )


def open_export(path: str | Path) -> CsvText:
    """A GDELT 2.0 export file as published (tab-separated, no header)."""
    return headerless(path, list(COLUMNS), delimiter="\t", quoting=False)


def _canonical(header: list[str], *, where: str) -> list[str]:
    names = [_CANONICAL.get(h.casefold(), h) for h in header]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(
            f"{where}: not a GDELT event table we can read: column(s) {', '.join(missing)} missing"
        )
    return names


def _host(url: str) -> str:
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def to_events(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], dict[str, int]]:
    """GDELT rows (text, canonical column names) as events in schema columns, and the counts of
    the rows skipped by reason. Rows skipped are left out of the events; nothing is a problem
    here that the schema will not name itself."""
    empty = pd.Series("", index=raw.index, dtype=object)

    def col(name: str) -> pd.Series:
        return raw[name].fillna("").astype(str).str.strip() if name in raw else empty

    code = col("EventCode")
    found = code.map(cameo_of)
    lat, lon = col("ActionGeo_Lat"), col("ActionGeo_Long")
    geo_type = col("ActionGeo_Type")
    violent = found.notna().to_numpy()
    pointed = ((lat != "") & (lon != "")).to_numpy()
    placed = (geo_type != "1").to_numpy()
    keep = violent & pointed & placed
    counts = {
        SKIPPED_CODE: int((~violent).sum()),
        SKIPPED_NO_POINT: int((violent & ~pointed).sum()),
        SKIPPED_COUNTRY: int((violent & pointed & ~placed).sum()),
    }
    counts = {k: n for k, n in counts.items() if n}
    rows = raw.index[keep]
    if not len(rows):
        return pd.DataFrame(index=rows), [], counts

    def kept(name: str) -> pd.Series:
        return col(name).loc[rows]

    cameo = found.loc[rows]
    full = kept("ActionGeo_FullName")
    parts = full.str.split(",")
    place = parts.str[0].str.strip()
    last = parts.str[-1].str.strip()
    middle = parts.map(lambda p: p[1].strip() if len(p) >= 3 else None)
    country = last.map(lambda n: getattr(S.find_country(n), "name", n or None))
    day = kept("SQLDATE")
    iso_day = (day.str.slice(0, 4) + "-" + day.str.slice(4, 6) + "-" + day.str.slice(6, 8)).where(
        day.str.fullmatch(r"\d{8}"), day
    )
    name1 = kept("Actor1Name").where(kept("Actor1Name") != "", kept("Actor1Code"))
    name2 = kept("Actor2Name").where(kept("Actor2Name") != "", kept("Actor2Code"))
    url = kept("SOURCEURL")
    safe = url.map(S.safe_url)
    host = url.map(_host)
    kept_type = geo_type.loc[rows]

    out = pd.DataFrame(index=rows)
    out[S.EVENT_ID] = ID_PREFIX + kept("GLOBALEVENTID")
    out[S.STATUS] = "draft"
    out[S.ORIGIN] = ORIGIN
    out[S.EVENT_DATE] = iso_day
    out[S.TIME_PRECISION] = 1
    out[S.EVENT_TYPE] = cameo.map(lambda c: c.event_type)
    out[S.SUB_EVENT_TYPE] = cameo.map(lambda c: c.sub_event_type)
    out[S.ACTOR1] = name1.where(name1 != "", UNIDENTIFIED)
    out[S.ACTOR2] = name2.where(name2 != "", None)
    out[S.COUNTRY] = country
    out[S.ADMIN1] = middle
    out[S.LOCATION] = place.where(place != "", full)
    out[S.LATITUDE] = lat.loc[rows]
    out[S.LONGITUDE] = lon.loc[rows]
    out[S.GEO_PRECISION] = kept_type.map(GEO_PRECISION)
    out[S.COORD_SOURCE] = ("GDELT ActionGeo " + kept("ActionGeo_FeatureID")).str.strip()
    out[S.SOURCE] = host.where(host != "", "GDELT")
    out[S.SOURCE_URL] = safe
    out[S.TAGS] = (
        "gdelt cameo=" + kept("EventCode")
        + "; gdelt goldstein=" + kept("GoldsteinScale")
        + "; gdelt mentions=" + kept("NumMentions")
        + "; gdelt sources=" + kept("NumSources")
        + "; gdelt articles=" + kept("NumArticles")
        + "; gdelt actiongeo_type=" + kept_type
    )  # fmt: skip
    label = cameo.map(lambda c: c.label.lower())
    out[S.NOTES] = (
        "GDELT machine-coded event, not reviewed: CAMEO " + kept("EventCode") + " (" + label + ")"
        + np.where(name1 != "", ", " + name1, "")
        + np.where(name2 != "", " and " + name2, "")
        + ", at " + full
        + " (" + kept_type.map(lambda t: GEO_TYPES.get(t, f"type {t}")) + ")"
        + ". GoldsteinScale " + kept("GoldsteinScale")
        + ", " + kept("NumMentions") + " mentions in " + kept("NumSources") + " sources and "
        + kept("NumArticles") + " articles, AvgTone " + kept("AvgTone")
        + "; added " + kept("DATEADDED") + "."
    )  # fmt: skip
    return out.replace({"": None}), [], counts


def read_chunks(source: str | Path | CsvText, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read a GDELT events file chunk by chunk (see the module docstring for what is kept)."""
    if not isinstance(source, CsvText):
        source = open_source(source)
    names = _canonical(source.header, where=source.path)
    notes = [describe(source)]
    for raw, problems in read_csv_rows(source, chunk_rows=chunk_rows):
        raw.columns = names
        events, own, counts = to_events(raw)
        yield Chunk(events, raw, problems + own, len(raw), notes, counts)
        notes = []


def open_source(path: str | Path) -> CsvText:
    """A GDELT file of either shape: the published export or a CSV with a header."""
    with open(path, "rb") as stream:
        first = stream.readline()
    return open_export(path) if looks_like_export(first) else open_csv(path)


def read(path: str | Path) -> pd.DataFrame:
    """Every violent event of a GDELT file in schema columns, indexed by row (not validated)."""
    return collect(read_chunks(path), what=f"file {path}")


# --- out (test files and benchmarks: GDELT's own layout, written from named fields) ---------------
def record(fields: dict[str, object]) -> list[str]:
    """A 61-field GDELT event record from named fields (missing ones empty), in file order."""
    unknown = set(fields) - set(COLUMNS)
    if unknown:
        raise ValueError(f"not GDELT 2.0 event fields: {sorted(unknown)}")
    return ["" if fields.get(name) is None else str(fields[name]) for name in COLUMNS]


def write(
    records: Iterable[dict[str, object]], target: str | Path, *, header: bool = False
) -> Path:
    """Records as GDELT publishes them (tab-separated, no header), or with ``header`` as the CSV
    with a header that a BigQuery export gives."""
    target = Path(target)
    with open(target, "w", encoding="utf-8", newline="") as stream:
        if header:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(record(r) for r in records)
        else:
            # GDELT quotes nothing; a tab or line break inside a field never occurs in its files.
            stream.writelines("\t".join(record(r)) + "\n" for r in records)
    return target
