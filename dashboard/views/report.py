"""Report page: paste or drop a news report (Arabic or English), read the events drafted from it,
and store them as drafts for the Review page.

``geo.extract.extract`` does the reading, as ``conflictmap extract`` does; nothing is stored
until the analyst asks, and stored drafts keep their evidence for review.
"""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from dashboard import auth, cards, data
from dashboard.messages import plain, show_store_error
from geo import schema as S
from geo import settings
from geo.errors import ConflictmapError
from geo.team import auth as team
from geo.textio import decode

DRAFTS_KEY = "report_drafts"


def _read_form() -> tuple[str, str, datetime, str | None] | None:
    """The report, publisher, dateline and link, or None after showing what is missing."""
    problems = []
    upload = st.session_state.get("report_file")
    text = st.session_state.get("report_text", "")
    if upload is not None:
        try:
            text, _ = decode(upload.getvalue(), name=upload.name)
        except ConflictmapError as exc:
            problems.append(str(exc))
    if not text.strip() and not problems:
        problems.append("Report: paste the report's text or drop a text file.")
    source = st.session_state.get("report_source", "").strip()
    if not source:
        problems.append("Publisher: required, it ends the source of every drafted event.")
    published = None
    written = st.session_state.get("report_published", "").strip()
    try:
        published = datetime.fromisoformat(written)
    except ValueError:
        problems.append(
            f"Published: {written!r} is not a date and time; write it like 2022-10-23T06:52+03:00."
        )
    url = st.session_state.get("report_url", "").strip() or None
    if url is not None and S.safe_url(url) is None:
        problems.append(f"Link: {url!r} is not an http(s) link.")
    for problem in problems:
        st.error(plain(problem))
    if problems or published is None:
        return None
    return text, source, published, url


def _store(drafts) -> None:
    from geo.extract.links import draft_links, stored_window

    try:
        user = auth.require(team.ADD)
        store = data.store()
        # What the report may answer is what was stored before its drafts (candidates, for review).
        links = draft_links(drafts, stored=data.index().apply(stored_window(drafts)))
        result = store.add(drafts, user=user.name)
        store.add_links(links, user=user.name)
    except ConflictmapError as exc:
        st.session_state["report_refused"] = exc
        return
    st.session_state.pop(DRAFTS_KEY, None)
    stored = f"Stored {len(result.added)} draft event(s) for review"
    if len(links):
        stored += f" and {len(links)} candidate link(s) between events"
    if result.skipped:
        stored += f"; {len(result.skipped)} were already stored"
    st.session_state["report_done"] = stored + "."


st.session_state["_page"] = "report"
st.markdown(
    "Paste a news report, Arabic or English, or drop it as a text file. Events are drafted from "
    "sentences that tell an event at a place the gazetteer knows; nothing is stored until you say."
)
if refused := st.session_state.pop("report_refused", None):
    show_store_error(refused)
if message := st.session_state.pop("report_done", None):
    st.success(message)
    st.page_link("views/review.py", label="Review the drafts", icon=":material/fact_check:")

with st.form("report_form"):
    st.text_area("Report", height=220, key="report_text")
    limit_mb = max(1, settings.MAX_INPUT_BYTES // (1024 * 1024))
    st.file_uploader(
        "…or a text file (UTF-8, UTF-16 or Windows-1256)",
        type=["txt"],
        key="report_file",
        max_upload_size=limit_mb,
    )
    c1, c2, c3 = st.columns([2, 2, 1])
    c1.text_input("Publisher", key="report_source", placeholder="Syria TV")
    c2.text_input(
        "Published (date, time and UTC offset)",
        key="report_published",
        placeholder="2022-10-23T06:52+03:00",
        help="Relative dates in the report (yesterday, «أمس», last night) count from this day.",
    )
    c3.selectbox("Language", ["auto", "ar", "en"], key="report_lang")
    st.text_input("Link to the report (optional)", key="report_url")
    submitted = st.form_submit_button("Draft events", type="primary")

if submitted:
    st.session_state.pop(DRAFTS_KEY, None)
    form = _read_form()
    if form is not None:
        text, source, published, url = form
        from geo.extract import extract  # the lexicon and gazetteer load on first use
        from geo.places.known import geocoder_with_store

        try:
            with st.spinner("Reading the report (the first one loads the gazetteer)…"):
                st.session_state[DRAFTS_KEY] = extract(
                    text,
                    source=source,
                    published=published,
                    lang=st.session_state.get("report_lang", "auto"),
                    url=url,
                    # the villages of the store's own events are places too
                    geocoder=geocoder_with_store(data.store(), events=data.events()).geocode,
                )
        except ConflictmapError as exc:
            st.error(plain(str(exc)))

drafts = st.session_state.get(DRAFTS_KEY)
if drafts is not None and drafts.empty:
    st.info(
        "No event found in this report. An event needs a sentence with an event word (strike, "
        "shelling, clashes, «قصف» ...) and a place the gazetteer knows, not negated and not "
        "background (history, troop numbers)."
    )
elif drafts is not None:
    st.markdown(f"**{len(drafts)}** draft event(s) from this report")
    for _, event in drafts.iterrows():
        with st.container(border=True):
            cards.draft_card(event)
    st.button(
        f"Store {len(drafts)} draft(s) for review",
        type="primary",
        key="report_store",
        on_click=_store,
        args=(drafts,),
    )
    st.html(cards.EVIDENCE_CSS)
