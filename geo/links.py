"""The link schema: one event answering, following or repeating another.

A link reads as a sentence from the answering event to the one it answers:
``CM-SYR-20221022-03 retaliation_for CM-SYR-20221022-01`` ("the Mayadin strike retaliates for the
al-Omar attack"). ``event_id`` is the answer (the later event), ``target_id`` the event answered.
This module owns the link columns, their vocabularies and their checks, as :mod:`geo.schema` owns
the event's; the stores, the file formats, the chain query and the dashboard use these names.

Who made a link is its ``source``: an analyst (``hand``), the extraction (``extracted``, always a
``candidate`` until someone accepts it) or a merge of duplicates (``merged``). Only ``accepted``
links make chains; a ``rejected`` one is kept so the same candidate is not proposed again.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from geo.errors import Problem, ValidationError

LINK_ID = "link_id"
EVENT_ID = "event_id"  # the answering event
TARGET_ID = "target_id"  # the event it answers
RELATION = "relation"
SOURCE = "source"
STATUS = "status"
SCORE = "score"
EVIDENCE = "evidence"
DELAY_HOURS = "delay_hours"
VERSION = "version"
CREATED_AT = "created_at"
UPDATED_AT = "updated_at"

RETALIATION_FOR = "retaliation_for"
RELATIONS: tuple[str, ...] = (RETALIATION_FOR, "response_to", "same_incident", "follow_up")
SOURCES: tuple[str, ...] = ("hand", "extracted", "merged")
CANDIDATE, ACCEPTED, REJECTED = "candidate", "accepted", "rejected"
STATUSES: tuple[str, ...] = (CANDIDATE, ACCEPTED, REJECTED)

# (name, kind, what it holds); kinds as in geo.schema.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    (LINK_ID, "str", "event_id~relation~target_id: one link per pair and relation"),
    (EVENT_ID, "str", "The answering (later) event."),
    (TARGET_ID, "str", "The event it answers."),
    (RELATION, "str", "retaliation_for, response_to, same_incident or follow_up."),
    (SOURCE, "str", "Who made the link: hand, extracted or merged."),
    (STATUS, "str", "candidate (extracted, for review), accepted or rejected."),
    (SCORE, "float", "How sure the extraction is (0-1); empty for a hand-coded link."),
    (EVIDENCE, "str", "The sentence(s) that say one answers the other."),
    (DELAY_HOURS, "float", "Hours between the two, as the source states them; empty if unsaid."),
    (VERSION, "int", "Grows with every change; an edit names the version it was based on."),
    (CREATED_AT, "timestamp", "When the link was first stored (UTC)."),
    (UPDATED_AT, "timestamp", "When the link was last changed (UTC)."),
)
COLUMN_NAMES: tuple[str, ...] = tuple(c[0] for c in COLUMNS)
KINDS: dict[str, str] = {c[0]: c[1] for c in COLUMNS}
# What an analyst may change on a stored link; the ends and the relation make its identity.
EDITABLE: tuple[str, ...] = (STATUS, SCORE, EVIDENCE, DELAY_HOURS)
_DTYPES = {"str": object, "float": "float64", "int": "Int64", "timestamp": "datetime64[ns, UTC]"}


def make_link_id(event_id: str, relation: str, target_id: str) -> str:
    return f"{event_id}~{relation}~{target_id}"


def empty_links() -> pd.DataFrame:
    return conform(pd.DataFrame({name: [] for name in COLUMN_NAMES}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows read back from a store or a file, in the link columns and their dtypes."""
    out = pd.DataFrame(index=frame.index)
    for name, kind, _ in COLUMNS:
        values = frame[name] if name in frame else pd.Series(None, index=frame.index, dtype=object)
        if kind == "timestamp":
            out[name] = pd.to_datetime(values, utc=True, format="ISO8601")
        elif kind == "str":
            out[name] = values.astype(object).where(values.notna(), None)
        else:
            out[name] = pd.to_numeric(values).astype(_DTYPES[kind])
    return out


def _missing(value: object) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def validate_links(frame: pd.DataFrame, *, what: str = "links") -> pd.DataFrame:
    """Typed links, or :class:`ValidationError` naming every bad row and field.

    Fills what a hand-coded link leaves out: ``source`` hand, ``status`` accepted (candidate for
    an extracted link), ``version`` 1, and the ``link_id`` made of its ends and relation.
    """
    problems: list[Problem] = []
    rows: list[dict[str, object]] = []
    unknown = [c for c in frame.columns if c not in KINDS]
    if unknown:
        problems.extend(Problem("header", c, "is not a link column") for c in unknown)
    for row, record in zip(frame.index, frame.to_dict("records"), strict=True):
        out, bad = _check_row(row, record)
        problems.extend(bad)
        rows.append(out)
    if not problems:
        ids = pd.Series([r[LINK_ID] for r in rows], index=frame.index)
        for row in ids.index[ids.duplicated(keep="first").to_numpy()]:
            problems.append(Problem(row, LINK_ID, f"{ids[row]!r} appears more than once"))
    if problems:
        raise ValidationError(problems, what=what)
    typed = pd.DataFrame(rows, index=frame.index, columns=list(COLUMN_NAMES))
    return conform(typed)


