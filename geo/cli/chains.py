"""The ``chains``, ``link`` and ``unlink`` verbs: exchanges of attack and answer.

``conflictmap chains [filters]`` lists the chains with an event in the filtered view (each whole:
an answer outside the dates still counts), ``--event ID`` shows one chain event by event, and
``conflictmap link ANSWER RELATION ANSWERED`` / ``unlink LINK_ID --version N`` record an analyst's
reading, refused when the other analyst got there first; ``link-history LINK_ID`` shows the audit.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from geo import links as L
from geo import schema as S
from geo.chains import answer_gap
from geo.cli.common import add_filter_arguments, filters_from_args, get_store
from geo.errors import ConflictmapError
from geo.store import cache


def cmd_chains(args: argparse.Namespace) -> int:
    snapshot = cache.load(get_store(args))
    if args.event:
        return _show_chain(snapshot, args.event)
    table = snapshot.chains.table(snapshot.index.mask(filters_from_args(args)))
    if table.empty:
        print("no chains match")
    else:
        shown = table.drop(columns=["event_ids", "max_delay_hours", "max_delay_days"]).copy()
        for column in ("first_day", "last_day"):
            shown[column] = pd.to_datetime(shown[column]).dt.strftime("%Y-%m-%d")
        with pd.option_context("display.max_colwidth", 48, "display.width", 250):
            print(shown.to_string(index=False, na_rep=""))
    print(f"{len(table)} chain(s)", file=sys.stderr)
    return 0


def _show_chain(snapshot: cache.Snapshot, event_id: str) -> int:
    chain = snapshot.chains.chain_of(event_id)
    if chain is None:
        raise ConflictmapError(f"{event_id} is in no chain (no accepted link to or from it)")
    events = chain.events.set_index(S.EVENT_ID, drop=False)
    print(f"{chain.chain_id}: {len(events)} events, {len(chain.links)} links")
    for _, e in events.iterrows():
        day = pd.Timestamp(e[S.EVENT_DATE]).strftime("%Y-%m-%d")
        print(
            f"  {day}  {e[S.EVENT_ID]}  {e[S.SUB_EVENT_TYPE]} at {e[S.LOCATION]} by {e[S.ACTOR1]}"
        )
    for _, link in chain.links.iterrows():
        delay, km = answer_gap(link, events.loc[link[L.EVENT_ID]], events.loc[link[L.TARGET_ID]])
        print(f"  {link[L.EVENT_ID]} {link[L.RELATION]} {link[L.TARGET_ID]}: {delay}, {km:.0f} km")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    link = {
        L.EVENT_ID: args.answer,
        L.RELATION: args.relation,
        L.TARGET_ID: args.answered,
        L.EVIDENCE: args.evidence,
        L.DELAY_HOURS: args.delay_hours,
    }
    frame = pd.DataFrame([link], index=pd.Index([1]))
    result = get_store(args).add_links(frame, on_existing="error", user=args.user)
    print(f"linked {result.added[0]}")
    return 0


def cmd_unlink(args: argparse.Namespace) -> int:
    get_store(args).delete_link(args.link_id, expected_version=args.version, user=args.user)
    print(f"unlinked {args.link_id}")
    return 0


def cmd_link_history(args: argparse.Namespace) -> int:
    history = get_store(args).link_history(args.link_id)
    if history.empty:
        raise ConflictmapError(f"no history for link {args.link_id!r}: it was never stored")
    for _, row in history.iterrows():
        at = row["at"].strftime("%Y-%m-%d %H:%M UTC")
        changes = "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in row["changes"].items())
        print(f"v{row['version']}  {row['action']:8s} {at}  {row['user'] or '-'}  {changes}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``chains``, ``link`` and ``unlink`` verbs to the ``conflictmap`` parser."""
    p = sub.add_parser("chains", help="list chains of attack and answer, filtered")
    p.add_argument("--event", help="show the chain of this event, event by event")
    add_filter_arguments(p)
    p.set_defaults(func=cmd_chains)

    p = sub.add_parser("link", help="record that one event answers another")
    p.add_argument("answer", help="event_id of the answering (later) event")
    p.add_argument("relation", choices=L.RELATIONS)
    p.add_argument("answered", help="event_id of the event it answers")
    p.add_argument("--evidence", help="what says so (a sentence of the report)")
    p.add_argument("--delay-hours", type=float, help="hours between the two, if the source says")
    p.set_defaults(func=cmd_link)

    p = sub.add_parser("unlink", help="remove a link (its history stays)")
    p.add_argument("link_id", help="as `chains --event` shows it: ANSWER~relation~ANSWERED")
    p.add_argument("--version", type=int, help="the version you saw; refused if it moved since")
    p.set_defaults(func=cmd_unlink)

    p = sub.add_parser("link-history", help="who linked, changed and unlinked a link, and when")
    p.add_argument("link_id", help="ANSWER~relation~ANSWERED")
    p.set_defaults(func=cmd_link_history)
