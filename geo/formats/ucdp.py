"""UCDP Georeferenced Event Dataset (GED) CSV in: every yearly release and the Candidate events.

Which files
-----------
* **GED yearly releases** (``GEDEvent_v23_1.csv`` in ``ged231-csv.zip``): 49 columns since 22.1.
  Older releases lack some (``relid``, ``code_status``, the ``*_dset_id`` columns,
  ``where_description``, ``number_of_sources``...) and the earliest spell fatalities ``best_est``,
  ``low_est``, ``high_est`` and some columns in capitals: all read, the release said in the report
  from the file name (``v23_1``, ``ged231``) when it carries one, else from the columns.
* **UCDP Candidate Events** (``GEDEvent_v24_0_3.csv``, monthly, not yet vetted by UCDP): the same
  columns; every event comes in as a ``draft`` for review, tagged ``ucdp candidate``. A Candidate
  release is told by its file name (a version ``NN.0.N``, or "candidate") or by ``code_status``
  values other than "Clear" (a row UCDP flagged "Check ..." is a draft in any file). Candidate and
  GED events share UCDP's event ids: importing the GED release later with ``--update`` writes the
  vetted values over the candidate's.
* the zip as downloaded: the importer reads the one CSV inside it.

How a GED row becomes one of our events
---------------------------------------
=======================  =========================================================================
ours                     from GED
=======================  =========================================================================
event_id                 ``UCDP-<id>`` (GED's stable event id), so re-importing adds nothing
event_date               ``date_start`` (the time of day, always 00:00, is dropped)
event_date_end           ``date_end`` when it is later than ``date_start``
time_precision           ``date_prec``: 1 (day) -> 1; 2 (2-6 days) and 3 (week) -> 2; 4 (month)
                         and 5 (year) -> 3. ACLED has nothing coarser than a month, so a year
                         stays visible as the span itself and in ``tags``.
event_type,              ``type_of_violence``: 1 state-based and 2 non-state -> Battles / Armed
sub_event_type           clash; 3 one-sided -> Violence against civilians / Attack. GED does not
                         say how violence was done, so an air strike or shelling in GED is an
                         "Armed clash" here: filter UCDP rows by event type, not sub-event type.
civilian_targeting       "Civilian targeting" for one-sided violence (3)
actor1, actor2           ``side_a``, ``side_b`` as GED names them; GED's "Civilians" becomes
                         ACLED's "Civilians (<country>)"
inter1, inter2           "Government of <the event's country>" -> State forces; the government of
                         another country -> External/Other forces; the non-government side of
                         state-based violence -> Rebel group; civilians -> Civilians; left empty
                         where GED does not tell (both sides of non-state violence, the
                         perpetrator of one-sided violence when not a government)
fatalities               ``best``; ``fatalities_low``/``fatalities_high`` <- ``low``/``high``. Where
                         GED's low or high does not bracket best (a few rows per thousand), the
                         range is widened to include best and the import report counts them.
country, iso             GED's country, named as GeoNames names it when it can be recognised
                         ("DR Congo (Zaire)" -> "Democratic Republic of the Congo"), with its ISO
                         numeric code; GED's ``country_id`` is a Gleditsch-Ward code, not ISO
admin1, admin2           ``adm_1``, ``adm_2``
location                 ``where_coordinates`` (the place the coordinates stand for)
latitude, longitude      ``latitude``, ``longitude``
geo_precision            ``where_prec``: 1 (exact) -> 1; 2 (within 25 km) and 3 (district) -> 2;
                         4 (province), 5 (larger area), 6 (country) and 7 (waters/airspace) -> 3
source                   ``source_article`` (GED's citations, "; "-separated)
source_url               the http(s) links found in ``source_article``
notes                    type of violence, dyad, ``where_description``, deaths by side, ``relid``
tags                     ``ucdp type_of_violence=...; ucdp where_prec=N; ucdp date_prec=N``, so the
                         codes coarsened above are never lost
origin, coord_source     "ucdp", "UCDP GED"
=======================  =========================================================================

The other GED columns (conflict and dyad ids, ``priogrid_gid``, ``geom_wkt``, ``gwnoa``...) are not
kept; a re-import from the same release finds every event by its id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from geo import schema as S
from geo.errors import InputError, Problem
from geo.formats.rows import CHUNK_ROWS, Chunk, CsvText, collect, open_csv, read_csv_rows

ORIGIN = "ucdp"
COORD_SOURCE = "UCDP GED"
ID_PREFIX = "UCDP-"

COLUMNS: tuple[str, ...] = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)
REQUIRED: tuple[str, ...] = (
    "id",
    "type_of_violence",
    "side_a",
    "side_b",
    "where_prec",
    "where_coordinates",
    "latitude",
    "longitude",
    "country",
    "date_prec",
    "date_start",
    "best",
)
# Names older releases gave columns that the current one names otherwise.
RENAMED: dict[str, str] = {
    "best_est": "best",
    "low_est": "low",
    "high_est": "high",
    "gwno_a": "gwnoa",
    "gwno_b": "gwnob",
}
CANDIDATE_TAG = "ucdp candidate"
CLEAR = "clear"
# "GEDEvent_v24_0_3", "ged2403", "ucdp_candidate_24_0_1": a Candidate release; "v23_1": GED 23.1.
_CANDIDATE_NAME = re.compile(r"candidate|v\d{2}[._]0[._]\d+", re.IGNORECASE)
_RELEASE_NAME = re.compile(r"(?:v|ged)(\d{2})[._]?(\d)(?:[._]?(\d+))?", re.IGNORECASE)

VIOLENCE: dict[str, tuple[str, str, str]] = {
    # type_of_violence: (label, event_type, sub_event_type)
    "1": ("state-based", "Battles", "Armed clash"),
    "2": ("non-state", "Battles", "Armed clash"),
    "3": ("one-sided", "Violence against civilians", "Attack"),
}
WHERE_PREC: dict[str, int] = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3, "6": 3, "7": 3}
DATE_PREC: dict[str, int] = {"1": 1, "2": 2, "3": 2, "4": 3, "5": 3}
ADJUSTED = "events whose GED low/high estimates did not bracket best; range widened to include it"

_URL = re.compile(r"https?://[^\s\"'<>;,\]\)]+")
_BRACKETS = re.compile(r"\s*\([^)]*\)\s*$")


def canonical(header: Iterable[str]) -> list[str]:
    """Column names as the current release spells them (lower case, old names renamed)."""
    names = [h.strip().casefold() for h in header]
    return [RENAMED.get(n, n) for n in names]


def is_ucdp(header: Iterable[str]) -> bool:
    """True when a CSV header is a UCDP GED (or Candidate) file's, of any release."""
    return {"type_of_violence", "side_a", "side_b", "date_start", "best"} <= set(canonical(header))


