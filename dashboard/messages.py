"""Message boxes that show text the analyst did not write: file names, cells, other editors' values.

Streamlit's message boxes render Markdown, so such text is escaped to show as written.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from geo.errors import ConflictError, ConflictmapError

# Every punctuation mark Markdown (or Streamlit's :colour[...] and $math$) reads.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:&])")


def plain(text: str) -> str:
    """Text shown as written in a Markdown message (st.error, st.success, st.caption)."""
    return _MARKDOWN.sub(r"\\\1", text)


def show_store_error(exc: ConflictmapError) -> None:
    """A refused change; for a conflict, the fields it touched side by side with the store's."""
    if not isinstance(exc, ConflictError):
        st.error(plain(str(exc)))
        return
    st.error(plain(str(exc).splitlines()[0]))
    if exc.fields:
        rows = [(name, _cell(stored), _cell(yours)) for name, (stored, yours) in exc.fields.items()]
        st.dataframe(
            pd.DataFrame(rows, columns=["field", "in the store now", "your change"]),
            hide_index=True,
            width="stretch",
        )


def _cell(value: object) -> str:
    return "" if value is None else str(value)
