"""Links between events in both stores: stored, versioned, audited, refused when they name a
missing event or close a circle of retaliation, and nothing half-written.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_events

from geo import links as L
from geo.errors import ConflictError, NotFoundError, ValidationError
from geo.store import EventStore, GeoPackageStore


def link(answer: str, answered: str, relation: str = "retaliation_for", **more: object) -> dict:
    return {L.EVENT_ID: answer, L.TARGET_ID: answered, L.RELATION: relation, **more}


def frame(*rows: dict) -> pd.DataFrame:
    out = pd.DataFrame(list(rows))
    out.index = pd.RangeIndex(1, len(out) + 1)
    return out


@pytest.fixture
def four(store: EventStore) -> EventStore:
    store.add(make_events(4))
    return store


def test_a_hand_link_is_stored_accepted_and_read_back(four: EventStore) -> None:
    result = four.add_links(
        frame(link("T-2", "T-1", evidence="رداً على القصف", delay_hours=0.5)), user="amal"
    )
    assert result.added == ["T-2~retaliation_for~T-1"]
    stored = four.links()
    assert len(stored) == 1
    row = stored.iloc[0]
    assert (row[L.SOURCE], row[L.STATUS], row[L.VERSION]) == ("hand", "accepted", 1)
    assert row[L.EVIDENCE] == "رداً على القصف" and row[L.DELAY_HOURS] == 0.5
    history = four.link_history("T-2~retaliation_for~T-1")
    assert history["action"].tolist() == ["add"] and history["user"].tolist() == ["amal"]


def test_a_link_to_an_unknown_event_is_refused_naming_it_and_nothing_is_written(
    four: EventStore,
) -> None:
    revision = four.revision()
    batch = frame(link("T-2", "T-1"), link("T-3", "CM-NOPE-9"))
    with pytest.raises(
        ValidationError, match="row 2, column target_id: no event with id 'CM-NOPE-9'"
    ):
        four.add_links(batch)
    assert four.links().empty  # the good first row was not stored either
    assert four.revision() == revision


def test_a_circle_of_retaliation_is_refused(four: EventStore) -> None:
    four.add_links(frame(link("T-2", "T-1"), link("T-3", "T-2")))
    with pytest.raises(ValidationError, match="circle of retaliation") as refused:
        four.add_links(frame(link("T-1", "T-3")))
    assert "T-1 retaliates for T-3 retaliates for T-2 retaliates for T-1" in str(refused.value)
    assert len(four.links()) == 2
    # Other relations may go both ways: two reports of one incident.
    four.add_links(frame(link("T-1", "T-2", "same_incident")))
    assert len(four.links()) == 3


def test_bad_link_fields_are_named_by_row_and_column(four: EventStore) -> None:
    bad = frame(link("T-2", "T-2"), link("T-3", "T-1", "revenge", score=3))
    with pytest.raises(ValidationError) as refused:
        four.add_links(bad)
    text = str(refused.value)
    assert "row 1, column target_id: an event cannot answer itself" in text
    assert "row 2, column relation: 'revenge' is not one of" in text
    assert "row 2, column score: 3 is not a number in 0..1" in text
    assert four.links().empty


def test_accepting_a_candidate_is_a_new_version_in_the_history(four: EventStore) -> None:
    four.add_links(frame(link("T-2", "T-1", source="extracted", score=0.7)))
    lid = "T-2~retaliation_for~T-1"
    assert four.get_link(lid)[L.STATUS] == "candidate"
    after = four.update_link(lid, {L.STATUS: "accepted"}, expected_version=1, user="vera")
    assert after[L.STATUS] == "accepted" and after[L.VERSION] == 2
    history = four.link_history(lid)
    assert history["action"].tolist() == ["add", "update"]
    assert history["changes"].iloc[1] == {"status": ["candidate", "accepted"]}


def test_a_stale_edit_of_a_link_is_refused_with_both_versions(four: EventStore) -> None:
    four.add_links(frame(link("T-2", "T-1", source="extracted", score=0.7)))
    lid = "T-2~retaliation_for~T-1"
    four.update_link(lid, {L.STATUS: "accepted"}, expected_version=1, user="amal")
    with pytest.raises(ConflictError, match="link T-2~retaliation_for~T-1 was changed") as told:
        four.update_link(lid, {L.STATUS: "rejected"}, expected_version=1, user="bilal")
    assert told.value.fields == {"status": ["accepted", "rejected"]}
    assert four.get_link(lid)[L.STATUS] == "accepted"


def test_unlinked_and_linked_again_an_old_edit_is_still_refused(four: EventStore) -> None:
    four.add_links(frame(link("T-2", "T-1")))
    lid = "T-2~retaliation_for~T-1"
    four.delete_link(lid, expected_version=1, user="amal")
    assert four.links().empty
    four.add_links(frame(link("T-2", "T-1")))
    assert four.get_link(lid)[L.VERSION] == 2
    with pytest.raises(ConflictError):
        four.update_link(lid, {L.EVIDENCE: "x"}, expected_version=1)
    assert four.link_history(lid)["action"].tolist()[:3] == ["add", "delete", "add"]


def test_two_analysts_linking_and_unlinking_at_once_one_is_told(four: EventStore) -> None:
    four.add_links(frame(link("T-2", "T-1")))
    lid = "T-2~retaliation_for~T-1"
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def unlink() -> None:
        start.wait()
        try:
            four.delete_link(lid, expected_version=1, user="amal")
            outcome["amal"] = "unlinked"
        except (ConflictError, NotFoundError) as exc:
            outcome["amal"] = exc

    def correct() -> None:
        start.wait()
        try:
            four.update_link(lid, {L.EVIDENCE: "after the attack"}, expected_version=1, user="b")
            outcome["bilal"] = "corrected"
        except (ConflictError, NotFoundError) as exc:
            outcome["bilal"] = exc

    threads = [threading.Thread(target=unlink), threading.Thread(target=correct)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    told = [who for who, what in outcome.items() if isinstance(what, Exception)]
    assert len(told) == 1, outcome
    if outcome.get("amal") == "unlinked":
        assert four.links().empty
        assert "someone unlinked it" in str(outcome["bilal"])
    else:
        assert four.get_link(lid)[L.EVIDENCE] == "after the attack"
        assert isinstance(outcome["amal"], ConflictError)


def test_two_analysts_linking_the_same_pair_at_once_one_is_told(four: EventStore) -> None:
    start = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def add(user: str) -> None:
        start.wait()
        try:
            outcome[user] = four.add_links(
                frame(link("T-3", "T-1")), on_existing="error", user=user
            )
        except ValidationError as exc:
            outcome[user] = exc

    threads = [threading.Thread(target=add, args=(u,)) for u in ("amal", "bilal")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    told = [u for u, r in outcome.items() if isinstance(r, ValidationError)]
    assert len(told) == 1 and "is already stored" in str(outcome[told[0]])
    assert len(four.links()) == 1


def test_opening_a_store_made_before_links_adds_the_tables_and_keeps_the_events(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.gpkg"
    GeoPackageStore(path).add(make_events(3))
    with sqlite3.connect(path) as con:  # what a store written before links looks like
        con.execute("DROP TABLE event_links")
        con.execute("DROP TABLE link_history")
        con.execute("DELETE FROM gpkg_contents WHERE table_name IN ('event_links', 'link_history')")
    reopened = GeoPackageStore(path)
    assert len(reopened.load()) == 3
    reopened.add_links(frame(link("T-2", "T-1")))
    assert len(reopened.links()) == 1


@pytest.mark.postgis
def test_the_links_migration_is_applied(postgis_store: EventStore) -> None:
    assert "0003_event_links" in postgis_store.migrations_applied()
