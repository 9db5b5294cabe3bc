"""Where it happened: place phrases of a clause, geocoded. Private to :mod:`geo.extract`."""

from __future__ import annotations

import re
from typing import Any

from geo.extract._clauses import (
    PUNCT_GAP,
    Context,
    Sentence,
    found,
    inside,
    norm_pos,
    sentence_dates,
)
from geo.extract._roles import unique
from geo.extract._spans import clitic_forms

_AREA_WORDS = re.compile(
    r"(?<!\w)(?:سيطره|نفوذ|مناطق|held|controlled|control)(?!\w)", re.IGNORECASE
)


def find_places(
    s: Sentence,
    cs: int,
    ce: int,
    ctx: Context,
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
        for m in found(s, ctx, what, cs, ce)
    ]
    blocked += [(norm_pos(s, d.start), norm_pos(s, d.end)) for d in sentence_dates(s, ctx)]
    best, best_key, origin = None, None, None
    for start, end in place_phrases(s, cs, ce, ctx, blocked=blocked):
        if inside(start, excluded):
            continue
        result = geocode_phrase(s, start, end, ctx)
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


def place_phrases(
    s: Sentence, cs: int, ce: int, ctx: Context, *, blocked: list[tuple[int, int]]
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
        if inside(tok.start, blocked):
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
                and not PUNCT_GAP.search(norm, toks[i - 1].end, tok.start)
            )
            if not (starts or after_prep) or tok.text in words["stop"] or tok.text.isdigit():
                i += 1
                continue
            j = i + 1
            while j < len(toks) and j - i < 10:
                gap_punct = PUNCT_GAP.search(norm, toks[j - 1].end, toks[j].start)
                word = toks[j].text
                vicinity_of = word == "من" and generic_category(toks[j - 1].text) == "vicinity"
                if (
                    gap_punct
                    or inside(toks[j].start, blocked)
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
                if PUNCT_GAP.search(norm, toks[j - 1].end, toks[j].start) or inside(
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


def geocode_phrase(s: Sentence, start: int, end: int, ctx: Context) -> Any | None:
    """The longest reading of a phrase that the gazetteer knows.

    Words are dropped from the right («حقل كونيكو للغاز الذي» -> «حقل كونيكو للغاز»); a reading
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


def describe_origin(
    s: Sentence, zone: tuple[int, int], ctx: Context, place: Any | None
) -> str | None:
    if place is not None:
        return place.name_en
    inside = [m for m in found(s, ctx, "@actors", zone[0], zone[1])]
    if inside and _AREA_WORDS.search(s.nt.norm, zone[0], zone[1]):
        names = [
            a.name_for(country=ctx.country, on=ctx.dateline.date())
            for a in unique(m.payload for m in inside)
        ]
        return "areas held by " + " and ".join(names)
    a, b = s.nt.span(zone[0], zone[1])
    phrase = s.nt.original[a:b].strip(" ،,")
    return phrase or None