def check_header(header: list[str], *, where: str) -> None:
    missing = [c for c in REQUIRED if c not in canonical(header)]
    if missing:
        raise InputError(
            f"{where}: not a UCDP GED file we can read: column(s) {', '.join(missing)} missing"
        )


def is_candidate_name(path: str | Path) -> bool:
    """True when a file's name is a UCDP Candidate release's."""
    return bool(_CANDIDATE_NAME.search(Path(path).name))


def describe(source: CsvText) -> str:
    """What the report says the file is: the dataset, its release and the columns that tell it."""
    name = Path(source.path).name
    names = canonical(source.header)
    dataset = "UCDP Candidate Events" if is_candidate_name(name) else "UCDP GED"
    found = _RELEASE_NAME.search(name)
    release = ""
    if found:
        major, minor, patch = found.groups()
        release = f" {major}.{minor}" + (
            f".{patch}" if patch and dataset.endswith("Events") else ""
        )
    missing = [c for c in COLUMNS if c not in names]
    renamed = [old for old in RENAMED if old in [h.strip().casefold() for h in source.header]]
    if not missing and not renamed:
        evidence = f"all {len(COLUMNS)} columns of the current release"
    else:
        parts = []
        if missing:
            shown = ", ".join(missing[:4]) + (", ..." if len(missing) > 4 else "")
            parts.append(f"an older release: no {shown}")
        if renamed:
            parts.append(", ".join(f"{old} read as {RENAMED[old]}" for old in renamed))
        evidence = "; ".join(parts)
    draft = "; every event a draft" if dataset.endswith("Events") else ""
    return f"{dataset}{release} ({evidence}{draft})"


