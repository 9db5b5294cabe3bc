"""PostGISStore: the event store for a team, in one PostgreSQL database with PostGIS.

The same interface as :class:`geo.store.GeoPackageStore` (add, get, update, delete, load, history,
revision), chosen by ``CONFLICTMAP_DATABASE_URL=postgresql://...``. What a team needs on top:

- the schema is created and upgraded by the numbered SQL files in ``geo/store/migrations/postgis/``,
  applied in order under an advisory lock (several dashboard replicas may start at once) and recorded
  in ``schema_migrations``;
- events travel in and out with ``COPY`` (CSV), so an import of a million events is one statement
  and not a million;
- :meth:`PostGISStore.load` turns :class:`geo.query.Filters` into a SQL ``WHERE`` that uses the GiST
  spatial index and the date indexes, so the dashboard reads only the events it shows;
- an update names the version it was based on (``UPDATE ... WHERE version = ...``): a stale one is
  refused with :class:`~geo.errors.ConflictError`, and the refused attempt stays in the audit log.

Every public method opens its own connection: Streamlit serves each session from its own thread,
and a psycopg connection must not be shared between threads in the middle of a transaction.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import psycopg
import pyarrow as pa
import pyarrow.csv as pa_csv
from psycopg import sql

from geo import schema as S
from geo.errors import ConflictError, NotFoundError, Problem, StoreError, ValidationError
from geo.query import Filters, exact_matches
from geo.store.base import (
    AddResult,
    OnExisting,
    attempted,
    check_changes,
    check_unique_ids,
    diff,
    differences,
    merged_row,
    now,
    refreshed,
)
from geo.store.links import PostGISLinks, in_chain_sql

TABLE = "events"
HISTORY_TABLE = "event_history"
REVISION_TABLE = "store_revision"
MIGRATIONS_TABLE = "schema_migrations"
MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "postgis"
_SQL_TYPES = {
    "str": "text",
    "int": "bigint",
    "float": "double precision",
    "date": "date",
    "timestamp": "timestamptz",
}
_COPY_ROWS = 50_000
# After an import this large, refresh the planner's statistics at once rather than waiting for
# autovacuum, so the first filtered read already uses the indexes.
_ANALYZE_AFTER = 10_000
_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_COLUMNS = sql.SQL(", ").join(sql.Identifier(n) for n in S.COLUMN_NAMES)


def _select_list() -> sql.Composable:
    """The schema columns, timestamps written as ISO 8601 in UTC with milliseconds."""
    parts = []
    for col in S.COLUMNS:
        ident = sql.Identifier(col.name)
        if col.kind == "timestamp":
            parts.append(
                sql.SQL(
                    """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
                ).format(ident)
            )
        else:
            parts.append(ident)
    return sql.SQL(", ").join(parts)


_SELECT = _select_list()


# --- frames <-> CSV for COPY ----------------------------------------------------------------------
def frame_to_csv(typed: pd.DataFrame) -> bytes:
    """Typed events as CSV rows in schema column order, the form ``COPY ... (FORMAT csv)`` reads.

    Arrow writes every text quoted and a missing value as an empty unquoted field, which is how
    PostgreSQL's CSV tells NULL from the empty string; floats in their shortest exact form, so
    coordinates come back as the same doubles.
    """
    out = {}
    for col in S.COLUMNS:
        series = typed[col.name]
        if col.kind == "date":
            series = series.dt.strftime("%Y-%m-%d")
        elif col.kind == "timestamp":
            series = series.dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str.slice(0, 23) + "Z"
        out[col.name] = series
    table = pa.Table.from_pandas(pd.DataFrame(out), preserve_index=False)
    buffer = io.BytesIO()
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(include_header=False))
    return buffer.getvalue()


_ARROW_TYPES = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.string(),
    "timestamp": pa.string(),
}


