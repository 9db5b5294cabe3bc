"""Chains of events: an attack, the answers it drew, the answers to those, as one story.

A chain is a connected set of events joined by accepted links (:mod:`geo.links`), whatever their
relation. :class:`ChainIndex` finds the chains of one store revision once (as
:class:`geo.query.EventIndex` prepares the filters) and answers per view in milliseconds:

>>> chains = ChainIndex(events, store.links())
>>> chains.table(index.mask(filters))      # the chains with an event in the filtered view
>>> chains.members("CM-SYR-20221022-03")   # the events and links of one event's chain

Per chain: first and last day, how many events, each answer's delay (hours where the source
states them, else whole days between the events' dates), the distance from each attacked place to
its answer (km), and the actors on each side (those attacked, those answering).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import links as L
from geo import schema as S
from geo.duplicates import haversine_km

CHAIN_ID = "chain_id"
TABLE_COLUMNS = (
    CHAIN_ID,
    "first_day",
    "last_day",
    "events",
    "links",
    "delays",
    "max_delay_hours",
    "max_delay_days",
    "distances_km",
    "attacked_side",
    "answering_side",
    "event_ids",
)


def components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Connected-component label (0..k-1) of each of ``n`` nodes joined by edges ``u``-``v``.

    Minimum-label propagation with pointer jumping: a handful of vectorised passes for the short
    chains conflict exchanges make, however many of them there are.
    """
    labels = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(labels[u], labels[v])
        before = labels.copy()
        np.minimum.at(labels, u, low)
        np.minimum.at(labels, v, low)
        while True:  # point every node at its label's label until that settles
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            break
    return np.unique(labels, return_inverse=True)[1]


def delay_text(hours: float, days: float) -> str:
    """An answer's delay as an analyst reads it: hours when known, else whole days."""
    if hours == hours:  # not NaN
        return f"{hours:g} h"
    if days != days:
        return "unknown"
    return "same day" if days == 0 else f"{days:g} d"


def answer_gap(link: pd.Series, answer: pd.Series, answered: pd.Series) -> tuple[str, float]:
    """How long after and how far from the event it answers an answer came: the delay as text
    (:func:`delay_text`) and the distance in km (NaN when a place is unknown)."""
    days = (pd.Timestamp(answer[S.EVENT_DATE]) - pd.Timestamp(answered[S.EVENT_DATE])).days
    km = float(
        haversine_km(
            answered[S.LONGITUDE], answered[S.LATITUDE], answer[S.LONGITUDE], answer[S.LATITUDE]
        )
    )
    return delay_text(link[L.DELAY_HOURS], days), km


@dataclass(frozen=True)
class Chain:
    """One chain's events (in date order) and the links between them."""

    chain_id: str
    events: pd.DataFrame
    links: pd.DataFrame


