"""The chain of a selected event: its links on the map, a small timeline of the exchange, and the
chain's GeoJSON. Pure functions (folium objects, HTML, bytes) that the map page calls.

Links are drawn apart from the direction-of-fire arrows (straight, dashed, in the event type's
colour): a curve in one violet, finely dotted, from the attacked event to each answer, with a
chevron near the answer and the link's relation and evidence on hover. Every text that came from a
report is escaped.
"""

from __future__ import annotations

import math

import folium
import numpy as np
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template

from dashboard.mapview import bearing_on_screen, esc, json_for_script
from geo import links as L
from geo import schema as S
from geo.chains import Chain, ChainIndex, answer_gap
from geo.export import get_format

LINK_COLOUR = "#7b1fa2"
CURVE_POINTS = 24
BEND = 0.22  # how far the curve bows out, as a share of the link's length
RELATION_WORDS = {
    "retaliation_for": "retaliates for",
    "response_to": "responds to",
    "same_incident": "is the same incident as",
    "follow_up": "follows up",
}


def curve(lat1: float, lon1: float, lat2: float, lon2: float, n: int = CURVE_POINTS) -> list:
    """Points of a gentle arc from 1 to 2 (a quadratic curve bowed to the left of the way)."""
    mid_lat, mid_lon = (lat1 + lat2) / 2, (lon1 + lon2) / 2
    # Perpendicular to the chord; on the answer's own point (no length) there is nothing to bow.
    ctrl_lat = mid_lat + BEND * (lon2 - lon1)
    ctrl_lon = mid_lon - BEND * (lat2 - lat1)
    t = np.linspace(0.0, 1.0, n)
    lat = (1 - t) ** 2 * lat1 + 2 * (1 - t) * t * ctrl_lat + t**2 * lat2
    lon = (1 - t) ** 2 * lon1 + 2 * (1 - t) * t * ctrl_lon + t**2 * lon2
    return [[round(float(a), 6), round(float(b), 6)] for a, b in zip(lat, lon, strict=True)]


def link_tooltip(link: pd.Series, answer: pd.Series, answered: pd.Series) -> str:
    """What hovering a link shows: who answers whom, how fast and far, and the evidence."""
    delay, km = answer_gap(link, answer, answered)
    words = RELATION_WORDS.get(link[L.RELATION], link[L.RELATION])
    head = (
        f"<b>{esc(answer[S.LOCATION])}</b> {esc(words)} <b>{esc(answered[S.LOCATION])}</b>"
        f"<br>{esc(delay)} later, {km:.0f} km away"
        f" · {esc(link[L.SOURCE])}, {esc(link[L.STATUS])}"
    )
    evidence = link[L.EVIDENCE]
    if isinstance(evidence, str) and evidence:
        head += f'<br><span class="cm-link-evidence">{esc(evidence)}</span>'
    return head


class ChainLinks(MacroElement):
    """The links of one chain as dotted violet curves, attack -> answer, evidence on hover."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (target) {
            var rows = {{ this.rows_json }};
            for (var i = 0; i < rows.length; i++) {
                var r = rows[i];
                var line = L.polyline(r[0], {
                    color: "{{ this.colour }}", weight: 3, opacity: 0.95, dashArray: "2 7",
                    lineCap: "round", className: "cm-chain-link"
                });
                line.bindTooltip(r[1], {sticky: true, className: "cm-chain-tip"});
                target.addLayer(line);
                target.addLayer(L.marker(r[2], {
                    interactive: false, keyboard: false,
                    icon: L.divIcon({
                        className: "cm-chain-head", iconSize: [14, 14], iconAnchor: [7, 7],
                        html: '<svg width="14" height="14" viewBox="0 0 14 14" style="transform: rotate(' +
                            r[3] + 'deg)"><path d="M2 12 L7 2 L12 12" fill="none" stroke="{{ this.colour }}" stroke-width="2.5"/></svg>'
                    })
                }));
            }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, chain: Chain) -> None:
        super().__init__()
        self._name = "ChainLinks"
        self.colour = LINK_COLOUR
        events = chain.events.set_index(S.EVENT_ID, drop=False)
        rows = []
        for _, link in chain.links.iterrows():
            answer, answered = events.loc[link[L.EVENT_ID]], events.loc[link[L.TARGET_ID]]
            coords = (
                answered[S.LATITUDE],
                answered[S.LONGITUDE],
                answer[S.LATITUDE],
                answer[S.LONGITUDE],
            )
            if any(pd.isna(c) for c in coords):
                continue
            points = curve(*coords)
            near = points[int(len(points) * 0.8)]
            after = points[int(len(points) * 0.8) + 1]
            angle = bearing_on_screen(near[0], near[1], after[0], after[1])
            rows.append([points, link_tooltip(link, answer, answered), near, round(angle, 1)])
        self.count = len(rows)
        self.rows_json = json_for_script(rows)


def selected_chain(chains: ChainIndex, at: tuple[float, float] | None) -> Chain | None:
    """The chain of the event clicked at ``at`` (lat, lon), if it is in one."""
    if at is None:
        return None
    events = chains.events
    near = (
        (events[S.LATITUDE] - at[0]).abs().lt(1e-5) & (events[S.LONGITUDE] - at[1]).abs().lt(1e-5)
    ).to_numpy(dtype=bool, na_value=False)
    for position in np.flatnonzero(near & chains.in_chain):
        return chains.chain_of(events[S.EVENT_ID].iloc[position])
    return None


def chain_group(chain: Chain | None) -> list[folium.FeatureGroup]:
    """The map layer of a selected event's chain (nothing when it is in none)."""
    if chain is None:
        return []
    drawn = ChainLinks(chain)
    if drawn.count == 0:
        return []
    group = folium.FeatureGroup(name=f"&#10547; Chain links ({drawn.count})")
    drawn.add_to(group)
    folium.Element(CHAIN_CSS).add_to(group)
    return [group]


