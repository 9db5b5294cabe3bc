"""Property tests over the outside formats and the text extractor: events, or one of our errors.

ACLED (both layouts, and the one-row-per-actor export) and UCDP GED files are made of arbitrary
cells under their real headers; GeoJSON of arbitrary features read through a property mapping;
news text of Arabic, Latin, digits, punctuation and direction marks. Whatever comes in, the reader
answers with events (which then validate or are refused by row) or a ConflictmapError: never
another exception, which an analyst would meet as a traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from geo import schema as S
from geo.errors import ConflictmapError
from geo.formats import acled, geojson, ucdp
from geo.importer import import_file
from geo.store import GeoPackageStore

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

PRE_2023 = (
    "data_id",
    "iso",
    "event_id_cnty",
    "event_id_no_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "timestamp",
    "iso3",
)
ONE_ROW_PER_ACTOR = tuple(c for c in acled.COLUMNS if c not in acled.ACTOR2_COLUMNS)
LAYOUTS = st.sampled_from([acled.COLUMNS, PRE_2023, ONE_ROW_PER_ACTOR])

# Values that reach deep into the readers (real codes, dates, names) mixed with anything at all.
PLAUSIBLE = [
    "",
    "0",
    "1",
    "2",
    "3",
    "7",
    "8",
    "-1",
    "1e400",
    "nan",
    "SYR1",
    "SYR1",
    "2022-10-22",
    "9-May-20",
    "01 November 2024",
    "2017-10-04 00:00:00.000",
    "Syria",
    "DR Congo (Zaire)",
    "Government of Syria",
    "Civilians",
    "State forces",
    "Battles",
    "Armed clash",
    "35.0198",
    "40.4515",
    '"A";"B"',
    "https://news.example/a",
    "javascript:alert(1)",
    "=SUM(A1)",
    "'=SUM(A1)",
    "الميادين",
    "\u202e",
]
cells = st.one_of(st.sampled_from(PLAUSIBLE), st.text(max_size=20))


def mostly(usual: st.SearchStrategy, rare: st.SearchStrategy) -> st.SearchStrategy:
    """``usual`` nine times in ten, else ``rare``."""
    return st.integers(0, 9).flatmap(lambda roll: usual if roll else rare)


def only_our_errors(call) -> object:
    try:
        return call()
    except ConflictmapError:
        return None


def write_csv(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def rows_under(header: tuple[str, ...], real: dict[str, str]) -> st.SearchStrategy[list[list[str]]]:
    """Rows of arbitrary cells, or of ``real`` values with some cells arbitrary; a few rows a
    cell short or long, as damaged files have them."""
    base = [real.get(name, "") for name in header]

    def mutated(draw: st.DrawFn) -> list[str]:
        return [draw(cells) if draw(st.integers(0, 15)) == 0 else v for v in base]

    arbitrary = st.lists(cells, min_size=len(header), max_size=len(header))
    row = st.one_of(st.composite(mutated)(), arbitrary)
    damaged = st.lists(cells, min_size=len(header) - 1, max_size=len(header) + 1)
    return st.lists(mostly(row, damaged), max_size=6)


# Made-up rows that import as they are, for the fuzzers to damage.
ACLED_REAL = {
    "event_id_cnty": "SYR1",
    "data_id": "1",
    "iso": "760",
    "iso3": "SYR",
    "event_date": "2022-10-22",
    "year": "2022",
    "time_precision": "1",
    "disorder_type": "Political violence",
    "event_type": "Explosions/Remote violence",
    "sub_event_type": "Shelling/artillery/missile attack",
    "actor1": "Military Forces of Syria (2000-)",
    "inter1": "State forces",
    "actor2": "Civilians (Syria)",
    "inter2": "Civilians",
    "country": "Syria",
    "admin1": "Deir-ez-Zor",
    "location": "Mayadin",
    "latitude": "35.0198",
    "longitude": "40.4515",
    "geo_precision": "1",
    "source": "Test Outlet",
    "source_scale": "National",
    "notes": "A made-up shelling.",
    "fatalities": "0",
    "timestamp": "1666500000",
}
GED_REAL = {
    "id": "500",
    "relid": "SYR-2017-1-0-1",
    "type_of_violence": "1",
    "side_a": "Government of Syria",
    "side_b": "Syrian insurgents",
    "source_article": '"Outlet A,2017-10-04,Headline"',
    "where_prec": "1",
    "where_coordinates": "Mayadin town",
    "latitude": "35.0198",
    "longitude": "40.4515",
    "country": "Syria",
    "date_prec": "1",
    "date_start": "2017-10-04 00:00:00.000",
    "date_end": "2017-10-04 00:00:00.000",
    "best": "3",
    "low": "3",
    "high": "5",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> GeoPackageStore:
    return GeoPackageStore(tmp_path_factory.mktemp("fuzz") / "store.gpkg")


def imported(path: Path, store: GeoPackageStore) -> bool:
    """Import as an analyst would (good rows stored, bad ones listed); False if refused."""
    report = only_our_errors(lambda: import_file(path, store=store, skip_bad=True))
    stored = None if report is None else report.imported + report.skipped_existing
    event(f"events stored: {'refused' if stored is None else min(stored, 1)}")
    return report is not None


@FUZZ
@given(data=st.data(), header=LAYOUTS)
def test_the_acled_reader_answers_any_cells_under_its_headers(
    tmp_path: Path, store: GeoPackageStore, data: st.DataObject, header: tuple[str, ...]
) -> None:
    path = tmp_path / "acled.csv"
    write_csv(path, header, data.draw(rows_under(header, ACLED_REAL)))
    imported(path, store)


@FUZZ
@given(rows=rows_under(ucdp.COLUMNS, GED_REAL))
def test_the_ged_reader_answers_any_cells_under_its_header(
    tmp_path: Path, store: GeoPackageStore, rows: list[list[str]]
) -> None:
    path = tmp_path / "ged.csv"
    write_csv(path, ucdp.COLUMNS, rows)
    imported(path, store)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.text(max_size=20),
    st.sampled_from(PLAUSIBLE),
)
properties = st.dictionaries(
    st.sampled_from(["date", "kind", "who", "where", "lat", "n", "note"])
    | st.sampled_from(S.COLUMN_NAMES)
    | st.text(max_size=8),
    scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.text(max_size=4), scalars),
    max_size=8,
)
# A feature made of real values, some arbitrary.
real_properties = st.fixed_dictionaries(
    {k: st.one_of(*[st.just(v)] * 6, scalars) for k, v in ACLED_REAL.items() if k in S.KINDS}
)
point = st.fixed_dictionaries(
    {
        "type": st.just("Point"),
        "coordinates": st.tuples(st.floats(-180, 180), st.floats(-90, 90)).map(list),
    }
)
odd_geometry = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "LineString", "x"]),
            "coordinates": st.lists(st.floats() | st.integers() | st.text(max_size=3), max_size=4),
        }
    ),
    scalars,
)
feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "geometry": mostly(point, st.none() | odd_geometry),
        "properties": mostly(real_properties | properties, scalars),
    }
)
features = mostly(feature, scalars)
# Mostly mappings to schema columns (a wrong one is refused before any feature is read).
good_mapping = st.dictionaries(
    st.sampled_from(["date", "kind", "who", "where", "lat", "n", "note"]) | st.text(max_size=6),
    st.sampled_from(S.COLUMN_NAMES),
    max_size=5,
)
mappings = mostly(good_mapping, st.dictionaries(st.text(max_size=6), st.text(max_size=10)))


@FUZZ
@given(feats=st.lists(features, max_size=5), mapping=mappings)
def test_the_geojson_reader_answers_any_features_and_mapping(
    tmp_path: Path, feats: list, mapping: dict[str, str]
) -> None:
    path = tmp_path / "x.geojson"
    doc = {"type": "FeatureCollection", "features": feats}
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    frame = only_our_errors(lambda: geojson.read(path, mapping=mapping))
    event(f"read: {frame is not None}")
    if frame is not None and len(frame):
        only_our_errors(lambda: S.validate(frame, unknown_columns="drop"))


news_characters = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "Zs", "Mn"),
    include_characters="\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\n\t",
)
SENTENCES = [
    "قصفت قوات النظام مدينة الميادين بالمدفعية أمس",
    "سقطت صواريخ على القاعدة الأمريكية في حقل العمر ليل السبت - الأحد",
    "Coalition aircraft struck militia positions near Mayadin last night, killing 3.",
    "غارة جوية على بادية بلدة الجلاء في ريف البوكمال.",
]


@st.composite
def news(draw: st.DrawFn) -> str:
    """Report sentences with words swapped for, or followed by, arbitrary text."""
    words = " ".join(draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))).split()
    out: list[str] = []
    for word in words:
        roll = draw(st.integers(0, 9))
        if roll == 0:
            out.append(draw(st.text(news_characters, max_size=8)))
        else:
            out.append(word)
            if roll == 1:
                out.append(draw(st.text(news_characters, max_size=8)))
    return " ".join(out)


@settings(max_examples=30, deadline=None)
@given(
    text=news() | st.text(news_characters, max_size=200), lang=st.sampled_from(["auto", "ar", "en"])
)
def test_extraction_answers_any_text_with_drafts_or_our_error(text: str, lang: str) -> None:
    from geo.extract import extract

    published = dt.datetime(2022, 10, 23, 6, 52, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    drafts = only_our_errors(
        lambda: extract(text, source="Test Outlet", published=published, lang=lang)
    )
    event(f"drafts: {0 if drafts is None else min(len(drafts), 2)}")
    if drafts is not None and len(drafts):
        assert set(drafts[S.STATUS]) == {"draft"}
        assert isinstance(drafts, pd.DataFrame)
