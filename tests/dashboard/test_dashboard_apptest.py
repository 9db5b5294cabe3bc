"""The dashboard pages, run headless by Streamlit's AppTest against a temporary store.

AppTest runs no JavaScript: the map itself is tested in test_mapview.py (its folium objects) and
test_browser.py (a real browser). Here: every page loads, every filter changes the counts, the
GeoJSON download equals ``conflictmap export``, links fill the filters, and the review, edit and
import pages change the store the way the analyst asked.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, make_event, make_events
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from geo import schema as S
from geo import settings
from geo.cli.main import main
from geo.event_files import bundled_event_files, read_event_files
from geo.store import GeoPackageStore

APP = str(ROOT / "dashboard" / "app.py")
PAGES = [
    "views/map.py",
    "views/events.py",
    "views/review.py",
    "views/edit.py",
    "views/report.py",
    "views/imports.py",
]

EXTRA = [
    make_event(
        event_id="X-battle",
        event_date="2022-11-05",
        event_type="Battles",
        sub_event_type="Armed clash",
        admin1="Idleb",
        admin2="Idleb",
        location="Sarmin",
        latitude=35.9,
        longitude=36.72,
        geo_precision=2,
        fatalities=3,
        notes="Clash near a depot",
        source="SOHR",
    ),
    make_event(
        event_id="X-iraq",
        event_date="2022-11-20",
        country="Iraq",
        admin1="Al Anbar",
        location="Al Qaim",
        latitude=34.37,
        longitude=41.09,
        source="Shafaq News",
    ),
    make_event(
        event_id="X-draft",
        event_date="2022-10-24",
        status="draft",
        origin="extracted",
        location="Mayadin",
        evidence="قصفت قوات النظام مدينة الميادين أمس",
        confidence=0.6,
    ),
]


@pytest.fixture
def store_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "dashboard.gpkg"
    store = GeoPackageStore(path)
    store.add(read_event_files(bundled_event_files()))
    store.add(pd.DataFrame(EXTRA))
    monkeypatch.setattr(settings, "STORE_PATH", path)
    monkeypatch.setattr(settings, "DATABASE_URL", None)
    return path


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> list[MemoryMediaFileStorage]:
    """The in-memory file stores AppTest creates, where download buttons put their files."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", Recording)
    return stores


