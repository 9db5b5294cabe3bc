"""The ``conflictmap`` command.

Each verb is a function ``cmd_<verb>(args) -> int`` registered in :func:`build_parser`; errors a user
can meet print as one sentence on stderr with exit status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from geo import links as L
from geo import schema as S
from geo import settings
from geo.cli import chains as cli_chains
from geo.cli import extract as cli_extract
from geo.cli import interop as cli_interop
from geo.cli import team as cli_team
from geo.cli.common import (
    add_date_arguments,
    add_filter_arguments,
    date_order,
    existing_store,
    filters_from_args,
    get_store,
)
from geo.errors import ConflictmapError, ValidationError
from geo.event_files import add_event_files, bundled_event_files
from geo.export import FORMATS, export, get_format
from geo.store import EventStore, open_store


# --- verbs -----------------------------------------------------------------------------------------
def cmd_init(args: argparse.Namespace) -> int:
    target = args.store or settings.DATABASE_URL or settings.STORE_PATH
    is_file = not str(target).startswith(("postgresql://", "postgres://"))
    if is_file and Path(target).exists() and not args.force:
        print(f"{target} exists already; --force to add the bundled events to it", file=sys.stderr)
        return 0
    store = open_store(target)
    shown = target if is_file else "the PostGIS store"
    if args.empty:
        print(f"created empty store {shown}")
        return 0
    result, linked = add_event_files(store, bundled_event_files(), user=args.user)
    print(
        f"{shown}: {len(result.added)} bundled events added, {len(result.skipped)} already there; "
        f"{len(linked.added)} links added"
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    store = get_store(args)
    on_existing = "replace" if args.replace else "skip"
    paths = [Path(p) for p in args.files]
    result, linked = add_event_files(
        store, paths, on_existing=on_existing, user=args.user, dates=date_order(args)
    )
    print(
        f"added {len(result.added)}, replaced {len(result.replaced)}, "
        f"unchanged {len(result.skipped)} (already stored)"
    )
    if len(linked.added) + len(linked.replaced) + len(linked.skipped):
        print(
            f"links: added {len(linked.added)}, replaced {len(linked.replaced)}, "
            f"unchanged {len(linked.skipped)}"
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    events = get_store(args).load(filters_from_args(args))
    shown = [
        S.EVENT_ID,
        S.EVENT_DATE,
        S.SUB_EVENT_TYPE,
        S.LOCATION,
        S.ACTOR1,
        S.ACTOR2,
        S.FATALITIES,
        S.STATUS,
    ]
    table = pd.DataFrame(events[shown]).sort_values([S.EVENT_DATE, S.EVENT_ID])
    table[S.EVENT_DATE] = table[S.EVENT_DATE].dt.strftime("%Y-%m-%d")
    if table.empty:
        print("no events match")
    else:
        with pd.option_context("display.max_colwidth", 40, "display.width", 200):
            print(table.to_string(index=False, na_rep=""))
    print(f"{len(table)} event(s)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    fmt = get_format(args.format)
    if args.raw and not fmt.formulas:
        raise ConflictmapError(f"--raw is for the CSV formats (csv, acled), not {fmt.name}")
    store = get_store(args)
    events = store.load(filters_from_args(args))
    links = store.links(statuses=(L.ACCEPTED,))
    if args.output == "-":
        sys.stdout.flush()
        # Bytes: the GeoPackage is not text.
        sys.stdout.buffer.write(fmt.to_bytes(events, raw=args.raw, links=links))
        sys.stdout.buffer.flush()
        return 0
    count = export(events, fmt.name, args.output, raw=args.raw, links=links)
    print(f"wrote {count} event(s) to {args.output}", file=sys.stderr)
    return 0


def _parse_point(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a point; write LAT,LON") from None
    return lat, lon


def cmd_geocode(args: argparse.Namespace) -> int:
    from geo.places.geocode import default_geocoder, describe
    from geo.places.known import geocoder_with_store
    from geo.places.region import default_region, parse_region

    store = existing_store(args)
    events = _loaded(store)
    countries = events[S.COUNTRY].tolist() if S.COUNTRY in events.columns else None
    region = parse_region(args.region) if args.region else default_region(countries)
    coder = geocoder_with_store(store, events=events) if store is not None else default_geocoder()
    result = coder.geocode(
        args.mention, country=args.country, near=args.near or None, region=region
    )
    print(describe(result, candidates=args.candidates))
    return 0 if result.matched else 1


def _loaded(store: EventStore | None) -> pd.DataFrame:
    """The store's events (the theatre a bare name is read in), or none without a store."""
    if store is None:
        return pd.DataFrame()
    try:
        return store.load()
    except ConflictmapError:
        return pd.DataFrame()


# --- parser ----------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflictmap", description="Record, geocode, browse and export conflict events."
    )
    parser.add_argument(
        "--store",
        help="GeoPackage path or postgresql:// URL (default: $CONFLICTMAP_DATABASE_URL, "
        "$CONFLICTMAP_STORE, or data/conflictmap.gpkg)",
    )
    parser.add_argument("--user", help="name recorded in the audit log for changes")
    sub = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = sub.add_parser("init", help="create the store, with the bundled events unless --empty")
    p.add_argument("--empty", action="store_true", help="create it without the bundled events")
    p.add_argument(
        "--force", action="store_true", help="add the bundled events to an existing store"
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser(
        "add", help="add hand-coded events and their links (YAML or CSV), all or nothing"
    )
    p.add_argument("files", nargs="+", help=".yaml/.yml/.csv files in schema columns")
    p.add_argument("--replace", action="store_true", help="overwrite events whose id is stored")
    add_date_arguments(p)
    p.set_defaults(func=cmd_add)

    p = sub.add_parser("list", help="list events, filtered")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("export", help="export the filtered events")
    p.add_argument("--format", "-f", default="geojson", choices=sorted(FORMATS))
    p.add_argument("--output", "-o", required=True, help="file to write, or - for stdout")
    p.add_argument(
        "--raw",
        action="store_true",
        help="CSV formats: write cells starting with = + - @ as they are, without the apostrophe "
        "that stops a spreadsheet running them as formulas",
    )
    add_filter_arguments(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("geocode", help="resolve a place mention (Arabic or English) offline")
    p.add_argument("mention", help='the place as the report writes it, e.g. "بادية بلدة الجلاء"')
    p.add_argument("--country", help="the report's country (ISO2, ISO3 or English name)")
    p.add_argument(
        "--near", action="append", type=_parse_point, help="LAT,LON of another place of the report"
    )
    p.add_argument(
        "--region",
        help="the theatre read after the report's country, e.g. SY,IQ (default: "
        "$CONFLICTMAP_REGION, else the countries of the stored events, else the bundled ones)",
    )
    p.add_argument("--candidates", action="store_true", help="also list the candidates weighed")
    p.set_defaults(func=cmd_geocode)

    cli_team.register(sub)
    cli_interop.register(sub)
    cli_extract.register(sub)
    cli_chains.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except ValidationError as exc:
        print(f"conflictmap {args.verb}: nothing was stored.\n{exc}", file=sys.stderr)
        return 2
    except ConflictmapError as exc:
        print(f"conflictmap {args.verb}: {exc}", file=sys.stderr)
        return 2
