"""Reading a report for extraction: sentences, clauses, and the lexicon cues found in them.

Private to :mod:`geo.extract`. Offsets inside a :class:`Sentence` are those of its normalised text
(:class:`geo.extract._spans.NormText`); ``Sentence.start``/``end`` place the sentence in the report.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from geo.extract import actors as actors_mod
from geo.extract import dates as dates_mod
from geo.extract import triggers as trig
from geo.extract._spans import NormText, PhraseMatch, Token, normalise, tokens, word_forms

# Sentence ends: ., !, ?, ؟, … followed by space/quote/end, unless a lower-case word follows
# (the full stop of "U.S. forces").
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”)]*(?=\s+(?![a-z])|\s*$)")
_LINE_END_PUNCT = re.compile(r"[.!?؟…:؛]\s*[\"'»”)]*\s*$")
_QUESTION = re.compile(r"[?؟]\s*[\"'»”)]*\s*$")
# A photo caption ends with its credit: "(Reuters)", "(Photo: X/AFP)", «(رويترز)».
_CAPTION = re.compile(
    r"\((?:Reuters|AFP|AP|Getty Images|Photo:?[^)]*|[^()]{0,60}/(?:AFP|Reuters|AP|Getty Images)|"
    r"رويترز|فرانس برس|أ ف ب)\)\s*$"
)
PUNCT_GAP = re.compile(r"[,،;؛:()\[\]!?؟.]")  # punctuation that ends a phrase
# Clause boundaries: "while", "whereas", «في حين», «بينما», «فيما», and a semicolon.
_CLAUSE_BREAK = {
    "ar": re.compile(
        r"[،,]?\s*(?<!\w)(?:في حين|بينما|فيما|في الوقت الذي|وفي الاثناء|بالتزامن مع|تزامنا مع)(?!\w)|[;؛]"
    ),
    "en": re.compile(
        r"[,;]?\s*(?<!\w)(?:while|whereas|meanwhile|simultaneously with|at the same time as)(?!\w)|;",
        re.IGNORECASE,
    ),
}
# A softer boundary, used only when both sides report an event: «، و...», ", and".
_CONJ_BREAK = {
    # «وسبق القذائف ...، هجوم نفذه مسلحون على ...»: after a comma, an event noun opens the next
    "ar": re.compile(
        r"[،,]\s*(?=و\w)|[،,]\s*(?=كما(?!\w))"
        r"|[،,]\s*(?=(?:هجوم|هجوما|هجمات|غاره|غارات|اشتباكات|انفجار|تفجير)(?!\w))"
    ),
    "en": re.compile(
        r",?\s+and\s+(?=(?:an?|the|two|three|several|\w+-?\w*\s+(?:forces|jets|drones))\b)|,\s+and\s+",
        re.IGNORECASE,
    ),
}


@dataclass(slots=True)
class Sentence:
    """One sentence of the report, normalised, with the lexicon matches found in it so far."""

    index: int
    start: int  # offsets in the input text
    end: int
    nt: NormText
    toks: list[Token]
    heading: bool
    question: bool
    found: dict[str, list] = field(default_factory=dict)  # lexicon matches, computed once


@dataclass(frozen=True, slots=True)
class Context:
    """What one extraction reads with: language, report country and dateline, dictionaries."""

    lang: str
    country: str
    dateline: dt.datetime
    lexicon: trig.Lexicon
    dictionary: actors_mod.ActorDictionary
    geocode: Callable[[str], Any]


def found(s: Sentence, ctx: Context, what: str, cs: int = 0, ce: int | None = None) -> list:
    """Matches of one lexicon list in a sentence, computed once, optionally within a clause.

    ``what`` is a cue list of data/triggers.yaml, or "@triggers", "@actors", "@outlets".
    """
    if what not in s.found:
        norm, toks, lang = s.nt.norm, s.toks, ctx.lang
        if "@forms" not in s.found:
            s.found["@forms"] = word_forms(toks)
        forms = s.found["@forms"]
        if what == "@triggers":
            found_triggers = ctx.lexicon.triggers(norm, toks, lang=lang, forms=forms)
            if lang == "en":
                # "the Counter Rocket, Artillery, and Mortar system", "Strike Force": words of a
                # name (capitalised inside the sentence) are not event words; an acronym
                # ("RPGs", "IED") is written in capitals wherever it stands
                found_triggers = [
                    t
                    for t in found_triggers
                    if t.start == 0
                    or not s.nt.text(t.start, t.end)[:1].isupper()
                    or s.nt.text(t.start, t.end)[:2].isupper()
                ]
            s.found[what] = found_triggers
        elif what == "@actors":
            s.found[what] = ctx.dictionary.matches(norm, toks, lang=lang, forms=forms)
        elif what == "@outlets":
            s.found[what] = ctx.lexicon.named("outlets", norm, toks, lang=lang, forms=forms)
        else:
            s.found[what] = ctx.lexicon.find(what, norm, toks, lang=lang, forms=forms)
    items = s.found[what]
    if ce is None:
        return items
    return [m for m in items if cs <= m.start < ce]


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of the report, lines without closing punctuation marked as headings."""
    out: list[Sentence] = []
    pos = 0
    # A text of one line is the report itself, even without a full stop (a pasted paragraph).
    one_line = sum(1 for line in text.splitlines() if line.strip()) == 1
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        stripped = body.strip()
        if stripped:
            lead = pos + len(body) - len(body.lstrip())
            ends = list(_SENTENCE_END.finditer(stripped))
            # A line without closing punctuation is a heading, caption or byline, not a sentence;
            # in a line of sentences, only the unfinished tail is ("... said. Photo: AFP").
            heading = (
                not one_line and not _LINE_END_PUNCT.search(stripped) and len(stripped.split()) < 25
            )
            caption = bool(_CAPTION.search(stripped))
            start = 0
            for m in [*ends, None]:
                end = m.end() if m else len(stripped)
                chunk = stripped[start:end]
                if chunk.strip():
                    offset = lead + start + len(chunk) - len(chunk.lstrip())
                    piece = chunk.strip()
                    nt = normalise(piece)
                    out.append(
                        Sentence(
                            index=len(out),
                            start=offset,
                            end=offset + len(piece),
                            nt=nt,
                            toks=tokens(nt.norm),
                            heading=(heading and (m is None or not ends)) or caption,
                            question=bool(_QUESTION.search(piece)),
                        )
                    )
                start = end
                if m is None:
                    break
        pos += len(line)
    return out


