"""What the verb modules share: the store a command names, and the filter options of ``list``,
``export`` and ``duplicates`` (the same as the dashboard's sidebar).
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from geo import dates as D
from geo import schema as S
from geo import settings
from geo.errors import ConflictmapError
from geo.event_files import default_store
from geo.query import Filters
from geo.store import EventStore, open_store


def get_store(args: argparse.Namespace) -> EventStore:
    """The store the user named, or the default one, built from the bundled reports on first use."""
    if args.store:
        return open_store(args.store)
    return default_store()


def existing_store(args: argparse.Namespace) -> EventStore | None:
    """The store the user named or the default one, only when it exists: reading a report or
    geocoding a name never creates one. None when there is none or it cannot be read."""
    target = args.store or settings.DATABASE_URL or settings.STORE_PATH
    is_file = not str(target).startswith(("postgresql://", "postgres://"))
    if is_file and not Path(target).exists():
        return None
    try:
        return open_store(target)
    except ConflictmapError:
        return None


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write YYYY-MM-DD") from None


def _parse_bbox(text: str) -> tuple[float, float, float, float]:
    try:
        minx, miny, maxx, maxy = (float(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a box; write min_lon,min_lat,max_lon,max_lat"
        ) from None
    return minx, miny, maxx, maxy


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("filters (the same as the dashboard's)")
    group.add_argument("--from", dest="date_from", type=_parse_day, help="first day, YYYY-MM-DD")
    group.add_argument("--to", dest="date_to", type=_parse_day, help="last day, YYYY-MM-DD")
    group.add_argument("--actor", action="append", default=[], help="actor on either side")
    group.add_argument(
        "--type", action="append", default=[], help="event type or sub-event type (ACLED)"
    )
    group.add_argument("--country", action="append", default=[])
    group.add_argument("--admin1", action="append", default=[])
    group.add_argument("--admin2", action="append", default=[])
    group.add_argument("--status", action="append", default=[], choices=S.STATUSES)
    group.add_argument("--min-fatalities", type=int)
    group.add_argument("--source", action="append", default=[], help="outlet name")
    group.add_argument("--text", default="", help="words in notes, evidence, place or actors")
    group.add_argument("--bbox", type=_parse_bbox, help="min_lon,min_lat,max_lon,max_lat")
    group.add_argument(
        "--in-chain",
        action="store_true",
        help="only events linked to another (an attack and its answers)",
    )


def add_date_arguments(parser: argparse.ArgumentParser) -> None:
    """--dayfirst / --monthfirst / --date-format: how to read day and month written as numbers."""
    group = parser.add_argument_group(
        "dates written as numbers (10/05/2022): by default the order every date of the file fits; "
        "a file whose dates all read both ways is refused"
    ).add_mutually_exclusive_group()
    for order, example in ((D.DAYFIRST, "10 May"), (D.MONTHFIRST, "5 October")):
        group.add_argument(
            f"--{order}",
            dest="dates",
            action="store_const",
            const=order,
            help=f"10/05/2022 is {example}",
        )
    group.add_argument(
        "--date-format",
        dest="dates",
        type=_parse_date_format,
        metavar="FMT",
        help="every date in this strptime format, e.g. %%m/%%d/%%y or %%d.%%m.%%Y",
    )
    # No string default: argparse would run it through --date-format's check.
    parser.set_defaults(dates=None)


def date_order(args: argparse.Namespace) -> str:
    """The order of numeric dates the user gave, or "auto"."""
    return args.dates or D.AUTO


def _parse_date_format(text: str) -> str:
    if "%" not in text:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date format; write it with strptime codes, e.g. %d/%m/%Y"
        )
    return text


def filters_from_args(args: argparse.Namespace) -> Filters:
    types = tuple(t for t in args.type if t in S.EVENT_TYPES)
    subs = tuple(t for t in args.type if t not in S.EVENT_TYPES)
    unknown = [t for t in subs if t not in S.SUB_EVENT_TYPES]
    if unknown:
        raise ConflictmapError(
            f"--type {unknown[0]!r} is neither an ACLED event type nor a sub-event type"
        )
    return Filters(
        date_from=args.date_from,
        date_to=args.date_to,
        actors=tuple(args.actor),
        event_types=types,
        sub_event_types=subs,
        countries=tuple(args.country),
        admin1=tuple(args.admin1),
        admin2=tuple(args.admin2),
        statuses=tuple(args.status),
        min_fatalities=args.min_fatalities,
        sources=tuple(args.source),
        text=args.text,
        bbox=args.bbox,
        in_chain=args.in_chain,
    )
