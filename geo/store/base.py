"""The store interface every backend offers, and the helpers both backends share.

The interface is small on purpose (add, get, update, delete, load, history, revision) so that a
second backend can sit behind it; the dashboard and the CLI speak only this.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import query
from geo import schema as S
from geo.errors import Problem, ValidationError

OnExisting = Literal["skip", "replace", "update", "error"]
Differences = dict[str, dict[str, list[object]]]

# Columns that are the store's bookkeeping or the analyst's review, never a source's to change.
NOT_COMPARED = frozenset({S.EVENT_ID, S.STATUS, S.VERSION, S.CREATED_AT, S.UPDATED_AT})


@dataclass(frozen=True)
class AddResult:
    """What an add did: ids stored anew, ids replaced, ids already present and left alone.

    With ``compare`` columns, ``differs`` holds, for each id already stored whose incoming values
    differ on those columns, ``{column: [stored value, incoming value]}``; ``updated`` lists the
    ones written as new versions (``on_existing="update"``). Updated ids are not in ``skipped``.
    """

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    differs: Differences = field(default_factory=dict)
    updated: list[str] = field(default_factory=list)


class EventStore(Protocol):
    """What every store offers; the dashboard and the CLI speak only this."""

    def add(
        self,
        events: pd.DataFrame,
        *,
        on_existing: OnExisting = "skip",
        user: str | None = None,
        compare: tuple[str, ...] = (),
        action: str = "update",
    ) -> AddResult: ...

    def get(self, event_id: str) -> pd.Series: ...

    def update(
        self,
        event_id: str,
        changes: Mapping[str, object],
        *,
        expected_version: int,
        user: str | None = None,
    ) -> pd.Series: ...

    def delete(
        self, event_id: str, *, expected_version: int | None = None, user: str | None = None
    ) -> None: ...

    def load(self, filters: query.Filters | None = None) -> gpd.GeoDataFrame: ...

    def history(self, event_id: str) -> pd.DataFrame: ...

    def revision(self) -> int: ...

    # Links between events (geo.store.links; the columns in geo.links).
    def add_links(
        self, links: pd.DataFrame, *, on_existing: OnExisting = "skip", user: str | None = None
    ) -> AddResult: ...

    def links(
        self, *, statuses: tuple[str, ...] = (), event_id: str | None = None
    ) -> pd.DataFrame: ...

    def get_link(self, link_id: str) -> pd.Series: ...

    def update_link(
        self,
        link_id: str,
        changes: Mapping[str, object],
        *,
        expected_version: int,
        user: str | None = None,
    ) -> pd.Series: ...

    def delete_link(
        self, link_id: str, *, expected_version: int | None = None, user: str | None = None
    ) -> None: ...

    def link_history(
        self, link_id: str | None = None, *, event_id: str | None = None
    ) -> pd.DataFrame: ...


# --- value conversion between typed frames and SQL rows ------------------------------------------
def now() -> pd.Timestamp:
    return pd.Timestamp(datetime.now(UTC)).floor("ms")


def stamp() -> str:
    """Now as the GeoPackage DATETIME text form (ISO 8601, milliseconds, Z)."""
    return now().strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"


def jsonable(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def diff(
    before: pd.Series | None,
    after: pd.Series | None,
    *,
    columns: Sequence[str] = S.COLUMN_NAMES,
    skip: Collection[str] = (S.VERSION, S.UPDATED_AT, S.CREATED_AT),
) -> dict[str, list[object]]:
    """{column: [old, new]} for the columns that changed (identity bookkeeping left out)."""
    out: dict[str, list[object]] = {}
    for name in columns:
        if name in skip:
            continue
        old = jsonable(before[name]) if before is not None else None
        new = jsonable(after[name]) if after is not None else None
        if old != new:
            out[name] = [old, new]
    return out


def check_unique_ids(typed: pd.DataFrame) -> None:
    """Refuse an input that names the same event id twice, naming every row that does."""
    ids = typed[S.EVENT_ID]
    dup = ids.duplicated(keep=False).to_numpy(dtype=bool)
    if dup.any():
        raise ValidationError(
            [
                Problem(row, S.EVENT_ID, f"{eid!r} appears more than once in this input")
                for row, eid in zip(typed.index[dup], ids[dup], strict=True)
            ]
        )


def check_changes(changes: Mapping[str, object]) -> None:
    """Refuse an update that names a column the schema does not have."""
    unknown = [c for c in changes if c not in S.KINDS]
    if unknown:
        raise ValidationError([Problem("changes", c, "is not a column") for c in unknown])


def merged_row(stored: pd.Series, changes: Mapping[str, object]) -> pd.DataFrame:
    """One stored event with ``changes`` written over it, untyped, as a one-row frame."""
    merged = pd.DataFrame([stored.drop(S.GEOMETRY, errors="ignore")])
    for key, value in changes.items():
        merged[key] = pd.Series([value], index=merged.index, dtype=object)
    return merged


def attempted(stored: pd.Series, changes: Mapping[str, object]) -> dict[str, list[object]]:
    """{column: [stored value, value a refused change would have written]}, for the fields it
    would have changed: both versions, for the log and the conflict message.

    A form sends every field; comparing typed values keeps only what the analyst really changed.
    """
    try:
        typed = S.validate(merged_row(stored, changes)).iloc[0]
    except ValidationError:
        return {k: [jsonable(stored[k]), jsonable(v)] for k, v in changes.items()}
    return diff(stored, typed)


def differences(
    stored: pd.DataFrame, incoming: pd.DataFrame, columns: tuple[str, ...]
) -> Differences:
    """For each event in both typed frames (matched by id): the ``columns`` whose values differ,
    as ``{event_id: {column: [stored, incoming]}}``. Missing equals missing."""
    columns = tuple(c for c in columns if c not in NOT_COMPARED)
    old = stored.set_index(S.EVENT_ID, drop=False)
    new = incoming.set_index(S.EVENT_ID, drop=False)
    ids = new.index.intersection(old.index)
    if ids.empty or not columns:
        return {}
    old, new = old.loc[ids], new.loc[ids]
    changed = np.zeros((len(ids), len(columns)), dtype=bool)
    for j, name in enumerate(columns):
        a, b = old[name], new[name]
        # Missing cells (None, NaN, NA, NaT) as None, so that missing equals missing.
        same = a.to_numpy(dtype=object, na_value=None) == b.to_numpy(dtype=object, na_value=None)
        same = np.asarray(same, dtype=bool) | (a.isna() & b.isna()).to_numpy(dtype=bool)
        if S.KINDS[name] == "float":
            x, y = a.to_numpy(dtype="float64"), b.to_numpy(dtype="float64")
            same |= np.isclose(x, y, rtol=0, atol=1e-9)
        changed[:, j] = ~same
    out: Differences = {}
    for i in np.flatnonzero(changed.any(axis=1)):
        eid = ids[i]
        out[eid] = {
            columns[j]: [
                jsonable(old.iat[i, old.columns.get_loc(columns[j])]),
                jsonable(new.iat[i, new.columns.get_loc(columns[j])]),
            ]
            for j in np.flatnonzero(changed[i])
        }
    return out


def refreshed(stored: pd.DataFrame, incoming: pd.DataFrame, found: Differences) -> pd.DataFrame:
    """The stored events named in ``found`` with their differing fields taken from ``incoming``,
    each as its next version: typed, ready to write over the stored rows."""
    ids = list(found)
    old = stored.set_index(S.EVENT_ID, drop=False).loc[ids]
    new = incoming.set_index(S.EVENT_ID, drop=False).loc[ids]
    merged = pd.DataFrame(old.drop(columns=[S.GEOMETRY], errors="ignore"))
    for name in {c for changes in found.values() for c in changes}:
        take = np.array([name in found[e] for e in ids], dtype=bool)
        merged[name] = merged[name].where(~take, new[name])
    merged[S.VERSION] = merged[S.VERSION].astype("int64") + 1
    merged[S.UPDATED_AT] = now()
    merged.index = pd.RangeIndex(len(merged))
    return S.validate(merged)
