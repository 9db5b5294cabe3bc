"""UCDP GED rows become events as the mapping in geo.formats.ucdp documents."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import shared_file

from geo import schema as S
from geo.errors import InputError, ValidationError
from geo.formats import ucdp
from geo.importer import detect, import_file
from geo.store import GeoPackageStore


def ged_row(ged_id: int, **changes: object) -> dict[str, str]:
    """A made-up GED row (the 49 columns), a clash near Mayadin unless changed."""
    row = {name: "" for name in ucdp.COLUMNS}
    row.update(
        {
            "id": str(ged_id),
            "relid": f"SYR-2017-1-0-{ged_id}",
            "year": "2017",
            "type_of_violence": "1",
            "conflict_name": "Syria: Government",
            "dyad_name": "Government of Syria - Syrian insurgents",
            "side_a": "Government of Syria",
            "side_b": "Syrian insurgents",
            "source_article": '"Outlet A,2017-10-04,Headline";"Outlet B,2017-10-05,Other"',
            "where_prec": "1",
            "where_coordinates": "Mayadin town",
            "where_description": "in Mayadin",
            "adm_1": "Deir ez-Zor governorate",
            "adm_2": "Al Mayadin district",
            "latitude": "35.0198",
            "longitude": "40.4515",
            "country": "Syria",
            "country_id": "652",
            "date_prec": "1",
            "date_start": "2017-10-04 00:00:00.000",
            "date_end": "2017-10-04 00:00:00.000",
            "deaths_a": "1",
            "deaths_b": "2",
            "deaths_civilians": "0",
            "deaths_unknown": "0",
            "best": "3",
            "high": "5",
            "low": "3",
        }
    )
    row.update({k: str(v) for k, v in changes.items()})
    return row


def read_rows(tmp_path: Path, rows: list[dict[str, str]]) -> pd.DataFrame:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(ucdp.COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "ged.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return S.validate(ucdp.read(path))


def test_a_state_based_clash(tmp_path: Path) -> None:
    event = read_rows(tmp_path, [ged_row(7)]).iloc[0]
    assert event[S.EVENT_ID] == "UCDP-7"
    assert (event[S.EVENT_TYPE], event[S.SUB_EVENT_TYPE]) == ("Battles", "Armed clash")
    assert (event[S.ACTOR1], event[S.INTER1]) == ("Government of Syria", "State forces")
    assert (event[S.ACTOR2], event[S.INTER2]) == ("Syrian insurgents", "Rebel group")
    assert (event[S.FATALITIES], event[S.FATALITIES_LOW], event[S.FATALITIES_HIGH]) == (3, 3, 5)
    assert event[S.EVENT_DATE] == pd.Timestamp("2017-10-04") and pd.isna(event[S.EVENT_DATE_END])
    assert (event[S.COUNTRY], event[S.ISO]) == ("Syria", 760)  # ISO, not GED's country_id
    assert event[S.SOURCE] == "Outlet A,2017-10-04,Headline; Outlet B,2017-10-05,Other"
    assert event[S.ORIGIN] == "ucdp"


def test_one_sided_violence_targets_civilians(tmp_path: Path) -> None:
    row = ged_row(8, type_of_violence=3, side_a="IS", side_b="Civilians")
    event = read_rows(tmp_path, [row]).iloc[0]
    assert (event[S.EVENT_TYPE], event[S.SUB_EVENT_TYPE]) == (
        "Violence against civilians",
        "Attack",
    )
    assert event[S.CIVILIAN_TARGETING] == "Civilian targeting"
    assert (event[S.ACTOR2], event[S.INTER2]) == ("Civilians (Syria)", "Civilians")
    assert pd.isna(event[S.INTER1])  # GED does not say what kind of group IS is


def test_a_foreign_government_is_external_forces(tmp_path: Path) -> None:
    row = ged_row(9, side_a="Government of Russia (Soviet Union)", side_b="Government of Ukraine",
                  country="Ukraine", latitude="48.0", longitude="37.8")  # fmt: skip
    event = read_rows(tmp_path, [row]).iloc[0]
    assert event[S.INTER1] == "External/Other forces"
    assert event[S.INTER2] == "State forces"


@pytest.mark.parametrize(
    ("where_prec", "geo_precision"),
    # 1 exact place; 2 within 25 km and 3 a district are "near/part of"; 4 a province, 5 a
    # larger area, 6 a country and 7 waters/airspace are "only a larger region".
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (6, 3), (7, 3)],
)
def test_where_prec_maps_to_geo_precision(
    tmp_path: Path, where_prec: int, geo_precision: int
) -> None:
    event = read_rows(tmp_path, [ged_row(1, where_prec=where_prec)]).iloc[0]
    assert event[S.GEO_PRECISION] == geo_precision
    assert f"ucdp where_prec={where_prec}" in event[S.TAGS]  # the original code is kept


@pytest.mark.parametrize(
    ("date_prec", "time_precision", "end"),
    # 1 a day; 2 two to six days and 3 a week are ACLED's "week"; 4 a month and 5 a year "month".
    [(1, 1, "2017-10-04"), (2, 2, "2017-10-06"), (3, 2, "2017-10-10"), (4, 3, "2017-10-31"),
     (5, 3, "2017-12-31")],
)  # fmt: skip
def test_date_prec_maps_to_time_precision_and_the_span_is_kept(
    tmp_path: Path, date_prec: int, time_precision: int, end: str
) -> None:
    row = ged_row(1, date_prec=date_prec, date_end=f"{end} 00:00:00.000")
    event = read_rows(tmp_path, [row]).iloc[0]
    assert event[S.TIME_PRECISION] == time_precision
    assert event[S.EVENT_DATE] == pd.Timestamp("2017-10-04")
    if end != "2017-10-04":
        assert event[S.EVENT_DATE_END] == pd.Timestamp(end)


def test_a_range_that_does_not_bracket_best_is_widened(tmp_path: Path) -> None:
    event = read_rows(tmp_path, [ged_row(1, best=2, low=3, high=3)]).iloc[0]
    assert (event[S.FATALITIES_LOW], event[S.FATALITIES], event[S.FATALITIES_HIGH]) == (2, 2, 3)


def test_links_in_the_citation_become_source_urls(tmp_path: Path) -> None:
    row = ged_row(1, source_article="Portal (X) https://example.org/report retrieved; javascript:x")
    assert read_rows(tmp_path, [row]).iloc[0][S.SOURCE_URL] == "https://example.org/report"


def test_a_code_ged_does_not_define_is_named(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="row 2, column where_prec: '9' is not a GED code"):
        read_rows(tmp_path, [ged_row(1, where_prec=9)])


def test_a_file_without_ged_columns_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("id,relid,type_of_violence,side_a,side_b,date_start,best\n", encoding="utf-8")
    with pytest.raises(InputError, match="latitude"):
        ucdp.read(path)


def test_real_ged_sample_maps_every_row() -> None:
    path = shared_file("realdata", "ucdp_ged_sample.csv")
    with open(path, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    events = S.validate(ucdp.read(path)).set_index(S.EVENT_ID)
    assert len(events) == len(rows)
    assert {r["where_prec"] for r in rows} == set("1234567")  # every code is exercised
    for row in rows:
        event = events.loc[f"UCDP-{row['id']}"]
        assert event[S.GEO_PRECISION] == ucdp.WHERE_PREC[row["where_prec"]]
        assert event[S.TIME_PRECISION] == ucdp.DATE_PREC[row["date_prec"]]
        assert event[S.FATALITIES] == int(row["best"])
        assert event[S.EVENT_DATE] == pd.Timestamp(row["date_start"][:10])
        assert (event[S.LATITUDE], event[S.LONGITUDE]) == (
            float(row["latitude"]),
            float(row["longitude"]),
        )
    syria = events[events[S.COUNTRY] == "Syria"]
    assert len(syria) == sum(r["country"] == "Syria" for r in rows)
    assert events[S.ISO].notna().all()  # every GED country name of the sample is recognised


# --- the releases and sister sets as they ship ------------------------------------------------------
# GED 20.1 as the R package "ucdp" (mcgirjau/ucdp, R/GED.R) ships it: 38 of the columns, no relid,
# code_status, *_dset_id, gwnoa/gwnob, geom_wkt, priogrid_gid or country_id.
GED_20_1_PACKAGE = (
    "id", "year", "active_year", "type_of_violence", "conflict_new_id", "conflict_name",
    "dyad_new_id", "dyad_name", "side_a_new_id", "side_a", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "country", "region", "event_clarity", "date_prec", "date_start",
    "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
)  # fmt: skip


def write_release(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    """Rows of ged_row() under a release's own column names (``rename``: ours -> theirs)."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(c.casefold().replace("_est", ""), "") for c in columns])
    return path


