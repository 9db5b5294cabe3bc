"""Nothing we export or show can attack whoever opens it.

News text is untrusted: a note scraped from a page may carry markup, a script, a spreadsheet
formula, a ``javascript:`` link or a right-to-left override. Every text field of an event is
filled with such text here, and every output is read back the way its reader would: the KML by
an XML parser and its description by an HTML parser, the popups and the review page as HTML, the
CSV files as a spreadsheet sees their cells, the file names as a file system does.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, make_event, make_events
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import mapview
from geo import schema as S
from geo.cli.main import main
from geo.errors import ValidationError
from geo.export import FORMATS, filename
from geo.formats import acled, csvfile, kml
from geo.query import Filters
from geo.store import GeoPackageStore

HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> ]]> &amp; \' " ` ${x} {{y}} \\ '
    "\u202eexe.txt"
)
BAD_LINKS = ("javascript:alert(1)", "data:text/html,<b>x</b>", "vbscript:msgbox(1)", "JaVaScRiPt:x")
GOOD_LINK = "https://news.example/report?id=1&lang=ar"
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}


def free_text_columns() -> list[str]:
    """The text columns that take any text (not a vocabulary, an id or a link)."""
    base = make_event(event_id="E-1")
    free = []
    for c in S.COLUMNS:
        if c.kind != "str" or c.name in (S.EVENT_ID, S.SOURCE_URL):
            continue
        try:
            S.validate(pd.DataFrame([{**base, c.name: HOSTILE}]))
        except ValidationError:
            continue
        free.append(c.name)
    return free


FREE_TEXT = free_text_columns()


@pytest.fixture(scope="module")
def hostile() -> pd.DataFrame:
    """One validated event whose every free text is HOSTILE."""
    event = make_event(event_id="E-<1>&'\"", **dict.fromkeys(FREE_TEXT, HOSTILE))
    return S.validate(pd.DataFrame([event]))


def test_the_free_text_columns_are_the_ones_analysts_and_reports_write() -> None:
    # So that the tests below cover what matters: names, places, sources, notes, evidence.
    assert {S.ACTOR1, S.ACTOR2, S.LOCATION, S.SOURCE, S.NOTES, S.EVIDENCE, S.TAGS} <= set(FREE_TEXT)


class Tags(HTMLParser):
    """The elements, attributes and text of an HTML fragment, as a browser would parse them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def assert_inert(html: str, *, allowed: set[str]) -> Tags:
    parsed = Tags(html)
    assert set(parsed.tags) <= allowed, set(parsed.tags) - allowed
    assert not [name for name, _ in parsed.attrs if name.startswith("on")]
    for name, value in parsed.attrs:
        if name in ("href", "src"):
            assert value is not None and value.startswith(("http://", "https://")), value
    return parsed


# --- KML ----------------------------------------------------------------------------------------------
def test_kml_parses_and_keeps_every_text_as_text(hostile: pd.DataFrame) -> None:
    root = ET.fromstring(kml.to_bytes(hostile))
    (placemark,) = root.iterfind(".//k:Placemark", KML_NS)
    data = {
        d.get("name"): d.findtext("k:value", namespaces=KML_NS)
        for d in placemark.iterfind(".//k:Data", KML_NS)
    }
    for column in FREE_TEXT:
        assert data[column] == HOSTILE, column
    description = placemark.findtext("k:description", namespaces=KML_NS)
    parsed = assert_inert(description, allowed={"b", "span", "br", "a"})
    assert "".join(parsed.text).count(HOSTILE) >= 4  # actors, place, notes, evidence shown