def _check_row(row: object, record: Mapping[str, object]) -> tuple[dict[str, object], list]:
    problems: list[Problem] = []
    out: dict[str, object] = {name: None for name in COLUMN_NAMES}

    def text(name: str) -> str | None:
        value = record.get(name)
        if _missing(value):
            return None
        if not isinstance(value, str):
            value = str(value)
        return value.strip()

    for name in (EVENT_ID, TARGET_ID, RELATION):
        out[name] = text(name)
        if out[name] is None:
            problems.append(Problem(row, name, "is required"))
    if out[EVENT_ID] is not None and out[EVENT_ID] == out[TARGET_ID]:
        problems.append(Problem(row, TARGET_ID, "an event cannot answer itself"))
    checks = ((RELATION, RELATIONS), (SOURCE, SOURCES), (STATUS, STATUSES))
    out[SOURCE] = text(SOURCE) or "hand"
    out[STATUS] = text(STATUS) or (CANDIDATE if out[SOURCE] == "extracted" else ACCEPTED)
    for name, allowed in checks:
        if out[name] is not None and out[name] not in allowed:
            problems.append(Problem(row, name, f"{out[name]!r} is not one of {', '.join(allowed)}"))
    out[EVIDENCE] = text(EVIDENCE)
    for name, low, high in ((SCORE, 0.0, 1.0), (DELAY_HOURS, 0.0, 24.0 * 3650)):
        value = record.get(name)
        if _missing(value):
            continue
        number = _number(value)
        if number is None or not low <= number <= high:
            shown = f"{number:g}" if number is not None else repr(value)
            problems.append(Problem(row, name, f"{shown} is not a number in {low:g}..{high:g}"))
        out[name] = number
    version = record.get(VERSION)
    out[VERSION] = 1 if _missing(version) else int(_number(version) or 1)
    for name in (CREATED_AT, UPDATED_AT):
        out[name] = None if _missing(record.get(name)) else record.get(name)
    if not problems:
        out[LINK_ID] = make_link_id(out[EVENT_ID], out[RELATION], out[TARGET_ID])  # type: ignore[arg-type]
    return out, problems


def check_changes(changes: Mapping[str, object]) -> None:
    """Refuse a change to a stored link's identity or to a column links do not have."""
    bad = [c for c in changes if c not in EDITABLE]
    if bad:
        raise ValidationError(
            [
                Problem("changes", c, f"cannot be changed on a stored link (only {EDITABLE})")
                for c in bad
            ],
            what="link change",
        )


def missing_ends(links: pd.DataFrame, known: Iterable[str]) -> list[Problem]:
    """A problem per end of a link that names no known event, with the id it names."""
    known = set(known)
    problems = []
    for name in (EVENT_ID, TARGET_ID):
        absent = ~links[name].isin(known).to_numpy(dtype=bool)
        for row, event_id in zip(links.index[absent], links[name][absent], strict=True):
            problems.append(Problem(row, name, f"no event with id {event_id!r}"))
    return sorted(problems, key=lambda p: (str(p.row), p.column))


def retaliation_cycle(
    stored: Iterable[tuple[str, str]], new: Iterable[tuple[str, str]]
) -> list[str] | None:
    """The events of a cycle that the ``new`` (answer, answered) retaliation pairs would close
    among the ``stored`` ones, first event repeated at the end; None when there is none.

    "A retaliates for B, B retaliates for A" cannot both hold: one of them came first.
    """
    check = CycleCheck(stored)
    for answer, answered in new:
        cycle = check.add(answer, answered)
        if cycle is not None:
            return cycle
    return None


class CycleCheck:
    """Retaliation links added one by one, each refused if it would close a circle.

    Built once from the stored links; each check walks only the links reachable from the new
    one's target (a few, in real exchanges).
    """

    def __init__(self, stored: Iterable[tuple[str, str]] = ()) -> None:
        self.graph: dict[str, list[str]] = {}
        for answer, answered in stored:
            self.graph.setdefault(answer, []).append(answered)

    def add(self, answer: str, answered: str) -> list[str] | None:
        """The cycle ``answer -> answered`` would close (and then it is not added), or None."""
        path = _path(self.graph, answered, answer)
        if path is not None:
            return [answer, *path]
        self.graph.setdefault(answer, []).append(answered)
        return None


def _path(graph: Mapping[str, list[str]], start: str, goal: str) -> list[str] | None:
    """Events from ``start`` to ``goal`` following retaliation links (breadth first)."""
    came_from: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        step: list[str] = []
        for node in frontier:
            if node == goal:
                path = [node]
                while came_from[path[-1]] is not None:
                    path.append(came_from[path[-1]])  # type: ignore[arg-type]
                return path[::-1]
            for nxt in graph.get(node, ()):
                if nxt not in came_from:
                    came_from[nxt] = node
                    step.append(nxt)
        frontier = step
    return None


def cycle_message(cycle: list[str]) -> str:
    return (
        "this link would make a circle of retaliation ("
        + " retaliates for ".join(cycle)
        + "); one of these events came first: link the later one to it, not both ways"
    )


def counts_in_chains(links: pd.DataFrame) -> pd.DataFrame:
    """The links that make chains: accepted ones."""
    return links.loc[links[STATUS].to_numpy() == ACCEPTED]


def linked_ids(links: pd.DataFrame) -> np.ndarray:
    """Ids of the events at either end of an accepted link."""
    kept = counts_in_chains(links)
    return pd.unique(np.concatenate([kept[EVENT_ID].to_numpy(), kept[TARGET_ID].to_numpy()]))
