"""Two analysts saving the same event at the same moment: one wins, the other is told, nothing is lost.

Real threads, each with its own connection, against both stores.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from conftest import make_events

from geo import schema as S
from geo.errors import ConflictError
from geo.store import EventStore


def save_together(store: EventStore, edits: dict[str, int]) -> dict[str, object]:
    """Each user saves fatalities=value on T-1 from version 1, all released at the same instant."""
    start = threading.Barrier(len(edits))
    outcome: dict[str, object] = {}

    def save(user: str, value: int) -> None:
        start.wait()
        try:
            outcome[user] = store.update(
                "T-1", {S.FATALITIES: value}, expected_version=1, user=user
            )
        except ConflictError as exc:
            outcome[user] = exc

    threads = [threading.Thread(target=save, args=item) for item in edits.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcome


def test_two_writers_on_one_event_exactly_one_wins(store: EventStore) -> None:
    store.add(make_events(1))
    outcome = save_together(store, {"amal": 5, "bilal": 9})

    winners = [u for u, r in outcome.items() if not isinstance(r, ConflictError)]
    losers = [u for u, r in outcome.items() if isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1
    winner, loser = winners[0], losers[0]
    wrote = {"amal": 5, "bilal": 9}

    # The winner's change is stored, once.
    event = store.get("T-1")
    assert event[S.FATALITIES] == wrote[winner] and event[S.VERSION] == 2

    # The loser is told which version they edited, what is stored now, and what they wrote.
    refused = outcome[loser]
    assert isinstance(refused, ConflictError)
    assert (refused.expected, refused.current) == (1, 2)
    assert refused.fields[S.FATALITIES] == [wrote[winner], wrote[loser]]
    assert f"you wrote {wrote[loser]}" in str(refused)

    # The audit log has both attempts: nothing the loser typed is lost.
    history = store.history("T-1")
    assert history["action"].tolist() == ["add", "update", "conflict"]
    assert history["user"].tolist()[1:] == [winner, loser]
    assert history["changes"].iloc[2][S.FATALITIES] == [wrote[winner], wrote[loser]]


def test_many_writers_from_one_version_one_wins_every_other_is_logged(store: EventStore) -> None:
    store.add(make_events(1))
    edits = {f"analyst{i}": i + 1 for i in range(6)}
    outcome = save_together(store, edits)

    winners = [u for u, r in outcome.items() if not isinstance(r, ConflictError)]
    assert len(winners) == 1 and len(outcome) == len(edits)
    assert store.get("T-1")[S.FATALITIES] == edits[winners[0]]
    history = store.history("T-1")
    assert sorted(history["action"]) == sorted(["add", "update"] + ["conflict"] * 5)
    assert sorted(history["user"].dropna()) == sorted(edits)


@pytest.mark.postgis
def test_a_save_racing_an_uncommitted_one_waits_for_it_and_is_refused(postgis_store) -> None:
    """The stale reader passes the first version check; the UPDATE's own check still refuses it."""
    postgis_store.add(make_events(1))
    other = psycopg.connect(postgis_store.url, options=f"-c search_path={postgis_store.schema}")
    # Another session's save, not yet committed: it holds the row.
    other.execute("UPDATE events SET fatalities = 5, version = 2 WHERE event_id = 'T-1'")
    outcome: list[object] = []

    def save() -> None:
        try:
            outcome.append(
                postgis_store.update("T-1", {S.FATALITIES: 9}, expected_version=1, user="bilal")
            )
        except ConflictError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=save)
    thread.start()
    try:
        blocked = waiting_for_lock(other, deadline=time.monotonic() + 30)
    finally:
        other.commit()
        other.close()
        thread.join(timeout=30)

    assert blocked, "the second save never waited for the first one's row lock"
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
    assert "you edited version 1, the store now holds version 2" in str(outcome[0])
    assert postgis_store.get("T-1")[S.FATALITIES] == 5
    last = postgis_store.history("T-1").iloc[-1]
    assert last["action"] == "conflict" and last["changes"][S.FATALITIES] == [5, 9]


def waiting_for_lock(con: psycopg.Connection, *, deadline: float) -> bool:
    """True once some conflictmap session waits for a row lock; False at the deadline."""
    with psycopg.connect(con.info.dsn, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            if watcher.execute(
                "SELECT 1 FROM pg_stat_activity WHERE application_name = 'conflictmap' "
                "AND wait_event_type = 'Lock'"
            ).fetchone():
                return True
            time.sleep(0.05)
    return False
