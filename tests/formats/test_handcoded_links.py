"""Hand-coded links: YAML events and CSV rows name the events they answer by event_id."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, make_events

from geo import links as L
from geo.cli.main import main
from geo.event_files import read_event_files_with_links
from geo.store import GeoPackageStore

FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"


def test_the_founding_report_links_both_strikes_and_the_counter_fire_to_the_attack() -> None:
    events, links = read_event_files_with_links([FOUNDING])
    assert len(events) == 5
    answered = {(r[L.EVENT_ID], r[L.RELATION], r[L.TARGET_ID]) for _, r in links.iterrows()}
    assert answered == {
        ("CM-SYR-20221022-02", "response_to", "CM-SYR-20221022-01"),
        ("CM-SYR-20221022-03", "retaliation_for", "CM-SYR-20221022-01"),
        ("CM-SYR-20221022-04", "retaliation_for", "CM-SYR-20221022-01"),
    }
    assert (links[L.SOURCE] == "hand").all() and (links[L.STATUS] == "accepted").all()
    assert all(isinstance(e, str) and e for e in links[L.EVIDENCE])


def _csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


EVENT_HEADER = list(make_events(1).columns)


def _event_rows(n: int, links: dict[int, str]) -> list[list[str]]:
    frame = make_events(n)
    return [
        [str(v) for v in row] + [links.get(i + 1, "")]
        for i, row in enumerate(frame.itertuples(index=False))
    ]


def test_a_csv_links_column_names_relation_and_event_id(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "batch.csv",
        [*EVENT_HEADER, "links"],
        _event_rows(3, {2: "retaliation_for:T-1", 3: "follow_up:T-2; response_to:T-1"}),
    )
    store_path = tmp_path / "s.gpkg"
    assert main(["--store", str(store_path), "add", str(path)]) == 0
    stored = GeoPackageStore(store_path).links()
    assert sorted(stored[L.LINK_ID]) == [
        "T-2~retaliation_for~T-1",
        "T-3~follow_up~T-2",
        "T-3~response_to~T-1",
    ]


def test_a_link_to_an_unknown_id_in_a_file_stores_nothing_and_names_row_and_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(
        tmp_path / "batch.csv",
        [*EVENT_HEADER, "links"],
        _event_rows(3, {3: "retaliation_for:CM-SYR-20990101-01"}),
    )
    store_path = tmp_path / "s.gpkg"
    assert main(["--store", str(store_path), "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 4, column target_id: no event with id 'CM-SYR-20990101-01'" in err
    store = GeoPackageStore(store_path)
    assert store.load().empty and store.links().empty


def test_a_file_of_links_alone_links_events_already_stored(tmp_path: Path) -> None:
    store_path = tmp_path / "s.gpkg"
    GeoPackageStore(store_path).add(make_events(2))
    path = _csv(
        tmp_path / "links.csv",
        ["event_id", "relation", "target_id", "evidence"],
        [["T-2", "retaliation_for", "T-1", "in retaliation for the shelling"]],
    )
    assert main(["--store", str(store_path), "add", str(path)]) == 0
    assert GeoPackageStore(store_path).links()[L.EVIDENCE].tolist() == [
        "in retaliation for the shelling"
    ]


def test_a_bad_relation_in_yaml_is_named_by_event_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        FOUNDING.read_text(encoding="utf-8").replace("response_to:", "revenge_for:"),
        encoding="utf-8",
    )
    store_path = tmp_path / "s.gpkg"
    assert main(["--store", str(store_path), "add", str(path)]) == 2
    err = capsys.readouterr().err
    assert "column revenge_for: is not a link column" in err
    assert "row 2, column relation: is required" in err  # the second event carries it
    assert GeoPackageStore(store_path).load().empty