CHAIN_CSS = (
    "<style>.cm-chain-head { background: transparent; border: none; }"
    ".cm-link-evidence { display: inline-block; max-width: 320px; white-space: normal; }</style>"
)


def timeline_html(chain: Chain) -> str:
    """A small timeline of the exchange: each event in date order, and for an answer how long
    after and how far from what it answers."""
    events = chain.events.set_index(S.EVENT_ID, drop=False)
    answers = {}
    for _, link in chain.links.iterrows():
        answers.setdefault(link[L.EVENT_ID], []).append(link)
    first = pd.Timestamp(chain.events[S.EVENT_DATE].min())
    items = []
    for eid, event in events.iterrows():
        day = pd.Timestamp(event[S.EVENT_DATE])
        what = f"{esc(event[S.SUB_EVENT_TYPE])} at <b>{esc(event[S.LOCATION])}</b>"
        who = esc(event[S.ACTOR1])
        notes = []
        for link in answers.get(eid, []):
            answered = events.loc[link[L.TARGET_ID]]
            delay, km = answer_gap(link, event, answered)
            distance = "" if math.isnan(km) else f", {km:.0f} km"
            notes.append(
                f"{esc(RELATION_WORDS.get(link[L.RELATION], link[L.RELATION]))} "
                f"{esc(answered[S.LOCATION])}: {esc(delay)}"
                f"{distance}"
            )
        role = "answer" if notes else "attack"
        offset = (day - first).days
        items.append(
            f'<li class="cm-chain-{role}"><span class="cm-chain-day">'
            f"{day:%Y-%m-%d}{f' (+{offset} d)' if offset else ''}</span> {what}"
            f'<br><span class="cm-muted">{who}</span>'
            + "".join(f'<br><span class="cm-chain-delay">↳ {n}</span>' for n in notes)
            + "</li>"
        )
    return (
        f'<div class="cm-chain"><b>Chain of {len(events)} events</b> '
        f'<span class="cm-muted">({esc(chain.chain_id)})</span>'
        f'<ol class="cm-chain-list">{"".join(items)}</ol></div>' + TIMELINE_CSS
    )


TIMELINE_CSS = (
    "<style>.cm-chain-list { padding-left: 1.1em; margin: .3em 0; }"
    ".cm-chain-list li { margin-bottom: .4em; }"
    f".cm-chain-answer {{ border-left: 3px dotted {LINK_COLOUR}; padding-left: .4em; }}"
    ".cm-chain-attack { border-left: 3px solid #b71c1c; padding-left: .4em; }"
    f".cm-chain-delay {{ color: {LINK_COLOUR}; }} .cm-muted {{ color: #666; }}</style>"
)


def chain_geojson(chain: Chain) -> bytes:
    """The chain's events with their links, as the GeoJSON export writes them."""
    return get_format("geojson").to_bytes(chain.events, links=chain.links)


def chain_filename(chain: Chain) -> str:
    slug = "".join(c if c.isalnum() or c in "-_" else "-" for c in chain.chain_id)
    return f"conflictmap_{slug.strip('-')}.geojson"
