"""Chains in the dashboard: the chain layer and timeline (pure functions), the in-chain filter,
and candidate links accepted or rejected on the Review page (AppTest)."""

from __future__ import annotations

from pathlib import Path

import folium
import pandas as pd
import pytest
from conftest import ROOT, make_event
from streamlit.testing.v1 import AppTest

from dashboard import chainview, linkreview
from geo import links as L
from geo import schema as S
from geo import settings
from geo.chains import ChainIndex
from geo.event_files import add_event_files
from geo.store import GeoPackageStore

APP = str(ROOT / "dashboard" / "app.py")
FOUNDING = ROOT / "data" / "events" / "2022-10-23_syriatv_omar-field.yaml"
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)>"


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dashboard.gpkg"
    store = GeoPackageStore(path)
    add_event_files(store, [FOUNDING])
    store.add(
        pd.DataFrame(
            [
                make_event(event_id="X-answer", event_date="2022-10-24", status="draft"),
                make_event(event_id="X-lone", event_date="2022-10-25"),
            ]
        )
    )
    store.add_links(
        pd.DataFrame(
            [
                {
                    L.EVENT_ID: "X-answer",
                    L.TARGET_ID: "CM-SYR-20221022-01",
                    L.RELATION: "response_to",
                    L.SOURCE: "extracted",
                    L.SCORE: 0.7,
                    L.EVIDENCE: "ردت القوات " + HOSTILE,
                }
            ]
        )
    )
    monkeypatch.setattr(settings, "STORE_PATH", path)
    monkeypatch.setattr(settings, "DATABASE_URL", None)
    return path


def founding_chain(path: Path):
    store = GeoPackageStore(path)
    return ChainIndex(store.load(), store.links()).chain_of("CM-SYR-20221022-03")


def test_the_chain_layer_draws_a_curve_per_link_with_escaped_evidence(store_path: Path) -> None:
    chain = founding_chain(store_path)
    assert chain is not None and len(chain.events) == 4
    (group,) = chainview.chain_group(chain)
    page = folium.Map()
    group.add_to(page)
    html = page.get_root().render()
    drawn = [c for c in group._children.values() if isinstance(c, chainview.ChainLinks)]
    assert drawn[0].count == 3
    assert "cm-chain-link" in html and "retaliates for" in html
    hostile = chain.links.iloc[0].copy()
    hostile[L.EVIDENCE] = HOSTILE
    events = chain.events.set_index(S.EVENT_ID)
    tip = chainview.link_tooltip(
        hostile, events.loc[hostile[L.EVENT_ID]], events.loc[hostile[L.TARGET_ID]]
    )
    assert "<script>" not in tip and "<img" not in tip and "&lt;script&gt;" in tip


def test_a_curve_runs_from_the_attack_to_the_answer() -> None:
    points = chainview.curve(35.15167, 40.57583, 35.01982, 40.45154)
    assert points[0] == [35.15167, 40.57583] and points[-1] == [35.01982, 40.45154]
    straight = [35.15167 + (35.01982 - 35.15167) / 2, 40.57583 + (40.45154 - 40.57583) / 2]
    middle = points[len(points) // 2]
    assert abs(middle[0] - straight[0]) + abs(middle[1] - straight[1]) > 0.01  # it bows


def test_the_timeline_tells_the_exchange_in_order_with_delays(store_path: Path) -> None:
    html = chainview.timeline_html(founding_chain(store_path))
    assert html.index("Al-Omar oil field") < html.index("Mayadin")
    assert "responds to Al-Omar oil field: 0.1 h, 19 km" in html
    assert "retaliates for Al-Omar oil field: same day, 62 km" in html
    assert "Chain of 4 events" in html  # the extracted candidate waits for review


def test_the_review_page_accepts_a_candidate_link(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/review.py").run()
    assert not at.exception
    assert any("1** candidate links" in m.value for m in at.markdown)
    lid = "X-answer~response_to~CM-SYR-20221022-01"
    at.button(key=f"accept_link_{lid}").click().run()
    assert not at.exception
    assert GeoPackageStore(store_path).get_link(lid)[L.STATUS] == "accepted"
    assert any(f"Link {lid} accepted" in s.value for s in at.success)


def test_the_review_page_tells_who_lost_a_race_on_a_link(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/review.py").run()
    lid = "X-answer~response_to~CM-SYR-20221022-01"
    GeoPackageStore(store_path).update_link(lid, {L.STATUS: "rejected"}, expected_version=1)
    at.button(key=f"accept_link_{lid}").click().run()
    told = [e.value.replace("\\", "") for e in at.error]
    assert any(f"link {lid} was changed by someone else" in t for t in told), told
    assert GeoPackageStore(store_path).get_link(lid)[L.STATUS] == "rejected"


def test_a_card_escapes_the_evidence(store_path: Path) -> None:
    store = GeoPackageStore(store_path)
    link = store.get_link("X-answer~response_to~CM-SYR-20221022-01")
    html = linkreview.card_html(link, store.load().set_index(S.EVENT_ID, drop=False))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_in_chain_checkbox_keeps_linked_events(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.sidebar.checkbox(key="f_in_chain").check().run()
    assert not at.exception
    counts = [m.value for m in at.sidebar.markdown if "events match" in m.value]
    assert counts and counts[0].startswith("**4** of 7")


def test_the_events_page_offers_the_links_of_the_filtered_events(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/events.py").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Links of these events (CSV)" in labels


def test_a_pasted_report_stores_its_answer_as_a_candidate_link(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/report.py").run()
    at.text_area(key="report_text").set_value(
        "US aircraft struck positions of Iranian-backed militias in Mayadin on Tuesday in "
        "retaliation for the rocket attack on the al-Omar base."
    )
    at.text_input(key="report_source").set_value("Test Outlet")
    at.text_input(key="report_published").set_value("2022-10-25T09:00+03:00")
    (button,) = [b for b in at.button if b.label == "Draft events"]
    button.click().run()
    at.button(key="report_store").click().run()
    assert not at.exception
    assert any("1 candidate link(s)" in s.value for s in at.success)
    candidates = GeoPackageStore(store_path).links(statuses=("candidate",))
    assert "CM-SYR-20221022-01" in set(candidates[L.TARGET_ID])