# --- popups, tooltips and the map page ------------------------------------------------------------------
def test_popups_and_tooltips_show_every_text_as_text(hostile: pd.DataFrame) -> None:
    event = hostile.iloc[0]
    popup = assert_inert(mapview.popup_html(event), allowed={"div", "span", "br", "a"})
    shown = "".join(popup.text)
    for column in (S.ACTOR1, S.ACTOR2, S.LOCATION, S.SOURCE, S.NOTES, S.EVIDENCE):
        assert HOSTILE in shown, column
    tooltip = assert_inert(mapview.tooltip_html(event), allowed=set())
    assert HOSTILE in "".join(tooltip.text)


def test_the_map_page_carries_no_markup_of_the_events(hostile: pd.DataFrame) -> None:
    page = mapview.build(hostile).get_root().render()
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "${x}" not in page  # nor a template literal the popup code could run


def test_a_right_to_left_override_cannot_reorder_another_field_of_the_popup() -> None:
    event = S.validate(pd.DataFrame([make_event(notes="\u202etxt.exe", event_id="E-9")])).iloc[0]
    html = mapview.popup_html(event)
    # The note is the last thing of its own block: the override ends where the block ends.
    row = next(r for r in html.split('<div class="cm-row">') if "\u202e" in r)
    assert row.endswith("\u202etxt.exe</span></div>")
    assert "\u202e" not in mapview.tooltip_html(event)


# --- the review page -------------------------------------------------------------------------------------
def test_the_review_page_shows_a_drafts_texts_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from geo import settings as geo_settings

    markdown = "![beacon](https://tracker.example/p.png) [click](https://evil.example) :red[x] $y$"
    path = tmp_path / "review.gpkg"
    draft = make_events(
        1,
        status="draft",
        origin="extracted",
        confidence=0.5,
        location=markdown + HOSTILE,
        evidence="قصف " + HOSTILE,
    )
    GeoPackageStore(path).add(draft)
    monkeypatch.setattr(geo_settings, "STORE_PATH", path)
    monkeypatch.setattr(geo_settings, "DATABASE_URL", None)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("views/review.py").run()
    assert not app.exception
    # Markdown would turn the place into an image fetched from elsewhere and a link.
    for element in app.markdown:
        assert "](" not in element.value and ":red[" not in element.value, element.value
    fragments = [h.proto.body for h in app.get("html")]
    assert any("tracker.example" in f for f in fragments)  # the place is shown, as text
    for fragment in fragments:
        body = fragment.split("</style>")[-1]  # the page's own style sheets
        assert_inert(body, allowed={"div", "span", "br", "a", "b", "p", "mark", "bdi"})


# --- links -------------------------------------------------------------------------------------------
def test_links_other_than_http_are_refused_on_the_way_in() -> None:
    for link in BAD_LINKS:
        with pytest.raises(ValidationError, match=r"row 1, column source_url: .* is not an http"):
            S.validate(make_events(1, source_url=f"{GOOD_LINK} {link}"))


@pytest.fixture(scope="module")
def smuggled(hostile: pd.DataFrame) -> pd.DataFrame:
    """The hostile event as if a store written some other way held bad links beside a good one."""
    return hostile.assign(**{S.SOURCE_URL: " ".join([BAD_LINKS[0], GOOD_LINK, *BAD_LINKS[1:]])})


def exported_links(fmt: str, events: pd.DataFrame, tmp_path: Path) -> list[str | None]:
    target = tmp_path / f"out.{FORMATS[fmt].extension}"
    FORMATS[fmt].write(events, target)
    if fmt == "geojson":
        doc = json.loads(target.read_text(encoding="utf-8"))
        return [f["properties"][S.SOURCE_URL] for f in doc["features"]]
    if fmt == "csv":
        return [r[S.SOURCE_URL] or None for r in csv.DictReader(open(target, encoding="utf-8"))]
    if fmt == "gpkg":
        with sqlite3.connect(target) as con:
            return [r[0] for r in con.execute(f"SELECT {S.SOURCE_URL} FROM events")]
    root = ET.parse(target).getroot()
    values = [
        d.findtext("k:value", namespaces=KML_NS)
        for d in root.iterfind(".//k:Data", KML_NS)
        if d.get("name") == S.SOURCE_URL
    ]
    hrefs = [a for a in Tags(root.findtext(".//k:description", namespaces=KML_NS)).attrs]
    assert [v for k, v in hrefs if k == "href"] == [GOOD_LINK]
    return values


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "kml"])
def test_exports_keep_only_http_links(smuggled: pd.DataFrame, tmp_path: Path, fmt: str) -> None:
    assert exported_links(fmt, smuggled, tmp_path) == [GOOD_LINK]


