"""GDELT 2.0 event files become draft events as geo.formats.gdelt documents.

The files are built here from the codebook's 61 fields (our own rows, nothing downloaded): the
15-minute export as GDELT publishes it (tab-separated, no header), the same rows as a BigQuery
CSV with a header, and the export zipped as it is downloaded.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geo import schema as S
from geo.errors import InputError
from geo.formats import gdelt
from geo.importer import detect, import_file
from geo.store import GeoPackageStore


def gdelt_event(event_id: int, **fields: object) -> dict[str, object]:
    """A made-up GDELT record: a coalition air strike reported at Mayadin, unless changed."""
    record: dict[str, object] = {
        "GLOBALEVENTID": event_id,
        "SQLDATE": "20221023",
        "MonthYear": "202210",
        "Year": "2022",
        "FractionDate": "2022.8055",
        "Actor1Code": "USAMIL",
        "Actor1Name": "UNITED STATES",
        "Actor1CountryCode": "USA",
        "Actor1Type1Code": "MIL",
        "Actor2Code": "IRNMIL",
        "Actor2Name": "IRAN",
        "Actor2CountryCode": "IRN",
        "IsRootEvent": "1",
        "EventCode": "195",
        "EventBaseCode": "195",
        "EventRootCode": "19",
        "QuadClass": "4",
        "GoldsteinScale": "-10.0",
        "NumMentions": "12",
        "NumSources": "3",
        "NumArticles": "10",
        "AvgTone": "-6.25",
        "ActionGeo_Type": "4",
        "ActionGeo_FullName": "Mayadin, Dayr az Zawr, Syria",
        "ActionGeo_CountryCode": "SY",
        "ActionGeo_ADM1Code": "SY04",
        "ActionGeo_Lat": "35.0198",
        "ActionGeo_Long": "40.4515",
        "ActionGeo_FeatureID": "-2987000",
        "DATEADDED": "20221023061500",
        "SOURCEURL": f"https://news.example.org/2022/10/23/strike-{event_id}",
    }
    record.update(fields)
    return record


def a_day_of_gdelt() -> list[dict[str, object]]:
    """Six rows as a 15-minute file has them: two violent, the rest skipped for three reasons."""
    return [
        gdelt_event(1),
        gdelt_event(2, EventCode="1831", EventBaseCode="183", EventRootCode="18"),
        gdelt_event(3, EventCode="042", EventBaseCode="042", EventRootCode="04"),  # a visit
        gdelt_event(4, EventCode="141", EventBaseCode="141", EventRootCode="14"),  # peaceful
        gdelt_event(5, ActionGeo_Lat="", ActionGeo_Long="", ActionGeo_Type="0"),
        gdelt_event(6, ActionGeo_Type="1", ActionGeo_FullName="Syria"),
    ]


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return gdelt.write(a_day_of_gdelt(), tmp_path / "20221023061500.export.CSV")


def test_the_export_as_published_has_61_tab_separated_fields_and_no_header(export: Path) -> None:
    first = export.read_text(encoding="utf-8").splitlines()[0].split("\t")
    assert len(first) == 61 and first[0] == "1" and first[-1].startswith("https://")
    found = detect(export)
    assert found.format == "gdelt"
    assert found.reason == "GDELT 2.0 events (tab-separated, no header, 61 columns)"


def test_only_violence_with_a_place_comes_in_and_the_rest_is_counted(
    export: Path, gpkg_store: GeoPackageStore
) -> None:
    report = import_file(export, store=gpkg_store)
    assert (report.read, report.imported, len(report.rejected)) == (6, 2, 0)
    assert report.counts == {
        gdelt.SKIPPED_CODE: 2,
        gdelt.SKIPPED_NO_POINT: 1,
        gdelt.SKIPPED_COUNTRY: 1,
    }
    events = gpkg_store.load().set_index(S.EVENT_ID)
    assert sorted(events.index) == ["GDELT-1", "GDELT-2"]
    assert (events.loc["GDELT-1", S.EVENT_TYPE], events.loc["GDELT-1", S.SUB_EVENT_TYPE]) == (
        "Explosions/Remote violence",
        "Air/drone strike",
    )
    assert events.loc["GDELT-2", S.SUB_EVENT_TYPE] == "Suicide bomb"


def test_every_gdelt_event_is_a_draft_that_keeps_gdelts_own_fields(
    export: Path, gpkg_store: GeoPackageStore
) -> None:
    import_file(export, store=gpkg_store)
    strike = gpkg_store.get("GDELT-1")
    assert strike[S.STATUS] == "draft" and strike[S.ORIGIN] == "gdelt"
    assert strike[S.EVENT_DATE].strftime("%Y-%m-%d") == "2022-10-23"
    assert (strike[S.LOCATION], strike[S.ADMIN1], strike[S.COUNTRY]) == (
        "Mayadin",
        "Dayr az Zawr",
        "Syria",
    )
    assert (strike[S.LATITUDE], strike[S.LONGITUDE], strike[S.GEO_PRECISION]) == (
        35.0198,
        40.4515,
        1,
    )
    assert strike[S.SOURCE_URL] == "https://news.example.org/2022/10/23/strike-1"
    assert strike[S.SOURCE] == "news.example.org"
    assert (strike[S.ACTOR1], strike[S.ACTOR2]) == ("UNITED STATES", "IRAN")
    for kept in ("gdelt cameo=195", "gdelt goldstein=-10.0", "gdelt mentions=12"):
        assert kept in strike[S.TAGS]
    assert "gdelt actiongeo_type=4" in strike[S.TAGS]
    assert pd.isna(strike[S.FATALITIES])  # GDELT counts no deaths: empty, never 0


def test_a_region_level_place_is_precision_3(tmp_path: Path, gpkg_store: GeoPackageStore) -> None:
    path = gdelt.write(
        [gdelt_event(7, ActionGeo_Type="5", ActionGeo_FullName="Dayr az Zawr, Syria")],
        tmp_path / "adm1.export.CSV",
    )
    import_file(path, store=gpkg_store)
    event = gpkg_store.get("GDELT-7")
    assert (event[S.GEO_PRECISION], event[S.LOCATION], event[S.COUNTRY]) == (
        3,
        "Dayr az Zawr",
        "Syria",
    )


def test_the_bigquery_csv_with_a_header_is_the_same_events(
    export: Path, tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    bigquery = gdelt.write(a_day_of_gdelt(), tmp_path / "bq-results.csv", header=True)
    found = detect(bigquery)
    assert found.format == "gdelt" and "BigQuery" in found.reason
    first = import_file(bigquery, store=gpkg_store)
    assert (first.imported, first.counts[gdelt.SKIPPED_CODE]) == (2, 2)
    again = import_file(export, store=gpkg_store)
    assert (again.imported, again.skipped_existing, again.differs) == (0, 2, {})


def test_a_bigquery_selection_of_columns_in_lower_case_is_read(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    wanted = ("GLOBALEVENTID", "SQLDATE", "Actor1Name", "EventCode", "GoldsteinScale")
    wanted += ("NumMentions", "ActionGeo_Type", "ActionGeo_FullName", "ActionGeo_Lat")
    wanted += ("ActionGeo_Long", "SOURCEURL")
    path = tmp_path / "selection.csv"
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow([w.lower() for w in wanted])
        writer.writerow([gdelt_event(9)[w] for w in wanted])
    report = import_file(path, store=gpkg_store)
    assert report.imported == 1
    assert pd.isna(gpkg_store.get("GDELT-9")[S.ACTOR2])


def test_a_table_without_the_place_columns_is_refused_naming_them(tmp_path: Path) -> None:
    path = tmp_path / "no-place.csv"
    path.write_text("GLOBALEVENTID,SQLDATE,EventCode\n1,20221023,195\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ActionGeo_Lat, ActionGeo_Long missing"):
        import_file(path, store=GeoPackageStore(tmp_path / "s.gpkg"))


def test_the_zip_as_downloaded_is_read(export: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "20221023061500.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(export, export.name)
    report = import_file(zipped, store=GeoPackageStore(tmp_path / "s.gpkg"))
    assert report.imported == 2
    assert report.format_reason.endswith(f"read from {export.name} inside {zipped.name}")


def test_the_cameo_table_maps_every_code_to_an_acled_type_with_its_source() -> None:
    with open(gdelt.CAMEO_CSV, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert {r["cameo"][:2] for r in rows} == {"14", "18", "19", "20"}
    for row in rows:
        assert row["sub_event_type"] in S.TAXONOMY[row["event_type"]], row
        assert row["source"].strip(), row
    assert gdelt.cameo_of("1952").sub_event_type == "Air/drone strike"
    assert gdelt.cameo_of("1724") is None  # coercion, not violence
    assert gdelt.cameo_of("140") is None  # a protest that is not violent


def test_a_gdelt_1_file_is_refused_saying_which_version_is_read(tmp_path: Path) -> None:
    fields = gdelt.record(gdelt_event(1))
    # GDELT 1.0 has no ADM2 codes (3 fields) and no SOURCEURL: 57 fields.
    version_1 = [
        f
        for i, f in enumerate(fields)
        if gdelt.COLUMNS[i]
        not in ("Actor1Geo_ADM2Code", "Actor2Geo_ADM2Code", "ActionGeo_ADM2Code", "SOURCEURL")
    ]
    path = tmp_path / "20130401.export.CSV"
    path.write_text("\t".join(version_1) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"a GDELT 1.0 event file .* reads GDELT 2.0 events"):
        detect(path)