def find_country(name: str) -> S.Country | None:
    """The country a GED name stands for ("DR Congo (Zaire)", "Russia (Soviet Union)"), if known."""
    return S.find_country(name) or S.find_country(_BRACKETS.sub("", name).strip())


def country_names(names: pd.Series) -> tuple[pd.Series, pd.Series]:
    """GED country names -> (our country name, ISO numeric code or <NA>), one lookup per name."""
    found: dict[str, tuple[str, int | None]] = {}
    for name in names.dropna().unique():
        country = find_country(name)
        bare = _BRACKETS.sub("", name).strip()
        found[name] = (country.name, country.isonumeric) if country else (bare, None)
    ours = names.map(lambda n: found[n][0], na_action="ignore")
    iso = names.map(lambda n: found[n][1], na_action="ignore").astype("Int64")
    return ours, iso


def _sources(articles: pd.Series) -> pd.Series:
    """GED's ``"A";"B"`` citation lists as ``A; B``."""
    text = articles.fillna("").astype(str).str.strip()
    text = text.str.replace(r'"\s*;\s*"', "; ", regex=True).str.strip('"').str.strip()
    return text.where(text != "", None)


def _urls(articles: pd.Series) -> pd.Series:
    def links(text: object) -> str | None:
        found = [S.safe_url(u.rstrip(".")) for u in _URL.findall(str(text))]
        kept = list(dict.fromkeys(u for u in found if u))
        return " ".join(kept) or None

    return articles.map(links, na_action="ignore")


def _actor_types(side: pd.Series, country: pd.Series, role: pd.Series) -> pd.Series:
    """ACLED actor types where GED tells them: governments, rebels, civilians."""
    side = side.fillna("").astype(str)
    government = side.str.startswith("Government of ")
    governed, _ = country_names(side.str.removeprefix("Government of ").where(government, None))
    own = government & (governed == country).fillna(False)
    out = np.select(
        [own, government, role == "rebel", role == "civilians"],
        [S.ACTOR_TYPES[1], S.ACTOR_TYPES[8], S.ACTOR_TYPES[2], S.ACTOR_TYPES[7]],
        default="",
    )
    return pd.Series(out, index=side.index, dtype=object).replace({"": None})


