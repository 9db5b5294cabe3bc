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
            out[name] = pd.to_datetime(values, utc=True, format="ISO8601").astype(
                "datetime64[ns, UTC]"
            )
        elif kind == "str":
            out[name] = values.astype(object).where(values.notna(), None)
        else:
            out[name] = pd.to_numeric(values).astype(_DTYPES[kind])
    return out


def validate_links(frame: pd.DataFrame, *, what: str = "links") -> pd.DataFrame:
    """Typed links, or :class:`ValidationError` naming every bad row and field.

    Fills what a hand-coded link leaves out: ``source`` hand, ``status`` accepted (candidate for
    an extracted link), ``version`` 1, and the ``link_id`` made of its ends and relation. Column by
    column, so a hundred thousand links are checked in a blink.
    """
    problems: list[Problem] = []
    unknown = [c for c in frame.columns if c not in KINDS]
    problems.extend(Problem("header", c, "is not a link column") for c in unknown)
    rows = frame.index
    out = pd.DataFrame(index=rows)

    def flag(bad: np.ndarray, name: str, message: str) -> None:
        problems.extend(Problem(row, name, message) for row in rows[bad])

    for name in (EVENT_ID, TARGET_ID, RELATION, SOURCE, STATUS, EVIDENCE):
        out[name] = _texts(frame, name)
    for name in (EVENT_ID, TARGET_ID, RELATION):
        flag(out[name].isna().to_numpy(), name, "is required")
    same = (out[EVENT_ID] == out[TARGET_ID]).to_numpy(dtype=bool, na_value=False)
    flag(same, TARGET_ID, "an event cannot answer itself")
    out[SOURCE] = out[SOURCE].fillna("hand")
    default_status = np.where(out[SOURCE] == "extracted", CANDIDATE, ACCEPTED)
    out[STATUS] = out[STATUS].where(out[STATUS].notna(), pd.Series(default_status, index=rows))
    for name, allowed in ((RELATION, RELATIONS), (SOURCE, SOURCES), (STATUS, STATUSES)):
        bad = (out[name].notna() & ~out[name].isin(allowed)).to_numpy(dtype=bool)
        for row, value in zip(rows[bad], out[name][bad], strict=True):
            problems.append(Problem(row, name, f"{value!r} is not one of {', '.join(allowed)}"))
    for name, low, high in ((SCORE, 0.0, 1.0), (DELAY_HOURS, 0.0, 24.0 * 3650)):
        given = _texts(frame, name).notna() if name in frame else pd.Series(False, index=rows)
        numbers = pd.to_numeric(frame[name], errors="coerce") if name in frame else None
        if numbers is None:
            out[name] = np.nan
            continue
        numbers = numbers.astype("float64")
        bad = (given & ~numbers.between(low, high)).to_numpy(dtype=bool)
        for row, value, number in zip(rows[bad], frame[name][bad], numbers[bad], strict=True):
            shown = f"{number:g}" if number == number else repr(value)
            problems.append(Problem(row, name, f"{shown} is not a number in {low:g}..{high:g}"))
        out[name] = numbers
    version = pd.to_numeric(frame[VERSION], errors="coerce") if VERSION in frame else None
    out[VERSION] = 1 if version is None else version.fillna(1).astype("int64")
    for name in (CREATED_AT, UPDATED_AT):
        out[name] = frame.get(name)
    if not problems:
        out[LINK_ID] = out[EVENT_ID] + "~" + out[RELATION] + "~" + out[TARGET_ID]
        dup = out[LINK_ID].duplicated(keep="first").to_numpy(dtype=bool)
        for row, lid in zip(rows[dup], out[LINK_ID][dup], strict=True):
            problems.append(Problem(row, LINK_ID, f"{lid!r} appears more than once"))
    if problems:
        raise ValidationError(sorted(problems, key=_problem_order), what=what)
    return conform(out[list(COLUMN_NAMES)])


def _problem_order(problem: Problem) -> tuple:
    row = problem.row
    return (row != "header", row if isinstance(row, int) else 0, str(row), problem.column)


def _texts(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column as stripped text, None where missing or blank."""
    if name not in frame:
        return pd.Series(None, index=frame.index, dtype=object)
    values = frame[name]
    text = values.astype(object).where(values.notna(), None)
    text = text.map(lambda v: v if v is None else (str(v).strip() or None), na_action="ignore")
    return text.astype(object).where(text.notna(), None)


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


def repointed(links: pd.DataFrame, kept: Mapping[str, str]) -> pd.DataFrame:
    """The links to or from merged duplicates, moved to the event each was merged into
    (``kept``: duplicate id -> kept id), with source "merged"; a link that would join an event to
    itself, or repeat one already stored, is left out."""
    touched = links[ends_in(links, kept)]
    if touched.empty:
        return empty_links()
    moved = touched.drop(columns=[LINK_ID, VERSION, CREATED_AT, UPDATED_AT]).copy()
    moved[EVENT_ID] = moved[EVENT_ID].map(lambda e: kept.get(e, e))
    moved[TARGET_ID] = moved[TARGET_ID].map(lambda e: kept.get(e, e))
    moved[SOURCE] = "merged"
    moved = moved[moved[EVENT_ID] != moved[TARGET_ID]]
    ids = moved[EVENT_ID] + "~" + moved[RELATION] + "~" + moved[TARGET_ID]
    moved = moved[~ids.isin(links[LINK_ID]).to_numpy() & ~ids.duplicated().to_numpy()]
    return moved.reset_index(drop=True).rename(index=lambda i: i + 1)


def ends_in(links: pd.DataFrame, ids: Mapping[str, str]) -> np.ndarray:
    """Links with an end among ``ids``."""
    return (links[EVENT_ID].isin(list(ids)) | links[TARGET_ID].isin(list(ids))).to_numpy()


def counts_in_chains(links: pd.DataFrame) -> pd.DataFrame:
    """The links that make chains: accepted ones."""
    return links.loc[links[STATUS].to_numpy() == ACCEPTED]


def linked_ids(links: pd.DataFrame) -> np.ndarray:
    """Ids of the events at either end of an accepted link."""
    kept = counts_in_chains(links)
    return pd.unique(np.concatenate([kept[EVENT_ID].to_numpy(), kept[TARGET_ID].to_numpy()]))
