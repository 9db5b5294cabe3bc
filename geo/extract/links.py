"""Links drafted from a report: which of its events answer which, and which stored event a report
says it answers. Every link drafted here is a ``candidate`` with a score, for an analyst to accept
or reject on the Review page; none is ever accepted here.

A draft answers another when one of its own sentences says so with a response cue:

- Arabic: «رداً على», «ردت ... على», «انتقاماً», «ثأراً», «في إطار الرد», «عقب/بعد الهجوم على»;
- English: "in response to", "in retaliation for", "retaliated", "responded to", "to avenge",
  "after the attack on".

What it answers is read from the words after the cue (up to the clause's end, a few words): a
place named there (geocoded) points at the event of the report, or the stored event, at that
place; a generic phrase («مصادر النيران», "the attack") points at the report's lead event, the
one told first. Retaliation words make ``retaliation_for``, the others ``response_to``.

No link is drafted from a report that only mentions an earlier attack as background: the cue must
sit in a sentence of the answering draft itself, and a cue that puts time between the two ("months
after the attack on", «بعد أشهر من») is history, not an answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from geo import links as L
from geo import schema as S
from geo.duplicates import haversine_km
from geo.extract.pipeline import evidence_spans
from geo.query import Filters

# How far back a stored event may lie and still be what a report answers; how close its place
# must be to the place the cue names; how close to the answer when the cue names no place.
WINDOW_DAYS = 3
NAMED_PLACE_KM = 10.0
NEARBY_KM = 100.0
MIN_SCORE = 0.5

_DIACRITICS = "[\u064b-\u0652\u0640]*"


def _ar(words: str) -> str:
    """A regex for Arabic words that lets diacritics, tatweel and hamza forms of alef vary."""
    out = []
    for ch in words:
        if ch == " ":
            out.append(r"\s+")
        elif ch in "اأإآ":
            out.append("[اأإآ]" + _DIACRITICS)
        else:
            out.append(re.escape(ch) + _DIACRITICS)
    return "".join(out)


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    relation: str
    strength: float


_AR_ATTACK = "(?:" + "|".join(_ar(w) for w in ("الهجوم", "الهجمات", "استهداف", "القصف")) + ")"
CUES: tuple[Cue, ...] = (
    Cue(re.compile(_ar("انتقاما") + r"|" + _ar("ثأرا")), L.RETALIATION_FOR, 0.5),
    Cue(
        re.compile(r"\bin\s+retaliation\b|\bretaliat\w*|\bto\s+avenge\b|\brevenge\b", re.I),
        L.RETALIATION_FOR,
        0.5,
    ),
    Cue(re.compile(_ar("في اطار الرد") + r"|" + _ar("ردا على")), "response_to", 0.45),
    # The verb: «ردت قوات التحالف على مصدر القصف», «رد الجيش على».
    Cue(
        re.compile(
            r"(?<![\u0621-\u064a])(?:"
            + _ar("ردت")
            + "|"
            + _ar("رد")
            + "|"
            + _ar("ترد")
            + "|"
            + _ar("يرد")
            + r")(?![\u0621-\u064a])(?:\s+\S+){0,4}?\s+"
            + _ar("على")
        ),
        "response_to",
        0.45,
    ),
    Cue(
        re.compile(r"\bin\s+(?:response|reply)\s+to\b|\brespond(?:ed|s|ing)?\s+to\b", re.I),
        "response_to",
        0.45,
    ),
    Cue(
        re.compile(
            "(?:" + _ar("عقب") + "|" + _ar("بعد") + r")\s+" + _AR_ATTACK + r"\s+" + _ar("على")
        ),
        "response_to",
        0.35,
    ),
    Cue(
        re.compile(
            r"\bafter\s+(?:the|an|a|last\s+\w+'s)\s+(?:\w+\s+)?(?:attack|strike|shelling|"
            r"bombardment|assault)s?\s+on\b",
            re.I,
        ),
        "response_to",
        0.35,
    ),
)
# Time put between the answer and what it follows: history, not an answer.
_HISTORY = re.compile(
    r"\b(?:months?|years?|weeks?|decades?)\s+(?:after|since)\b|\bsince\s+the\b|"
    + "(?:"
    + "|".join(_ar(w) for w in ("بعد أشهر", "بعد سنوات", "بعد أسابيع", "منذ"))
    + ")",
    re.I,
)
_TAIL_END = re.compile(
    r"[,،;؛:()\n]|(?<!\b[A-Z])\.|\s(?:and|while|as|but)\s|\sو(?=[\u0621-\u064a])"
)
_TAIL_WORDS = 8


@dataclass(frozen=True)
class _Found:
    """A response cue in one sentence of a draft."""

    sentence: tuple[int, int]
    cue: Cue
    tail: str
    text: str


def _cues(sentence: str) -> list[tuple[Cue, re.Match[str]]]:
    found = []
    for cue in CUES:
        for m in cue.pattern.finditer(sentence):
            before = sentence[max(0, m.start() - 30) : m.start()]
            if _HISTORY.search(before + m.group(0)):
                continue
            found.append((cue, m))
    return found


def _tail(sentence: str, end: int) -> str:
    rest = sentence[end:]
    stop = _TAIL_END.search(rest)
    rest = rest[: stop.start()] if stop else rest
    words = re.sub(r"[\"«»“”]", " ", rest).split()
    return " ".join(words[:_TAIL_WORDS])


def _found_cues(evidence: str) -> list[_Found]:
    out = []
    for start, end, sentence in evidence_spans(evidence or ""):
        for cue, m in _cues(sentence):
            out.append(_Found((start, end), cue, _tail(sentence, m.end()), sentence))
    return out


Geocoder = Callable[..., Any]


def draft_links(
    drafts: pd.DataFrame,
    *,
    stored: pd.DataFrame | None = None,
    geocoder: Geocoder | None = None,
) -> pd.DataFrame:
    """Candidate links among the ``drafts`` of one report (from :func:`geo.extract.extract`) and
    from them to ``stored`` events (those of :func:`stored_window`), checked and scored.

    ``geocoder``: ``(mention, *, country) -> GeocodeResult`` (default :func:`geo.places.geocode.geocode`),
    for the place a cue names.
    """
    if drafts.empty:
        return L.empty_links()
    if geocoder is None:
        from geo.places.geocode import geocode as geocoder
    stored = stored if stored is not None else S.empty_frame()
    stored = stored[~stored[S.EVENT_ID].isin(drafts[S.EVENT_ID])]
    spans = {
        r[S.EVENT_ID]: {(a, b) for a, b, _ in evidence_spans(r[S.EVIDENCE] or "")}
        for _, r in drafts.iterrows()
    }
    first = {eid: min(s)[0] if s else 0 for eid, s in spans.items()}
    rows: list[dict[str, object]] = []
    for _, answer in drafts.iterrows():
        best: dict[str, dict[str, object]] = {}
        for found in _found_cues(answer[S.EVIDENCE]):
            place = _named_place(found.tail, answer, geocoder)
            for target, score in _targets(answer, found, place, drafts, stored, spans, first):
                if score < MIN_SCORE:
                    continue
                key = target
                if key not in best or best[key][L.SCORE] < score:  # type: ignore[operator]
                    best[key] = {
                        L.EVENT_ID: answer[S.EVENT_ID],
                        L.TARGET_ID: target,
                        L.RELATION: found.cue.relation,
                        L.SOURCE: "extracted",
                        L.STATUS: L.CANDIDATE,
                        L.SCORE: round(min(score, 0.95), 2),
                        L.EVIDENCE: found.text,
                    }
        rows.extend(best.values())
    if not rows:
        return L.empty_links()
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return _without_cycles(L.validate_links(frame, what="links drafted from the report"))


_EN_PLACE_AFTER = re.compile(r"\b(?:on|of|at|against|near|in|targeting)\s+", re.I)


def _named_place(tail: str, answer: pd.Series, geocoder: Geocoder) -> Any | None:
    """The place the words after a cue name ("the attack on the al-Omar base"), if any; not the
    answer's own place, which a long tail may reach."""
    if not tail:
        return None
    country = answer[S.COUNTRY] if isinstance(answer[S.COUNTRY], str) else None
    phrases = [tail] + [tail[m.end() :] for m in _EN_PLACE_AFTER.finditer(tail)]
    for phrase in phrases:
        try:
            result = geocoder(phrase, country=country)
        except Exception:  # the geocoder says why in its result; a failure here means no place
            continue
        if getattr(result, "matched", False):
            if result.place_id and result.place_id == answer.get(S.PLACE_ID):
                return None
            return result
    return None