def test_popups_link_only_http(smuggled: pd.DataFrame) -> None:
    parsed = assert_inert(mapview.popup_html(smuggled.iloc[0]), allowed={"div", "span", "br", "a"})
    assert [v for k, v in parsed.attrs if k == "href"] == [GOOD_LINK]


# Real links carry characters HTML and XML must escape; each writer escapes them, none drops them.
AWKWARD_LINKS = (
    "https://en.wikipedia.org/wiki/Al-Qa'im",
    'https://news.example/search?q="Deir+ez-Zor"&lang=ar',
    "https://news.example/a<b>?x=1&y=2",
    "https://news.example/Deir%20ez-Zor%20strikes",
)


@pytest.fixture(scope="module")
def awkward() -> pd.DataFrame:
    return S.validate(make_events(1, source_url=" ".join(AWKWARD_LINKS)))


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg"])
def test_a_link_with_an_apostrophe_is_kept_in_every_export(
    awkward: pd.DataFrame, tmp_path: Path, fmt: str
) -> None:
    assert exported_links(fmt, awkward, tmp_path) == [" ".join(AWKWARD_LINKS)]


def test_a_link_with_an_apostrophe_is_kept_and_linked_in_kml(
    awkward: pd.DataFrame, tmp_path: Path
) -> None:
    root = ET.fromstring(kml.to_bytes(awkward))
    description = root.findtext(".//k:description", namespaces=KML_NS)
    assert [v for k, v in Tags(description).attrs if k == "href"] == list(AWKWARD_LINKS)
    values = [d.findtext("k:value", namespaces=KML_NS) for d in root.iterfind(".//k:Data", KML_NS)]
    assert " ".join(AWKWARD_LINKS) in values


def test_a_link_with_an_apostrophe_is_a_link_in_the_popup(awkward: pd.DataFrame) -> None:
    parsed = assert_inert(mapview.popup_html(awkward.iloc[0]), allowed={"div", "span", "br", "a"})
    assert [v for k, v in parsed.attrs if k == "href"] == list(AWKWARD_LINKS)


