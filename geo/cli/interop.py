"""The ``conflictmap`` verbs for other people's files: ``import`` and ``duplicates``.

Registered on the main parser by :func:`register`; errors a user can meet are ConflictmapErrors,
which the main command prints as one sentence (a refused import: every bad row, nothing stored).
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from typing import TextIO

import pandas as pd

from geo import duplicates
from geo import schema as S
from geo.errors import ValidationError
from geo.importer import FORMATS, import_file, problem_kinds
from geo.store import EventStore

# Files shorter than this import in a blink; a bar would only flicker.
BAR_FROM_ROWS = 2_000


class ProgressBar:
    """A one-line bar with the speed: ``importing  [#####-----]  52%  2,600 of 5,000 rows
    8,120 rows/s``.

    On a terminal the line is redrawn in place; on anything else (``--progress`` into a log) a
    line is written every few seconds instead, so the log stays readable.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        label: str = "importing",
        width: int = 30,
        redraw: bool = True,
        every: float = 0.1,
    ) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self.redraw = redraw
        self.every = every
        self.shown = False
        self._last = 0.0
        self._started = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < BAR_FROM_ROWS or (done < total and now - self._last < self.every):
            return
        self._last = now
        share = done / total if total else 1.0
        filled = round(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        speed = done / max(now - self._started, 1e-6)
        line = (
            f"{self.label}  [{bar}] {share:4.0%}  {done:,} of {total:,} rows  {speed:,.0f} rows/s"
        )
        self.stream.write(f"\r{line}" if self.redraw else f"{line}\n")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown and self.redraw:
            self.stream.write("\n")
            self.stream.flush()


def _parse_mapping(text: str) -> tuple[str, str]:
    name, sep, column = text.partition("=")
    if not sep or not name.strip() or column.strip() not in S.KINDS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not PROPERTY=COLUMN with COLUMN one of the schema's (e.g. date=event_date)"
        )
    return name.strip(), column.strip()


def cmd_import(args: argparse.Namespace) -> int:
    from geo.cli.common import date_order, get_store

    store = get_store(args)
    bar = None
    if sys.stderr.isatty():
        bar = ProgressBar(sys.stderr)
    elif args.progress:
        bar = ProgressBar(sys.stderr, redraw=False, every=5.0)
    try:
        report = import_file(
            args.file,
            store=store,
            format=args.format,
            skip_bad=args.skip_bad,
            rejects_path=args.rejects,
            progress=bar,
            mapping=dict(args.map) if args.map else None,
            user=args.user or _login(),
            dates=date_order(args),
            update=args.update,
        )
    except ValidationError as exc:
        if bar is not None:
            bar.close()
        rows = len({p.row for p in exc.problems})
        hint = "--skip-bad stores the good rows"
        hint += (
            f"; the bad ones are in {args.rejects}"
            if args.rejects
            else ", --rejects FILE keeps the bad ones"
        )
        refused = ValidationError(
            exc.problems, what=f"file {args.file} ({rows} bad row(s); {hint})"
        )
        # After the list (cut at 50 problems), the kinds cover every bad row of the file.
        kinds = "\n".join(f"  {line}" for line in problem_kinds(exc.problems))
        refused.args = (f"{refused}\nby kind of problem:\n{kinds}",)
        raise refused from None
    if bar is not None:
        bar.close()
    print(report.summary())
    for line in report.details():
        print(f"  {line}", file=sys.stderr)
    for rejected in report.rejected[:20]:
        print(f"  rejected row {rejected.row}: {'; '.join(rejected.reasons)}", file=sys.stderr)
    if len(report.rejected) > 20:
        print(f"  ... and {len(report.rejected) - 20} more rejected rows", file=sys.stderr)
    print(f"  {report.seconds:.2f} s", file=sys.stderr)
    _import_links(store, args.file, args.user or _login())
    return 0


