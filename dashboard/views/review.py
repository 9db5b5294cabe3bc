"""Review page: draft events from the extractor, with their evidence; accept, correct or reject.

Every decision is an update of the stored event guarded by the version the analyst saw, so two
analysts reviewing the same draft cannot overwrite each other: the second one is told.
"""

from __future__ import annotations

import streamlit as st

from dashboard import auth, cards, data, linkreview, state
from dashboard.messages import show_store_error
from geo import schema as S
from geo.errors import ConflictmapError
from geo.team import auth as team

PAGE_SIZE = 10


def _decide(event_id: str, version: int, status: str) -> None:
    try:
        user = auth.require(team.REVIEW)
        data.store().update(event_id, {S.STATUS: status}, expected_version=version, user=user.name)
    except ConflictmapError as exc:
        st.session_state["review_error"] = exc
    else:
        st.session_state["review_done"] = f"{event_id} marked {status}."


st.session_state["_page"] = "review"
drafts = data.index().apply(state.filters().with_(statuses=("draft",)))
drafts = drafts.sort_values([S.CONFIDENCE, S.EVENT_DATE], ascending=[False, True])

if refused := st.session_state.pop("review_error", None):
    show_store_error(refused)
if message := st.session_state.pop("review_done", None):
    st.success(message)

st.markdown(f"**{len(drafts):,}** draft events to review (the sidebar filters apply)")
if drafts.empty:
    st.info(
        "No drafts match. Extracted events arrive here as drafts until an analyst accepts them."
    )

pages = max(1, -(-len(drafts) // PAGE_SIZE))
page = (
    st.number_input("Page", min_value=1, max_value=pages, step=1, key="review_page")
    if pages > 1
    else 1
)
for _, event in drafts.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE].iterrows():
    eid, version = event[S.EVENT_ID], int(event[S.VERSION])
    with st.container(border=True):
        cards.draft_card(event)
        a, c, r = st.columns(3)
        a.button(
            "Accept",
            key=f"accept_{eid}",
            on_click=_decide,
            args=(eid, version, "reviewed"),
            type="primary",
            width="stretch",
        )
        if c.button("Correct…", key=f"correct_{eid}", width="stretch"):
            st.session_state["edit_id"] = eid
            st.switch_page("views/edit.py")
        r.button(
            "Reject",
            key=f"reject_{eid}",
            on_click=_decide,
            args=(eid, version, "rejected"),
            width="stretch",
        )

st.html(cards.EVIDENCE_CSS)
st.divider()
linkreview.render()
