"""KML out, for Google Earth: a placemark per event, styled by event type.

Each placemark has the event's sub-event type, place and day as its name, a time span (so Google
Earth's time slider plays the events), a point where the event has coordinates, an HTML
description and every schema column as ``ExtendedData``.

News text is untrusted twice over here: the XML must parse whatever a note says, and Google Earth
renders a description as HTML. So text is HTML-escaped into the description, the description as a
whole is XML-escaped into the file (no CDATA, whose ``]]>`` an attacker could close), characters
XML 1.0 forbids are dropped, and links are written only when :func:`geo.schema.safe_url` passes
them as http(s).
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from geo import schema as S
from geo.formats.values import column_texts

MEDIA_TYPE = "application/vnd.google-earth.kml+xml"

# KML colours are aabbggrr. One colour per ACLED event type, as far apart as six can be.
STYLE_COLOURS: dict[str, str] = {
    "Battles": "ff2828d7",
    "Explosions/Remote violence": "ff0080ff",
    "Violence against civilians": "ff8c1e78",
    "Protests": "ffb48c1e",
    "Riots": "ff30a0e8",
    "Strategic developments": "ff7f7f7f",
}
_OTHER = "other"
# XML 1.0 allows tab, newline, carriage return and everything from U+0020 bar surrogates and
# U+FFFE/U+FFFF; anything else in a scraped note would make the file unreadable.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def style_id(event_type: object) -> str:
    """The KML style id of an event type (``battles``, ``explosions-remote-violence``, ...)."""
    if event_type not in STYLE_COLOURS:
        return _OTHER
    return re.sub(r"[^a-z]+", "-", str(event_type).lower()).strip("-")


def _styles() -> str:
    colours = {**{style_id(t): c for t, c in STYLE_COLOURS.items()}, _OTHER: "ffffffff"}
    return "".join(
        # No icon link: Google Earth tints its own pushpin, and the file needs no network.
        f'<Style id="{sid}"><IconStyle><color>{colour}</color><scale>1.1</scale></IconStyle>'
        f"<LabelStyle><scale>0</scale></LabelStyle></Style>\n"
        for sid, colour in colours.items()
    )


_SHOWN = (
    (S.EVENT_DATE, "Date"),
    (S.EVENT_DATE_END, "Until"),
    (S.EVENT_TYPE, "Event type"),
    (S.SUB_EVENT_TYPE, "Sub-event type"),
    (S.ACTOR1, "Actor 1"),
    (S.ACTOR2, "Actor 2"),
    (S.LOCATION, "Location"),
    (S.ADMIN1, "Admin 1"),
    (S.FATALITIES, "Fatalities"),
    (S.SOURCE, "Source"),
    (S.NOTES, "Notes"),
    (S.EVIDENCE, "Evidence"),
)


def _description(row: dict[str, str | None]) -> str:
    """The description's HTML: untrusted text escaped for HTML, links only http(s)."""
    parts = []
    for column, label in _SHOWN:
        value = row[column]
        if value is None:
            continue
        attrs = ' dir="auto"' if column in (S.NOTES, S.EVIDENCE) else ""
        parts.append(f"<b>{label}</b>: <span{attrs}>{html.escape(clean(value))}</span>")
    links = [S.safe_url(u) for u in (row[S.SOURCE_URL] or "").split()]
    for url in filter(None, links):
        parts.append(f'<a href="{html.escape(url)}">{html.escape(url)}</a>')
    return "<br/>".join(parts)


def _placemark(row: dict[str, str | None], event_type: object) -> str:
    name = " - ".join(
        v for v in (row[S.SUB_EVENT_TYPE], row[S.LOCATION], row[S.EVENT_DATE]) if v is not None
    )
    out = [
        f"<Placemark id={quoteattr('e-' + clean(row[S.EVENT_ID] or ''))}>",
        f"<name>{escape(clean(name))}</name>",
        f"<styleUrl>#{style_id(event_type)}</styleUrl>",
        f"<description>{escape(_description(row))}</description>",
    ]
    if row[S.EVENT_DATE] is not None:
        end = row[S.EVENT_DATE_END] or row[S.EVENT_DATE]
        out.append(f"<TimeSpan><begin>{row[S.EVENT_DATE]}</begin><end>{end}</end></TimeSpan>")
    out.append("<ExtendedData>")
    for name in S.COLUMN_NAMES:
        value = row[name]
        if value is not None:
            out.append(f'<Data name="{name}"><value>{escape(clean(value))}</value></Data>')
    out.append("</ExtendedData>")
    if row[S.LONGITUDE] is not None and row[S.LATITUDE] is not None:
        out.append(
            f"<Point><coordinates>{row[S.LONGITUDE]},{row[S.LATITUDE]}</coordinates></Point>"
        )
    out.append("</Placemark>\n")
    return "".join(out)


def write(events: pd.DataFrame, target: str | Path | IO[str], *, name: str = "conflictmap") -> int:
    """Write events as a KML document; returns the number of placemarks."""
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="\n") as stream:
            return write(events, stream, name=name)
    target.write(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n'
        f"<name>{escape(clean(name))}</name>\n{_styles()}"
    )
    texts = {c.name: column_texts(events[c.name], c.kind) for c in S.COLUMNS}
    types = events[S.EVENT_TYPE].tolist()
    for i, event_type in enumerate(types):
        target.write(_placemark({k: v[i] for k, v in texts.items()}, event_type))
    target.write("</Document>\n</kml>\n")
    return len(events)


def to_bytes(events: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    write(events, buffer)
    return buffer.getvalue().encode("utf-8")