def _login() -> str | None:
    """The account running the command: the history says who imported, even without --user."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _import_links(store: EventStore, path: str, user: str | None) -> None:
    """The links an exported file carries (see geo.formats.link_files), between events the
    store now holds; a link to an event that was not imported is left out and counted."""
    from geo.formats.link_files import read_links

    links = read_links(path)
    if links.empty:
        return
    left_out = 0
    try:
        result = store.add_links(links, user=user)
    except ValidationError as exc:
        missing = {p.row for p in exc.problems if "no event with id" in p.message}
        if not missing or len(missing) < len({p.row for p in exc.problems}):
            raise
        left_out = len(missing)
        result = store.add_links(links.drop(index=list(missing)), user=user)
    print(
        f"links: added {len(result.added)}, unchanged {len(result.skipped)}"
        + (f", {left_out} left out (an event not in the store)" if left_out else "")
    )


def cmd_duplicates(args: argparse.Namespace) -> int:
    from geo.cli.common import filters_from_args, get_store

    store = get_store(args)
    events = store.load(filters_from_args(args))
    pairs = duplicates.find(events, radius_km=args.radius_km)
    if pairs.empty:
        print("no probable duplicates")
        return 0
    by_id = events.set_index(S.EVENT_ID)
    shown = pairs.assign(
        date=by_id.loc[pairs["event_id_a"], S.EVENT_DATE].dt.strftime("%Y-%m-%d").to_numpy(),
        sub_event_type=by_id.loc[pairs["event_id_a"], S.SUB_EVENT_TYPE].to_numpy(),
        location_a=by_id.loc[pairs["event_id_a"], S.LOCATION].to_numpy(),
        location_b=by_id.loc[pairs["event_id_b"], S.LOCATION].to_numpy(),
    )
    with pd.option_context("display.max_colwidth", 40, "display.width", 200):
        print(shown.to_string(index=False))
    print(f"{len(pairs)} probable duplicate pair(s)", file=sys.stderr)
    if not args.merge:
        return 0
    changed = duplicates.merge(events, pairs)
    for _, event in changed.iterrows():
        current = store.get(event[S.EVENT_ID])
        fields = {
            c: event[c]
            for c in (S.STATUS, S.SOURCE, S.SOURCE_URL, S.TAGS)
            if not _same(event[c], current[c])
        }
        if fields:
            store.update(
                event[S.EVENT_ID], fields, expected_version=int(current[S.VERSION]), user=args.user
            )
    kept = int((changed[S.STATUS] != "rejected").sum())
    print(f"merged into {kept} event(s); {len(changed) - kept} marked rejected as duplicates")
    _move_links(store, changed, pairs, args.user)
    return 0


def _move_links(
    store: EventStore, changed: pd.DataFrame, pairs: pd.DataFrame, user: str | None
) -> None:
    """Links of the events marked duplicates go to the event each group keeps (source
    "merged"); the old ones are unlinked, so a chain runs through the kept event."""
    from geo import links as L

    rejected = set(changed.loc[changed[S.STATUS] == "rejected", S.EVENT_ID])
    kept_of: dict[str, str] = {}
    for group in duplicates.groups(pairs):
        keepers = [e for e in changed[S.EVENT_ID] if e in group and e not in rejected]
        kept_of.update({e: keepers[0] for e in group if e in rejected and keepers})
    links = store.links()
    moved = L.repointed(links, kept_of)
    old = links[L.ends_in(links, kept_of)]
    if old.empty:
        return
    store.add_links(moved, user=user)
    for _, link in old.iterrows():
        store.delete_link(link[L.LINK_ID], expected_version=int(link[L.VERSION]), user=user)
    print(f"links: {len(moved)} moved to the kept events, {len(old)} unlinked from duplicates")


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``import`` and ``duplicates`` to the ``conflictmap`` parser."""
    from geo.cli.common import add_date_arguments, add_filter_arguments

    p = sub.add_parser(
        "import",
        help="import an ACLED, UCDP GED, GDELT, GeoJSON, GeoPackage or hand-coded file (or a zip)",
        description=(
            "Import a file of events. The format is guessed from the file unless given, and the "
            "report says why. All or nothing: a file with a bad row is refused with every bad row "
            "listed, unless --skip-bad. Events keep their source's id, so importing a file again "
            "adds nothing; events whose fields changed in the file are listed, and written as new "
            "versions with --update."
        ),
    )
    p.add_argument("file", help="the file to import")
    p.add_argument(
        "--format", choices=FORMATS, help="default: guessed from the file (the report says why)"
    )
    p.add_argument(
        "--skip-bad", action="store_true", help="store the good rows and report the bad ones"
    )
    p.add_argument("--rejects", metavar="FILE", help="write rejected rows and reasons to this CSV")
    p.add_argument(
        "--update",
        action="store_true",
        help="write the fields of stored events that differ in the file as new versions "
        "(without it they are only listed)",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="report progress and rows/s on stderr even when it is not a terminal",
    )
    p.add_argument(
        "--map",
        action="append",
        type=_parse_mapping,
        metavar="PROPERTY=COLUMN",
        help="GeoJSON: read a property as a schema column (repeatable); others are ignored",
    )
    add_date_arguments(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "duplicates",
        help="list probable duplicates across sources; --merge keeps one with every source",
    )
    p.add_argument(
        "--radius-km", type=float, default=duplicates.RADIUS_KM, help="default: %(default)s"
    )
    p.add_argument(
        "--merge",
        action="store_true",
        help="keep one event per group, with every source; mark the others rejected",
    )
    add_filter_arguments(p)
    p.set_defaults(func=cmd_duplicates)
