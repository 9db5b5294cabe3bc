"""News text (Arabic or English) -> draft events an analyst reviews.

    drafts = extract(report_text, source="Syria TV",
                     published=datetime.fromisoformat("2022-10-23T06:52+03:00"))
    drafts[["sub_event_type", "location", "actor1", "actor2", "event_date", "confidence"]]

Precision first: an event is drafted only when one clause holds an event word (data/triggers.yaml),
the clause is neither negated ("denied that any strike took place") nor background (history,
habit, troop numbers, "no details were published"), and a place in that clause resolves in the
gazetteer. How each field is found:

- **type**: the most telling trigger of the clause (:func:`geo.extract.triggers.classify`); generic words
  (قصف, "struck") take their type from modifiers (طائرة, rockets) or from the attacker: strikes by
  foreign air forces are air strikes.
- **actors**: each actor in the clause gets a role from the words around it: "by X", VSO/SVO
  verbs (the doer), «مواقع لـ X», «تابعة لـ X», "X positions", "was hit" (the target). The doer is
  ``actor1``; with none named, ACLED's unidentified actor (Unidentified Military Forces for air
  strikes, Unidentified Armed Group (<country>) otherwise). Actors inside an origin phrase
  ("fired from areas held by X") situate the fire and are not taken as the doer.
- **place**: the place phrases of the clause are geocoded (:mod:`geo.places.geocode`) and the one
  nearest the event word that is not the origin (a whole region only when nothing finer is
  named) is the event's place; the report's countries (the ones it names, Syria if none) bound
  the lookup. "from X towards Y" puts the event at
  Y and ``origin_location`` at X; places in a phrase that refers back to another event («عقب
  الهجوم على ...», "after the attack on ...") are ignored.
- **date**: the clause's or sentence's own date expression (:mod:`geo.extract.dates`), else the latest
  date the report gave for its events, else the dateline's day.
- **source**: the outlets the sentence credits («وفقاً لـ"نورث برس"», "according to SOHR"; «بحسب
  الموقع» repeats the last one), then the publisher.
- **merging**: mentions of one event across sentences (same type, date, actors, and places within
  5 km) become one event whose evidence lists every sentence. A clause with no resolvable place
  («في المحافظة») only adds to an event of the same type and named attacker, and "the strike" told
  again only adds to the event told before it.
- **speakers**: an actor who only tells the story ("..., the SDF said") is not a party to it.
- **as reports are written**: a site or town the sentence names beats the province around it
  ("X in the Y province", «X بريف Y», «X جنوب Y»; a reading far outside its frame yields to the
  frame); places listed together («مدينتي الميادين والبوكمال», "Mayadin and Albukamal") are one
  event each; a province-wide lede folds into the event told at a place inside it; "X denied
  involvement" leaves the event and sets X aside, "X claimed the attack" makes X its doer;
  interceptions are disrupted weapons use and join the attack they stopped; history («وكان ...
  قد», an earlier month or week, "the third since ...") and photo captions make no event; "the
  attack" told again adds to the event before it, and gives it the place it lacked.
- **roles as reports tell them**: a titled spokesman's group ("a commander with the PMF told
  ...", «قال مصدر في قسد») only speaks; the enemy in a name ("the coalition against ISIS") is no
  target; the counted dead of a strike («قتل ما لا يقل عن 18 عنصرا من ... في غارات») are its
  target; "X claimed responsibility for a drone attack on Y" tells the attack with X its doer.
- **weapons told together**: "rocket and drone attacks on X and Y" types each place by the
  weapon a later sentence tells for it, a site named only by its noun ("the base was hit by
  rockets") included; with none told, the air strike (first in :data:`triggers.PRIORITY`) stands.
- **security operations**: dismantling a cell or an operation against one, words apart or not
  («فككت قوات ... خلية»), is Arrests; fought («clashes killed two»), an armed clash.

The steps live in private modules: :mod:`geo.extract._clauses` (sentences, clauses, cues),
:mod:`geo.extract._roles` (who did what to whom) and :mod:`geo.extract._places` (place phrases, geocoded).

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

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import schema as S
from geo.errors import InputError
from geo.extract import actors as actors_mod
from geo.extract import dates as dates_mod
from geo.extract import triggers as trig
from geo.extract._clauses import (
    Context,
    Sentence,
    clauses,
    cue_after,
    cue_before,
    found,
    inside,
    live_triggers,
    norm_pos,
    phrase_end,
    sentence_dates,
    split_sentences,
    words_between,
    zones,
)
from geo.extract._places import describe_origin, find_places, km
from geo.extract._roles import find_roles, pick_actors, unique
from geo.extract._spans import is_arabic

Geocoder = Callable[..., Any]  # (mention, *, country=None, misspellings=True) -> GeocodeResult

MERGE_KM = 5.0
STALE_DAYS = 14  # an event dated further back than this before the report is its background
_EVIDENCE_LINE = re.compile(r"^\[(\d+):(\d+)\] (.*)$")

_BACK_REFERENCE = {
    "ar": re.compile(
        r"(?<!\w)(?:بحسب|حسب|وفقا ل|وفق|نقلا عن|قال|قالت|ذكر|ذكرت|اضاف|اضافت)\s*(?:ال)?(?:الموقع|الشبكه|الوكاله|المرصد|المصدر|القناه|الصحيفه)(?!\w)"
    ),
    "en": re.compile(
        r"(?<!\w)(?:according to|said|told|reported by)\s+the\s+(?:outlet|site|network|agency|observatory|monitor)(?!\w)",
        re.IGNORECASE,
    ),
}

# "the attack is the third since March", «الهجوم الثالث من نوعه منذ»: counting earlier events
_COUNTED_SINCE = {
    "en": re.compile(
        r"(?<!\w)(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))(?:\s+[\w-]+){0,3}\s+since(?!\w)"
    ),
    "ar": re.compile(
        r"(?<!\w)(?:الثاني|الثانيه|الثالث|الثالثه|الرابع|الرابعه|الخامس|الخامسه)(?:\s+\S+){0,3}\s+منذ(?!\w)"
    ),
}

# "came a (mere) day after", «بعد يوم من»: what follows happened the day before
_NOT_LETTERS = re.compile(r"[\W_]+")
_DAY_AFTER = {
    "en": re.compile(r"(?<!\w)(?:a|one)\s+(?:\w+\s+)?day\s+after(?!\w)"),
    "ar": re.compile(r"(?<!\w)بعد\s+يوم\s+(?:واحد\s+)?(?:من|على)(?!\w)"),
}

# «وكان المرصد قد أفاد», "had reported": what was told before, not today's news
_PLUPERFECT = {
    "ar": re.compile(r"^\W*(?:و)?(?:كان|كانت)\s+(?:\S+\s+){0,8}?قد\s"),
    "en": re.compile(r"(?<!\w)had (?:reported|announced|said|claimed)(?!\w)"),
}

_AR_NUMBER_WORDS = {"اثنين": 2, "اثنان": 2, **dates_mod.AR_COUNT_WORDS}
_EN_NUMBER_WORDS = dates_mod.EN_COUNT_WORDS
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
    pending: bool = False  # "X was targeted": a place whose kind of attack a later sentence tells
    # "X and Y were targeted with rocket and drone attacks": the weapons told together; the
    # sentence that tells the weapon used at one place types that place's event
    kinds: frozenset[str] = frozenset()
    sites: frozenset[str] = frozenset()  # kinds of site a clause with no place names ("the base")


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
        A callable ``(mention, *, country, misspellings) -> GeocodeResult``, as
        :meth:`geo.places.geocode.Geocoder.geocode`; default: the process-wide geocoder.
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
    sentences = split_sentences(text)
    named = [country] if country else _report_countries(sentences, lexicon, lang)
    codes = [S.find_country(c) for c in named]
    if None in codes:
        raise InputError(f"unknown country {country!r}: give an English name or ISO code")
    ctx = Context(
        lang=lang,
        country=codes[0].name,  # type: ignore[union-attr]
        dateline=published,
        lexicon=lexicon,
        dictionary=actors_mod.default(),
        geocode=_memo_geocoder(geocoder, countries=[c.iso2 for c in codes]),  # type: ignore[union-attr]
    )
    from geo.places.geocode import same_report

    with same_report():
        drafts = _drafts(sentences, ctx)
        events = _credit_claims(_merge(drafts), _claims(sentences, ctx))
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


_THEATRE = ("Syria", "Iraq", "Jordan")


def _report_countries(sentences: list[Sentence], lexicon: trig.Lexicon, lang: str) -> list[str]:
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
    # the theatre's countries after those named: "the Islamic Resistance in Iraq claimed the
    # attack on the Conoco field" names Iraq, the field is in Syria
    return [*ranked[:3], *(c for c in _THEATRE if c not in ranked[:3])]


def _memo_geocoder(geocoder: Geocoder | None, *, countries: list[str]) -> Callable[[str], Any]:
    if geocoder is None:
        from geo.places.geocode import default_geocoder  # loads the gazetteer: only when needed

        geocoder = _shared_geocoder(default_geocoder)
    memo: dict[str, Any] = {}

    def lookup(mention: str) -> Any:
        if mention not in memo:
            for n, country in enumerate(countries):
                # close spellings in the report's own country only: in the others of the theatre
                # a name must be written as the gazetteer has it
                memo[mention] = geocoder(mention, country=country, misspellings=n == 0)
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
def _drafts(sentences: list[Sentence], ctx: Context) -> list[_Draft]:
    lang = ctx.lang
    drafts: list[_Draft] = []
    report_date: dates_mod.DateMatch | None = None
    last_outlets: list[str] = []
    month_start = ctx.dateline.date().replace(day=1)
    week_start = ctx.dateline.date() - dt.timedelta(days=ctx.dateline.weekday())
    body = _body_start(sentences, ctx)
    for s in sentences:
        norm = s.nt.norm
        outlets = list(dict.fromkeys(str(m.payload) for m in found(s, ctx, "@outlets")))
        if not outlets and _BACK_REFERENCE[lang].search(norm):
            outlets = list(last_outlets)
        if outlets:
            last_outlets = outlets
        found_dates = sentence_dates(s, ctx)
        history = [
            d for d in found_dates if d.rule == "year" and d.event_date.year < ctx.dateline.year
        ]
        event_dates = [d for d in found_dates if d.rule != "year"]
        # a month-only date in an earlier month ("in late October"): history, not today's news
        history += [
            d
            for d in found_dates
            if (d.time_precision >= 3 and (d.event_date_end or d.event_date) < month_start)
            or (d.time_precision == 2 and (d.event_date_end or d.event_date) < week_start)
        ]
        background = (
            bool(history)
            or bool(found(s, ctx, "background"))
            or bool(_COUNTED_SINCE[lang].search(norm))
            or bool(_PLUPERFECT[lang].search(norm))
        )
        if s.heading or s.question or background:
            continue
        sentence_date = event_dates[0] if event_dates else None
        for cs, ce in clauses(s, ctx):
            found_drafts = _clause_draft(
                s,
                cs,
                ce,
                ctx,
                sentence_date=sentence_date,
                report_date=report_date,
                outlets=outlets,
                previous=drafts[-1].sub_event_type if drafts else None,
                told={d.sub_event_type for d in drafts},
            )
            drafts += found_drafts
        if sentence_date is not None and s.index >= body:
            # a caption above the dateline does not date the story below it
            report_date = sentence_date
    return drafts


def _claims(sentences: list[Sentence], ctx: Context) -> list[tuple[int, actors_mod.Actor]]:
    """(sentence index, actor) of each claim of responsibility: "X claimed the attack",
    «تبنت X الهجوم», "X were to blame"; the actor nearest the claim word, outlets aside."""
    out = []
    for s in sentences:
        cues = found(s, ctx, "claimed")
        if not cues or s.question:
            continue
        outlets = [(m.start, m.end) for m in found(s, ctx, "@outlets")]
        actors = [m for m in found(s, ctx, "@actors") if not inside(m.start, outlets)]
        for cue in cues:
            near = [
                (words_between(s, m.end, cue.start) if m.end <= cue.start else
                 words_between(s, cue.end, m.start), m)
                for m in actors
            ]  # fmt: skip
            near = [(d, m) for d, m in near if d <= 4]
            if near:
                out.append((s.index, min(near, key=lambda x: x[0])[1].payload))
                break
    return out


def _credit_claims(
    events: list[_Draft], claims: list[tuple[int, actors_mod.Actor]]
) -> list[_Draft]:
    """An event told with no named doer takes the actor who claimed it: the event of the claim's
    own sentence, else the last one told before it."""
    for index, actor in claims:
        told = [e for e in events if index in e.sentences]
        if not told:
            before = [e for e in events if min(e.sentences) < index]
            told = [max(before, key=lambda e: min(e.sentences))] if before else []
        for k, e in enumerate(events):
            if e in told and _unidentified(e.actor1) and e.actor2 != actor:
                events[k] = replace(e, actor1=actor)
    return events


def _body_start(sentences: list[Sentence], ctx: Context) -> int:
    """Index of the first sentence after a dateline line ("January 16, 2022" on its own), 0 if
    the report has none: what comes before it is the headline block (title, captions)."""
    for s in sentences[:12]:
        if not s.heading:
            continue
        spans = [d.end - d.start for d in sentence_dates(s, ctx)]
        letters = len(re.sub(r"[\W_]", "", s.nt.norm))
        if spans and letters and sum(spans) >= 0.6 * len(s.nt.original):
            return s.index + 1
    return 0


def _clause_draft(
    s: Sentence,
    cs: int,
    ce: int,
    ctx: Context,
    *,
    sentence_date: dates_mod.DateMatch | None,
    report_date: dates_mod.DateMatch | None,
    outlets: list[str],
    previous: str | None = None,
    told: set[str] | None = None,
) -> list[_Draft]:
    told = told or set()
    lang, norm = ctx.lang, s.nt.norm
    live = live_triggers(s, cs, ce, ctx)
    if not live:
        return []
    # Negation, once "no casualties" and "X denied involvement" (the event stands) are set aside.
    denials = _role_denials(s, cs, ce, ctx)
    spared = [(m.start, m.end) for m in found(s, ctx, "no_casualties", cs, ce)] + denials
    if any(not inside(m.start, spared) for m in found(s, ctx, "negation", cs, ce)):
        return []
    refs, origin_zone, target_zone = zones(s, cs, ce, ctx)
    if refs and all(
        t.sub_event_type == trig.ATTACK or (t.sub_event_type == trig.IED and not t.strong)
        for t in live
    ):
        # «قتل عنصر إثر هجوم على حاجز في ذيبان», "killed after an attack on a checkpoint in X",
        # «انفجارات نتيجة قصف بطائرة»: the attack named after the killing or the blasts is their
        # cause, the same event, and places and types it
        first = min(a for a, _ in refs)
        if all(t.start < first for t in live):
            refs = []
            live = found(s, ctx, "@triggers", cs, ce)
    # whoever denies a role is not a party; "a native of X" does not place the event at X
    denied = [_denier_zone(s, a, b, ctx) for a, b in denials]
    natives = [(m.end, phrase_end(norm, m.end, ce)) for m in found(s, ctx, "person_origin", cs, ce)]
    excluded = refs + ([origin_zone] if origin_zone else []) + denied
    live = [t for t in live if not inside(t.start, refs)]
    if not live:
        return []

    roles = find_roles(s, cs, ce, ctx, live=live, excluded=excluded, target_zone=target_zone)
    attackers = [r for r in roles if r.role == "attacker"]
    air = any(not inside(m.start, refs) for m in found(s, ctx, "air", cs, ce))
    ground = any(not inside(m.start, refs) for m in found(s, ctx, "ground", cs, ce))
    sub, decided_by = trig.classify(
        live, air=air, ground=ground, attacker_air=bool(attackers and attackers[0].actor.air)
    )
    merge_only = False
    if sub is None and previous is not None and decided_by is None and live:
        # "the strike hit ..." after a strike was told: the same event, told again
        sub, decided_by, merge_only = previous, live[0], True
    elif (
        sub == trig.ATTACK
        and previous is not None
        and (
            _definite(s, decided_by, lang)
            or (any(not t.strong and t.sub_event_type is None for t in live) and not attackers)
        )
        and not _another_event(s, cs, ctx)
    ):
        # "its headquarters had been struck and four fighters killed" after strikes were told
        # "the attack targeted ...", «الهجوم استهدف»: the event told before, not a new one. With
        # a doer of its own ("unknown assailants targeted X with RPGs") a clause tells a new one.
        sub, merge_only = previous, True
    elif sub is not None and sub in told and lang == "en" and _definite(s, decided_by, lang):
        # "X said the drone attack on Erbil airport was ...": a drone attack told before
        merge_only = True
    pending = False
    if sub is None and previous is None and live and decided_by is None:
        # "Ain al-Asad base was targeted by militants" and only later "by two drones": the
        # place waits for the sentence that says how
        sub, decided_by, pending = trig.ATTACK, live[0], True
    if sub is None or decided_by is None:
        return []
    typed_by = (
        "strong"
        if decided_by.strong
        else ("modifier" if (air or ground or attackers) else "default")
    )

    actor1, assoc1, actor2, assoc2 = pick_actors(roles, sub, ctx, trigger_pos=decided_by.start)
    if sub == trig.ATTACK and not pending:
        # ACLED: an attack on civilians is violence against civilians; on armed men, a battle.
        # An attack on a military post or checkpoint is a battle even when its holder is unnamed.
        if actor2 is None and not found(s, ctx, "military_target", cs, ce):
            return []
        if actor2 is None or actor2.type != "Civilians":
            sub = trig.CLASH
    place, origin_place, listed = find_places(
        s,
        cs,
        ce,
        ctx,
        excluded=refs + natives,
        origin_zone=origin_zone,
        target_zone=target_zone,
        trigger_pos=decided_by.start,
    )
    subject = [r for r in roles if r.role in ("attacker", "unknown")]
    verbs = [t.start for t in live if subject and t.start >= subject[0].end]
    if origin_zone is None and subject and verbs and place is not None:
        # «مدفعية التحالف في قاعدة حقل العمر قصفت مواقع في بادية الميادين», "US forces at the
        # Conoco base shelled X": where the doer stands is the origin when the fire lands elsewhere
        stand = (subject[0].end, min(verbs))
        landed, at_base, more = find_places(
            s, cs, ce, ctx, excluded=refs + natives, origin_zone=stand, target_zone=None,
            trigger_pos=decided_by.start,
        )  # fmt: skip
        if at_base is not None and landed is not None:
            place, origin_place, listed, origin_zone = landed, at_base, more, stand
    if (
        sub == trig.AIR
        and actor1.id == "unidentified_military_forces"
        and (
            (actor2 is not None and actor2.air)
            or (place is not None and getattr(place, "kind", None) == "base")
        )
    ):
        # a drone sent at a foreign base, by no one named: in this theatre an armed group's
        # drone, not an air force's
        actor1 = ctx.dictionary["unidentified_armed_group"]
    origin_text = None
    if origin_zone is not None:
        origin_text = describe_origin(s, origin_zone, ctx, origin_place)

    clause_dates = [
        d for d in sentence_dates(s, ctx) if d.rule != "year" and cs <= norm_pos(s, d.start) < ce
    ]
    if len(clause_dates) > 1:
        # "the group on Tuesday claimed an attack ... late on Sunday", "said on Monday": the day
        # of a claim or a statement is not the day of the event the clause also dates
        said = found(s, ctx, "claimed", cs, ce) + found(s, ctx, "attribution", cs, ce)
        clause_dates = [d for d in clause_dates if not _day_of_saying(s, d, said)] or clause_dates
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
    if date_from == "stated" and (ctx.dateline.date() - day).days > STALE_DAYS:
        # "a rocket attack on February 15 in Erbil" in a report of late March: history the
        # report recalls, not its news
        return []
    before = _DAY_AFTER[lang].search(norm, cs, ce)
    if before and before.end() <= decided_by.start:
        # "the attack came a day after drones were shot down near X": X was the day before
        day, day_end, date_from = day - dt.timedelta(days=1), None, "stated"

    draft = _Draft(
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
        pending=pending,
        kinds=_mixed_weapons(live),
        sites=_site_nouns(s, cs, ce, ctx) if place is None else frozenset(),
    )
    # "strikes on Mayadin and Albukamal": one event at each place the clause lists; a list of
    # provinces («في محافظتي دير الزور وحمص») sums up events the report tells one by one
    if _REGION_LIST.search(norm, cs, ce):
        listed = []
    return [draft, *(replace(draft, place=other) for other in listed)]


def _another_event(s: Sentence, cs: int, ctx: Context) -> bool:
    """The clause opens on "Separately", «وفي سياق آخر»: what it tells is not the event before."""
    return any(
        m.start >= cs and not _NOT_LETTERS.sub("", s.nt.norm[cs : m.start])
        for m in found(s, ctx, "another_event")
    )


def _day_of_saying(s: Sentence, date: dates_mod.DateMatch, said: list) -> bool:
    start, end = norm_pos(s, date.start), norm_pos(s, date.end)
    return (
        cue_after(said, end, s, max_words=1) is not None
        or cue_before(said, start, s, max_words=1) is not None
    )


# --- roles --------------------------------------------------------------------------------------


# --- places -------------------------------------------------------------------------------------


# Words that make a denial one of a role ("denied any involvement", «نفت ... مسؤوليتها»).
_ROLE_WORDS = re.compile(
    r"(?<!\w)(?:involvement|responsibility|role|behind|carrying out|مسووليت\w*|مسووليه|علاقت\w*|"
    r"علاقه|تورط\w*|دور|وقوف\w*)(?!\w)"
)


_WEAPONS = frozenset([trig.AIR, trig.SHELLING])


def _mixed_weapons(live: list[trig.Trigger]) -> frozenset[str]:
    """The strike kinds of a clause that tells both ("rocket and drone attacks"), else none."""
    kinds = frozenset(t.sub_event_type for t in live if t.strong) & _WEAPONS
    return kinds if len(kinds) > 1 else frozenset()


_SITE_KINDS = ("base", "oil_field", "gas_plant", "airport")


def _site_nouns(s: Sentence, cs: int, ce: int, ctx: Context) -> frozenset[str]:
    words = {t.text for t in s.toks if cs <= t.start < ce}
    return frozenset(
        k for k in _SITE_KINDS if words & ctx.lexicon.words(f"site_{k}", lang=ctx.lang)
    )


def _same_kind(e: _Draft, d: _Draft) -> bool:
    """Same sub-event type, or one of the weapons a mixed clause told for the other."""
    return (
        e.sub_event_type == d.sub_event_type
        or d.sub_event_type in e.kinds
        or e.sub_event_type in d.kinds
    )


def _role_denials(s: Sentence, cs: int, ce: int, ctx: Context) -> list[tuple[int, int]]:
    """Spans of "X denied involvement", «نفت X مسؤوليتها»: a denial of a role, not of the event."""
    spans = [(m.start, m.end) for m in found(s, ctx, "denied_role", cs, ce)]
    for m in found(s, ctx, "negation", cs, ce):
        role = _ROLE_WORDS.search(s.nt.norm, m.end, ce)
        if role and words_between(s, m.end, role.start()) <= 4:
            spans.append((m.start, role.end()))
    return spans


def _denier_zone(s: Sentence, start: int, end: int, ctx: Context) -> tuple[int, int]:
    """The denial and the actor right before it (SVO) or inside it (VSO)."""
    before = [
        m
        for m in found(s, ctx, "@actors")
        if m.end <= start and words_between(s, m.end, start) <= 3
    ]
    return (before[-1].start if before else start, end)


_REGION_LIST = re.compile(r"(?<!\w)(?:محافظتي|المحافظات|provinces|governorates|regions)(?!\w)")

_DEFINITE_EN = frozenset(["the", "this", "that", "these", "those"])


def _definite(s: Sentence, t: trig.Trigger | None, lang: str) -> bool:
    """Is the event word definite: "the attack", «الهجوم» (an event already told)?"""
    if t is None:
        return False
    before = [tok.text for tok in s.toks if tok.end <= t.start]
    if lang == "en":
        return bool(before) and before[-1] in _DEFINITE_EN
    word = next((tok.text for tok in s.toks if tok.start == t.start), "")
    return word.startswith(("ال", "وال")) and not word.startswith("الى")


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
def _unidentified(actor: actors_mod.Actor | None) -> bool:
    return actor is None or actor.id.startswith("unidentified")


_RAID = {trig.ARRESTS, trig.ATTACK, trig.CLASH}
_WEAPON_AND_DEFENCE = {trig.AIR, trig.SHELLING, trig.DISRUPTED}


def _told_twice(e: _Draft, d: _Draft) -> bool:
    """One event told twice as two kinds: a raid by its arrests and by its dead (the same named
    actor), or an attack by its weapon and by its interception."""
    kinds = {e.sub_event_type, d.sub_event_type}
    if len(kinds) == 2 and trig.DISRUPTED in kinds and kinds <= _WEAPON_AND_DEFENCE:
        # "a drone attacked the base" and "the drone was shot down": one attack, told twice
        return True
    return (
        trig.ARRESTS in kinds
        and len(kinds) == 2
        and kinds <= _RAID
        and not _unidentified(e.actor1)
        and e.actor1 == d.actor1
    )


def _same_event(e: _Draft, d: _Draft) -> bool:
    # explosions heard where an attack is told are that attack («سماع دوي انفجارات بمحيط الحقل»)
    heard = any(x.sub_event_type == trig.IED and x.typed_by == "default" for x in (e, d))
    raid = _told_twice(e, d) or (
        heard and S.EVENT_TYPE_OF[e.sub_event_type] == S.EVENT_TYPE_OF[d.sub_event_type]
    )
    if not _same_kind(e, d) and not raid:
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
    if e.actor2 is not None and d.actor2 is not None and e.actor2 != d.actor2 and not raid:
        return False
    if e.place is None or d.place is None:
        # a clause with no place only joins an event of the same kind and named doer, or names
        # the doer of one told with none ("US bombers struck ..." after "the town was struck")
        if (
            d.place is None
            and d.sub_event_type in e.kinds
            and not d.kinds
            and e.place is not None
            and e.place.kind in d.sites
        ):
            # "the base was hit by rockets" after "rocket and drone attacks on the base and the
            # field": the weapon used at the site of that kind
            return True
        if e.actor1 == d.actor1:
            return not _unidentified(e.actor1)
        # a named doer joins an event told with none only when it hits no one else and is not
        # the event's own target (a reply: "the coalition responded by shelling ...")
        return (
            _same_kind(e, d)
            and _unidentified(e.actor1)
            and not _unidentified(d.actor1)
            and d.actor2 is None
            and e.actor2 != d.actor1
            and not (
                e.actor2 is not None and d.actor1 is not None and e.actor2.air and d.actor1.air
            )
        )
    return (
        e.place.place_id == d.place.place_id
        or km(e.place, d.place) <= MERGE_KM
        or _frames(e.place, d.place)
        or _frames(d.place, e.place)
    )


def _frames(region: Any, place: Any) -> bool:
    """A whole governorate told in a summary ("drones hit two bases in Deir ez-Zor and Homs")
    and a finer place inside it are one event: the summary adds to the event told in detail."""
    if not (region.admin1 and region.admin1 == place.admin1):
        return False
    if (region.geo_precision or 3) >= 3:
        return (place.geo_precision or 3) < 3
    # «في الريف الشرقي لمدينة دير الزور», "the countryside of Raqqa city": an area around a town,
    # not the town, that frames a village told in detail
    return (
        region.geo_precision == 2
        and place.geo_precision == 1
        and bool(_COUNTRYSIDE.search(region.mention or ""))
        and km(region, place) <= COUNTRYSIDE_KM
    )


_COUNTRYSIDE = re.compile(r"(?<!\w)(?:ال|بال|وال)?ريف|countryside|rural", re.IGNORECASE)
COUNTRYSIDE_KM = 80.0


def _absorb(e: _Draft, d: _Draft) -> _Draft:
    better_place = d.place is not None and (
        e.place is None or (d.place.geo_precision or 3) < (e.place.geo_precision or 3)
    )
    strong = d.typed_by == "strong" and e.typed_by != "strong"
    kinds = e.kinds
    if e.kinds and d.sub_event_type in e.kinds and not d.kinds:
        # "the air base was hit by 14 rockets" after "rocket and drone attacks on the base and
        # the field": the weapon told for this place
        strong, kinds = True, frozenset()
    if _told_twice(e, d):
        # the killing types the raid; an attack told first keeps its type when a defence is told
        strong = e.sub_event_type == trig.ARRESTS
    return replace(
        e,
        sub_event_type=d.sub_event_type if strong else e.sub_event_type,
        typed_by="strong" if strong or e.typed_by == "strong" else e.typed_by,
        evidence=sorted(set(e.evidence) | set(d.evidence)),
        actor1=e.actor1 if not _unidentified(e.actor1) or _unidentified(d.actor1) else d.actor1,
        assoc1=unique(e.assoc1 + d.assoc1),
        actor2=e.actor2 or d.actor2,
        assoc2=unique(e.assoc2 + d.assoc2),
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
        outlets=unique(e.outlets + d.outlets),
        fatalities=max(e.fatalities, d.fatalities),
        sentences=e.sentences | d.sentences,
        kinds=kinds,
    )


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    events: list[_Draft] = []
    waiting = [x for x in drafts if x.pending and x.place is not None]
    drafts = [x for x in drafts if not x.pending]
    for d in (x for x in drafts if x.place is not None and not x.merge_only):
        for k, e in enumerate(events):
            if _same_event(e, d):
                events[k] = _absorb(e, d)
                break
        else:
            events.append(d)
    # events told again with a place first (they may be the first place of an event), then
    # the clauses with no place, which only add to events
    told_again = [x for x in drafts if x.place is not None and x.merge_only]
    for d in told_again + [x for x in drafts if x.place is None]:
        for k, e in enumerate(events):
            if _same_event(e, d):
                events[k] = _absorb(e, d)
                break
        else:
            earlier = [
                x
                for x in drafts
                if x.sub_event_type == d.sub_event_type and min(x.sentences) < min(d.sentences)
            ]
            if (
                d.place is not None
                and any(x.place is None or (x.place.geo_precision or 3) >= 3 for x in earlier)
                and not any(
                    e.sub_event_type == d.sub_event_type
                    and min(e.sentences) < min(d.sentences)
                    and (e.place.geo_precision or 3) < 3
                    for e in events
                )
            ):
                # "the strikes hit its headquarters in X" after strikes told with no place, or
                # only a province: the first place the report gives the event
                events.append(d)
            elif d.place is None and waiting and min(waiting[0].sentences) < min(d.sentences):
                # the kind of attack of a place told as "targeted" before
                w = waiting.pop(0)
                typed = replace(
                    w, sub_event_type=d.sub_event_type, typed_by=d.typed_by, pending=False
                )
                events.append(_absorb(typed, d))
    for w in waiting:
        # "unknown assailants targeted the SDF's headquarters in X" and nothing later says how:
        # typed by whom it hit, as ACLED types an attack (armed men: a battle; civilians: an
        # attack). Unless the place is an event's already, told with its weapon.
        told = any(
            e.place is not None and (km(e.place, w.place) <= MERGE_KM or _frames(e.place, w.place))
            for e in events
        )
        if w.actor2 is not None and not told:
            sub = trig.ATTACK if w.actor2.type == "Civilians" else trig.CLASH
            events.append(replace(w, sub_event_type=sub, typed_by="default", pending=False))
    return _fold_summaries(events)


def _fold_summaries(events: list[_Draft]) -> list[_Draft]:
    """A governorate-wide event of the same kind and day as one told at a place inside it is the
    summary of that one (a lede or headline), whoever it names: its evidence joins the detail."""
    events = list(events)
    dropped: set[int] = set()
    for k, e in enumerate(events):
        finer = next(
            (
                j
                for j, d in enumerate(events)
                if j != k
                and j not in dropped
                and d.sub_event_type == e.sub_event_type
                and d.event_date == e.event_date
                and _frames(e.place, d.place)
            ),
            None,
        )
        if finer is None:
            continue
        d = events[finer]
        events[finer] = replace(
            d,
            evidence=sorted(set(d.evidence) | set(e.evidence)),
            sentences=d.sentences | e.sentences,
            outlets=unique(d.outlets + e.outlets),
        )
        dropped.add(k)
    return [e for k, e in enumerate(events) if k not in dropped]


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
    events: list[_Draft], *, text: str, source: str, url: str | None, ctx: Context
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
                S.SOURCE: "; ".join(unique([*e.outlets, source])),
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
