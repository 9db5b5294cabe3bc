"""A draft event as the analyst reads it before deciding: type and place, its evidence with the
matched words marked, and the details, all escaped. Shared by the Review and Report pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import highlight, mapview
from geo import schema as S
from geo.extract import evidence_spans

EVIDENCE_CSS = (
    "<style>.cm-evidence{font-size:1.05rem;line-height:1.7}"
    ".cm-evidence mark{background:#fdebd0;padding:0 2px;border-radius:3px}"
    ".cm-evidence mark.cm-date{background:#d6eaf8}</style>"
)


def evidence_sentences(evidence: str) -> list[str]:
    spans = evidence_spans(evidence)
    return [sentence for _a, _b, sentence in spans] or [evidence]


def draft_card(event: pd.Series) -> None:
    """The title line, then the evidence beside the details (call inside a container)."""
    # HTML, not Markdown: a place named "![x](https://...)" must not fetch an image; <bdi> keeps
    # a right-to-left override inside the name from reordering the rest of the line.
    title = (
        f"<b>{mapview.esc(event[S.SUB_EVENT_TYPE])}</b> · "
        f"<bdi>{mapview.esc(event[S.LOCATION])}</bdi>"
    )
    confidence = event[S.CONFIDENCE]
    if pd.notna(confidence):
        title += f" · confidence {confidence:.2f}"
    st.html(f"<p>{title}</p>")
    left, right = st.columns([3, 2])
    with left:
        dateline = event[S.EVENT_DATE].date() if pd.notna(event[S.EVENT_DATE]) else None
        evidence = event[S.EVIDENCE] if pd.notna(event[S.EVIDENCE]) else ""
        for sentence in evidence_sentences(str(evidence)):
            st.html(
                highlight.marked_html(
                    sentence, highlight.matched_spans(sentence, dateline=dateline)
                )
            )
    with right:
        st.html(mapview.details_html(event))
