"""Import page: upload a file of events; the importer checks every row, stores, and says what it left out.

``geo.importer.import_file`` does the work, as ``conflictmap import`` does: the format is told from
the file (ACLED, UCDP GED, GeoJSON, GeoPackage, hand-coded YAML/CSV), ids already stored are left
alone, and by default one bad row stores nothing. The analyst may instead store the good rows and
take the list of rejected rows with their reasons.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import auth, data
from dashboard.messages import plain
from geo import dates as D
from geo import settings
from geo.errors import ConflictmapError, ValidationError
from geo.importer import import_file, problem_kinds
from geo.team import auth as team

TYPES = ["csv", "tsv", "yaml", "yml", "geojson", "json", "gpkg", "zip"]


def _problems_table(rows: list[tuple[object, str]]) -> None:
    st.dataframe(
        pd.DataFrame([(str(r), reason) for r, reason in rows], columns=["row", "problem"]),
        hide_index=True,
        width="stretch",
    )


st.session_state["_page"] = "import"
st.markdown(
    "Upload an ACLED, UCDP GED or GDELT export (or the zip as downloaded), GeoJSON points, a "
    "GeoPackage, or hand-coded events (YAML or CSV in the schema's columns). Events the store "
    "already holds are left as they are, and those whose fields changed in the file are listed."
)
limit_mb = max(1, settings.MAX_INPUT_BYTES // (1024 * 1024))
upload = st.file_uploader("File of events", type=TYPES, key="import_file", max_upload_size=limit_mb)
skip_bad = st.checkbox(
    "Store the valid rows and list the rejected ones (otherwise one bad row stores nothing)",
    key="import_skip_bad",
)
# The same choice as the CLI's --dayfirst / --monthfirst / --date-format.
ORDERS = {
    "As the file's own dates show (refused when they read both ways)": D.AUTO,
    "Day first: 10/05/2022 is 10 May": D.DAYFIRST,
    "Month first: 10/05/2022 is 5 October": D.MONTHFIRST,
}
with st.expander("Dates written as numbers (10/05/2022)"):
    order = ORDERS[st.radio("Day and month", list(ORDERS), key="import_date_order")]
    date_format = st.text_input(
        "Or every date in this format (strptime, e.g. %m/%d/%y); overrides the choice above",
        key="import_date_format",
    ).strip()
update = st.checkbox(
    "Write the changed fields of events already stored as new versions (a revised export)",
    key="import_update",
)
if upload is not None and upload.size > settings.MAX_INPUT_BYTES:
    st.error(
        f"{plain(upload.name)} is {upload.size / 2**20:,.0f} MB, over the {limit_mb:,} MB limit "
        "for one file: split it, or import it with `conflictmap import` after raising "
        "CONFLICTMAP_MAX_INPUT_MB."
    )
elif upload is not None and st.button(f"Import {upload.name}", type="primary", key="import_go"):
    bar = st.progress(0.0, text="Reading…")

    def progress(done: int, total: int) -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"{done:,} of {total:,} rows checked")

    with tempfile.TemporaryDirectory(prefix="conflictmap-upload-") as folder:
        path = Path(folder) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            user = auth.require(team.IMPORT)
            report = import_file(
                path,
                store=data.store(),
                skip_bad=skip_bad,
                progress=progress,
                user=user.name,
                dates=date_format or order,
                update=update,
            )
        except ValidationError as exc:
            bar.empty()
            st.error(
                f"Nothing was stored: {len(exc.problems):,} problem(s) in {plain(upload.name)}."
            )
            for line in problem_kinds(exc.problems):
                st.caption(plain(line))
            _problems_table([(p.row, f"{p.column}: {p.message}") for p in exc.problems])
        except D.DateOrderError as exc:
            bar.empty()
            message = str(exc).replace(f"file {path}", upload.name)
            st.error(f"Nothing was stored: {plain(message)}")
            st.info("Say how the dates read under **Dates written as numbers** above.")
        except ConflictmapError as exc:
            bar.empty()
            # The file was saved under a temporary folder: name it as the analyst knows it.
            message = str(exc).replace(str(path), upload.name)
            st.error(f"{plain(upload.name)} cannot be imported: {plain(message)}")
        else:
            st.success(plain(report.summary().replace(str(path.parent) + "/", "")))
            for line in report.details():
                st.caption(plain(line))
            if report.rejected:
                st.subheader("Rejected rows")
                _problems_table([(r.row, "; ".join(r.reasons)) for r in report.rejected])
