"""News text (Arabic or English) -> draft events an analyst reviews.

    drafts = extract(report_text, source="Syria TV",
                     published=datetime.fromisoformat("2022-10-23T06:52+03:00"))
    drafts[["sub_event_type", "location", "actor1", "actor2", "event_date", "confidence"]]

Precision first: an event is drafted only when one clause holds an event word (data/triggers.yaml),
the clause is neither negated ("denied that any strike took place") nor background (history,
habit, troop numbers, "no details were published"), and a place in that clause resolves in the
gazetteer. How each field is found:

- **type**: the most telling trigger of the clause (:func:`geo.triggers.classify`); generic words
  (قصف, "struck") take their type from modifiers (طائرة, rockets) or from the attacker: strikes by
  foreign air forces are air strikes.
- **actors**: each actor in the clause gets a role from the words around it: "by X", VSO/SVO
  verbs (the doer), «مواقع لـ X», «تابعة لـ X», "X positions", "was hit" (the target). The doer is
  ``actor1``; with none named, ACLED's unidentified actor (Unidentified Military Forces for air
  strikes, Unidentified Armed Group (<country>) otherwise). Actors inside an origin phrase
  ("fired from areas held by X") situate the fire and are not taken as the doer.
- **place**: the place phrases of the clause are geocoded (:mod:`geo.geocode`) and the most
  precise one that is not the origin is the event's place. "from X towards Y" puts the event at
  Y and ``origin_location`` at X; places in a phrase that refers back to another event («عقب
  الهجوم على ...», "after the attack on ...") are ignored.
- **date**: the clause's or sentence's own date expression (:mod:`geo.dates`), else the latest
  date the report gave for its events, else the dateline's day.
- **source**: the outlets the sentence credits («وفقاً لـ"نورث برس"», "according to SOHR"; «بحسب
  الموقع» repeats the last one), then the publisher.
- **merging**: mentions of one event across sentences (same type, date, actors, and places within
  5 km) become one event whose evidence lists every sentence. A clause with no resolvable place
  («في المحافظة») only adds to an event of the same type and named attacker.

``evidence`` keeps the original sentences with their character offsets in the input text, one per
line, as ``[start:end] sentence`` (see :func:`evidence_spans`): readable in any export and parsed
back exactly.

``confidence`` adds up what was found, not a model's probability: 0.35 for a drafted event, +0.2
when a specific event word typed it (+0.1 when a modifier or the attacker did, +0.05 for a bare
default), +0.15/+0.1/+0.05 for a place at geo_precision 1/2/3 scaled by the geocoder's score, +0.1
for a date stated in the sentence (+0.05 when carried over from earlier in the report), +0.1 for a
named doer, +0.05 for a credited outlet, +0.05 per further sentence that tells the same event (two
at most); capped at 0.95.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import actors as actors_mod
from geo import dates as dates_mod
from geo import schema as S
from geo import triggers as trig
from geo._spans import NormText, PhraseMatch, Token, clitic_forms, is_arabic, normalise, tokens
from geo.errors import InputError

Geocoder = Callable[..., Any]  # (mention, *, country=None, near=None) -> GeocodeResult

MERGE_KM = 5.0
_EVIDENCE_LINE = re.compile(r"^\[(\d+):(\d+)\] (.*)$")

# Sentence ends: ., !, ?, ؟, … followed by space/quote/end, unless a lower-case word follows
# (the full stop of "U.S. forces").
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)]*(?=\s+(?![a-z])|\s*$)")
_LINE_END_PUNCT = re.compile(r"[.!?؟…:؛]\s*[\"'»”)]*\s*$")
_QUESTION = re.compile(r"[?؟]\s*[\"'»”)]*\s*$")
_PUNCT_GAP = re.compile(r"[,،;؛:()\[\]!?؟.]")
# Clause boundaries: "while", "whereas", «في حين», «بينما», «فيما», and a semicolon.
_CLAUSE_BREAK = {
    "ar": re.compile(r"[،,]?\s*(?<!\w)(?:في حين|بينما|فيما|في الوقت الذي|وفي الاثناء)(?!\w)|[;؛]"),
    "en": re.compile(r"[,;]?\s*(?<!\w)(?:while|whereas|meanwhile)(?!\w)|;", re.IGNORECASE),
}
# A softer boundary, used only when both sides report an event: «، و...», ", and".
_CONJ_BREAK = {
    "ar": re.compile(r"[،,]\s*(?=و\w)|[،,]\s*(?=كما(?!\w))"),
    "en": re.compile(
        r",?\s+and\s+(?=(?:an?|the|two|three|several|\w+-?\w*\s+(?:forces|jets|drones))\b)|,\s+and\s+",
        re.IGNORECASE,
    ),
}
_BACK_REFERENCE = {
    "ar": re.compile(
        r"(?<!\w)(?:بحسب|حسب|وفقا ل|وفق|نقلا عن|قال|قالت|ذكر|ذكرت|اضاف|اضافت)\s*(?:ال)?(?:الموقع|الشبكه|الوكاله|المرصد|المصدر|القناه|الصحيفه)(?!\w)"
    ),
    "en": re.compile(
        r"(?<!\w)(?:according to|said|told|reported by)\s+the\s+(?:outlet|site|network|agency|observatory|monitor)(?!\w)",
        re.IGNORECASE,
    ),
}
_AREA_WORDS = re.compile(
    r"(?<!\w)(?:سيطره|نفوذ|مناطق|held|controlled|control)(?!\w)", re.IGNORECASE
)

_AR_NUMBER_WORDS = {
    "اثنين": 2,
    "اثنان": 2,
    "ثلاثه": 3,
    "اربعه": 4,
    "خمسه": 5,
    "سته": 6,
    "سبعه": 7,
    "ثمانيه": 8,
    "تسعه": 9,
    "عشره": 10,
}
_EN_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_FATALITIES = {
    "ar": [
        re.compile(
            r"(?:مقتل|قتل|وفاه|مصرع)\s+(?P<n>\d+|" + "|".join(_AR_NUMBER_WORDS) + r")(?!\w)"
        ),
        re.compile(r"(?P<n>\d+)\s+(?:قتلي|قتيلا|قتيل)"),
        re.compile(r"(?:مقتل|مصرع)\s+(?:عنصر|مدني|شخص|مقاتل|طفل|جندي|امراه|شاب)(?!\w)"),
    ],
    "en": [
        re.compile(
            r"(?:killing|killed|kills)\s+(?:at\s+least\s+)?(?P<n>\d+|"
            + "|".join(_EN_NUMBER_WORDS)
            + r")(?!\w)",
            re.IGNORECASE,
        ),
        re.compile(
            r"(?P<n>\d+|"
            + "|".join(_EN_NUMBER_WORDS)
            + r")\s+(?:\w+\s+){0,2}(?:were|was)\s+killed",
            re.IGNORECASE,
        ),
        re.compile(r"(?:killing|killed)\s+(?:a|an|one)\s+\w+", re.IGNORECASE),
    ],
}


# --- internal records -------------------------------------------------------------------------
@dataclass(slots=True)
class _Sentence:
    index: int
    start: int  # offsets in the input text
    end: int
    nt: NormText
    toks: list[Token]
    heading: bool
    question: bool
    found: dict[str, list] = field(default_factory=dict)  # lexicon matches, computed once


@dataclass(slots=True)
class _Role:
    actor: actors_mod.Actor
    start: int  # offsets in the sentence's normalised text
    end: int
    role: str  # attacker, target, unknown


@dataclass(slots=True)
class _Draft:
    sub_event_type: str
    typed_by: str  # strong, modifier, default
    evidence: list[tuple[int, int]]  # offsets of sentences in the input text
    actor1: actors_mod.Actor | None
    assoc1: list[actors_mod.Actor]
    actor2: actors_mod.Actor | None
    assoc2: list[actors_mod.Actor]
    place: Any | None  # GeocodeResult
    origin_text: str | None
    origin_place: Any | None
    event_date: dt.date
    event_date_end: dt.date | None
    time_precision: int
    date_from: str  # stated, report, dateline
    outlets: list[str]
    fatalities: int
    sentences: set[int] = field(default_factory=set)
    merge_only: bool = False  # "the strike" told again: may add to an event, never makes one


@dataclass(frozen=True, slots=True)
class _Context:
    lang: str
    country: str
    dateline: dt.datetime
    lexicon: trig.Lexicon
    dictionary: actors_mod.ActorDictionary
    geocode: Callable[[str], Any]


def _found(s: _Sentence, ctx: _Context, what: str, cs: int = 0, ce: int | None = None) -> list:
    """Matches of one lexicon list in a sentence, computed once, optionally within a clause.

    ``what`` is a cue list of data/triggers.yaml, or "@triggers", "@actors", "@outlets".
    """
    if what not in s.found:
        norm, toks, lang = s.nt.norm, s.toks, ctx.lang
        if what == "@triggers":
            s.found[what] = ctx.lexicon.triggers(norm, toks, lang=lang)
        elif what == "@actors":
            s.found[what] = ctx.dictionary.matches(norm, toks, lang=lang)
        elif what == "@outlets":
            s.found[what] = ctx.lexicon.named("outlets", norm, toks, lang=lang)
        else:
            s.found[what] = ctx.lexicon.find(what, norm, toks, lang=lang)
    items = s.found[what]
    if ce is None:
        return items
    return [m for m in items if cs <= m.start < ce]


# --- public API ---------------------------------------------------------------------------------
def extract(
    text: str,
    *,
    source: str,
    published: dt.datetime,
    lang: str = "auto",
    url: str | None = None,
    geocoder: Geocoder | None = None,
    country: str | None = None,
) -> gpd.GeoDataFrame:
    """Draft events (status "draft", origin "extracted") from one news report.

    Parameters
    ----------
    text
        The report, Arabic or English, as pasted (headings and captions are recognised and not
        read as sentences).
    source
        The publisher, e.g. "Syria TV"; it ends every event's ``source``.
    published
        The dateline; relative dates ("last night", «أمس») count from its day. Give it in the
        report's own time zone (``2022-10-23T06:52+03:00``).
    lang
        "ar", "en" or "auto".
    url
        Link to the report (http or https), stored in ``source_url``.
    geocoder
        A callable ``(mention, *, country, near) -> GeocodeResult``; default :func:`geo.geocode.geocode`.
    country
        The report's country (English name or ISO code); default: the country the text names
        most, Syria when it names none.

    Returns
    -------
    geopandas.GeoDataFrame
        Validated rows in the schema of :mod:`geo.schema`, one per event; empty when the text
        reports none.
    """
    if not isinstance(text, str):
        raise InputError(f"expected the report as text, got {type(text).__name__}")
    if not isinstance(published, dt.datetime):
        raise InputError("published must be a datetime (the report's dateline)")
    if lang == "auto":
        lang = "ar" if is_arabic(text) else "en"
    if lang not in ("ar", "en"):
        raise InputError(f"lang {lang!r}: use ar, en or auto")
    lexicon = trig.default()
    sentences = _sentences(text)
    named = [country] if country else _report_countries(sentences, lexicon, lang)
    codes = [S.find_country(c) for c in named]
    if None in codes:
        raise InputError(f"unknown country {country!r}: give an English name or ISO code")
    ctx = _Context(
        lang=lang,
        country=codes[0].name,  # type: ignore[union-attr]
        dateline=published,
        lexicon=lexicon,
        dictionary=actors_mod.default(),
        geocode=_memo_geocoder(geocoder, countries=[c.iso2 for c in codes]),  # type: ignore[union-attr]
    )
    drafts = _drafts(sentences, ctx)
    events = _merge(drafts)
    return _frame(events, text=text, source=source, url=url, ctx=ctx)


def evidence_spans(evidence: str) -> list[tuple[int, int, str]]:
    """The ``(start, end, sentence)`` entries of an ``evidence`` value written by :func:`extract`."""
    spans = []
    for line in (evidence or "").splitlines():
        m = _EVIDENCE_LINE.match(line)
        if m:
            spans.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    return spans


# --- sentences ----------------------------------------------------------------------------------
def _sentences(text: str) -> list[_Sentence]:
    out: list[_Sentence] = []
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = pos + len(body) - len(body.lstrip())
            # A line without closing punctuation is a heading, caption or byline, not a sentence.
            heading = not _LINE_END_PUNCT.search(stripped) and len(stripped.split()) < 25
            start = 0
            for m in [*_SENTENCE_END.finditer(stripped), None]:
                end = m.end() if m else len(stripped)
                chunk = stripped[start:end]
                if chunk.strip():
                    offset = lead + start + len(chunk) - len(chunk.lstrip())
                    piece = chunk.strip()
                    nt = normalise(piece)
                    out.append(
                        _Sentence(
                            index=len(out),
                            start=offset,
                            end=offset + len(piece),
                            nt=nt,
                            toks=tokens(nt.norm),
                            heading=heading,
                            question=bool(_QUESTION.search(piece)),
                        )
                    )
                start = end
                if m is None:
                    break
        pos += len(line)
    return out


def _report_countries(sentences: list[_Sentence], lexicon: trig.Lexicon, lang: str) -> list[str]:
    """Countries the text names, most named first (ties: the lexicon's order); Syria if none.

    A report may name several ("BEIRUT (Reuters) - ... in Syria"): places are looked up in the
    first, then in the others, at most three.
    """
    order = lexicon.country_names()
    counts: dict[str, int] = {}
    for s in sentences:
        for m in lexicon.named("countries", s.nt.norm, s.toks, lang=lang):
            counts[str(m.payload)] = counts.get(str(m.payload), 0) + 1
    ranked = sorted(
        counts, key=lambda c: (-counts[c], order.index(c) if c in order else len(order))
    )
    return ranked[:3] or ["Syria"]


def _memo_geocoder(geocoder: Geocoder | None, *, countries: list[str]) -> Callable[[str], Any]:
    if geocoder is None:
        from geo.geocode import default_geocoder  # loads the gazetteer: only when needed

        geocoder = _shared_geocoder(default_geocoder)
    memo: dict[str, Any] = {}

    def lookup(mention: str) -> Any:
        if mention not in memo:
            for country in countries:
                memo[mention] = geocoder(mention, country=country)
                if memo[mention].matched:
                    break
        return memo[mention]

    return lookup


_SHARED: dict[str, Any] = {}


def _shared_geocoder(factory: Callable[[], Any]) -> Geocoder:
    # The gazetteer takes a moment to load: one geocoder serves every call in this process.
    if "geocoder" not in _SHARED:
        _SHARED["geocoder"] = factory()
    return _SHARED["geocoder"].geocode


# --- per sentence -------------------------------------------------------------------------------
def _drafts(sentences: list[_Sentence], ctx: _Context) -> list[_Draft]:
    lang = ctx.lang
    drafts: list[_Draft] = []
    report_date: dates_mod.DateMatch | None = None
    last_outlets: list[str] = []
    for s in sentences:
        norm = s.nt.norm
        outlets = list(dict.fromkeys(str(m.payload) for m in _found(s, ctx, "@outlets")))
        if not outlets and _BACK_REFERENCE[lang].search(norm):
            outlets = list(last_outlets)
        if outlets:
            last_outlets = outlets
        found_dates = _sentence_dates(s, ctx)
        history = [
            d for d in found_dates if d.rule == "year" and d.event_date.year < ctx.dateline.year
        ]
        event_dates = [d for d in found_dates if d.rule != "year"]
        background = bool(history) or bool(_found(s, ctx, "background"))
        if s.heading or s.question or background:
            continue
        sentence_date = event_dates[0] if event_dates else None
        for cs, ce in _clauses(s, ctx):
            draft = _clause_draft(
                s,
                cs,
                ce,
                ctx,
                sentence_date=sentence_date,
                report_date=report_date,
                outlets=outlets,
                previous=drafts[-1].sub_event_type if drafts else None,
            )
            if draft is not None:
                drafts.append(draft)
        if sentence_date is not None:
            report_date = sentence_date
    return drafts


def _sentence_dates(s: _Sentence, ctx: _Context) -> list[dates_mod.DateMatch]:
    if "@dates" not in s.found:
        s.found["@dates"] = dates_mod.find(s.nt, dateline=ctx.dateline, lang=ctx.lang)
    return s.found["@dates"]


def _clauses(s: _Sentence, ctx: _Context) -> list[tuple[int, int]]:
    """Clause spans of a sentence (normalised offsets): hard breaks always, soft ones between events."""
    norm = s.nt.norm
    cuts = [0]
    for m in _CLAUSE_BREAK[ctx.lang].finditer(norm):
        if m.start() > cuts[-1]:
            cuts.append(m.start())
    cuts.append(len(norm))
    spans = list(itertools.pairwise(cuts))
    out: list[tuple[int, int]] = []
    for cs, ce in spans:
        start = cs
        for m in _CONJ_BREAK[ctx.lang].finditer(norm, cs, ce):
            if m.start() <= start:
                continue
            if _live_triggers(s, start, m.start(), ctx) and _live_triggers(s, m.end(), ce, ctx):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, ce))
    return out


def _live_triggers(s: _Sentence, cs: int, ce: int, ctx: _Context) -> list[trig.Trigger]:
    """Triggers of the clause that report an event here (not a reference back to another one)."""
    refs = _found(s, ctx, "reference_before", cs, ce)
    return [
        t for t in _found(s, ctx, "@triggers", cs, ce) if not _is_reference(refs, t, s, ctx.lang)
    ]


def _is_reference(refs: list[PhraseMatch], t: trig.Trigger, s: _Sentence, lang: str) -> bool:
    """«عقب الهجوم», «على مصدر القصف», "after the attack": the trigger names another event.

    «ردت على مصادر النيران بقصف ...» is not one: a trigger with the instrumental ب is the
    action itself.
    """
    if lang == "ar":
        word = next((tok.text for tok in s.toks if tok.start == t.start), "")
        if word.startswith(("ب", "وب")) and not word.startswith(("بعد", "وبعد")):
            return False
        return _cue_right_before(refs, t.start, s, max_words=0) is not None
    return _cue_right_before(refs, t.start, s, max_words=1) is not None


def _cue_right_before(
    cues: list[PhraseMatch], pos: int, s: _Sentence, *, max_words: int
) -> PhraseMatch | None:
    for m in cues:
        if (
            m.end <= pos
            and not _PUNCT_GAP.search(s.nt.norm, m.end, pos)
            and _words_between(s, m.end, pos) <= max_words
        ):
            return m
    return None


def _cue_right_after(
    cues: list[PhraseMatch], pos: int, s: _Sentence, *, max_words: int
) -> PhraseMatch | None:
    for m in cues:
        if (
            m.start >= pos
            and not _PUNCT_GAP.search(s.nt.norm, pos, m.start)
            and _words_between(s, pos, m.start) <= max_words
        ):
            return m
    return None


def _words_between(s: _Sentence, start: int, end: int) -> int:
    """How many whole tokens lie in ``[start, end)`` of the normalised sentence."""
    if "@starts" not in s.found:
        s.found["@starts"] = [t.start for t in s.toks]
    starts = s.found["@starts"]
    first = bisect.bisect_left(starts, start)
    last = bisect.bisect_left(starts, end)
    return sum(1 for t in s.toks[first:last] if t.end <= end)


def _zones(
    s: _Sentence, cs: int, ce: int, ctx: _Context
) -> tuple[list[tuple[int, int]], tuple[int, int] | None, tuple[int, int] | None]:
    """Reference zones («عقب الهجوم على ...»), the origin zone and the "towards" zone of a clause."""
    lang, norm = ctx.lang, s.nt.norm
    toks = [t for t in s.toks if cs <= t.start < ce]
    triggers = _found(s, ctx, "@triggers", cs, ce)
    cues = _found(s, ctx, "reference_before", cs, ce)
    refs = [
        (t.start, _phrase_end(norm, t.end, ce)) for t in triggers if _is_reference(cues, t, s, lang)
    ]
    refs = [(min(m.start for m in cues if m.end <= a), b) for a, b in refs]
    origin = None
    towards = _found(s, ctx, "towards", cs, ce)
    verbs = _found(s, ctx, "active_verbs", cs, ce)
    for m in _found(s, ctx, "origin_before", cs, ce):
        end = _phrase_end(norm, m.end, ce)
        # the origin phrase ends where the sentence goes on: "towards", a verb, an event word
        stop = [x.start for x in [*towards, *verbs, *triggers] if m.end < x.start < end]
        origin = (m.end, min([end, *stop]))
        break
    target_zone = None
    if origin is None:
        for w in towards:
            froms = [f for f in _found(s, ctx, "origin_from", cs, ce) if f.end <= w.start]
            if froms and sum(1 for t in toks if froms[-1].end <= t.start < w.start) <= 6:
                origin = (froms[-1].end, w.start)
                target_zone = (w.end, _phrase_end(norm, w.end, ce))
                break
    return refs, origin, target_zone


def _phrase_end(norm: str, pos: int, limit: int) -> int:
    m = _PUNCT_GAP.search(norm, pos, limit)
    return m.start() if m else limit


def _inside(pos: int, zones: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in zones)


def _clause_draft(
    s: _Sentence,
    cs: int,
    ce: int,
    ctx: _Context,
    *,
    sentence_date: dates_mod.DateMatch | None,
    report_date: dates_mod.DateMatch | None,
    outlets: list[str],
    previous: str | None = None,
) -> _Draft | None:
    lang, norm = ctx.lang, s.nt.norm
    live = _live_triggers(s, cs, ce, ctx)
    if not live:
        return None
    # Negation, once "no casualties" and the like are set aside.
    spared = [(m.start, m.end) for m in _found(s, ctx, "no_casualties", cs, ce)]
    if any(not _inside(m.start, spared) for m in _found(s, ctx, "negation", cs, ce)):
        return None
    refs, origin_zone, target_zone = _zones(s, cs, ce, ctx)
    excluded = refs + ([origin_zone] if origin_zone else [])
    live = [t for t in live if not _inside(t.start, refs)]
    if not live:
        return None

    roles = _roles(s, cs, ce, ctx, live=live, excluded=excluded, target_zone=target_zone)
    attackers = [r for r in roles if r.role == "attacker"]
    air = any(not _inside(m.start, refs) for m in _found(s, ctx, "air", cs, ce))
    ground = any(not _inside(m.start, refs) for m in _found(s, ctx, "ground", cs, ce))
    sub, decided_by = trig.classify(
        live, air=air, ground=ground, attacker_air=bool(attackers and attackers[0].actor.air)
    )
    merge_only = False
    if sub is None and previous is not None and decided_by is None and live:
        # "the strike hit ..." after a strike was told: the same event, told again
        sub, decided_by, merge_only = previous, live[0], True
    if sub is None or decided_by is None:
        return None
    typed_by = (
        "strong"
        if decided_by.strong
        else ("modifier" if (air or ground or attackers) else "default")
    )

    actor1, assoc1, actor2, assoc2 = _pick_actors(roles, sub, ctx, trigger_pos=decided_by.start)
    if sub == trig.ATTACK:
        # ACLED: an attack on civilians is violence against civilians; on armed men, a battle.
        if actor2 is None:
            return None
        if actor2.type != "Civilians":
            sub = trig.CLASH
    place, origin_place = _places(
        s,
        cs,
        ce,
        ctx,
        excluded=refs,
        origin_zone=origin_zone,
        target_zone=target_zone,
        trigger_pos=decided_by.start,
    )
    origin_text = None
    if origin_zone is not None:
        origin_text = _origin_text(s, origin_zone, ctx, origin_place)

    clause_dates = [
        d for d in _sentence_dates(s, ctx) if d.rule != "year" and cs <= _norm_pos(s, d.start) < ce
    ]
    if clause_dates:
        date, date_from = clause_dates[0], "stated"
    elif sentence_date is not None:
        date, date_from = sentence_date, "stated"
    elif report_date is not None:
        date, date_from = report_date, "report"
    else:
        date, date_from = None, "dateline"
    if date is None:
        day, day_end, precision = ctx.dateline.date(), None, 1
    else:
        day, day_end, precision = date.event_date, date.event_date_end, date.time_precision

    return _Draft(
        sub_event_type=sub,
        typed_by=typed_by,
        evidence=[(s.start, s.end)],
        actor1=actor1,
        assoc1=assoc1,
        actor2=actor2,
        assoc2=assoc2,
        place=place,
        origin_text=origin_text,
        origin_place=origin_place,
        event_date=day,
        event_date_end=day_end,
        time_precision=precision,
        date_from=date_from,
        outlets=outlets,
        fatalities=_fatalities(norm[cs:ce], lang),
        sentences={s.index},
        merge_only=merge_only,
    )


def _norm_pos(s: _Sentence, original_pos: int) -> int:
    """Normalised offset of an offset in the sentence's original text."""
    return bisect.bisect_left(s.nt.index, original_pos, 0, len(s.nt.norm))


# --- roles --------------------------------------------------------------------------------------
def _roles(
    s: _Sentence,
    cs: int,
    ce: int,
    ctx: _Context,
    *,
    live: list[trig.Trigger],
    excluded: list[tuple[int, int]],
    target_zone: tuple[int, int] | None,
) -> list[_Role]:
    lang = ctx.lang
    cue = {
        name: _found(s, ctx, name, cs, ce)
        for name in (
            "attribution",
            "attacker_before",
            "target_before",
            "target_after",
            "active_verbs",
            "passive_after",
            "between",
        )
    }
    trigger_ends = {t.end for t in live}
    roles: list[_Role] = []
    outlets = [(m.start, m.end) for m in _found(s, ctx, "@outlets")]
    for m in _found(s, ctx, "@actors", cs, ce):
        if _inside(m.start, outlets):
            continue  # «وفقاً لسنتكوم»: an outlet credited, not an actor of the event
        if _inside(m.start, excluded):
            continue
        actor: actors_mod.Actor = m.payload  # type: ignore[assignment]
        roles.append(
            _Role(actor, m.start, m.end, _role_of(s, m, cue, trigger_ends, lang, target_zone))
        )
    between = cue["between"]
    if between and len(roles) >= 2 and all(r.start > between[0].end for r in roles[:2]):
        roles[0].role, roles[1].role = "attacker", "target"
    return roles


def _role_of(
    s: _Sentence,
    m: PhraseMatch,
    cue: dict[str, list[PhraseMatch]],
    trigger_ends: set[int],
    lang: str,
    target_zone: tuple[int, int] | None,
) -> str:
    if target_zone and target_zone[0] <= m.start < target_zone[1]:
        return "target"
    if _cue_right_before(cue["attacker_before"], m.start, s, max_words=0):
        return "attacker"
    if _cue_right_after(cue["attribution"], m.end, s, max_words=0) or _cue_right_before(
        cue["attribution"], m.start, s, max_words=0
    ):
        return "speaker"  # "..., the SDF said", «وقالت قسد»: who tells it, not who took part
    prev = [t for t in s.toks if t.end <= m.start]
    if lang == "ar" and "ل" in m.prefix:
        # «قصف مدفعي لقوات النظام»: the agent of a verbal noun; «مواقع للميليشيات»: the owner.
        return "attacker" if prev and prev[-1].end in trigger_ends else "target"
    verb_before = _cue_right_before(cue["active_verbs"], m.start, s, max_words=0)
    target_cue = _cue_right_before(cue["target_before"], m.start, s, max_words=1)
    if target_cue is not None and not (
        lang == "ar" and _cue_right_before(cue["active_verbs"], target_cue.start, s, max_words=0)
    ):
        return "target"
    if _cue_right_after(cue["target_after"], m.end, s, max_words=0) or _cue_right_after(
        cue["passive_after"], m.end, s, max_words=1
    ):
        return "target"
    if lang == "ar":
        if verb_before or _cue_right_after(cue["active_verbs"], m.end, s, max_words=0):
            return "attacker"
        return "unknown"
    if _cue_right_after(cue["active_verbs"], m.end, s, max_words=3):
        return "attacker"
    if _cue_right_before(cue["active_verbs"], m.start, s, max_words=1):
        return "target"
    return "unknown"


def _pick_actors(roles: list[_Role], sub: str, ctx: _Context, *, trigger_pos: int):
    attackers = _unique(r.actor for r in roles if r.role == "attacker")
    targets = _unique(r.actor for r in roles if r.role == "target")
    unknown = [r for r in roles if r.role == "unknown"]
    for r in unknown:
        if r.actor in attackers or r.actor in targets:
            continue
        if not attackers and r.start < trigger_pos:
            attackers.append(r.actor)
        elif not targets:
            targets.append(r.actor)
    if sub == "Peaceful protest" or sub == "Violent demonstration":
        crowd = "protesters" if sub == "Peaceful protest" else "rioters"
        others = [a for a in attackers + targets if a.id != crowd]
        return ctx.dictionary[crowd], [], (others[0] if others else None), others[1:]
    targets = [t for t in targets if t not in attackers]
    if not attackers:
        unidentified = (
            "unidentified_military_forces" if sub == trig.AIR else "unidentified_armed_group"
        )
        attackers = [ctx.dictionary[unidentified]]
    return attackers[0], attackers[1:], (targets[0] if targets else None), targets[1:]


def _unique(items) -> list:
    out: list = []
    for x in items:
        if x not in out:
            out.append(x)
    return out


# --- places -------------------------------------------------------------------------------------
def _places(
    s: _Sentence,
    cs: int,
    ce: int,
    ctx: _Context,
    *,
    excluded: list[tuple[int, int]],
    origin_zone: tuple[int, int] | None,
    target_zone: tuple[int, int] | None,
    trigger_pos: int,
) -> tuple[Any | None, Any | None]:
    """The event's place and the origin's place (GeocodeResults), from the clause's place phrases."""
    # phrases never run into an actor, an event word or an outlet's name
    blocked = [
        (m.start, m.end)
        for what in ("@actors", "@triggers", "@outlets")
        for m in _found(s, ctx, what, cs, ce)
    ]
    blocked += [(_norm_pos(s, d.start), _norm_pos(s, d.end)) for d in _sentence_dates(s, ctx)]
    best, best_key, origin = None, None, None
    for start, end in _place_phrases(s, cs, ce, ctx, blocked=blocked):
        if _inside(start, excluded):
            continue
        result = _geocode_phrase(s, start, end, ctx)
        if result is None:
            continue
        if origin_zone and origin_zone[0] <= start < origin_zone[1]:
            origin = origin or result
            continue
        in_target = bool(target_zone and target_zone[0] <= start < target_zone[1])
        # the place nearest the event word wins; a whole region only when nothing finer is named
        key = (not in_target, (result.geo_precision or 3) >= 3, abs(start - trigger_pos))
        if best_key is None or key < best_key:
            best, best_key = result, key
    return best, origin


def _place_phrases(
    s: _Sentence, cs: int, ce: int, ctx: _Context, *, blocked: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Candidate place phrases (normalised offsets): a preposition or place word, then a name."""
    from geo.text import generic_category

    toks = [t for t in s.toks if cs <= t.start < ce]
    norm = s.nt.norm
    words = {
        name: ctx.lexicon.words(name, lang=ctx.lang)
        for name in ("start_after", "stop", "name_particles", "feature")
    }
    phrases: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if _inside(tok.start, blocked):
            i += 1
            continue
        if ctx.lang == "ar":
            # «بالميادين», «بريف ...»: a name or place word under the preposition ب
            starts = generic_category(tok.text) is not None or any(
                "ب" in p and (f.startswith("ال") or generic_category(f) is not None)
                for f, p in clitic_forms(tok.text)
            )
            after_prep = (
                i > 0
                and toks[i - 1].text in words["start_after"]
                and not _PUNCT_GAP.search(norm, toks[i - 1].end, tok.start)
            )
            if not (starts or after_prep) or tok.text in words["stop"] or tok.text.isdigit():
                i += 1
                continue
            j = i + 1
            while j < len(toks) and j - i < 10:
                gap_punct = _PUNCT_GAP.search(norm, toks[j - 1].end, toks[j].start)
                word = toks[j].text
                vicinity_of = word == "من" and generic_category(toks[j - 1].text) == "vicinity"
                if (
                    gap_punct
                    or _inside(toks[j].start, blocked)
                    or (word in words["stop"] and not vicinity_of)
                    or word.isdigit()
                ):
                    break
                j += 1
        else:
            original = s.nt.text(tok.start, tok.end)
            prev = toks[i - 1].text if i > 0 else ""
            starts = prev in words["start_after"] and (
                original[:1].isupper() or tok.text in words["name_particles"] or tok.text == "the"
            )
            if not starts:
                i += 1
                continue
            j = i + 1
            while j < len(toks) and j - i < 10:
                if _PUNCT_GAP.search(norm, toks[j - 1].end, toks[j].start) or _inside(
                    toks[j].start, blocked
                ):
                    break
                word = toks[j].text
                word_original = s.nt.text(toks[j].start, toks[j].end)
                follows_name = (
                    word == "of"
                    and j + 1 < len(toks)
                    and s.nt.text(toks[j + 1].start, toks[j + 1].end)[:1].isupper()
                )
                if not (
                    word_original[:1].isupper()
                    or word in words["name_particles"]
                    or word in words["feature"]
                    or follows_name
                ):
                    break
                j += 1
        phrases.append((tok.start, toks[j - 1].end))
        i = j
    return phrases


def _geocode_phrase(s: _Sentence, start: int, end: int, ctx: _Context) -> Any | None:
    """The longest reading of a phrase that the gazetteer knows.

    Words are dropped from the right («حقل العمر النفطي الذي» -> «حقل العمر النفطي»); a reading
    may also start at a later place word («... غربي نهر الفرات» -> «غربي نهر الفرات») but never
    at a bare name inside the phrase, which would read «الفرات» out of «نهر الفرات». Readings
    made only of generic words («المدينة», "the area") are never looked up.
    """
    from geo.text import generic_category

    stop = ctx.lexicon.words("stop", lang=ctx.lang)
    toks = [t for t in s.toks if start <= t.start and t.end <= end]
    generic = [generic_category(t.text) is not None for t in toks]
    name_like = [
        not (g or t.text in stop or t.text == "the") for g, t in zip(generic, toks, strict=True)
    ]
    for left in (k for k in range(len(toks)) if k == 0 or generic[k]):
        for right in range(len(toks), left, -1):
            if not any(name_like[left:right]):
                continue
            a, b = s.nt.span(toks[left].start, toks[right - 1].end)
            result = ctx.geocode(s.nt.original[a:b])
            if result.matched:
                return result
    return None


def _origin_text(
    s: _Sentence, zone: tuple[int, int], ctx: _Context, place: Any | None
) -> str | None:
    if place is not None:
        return place.name_en
    inside = [m for m in _found(s, ctx, "@actors", zone[0], zone[1])]
    if inside and _AREA_WORDS.search(s.nt.norm, zone[0], zone[1]):
        names = [
            a.name_for(country=ctx.country, on=ctx.dateline.date())
            for a in _unique(m.payload for m in inside)
        ]
        return "areas held by " + " and ".join(names)
    a, b = s.nt.span(zone[0], zone[1])
    phrase = s.nt.original[a:b].strip(" ،,")
    return phrase or None


def _fatalities(norm_clause: str, lang: str) -> int:
    words = _AR_NUMBER_WORDS if lang == "ar" else _EN_NUMBER_WORDS
    for pattern in _FATALITIES[lang]:
        m = pattern.search(norm_clause)
        if m:
            n = m.groupdict().get("n")
            if n is None:
                return 1
            return int(n) if n.isdigit() else words.get(n.lower(), 1)
    return 0


# --- merging ------------------------------------------------------------------------------------
def _km(a: Any, b: Any) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


def _unidentified(actor: actors_mod.Actor | None) -> bool:
    return actor is None or actor.id.startswith("unidentified")


def _same_event(e: _Draft, d: _Draft) -> bool:
    if e.sub_event_type != d.sub_event_type:
        if S.EVENT_TYPE_OF[e.sub_event_type] != S.EVENT_TYPE_OF[d.sub_event_type]:
            return False
        if "strong" == e.typed_by == d.typed_by:
            return False
    e_end, d_end = e.event_date_end or e.event_date, d.event_date_end or d.event_date
    if (
        d.date_from == "stated"
        and e.date_from == "stated"
        and (d.event_date > e_end or e.event_date > d_end)
    ):
        return False
    if not (_unidentified(e.actor1) or _unidentified(d.actor1) or e.actor1 == d.actor1):
        return False
    if e.actor2 is not None and d.actor2 is not None and e.actor2 != d.actor2:
        return False
    if e.place is None or d.place is None:
        # a clause with no place only joins an event of the same named doer
        return not _unidentified(e.actor1) and e.actor1 == d.actor1
    return e.place.place_id == d.place.place_id or _km(e.place, d.place) <= MERGE_KM


def _absorb(e: _Draft, d: _Draft) -> _Draft:
    better_place = d.place is not None and (
        e.place is None or (d.place.geo_precision or 3) < (e.place.geo_precision or 3)
    )
    strong = d.typed_by == "strong" and e.typed_by != "strong"
    return replace(
        e,
        sub_event_type=d.sub_event_type if strong else e.sub_event_type,
        typed_by="strong" if strong or e.typed_by == "strong" else e.typed_by,
        evidence=sorted(set(e.evidence) | set(d.evidence)),
        actor1=e.actor1 if not _unidentified(e.actor1) else d.actor1,
        assoc1=_unique(e.assoc1 + d.assoc1),
        actor2=e.actor2 or d.actor2,
        assoc2=_unique(e.assoc2 + d.assoc2),
        place=d.place if better_place else e.place,
        origin_text=e.origin_text or d.origin_text,
        origin_place=e.origin_place or d.origin_place,
        event_date=d.event_date
        if (d.date_from == "stated" and e.date_from != "stated")
        else e.event_date,
        event_date_end=d.event_date_end
        if (d.date_from == "stated" and e.date_from != "stated")
        else e.event_date_end,
        time_precision=d.time_precision
        if (d.date_from == "stated" and e.date_from != "stated")
        else e.time_precision,
        date_from="stated" if "stated" in (d.date_from, e.date_from) else e.date_from,
        outlets=_unique(e.outlets + d.outlets),
        fatalities=max(e.fatalities, d.fatalities),
        sentences=e.sentences | d.sentences,
    )


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    events: list[_Draft] = []
    for d in (x for x in drafts if x.place is not None and not x.merge_only):
        for k, e in enumerate(events):
            if _same_event(e, d):
                events[k] = _absorb(e, d)
                break
        else:
            events.append(d)
    for d in (x for x in drafts if x.place is None or x.merge_only):
        for k, e in enumerate(events):
            if _same_event(e, d):
                events[k] = _absorb(e, d)
                break
    return events


# --- output -------------------------------------------------------------------------------------
def _confidence(e: _Draft) -> float:
    score = 0.35
    score += {"strong": 0.2, "modifier": 0.1}.get(e.typed_by, 0.05)
    precision_bonus = {1: 0.15, 2: 0.1, 3: 0.05}.get(e.place.geo_precision or 3, 0.05)
    score += precision_bonus * float(e.place.score or 0.0)
    score += {"stated": 0.1, "report": 0.05}.get(e.date_from, 0.0)
    score += 0.0 if _unidentified(e.actor1) else 0.1
    score += 0.05 if e.outlets else 0.0
    score += 0.05 * min(2, len(e.sentences) - 1)
    return round(min(score, 0.95), 2)


_NOTE_VERB = {
    "Air/drone strike": "air or drone strike",
    "Shelling/artillery/missile attack": "shelling, artillery or rocket attack",
    "Remote explosive/landmine/IED": "explosion (remote explosive, landmine or IED)",
}


def _notes(e: _Draft, *, country: str, location: str) -> str:
    on = e.event_date
    what = _NOTE_VERB.get(e.sub_event_type, e.sub_event_type.lower())
    name1 = e.actor1.name_for(country=country, on=on) if e.actor1 else "an unidentified actor"
    when = on.strftime("%d %B %Y").lstrip("0")
    if e.event_date_end and e.event_date_end != on:
        when = f"the night of {when} to {e.event_date_end.strftime('%d %B %Y').lstrip('0')}"
    else:
        when = f"on {when}"
    near = "near " if (e.place.geo_precision or 1) >= 2 else "in "
    parts = [f"{what[0].upper()}{what[1:]} by {name1}"]
    if e.actor2 is not None:
        parts.append(f"against {e.actor2.name_for(country=country, on=on)}")
    parts.append(f"{near}{location}")
    sentence = " ".join(parts) + f", {when}."
    if e.origin_text:
        sentence += f" Fire reportedly came from {e.origin_text}."
    credited = ", ".join(e.outlets) if e.outlets else "the publisher"
    sentence += f" Reported by {credited}."
    sentence += (
        f" Fatalities reported: {e.fatalities}." if e.fatalities else " No fatalities reported."
    )
    return sentence + " Extracted automatically; to be reviewed."


def _frame(
    events: list[_Draft], *, text: str, source: str, url: str | None, ctx: _Context
) -> gpd.GeoDataFrame:
    rows = []
    for e in events:
        place = e.place
        on = e.event_date
        location = place.name_en or place.mention
        # "Unidentified Armed Group (Iraq)" for an event the gazetteer puts in Iraq
        country = place.country or ctx.country
        actor1 = e.actor1.name_for(country=country, on=on) if e.actor1 else None
        actor2 = e.actor2.name_for(country=country, on=on) if e.actor2 else None
        rows.append(
            {
                S.STATUS: "draft",
                S.ORIGIN: "extracted",
                S.EVENT_DATE: on.isoformat(),
                S.EVENT_DATE_END: e.event_date_end.isoformat() if e.event_date_end else None,
                S.TIME_PRECISION: e.time_precision,
                S.EVENT_TYPE: S.EVENT_TYPE_OF[e.sub_event_type],
                S.SUB_EVENT_TYPE: e.sub_event_type,
                S.FATALITIES: e.fatalities,
                S.CIVILIAN_TARGETING: "Civilian targeting"
                if e.actor2 is not None and e.actor2.type == "Civilians"
                else None,
                S.ACTOR1: actor1,
                S.ASSOC_ACTOR_1: "; ".join(a.name_for(country=country, on=on) for a in e.assoc1)
                or None,
                S.INTER1: e.actor1.type if e.actor1 else None,
                S.ACTOR2: actor2,
                S.ASSOC_ACTOR_2: (
                    "; ".join(a.name_for(country=country, on=on) for a in e.assoc2) or None
                )
                if actor2
                else None,
                S.INTER2: e.actor2.type if e.actor2 else None,
                S.COUNTRY: country,
                S.ISO: place.iso,
                S.ADMIN1: place.admin1,
                S.ADMIN2: place.admin2,
                S.LOCATION: location,
                S.LATITUDE: place.latitude,
                S.LONGITUDE: place.longitude,
                S.GEO_PRECISION: place.geo_precision,
                S.PLACE_ID: place.place_id,
                S.COORD_SOURCE: "gazetteer: " + place.reason
                if getattr(place, "reason", None)
                else None,
                S.ORIGIN_LOCATION: e.origin_text,
                S.ORIGIN_LATITUDE: e.origin_place.latitude if e.origin_place else None,
                S.ORIGIN_LONGITUDE: e.origin_place.longitude if e.origin_place else None,
                S.SOURCE: "; ".join(_unique([*e.outlets, source])),
                S.SOURCE_URL: url,
                S.NOTES: _notes(e, country=country, location=location),
                S.EVIDENCE: "\n".join(f"[{a}:{b}] {text[a:b]}" for a, b in e.evidence),
                S.CONFIDENCE: _confidence(e),
            }
        )
    if not rows:
        return S.empty_frame()
    frame = pd.DataFrame(rows)
    frame.index = frame.index + 1
    return S.validate(frame, what=f"events extracted from {source}")