def _targets(
    answer: pd.Series,
    found: _Found,
    place: Any | None,
    drafts: pd.DataFrame,
    stored: pd.DataFrame,
    spans: dict[str, set[tuple[int, int]]],
    first: dict[str, int],
) -> Iterable[tuple[str, float]]:
    """(event id, score) of what the cue says ``answer`` answers: drafts of the report first,
    stored events when no draft of the report fits."""
    aid = answer[S.EVENT_ID]
    own = [d for _, d in drafts.iterrows() if d[S.EVENT_ID] != aid and _before(d, answer)]
    hits = []
    if place is not None:
        for d in own:
            if _same_place(d, place):
                hits.append((d[S.EVENT_ID], found.cue.strength + 0.3 + _actors_fit(answer, d)))
        if hits:
            return hits
        stored_hits = _stored_targets(answer, found, place, stored) if not stored.empty else []
        if stored_hits:
            return stored_hits
    if own:
        # A generic phrase ("the attack", «مصادر النيران»): the report's lead event, told before
        # the answer. When both are first told in one sentence, the answer needs a cue in a
        # sentence of its own: the shared sentence alone does not say which of them answers.
        lead = min(own, key=lambda d: first[d[S.EVENT_ID]])
        lid = lead[S.EVENT_ID]
        own_cue = any(f.sentence not in spans[lid] for f in _found_cues(answer[S.EVIDENCE]))
        told_first = first[lid] < first[aid] or (first[lid] == first[aid] and own_cue)
        if told_first and _attackers_fit(found.tail, lead, answer):
            hits.append((lid, found.cue.strength + 0.15 + _actors_fit(answer, lead)))
    if hits or stored.empty:
        return hits
    return _stored_targets(answer, found, place, stored)