# --- CSV injection ---------------------------------------------------------------------------------
FORMULAS = ('=HYPERLINK("https://x.example")', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")
TEXTS = (S.NOTES, S.ACTOR1, S.LOCATION, S.SOURCE)


@pytest.fixture(scope="module")
def formulas() -> pd.DataFrame:
    """Events whose texts start as spreadsheet formulas; one lies west of Greenwich.

    The texts are set after validation, which strips the leading tab and carriage return that a
    file could still hold (a store written some other way).
    """
    events = make_events(len(FORMULAS) + 1)
    west = len(FORMULAS) + 1
    events.loc[west, [S.COUNTRY, S.ADMIN1, S.LOCATION]] = ["Spain", "Madrid", "Madrid"]
    events.loc[west, [S.LATITUDE, S.LONGITUDE]] = [40.4168, -3.7038]
    typed = S.validate(events)
    for column in TEXTS:
        typed.loc[: len(FORMULAS), column] = list(FORMULAS)
    return typed


def csv_cells(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("fmt", ["csv", "acled"])
def test_csv_cells_that_would_run_as_formulas_are_guarded(formulas: pd.DataFrame, fmt: str) -> None:
    rows = csv_cells(FORMATS[fmt].to_bytes(formulas))
    for column in TEXTS:
        cells = [r[column] for r in rows[: len(FORMULAS)]]
        assert cells == ["'" + f for f in FORMULAS], column
    assert rows[-1][S.LONGITUDE] == "-3.7038"  # a number is not a formula


@pytest.mark.parametrize("fmt", ["csv", "acled"])
def test_raw_csv_keeps_the_cells_as_written(formulas: pd.DataFrame, fmt: str) -> None:
    rows = csv_cells(FORMATS[fmt].to_bytes(formulas, raw=True))
    assert [r[S.NOTES] for r in rows[: len(FORMULAS)]] == list(FORMULAS)


def test_guarded_cells_come_back_as_written_on_import(
    formulas: pd.DataFrame, tmp_path: Path
) -> None:
    kept = list(FORMULAS[:4])  # validation strips a leading tab or carriage return
    path = tmp_path / "events.acled.csv"
    acled.write(formulas, path)
    assert acled.read(path)[S.NOTES].tolist()[:4] == kept
    own = tmp_path / "events.csv"
    csvfile.write(formulas.iloc[:4], own)
    store = GeoPackageStore(tmp_path / "store.gpkg")
    assert main(["--store", str(store.path), "import", str(own)]) == 0
    assert store.load().sort_values(S.EVENT_ID)[S.NOTES].tolist() == kept


def test_export_raw_flag_on_the_command(formulas: pd.DataFrame, tmp_path: Path, capsys) -> None:
    store = GeoPackageStore(tmp_path / "store.gpkg")
    store.add(formulas)
    guarded, raw = tmp_path / "guarded.csv", tmp_path / "raw.csv"
    assert main(["--store", str(store.path), "export", "-f", "csv", "-o", str(guarded)]) == 0
    assert main(["--store", str(store.path), "export", "-f", "csv", "--raw", "-o", str(raw)]) == 0
    by_id = {r[S.EVENT_ID]: r for r in csv_cells(guarded.read_bytes())}
    assert by_id["T-1"][S.NOTES] == "'" + FORMULAS[0]
    by_id = {r[S.EVENT_ID]: r for r in csv_cells(raw.read_bytes())}
    assert by_id["T-1"][S.NOTES] == FORMULAS[0]
    capsys.readouterr()
    code = main(["--store", str(store.path), "export", "-f", "kml", "--raw", "-o", str(raw)])
    assert code == 2
    assert "--raw is for the CSV formats (csv, acled), not kml" in capsys.readouterr().err


# --- file names ----------------------------------------------------------------------------------
def safe_file_name(name: str) -> bool:
    return (
        "/" not in name
        and "\\" not in name
        and ".." not in name
        and not name.startswith(".")
        and not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name)
        and len(name.encode("utf-8")) < 255
    )


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
) | st.sampled_from(["../../etc/passwd", "a/b\\c", "\u202eexe.txt", "x\x00y\n", "CON", "..."])


@settings(max_examples=150, deadline=None)
@given(
    text=texts,
    actors=st.lists(texts, max_size=3),
    countries=st.lists(texts, max_size=2),
    fmt=st.sampled_from(sorted(FORMATS)),
)
def test_export_file_names_hold_no_path_or_control_characters(
    text: str, actors: list[str], countries: list[str], fmt: str
) -> None:
    name = filename(Filters(text=text, actors=tuple(actors), countries=tuple(countries)), fmt)
    assert safe_file_name(name), repr(name)
    assert name.startswith("conflictmap_") and name.endswith("." + FORMATS[fmt].extension)


@pytest.mark.parametrize("fmt", ["csv", "acled"])
def test_a_carriage_return_inside_a_cell_cannot_start_a_row(fmt: str) -> None:
    note = 'scraped\r=HYPERLINK("https://x.example")'
    events = S.validate(make_events(2, notes=note))
    rows = csv_cells(FORMATS[fmt].to_bytes(events))
    assert [r[S.NOTES] for r in rows] == [note, note]
