"""``conflictmap extract``: a report file in, draft events out; --commit stores them for review."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo import schema as S
from geo.cli.main import main
from geo.extract import evidence_spans
from geo.query import Filters
from geo.store import GeoPackageStore

REPORT = (
    "Rockets were fired from Mayadin towards the al-Omar oil field last night, local sources "
    "said. Separately, Russian jets bombed the outskirts of Saraqib yesterday, SOHR said.\n"
)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.txt"
    path.write_text(REPORT, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_extract_prints_the_drafts_as_geojson(report: Path, capsys) -> None:
    code, out, err = run(
        capsys, "extract", str(report), "--source", "Test Wire",
        "--published", "2022-10-23T06:52+03:00",
    )  # fmt: skip
    assert code == 0
    features = json.loads(out)["features"]
    assert [f["properties"]["sub_event_type"] for f in features] == [
        "Shelling/artillery/missile attack",
        "Air/drone strike",
    ]
    assert all(f["properties"]["status"] == "draft" for f in features)
    assert features[0]["properties"]["origin_location"]
    assert "2 draft event(s)" in err


def test_commit_stores_drafts_once_and_review_keeps_the_evidence(
    report: Path, tmp_path: Path, capsys
) -> None:
    gpkg = tmp_path / "events.gpkg"
    args = ("--store", str(gpkg), "extract", str(report), "--source", "Test Wire",
            "--published", "2022-10-23T06:52+03:00", "--commit")  # fmt: skip
    assert run(capsys, *args)[0] == 0
    assert "stored 0 draft(s), 2 already stored" in run(capsys, *args)[2]

    store = GeoPackageStore(gpkg)
    drafts = store.load(Filters(statuses=("draft",)))
    assert len(drafts) == 2
    shelling, strike = (drafts[drafts[S.SUB_EVENT_TYPE] == t].iloc[0] for t in
                        ("Shelling/artillery/missile attack", "Air/drone strike"))  # fmt: skip
    evidence = shelling[S.EVIDENCE]
    assert evidence_spans(evidence)[0][2] == REPORT[: REPORT.index("said.") + 5]

    # the analyst corrects the type of one draft and accepts it, and rejects the other
    accepted = store.update(
        shelling[S.EVENT_ID],
        {S.SUB_EVENT_TYPE: "Air/drone strike", S.STATUS: "reviewed"},
        expected_version=int(shelling[S.VERSION]),
    )
    rejected = store.update(
        strike[S.EVENT_ID], {S.STATUS: "rejected"}, expected_version=int(strike[S.VERSION])
    )
    assert accepted[S.EVIDENCE] == evidence and accepted[S.STATUS] == "reviewed"
    assert rejected[S.EVIDENCE] == strike[S.EVIDENCE]
    assert store.load(Filters(statuses=("draft",))).empty


def test_bad_dateline_and_missing_file_are_one_sentence(report: Path, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["extract", str(report), "--source", "S", "--published", "yesterday"])
    assert "write it like 2022-10-23T06:52+03:00" in capsys.readouterr().err
    code, _, err = run(capsys, "extract", "missing.txt", "--source", "S", "--published",
                       "2022-10-23T06:52+03:00")  # fmt: skip
    assert code == 2 and "cannot read the report" in err


# --- many reports in one call --------------------------------------------------------------------
OTHER = "Unidentified drones struck militia trucks in Albukamal on Saturday, the monitor said.\n"


def test_several_files_and_a_folder_in_one_call(report: Path, tmp_path: Path, capsys) -> None:
    day = tmp_path / "day"
    day.mkdir()
    (day / "b.txt").write_text(OTHER, encoding="utf-8")
    (day / "notes.pdf").write_bytes(b"%PDF-1.4")  # not a report: a folder gives its text files
    code, out, err = run(capsys, "extract", str(report), str(day), "--source", "Test Wire",
                         "--published", "2022-10-23T06:52+03:00")  # fmt: skip
    assert code == 0
    locations = [f["properties"]["location"] for f in json.loads(out)["features"]]
    assert len(locations) == 3 and any("Kamal" in x for x in locations)
    assert "3 draft event(s) from 2 reports" in err


def test_a_json_lines_stream_gives_each_report_its_outlet_and_dateline(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import io

    lines = [
        {"text": REPORT, "source": "Wire A", "published": "2022-10-23T06:52+03:00"},
        {"text": OTHER, "source": "Wire B", "published": "2023-03-13T10:00+03:00",
         "url": "https://example.org/b"},
    ]  # fmt: skip
    stream = "\n".join(json.dumps(x) for x in lines) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stream.encode())))
    code, out, _ = run(capsys, "extract", "-")
    assert code == 0
    props = [f["properties"] for f in json.loads(out)["features"]]
    kamal = next(p for p in props if "Kamal" in p["location"])
    assert kamal["source"] == "Wire B" and kamal["event_date"].startswith("2023-03-11")
    assert kamal["source_url"] == "https://example.org/b"
    assert {p["source"].split("; ")[-1] for p in props} == {"Wire A", "Wire B"}


def test_a_bad_line_of_the_stream_is_named_and_nothing_is_printed(
    monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import io

    stream = (
        json.dumps({"text": OTHER, "source": "Wire B", "published": "2023-03-13T10:00"})
        + "\n"
        + json.dumps({"text": OTHER, "source": "Wire C", "published": "last week"})
        + "\n{not json\n"
    )
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stream.encode())))
    code, out, err = run(capsys, "extract", "-")
    assert code == 2 and out == ""
    assert "line 2, field published: 'last week' is not a date and time" in err
    assert "line 3: not a JSON object" in err


# --- the villages of the analyst's own events ---------------------------------------------------
VILLAGE_REPORT = (
    "Gunmen attacked an SDF checkpoint in the village of Abu Hamam in the eastern Deir ez-Zor "
    "countryside on Tuesday, killing two fighters, local sources said.\n"
)


def test_a_village_the_store_has_events_at_places_a_later_report(tmp_path: Path, capsys) -> None:
    from conftest import make_event

    report = tmp_path / "village.txt"
    report.write_text(VILLAGE_REPORT, encoding="utf-8")
    gpkg = str(tmp_path / "events.gpkg")
    argv = ["--store", gpkg, "extract", str(report), "--source", "Test Wire",
            "--published", "2023-05-18T10:00+03:00"]  # fmt: skip
    store = GeoPackageStore(gpkg)
    store.add(S.validate(pd.DataFrame([make_event(**{S.EVENT_ID: "X-0"})])))  # Mayadin only

    code, out, _ = run(capsys, *argv)
    before = json.loads(out)["features"]
    assert code == 0 and [f["properties"]["geo_precision"] for f in before] == [3]

    # an import codes an earlier event to the village, with its point
    store.add(
        S.validate(pd.DataFrame([make_event(**{
            S.EVENT_ID: "X-1", S.LOCATION: "Abu Hamam", S.LATITUDE: 34.86, S.LONGITUDE: 40.77,
        })]))
    )  # fmt: skip
    code, out, _ = run(capsys, *argv)
    (after,) = json.loads(out)["features"]
    assert after["properties"]["location"] == "Abu Hamam"
    assert after["properties"]["geo_precision"] == 1
    assert after["geometry"]["coordinates"] == [40.77, 34.86]
    assert after["properties"]["event_date"] == "2023-05-16"

    code, out, _ = run(capsys, "--store", gpkg, "geocode", "Abu Hamam")
    assert code == 0 and "-> Abu Hamam  [store:sy:abuhamam, town]" in out
    assert "the store: 1 event coded there at precision 1, e.g. X-1" in out
