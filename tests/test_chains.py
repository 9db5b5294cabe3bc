"""Chains: the founding exchange as one story, chains in a filtered view, the in-chain filter."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, make_event, make_events

from geo import links as L
from geo import schema as S
from geo.chains import ChainIndex, components
from geo.cli.main import main
from geo.event_files import add_event_files
from geo.query import EventIndex, Filters
from geo.store import EventStore, GeoPackageStore, cache

FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"


@pytest.fixture
def founding(store: EventStore) -> EventStore:
    add_event_files(store, [FOUNDING])
    return store


def test_the_founding_exchange_is_one_chain_of_four_events(founding: EventStore) -> None:
    chains = ChainIndex(founding.load(), founding.links())
    table = chains.table()
    assert len(table) == 1
    chain = table.iloc[0]
    assert chain["chain_id"] == "chain:CM-SYR-20221022-01"  # named after the attack
    assert chain["events"] == 4 and chain["links"] == 3
    assert chain["first_day"] == pd.Timestamp("2022-10-22")
    assert chain["last_day"] == pd.Timestamp("2022-10-23")
    # The counter-fire came minutes after (0.1 h, as the report says); the strikes' hours are
    # not reported, so their delay is counted in days.
    assert chain["delays"] == "0.1 h; same day; same day"
    assert chain["max_delay_hours"] == 0.1
    # al-Omar to Mayadin is about 19 km, to al-Jalaa about 62 km.
    assert chain["distances_km"] == "19; 19; 62"
    assert chain["attacked_side"] == "Unidentified Armed Group (Syria)"
    assert "Global Coalition Against Daesh" in chain["answering_side"]
    one = chains.chain_of("CM-SYR-20221022-04")
    assert one is not None and one.events[S.EVENT_ID].tolist()[0] == "CM-SYR-20221022-01"
    assert chains.chain_of("CM-SYR-20221022-05") is None  # the unexplained explosions


def test_only_accepted_links_make_chains(store: EventStore) -> None:
    store.add(make_events(4))
    store.add_links(
        pd.DataFrame(
            [
                {L.EVENT_ID: "T-2", L.TARGET_ID: "T-1", L.RELATION: "retaliation_for"},
                {
                    L.EVENT_ID: "T-4",
                    L.TARGET_ID: "T-3",
                    L.RELATION: "retaliation_for",
                    L.SOURCE: "extracted",
                    L.SCORE: 0.6,
                },
            ]
        )
    )
    chains = ChainIndex(store.load(), store.links())
    assert chains.table()["event_ids"].tolist() == ["T-1; T-2"]


def test_the_in_chain_filter_keeps_linked_events_in_every_store(founding: EventStore) -> None:
    kept = founding.load(Filters(in_chain=True))
    assert sorted(kept[S.EVENT_ID]) == [f"CM-SYR-20221022-0{i}" for i in range(1, 5)]
    snapshot = cache.EventCache().load(founding)
    same = snapshot.index.apply(Filters(in_chain=True))
    assert sorted(same[S.EVENT_ID]) == sorted(kept[S.EVENT_ID])


def test_a_view_shows_the_chains_it_touches_whole() -> None:
    events = pd.DataFrame(make_events(6))
    typed = S.validate(events)
    links = L.validate_links(
        pd.DataFrame(
            [
                {L.EVENT_ID: "T-2", L.TARGET_ID: "T-1", L.RELATION: "retaliation_for"},
                {L.EVENT_ID: "T-3", L.TARGET_ID: "T-2", L.RELATION: "retaliation_for"},
                {L.EVENT_ID: "T-6", L.TARGET_ID: "T-5", L.RELATION: "follow_up"},
            ]
        )
    )
    chains = ChainIndex(typed, links)
    index = EventIndex(typed, in_chain=chains.in_chain)
    view = index.mask(
        Filters(
            date_from=pd.Timestamp("2022-10-03").date(), date_to=pd.Timestamp("2022-10-03").date()
        )
    )
    table = chains.table(view)
    assert table["event_ids"].tolist() == ["T-1; T-2; T-3"]  # T-3 alone is in view
    assert table["delays"].tolist() == ["1 d; 1 d"]
    assert len(chains.table()) == 2


def test_components_join_long_exchanges() -> None:
    # 0-1-2-3-4 in a line, given in the worst order; 5-6 apart; 7 alone.
    u = pd.Series([3, 2, 1, 0, 5]).to_numpy()
    v = pd.Series([4, 3, 2, 1, 6]).to_numpy()
    labels = components(8, u, v)
    assert len(set(labels[:5])) == 1 and labels[5] == labels[6]
    assert len(set(labels)) == 3


def test_the_chains_command_lists_the_founding_chain(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = str(tmp_path / "s.gpkg")
    assert main(["--store", store_path, "add", str(FOUNDING)]) == 0
    assert main(["--store", store_path, "chains", "--from", "2022-10-22"]) == 0
    out = capsys.readouterr().out
    assert "chain:CM-SYR-20221022-01" in out and "0.1 h; same day; same day" in out
    assert main(["--store", store_path, "chains", "--event", "CM-SYR-20221022-03"]) == 0
    out = capsys.readouterr().out
    assert "CM-SYR-20221022-03 retaliation_for CM-SYR-20221022-01: same day, 19 km" in out
    assert main(["--store", store_path, "chains", "--from", "2023-01-01"]) == 0
    assert "no chains match" in capsys.readouterr().out


def test_linking_and_unlinking_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = str(tmp_path / "s.gpkg")
    assert main(["--store", store_path, "add", str(FOUNDING)]) == 0
    base = ["--store", store_path, "--user", "amal"]
    assert main([*base, "link", "CM-SYR-20221022-05", "follow_up", "CM-SYR-20221022-04"]) == 0
    capsys.readouterr()
    # The same link again: someone made it first; the second analyst is told.
    assert main([*base, "link", "CM-SYR-20221022-05", "follow_up", "CM-SYR-20221022-04"]) == 2
    assert "is already stored" in capsys.readouterr().err
    lid = "CM-SYR-20221022-05~follow_up~CM-SYR-20221022-04"
    assert main([*base, "unlink", lid, "--version", "2"]) == 2
    assert "you edited version 2, the store now holds version 1" in capsys.readouterr().err
    assert main([*base, "unlink", lid, "--version", "1"]) == 0
    assert main([*base, "link-history", lid]) == 0
    out = capsys.readouterr().out
    assert "add" in out and "delete" in out and "amal" in out
    assert main([*base, "link", "CM-SYR-20221022-05", "follow_up", "CM-NOPE-1"]) == 2
    assert "no event with id 'CM-NOPE-1'" in capsys.readouterr().err


def test_merging_duplicates_moves_their_links_to_the_event_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store_path = tmp_path / "s.gpkg"
    store = GeoPackageStore(store_path)
    add_event_files(store, [FOUNDING])
    attack = store.get("CM-SYR-20221022-01")
    # The same rocket attack from another outlet, extracted, and an answer linked to that copy.
    copy = attack.drop(labels=["geometry"]).to_dict()
    copy.update(event_id="X-copy", source="Deir Ezzor 24", status="draft", origin="extracted")
    answer = make_event(event_id="X-answer", event_date="2022-10-24")
    store.add(pd.DataFrame([copy, answer]))
    store.add_links(
        pd.DataFrame([{L.EVENT_ID: "X-answer", L.TARGET_ID: "X-copy", L.RELATION: "follow_up"}])
    )
    assert main(["--store", str(store_path), "duplicates", "--merge"]) == 0
    links = GeoPackageStore(store_path).links().set_index(L.LINK_ID)
    moved = links.loc["X-answer~follow_up~CM-SYR-20221022-01"]
    assert moved[L.SOURCE] == "merged"
    assert "X-answer~follow_up~X-copy" not in links.index
    chains = ChainIndex(GeoPackageStore(store_path).load(), GeoPackageStore(store_path).links())
    assert chains.chain_of("X-answer").chain_id == "chain:CM-SYR-20221022-01"
