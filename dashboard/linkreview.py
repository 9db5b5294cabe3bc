"""Candidate links on the Review page: what the extraction thinks answers what, with its evidence
and score; accept or reject, each guarded by the version the analyst saw."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import auth, data
from dashboard.chainview import RELATION_WORDS
from dashboard.mapview import esc
from dashboard.messages import show_store_error
from geo import links as L
from geo import schema as S
from geo.errors import ConflictmapError
from geo.team import auth as team

PAGE_SIZE = 10


def _decide(link_id: str, version: int, status: str) -> None:
    try:
        user = auth.require(team.REVIEW)
        data.store().update_link(
            link_id, {L.STATUS: status}, expected_version=version, user=user.name
        )
    except ConflictmapError as exc:
        st.session_state["link_review_error"] = exc
    else:
        st.session_state["link_review_done"] = f"Link {link_id} {status}."


def _event_line(events: pd.DataFrame, event_id: str) -> str:
    if event_id not in events.index:
        return f"<b>{esc(event_id)}</b> (not among the loaded events)"
    e = events.loc[event_id]
    day = pd.Timestamp(e[S.EVENT_DATE]).strftime("%Y-%m-%d")
    return (
        f"<b>{esc(e[S.SUB_EVENT_TYPE])}</b> at <b>{esc(e[S.LOCATION])}</b>, {day}, "
        f"by {esc(e[S.ACTOR1])} <span class='cm-muted'>({esc(event_id)})</span>"
    )


def card_html(link: pd.Series, events: pd.DataFrame) -> str:
    """One candidate link as the reviewer reads it; every text from the report escaped."""
    words = RELATION_WORDS.get(link[L.RELATION], link[L.RELATION])
    score = "" if pd.isna(link[L.SCORE]) else f" · score {float(link[L.SCORE]):.2f}"
    evidence = link[L.EVIDENCE] if isinstance(link[L.EVIDENCE], str) else ""
    return (
        f"<div class='cm-link-card'>{_event_line(events, link[L.EVENT_ID])}"
        f"<br><i>{esc(words)}</i><br>{_event_line(events, link[L.TARGET_ID])}"
        f"<div class='cm-muted'>{esc(link[L.SOURCE])}{score}</div>"
        f"<blockquote dir='auto'>{esc(evidence)}</blockquote></div>"
    )


def render() -> None:
    """The candidate links section of the Review page."""
    if refused := st.session_state.pop("link_review_error", None):
        show_store_error(refused)
    if message := st.session_state.pop("link_review_done", None):
        st.success(message)
    snapshot = data.snapshot()
    candidates = snapshot.links[snapshot.links[L.STATUS] == L.CANDIDATE]
    candidates = candidates.sort_values(L.SCORE, ascending=False, na_position="last")
    st.markdown(f"**{len(candidates):,}** candidate links between events to review")
    if candidates.empty:
        st.caption(
            "Links drafted from reports arrive here until an analyst accepts or rejects them."
        )
        return
    shown = candidates.head(PAGE_SIZE)
    # Only the events these cards name: indexing every stored event would cost a second at 1M.
    named = set(shown[L.EVENT_ID]) | set(shown[L.TARGET_ID])
    events = snapshot.events[snapshot.events[S.EVENT_ID].isin(named).to_numpy(dtype=bool)]
    events = events.set_index(S.EVENT_ID, drop=False)
    for _, link in shown.iterrows():
        lid, version = link[L.LINK_ID], int(link[L.VERSION])
        with st.container(border=True):
            st.html(card_html(link, events))
            a, r = st.columns(2)
            a.button(
                "Accept link",
                key=f"accept_link_{lid}",
                on_click=_decide,
                args=(lid, version, L.ACCEPTED),
                type="primary",
                width="stretch",
            )
            r.button(
                "Reject link",
                key=f"reject_link_{lid}",
                on_click=_decide,
                args=(lid, version, L.REJECTED),
                width="stretch",
            )