def _attackers_fit(tail: str, target: pd.Series, answer: pd.Series) -> bool:
    """False when the words after the cue name who attacked ("in response to the U.S. strikes")
    and the target's attacker is none of them."""
    from geo.extract import actors as actors_mod

    attackers = _names(target, S.ACTOR1, S.ASSOC_ACTOR_1)
    named = {
        m.name for m in actors_mod.default().resolve(tail, country=answer[S.COUNTRY] or "Syria")
    }
    if named and not named & attackers:
        return False
    # "the U.S. strikes", "Israeli raids": whose attack, by the adjective the dictionary lacks.
    said = {word for pattern, word in _ATTACKER_WORDS if pattern.search(tail)}
    text = " ".join(attackers).lower()
    return all(word in text for word in said)


_ATTACKER_WORDS = tuple(
    (re.compile(pattern), word)
    for pattern, word in (
        (
            r"\bU\.?S\.?(?=\s|$)|\bAmerican\b|" + _ar("الأمريكي") + "|" + _ar("الأميركي"),
            "united states",
        ),
        (r"\bIsraeli?\b|" + _ar("الإسرائيلي"), "israel"),
        (r"\bTurk(?:ish|ey)\b|" + _ar("التركي"), "turkey"),
        (r"\bRussian?\b|" + _ar("الروسي"), "russia"),
    )
)