class ChainIndex:
    """The chains among ``events`` made by the accepted ``links``, found once.

    Links whose events are not in ``events`` (deleted, or filtered out before indexing) are left
    out. The frames must not change afterwards.
    """

    def __init__(self, events: pd.DataFrame, links: pd.DataFrame) -> None:
        self.events = events
        n = len(events)
        self.event_chain = np.full(n, -1, dtype=np.int64)
        accepted = L.counts_in_chains(links)
        if accepted.empty or n == 0:
            self.links = accepted.iloc[0:0].assign(chain=pd.Series(dtype="int64"))
            self.table_all = pd.DataFrame(columns=list(TABLE_COLUMNS))
            self._answer = self._answered = np.zeros(0, dtype=np.int64)
            self._ends = pd.Index([], dtype=object)
            self._end_position = np.zeros(0, dtype=np.int64)
            self._members = np.zeros(0, dtype=np.int64)
            return
        # The linked ids are few beside the events: hash those and look every event up in them.
        self._ends = pd.Index(pd.unique(pd.concat([accepted[L.EVENT_ID], accepted[L.TARGET_ID]])))
        found = _positions_in(events[S.EVENT_ID], self._ends)
        self._end_position = np.full(len(self._ends), -1, dtype=np.int64)
        self._end_position[found[found >= 0]] = np.flatnonzero(found >= 0)
        answer = self._end_position[self._ends.get_indexer(accepted[L.EVENT_ID])]
        answered = self._end_position[self._ends.get_indexer(accepted[L.TARGET_ID])]
        known = (answer >= 0) & (answered >= 0)
        accepted, answer, answered = accepted[known], answer[known], answered[known]
        nodes, inverse = np.unique(np.concatenate([answer, answered]), return_inverse=True)
        labels = components(len(nodes), inverse[: len(answer)], inverse[len(answer) :])
        self.event_chain[nodes] = labels
        self._answer, self._answered = answer, answered
        self.links = accepted.assign(chain=labels[inverse[: len(answer)]]).reset_index(drop=True)
        self.table_all = self._summaries(nodes, labels)
        self._members = np.sort(nodes)  # positions of the events in a chain

    @property
    def in_chain(self) -> np.ndarray:
        """Per event: True when it is in a chain (the "events in a chain" filter)."""
        return self.event_chain >= 0

    def _summaries(self, nodes: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
        """One row per chain. Text columns are read for the linked events only (a tenth of a
        million), and joined in plain lists: pandas' per-group joins cost seconds here."""
        ev = self.events
        k = int(labels.max()) + 1
        dates = ev[S.EVENT_DATE].to_numpy(dtype="datetime64[ns]")
        ends = ev[S.EVENT_DATE_END].to_numpy(dtype="datetime64[ns]")
        ends = np.where(np.isnat(ends), dates, ends)
        ids = ev[S.EVENT_ID].iloc[nodes].to_numpy(dtype=object)
        # Members by chain, then day, then id: the first is the chain's name.
        order = np.lexsort((np.argsort(np.argsort(ids, kind="stable")), dates[nodes], labels))
        chain_of_member = labels[order]
        starts = np.flatnonzero(np.r_[True, chain_of_member[1:] != chain_of_member[:-1]])
        first_day = np.minimum.reduceat(dates[nodes][order], starts)
        last_day = np.maximum.reduceat(ends[nodes][order], starts)
        out = pd.DataFrame(
            {
                CHAIN_ID: np.char.add("chain:", ids[order][starts].astype(str)).astype(object),
                "first_day": first_day,
                "last_day": last_day,
                "events": np.diff(np.r_[starts, len(order)]),
                "event_ids": _joined(chain_of_member, ids[order], k),
            }
        )
        lk = self.links
        answer, answered = self._answer, self._answered
        hours = lk[L.DELAY_HOURS].to_numpy(dtype="float64")
        days = (dates[answer] - dates[answered]) / np.timedelta64(1, "D")
        lat = ev[S.LATITUDE].to_numpy(dtype="float64")
        lon = ev[S.LONGITUDE].to_numpy(dtype="float64")
        km = haversine_km(lon[answered], lat[answered], lon[answer], lat[answer])
        ends_at = np.concatenate([answer, answered])
        actors = ev[S.ACTOR1].iloc[ends_at].to_numpy(dtype=object)
        answering, attacked = actors[: len(answer)], actors[len(answer) :]
        chain = lk["chain"].to_numpy()
        by = np.lexsort((dates[answer], chain))
        chain_sorted = chain[by]
        delays = np.array([delay_text(h, d) for h, d in zip(hours, days, strict=True)], object)
        kms = np.array([("?" if x != x else f"{x:.0f}") for x in km], dtype=object)
        out["links"] = np.bincount(chain, minlength=k)
        out["delays"] = _joined(chain_sorted, delays[by], k)
        out["max_delay_hours"] = _group_max(chain, hours, k)
        out["max_delay_days"] = _group_max(chain, days, k)
        out["distances_km"] = _joined(chain_sorted, kms[by], k)
        out["attacked_side"] = _joined(chain_sorted, attacked[by], k, distinct=True)
        out["answering_side"] = _joined(chain_sorted, answering[by], k, distinct=True)
        return out[list(TABLE_COLUMNS)]

    def table(self, view: np.ndarray | None = None) -> pd.DataFrame:
        """One row per chain with an event in ``view`` (a mask over the events; all chains without
        it), whole: an answer outside the view still counts in its chain's figures."""
        if view is None:
            return self.table_all
        # Only the events in a chain are looked at: a tenth of a million, not all of them.
        members = self._members
        touched = np.zeros(len(self.table_all), dtype=bool)
        touched[self.event_chain[members[view[members]]]] = True
        return self.table_all.iloc[np.flatnonzero(touched)]

    def chain_of(self, event_id: str) -> Chain | None:
        """The chain that holds ``event_id``, or None when it answers and is answered by none."""
        at = self._ends.get_indexer([event_id])[0]
        position = self._end_position[at] if at >= 0 else -1
        if position < 0 or self.event_chain[position] < 0:
            return None
        label = self.event_chain[position]
        events = self.events.iloc[np.flatnonzero(self.event_chain == label)]
        events = events.sort_values([S.EVENT_DATE, S.EVENT_ID], kind="stable")
        links = self.links[self.links["chain"].to_numpy() == label].drop(columns="chain")
        return Chain(self.table_all.iloc[label][CHAIN_ID], events, links.reset_index(drop=True))


def _positions_in(ids: pd.Series, index: pd.Index) -> np.ndarray:
    """Per id, its position in ``index`` (-1 when absent): Arrow's hash kernel on the ids as the
    store hands them (Arrow text), a million in a fraction of the time pandas takes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pa.array(ids.array) if hasattr(ids.array, "__arrow_array__") else pa.array(ids)
    if not (pa.types.is_string(values.type) or pa.types.is_large_string(values.type)):
        return index.get_indexer(ids)
    wanted = pa.array(index.to_numpy(dtype=object), type=values.type)
    found = pc.index_in(values, value_set=wanted).fill_null(-1)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=np.int64)


def _group_max(labels: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Per chain, the largest of its values that are known (NaN when none is)."""
    out = np.full(k, -np.inf)
    known = ~np.isnan(values)
    np.maximum.at(out, labels[known], values[known])
    return np.where(np.isinf(out), np.nan, out)


def _joined(
    labels: np.ndarray, values: np.ndarray, k: int, *, distinct: bool = False
) -> np.ndarray:
    """Per chain 0..k-1, its values "; "-joined in the order given (distinct ones only).

    One pass over plain lists: pandas' per-group join costs seconds over tens of thousands of
    chains.
    """
    parts: list[list[str]] = [[] for _ in range(k)]
    for label, value in zip(np.asarray(labels).tolist(), list(values), strict=True):
        if isinstance(value, str) and value:
            parts[label].append(value)
    if distinct:
        return np.array(["; ".join(dict.fromkeys(p)) for p in parts], dtype=object)
    return np.array(["; ".join(p) for p in parts], dtype=object)
