"""Imports: the format told from the file, all or nothing, re-import adds nothing, rejects kept."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_events, shared_file

from geo import schema as S
from geo.cli.main import main
from geo.errors import InputError, ValidationError
from geo.export import FORMATS
from geo.formats import acled, csvfile, geojson
from geo.formats import gpkg as gpkg_format
from geo.importer import detect_format, import_file, read_upload
from geo.store import EventStore, GeoPackageStore


def write_acled(path: Path, events: pd.DataFrame) -> Path:
    acled.write(S.validate(events), path)
    return path


def test_the_format_is_told_from_the_file(tmp_path: Path) -> None:
    events = S.validate(make_events(2))
    acled.write(events, tmp_path / "a.csv")
    csvfile.write(events, tmp_path / "ours.csv")
    geojson.write(events, tmp_path / "events.json")
    gpkg_format.write(events, tmp_path / "events.sqlite")
    (tmp_path / "ged.csv").write_text("id,relid,type_of_violence,side_a,side_b,date_start,best\n")
    assert detect_format(tmp_path / "a.csv") == "acled"
    assert detect_format(tmp_path / "ours.csv") == "handcoded"
    assert detect_format(tmp_path / "events.json") == "geojson"
    assert detect_format(tmp_path / "events.sqlite") == "gpkg"
    assert detect_format(tmp_path / "ged.csv") == "ucdp"


def test_a_csv_of_unknown_columns_asks_for_the_format(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("when,where,what\n2022-10-22,Mayadin,strike\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot tell the format.*--format"):
        detect_format(path)


def test_a_file_with_a_bad_row_stores_nothing_and_names_every_bad_row(
    tmp_path: Path, store: GeoPackageStore
) -> None:
    events = make_events(5)
    path = write_acled(tmp_path / "a.csv", events)
    text = path.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("35.01982", "135.01982")  # row 3: latitude out of range
    text[4] = text[4].replace("Mayadin", "")  # row 5: no location
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_file(path, store=store)
    assert {(p.row, p.column) for p in caught.value.problems} == {
        (3, S.LATITUDE),
        (5, S.LOCATION),
    }
    assert store.load().empty


def test_skip_bad_stores_the_good_rows_and_writes_the_bad_ones_with_reasons(
    tmp_path: Path, store: GeoPackageStore
) -> None:
    path = write_acled(tmp_path / "a.csv", make_events(4))
    text = path.read_text(encoding="utf-8").replace("T-2,2022-10-02,", "T-2,2022-13-45,")
    path.write_text(text, encoding="utf-8")
    rejects = tmp_path / "rejects.csv"
    report = import_file(path, store=store, skip_bad=True, rejects_path=rejects)
    assert (report.read, report.imported, len(report.rejected)) == (4, 3, 1)
    assert sorted(store.load()[S.EVENT_ID]) == ["T-1", "T-3", "T-4"]
    with open(rejects, encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 1
    assert rows[0]["row"] == "3" and rows[0]["event_id_cnty"] == "T-2"
    assert "event_date" in rows[0]["reasons"] and "2022-13-45" in rows[0]["reasons"]


def test_importing_the_same_file_again_adds_nothing(tmp_path: Path, store: GeoPackageStore) -> None:
    path = write_acled(tmp_path / "a.csv", make_events(3))
    first = import_file(path, store=store)
    again = import_file(path, store=store)
    assert (first.imported, first.skipped_existing) == (3, 0)
    assert (again.imported, again.skipped_existing) == (0, 3)
    assert len(store.load()) == 3


def test_an_id_twice_in_one_file_is_a_rejected_row_naming_the_first(
    tmp_path: Path, store: GeoPackageStore
) -> None:
    events = make_events(2)
    events[S.EVENT_ID] = "SAME-1"
    path = tmp_path / "ours.csv"
    csvfile.write(S.validate(events), path)
    with pytest.raises(
        ValidationError, match="row 3, column event_id: 'SAME-1' is also the id of row 2"
    ):
        import_file(path, store=store)


def test_progress_counts_rows_up_to_the_total(tmp_path: Path, store: GeoPackageStore) -> None:
    path = write_acled(tmp_path / "a.csv", make_events(25))
    calls: list[tuple[int, int]] = []
    import_file(path, store=store, progress=lambda done, total: calls.append((done, total)),
                chunk_rows=10)  # fmt: skip
    assert [done for done, _ in calls][:3] == [10, 20, 25]
    assert calls[-1] == (25, 25)
    assert all(done <= total for done, total in calls)


def test_a_geojson_from_another_tool_imports_with_a_mapping(
    tmp_path: Path, store: GeoPackageStore
) -> None:
    event = make_events(1).iloc[0]
    props = {"day": event[S.EVENT_DATE], "what": event[S.SUB_EVENT_TYPE], "marker-color": "#f00"}
    props |= {k: event[k] for k in (S.EVENT_TYPE, S.ACTOR1, S.COUNTRY, S.LOCATION, S.SOURCE)}
    props |= {S.TIME_PRECISION: 1, S.GEO_PRECISION: 1}
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [event[S.LONGITUDE], event[S.LATITUDE]]},
        "properties": props,
    }
    path = tmp_path / "kepler.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    report = import_file(path, store=store, mapping={"day": S.EVENT_DATE, "what": S.SUB_EVENT_TYPE})
    assert report.imported == 1
    assert report.ignored_columns == ["marker-color"]
    assert store.load().iloc[0][S.ORIGIN] == "geojson"


@pytest.mark.parametrize("name", ["geojson", "csv", "acled", "gpkg"])
def test_our_own_exports_import_again_as_the_same_events(
    tmp_path: Path, store: GeoPackageStore, name: str
) -> None:
    events = S.validate(make_events(3, notes="غارة على موقع"))
    path = tmp_path / f"out.{FORMATS[name].extension}"
    FORMATS[name].write(events, path)
    report = import_file(path, store=store)
    assert report.imported == 3 and not report.rejected
    stored = store.load().sort_values(S.EVENT_ID)
    assert list(stored[S.EVENT_ID]) == list(events[S.EVENT_ID])
    assert list(stored[S.NOTES]) == list(events[S.NOTES])


def test_cli_import_prints_what_it_did_and_refuses_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    store_path = str(tmp_path / "s.gpkg")
    good = write_acled(tmp_path / "good.csv", make_events(2))
    assert main(["--store", store_path, "import", str(good)]) == 0
    assert "2 imported" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace("35.01982", "135.0"), "utf-8")
    assert main(["--store", store_path, "import", str(bad), "--format", "acled"]) == 2
    err = capsys.readouterr().err
    assert "nothing was stored" in err and "--skip-bad" in err


# --- the real exports in ../shared/realdata ------------------------------------------------------
def csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    [
        "acled_2020_old_layout.csv",
        "acled_current_layout_2rows.csv",
        "acled_current_layout_no_actor2.csv",
        "ucdp_ged_sample.csv",
    ],
)
def test_every_real_file_imports_and_again_adds_nothing(tmp_path: Path, name: str) -> None:
    path = shared_file("realdata", name)
    rows = csv_rows(path)
    store = GeoPackageStore(tmp_path / "s.gpkg")
    report = import_file(path, store=store, skip_bad=True, rejects_path=tmp_path / "rejects.csv")
    assert report.read == len(rows)
    assert report.imported + len(report.rejected) == report.events
    if name == "acled_2020_old_layout.csv":
        # The file ends in a row cut off after its actor2 (and padded with commas).
        assert [r.row for r in report.rejected] == [len(rows) + 1]
        assert rows[-1]["actor2"] == "Civilians (" and rows[-1]["latitude"] == ""
    else:
        assert report.rejected == []
    if name == "acled_current_layout_no_actor2.csv":
        assert report.events == len({r["event_id_cnty"] for r in rows})
    again = import_file(path, store=store, skip_bad=True)
    assert (again.imported, again.skipped_existing) == (0, report.imported)
    assert again.differs == {}  # nothing read differently the second time
    assert report.format_reason.startswith(("ACLED (", "UCDP GED ("))


def test_an_upload_reads_as_events_in_schema_columns(tmp_path: Path) -> None:
    payload = acled.to_bytes(S.validate(make_events(2)))
    frame = read_upload("export.csv", payload)
    assert list(frame[S.EVENT_ID]) == ["T-1", "T-2"]
    assert list(frame.index) == [2, 3]  # numbered as the analyst's spreadsheet shows them
    assert S.validate(frame)[S.ORIGIN].eq("acled").all()


# --- honest reporting ------------------------------------------------------------------------------
def test_the_cli_says_which_format_it_guessed_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write_acled(tmp_path / "export.csv", make_events(2))
    assert main(["--store", str(tmp_path / "s.gpkg"), "import", str(path)]) == 0
    err = capsys.readouterr().err
    assert "format: ACLED (current layout: disorder_type, civilian_targeting, tags)" in err


def test_problems_are_listed_in_file_order_and_summed_up_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "export.csv"
    csvfile.write(S.validate(make_events(120)), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    column = S.COLUMN_NAMES.index(S.EVENT_DATE)
    for row in (101, 100, 10):  # file rows: the header is row 1
        cells = next(csv.reader([lines[row - 1]]))
        cells[column] = f"someday {row}"
        lines[row - 1] = ",".join(f'"{c}"' for c in cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        import_file(path, store=GeoPackageStore(tmp_path / "s.gpkg"))
    assert [p.row for p in refused.value.problems] == [10, 100, 101]  # not 10, 100, 101 as text
    assert main(["--store", str(tmp_path / "s.gpkg"), "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "3 rows: event_date 'someday 10' is not a date" in err
    assert err.index("row 10,") < err.index("row 100,") < err.index("row 101,")


def test_progress_shows_rows_per_second_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = write_acled(tmp_path / "export.csv", make_events(2_500))
    store = str(tmp_path / "s.gpkg")
    assert main(["--store", store, "import", str(path), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "2,500 of 2,500 rows" in err and "rows/s" in err
    assert main(["--store", store, "import", str(path)]) == 0  # stderr is not a terminal here
    assert "rows/s" not in capsys.readouterr().err


# --- files as spreadsheets save them ---------------------------------------------------------------
def test_a_semicolon_separated_acled_export_is_read_and_said_so(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    comma = write_acled(tmp_path / "comma.csv", make_events(3))
    rows = list(csv.reader(comma.read_text(encoding="utf-8").splitlines()))
    semicolon = tmp_path / "export_fr.csv"
    with open(semicolon, "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, delimiter=";").writerows(rows)
    report = import_file(semicolon, store=gpkg_store)
    assert report.imported == 3
    assert report.format_reason.endswith("; semicolon-separated)")


def test_rows_with_extra_trailing_commas_are_not_refused(
    tmp_path: Path, gpkg_store: GeoPackageStore
) -> None:
    clean = write_acled(tmp_path / "clean.csv", make_events(3))
    lines = clean.read_text(encoding="utf-8").splitlines()
    padded = tmp_path / "padded.csv"
    padded.write_text("\n".join([lines[0] + ",,", *(line + ",,," for line in lines[1:])]) + "\n")
    report = import_file(padded, store=gpkg_store)
    assert (report.imported, report.rejected) == (3, [])


# --- re-imports of revised data ---------------------------------------------------------------------
def test_a_revised_file_reports_the_events_that_differ_and_update_writes_them(
    tmp_path: Path, store: EventStore
) -> None:
    first = write_acled(tmp_path / "acled_2022.csv", make_events(3, **{S.FATALITIES: 3}))
    import_file(first, store=store)
    revised_events = make_events(3, **{S.FATALITIES: 3})
    revised_events.loc[2, S.FATALITIES] = 12
    revised = write_acled(tmp_path / "acled_2022_v2.csv", revised_events)
    report = import_file(revised, store=store)
    assert report.differs == {"T-2": {S.FATALITIES: [3, 12]}}
    assert report.summary() == (
        "acled_2022_v2.csv (acled): 3 rows read, 0 imported, 2 already stored, "
        "1 differ from the store (--update to apply), 0 rejected"
    )
    assert "T-2 differs from the store: fatalities 3 -> 12" in report.details()
    assert store.get("T-2")[S.FATALITIES] == 3
    applied = import_file(revised, store=store, update=True, user="vera")
    assert (applied.imported, applied.updated) == (0, 1)
    assert (store.get("T-2")[S.FATALITIES], store.get("T-2")[S.VERSION]) == (12, 2)
    last = store.history("T-2").iloc[-1]
    assert (last["action"], last["user"]) == ("update (import of acled_2022_v2.csv)", "vera")
    assert store.get("T-1")[S.VERSION] == 1  # unchanged events get no new version


def test_update_applies_the_revision_as_a_version_whose_history_names_the_file_and_who(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    store_path = str(tmp_path / "s.gpkg")
    first = write_acled(tmp_path / "acled_2022.csv", make_events(3, **{S.FATALITIES: 3}))
    assert main(["--store", store_path, "import", str(first)]) == 0
    store = GeoPackageStore(store_path)
    store.update("T-1", {S.STATUS: "draft"}, expected_version=1, user="amal")
    revised_events = make_events(3, **{S.FATALITIES: 3})
    revised_events.loc[2, S.FATALITIES] = 12
    revised = write_acled(tmp_path / "acled_2022_v2.csv", revised_events)
    capsys.readouterr()
    assert main(["--store", store_path, "--user", "vera", "import", str(revised)]) == 0
    out = capsys.readouterr().out
    assert "2 already stored, 1 differ from the store (--update to apply)" in out
    assert main(["--store", store_path, "--user", "vera", "import", str(revised), "--update"]) == 0
    assert "2 already stored, 1 updated" in capsys.readouterr().out
    event = store.get("T-2")
    assert (event[S.FATALITIES], event[S.VERSION]) == (12, 2)
    last = store.history("T-2").iloc[-1]
    assert last["action"] == "update (import of acled_2022_v2.csv)" and last["user"] == "vera"
    assert last["changes"] == {S.FATALITIES: [3, 12]}
    assert store.get("T-1")[S.STATUS] == "draft"  # the analyst's review is not the source's
    again = import_file(revised, store=store, update=True)
    assert (again.imported, again.updated, again.differs) == (0, 0, {})


def test_a_file_inside_a_zip_is_named_as_the_analyst_has_it(tmp_path: Path) -> None:
    zipped = tmp_path / "download.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("events.csv", "when,where,what\n2022-10-22,Mayadin,strike\n")
    with pytest.raises(InputError) as refused:
        import_file(zipped, store=GeoPackageStore(tmp_path / "s.gpkg"))
    assert str(refused.value).startswith(f"{zipped} (events.csv): cannot tell the format")