def test_an_older_release_without_relid_and_the_dset_ids_is_read(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    path = write_release(tmp_path / "ged201.csv", list(GED_20_1_PACKAGE), [ged_row(11)])
    found = detect(path)
    assert found.format == "ucdp"
    assert found.reason.startswith("UCDP GED 20.1 (an older release: no relid, code_status")
    report = import_file(path, store=gpkg_store)
    assert report.imported == 1
    event = gpkg_store.get("UCDP-11")
    assert (event[S.FATALITIES], event[S.FATALITIES_LOW], event[S.FATALITIES_HIGH]) == (3, 3, 5)
    assert event[S.ADMIN1] == "Deir ez-Zor governorate"


def test_fatality_estimates_spelled_best_est_and_capital_names_are_read(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    columns = [c.upper() for c in GED_20_1_PACKAGE if c not in ("best", "high", "low")]
    columns += ["LOW_EST", "BEST_EST", "HIGH_EST"]
    path = write_release(tmp_path / "ged_early.csv", columns, [ged_row(12, best="4", high="9")])
    assert "best_est read as best" in detect(path).reason
    import_file(path, store=gpkg_store)
    event = gpkg_store.get("UCDP-12")
    assert (event[S.FATALITIES], event[S.FATALITIES_LOW], event[S.FATALITIES_HIGH]) == (4, 3, 9)


def test_candidate_events_come_in_as_drafts_and_the_release_later_updates_them(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    candidate = write_release(
        tmp_path / "GEDEvent_v24_0_3.csv",
        list(ucdp.COLUMNS),
        [ged_row(21, code_status="Clear"), ged_row(22, code_status="Check dyad")],
    )
    found = detect(candidate)
    assert found.reason.startswith("UCDP Candidate Events 24.0.3 (all 49 columns")
    assert "every event a draft" in found.reason
    import_file(candidate, store=gpkg_store)
    first, flagged = gpkg_store.get("UCDP-21"), gpkg_store.get("UCDP-22")
    assert first[S.STATUS] == flagged[S.STATUS] == "draft"
    assert "ucdp candidate" in first[S.TAGS]
    assert "ucdp code_status=Check dyad" in flagged[S.TAGS]

    vetted = write_release(
        tmp_path / "GEDEvent_v25_1.csv",
        list(ucdp.COLUMNS),
        [ged_row(21, code_status="Clear", best="7", high="9")],
    )
    report = import_file(vetted, store=gpkg_store, update=True)
    assert report.updated == 1
    assert gpkg_store.get("UCDP-21")[S.FATALITIES] == 7


def test_a_flagged_row_of_a_ged_release_is_a_draft(tmp_path: Path) -> None:
    event = read_rows(tmp_path, [ged_row(31, code_status="Check deaths")]).iloc[0]
    assert event[S.STATUS] == "draft"


def test_the_zip_as_downloaded_is_read(tmp_path: Path, gpkg_store: GeoPackageStore) -> None:
    inner = write_release(tmp_path / "GEDEvent_v23_1.csv", list(ucdp.COLUMNS), [ged_row(41)])
    zipped = tmp_path / "ged231-csv.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(inner, inner.name)
    report = import_file(zipped, store=gpkg_store)
    assert report.imported == 1
    assert report.format_reason == (
        "UCDP GED 23.1 (all 49 columns of the current release); "
        "read from GEDEvent_v23_1.csv inside ged231-csv.zip"
    )


def test_a_zip_of_several_files_is_refused_naming_them(tmp_path: Path) -> None:
    zipped = tmp_path / "two.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("a.csv", "x\n")
        archive.writestr("b.csv", "y\n")
    with pytest.raises(InputError, match=r"holds a.csv, b.csv"):
        import_file(zipped, store=GeoPackageStore(tmp_path / "s.gpkg"))
