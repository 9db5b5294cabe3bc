"""Links between stored events (see :mod:`geo.links`), kept beside the events in both stores.

One implementation for both backends: :class:`GeoPackageLinks` and :class:`PostGISLinks` are mixed
into the two stores and differ only in the parameter mark, the lock that serialises link writers
and where the tables come from (created on open in a GeoPackage, by migration ``0003`` in PostGIS).

A link is stored like an event: every write is one transaction of the store (it moves the store's
revision, so every dashboard sees it), a link carries a version and a change names the version it
was based on, and ``link_history`` records who linked, changed and unlinked what, and when. A link
to an event the store does not hold, or one that would close a circle of retaliation, is refused
before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import Any

import numpy as np
import pandas as pd
from psycopg import sql

from geo import links as L
from geo import schema as S
from geo.errors import ConflictError, NotFoundError, Problem, ValidationError
from geo.store.base import AddResult, OnExisting, diff, jsonable, stamp

LINK_TABLE = "event_links"
LINK_HISTORY_TABLE = "link_history"
_CHUNK = 500
_SQLITE_TYPES = {"str": "TEXT", "float": "REAL", "int": "INTEGER", "timestamp": "DATETIME"}


class LinkTables:
    """The link methods of a store; the store provides its transactions and its parameter mark."""

    _MARK = "?"

    def _transaction(self) -> AbstractContextManager[Any]: ...  # provided by the store

    def _reading(self) -> AbstractContextManager[Any]: ...  # provided by the store

    def _lock_links(self, con: Any) -> None:
        """Serialise link writers, so version and cycle checks see every committed link."""

    def _link_sql(self, text: str) -> str:
        return text.replace("?", self._MARK)

    def _link_rows(self, con: Any, text: str, params: tuple | list = ()) -> list[tuple]:
        return con.execute(self._link_sql(text), tuple(params)).fetchall()

    # -- reading ----------------------------------------------------------------------------------
    def links(self, *, statuses: tuple[str, ...] = (), event_id: str | None = None) -> pd.DataFrame:
        """Stored links (of one event, at either end, when ``event_id`` is given), by link id."""
        where, params = ["1 = 1"], []
        if statuses:
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        if event_id is not None:
            where.append("(event_id = ? OR target_id = ?)")
            params.extend([event_id, event_id])
        names = ", ".join(L.COLUMN_NAMES)
        with self._reading() as con:
            rows = self._link_rows(
                con,
                f"SELECT {names} FROM {LINK_TABLE} WHERE {' AND '.join(where)} ORDER BY link_id",
                params,
            )
        return L.conform(pd.DataFrame.from_records(rows, columns=list(L.COLUMN_NAMES)))

    def in_chain_mask(self, events: pd.DataFrame) -> np.ndarray:
        """Which of ``events`` sit at an end of an accepted link (the "in a chain" filter)."""
        linked = L.linked_ids(self.links(statuses=(L.ACCEPTED,)))
        return events[S.EVENT_ID].isin(linked).to_numpy(dtype=bool)

    def get_link(self, link_id: str) -> pd.Series:
        with self._reading() as con:
            found = self._select_links(con, [link_id])
        if found.empty:
            raise NotFoundError(f"no link {link_id!r} in the store")
        return found.iloc[0]

    def link_history(
        self, link_id: str | None = None, *, event_id: str | None = None
    ) -> pd.DataFrame:
        """The audit log of one link, or of every link of one event, oldest first."""
        if link_id is not None:
            where, params = "link_id = ?", [link_id]
        else:
            where, params = "event_id = ? OR target_id = ?", [event_id, event_id]
        with self._reading() as con:
            rows = self._link_rows(
                con,
                "SELECT link_id, version, action, user_name, at, changes "
                f"FROM {LINK_HISTORY_TABLE} WHERE {where} ORDER BY id",
                params,
            )
        rows = [(*r[:5], json.loads(r[5]) if isinstance(r[5], str) else r[5] or {}) for r in rows]
        frame = pd.DataFrame(
            rows, columns=["link_id", "version", "action", "user", "at", "changes"]
        )
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        return frame

    # -- writing ----------------------------------------------------------------------------------
    def add_links(
        self, links: pd.DataFrame, *, on_existing: OnExisting = "skip", user: str | None = None
    ) -> AddResult:
        """Validate and store links, all or none.

        Refused whole, naming the row, when a link names an event the store does not hold, would
        close a circle of retaliation, or (with ``on_existing="error"``) is stored already: two
        analysts linking the same pair at once, the second is told.
        """
        typed = L.validate_links(links)
        if typed.empty:
            return AddResult()
        ids = typed[L.LINK_ID].tolist()
        with self._transaction() as con:
            self._lock_links(con)
            ends = set(typed[L.EVENT_ID]) | set(typed[L.TARGET_ID])
            problems = L.missing_ends(typed, self._present_events(con, sorted(ends)))
            if problems:
                raise ValidationError(problems, what="links (nothing was stored)")
            before = self._select_links(con, ids).set_index(L.LINK_ID, drop=False)
            stored = set(before.index)
            if stored and on_existing == "error":
                raise ValidationError(
                    [
                        Problem(row, L.LINK_ID, f"{lid!r} is already stored (someone linked it)")
                        for row, lid in zip(typed.index, ids, strict=True)
                        if lid in stored
                    ],
                    what="links (nothing was stored)",
                )
            writing = typed if on_existing == "replace" else typed[~typed[L.LINK_ID].isin(stored)]
            self._refuse_cycles(con, writing, replacing=stored)
            stamped = stamp()
            is_new = ~writing[L.LINK_ID].isin(stored)
            replaced = self._replace_links(con, writing[~is_new], before, stamped, user)
            added = self._insert_new_links(con, writing[is_new], stamped, user)
        done = set(added) | set(replaced)
        skipped = [lid for lid in ids if lid not in done]
        return AddResult(added=added, replaced=replaced, skipped=skipped)

    def update_link(
        self,
        link_id: str,
        changes: Mapping[str, object],
        *,
        expected_version: int,
        user: str | None = None,
    ) -> pd.Series:
        """Change a link's status, score, evidence or delay (accept, reject, correct), refusing
        if someone changed or removed it since ``expected_version``."""
        L.check_changes(changes)
        conflict: ConflictError | None = None
        with self._transaction() as con:
            self._lock_links(con)
            before = self._stored_link(con, link_id)
            current = int(before[L.VERSION])
            if current != expected_version:
                both = {
                    k: [jsonable(before[k]), jsonable(v)]
                    for k, v in changes.items()
                    if jsonable(before[k]) != jsonable(v)
                }
                self._log_link(con, before, current, "conflict", user, both)
                by, at = self._link_saved_by(con, link_id)
                conflict = ConflictError(
                    link_id,
                    expected=expected_version,
                    current=current,
                    fields=both,
                    changed_by=by,
                    changed_at=at,
                    what="link",
                )
            else:
                merged = {**before.to_dict(), **changes}
                typed = L.validate_links(pd.DataFrame([merged]), what="link change").iloc[0]
                if before[L.STATUS] == L.REJECTED and typed[L.STATUS] != L.REJECTED:
                    self._refuse_cycles(con, typed.to_frame().T, replacing=set())
                self._delete_link_row(con, link_id)
                values = _row_values(typed, current + 1, before[L.CREATED_AT], stamp())
                self._insert_link_row(con, values)
                self._log_link(con, typed, current + 1, "update", user, _diff(before, typed))
                after = self._select_links(con, [link_id]).iloc[0]
        if conflict is not None:
            raise conflict
        return after

    def delete_link(
        self, link_id: str, *, expected_version: int | None = None, user: str | None = None
    ) -> None:
        """Unlink; refused if someone changed the link since ``expected_version``."""
        with self._transaction() as con:
            self._lock_links(con)
            before = self._stored_link(con, link_id)
            current = int(before[L.VERSION])
            if expected_version is not None and current != expected_version:
                by, at = self._link_saved_by(con, link_id)
                raise ConflictError(
                    link_id,
                    expected=expected_version,
                    current=current,
                    changed_by=by,
                    changed_at=at,
                    what="link",
                )
            self._delete_link_row(con, link_id)
            self._log_link(con, before, current, "delete", user, _diff(before, None))

    # -- plumbing ---------------------------------------------------------------------------------
    def _stored_link(self, con: Any, link_id: str) -> pd.Series:
        found = self._select_links(con, [link_id])
        if found.empty:
            raise NotFoundError(
                f"no link {link_id!r} in the store: someone unlinked it since you loaded it, "
                "or it was never stored. Reload the event's links."
            )
        return found.iloc[0]

    def _select_links(self, con: Any, link_ids: list[str]) -> pd.DataFrame:
        names = ", ".join(L.COLUMN_NAMES)
        rows: list[tuple] = []
        for start in range(0, len(link_ids), _CHUNK):
            chunk = link_ids[start : start + _CHUNK]
            rows += self._link_rows(
                con,
                f"SELECT {names} FROM {LINK_TABLE} WHERE link_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        return L.conform(pd.DataFrame.from_records(rows, columns=list(L.COLUMN_NAMES)))

    def _present_events(self, con: Any, ids: list[str]) -> set[str]:
        present: set[str] = set()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self._link_rows(
                con, f"SELECT event_id FROM events WHERE event_id IN ({marks})", chunk
            )
            present.update(r[0] for r in rows)
        return present

    def _refuse_cycles(self, con: Any, writing: pd.DataFrame, *, replacing: set[str]) -> None:
        live = writing[
            (writing[L.RELATION] == L.RETALIATION_FOR) & (writing[L.STATUS] != L.REJECTED)
        ]
        if live.empty:
            return
        rows = self._link_rows(
            con,
            f"SELECT link_id, event_id, target_id FROM {LINK_TABLE} "
            "WHERE relation = ? AND status <> ?",
            (L.RETALIATION_FOR, L.REJECTED),
        )
        check = L.CycleCheck((a, b) for lid, a, b in rows if lid not in replacing)
        for row, answer, answered in zip(
            live.index, live[L.EVENT_ID], live[L.TARGET_ID], strict=True
        ):
            cycle = check.add(answer, answered)
            if cycle is not None:
                raise ValidationError(
                    [Problem(row, L.TARGET_ID, L.cycle_message(cycle))],
                    what="links (nothing was stored)",
                )

    def _replace_links(
        self, con: Any, links: pd.DataFrame, before: pd.DataFrame, stamped: str, user: str | None
    ) -> list[str]:
        """Stored links overwritten, each as its next version (the rare case: one by one)."""
        for _, link in links.iterrows():
            old = before.loc[link[L.LINK_ID]]
            version = int(old[L.VERSION]) + 1
            self._delete_link_row(con, link[L.LINK_ID])
            self._insert_link_row(con, _row_values(link, version, old[L.CREATED_AT], stamped))
            self._log_link(con, link, version, "replace", user, _diff(old, link))
        return links[L.LINK_ID].tolist()

    def _insert_new_links(
        self, con: Any, links: pd.DataFrame, stamped: str, user: str | None
    ) -> list[str]:
        """New links in one batch, with their history rows. A link unlinked and linked again
        starts past its last version, so an edit based on the old link is still refused."""
        if links.empty:
            return []
        ids = links[L.LINK_ID].tolist()
        last: dict[str, int] = {}
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            last.update(
                self._link_rows(
                    con,
                    f"SELECT link_id, MAX(version) FROM {LINK_HISTORY_TABLE} "
                    f"WHERE link_id IN ({','.join('?' * len(chunk))}) GROUP BY link_id",
                    chunk,
                )
            )
        versions = [int(last[i]) + 1 if i in last else 1 for i in ids]
        records = links[list(L.COLUMN_NAMES)].astype(object).where(links.notna(), None)
        rows = []
        history = []
        for version, record in zip(versions, records.itertuples(index=False), strict=True):
            values = dict(zip(L.COLUMN_NAMES, record, strict=True))
            values.update({L.VERSION: version, L.CREATED_AT: stamped, L.UPDATED_AT: stamped})
            rows.append(tuple(jsonable(values[k]) for k in L.COLUMN_NAMES))
            added = {k: [None, jsonable(values[k])] for k in _LOGGED if values[k] is not None}
            history.append(
                (
                    values[L.LINK_ID],
                    values[L.EVENT_ID],
                    values[L.TARGET_ID],
                    version,
                    "add",
                    user,
                    stamped,
                    json.dumps(added, ensure_ascii=False, default=str),
                )
            )
        marks = ",".join("?" * len(L.COLUMN_NAMES))
        cur = con.cursor()
        cur.executemany(
            self._link_sql(
                f"INSERT INTO {LINK_TABLE} ({', '.join(L.COLUMN_NAMES)}) VALUES ({marks})"
            ),
            rows,
        )
        cur.executemany(
            self._link_sql(
                f"INSERT INTO {LINK_HISTORY_TABLE} "
                "(link_id, event_id, target_id, version, action, user_name, at, changes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            history,
        )
        return ids

    def _insert_link_row(self, con: Any, values: tuple) -> None:
        marks = ",".join("?" * len(L.COLUMN_NAMES))
        con.execute(
            self._link_sql(
                f"INSERT INTO {LINK_TABLE} ({', '.join(L.COLUMN_NAMES)}) VALUES ({marks})"
            ),
            values,
        )

    def _delete_link_row(self, con: Any, link_id: str) -> None:
        con.execute(self._link_sql(f"DELETE FROM {LINK_TABLE} WHERE link_id = ?"), (link_id,))

    def _log_link(
        self,
        con: Any,
        link: pd.Series,
        version: int,
        action: str,
        user: str | None,
        changes: dict,
    ) -> None:
        con.execute(
            self._link_sql(
                f"INSERT INTO {LINK_HISTORY_TABLE} "
                "(link_id, event_id, target_id, version, action, user_name, at, changes) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ),
            (
                link[L.LINK_ID],
                link[L.EVENT_ID],
                link[L.TARGET_ID],
                version,
                action,
                user,
                stamp(),
                json.dumps(changes, ensure_ascii=False, default=str),
            ),
        )

    def _link_saved_by(self, con: Any, link_id: str) -> tuple[str | None, str | None]:
        rows = self._link_rows(
            con,
            f"SELECT user_name, at FROM {LINK_HISTORY_TABLE} WHERE link_id = ? "
            "AND action <> 'conflict' ORDER BY id DESC LIMIT 1",
            [link_id],
        )
        if not rows:
            return None, None
        return rows[0][0], str(rows[0][1])


def _row_values(link: pd.Series, version: int, created: object, updated: object) -> tuple:
    values = {**{k: jsonable(link[k]) for k in L.COLUMN_NAMES}, L.VERSION: version}
    values[L.CREATED_AT] = _stamp_text(created)
    values[L.UPDATED_AT] = _stamp_text(updated)
    return tuple(values[k] for k in L.COLUMN_NAMES)


def _stamp_text(value: object) -> str:
    if isinstance(value, str):
        return value
    return pd.Timestamp(value).strftime("%Y-%m-%dT%H:%M:%S.%f")[:23] + "Z"


_UNLOGGED = (L.VERSION, L.CREATED_AT, L.UPDATED_AT, L.LINK_ID)
_LOGGED = tuple(n for n in L.COLUMN_NAMES if n not in _UNLOGGED)


def _diff(before: pd.Series | None, after: pd.Series | None) -> dict[str, list[object]]:
    return diff(before, after, columns=L.COLUMN_NAMES, skip=_UNLOGGED)


class GeoPackageLinks(LinkTables):
    """Links in the GeoPackage: two attribute tables QGIS lists beside the events layer."""

    _MARK = "?"

    def _ensure_link_tables(self) -> None:
        """Create the link tables in a store made before links existed; the events stay as they
        are. Only a store that lacks them is written to."""
        with self._reading() as con:
            have = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (LINK_TABLE,)
            ).fetchone()
        if have:
            return
        with self._transaction() as con:
            if con.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (LINK_TABLE,)
            ).fetchone():
                return  # another process created them while we waited for the lock
            columns = ", ".join(
                f"{name} {_SQLITE_TYPES[kind]}"
                + (" PRIMARY KEY" if name == L.LINK_ID else "")
                + (" NOT NULL" if name in (L.EVENT_ID, L.TARGET_ID, L.RELATION) else "")
                for name, kind, _ in L.COLUMNS
            )
            con.execute(f"CREATE TABLE {LINK_TABLE} ({columns})")
            con.execute(f"CREATE INDEX {LINK_TABLE}_event ON {LINK_TABLE} (event_id)")
            con.execute(f"CREATE INDEX {LINK_TABLE}_target ON {LINK_TABLE} (target_id)")
            con.execute(
                f"CREATE TABLE {LINK_HISTORY_TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
                "link_id TEXT NOT NULL, event_id TEXT, target_id TEXT, version INTEGER, "
                "action TEXT NOT NULL, user_name TEXT, at DATETIME NOT NULL, changes TEXT)"
            )
            con.execute(f"CREATE INDEX {LINK_HISTORY_TABLE}_link ON {LINK_HISTORY_TABLE} (link_id)")
            con.executemany(
                "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
                "VALUES (?, 'attributes', ?, ?)",
                [
                    (LINK_TABLE, LINK_TABLE, "links between events (answers, follow-ups)"),
                    (LINK_HISTORY_TABLE, LINK_HISTORY_TABLE, "who linked what, when"),
                ],
            )


def in_chain_sql() -> sql.Composable:
    """The "in a chain" filter as a condition on the events table, for PostGIS."""
    return sql.SQL(
        "(EXISTS (SELECT 1 FROM event_links l WHERE l.status = 'accepted' "
        "AND l.event_id = events.event_id) OR EXISTS (SELECT 1 FROM event_links l "
        "WHERE l.status = 'accepted' AND l.target_id = events.event_id))"
    )


class PostGISLinks(LinkTables):
    """Links in PostGIS (tables from migration 0003); link writers of one schema take turns."""

    _MARK = "%s"
    schema: str

    def _lock_links(self, con: Any) -> None:
        con.execute(
            "SELECT pg_advisory_xact_lock(hashtext('conflictmap-links:' || %s))", (self.schema,)
        )