@pytest.fixture
def app(store_path: Path, media: list[MemoryMediaFileStorage]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def count(at: AppTest) -> tuple[int, int]:
    """The sidebar's "N of M events match" figures."""
    for md in at.sidebar.markdown:
        m = re.match(r"\*\*([\d,]+)\*\* of ([\d,]+) events", md.value)
        if m:
            return int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
    raise AssertionError("no count in the sidebar")


def download(at: AppTest, media: list[MemoryMediaFileStorage], key: str) -> bytes:
    """The bytes behind the download button ``key`` of the last run."""
    (proto,) = [b.proto for b in at.get("download_button") if b.proto.id.endswith(key)]
    file_id = proto.url.rsplit("/", 1)[1].split(".")[0]
    (content,) = [s._files_by_id[file_id].content for s in media if file_id in s._files_by_id]
    return content


@pytest.mark.parametrize("page", PAGES)
def test_every_page_loads(app: AppTest, page: str) -> None:
    app.switch_page(page).run()
    assert not app.exception
    assert count(app) == (8, 8)


def test_a_change_to_the_store_shows_up_on_the_next_run(app: AppTest, store_path: Path) -> None:
    GeoPackageStore(store_path).add(pd.DataFrame([make_event(event_id="X-new")]))
    app.run()
    assert count(app) == (9, 9)


# widget key, how to set it, value: each narrows the eight stored events.
FILTER_CHANGES = [
    ("f_from", "set_value", date(2022, 11, 1)),
    ("f_to", "set_value", date(2022, 10, 23)),
    ("f_actors", "set_value", ["Militia (Pro-Iran)"]),
    ("f_actor_types", "set_value", ["Rebel group"]),
    ("f_types", "set_value", ["Battles"]),
    ("f_sub_types", "set_value", ["Air/drone strike"]),
    ("f_countries", "set_value", ["Iraq"]),
    ("f_admin1", "set_value", ["Idleb"]),
    ("f_admin2", "set_value", ["Abu Kamal"]),
    ("f_precision", "set_value", [2]),
    ("f_min_fatalities", "set_value", 1),
    ("f_sources", "set_value", ["North Press"]),
    ("f_statuses", "set_value", ["draft"]),
    ("f_text", "input", "depot"),
]


@pytest.mark.parametrize(
    ("key", "how", "value"), FILTER_CHANGES, ids=[c[0] for c in FILTER_CHANGES]
)
def test_each_filter_changes_the_counts_and_clear_restores_them(
    app: AppTest, key: str, how: str, value: object
) -> None:
    widget = app.sidebar.get(_kind(key))
    (target,) = [w for w in widget if w.key == key]
    getattr(target, how)(value).run()
    assert not app.exception
    narrowed, total = count(app)
    assert 0 < narrowed < total == 8
    app.sidebar.button(key="clear_filters").click().run()
    assert count(app) == (8, 8)


def _kind(key: str) -> str:
    if key in ("f_from", "f_to"):
        return "date_input"
    if key == "f_min_fatalities":
        return "number_input"
    if key == "f_text":
        return "text_input"
    return "multiselect"


def test_filters_go_into_the_url_and_a_url_fills_the_filters(store_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["type"] = "Battles"
    at.query_params["from"] = "2022-11-01"
    at.run()
    assert count(at) == (1, 8)
    assert at.sidebar.multiselect(key="f_types").value == ["Battles"]
    at.sidebar.multiselect(key="f_types").set_value([]).run()
    assert count(at) == (2, 8), "the date from the link still applies"
    assert "type" not in at.query_params
    assert at.query_params["from"] in ("2022-11-01", ["2022-11-01"])


def test_geojson_download_equals_conflictmap_export(
    app: AppTest, media: list[MemoryMediaFileStorage], store_path: Path, tmp_path: Path
) -> None:
    app.sidebar.date_input(key="f_from").set_value(date(2022, 10, 22)).run()
    app.sidebar.multiselect(key="f_types").set_value(["Explosions/Remote violence"]).run()
    app.switch_page("views/events.py").run()
    assert not app.exception
    dashboard_bytes = download(app, media, "download_geojson")
    out = tmp_path / "cli.geojson"
    status = main(
        [
            "--store",
            str(store_path),
            "export",
            "--format",
            "geojson",
            "-o",
            str(out),
            "--from",
            "2022-10-22",
            "--type",
            "Explosions/Remote violence",
        ]
    )
    assert status == 0
    assert dashboard_bytes == out.read_bytes()
    # Four founding strikes, the draft and the shelling in Iraq.
    assert dashboard_bytes.count(b'"type": "Feature"') == 6


def test_the_events_table_shows_a_page_at_a_time(store_path: Path) -> None:
    GeoPackageStore(store_path).add(make_events(1_200, notes="A made-up event to fill pages."))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("views/events.py").run()
    assert not at.exception
    (table,) = at.dataframe
    assert len(table.value) == 1_000
    assert any("Rows 1-1,000 of 1,208" in c.value for c in at.caption)
    first_page = table.value
    at.number_input(key="events_page").set_value(2).run()
    (table,) = at.dataframe
    assert len(table.value) == 208
    assert any("Rows 1,001-1,208 of 1,208" in c.value for c in at.caption)
    seen = pd.concat([first_page, table.value])[S.EVENT_ID]
    assert seen.nunique() == 1_208, "every event on one of the pages"
    assert pd.to_datetime(
        pd.concat([first_page, table.value])[S.EVENT_DATE]
    ).is_monotonic_increasing


def test_review_accepts_a_draft(app: AppTest, store_path: Path) -> None:
    app.switch_page("views/review.py").run()
    assert any("1" in m.value and "draft" in m.value for m in app.markdown)
    app.button(key="accept_X-draft").click().run()
    assert not app.exception
    assert GeoPackageStore(store_path).get("X-draft")[S.STATUS] == "reviewed"
    assert any("X-draft marked reviewed" in s.value for s in app.success)
    last = GeoPackageStore(store_path).history("X-draft").iloc[-1]
    assert last["action"] == "update" and last["user"], "the audit log names who accepted it"


def test_review_reports_a_concurrent_change(app: AppTest, store_path: Path) -> None:
    app.switch_page("views/review.py").run()
    GeoPackageStore(store_path).update(
        "X-draft", {S.NOTES: "changed elsewhere"}, expected_version=1
    )
    app.button(key="reject_X-draft").click().run()
    assert any("changed by someone else" in e.value for e in app.error)
    assert GeoPackageStore(store_path).get("X-draft")[S.STATUS] == "draft"


def test_correcting_a_draft_opens_it_in_the_form_and_saves_a_new_version(
    app: AppTest, store_path: Path
) -> None:
    app.switch_page("views/review.py").run()
    app.button(key="correct_X-draft").click().run()
    assert not app.exception
    assert app.selectbox(key="edit_choice").value == "X-draft"
    assert app.text_input(key="e_location").value == "Mayadin"
    app.text_input(key="e_location").set_value("Al Mayadin city")
    app.selectbox(key="e_status").set_value("reviewed")
    app.switch_page("views/edit.py")  # AppTest would otherwise rerun the page it last switched to
    submit(app, "Save changes")
    assert any("Saved X-draft" in s.value for s in app.success), [e.value for e in app.error]
    stored = GeoPackageStore(store_path).get("X-draft")
    assert stored[S.LOCATION] == "Al Mayadin city" and stored[S.STATUS] == "reviewed"
    assert int(stored[S.VERSION]) == 2


def test_an_edit_refused_by_a_concurrent_change_shows_both_values_as_written(
    app: AppTest, store_path: Path
) -> None:
    app.switch_page("views/edit.py").run()
    app.selectbox(key="edit_choice").set_value("X-draft").run()
    app.text_input(key="e_location").set_value("Al Mayadin city")
    other = "**Mayadin** [map](http://example.org) :red[east]"
    GeoPackageStore(store_path).update("X-draft", {S.LOCATION: other}, expected_version=1)
    submit(app, "Save changes")
    assert not app.exception
    assert any("changed by someone else" in e.value for e in app.error)
    (table,) = [t.value for t in app.dataframe]
    row = table.set_index("field").loc[S.LOCATION]
    assert (row["in the store now"], row["your change"]) == (other, "Al Mayadin city")
    assert GeoPackageStore(store_path).get("X-draft")[S.LOCATION] == other


def test_a_saved_edit_is_recorded_under_the_editor(app: AppTest, store_path: Path) -> None:
    app.switch_page("views/edit.py").run()
    app.selectbox(key="edit_choice").set_value("X-draft").run()
    app.text_input(key="e_location").set_value("Al Mayadin city")
    submit(app, "Save changes")
    last = GeoPackageStore(store_path).history("X-draft").iloc[-1]
    assert last["action"] == "update" and last["user"], "the audit log names who saved it"


def test_edit_form_shows_errors_by_field_and_stores_a_valid_event(
    app: AppTest, store_path: Path
) -> None:
    app.switch_page("views/edit.py").run()
    form = {
        "e_event_date": date(2022, 10, 25),
        "e_actor1": "Militia (Pro-Iran)",
        "e_country": "Syria",
        "e_location": "Albukamal",
        "e_latitude": 134.45,
        "e_longitude": 40.92,
        "e_source": "Deir Ezzor 24",
    }
    for key, value in form.items():
        widget = next(w for w in app.main.get(_form_kind(key)) if w.key == key)
        widget.set_value(value)
    submit(app, "Add event")
    assert not app.exception
    assert any("134.45 is outside -90..90" in e.value for e in app.error)
    assert len(GeoPackageStore(store_path).load()) == 8
    next(w for w in app.number_input if w.key == "e_latitude").set_value(34.45)
    submit(app, "Add event")
    assert not any("outside" in e.value for e in app.error)
    stored = GeoPackageStore(store_path).load()
    assert len(stored) == 9 and "Albukamal" in set(stored[S.LOCATION])


def submit(at: AppTest, label: str) -> None:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()


def _form_kind(key: str) -> str:
    if key == "e_event_date":
        return "date_input"
    if key in ("e_latitude", "e_longitude"):
        return "number_input"
    return "text_input"


REPORT = (
    "US aircraft struck positions of Iranian-backed militias near Albukamal last night, "
    "according to the Syrian Observatory for Human Rights. <script>alert('x')</script>"
)
HOSTILE_OUTLET = "Outlet <img src=x onerror=alert(1)>"


def fill_report(at: AppTest, text: str, **fields: str) -> None:
    values = {"report_source": "Test Outlet", "report_published": "2023-03-24T09:00+03:00"}
    values.update(fields)
    at.text_area(key="report_text").set_value(text)
    for key, value in values.items():
        at.text_input(key=key).set_value(value)
    (button,) = [b for b in at.button if b.label == "Draft events"]
    button.click().run()


def test_a_pasted_report_becomes_drafts_stored_for_review(app: AppTest, store_path: Path) -> None:
    app.switch_page("views/report.py").run()
    fill_report(app, REPORT, report_source=HOSTILE_OUTLET)
    assert not app.exception
    assert any("**1** draft event(s)" in m.value for m in app.markdown)
    fragments = [h.proto.body for h in app.get("html")]
    assert any("Air/drone strike" in f and "Albukamal" in f for f in fragments)
    assert any("Outlet &lt;img src=x" in f for f in fragments), "the outlet is shown as text"
    assert not any("<img src=x" in f or "<script>" in f for f in fragments)
    assert len(GeoPackageStore(store_path).load()) == 8, "nothing stored before asked"
    app.button(key="report_store").click().run()
    assert any("Stored 1 draft event(s) for review" in s.value for s in app.success)
    stored = GeoPackageStore(store_path).load()
    draft = stored.loc[stored[S.ORIGIN] == "extracted"].iloc[-1]
    assert (draft[S.STATUS], draft[S.EVENT_DATE].date()) == ("draft", date(2023, 3, 23))
    assert abs(draft[S.LATITUDE] - 34.452) < 0.05 and abs(draft[S.LONGITUDE] - 40.919) < 0.05
    assert "US aircraft struck" in draft[S.EVIDENCE]
    assert GeoPackageStore(store_path).history(draft[S.EVENT_ID]).iloc[-1]["user"]


def test_a_report_with_no_event_says_so_and_stores_nothing(app: AppTest, store_path: Path) -> None:
    app.switch_page("views/report.py").run()
    fill_report(app, "The base was built in 2017 and hosts about 900 troops, officials said.")
    assert not app.exception
    assert any("No event found in this report" in i.value for i in app.info)
    assert not any(b.key == "report_store" for b in app.button)
    assert len(GeoPackageStore(store_path).load()) == 8


def test_a_report_without_publisher_or_with_a_bad_date_is_named_field_by_field(
    app: AppTest,
) -> None:
    app.switch_page("views/report.py").run()
    fill_report(app, REPORT, report_source="", report_published="yesterday")
    errors = [e.value for e in app.error]
    assert any(e.startswith("Publisher") for e in errors), errors
    assert any(e.startswith("Published") and "yesterday" in e for e in errors), errors
    assert not any(b.key == "report_store" for b in app.button)


def test_import_refuses_a_file_with_a_bad_row_then_stores_the_valid_ones(
    app: AppTest, store_path: Path
) -> None:
    rows = pd.DataFrame([make_event(event_id="I-1"), make_event(event_id="I-2", latitude=135.2)])
    payload = rows.to_csv(index=False).encode()
    app.switch_page("views/imports.py").run()
    app.get("file_uploader")[0].upload("new.csv", payload, "text/csv").run()
    app.button(key="import_go").click().run()
    assert not app.exception
    assert any("Nothing was stored" in e.value for e in app.error)
    table = app.dataframe[0].value
    assert list(table["row"]) == ["3"] and "latitude" in table["problem"][0]
    assert "I-1" not in set(GeoPackageStore(store_path).load()[S.EVENT_ID])

    app.checkbox(key="import_skip_bad").check().run()
    app.button(key="import_go").click().run()
    assert any("1 imported" in s.value and "1 rejected" in s.value for s in app.success)
    assert list(app.dataframe[0].value["row"]) == ["3"]
    stored = GeoPackageStore(store_path)
    assert "I-1" in set(stored.load()[S.EVENT_ID])
    assert list(stored.history("I-1")["action"]) == ["add"]


def test_the_import_page_asks_how_numeric_dates_are_written(app: AppTest) -> None:
    app.switch_page("views/imports.py").run()
    assert not app.exception
    (choice,) = [r for r in app.radio if r.key == "import_date_order"]
    assert [o.split(":")[0] for o in choice.options] == [
        "As the file's own dates show (refused when they read both ways)",
        "Day first",
        "Month first",
    ]
