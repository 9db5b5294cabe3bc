"""The ``conflictmap extract`` verb: news reports in, draft events out as GeoJSON.

One call reads many reports, so a day's reports cost one start-up::

    conflictmap extract a.txt b.txt --source "Syria TV" --published 2022-10-23T06:52+03:00
    conflictmap extract reports/ --source "Syria TV" --published 2022-10-23
    conflictmap extract - < day.jsonl      # one {"text", "source", "published", "url"} a line

Standard input is a JSON-lines stream when its first character is ``{``, else one report's text.
Every report is read and checked before anything is extracted: a bad one (no such file, no
dateline, a broken line of the stream) is named with the others and nothing is printed or
stored. ``--commit`` also adds the drafts to the store with status "draft", where the review
page (or ``conflictmap edit``) accepts, corrects or rejects them; their evidence stays with them.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from geo import settings
from geo.errors import InputError
from geo.textio import decode, read_text

# Files a folder contributes: the text formats reports are saved in.
REPORT_SUFFIXES = (".txt", ".text", ".md")


@dataclass(frozen=True, slots=True)
class Report:
    """One report to extract from, with where it came from (for messages)."""

    where: str
    text: str
    source: str
    published: datetime
    url: str | None


def _read_stdin() -> str:
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


def _files(path: str) -> list[Path]:
    p = Path(path)
    if p.is_dir():
        found = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in REPORT_SUFFIXES)
        if not found:
            raise InputError(f"{path}: the folder holds no report ({', '.join(REPORT_SUFFIXES)})")
        return found
    if not p.is_file():
        raise InputError(f"{path}: cannot read the report (no such file)")
    return [p]


def _stream(text: str, args: argparse.Namespace, problems: list[str]) -> list[Report]:
    """Reports of a JSON-lines stream; each line's problems are named by its number."""
    reports = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"standard input, line {n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: not a JSON object ({exc.msg})")
            continue
        if not isinstance(row, dict):
            problems.append(f"{where}: not a JSON object")
            continue
        body, source = row.get("text"), row.get("source") or args.source
        published = row.get("published") or (args.published.isoformat() if args.published else None)
        bad = []
        if not isinstance(body, str) or not body.strip():
            bad.append("field text: the report's text is missing")
        if not isinstance(source, str) or not source.strip():
            bad.append("field source: the publisher is missing (or give --source)")
        when = None
        if not isinstance(published, str):
            bad.append("field published: the dateline is missing (or give --published)")
        else:
            try:
                when = datetime.fromisoformat(published)
            except ValueError:
                bad.append(f"field published: {published!r} is not a date and time")
        url = row.get("url") or args.url
        if url is not None and not isinstance(url, str):
            bad.append("field url: not text")
        if bad:
            problems += [f"{where}, {b}" for b in bad]
            continue
        reports.append(Report(where, body, source, when, url))  # type: ignore[arg-type]
    if not reports and not problems:
        problems.append("standard input holds no report")
    return reports


def read_reports(args: argparse.Namespace) -> list[Report]:
    """Every report the command names, checked before any is extracted."""
    reports: list[Report] = []
    problems: list[str] = []
    for path in args.file:
        if path == "-":
            text = _read_stdin()
            if text.lstrip().startswith("{"):
                reports += _stream(text, args, problems)
                continue
            texts = [("standard input", text)]
        else:
            try:
                texts = [(str(f), read_text(f)) for f in _files(path)]
            except InputError as exc:
                problems.append(str(exc))
                continue
        for where, text in texts:
            if not args.source or not args.published:
                problems.append(
                    f"{where}: give --source and --published (the publisher and dateline)"
                )
                continue
            reports.append(Report(where, text, args.source, args.published, args.url))
    if problems:
        head = f"{len(problems)} problem(s); nothing was extracted:" if len(problems) > 1 else ""
        raise InputError("\n  ".join([head, *problems]) if head else problems[0])
    return reports


def cmd_extract(args: argparse.Namespace) -> int:
    import pandas as pd

    from geo import schema as S
    from geo.cli.common import existing_store
    from geo.extract import extract  # loads the lexicon and the gazetteer: only for this verb
    from geo.formats import geojson
    from geo.places.known import geocoder_with_store

    reports = read_reports(args)
    # The villages of the analyst's own events (an ACLED import codes each to its point) are
    # places too, where the gazetteer has none.
    known = existing_store(args)
    geocode = geocoder_with_store(known).geocode if known is not None else None
    frames = []
    for r in reports:
        try:
            frames.append(
                extract(
                    r.text,
                    source=r.source,
                    published=r.published,
                    lang=args.lang,
                    url=r.url,
                    country=args.country,
                    geocoder=geocode,
                )
            )
        except InputError as exc:
            raise InputError(f"{r.where}: {exc}") from exc
    kept = [f for f in frames if not f.empty]
    drafts = pd.concat(kept, ignore_index=True) if kept else S.empty_frame()
    if kept:
        drafts.index = drafts.index + 1
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
    if len(reports) > 1:
        print(f"{len(drafts)} draft event(s) from {len(reports)} reports", file=sys.stderr)
    else:
        print(f"{len(drafts)} draft event(s)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``extract`` verb to the ``conflictmap`` parser."""
    p = sub.add_parser(
        "extract",
        help="draft events from Arabic or English news reports (files, folders or a stream)",
    )
    p.add_argument(
        "file",
        nargs="+",
        help="reports as text (UTF-8, UTF-16 or Windows-1256), folders of them, or - for standard "
        'input (one report, or JSON lines of {"text", "source", "published", "url"})',
    )
    p.add_argument(
        "--source", help='the publisher, e.g. "Syria TV" (a stream line may give its own)'
    )
    p.add_argument(
        "--published",
        type=_parse_published,
        help="the dateline, e.g. 2022-10-23T06:52+03:00 (relative dates count from it)",
    )
    p.add_argument("--lang", choices=("auto", "ar", "en"), default="auto")
    p.add_argument("--url", help="link to the report (http or https)")
    p.add_argument("--country", help="the report's country (default: the one the text names)")
    p.add_argument("--commit", action="store_true", help="add the drafts to the store")
    p.set_defaults(func=cmd_extract)
