"""Add / edit page: one event in a form, checked by ``geo.schema.validate`` before it is stored.

Errors are shown under the field they concern. Edits are guarded by the version that was loaded:
if someone changed the event meanwhile, the store refuses and the analyst is told to reload.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import auth, data
from dashboard.messages import show_store_error
from geo import schema as S
from geo.errors import ConflictmapError, ValidationError
from geo.team import auth as team

NEW = "— new event —"
# (column, label, widget): the fields of the form, in the order an analyst codes an event.
FIELDS: list[tuple[str, str, str]] = [
    (S.EVENT_DATE, "Date", "date"),
    (S.EVENT_DATE_END, "Last day (spans only)", "date"),
    (S.TIME_PRECISION, "Time precision", "time_precision"),
    (S.EVENT_TYPE, "Event type", "event_type"),
    (S.SUB_EVENT_TYPE, "Sub-event type", "sub_event_type"),
    (S.ACTOR1, "Actor 1", "text"),
    (S.INTER1, "Actor 1 type", "actor_type"),
    (S.ASSOC_ACTOR_1, "Associated with actor 1", "text"),
    (S.ACTOR2, "Actor 2", "text"),
    (S.INTER2, "Actor 2 type", "actor_type"),
    (S.ASSOC_ACTOR_2, "Associated with actor 2", "text"),
    (S.COUNTRY, "Country", "text"),
    (S.ADMIN1, "Admin 1", "text"),
    (S.ADMIN2, "Admin 2", "text"),
    (S.LOCATION, "Location", "text"),
    (S.LATITUDE, "Latitude", "float"),
    (S.LONGITUDE, "Longitude", "float"),
    (S.GEO_PRECISION, "Geo precision", "geo_precision"),
    (S.ORIGIN_LOCATION, "Fire came from", "text"),
    (S.ORIGIN_LATITUDE, "Origin latitude", "float"),
    (S.ORIGIN_LONGITUDE, "Origin longitude", "float"),
    (S.FATALITIES, "Fatalities", "int"),
    (S.SOURCE, "Sources (outlets, ; separated)", "text"),
    (S.SOURCE_URL, "Source links (http/https, space separated)", "text"),
    (S.NOTES, "Notes (your own words)", "area"),
    (S.EVIDENCE, "Evidence (original sentence)", "area"),
    (S.STATUS, "Status", "status"),
]
CHOICES = {
    "time_precision": [1, 2, 3],
    "geo_precision": [1, 2, 3],
    "event_type": list(S.EVENT_TYPES),
    "sub_event_type": list(S.SUB_EVENT_TYPES),
    "actor_type": ["", *S.ACTOR_TYPE_LABELS],
    "status": list(S.STATUSES),
}
LABELS = {
    "time_precision": lambda c: f"{c}: {S.TIME_PRECISION_CODES[c]}",
    "geo_precision": lambda c: f"{c}: {S.GEO_PRECISION_CODES[c]}",
}


def _key(column: str) -> str:
    return f"e_{column}"


def _widget_value(kind: str, value: object) -> object:
    missing = value is None or (not isinstance(value, str) and pd.isna(value))
    if kind == "date":
        return None if missing else pd.Timestamp(value).date()
    if kind in ("float", "int"):
        return None if missing else (int(value) if kind == "int" else float(value))
    if kind in CHOICES:
        default = CHOICES[kind][0]
        return default if missing else (int(value) if kind.endswith("precision") else str(value))
    return "" if missing else str(value)


def _load(event: pd.Series | None) -> None:
    for column, _label, kind in FIELDS:
        value = event[column] if event is not None else None
        if event is None and column == S.STATUS:
            value = "reviewed"
        st.session_state[_key(column)] = _widget_value(kind, value)
    st.session_state["edit_version"] = int(event[S.VERSION]) if event is not None else None


def _draw(column: str, label: str, kind: str) -> None:
    key = _key(column)
    if kind == "date":
        st.date_input(label, key=key, format="YYYY-MM-DD", min_value=date(1990, 1, 1))
    elif kind == "float":
        st.number_input(label, key=key, format="%.5f", step=0.0001, value=None)
    elif kind == "int":
        st.number_input(label, key=key, min_value=None, step=1, value=None)
    elif kind == "area":
        st.text_area(label, key=key, height=90)
    elif kind in CHOICES:
        st.selectbox(label, CHOICES[kind], key=key, format_func=LABELS.get(kind, str))
    else:
        st.text_input(label, key=key)
    for message in st.session_state.get("edit_problems", {}).get(column, []):
        st.error(message, icon=":material/error:")


def _values() -> dict[str, object]:
    out: dict[str, object] = {}
    for column, _label, _kind in FIELDS:
        value = st.session_state.get(_key(column))
        out[column] = None if value == "" else value
    return out


def _save(event_id: str | None) -> None:
    """Validate and store the form (a submit callback); problems are kept per field."""
    values = _values()
    st.session_state["edit_problems"] = {}
    try:
        user = auth.require(team.ADD if event_id is None else team.EDIT).name
        if event_id is None:
            frame = pd.DataFrame([values], index=pd.Index(["form"]))
            S.validate(frame)
            result = data.store().add(frame, on_existing="error", user=user)
            st.session_state["edit_done"] = f"Stored new event {result.added[0]}."
            st.session_state["edit_id"] = result.added[0]
            st.session_state.pop("edit_loaded", None)
        else:
            data.store().update(
                event_id,
                values,
                expected_version=st.session_state["edit_version"],
                user=user,
            )
            st.session_state["edit_done"] = f"Saved {event_id}."
            st.session_state.pop("edit_loaded", None)
    except ValidationError as exc:
        by_field: dict[str, list[str]] = {}
        for problem in exc.problems:
            by_field.setdefault(problem.column, []).append(problem.message)
        st.session_state["edit_problems"] = by_field
        st.session_state["edit_error"] = (
            f"Not stored: {len(exc.problems)} problem(s), shown under the fields."
        )
    except ConflictmapError as exc:
        st.session_state["edit_refused"] = exc


st.session_state["_page"] = "edit"
events = data.events()
ids = [NEW, *sorted(events[S.EVENT_ID].dropna())]
wanted = st.session_state.get("edit_id") or NEW
if wanted not in ids:
    wanted = NEW
choice = st.selectbox("Event", ids, index=ids.index(wanted), key="edit_choice")
st.session_state["edit_id"] = None if choice == NEW else choice
if st.session_state.get("edit_loaded") != choice:
    current = events.loc[events[S.EVENT_ID] == choice].iloc[0] if choice != NEW else None
    _load(current)
    st.session_state["edit_loaded"] = choice
    st.session_state["edit_problems"] = {}

if message := st.session_state.pop("edit_error", None):
    st.error(message)
if refused := st.session_state.pop("edit_refused", None):
    show_store_error(refused)
if message := st.session_state.pop("edit_done", None):
    st.success(message)

with st.form("event_form", border=True):
    columns = st.columns(3)
    for i, (column, label, kind) in enumerate(FIELDS):
        with columns[i % 3]:
            _draw(column, label, kind)
    st.form_submit_button(
        "Add event" if choice == NEW else "Save changes",
        type="primary",
        on_click=_save,
        args=(None if choice == NEW else choice,),
    )
