"""The ``conflictmap extract`` verb: a news report in, draft events out as GeoJSON.

``--commit`` also adds the drafts to the store with status "draft", where the review page (or
``conflictmap edit``) accepts, corrects or rejects them; their evidence stays with them.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from geo import settings
from geo.errors import InputError
from geo.textio import decode, read_text


def _read_text(path: str) -> str:
    """The report: its encoding decided, and binary, empty or oversized input refused."""
    if path != "-":
        if not Path(path).is_file():
            raise InputError(f"{path}: cannot read the report (no such file)")
        return read_text(path)
    data = sys.stdin.buffer.read(settings.MAX_INPUT_BYTES + 1)
    if len(data) > settings.MAX_INPUT_BYTES:
        raise InputError(
            f"standard input is over the {settings.MAX_INPUT_BYTES / 1e6:,.0f} MB limit for one "
            "input; raise CONFLICTMAP_MAX_INPUT_MB if it really is one report"
        )
    text, _ = decode(data, name="standard input")
    if not text.strip():
        raise InputError("standard input is empty: give the report's text")
    return text


def _parse_published(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date and time; write it like 2022-10-23T06:52+03:00"
        ) from None


def cmd_extract(args: argparse.Namespace) -> int:
    from geo.extract import extract  # loads the lexicon and the gazetteer: only for this verb
    from geo.formats import geojson

    drafts = extract(
        _read_text(args.file),
        source=args.source,
        published=args.published,
        lang=args.lang,
        url=args.url,
        country=args.country,
    )
    sys.stdout.write(geojson.to_bytes(drafts).decode("utf-8"))
    sys.stdout.flush()
    if args.commit and not drafts.empty:
        from geo.cli.common import get_store
        from geo.extract.links import draft_links, stored_window

        store = get_store(args)
        # Read before the drafts go in: what the report may answer is what was stored already.
        links = draft_links(drafts, stored=store.load(stored_window(drafts)))
        result = store.add(drafts, user=args.user)
        linked = store.add_links(links, user=args.user)
        print(
            f"stored {len(result.added)} draft(s), {len(result.skipped)} already stored; "
            f"{len(linked.added)} candidate link(s) for review",
            file=sys.stderr,
        )
    print(f"{len(drafts)} draft event(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``extract`` verb to the ``conflictmap`` parser."""
    p = sub.add_parser("extract", help="draft events from an Arabic or English news report")
    p.add_argument(
        "file", help="the report as text (UTF-8, UTF-16 or Windows-1256), or - for standard input"
    )
    p.add_argument("--source", required=True, help='the publisher, e.g. "Syria TV"')
    p.add_argument(
        "--published",
        required=True,
        type=_parse_published,
        help="the dateline, e.g. 2022-10-23T06:52+03:00 (relative dates count from it)",
    )
    p.add_argument("--lang", choices=("auto", "ar", "en"), default="auto")
    p.add_argument("--url", help="link to the report (http or https)")
    p.add_argument("--country", help="the report's country (default: the one the text names)")
    p.add_argument("--commit", action="store_true", help="add the drafts to the store")
    p.set_defaults(func=cmd_extract)