def sentence_dates(s: Sentence, ctx: Context) -> list[dates_mod.DateMatch]:
    if "@dates" not in s.found:
        s.found["@dates"] = dates_mod.find(s.nt, dateline=ctx.dateline, lang=ctx.lang)
    return s.found["@dates"]


def clauses(s: Sentence, ctx: Context) -> list[tuple[int, int]]:
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
            if live_triggers(s, start, m.start(), ctx) and live_triggers(s, m.end(), ce, ctx):
                out.append((start, m.start()))
                start = m.end()
        out.append((start, ce))
    return out


def live_triggers(s: Sentence, cs: int, ce: int, ctx: Context) -> list[trig.Trigger]:
    """Triggers of the clause that report an event here (not a reference back to another one)."""
    refs = found(s, ctx, "reference_before", cs, ce)
    cargo = found(s, ctx, "cargo", cs, ce)
    return [
        t
        for t in found(s, ctx, "@triggers", cs, ce)
        if not is_reference(refs, t, s, ctx.lang)
        # "trucks carrying rockets", «شحنة صواريخ»: weapons carried, not fired
        and cue_before(cargo, t.start, s, max_words=0) is None
    ]


def is_reference(refs: list[PhraseMatch], t: trig.Trigger, s: Sentence, lang: str) -> bool:
    """«عقب الهجوم», «على مصدر القصف», "after the attack": the trigger names another event.

    «ردّت القوات بقصف مواقع ...» is not one: a trigger with the instrumental ب is the
    action itself.
    """
    if lang == "ar":
        word = next((tok.text for tok in s.toks if tok.start == t.start), "")
        if word.startswith(("ب", "وب")) and not word.startswith(("بعد", "وبعد")):
            return False
        return cue_before(refs, t.start, s, max_words=0) is not None
    return any(_refers(ref, t, s) for ref in refs)


