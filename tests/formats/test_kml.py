"""KML for Google Earth: parses as XML, a placemark per event, styled by type, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
from conftest import make_events

from geo import schema as S
from geo.formats import kml

NS = {"k": "http://www.opengis.net/kml/2.2"}


def parse(events: pd.DataFrame) -> ET.Element:
    return ET.fromstring(kml.to_bytes(S.validate(events)))


def test_one_placemark_per_event_at_its_coordinates() -> None:
    events = make_events(4)
    events.loc[3, [S.LATITUDE, S.LONGITUDE]] = (34.45, 40.92)
    placemarks = parse(events).findall(".//k:Placemark", NS)
    assert len(placemarks) == 4
    coords = [p.find("k:Point/k:coordinates", NS).text for p in placemarks]
    assert coords[2] == "40.92,34.45"  # KML writes longitude first


def test_placemarks_are_styled_by_event_type() -> None:
    events = make_events(2)
    events.loc[2, [S.EVENT_TYPE, S.SUB_EVENT_TYPE]] = ("Battles", "Armed clash")
    root = parse(events)
    styles = {s.get("id") for s in root.findall(".//k:Style", NS)}
    used = [p.find("k:styleUrl", NS).text for p in root.findall(".//k:Placemark", NS)]
    assert used[0] != used[1]
    assert {u.lstrip("#") for u in used} <= styles


def test_a_span_plays_on_the_time_slider() -> None:
    events = make_events(1, event_date="2022-10-20", event_date_end="2022-10-23")
    span = parse(events).find(".//k:Placemark/k:TimeSpan", NS)
    assert (span.find("k:begin", NS).text, span.find("k:end", NS).text) == (
        "2022-10-20",
        "2022-10-23",
    )


def test_hostile_text_is_escaped_and_only_http_links_are_written() -> None:
    note = 'قصف <script>alert(1)</script> ]]> & "quotes" \x01\x0b end'
    events = make_events(1, notes=note, source_url="https://example.org/a?x=1&y=2")
    placemark = parse(events).find(".//k:Placemark", NS)
    description = placemark.find("k:description", NS).text
    # Google Earth renders the description as HTML: the note must arrive as text, not markup.
    assert "<script>" not in description
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in description
    assert "\x01" not in description and "قصف" in description
    assert '<a href="https://example.org/a?x=1&amp;y=2">' in description
    data = {d.get("name"): d.find("k:value", NS).text for d in placemark.iter(f"{{{NS['k']}}}Data")}
    assert data[S.NOTES] == 'قصف <script>alert(1)</script> ]]> & "quotes"  end'


def test_a_link_that_is_not_http_is_left_out() -> None:
    events = S.validate(make_events(1))
    events[S.SOURCE_URL] = "javascript:alert(1)"  # past validation, as a hostile store could hold
    root = ET.fromstring(kml.to_bytes(events))
    assert "javascript" not in root.find(".//k:Placemark/k:description", NS).text


def test_an_event_without_coordinates_is_a_placemark_without_a_point() -> None:
    draft = make_events(1, latitude=None, longitude=None, status="draft")
    root = ET.fromstring(kml.to_bytes(S.validate(draft, require_coordinates=False)))
    placemark = root.find(".//k:Placemark", NS)
    assert placemark is not None and placemark.find("k:Point", NS) is None