def to_events(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem], int]:
    """GED rows (text) as rows in schema columns, the rows with codes GED does not define as
    problems, and how many rows had their fatality range widened."""
    strip = {c: raw[c].fillna("").astype(str).str.strip() for c in raw.columns}
    empty = pd.Series("", index=raw.index, dtype=object)
    for optional in ("low", "high", "date_end", "source_article", "code_status"):
        strip.setdefault(optional, empty)
    problems: list[Problem] = []
    for column, allowed in (
        ("type_of_violence", VIOLENCE),
        ("where_prec", WHERE_PREC),
        ("date_prec", DATE_PREC),
    ):
        bad = ~strip[column].isin(allowed.keys())
        for row in raw.index[bad.to_numpy()]:
            problems.append(
                Problem(
                    row,
                    column,
                    f"{strip[column][row]!r} is not a GED code ({', '.join(allowed)})",
                )
            )

    violence = strip["type_of_violence"]
    label = violence.map(lambda v: VIOLENCE.get(v, ("", None, None))[0])
    country, iso = country_names(strip["country"].replace({"": None}))

    out = pd.DataFrame(index=raw.index)
    out[S.EVENT_ID] = ID_PREFIX + strip["id"]
    out[S.ORIGIN] = ORIGIN
    start = strip["date_start"].str.slice(0, 10)
    end = strip["date_end"].str.slice(0, 10)
    out[S.EVENT_DATE] = start
    out[S.EVENT_DATE_END] = end.where((end != start) & (end != ""), None)
    out[S.TIME_PRECISION] = strip["date_prec"].map(DATE_PREC)
    out[S.EVENT_TYPE] = violence.map(lambda v: VIOLENCE.get(v, ("", None, None))[1])
    out[S.SUB_EVENT_TYPE] = violence.map(lambda v: VIOLENCE.get(v, ("", None, None))[2])
    out[S.CIVILIAN_TARGETING] = np.where(violence == "3", "Civilian targeting", None)

    side_b = strip["side_b"]
    civilians = side_b.str.casefold() == "civilians"
    out[S.ACTOR1] = strip["side_a"]
    out[S.ACTOR2] = side_b.where(~civilians, "Civilians (" + country.fillna("") + ")")
    role_b = pd.Series(
        np.select([violence == "1", civilians], ["rebel", "civilians"], default=""),
        index=raw.index,
    )
    out[S.INTER1] = _actor_types(strip["side_a"], country, pd.Series("", index=raw.index))
    out[S.INTER2] = _actor_types(side_b, country, role_b)

    best, low, high = (pd.to_numeric(strip[c], errors="coerce") for c in ("best", "low", "high"))
    widened = (low > best) | (high < best) | (low > high)
    out[S.FATALITIES] = strip["best"]
    out[S.FATALITIES_LOW] = np.fmin(low, np.fmin(best, high)).where(low.notna(), None)
    out[S.FATALITIES_HIGH] = np.fmax(high, np.fmax(best, low)).where(high.notna(), None)

    out[S.COUNTRY] = country
    out[S.ISO] = iso
    out[S.ADMIN1] = strip.get("adm_1")
    out[S.ADMIN2] = strip.get("adm_2")
    out[S.LOCATION] = strip["where_coordinates"]
    out[S.LATITUDE] = strip["latitude"]
    out[S.LONGITUDE] = strip["longitude"]
    out[S.GEO_PRECISION] = strip["where_prec"].map(WHERE_PREC)
    out[S.COORD_SOURCE] = COORD_SOURCE
    out[S.SOURCE] = _sources(strip["source_article"]).fillna(COORD_SOURCE)
    out[S.SOURCE_URL] = _urls(strip["source_article"])
    out[S.NOTES] = _notes(strip, label)
    status = strip["code_status"]
    flagged = (status != "") & (status.str.casefold() != CLEAR)
    out[S.TAGS] = (
        "ucdp type_of_violence="
        + label
        + "; ucdp where_prec="
        + strip["where_prec"]
        + "; ucdp date_prec="
        + strip["date_prec"]
        + np.where(flagged, "; ucdp code_status=" + status, "")
    )
    out[S.STATUS] = np.where(flagged, "draft", None)
    return out.replace({"": None}), problems, int(widened.sum())


def _notes(strip: dict[str, pd.Series], label: pd.Series) -> pd.Series:
    empty = pd.Series("", index=label.index)

    def part(column: str) -> pd.Series:
        return strip.get(column, empty)

    deaths = (
        "deaths: side A "
        + part("deaths_a")
        + ", side B "
        + part("deaths_b")
        + ", civilians "
        + part("deaths_civilians")
        + ", unknown "
        + part("deaths_unknown")
    )
    where = part("where_description")
    text = (
        "UCDP GED, "
        + label
        + " violence: "
        + part("dyad_name")
        + "."
        + np.where(where != "", " Where: " + where + ".", "")
        + " "
        + deaths
        + ". GED relid "
        + part("relid")
        + "."
    )
    return pd.Series(text, index=label.index)


def read_chunks(source: str | Path | CsvText, *, chunk_rows: int = CHUNK_ROWS) -> Iterator[Chunk]:
    """Read a GED CSV chunk by chunk (see the module docstring for the mapping)."""
    source = source if isinstance(source, CsvText) else open_csv(source)
    header = source.header
    check_header(header, where=source.path)
    names = canonical(header)
    candidate = is_candidate_name(source.path)
    notes = [describe(source)]
    for raw, problems in read_csv_rows(source, chunk_rows=chunk_rows):
        raw.columns = names
        events, code_problems, widened = to_events(raw)
        if candidate:
            events[S.STATUS] = "draft"
            events[S.TAGS] = events[S.TAGS] + "; " + CANDIDATE_TAG
        counts = {ADJUSTED: widened} if widened else {}
        yield Chunk(events, raw, problems + code_problems, len(raw), notes, counts)
        notes = []


def read(path: str | Path) -> pd.DataFrame:
    """Every event of a GED CSV in schema columns, indexed by row number (not validated).

    Raises ValidationError listing the rows that cannot be read as events.
    """
    return collect(read_chunks(path), what=f"file {path}")