def _refers(ref: PhraseMatch, t: trig.Trigger, s: Sentence) -> bool:
    if cue_before([ref], t.start, s, max_words=_EN_REFERENCE_WORDS) is None:
        return False
    between = [tok.text for tok in s.toks if ref.end <= tok.start < t.start]
    if s.nt.norm[ref.start : ref.end] == "responsibility for":
        # "claimed responsibility for a drone attack on X" tells the attack; "for the attack"
        # names one told before
        return len(between) <= 1 and between not in (["a"], ["an"])
    # "after an attack", "comes after a 30-plus rocket attack", "following last week's deadly
    # strike": an article, a count or a word of time between the cue and the event word
    return len(between) <= 1 or all(_reference_filler(w) for w in between)


_EN_REFERENCE_WORDS = 4
_FILLERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "last",
        "recent",
        "earlier",
        "previous",
        "deadly",
        "weekend",
        "week's",
        "month's",
        "night's",
        "several",
        "multiple",
        "plus",
        "more",
        "than",
        "some",
        "nearly",
        "at",
        "least",
        "odd",
        "or",
        "so",
        "dozen",
        "dozens",
    ]
)


def _reference_filler(word: str) -> bool:
    from geo.extract.dates import EN_COUNT_WORDS

    w = word.lower().strip("\"'“”‘’")
    return not w or w in _FILLERS or w in EN_COUNT_WORDS or any(ch.isdigit() for ch in w)


def cue_before(
    cues: list[PhraseMatch], pos: int, s: Sentence, *, max_words: int
) -> PhraseMatch | None:
    for m in cues:
        if (
            m.end <= pos
            and not PUNCT_GAP.search(s.nt.norm, m.end, pos)
            and words_between(s, m.end, pos) <= max_words
        ):
            return m
    return None


def cue_after(
    cues: list[PhraseMatch], pos: int, s: Sentence, *, max_words: int
) -> PhraseMatch | None:
    for m in cues:
        if (
            m.start >= pos
            and not PUNCT_GAP.search(s.nt.norm, pos, m.start)
            and words_between(s, pos, m.start) <= max_words
        ):
            return m
    return None


def words_between(s: Sentence, start: int, end: int) -> int:
    """How many whole tokens lie in ``[start, end)`` of the normalised sentence."""
    if "@starts" not in s.found:
        s.found["@starts"] = [t.start for t in s.toks]
    starts = s.found["@starts"]
    first = bisect.bisect_left(starts, start)
    last = bisect.bisect_left(starts, end)
    return sum(1 for t in s.toks[first:last] if t.end <= end)


def zones(
    s: Sentence, cs: int, ce: int, ctx: Context
) -> tuple[list[tuple[int, int]], tuple[int, int] | None, tuple[int, int] | None]:
    """Reference zones («عقب الهجوم على ...»), the origin zone and the "towards" zone of a clause."""
    lang, norm = ctx.lang, s.nt.norm
    toks = [t for t in s.toks if cs <= t.start < ce]
    triggers = found(s, ctx, "@triggers", cs, ce)
    cues = found(s, ctx, "reference_before", cs, ce)
    refs = [
        (t.start, phrase_end(norm, t.end, ce)) for t in triggers if is_reference(cues, t, s, lang)
    ]
    # from the cue right before the trigger («عقب», "after") to the end of the phrase
    refs = [(max(m.start for m in cues if m.end <= a), b) for a, b in refs]
    origin = None
    towards = found(s, ctx, "towards", cs, ce)
    verbs = found(s, ctx, "active_verbs", cs, ce)
    for m in found(s, ctx, "origin_before", cs, ce):
        end = phrase_end(norm, m.end, ce)
        # the origin phrase ends where the sentence goes on: "towards", a verb, an event word
        stop = [x.start for x in [*towards, *verbs, *triggers] if m.end < x.start < end]
        origin = (m.end, min([end, *stop]))
        break
    target_zone = None
    if origin is None:
        for w in towards:
            froms = [f for f in found(s, ctx, "origin_from", cs, ce) if f.end <= w.start]
            if froms and sum(1 for t in toks if froms[-1].end <= t.start < w.start) <= 6:
                origin = (froms[-1].end, w.start)
                target_zone = (w.end, phrase_end(norm, w.end, ce))
                break
    return refs, origin, target_zone


def phrase_end(norm: str, pos: int, limit: int) -> int:
    m = PUNCT_GAP.search(norm, pos, limit)
    return m.start() if m else limit


def inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def norm_pos(s: Sentence, original_pos: int) -> int:
    """Normalised offset of an offset in the sentence's original text."""
    return bisect.bisect_left(s.nt.index, original_pos, 0, len(s.nt.norm))