def _before(target: pd.Series, answer: pd.Series) -> bool:
    return bool(target[S.EVENT_DATE] <= answer[S.EVENT_DATE])


def _same_place(event: pd.Series, place: Any) -> bool:
    if event.get(S.PLACE_ID) and event[S.PLACE_ID] == place.place_id:
        return True
    km = haversine_km(event[S.LONGITUDE], event[S.LATITUDE], place.longitude, place.latitude)
    return bool(km <= NAMED_PLACE_KM)


def _names(event: pd.Series, *columns: str) -> set[str]:
    out: set[str] = set()
    for column in columns:
        value = event.get(column)
        if isinstance(value, str):
            out.update(v.strip() for v in value.split(";") if v.strip())
    return out


def _actors_fit(answer: pd.Series, target: pd.Series) -> float:
    """0.1 when the sides cross: who answers was attacked, or who attacked is now struck."""
    answering = _names(answer, S.ACTOR1, S.ASSOC_ACTOR_1)
    struck = _names(answer, S.ACTOR2, S.ASSOC_ACTOR_2)
    attacked = _names(target, S.ACTOR2, S.ASSOC_ACTOR_2)
    attackers = _names(target, S.ACTOR1, S.ASSOC_ACTOR_1)
    return 0.1 if (answering & attacked) or (struck & attackers) else 0.0


def _stored_targets(
    answer: pd.Series, found: _Found, place: Any | None, stored: pd.DataFrame
) -> list[tuple[str, float]]:
    day = answer[S.EVENT_DATE]
    ends = stored[S.EVENT_DATE_END].fillna(stored[S.EVENT_DATE])
    in_window = (
        (stored[S.EVENT_DATE] <= day) & (ends >= day - timedelta(days=WINDOW_DAYS))
    ).to_numpy(dtype=bool, na_value=False)
    in_window = in_window & (stored[S.STATUS] != "rejected").to_numpy(dtype=bool)
    near = stored[in_window]
    if near.empty:
        return []
    lat = near[S.LATITUDE].to_numpy(dtype="float64")
    lon = near[S.LONGITUDE].to_numpy(dtype="float64")
    if place is not None:
        km = haversine_km(lon, lat, place.longitude, place.latitude)
        limit, bonus = NAMED_PLACE_KM, 0.3
    else:
        km = haversine_km(lon, lat, answer[S.LONGITUDE], answer[S.LATITUDE])
        limit, bonus = NEARBY_KM, 0.05
    out = []
    for (_, event), distance in zip(near.iterrows(), km, strict=True):
        if not distance <= limit:
            continue
        fit = _actors_fit(answer, event)
        if place is None and not fit:
            continue  # no place named and no side in common: nothing says it is this one
        same_day = 0.05 if event[S.EVENT_DATE] == day else 0.0
        out.append((event[S.EVENT_ID], found.cue.strength + bonus + fit + same_day))
    return out


def _without_cycles(links: pd.DataFrame) -> pd.DataFrame:
    """Drop the weaker of two drafted retaliations that point at each other."""
    keep = np.ones(len(links), dtype=bool)
    kept: list[tuple[str, str]] = []
    order = np.argsort(-links[L.SCORE].to_numpy(dtype="float64"), kind="stable")
    for i in order:
        link = links.iloc[i]
        pair = (link[L.EVENT_ID], link[L.TARGET_ID])
        if link[L.RELATION] == L.RETALIATION_FOR and L.retaliation_cycle(kept, [pair]):
            keep[i] = False
            continue
        if link[L.RELATION] == L.RETALIATION_FOR:
            kept.append(pair)
    return links[keep]


def stored_window(drafts: pd.DataFrame) -> Filters:
    """The filters that fetch the stored events a report's drafts may answer."""
    first = drafts[S.EVENT_DATE].min() - timedelta(days=WINDOW_DAYS)
    last = drafts[S.EVENT_DATE_END].fillna(drafts[S.EVENT_DATE]).max()
    return Filters(date_from=first.date(), date_to=last.date())
