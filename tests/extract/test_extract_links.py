"""Links drafted from reports: a response cue in a draft's own sentence links it to what it
answers (a draft of the same report, or a stored event by place, date window and actor), as a
scored candidate; a report that only mentions an earlier attack as background links nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, shared_file

from geo import links as L
from geo import schema as S
from geo.cli.main import main
from geo.event_files import add_event_files
from geo.extract import extract
from geo.extract.links import draft_links, stored_window
from geo.store import GeoPackageStore

FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"


def drafts_of(text: str, published: str) -> pd.DataFrame:
    return extract(text, source="Test", published=dt.datetime.fromisoformat(published))


def readable(links: pd.DataFrame, drafts: pd.DataFrame) -> set[tuple[str, str, str]]:
    where = dict(zip(drafts[S.EVENT_ID], drafts[S.LOCATION], strict=True))
    return {
        (
            where.get(r[L.EVENT_ID], r[L.EVENT_ID]),
            r[L.RELATION],
            where.get(r[L.TARGET_ID], r[L.TARGET_ID]),
        )
        for _, r in links.iterrows()
    }


@pytest.fixture(scope="module")
def founding_store(tmp_path_factory: pytest.TempPathFactory) -> GeoPackageStore:
    store = GeoPackageStore(tmp_path_factory.mktemp("links") / "store.gpkg")
    add_event_files(store, [FOUNDING])
    return store


def test_the_founding_report_links_both_strikes_to_the_attack_on_al_omar() -> None:
    text = shared_file("seeds", "000_e7f11bdf093012be.txt").read_text(encoding="utf-8")
    drafts = drafts_of(text, "2022-10-23T06:52+03:00")
    links = draft_links(drafts)
    assert readable(links, drafts) == {
        ("Al Mayadin", "response_to", "al-Omar oil field"),
        ("Al Jala’", "response_to", "al-Omar oil field"),
    }
    assert (links[L.STATUS] == "candidate").all() and (links[L.SOURCE] == "extracted").all()
    # al-Jalaa's sentence names the base it follows: a higher score than a generic answer.
    jalaa = links.set_index(L.EVENT_ID).loc[
        drafts.loc[drafts[S.LOCATION] == "Al Jala’", S.EVENT_ID]
    ]
    assert float(jalaa[L.SCORE].iloc[0]) >= 0.6
    assert "عقب الهجوم على" in jalaa[L.EVIDENCE].iloc[0]


def test_an_arabic_report_of_attack_and_answer() -> None:
    text = (
        "سقطت صواريخ مساء الاثنين على قاعدة حقل كونيكو في ريف دير الزور بحسب مصادر محلية. "
        "ورداً على استهداف قاعدة كونيكو، قصفت طائرات التحالف مواقع للميليشيات الإيرانية في "
        "مدينة الميادين يوم الثلاثاء."
    )
    drafts = drafts_of(text, "2023-03-08T09:00+03:00")
    links = draft_links(drafts)
    assert readable(links, drafts) == {("Al Mayadin", "response_to", "Conoco gas plant")}


def test_an_english_retaliation_links_to_the_stored_attack(founding_store: GeoPackageStore) -> None:
    text = (
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday in "
        "retaliation for the rocket attack on the al-Omar base."
    )
    drafts = drafts_of(text, "2022-10-25T09:00+03:00")
    links = draft_links(drafts, stored=founding_store.load(stored_window(drafts)))
    assert len(links) == 1
    link = links.iloc[0]
    assert (link[L.RELATION], link[L.TARGET_ID]) == ("retaliation_for", "CM-SYR-20221022-01")
    assert link[L.STATUS] == "candidate" and 0.5 <= link[L.SCORE] <= 0.95


def test_an_attack_outside_the_date_window_is_not_what_a_report_answers(
    founding_store: GeoPackageStore,
) -> None:
    text = (
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday in "
        "retaliation for the rocket attack on the al-Omar base."
    )
    drafts = drafts_of(text, "2023-05-10T09:00+03:00")  # seven months on
    assert draft_links(drafts, stored=founding_store.load(stored_window(drafts))).empty


@pytest.mark.parametrize(
    "text",
    [
        # History told beside a strike: no cue of answer.
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday, local "
        "sources said. The al-Omar base has been attacked with rockets several times since "
        "2019, and the coalition blamed militias for those attacks.",
        # The cue puts months between them: background, not an answer.
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday, months "
        "after the attack on the al-Omar base.",
        "قصفت طائرات التحالف مواقع للميليشيات الإيرانية في مدينة الميادين يوم الثلاثاء. "
        "وتعرضت قاعدة حقل العمر لقصف بالصواريخ عدة مرات خلال الأعوام الماضية.",
    ],
)
def test_an_earlier_attack_told_as_background_links_nothing(
    text: str, founding_store: GeoPackageStore
) -> None:
    drafts = drafts_of(text, "2022-10-25T09:00+03:00")
    assert not drafts.empty  # the strike itself is drafted
    assert draft_links(drafts, stored=founding_store.load(stored_window(drafts))).empty


def test_extract_commit_stores_candidate_links_for_review(tmp_path: Path) -> None:
    store_path = str(tmp_path / "s.gpkg")
    assert main(["--store", store_path, "add", str(FOUNDING)]) == 0
    report = tmp_path / "r.txt"
    report.write_text(
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday in "
        "retaliation for the rocket attack on the al-Omar base.",
        encoding="utf-8",
    )
    args = ["--store", store_path, "extract", str(report), "--source", "Test"]
    assert main([*args, "--published", "2022-10-25T09:00+03:00", "--commit"]) == 0
    stored = GeoPackageStore(store_path).links(statuses=("candidate",))
    assert stored[L.TARGET_ID].tolist() == ["CM-SYR-20221022-01"]


def _real(item_id: str) -> tuple[str, str]:
    import json

    gold = json.loads(shared_file("realtext", "gold.json").read_text(encoding="utf-8"))
    item = next(i for i in gold["items"] if i["id"] == item_id)
    text = shared_file("realtext", item["file"]).read_text(encoding="utf-8")
    return text, item["published"]


def test_a_real_arabic_report_links_the_strikes_on_mayadin_to_the_attack_on_the_base() -> None:
    text, published = _real("alrai-2024-02-28")
    drafts = drafts_of(text, published)
    links = readable(draft_links(drafts), drafts)
    assert ("Al Mayadin", "response_to", "al-Omar oil field") in links
    assert {answer for answer, _, _ in links} == {"Al Mayadin"}


def test_a_real_report_of_a_claimed_answer_to_strikes_it_does_not_tell_links_nothing() -> None:
    # The militia said the Erbil drone attack answered earlier U.S. strikes: the report drafts no
    # U.S. strike, so Erbil must not be tied to the other event it tells.
    text, published = _real("esta-2021-07-07")
    assert draft_links(drafts_of(text, published)).empty