def csv_to_frame(data: bytes) -> gpd.GeoDataFrame:
    """CSV written by ``COPY (SELECT <schema columns>) TO STDOUT (FORMAT csv)`` as typed events.

    Only an unquoted empty field is missing: "NA", "None" or "null" is a place name or a note.
    """
    if not data:
        return S.empty_frame()
    table = pa_csv.read_csv(
        io.BytesIO(data),
        read_options=pa_csv.ReadOptions(column_names=list(S.COLUMN_NAMES)),
        convert_options=pa_csv.ConvertOptions(
            column_types={c.name: _ARROW_TYPES[c.kind] for c in S.COLUMNS},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        ),
    )
    return S.conform(table.to_pandas())


# --- SQL for filters ------------------------------------------------------------------------------
def _like(needle: str) -> str:
    """An ILIKE pattern for "contains", with LIKE's own wildcards taken literally."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _ident(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def filters_to_sql(filters: Filters | None) -> tuple[sql.Composable, list[Any]]:
    """A WHERE condition and its parameters keeping exactly what :func:`geo.query.mask` keeps."""
    if filters is None or filters.is_empty():
        return sql.SQL("TRUE"), []
    where: list[sql.Composable] = []
    params: list[Any] = []

    def add(condition: str, *values: Any, **idents: str) -> None:
        where.append(sql.SQL(condition).format(**{k: _ident(v) for k, v in idents.items()}))
        params.extend(values)

    if filters.date_from is not None or filters.date_to is not None:
        # The range test lets the GiST index on the event's days pick the candidates; the exact
        # tests after it are those of geo.query (a span overlapping the range is kept).
        add(
            "daterange(event_date, GREATEST(event_date, event_date_end), '[]') "
            "&& daterange(%s::date, %s::date, '[]')",
            filters.date_from,
            filters.date_to,
        )
    if filters.date_from is not None:
        add("COALESCE(event_date_end, event_date) >= %s::date", filters.date_from)
    if filters.date_to is not None:
        add("event_date <= %s::date", filters.date_to)
    if filters.actors:
        patterns = [_like(a) for a in filters.actors]
        add(
            "(actor1 = ANY(%s) OR actor2 = ANY(%s) "
            "OR assoc_actor_1 ILIKE ANY(%s) OR assoc_actor_2 ILIKE ANY(%s))",
            list(filters.actors),
            list(filters.actors),
            patterns,
            patterns,
        )
    if filters.actor_types:
        add(
            "(inter1 = ANY(%s) OR inter2 = ANY(%s))",
            list(filters.actor_types),
            list(filters.actor_types),
        )
    for column, values in exact_matches(filters):
        add("{col} = ANY(%s)", list(values), col=column)
    if filters.geo_precision:
        add("geo_precision = ANY(%s::bigint[])", [int(v) for v in filters.geo_precision])
    if filters.min_fatalities is not None:
        add("COALESCE(fatalities, 0) >= %s", int(filters.min_fatalities))
    if filters.sources:
        add("source ILIKE ANY(%s)", [_like(s) for s in filters.sources])
    if filters.text:
        pattern = _like(filters.text.strip())
        columns = (S.NOTES, S.EVIDENCE, S.LOCATION, S.ACTOR1, S.ACTOR2)
        where.append(
            sql.SQL("({})").format(
                sql.SQL(" OR ").join(sql.SQL("{} ILIKE %s").format(_ident(c)) for c in columns)
            )
        )
        params.extend([pattern] * len(columns))
    if filters.bbox is not None:
        minx, miny, maxx, maxy = (float(v) for v in filters.bbox)
        # && picks candidates from the GiST index (its boxes are rounded outwards); the
        # comparisons on the coordinates keep the edges exactly where geo.query puts them.
        add(
            "geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326) "
            "AND longitude BETWEEN %s AND %s AND latitude BETWEEN %s AND %s",
            minx,
            miny,
            maxx,
            maxy,
            minx,
            maxx,
            miny,
            maxy,
        )
    if filters.area_wkt:
        add("ST_Contains(ST_GeomFromText(%s, 4326), geom)", filters.area_wkt)
    if filters.in_chain:
        where.append(in_chain_sql())
    return sql.SQL(" AND ").join(where), params


# --- the store ------------------------------------------------------------------------------------
class PostGISStore(PostGISLinks):
    """Events in a PostgreSQL/PostGIS database, shared by every analyst of a team.

    Parameters
    ----------
    url
        A libpq URL, ``postgresql://user:password@host:5432/dbname``.
    schema
        The PostgreSQL schema that holds the tables (created when missing); default ``public``.
        Tests give each store its own schema.
    """

    def __init__(self, url: str, *, schema: str = "public") -> None:
        if not _NAME.fullmatch(schema):
            raise StoreError(
                f"{schema!r} is not a usable schema name: lower-case letters, digits and _"
            )
        self.url = url
        self.schema = schema
        self.migrate()

    def __repr__(self) -> str:
        return f"PostGISStore({without_password(self.url)!r}, schema={self.schema!r})"

    # -- plumbing ---------------------------------------------------------------------------------
    def _connect(self) -> psycopg.Connection:
        search_path = self.schema if self.schema == "public" else f"{self.schema},public"
        try:
            return psycopg.connect(
                self.url,
                options=f"-c search_path={search_path} -c TimeZone=UTC",
                application_name="conflictmap",
            )
        except psycopg.OperationalError as exc:
            raise StoreError(
                f"cannot reach the PostGIS store at {without_password(self.url)}: {exc}"
            ) from exc

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """One write transaction that moves the revision counter when it commits."""
        with self._connect() as con:
            yield con
            # Taken last, so a writer holds the counter's row lock only for the commit itself.
            con.execute(f"UPDATE {REVISION_TABLE} SET value = value + 1")

    @contextmanager
    def _reading(self) -> Iterator[psycopg.Connection]:
        with self._connect() as con:
            yield con

    def migrate(self, migrations: Path = MIGRATIONS) -> list[str]:
        """Apply the migrations this database lacks, in order; returns the names applied.

        Opening the store does this already; a newer release's files apply on its first start.
        """
        applied: list[str] = []
        with self._connect() as con:
            # One migrator per schema at a time: replicas starting together wait for the first.
            con.execute(
                "SELECT pg_advisory_xact_lock(hashtext('conflictmap:' || %s))", (self.schema,)
            )
            con.execute(
                sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema))
            )
            _require_postgis(con)
            con.execute(
                f"CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} "
                "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {r[0] for r in con.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")}
            for name, text in migration_files(migrations):
                if name in done:
                    continue
                con.execute(text)
                con.execute(f"INSERT INTO {MIGRATIONS_TABLE} (name) VALUES (%s)", (name,))
                applied.append(name)
            self._add_new_columns(con)
        return applied

    def _add_new_columns(self, con: psycopg.Connection) -> None:
        """Columns that geo/schema.py gained after the last migration, added empty.

        A safety net, as in the GeoPackage store: a new optional column should not stop a team's
        server. Nothing is ever dropped.
        """
        have = {
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = %s",
                (TABLE,),
            )
        }
        for col in S.COLUMNS:
            if col.name not in have:
                con.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                        sql.Identifier(TABLE),
                        sql.Identifier(col.name),
                        sql.SQL(_SQL_TYPES[col.kind]),
                    )
                )

    def migrations_applied(self) -> list[str]:
        """Names of the migrations this database has, oldest first."""
        with self._reading() as con:
            rows = con.execute(f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY name").fetchall()
        return [r[0] for r in rows]

    def _select(
        self, con: psycopg.Connection, where: sql.Composable, params: list[Any] | tuple = ()
    ) -> gpd.GeoDataFrame:
        query = sql.SQL(
            "COPY (SELECT {} FROM {} WHERE {} ORDER BY fid) TO STDOUT WITH (FORMAT csv)"
        ).format(_SELECT, sql.Identifier(TABLE), where)
        buffer = io.BytesIO()
        with con.cursor().copy(query, params or None) as copy:
            for chunk in copy:
                buffer.write(chunk)
        return csv_to_frame(buffer.getvalue())

    def _get(self, con: psycopg.Connection, event_id: str) -> pd.Series:
        found = self._select(con, sql.SQL("event_id = %s"), (event_id,))
        if found.empty:
            raise NotFoundError(f"no event with id {event_id!r} in {self}")
        return found.iloc[0]

    def _stage(self, con: psycopg.Connection, typed: pd.DataFrame) -> None:
        """Copy typed events into a temporary table ``staging`` that the commit drops."""
        con.execute(
            sql.SQL(
                "CREATE TEMP TABLE staging ON COMMIT DROP AS SELECT {} FROM {} WITH NO DATA"
            ).format(_COLUMNS, sql.Identifier(TABLE))
        )
        self._copy_to_staging(con, typed)

    def _copy_to_staging(self, con: psycopg.Connection, typed: pd.DataFrame) -> None:
        with con.cursor().copy(
            sql.SQL("COPY staging ({}) FROM STDIN WITH (FORMAT csv)").format(_COLUMNS)
        ) as copy:
            # In slices, so a million events never sit in memory twice over as one CSV text.
            for start in range(0, len(typed), _COPY_ROWS):
                copy.write(frame_to_csv(typed.iloc[start : start + _COPY_ROWS]))

    def _log(
        self,
        con: psycopg.Connection,
        rows: list[tuple[str, int | None, str, str | None, dict | None]],
    ) -> None:
        """Audit rows (event_id, version, action, user, changes), stamped with the commit's time."""
        if not rows:
            return
        with con.cursor().copy(
            f"COPY {HISTORY_TABLE} (event_id, version, action, user_name, changes) FROM STDIN"
        ) as copy:
            for event_id, version, action, user, changes in rows:
                payload = None if changes is None else json.dumps(changes, ensure_ascii=False)
                copy.write_row((event_id, version, action, user, payload))

    def _saved(self, con: psycopg.Connection, event_id: str) -> tuple[str | None, str | None]:
        """Who saved the stored version of an event, and when (for the conflict message)."""
        row = con.execute(
            "SELECT user_name, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI \"UTC\"') "
            "FROM event_history WHERE event_id = %s AND action <> 'conflict' "
            "ORDER BY id DESC LIMIT 1",
            (event_id,),
        ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def _conflict(
        self,
        con: psycopg.Connection,
        event_id: str,
        expected: int,
        changes: Mapping[str, object],
        user: str | None,
    ) -> ConflictError:
        """Log a refused update against the version stored now, and the error that says so."""
        stored = self._get(con, event_id)
        current = int(stored[S.VERSION])
        both = attempted(stored, changes)
        self._log(con, [(event_id, current, "conflict", user, both)])
        by, at = self._saved(con, event_id)
        return ConflictError(
            event_id, expected=expected, current=current, fields=both, changed_by=by, changed_at=at
        )

    # -- interface --------------------------------------------------------------------------------
    def add(
        self,
        events: pd.DataFrame,
        *,
        on_existing: OnExisting = "skip",
        user: str | None = None,
        compare: tuple[str, ...] = (),
        action: str = "update",
    ) -> AddResult:
        """Validate and store events, all or none.

        ``on_existing`` says what to do with an id the store already holds: "skip" keeps the stored
        event, "replace" overwrites it as a new version, "update" writes the ``compare`` columns
        that differ as a new version (history: ``action``), "error" refuses the whole add. With
        ``compare``, the result says which stored events differ. The events travel by one COPY
        into a temporary table and one INSERT from it, whatever their number.
        """
        typed = S.validate(events)
        if typed.empty:
            return AddResult()
        check_unique_ids(typed)
        ids = typed[S.EVENT_ID].tolist()
        replaced: list[str] = []
        with self._transaction() as con:
            self._stage(con, typed)
            existing = dict(
                con.execute(
                    "SELECT e.event_id, e.version FROM events e JOIN staging s USING (event_id)"
                ).fetchall()
            )
            if existing and on_existing == "error":
                rows = [r for r, eid in zip(typed.index, ids, strict=True) if eid in existing]
                raise ValidationError(
                    [Problem(r, S.EVENT_ID, "is already in the store") for r in rows]
                )
            if existing and on_existing == "replace":
                replaced = self._replace(con, typed, existing, user)
            differs, updated = {}, []
            if existing and compare and on_existing != "replace":
                before = self._select(con, sql.SQL("event_id = ANY(%s)"), [list(existing)])
                differs = differences(before, typed, compare)
                if on_existing == "update" and differs:
                    updated = self._refresh(
                        con, refreshed(before, typed, differs), differs, user, action
                    )
            inserted = {
                r[0]
                for r in con.execute(
                    sql.SQL(
                        "WITH new AS (INSERT INTO events ({cols}) SELECT {cols} FROM staging "
                        "ON CONFLICT (event_id) DO NOTHING RETURNING event_id, version) "
                        "INSERT INTO event_history (event_id, version, action, user_name) "
                        "SELECT event_id, version, 'add', %s FROM new RETURNING event_id"
                    ).format(cols=_COLUMNS),
                    (user,),
                )
            }
        if len(inserted) + len(replaced) >= _ANALYZE_AFTER:
            with psycopg.connect(self.url, autocommit=True) as con:
                con.execute(
                    sql.SQL("ANALYZE {}.{}").format(
                        sql.Identifier(self.schema), sql.Identifier(TABLE)
                    )
                )
        added = [e for e in ids if e in inserted]
        done = inserted.union(replaced, updated)
        skipped = [e for e in ids if e not in done]
        return AddResult(
            added=added, replaced=replaced, skipped=skipped, differs=differs, updated=updated
        )

    def _refresh(
        self,
        con: psycopg.Connection,
        fresh: pd.DataFrame,
        differs: Mapping[str, dict],
        user: str | None,
        action: str,
    ) -> list[str]:
        """Write the refreshed versions of stored events over them, through the staging table."""
        ids = fresh[S.EVENT_ID].tolist()
        con.execute("DELETE FROM staging WHERE event_id = ANY(%s)", (ids,))
        self._copy_to_staging(con, fresh)
        assign = sql.SQL(", ").join(
            sql.SQL("{0} = s.{0}").format(sql.Identifier(n))
            for n in S.COLUMN_NAMES
            if n != S.EVENT_ID
        )
        con.execute(
            sql.SQL(
                "UPDATE events e SET {} FROM staging s "
                "WHERE e.event_id = s.event_id AND s.event_id = ANY(%s)"
            ).format(assign),
            (ids,),
        )
        versions = dict(zip(ids, fresh[S.VERSION].astype(int), strict=True))
        self._log(con, [(e, versions[e], action, user, differs[e]) for e in ids])
        return ids

    def _replace(
        self,
        con: psycopg.Connection,
        typed: pd.DataFrame,
        existing: Mapping[str, int],
        user: str | None,
    ) -> list[str]:
        """Overwrite stored events with the staged ones, each as its next version."""
        ids = [e for e in typed[S.EVENT_ID] if e in existing]
        before = self._select(con, sql.SQL("event_id = ANY(%s)"), [ids])
        before = before.set_index(S.EVENT_ID, drop=False)
        kept = {S.EVENT_ID, S.VERSION, S.CREATED_AT, S.UPDATED_AT}
        assign = sql.SQL(", ").join(
            sql.SQL("{0} = s.{0}").format(sql.Identifier(n))
            for n in S.COLUMN_NAMES
            if n not in kept
        )
        versions = dict(
            con.execute(
                sql.SQL(
                    "UPDATE events e SET {}, version = e.version + 1, updated_at = now() "
                    "FROM staging s WHERE e.event_id = s.event_id RETURNING e.event_id, e.version"
                ).format(assign)
            ).fetchall()
        )
        after = typed.set_index(S.EVENT_ID, drop=False)
        self._log(
            con,
            [(e, versions[e], "replace", user, diff(before.loc[e], after.loc[e])) for e in ids],
        )
        return ids

    def get(self, event_id: str) -> pd.Series:
        with self._reading() as con:
            return self._get(con, event_id)

    def update(
        self,
        event_id: str,
        changes: Mapping[str, object],
        *,
        expected_version: int,
        user: str | None = None,
    ) -> pd.Series:
        """Change fields of one event, refusing if someone changed it since ``expected_version``.

        The refusal is decided by the UPDATE itself (``WHERE version = expected``), so two analysts
        saving at the same moment cannot both win: the second waits for the first's row lock, then
        finds the version moved on. The refused attempt is logged and that log line committed.
        """
        check_changes(changes)
        conflict: ConflictError | None = None
        with self._transaction() as con:
            before = self._get(con, event_id)
            if int(before[S.VERSION]) != expected_version:
                conflict = self._conflict(con, event_id, expected_version, changes, user)
            else:
                merged = merged_row(before, changes)
                merged[S.VERSION] = expected_version + 1
                merged[S.UPDATED_AT] = now()
                merged[S.EVENT_ID] = event_id
                typed = S.validate(merged)
                self._stage(con, typed)
                assign = sql.SQL(", ").join(
                    sql.SQL("{0} = s.{0}").format(sql.Identifier(n))
                    for n in S.COLUMN_NAMES
                    if n != S.EVENT_ID
                )
                done = con.execute(
                    sql.SQL(
                        "UPDATE events e SET {} FROM staging s "
                        "WHERE e.event_id = s.event_id AND e.version = %s"
                    ).format(assign),
                    (expected_version,),
                ).rowcount
                if done == 0:
                    # Someone committed between our read and our write.
                    conflict = self._conflict(con, event_id, expected_version, changes, user)
                else:
                    after = typed.iloc[0]
                    self._log(
                        con,
                        [(event_id, expected_version + 1, "update", user, diff(before, after))],
                    )
        if conflict is not None:
            raise conflict
        return after

    def delete(
        self, event_id: str, *, expected_version: int | None = None, user: str | None = None
    ) -> None:
        with self._transaction() as con:
            before = self._get(con, event_id)
            version = int(before[S.VERSION])
            if expected_version is not None and version != expected_version:
                raise ConflictError(event_id, expected=expected_version, current=version)
            done = con.execute(
                "DELETE FROM events WHERE event_id = %s AND version = %s", (event_id, version)
            ).rowcount
            if done == 0:
                raise ConflictError(
                    event_id, expected=version, current=int(self._get(con, event_id)[S.VERSION])
                )
            self._log(con, [(event_id, version, "delete", user, diff(before, None))])

    def load(self, filters: Filters | None = None) -> gpd.GeoDataFrame:
        """The events the filters keep (every event without them), typed, in EPSG:4326.

        The filters run in the database (see :func:`filters_to_sql`), so only the kept events
        travel.
        """
        where, params = filters_to_sql(filters)
        try:
            with self._reading() as con:
                return self._select(con, where, params)
        except (psycopg.DataError, psycopg.InternalError) as exc:  # e.g. a drawn area's bad WKT
            raise StoreError(f"the filters cannot run in the database: {exc}") from exc

    def count(self, filters: Filters | None = None) -> int:
        """How many events the filters keep, without loading them."""
        where, params = filters_to_sql(filters)
        with self._reading() as con:
            query = sql.SQL("SELECT count(*) FROM events WHERE {}").format(where)
            return int(con.execute(query, params).fetchone()[0])

    def history(self, event_id: str) -> pd.DataFrame:
        """The audit log of one event, oldest first: version, action, user, at, changes."""
        with self._reading() as con:
            rows = con.execute(
                "SELECT version, action, user_name, at, changes FROM event_history "
                "WHERE event_id = %s ORDER BY id",
                (event_id,),
            ).fetchall()
        rows = [(*r[:4], r[4] or {}) for r in rows]
        frame = pd.DataFrame(rows, columns=["version", "action", "user", "at", "changes"])
        frame["at"] = pd.to_datetime(frame["at"], utc=True)
        return frame

    def revision(self) -> int:
        """A number that grows with every committed change: a cache key for loaded frames."""
        with self._reading() as con:
            return int(con.execute(f"SELECT value FROM {REVISION_TABLE}").fetchone()[0])


def migration_files(folder: Path = MIGRATIONS) -> list[tuple[str, str]]:
    """(name, SQL) of every migration in ``folder``, in the order they apply (by file name)."""
    files = sorted(folder.glob("*.sql"))
    return [(f.stem, f.read_text(encoding="utf-8")) for f in files]


def _require_postgis(con: psycopg.Connection) -> None:
    if con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone():
        return
    try:
        with con.transaction():
            con.execute("CREATE EXTENSION postgis")
    except psycopg.Error as exc:
        raise StoreError(
            "the database has no PostGIS and this user may not add it: ask its administrator to "
            f"run CREATE EXTENSION postgis; ({exc})"
        ) from exc


def without_password(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)
