"""Import page: upload a file of events, see what would be rejected and why, store the rest.

Hand-coded YAML/CSV and GeoJSON are read by ``geo.formats``; ACLED and UCDP exports go through
``geo.importer`` when it is installed. Rows that break the schema are listed with their row number
and field; nothing is stored until the analyst says so, and then all the valid rows or none.
"""

from __future__ import annotations

import importlib
import io
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data
from geo import schema as S
from geo.errors import ConflictmapError, Problem, ValidationError
from geo.formats import geojson, handcoded

CHUNK = 500
TYPES = ["yaml", "yml", "csv", "geojson", "json"]


def read_upload(name: str, payload: bytes) -> pd.DataFrame:
    """Rows of an uploaded file in schema columns (not yet validated), numbered as in the file."""
    suffix = Path(name).suffix.lower()
    if suffix in (".geojson", ".json"):
        return geojson.read(io.StringIO(payload.decode("utf-8-sig")))
    if suffix == ".csv":
        importer = _importer()
        if importer is not None and hasattr(importer, "read_upload"):
            return importer.read_upload(name, payload)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(name).name
        path.write_bytes(payload)
        return handcoded.read(path)


def _importer():
    try:
        return importlib.import_module("geo.importer")
    except ImportError:
        return None


def split_valid(raw: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The rows that pass validation, and the problems of the others."""
    try:
        return S.validate(raw), []
    except ValidationError as exc:
        bad = {p.row for p in exc.problems}
        if "header" in bad:
            return S.empty_frame(), exc.problems
        keep = raw.loc[[r for r in raw.index if r not in bad]]
        return (S.validate(keep) if len(keep) else S.empty_frame()), exc.problems


def store_in_chunks(valid: pd.DataFrame, progress) -> tuple[int, int]:
    """Add ``valid`` in chunks, moving the progress bar; returns (added, already stored)."""
    added = skipped = 0
    total = max(1, len(valid))
    for start in range(0, len(valid), CHUNK):
        result = data.store().add(valid.iloc[start : start + CHUNK], on_existing="skip")
        added += len(result.added)
        skipped += len(result.skipped)
        done = min(len(valid), start + CHUNK)
        progress.progress(done / total, text=f"Stored {done:,} of {len(valid):,} rows")
    return added, skipped


st.session_state["_page"] = "import"
st.markdown(
    "Upload hand-coded events (YAML or CSV in the schema's columns), GeoJSON points, or an ACLED / "
    "UCDP export. Rows with problems are listed and left out; nothing is stored until you confirm."
)
upload = st.file_uploader("File of events", type=TYPES, key="import_file")
if upload is not None:
    try:
        raw = read_upload(upload.name, upload.getvalue())
    except ConflictmapError as exc:
        st.error(f"{upload.name} cannot be read: {exc}")
        st.stop()
    valid, problems = split_valid(raw)
    st.markdown(
        f"**{len(raw):,}** rows read · **{len(valid):,}** valid · **{len(raw) - len(valid):,}** rejected"
    )
    if problems:
        st.subheader("Rejected rows")
        st.dataframe(
            pd.DataFrame(
                [(str(p.row), p.column, p.message) for p in problems],
                columns=["row", "column", "problem"],
            ),
            hide_index=True,
            width="stretch",
        )
    if len(valid) and st.button(
        f"Store {len(valid):,} valid event(s)", type="primary", key="import_go"
    ):
        bar = st.progress(0.0, text="Storing…")
        try:
            added, skipped = store_in_chunks(valid, bar)
        except ConflictmapError as exc:
            st.error(f"Nothing more was stored: {exc}")
        else:
            st.success(f"Stored {added:,} new event(s); {skipped:,} were already in the store.")
