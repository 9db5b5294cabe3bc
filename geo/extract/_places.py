"""Where it happened: place phrases of a clause, geocoded. Private to :mod:`geo.extract`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
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
) -> tuple[Any | None, Any | None, list[Any]]:
    """The event's place, the origin's place (GeocodeResults) and the places listed with the
    event's ("in Mayadin and Albukamal"), from the clause's place phrases."""
    places = clause_places(s, cs, ce, ctx, excluded=excluded)
    origin = next(
        (p.result for p in places if origin_zone and origin_zone[0] <= p.start < origin_zone[1]),
        None,
    )
    candidates = [
        p for p in places if not (origin_zone and origin_zone[0] <= p.start < origin_zone[1])
    ]
    best = best_place(candidates, target_zone=target_zone, trigger_pos=trigger_pos)
    if best is None:
        return None, origin, []
    return best.result, origin, listed_with(candidates, best)


def listed_with(places: list[Placed], best: Placed) -> list[Any]:
    """The places listed together with the event's place ("strikes on Mayadin and Albukamal"):
    each is an event of its own, of the same kind."""
    group, grew = {places.index(best)}, True
    while grew:
        grew = False
        for i, p in enumerate(places):
            if p.joined is not None and (i in group) != (p.joined in group):
                group |= {i, p.joined}
                grew = True
    return [
        places[i].result
        for i in sorted(group)
        if places[i] is not best and places[i].result.place_id != best.result.place_id
    ]


@dataclass(slots=True)
class Placed:
    """A place phrase of a clause and what the gazetteer made of it."""

    start: int  # normalised offsets in the sentence
    end: int
    result: Any  # GeocodeResult
    within: int | None = None  # index of the phrase it narrows ("X in the Y countryside": X)
    joined: int | None = None  # index of the phrase it is listed with ("X and Y": X)


def clause_places(
    s: Sentence, cs: int, ce: int, ctx: Context, *, excluded: list[tuple[int, int]]
) -> list[Placed]:
    """The clause's place phrases that the gazetteer resolves, in order.

    A phrase that follows another with only linking words between ("X in the Y province",
    «قرية X بريف Y», «X جنوب Y», "X near Y") is the frame of the first: ``within`` points
    back to the phrase it frames.
    """
    # phrases never run into an actor, an event word or an outlet's name
    blocked = [
        (m.start, m.end)
        for what in ("@actors", "@triggers", "@outlets")
        for m in found(s, ctx, what, cs, ce)
    ]
    blocked += [(norm_pos(s, d.start), norm_pos(s, d.end)) for d in sentence_dates(s, ctx)]
    out: list[Placed] = []
    for start, end in place_phrases(s, cs, ce, ctx, blocked=blocked):
        if inside(start, excluded):
            continue
        result = geocode_phrase(s, start, end, ctx)
        if result is None:
            continue
        placed = Placed(start, end, result)
        if out and _coordinated(s, out[-1].end, start, ctx.lang):
            placed.joined = len(out) - 1
            placed.within = out[-1].within
        elif out and _links(s, out[-1].end, start):
            placed.within = len(out) - 1
        out.append(placed)
    return out


def best_place(
    places: list[Placed], *, target_zone: tuple[int, int] | None, trigger_pos: int
) -> Placed | None:
    """The place of the event: the most specific named, nearest the event word.

    The frame of another phrase ("in the Deir ez-Zor province" after "the al-Omar field") only
    places the event when the phrase it frames was not found; and a phrase that lies far outside
    its own frame («قرية العباس بالقرب من البوكمال» read as a namesake 300 km away) is a wrong
    reading, so the frame places the event instead.
    """
    wrong: set[int] = set()
    for p in places:
        if p.within is not None:
            inner = places[p.within]
            if km(inner.result, p.result) > _FRAME_KM.get(p.result.geo_precision or 3, 100.0):
                wrong.add(p.within)
    best, best_key = None, None
    for k, p in enumerate(places):
        if k in wrong:
            continue
        in_target = bool(target_zone and target_zone[0] <= p.start < target_zone[1])
        is_frame = p.within is not None and p.within not in wrong
        # a whole region only when nothing finer is named
        key = (
            not in_target,
            (p.result.geo_precision or 3) >= 3,
            is_frame,
            abs(p.start - trigger_pos),
        )
        if best_key is None or key < best_key:
            best, best_key = p, key
    return best


# How far a place may lie from the place that frames it (by the frame's precision).
_FRAME_KM = {1: 80.0, 2: 100.0, 3: 250.0}
# Words that may link a place to its frame besides the generic ones ("province", "eastern",
# "outskirts": geo.text.generic_category): prepositions and distances.
_LINK_WORDS = frozenset(
    ["in", "of", "the", "at", "from", "within", "km", "kilometres", "kilometers", "miles"]
)


def _coordinated(s: Sentence, end: int, start: int, lang: str) -> bool:
    """Does the phrase at ``start`` join the one ending at ``end`` as a list ("Mayadin and
    Albukamal", "Mayadin, Quriyah and Albukamal", «الميادين والبوكمال»)?"""
    between = [t.text for t in s.toks if end <= t.start and t.end <= start]
    gap = s.nt.norm[end:start]
    if lang == "ar":
        word = next((t.text for t in s.toks if t.start == start), "")
        if not between and word.startswith("و") and gap.strip(" ،,") == "":
            return True
        # «مواقع لقسد في ريف الرقة ومواقع للنظام في ريف إدلب»: a second object and its place
        return (
            2 <= len(between) <= 7
            and between[0].startswith("و")
            and not between[0].startswith("وقال")
            and between[-1] in ("في", "على", "ب")
            and not PUNCT_GAP.search(gap)
        )
    return between in (["and"], []) and (between == ["and"] or gap.strip() == ",")


def _links(s: Sentence, end: int, start: int) -> bool:
    """Only linking words (or nothing) between two place phrases, no punctuation."""
    from geo.text import generic_category

    if PUNCT_GAP.search(s.nt.norm, end, start):
        return False
    between = [t.text for t in s.toks if end <= t.start and t.end <= start]
    return len(between) <= 4 and all(
        w in _LINK_WORDS or w.isdigit() or generic_category(w) is not None or w in ("في", "من")
        for w in between
    )


def km(a: Any, b: Any) -> float:
    """Great-circle distance between two geocoded places, in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(h))


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
            coordinated = bool(phrases) and _coordinated(s, phrases[-1][1], tok.start, "ar")
            if (
                not (starts or after_prep or coordinated)
                or tok.text in words["stop"]
                or tok.text.isdigit()
            ):
                i += 1
                continue
            j = i + 1
            while j < len(toks) and j - i < 10:
                gap_punct = PUNCT_GAP.search(norm, toks[j - 1].end, toks[j].start)
                word = toks[j].text
                vicinity_of = word == "من" and generic_category(toks[j - 1].text) == "vicinity"
                # «قرية X بريف Y», «X جنوب Y», «X بالقرب من Y»: Y frames X, a phrase of its own
                frame = generic_category(word) in ("region_part", "vicinity") and not (
                    generic_category(toks[j - 1].text)
                )
                # «مدينتي الميادين والبوكمال»: the second name after و is a place of its own
                coordinated = (
                    word.startswith("وال") and not generic_category(toks[j - 1].text)
                ) or word[1:] in _OBJECTS
                if (
                    frame
                    or coordinated
                    or gap_punct
                    or inside(toks[j].start, blocked)
                    or (word in words["stop"] and not vicinity_of)
                    or (word.isdigit() and not _numbered_name(toks, j))
                ):
                    break
                j += 1
        else:
            original = s.nt.text(tok.start, tok.end)
            prev = toks[i - 1].text if i > 0 else ""
            name_like = original[:1].isupper() or tok.text in words["name_particles"]
            # "in northeastern Diyala", "in eastern Diyala's Sa'diya sub-district": a direction
            # before the name opens the phrase as "the" does
            lead = (
                generic_category(tok.text) in ("region_part", "vicinity")
                and i + 1 < len(toks)
                and s.nt.text(toks[i + 1].start, toks[i + 1].end)[:1].isupper()
            )
            starts = (
                (prev in words["start_after"] and (name_like or tok.text == "the" or lead))
                or (name_like and _names_site(s, toks, i, words))
                or (
                    name_like and bool(phrases) and _coordinated(s, phrases[-1][1], tok.start, "en")
                )
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
                    and (
                        s.nt.text(toks[j + 1].start, toks[j + 1].end)[:1].isupper()
                        or toks[j + 1].text in words["name_particles"]
                    )
                )
                # "the surrounding Green Village area", "the eastern Mayadin countryside"
                # "in northeastern Diyala": the name after a direction that opened the phrase
                areal = ("vicinity", "region_part")
                lead_in = (
                    generic_category(word) in areal and all(t.text == "the" for t in toks[i:j])
                ) or (j == i + 1 and generic_category(tok.text) in areal)
                if not (
                    word_original[:1].isupper()
                    or word in words["name_particles"]
                    or word in words["feature"]
                    or follows_name
                    or lead_in
                ):
                    break
                j += 1
        start = tok.start
        if (
            ctx.lang == "en"
            and i >= 2
            and toks[i - 1].text == "of"
            and generic_category(toks[i - 2].text) in ("region_part", "vicinity")
            and not inside(toks[i - 2].start, blocked)
        ):
            # "an explosion north of Baghdad", "the outskirts of Hajin": the area around the
            # town, not the town (precision 2, or the governorate's 3)
            start = toks[i - 2].start
        elif ctx.lang == "en" and i >= 1 and toks[i - 1].text == "between":
            # "an area between Khanaqin and Jalawla": one place, near the first town named; the
            # second only bounds it
            start = toks[i - 1].start
            if j + 1 < len(toks) and toks[j].text == "and":
                bound = j + 1
                while (
                    bound < len(toks)
                    and s.nt.text(toks[bound].start, toks[bound].end)[:1].isupper()
                ):
                    bound += 1
                phrases.append((start, toks[j - 1].end))
                i = bound
                continue
        phrases.append((start, toks[j - 1].end))
        i = j
    return phrases


def _numbered_name(toks: list, j: int) -> bool:
    """«البرج 22», «مطار تي فور»: a number right after the one word of a name is part of it
    ("Tower 22"), where a number after a longer phrase is a count or a date."""
    return (
        j >= 1
        and len(toks[j].text) <= 3
        and toks[j - 1].text.startswith("ال")
        and (j + 1 >= len(toks) or not toks[j + 1].text.isdigit())
    )


# Folded words: rivers and the countries of the theatre ("northeast Syria", «شمال شرقي سوريا»).
_RIVERS = frozenset(["river", "euphrates", "tigris", "khabur", "نهر", "الفرات", "دجله", "الخابور"])
_COUNTRIES = frozenset(
    [
        *("syria", "iraq", "jordan", "turkey", "lebanon", "iran", "israel"),
        *("syrian", "iraqi", "jordanian", "turkish", "lebanese", "iranian", "israeli"),
        *("american", "russian", "kurdish", "arab", "us", "u.s"),
        *("سوريا", "سوريه", "العراق", "الاردن", "تركيا", "لبنان", "ايران", "البلاد"),
        *("country", "border", "borders", "frontier"),
        *("الحدود", "الحدوديه", "الحدودي", "الحدوديين"),
    ]
)
# «السجن» "the prison": a building the report already named, never a village of that name
_COMMON_NOUNS = frozenset(
    [
        *("السجن", "المشفي", "المستشفي", "المدرسه", "المسجد", "السوق", "الطريق", "المنزل"),
        *("البيت", "الحاجز", "المبني", "الشارع", "الساحه", "الحديقه", "المقر", "المستودع"),
        *("prison", "hospital", "school", "mosque", "market", "road", "house", "building"),
        # the words institutions are named with ("Kurdistan Counter Terrorism", "the Security
        # Directorate"): a capitalised name that is not a place
        *("counter", "terrorism", "security", "directorate", "ministry", "general", "command"),
        *("intelligence", "department", "agency", "office", "council", "committee", "service"),
    ]
)
# «مدينتي الميادين والبوكمال» "the two towns of": a dual or plural before a list of places
_DUALS = frozenset(
    ["مدينتي", "بلدتي", "قريتي", "محافظتي", "منطقتي", "ناحيتي", "قاعدتي", "مدن", "بلدات", "قري"]
)
# «... في ريف الرقة ومواقع لقوات النظام في ريف إدلب»: a second object ends the place before it
_OBJECTS = frozenset(["مواقع", "مقرات", "نقاط", "مراكز", "قواعد", "موقع", "مقر", "نقطه", "مناطق"])
_SITE_KINDS = frozenset(["field", "base", "airport", "dam", "camp", "plant"])


def _names_site(s: Sentence, toks: list, i: int, words: dict) -> bool:
    """English: a name followed by a site word ("al-Omar oilfield", "Koniko gas field") is a place
    wherever it stands in the sentence, even with no preposition before it."""
    from geo.text import generic_category

    for j in range(i + 1, min(i + 5, len(toks))):
        if PUNCT_GAP.search(s.nt.norm, toks[j - 1].end, toks[j].start):
            return False
        if generic_category(toks[j].text) in _SITE_KINDS:
            return True
        original = s.nt.text(toks[j].start, toks[j].end)
        if not (original[:1].isupper() or toks[j].text in words["name_particles"]):
            return False
    return False


_PROVINCE = frozenset(["province", "provinces", "governorate", "governorates"])


def _names_province(s: Sentence, toks: list) -> bool:
    """ "the province of X", "X province": the phrase names a governorate."""
    from geo.text import generic_category

    if any(t.text in _PROVINCE for t in toks):
        return True
    before = [t.text for t in s.toks if t.end <= toks[0].start][-2:]
    if len(before) == 2 and before[0] in _PROVINCE and before[1] == "of":
        return True
    # "Syria's Deir ez-Zor", "Iraq's Anbar": a bare name owned by a country is its province
    owned = toks[0].text.endswith("'s") and toks[0].text.removesuffix("'s") in _COUNTRIES
    return owned and not any(generic_category(t.text) for t in toks[1:])


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
    national = [t.text.lstrip("#").removesuffix("'s") in _COUNTRIES for t in toks]
    name_like = [
        not (g or n or t.text in stop or t.text == "the" or t.text in _DUALS)
        for g, n, t in zip(generic, national, toks, strict=True)
    ]
    names = [t.text.lstrip("#") for t, n in zip(toks, name_like, strict=True) if n]
    if (
        any(w in _RIVERS for w in names)
        or all(len(w) <= 2 for w in names)
        or all(w in _COMMON_NOUNS for w in names)
    ):
        # a river is a line hundreds of km long, a country no place: neither places an event
        return None
    if ctx.lang == "en" and _names_province(s, toks):
        # "the eastern province of Deir az-Zour", "Hasaka province": the governorate, not its seat
        core = [t for t, n in zip(toks, name_like, strict=True) if n and t.text != "of"]
        a, b = s.nt.span(core[0].start, core[-1].end)
        result = ctx.geocode(s.nt.original[a:b] + " governorate")
        if (
            result.matched
            and (result.geo_precision or 3) < 3
            and result.admin1
            and getattr(result, "kind", "town") == "town"
        ):
            # a spelling the gazetteer knows only as the town: its governorate, by admin1
            result = ctx.geocode(f"{result.admin1} governorate")
        if result.matched and (result.geo_precision or 3) >= 3:
            return result
        if result.matched and getattr(result, "kind", "town") != "town":
            return result  # "Iraq's Ain al-Asad": a site, not a province
    lefts = [
        k
        for k in range(len(toks))
        if (k == 0 or generic[k] or toks[k - 1].text in _DUALS or national[k - 1])
        # "the Syrian town of X": no reading starts at the nationality
        and not national[k]
        and not (toks[k].text == "the" and k + 1 < len(toks) and national[k + 1])
    ]
    for left in lefts:
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
