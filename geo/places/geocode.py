"""Place mention (+ context) -> place, coordinates, ACLED geo_precision, admin areas, score, reason.

>>> r = geocode("بادية بلدة الجلاء بريف البوكمال", country="SY")
>>> r.name_en, r.geo_precision, r.latitude, r.longitude
('Al Jalā’', 2, 34.63346, 40.84054)
>>> geocode("Hajin").country  # a bare name is read in the theatre first
'Syria'
>>> geocode("al-Qaim", country="SY", region=()).reason.split(" (")[0]
"outside Syria, the report's country: 'al-Qaim' names Al Qa’im"

How a mention is read
---------------------
1. The mention is cut into segments: the place it names first, then places that only situate it
   ("X بريف Y", "X in the Y countryside", "X, Y"). Those later places are geocoded too and their
   points are used like ``near`` points.
2. In the first segment, generic words are told apart from the name (:mod:`geo.text`): "near",
   "outskirts", «محيط», «قرب» put the event near the place (geo_precision 2); "countryside",
   "desert", «ريف», «بادية», "eastern" put it in a part of the region around the place (2 at a
   town, 3 when the place is a governorate: «ريف دير الزور» is the governorate); "governorate",
   «محافظة» ask for the governorate (3); "field", "base", "airport", «حقل», «مطار» ... ask for a
   kind of site, and a town found instead is coded "near" it (2).
3. Names are looked up, longest reading first (the whole «حقل العمر» before «العمر»), in three
   tiers: the folded key (spelling variants, clitics, articles), the consonant skeleton
   (transliteration variants: "Dayr az Zawr" = "Deir ez-Zor"), then rapidfuzz on the folded keys
   for misspellings, with a high threshold and a margin over the runner-up.
4. Candidates are read against the prior an analyst uses (:mod:`geo.places.region`): the
   report's country first, then the region (the theatre: ``CONFLICTMAP_REGION``, the store's or
   the bundled events' countries), then the world. An exact name at home beats the same name
   abroad; a transliteration at home beats an exact name abroad, unless that one reads more of
   the mention ("Erbil airport" whole) or names a city ("Erbil"). Abroad only exact names count;
   a misspelling is looked for at home only. With the report's country given, a place in another
   country of the region is accepted and the reason says so; a place outside both is refused,
   naming where it is.
5. Candidates within 12 km of each other are one place. Between distinct places the geocoder
   decides by the kind asked for («مطار», "base"), the closer spelling, proximity to the ``near``
   points, the kind of feature (a town or a site over a quarter, a farm or a hill) and a much
   larger population; when they are still close on all of these it answers "ambiguous" and
   lists them. It never guesses.

The module-level :func:`geocode` uses one :class:`Geocoder` built on first use and kept (the
gazetteer index loads from the disk cache; see :mod:`geo.places.gazetteer`). Boundaries for admin areas
come from ``CONFLICTMAP_BOUNDARIES`` when set (see :mod:`geo.places.boundaries`).
"""

from __future__ import annotations

import copy
import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geo.errors import InputError, Problem
from geo.places.gazetteer import AREA_KINDS, Gazetteer, Place, find_country
from geo.text import (
    EN_ARTICLES,
    SEPARATORS,
    fold_latin,
    generic_category,
    match_tokens,
    normalize,
    script_of,
    skeleton,
    strip_arabic_clitics,
    without_accents,
)

if TYPE_CHECKING:
    import pandas as pd

    from geo.places.boundaries import Boundaries

__all__ = [
    "Candidate",
    "GeocodeResult",
    "Geocoder",
    "default_geocoder",
    "describe",
    "fill_coordinates",
    "geocode",
]

# Feature kinds each kind-hinting generic word asks for.
_KIND_HINTS: dict[str, frozenset[str]] = {
    "field": frozenset({"oil_field", "gas_field", "gas_plant"}),
    "plant": frozenset({"gas_plant", "oil_field", "gas_field", "dam"}),
    "base": frozenset({"base", "airport"}),
    "airport": frozenset({"airport", "base"}),
    "crossing": frozenset({"crossing"}),
    "dam": frozenset({"dam"}),
    "bridge": frozenset({"bridge"}),
    "camp": frozenset({"camp"}),
    "region": frozenset({"governorate", "region"}),
    "type": frozenset({"town", "neighbourhood"}),
}
_SCORES = {"exact": 1.0, "skeleton": 0.9, "core": 0.85}
CLUSTER_KM = 12.0  # candidates closer than this are one place (a town and its governorate seat)
FUZZY_CUTOFF = 86.0  # rapidfuzz ratio (0-100) below which a misspelling is not considered
FUZZY_SKELETON = 75.0  # ... and on their consonant skeletons, below which it is another name
FUZZY_MARGIN = 4.0  # how far the best fuzzy place must lead the runner-up
NEAR_MAX_KM = 150.0  # a near point farther than this from every candidate says nothing
POPULATION_RATIO = 10.0  # a place this many times larger than every rival wins by population
LARGE_TOWN = 20_000  # a town this large outranks a namesake too small to have been counted
CITY = 100_000  # a city of exactly the name typed outranks a transliteration elsewhere
TOWN = 15_000  # below this a place abroad is a village: a bare name of the region is not it
# Shortest consonant skeleton a transliteration may match on, (Latin, Arabic). Three Latin
# consonants are only a root (krk: Karak and Kirkuk; shr: Shurah and al-Asharah), shared by
# names hundreds of km apart; Arabic script keeps every consonant, so three letters still
# spell one name.
_SKELETON_MIN = (4, 4)
# Feature classes, best first: a town or a site over a quarter, over a farm, well or hill.
_FEATURE_RANK = {"neighbourhood": 1, "locality": 2}


@dataclass(frozen=True)
class Candidate:
    """A place the mention could name, shown for transparency."""

    place_id: str
    name_en: str
    name_ar: str
    kind: str
    country: str
    latitude: float
    longitude: float
    population: int
    match: str  # exact, skeleton or fuzzy
    score: float


@dataclass(frozen=True)
class GeocodeResult:
    """What a mention resolved to, or why it did not."""

    mention: str
    matched: bool
    reason: str
    place_id: str | None = None
    name_en: str | None = None
    name_ar: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geo_precision: int | None = None
    admin1: str | None = None
    admin2: str | None = None
    country: str | None = None  # English name
    iso: int | None = None  # ISO 3166-1 numeric, as ACLED's iso column
    kind: str | None = None
    score: float = 0.0
    candidates: tuple[Candidate, ...] = field(default=(), repr=False)


@dataclass
class _Segment:
    before: list[tuple[str, str]] = field(default_factory=list)  # (word, category)
    name: list[list[str]] = field(default_factory=list)  # readings of each name token
    after: list[tuple[str, str]] = field(default_factory=list)
    raw: list[str] = field(default_factory=list)

    def text(self) -> str:
        return " ".join(self.raw)


@dataclass
class _Hit:
    index: int
    match: str
    score: float
    leftover: tuple[str, ...]  # categories of the generic words not part of the matched name


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    p1, p2 = math.radians(lat1), np.radians(lat2)
    dlat = p2 - p1
    dlon = np.radians(lon2) - math.radians(lon1)
    a = np.sin(dlat / 2) ** 2 + math.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 6371.0 * 2 * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


# --- reading a mention -------------------------------------------------------------------------
def _readings(token: str) -> list[str]:
    """Match-key readings of one token: without clitics, without the article."""
    if script_of(token) == "ar":
        out = []
        for w in strip_arabic_clitics(token):
            out.extend(match_tokens(w))
        return list(dict.fromkeys(t for t in out if t))
    toks = match_tokens(token)
    if not toks:
        return []
    t = toks[0]
    # "Albukamal", "Alqaim": the article glued to the name.
    if len(t) > 5 and t[:2] in ("al", "el"):
        return [t, t[2:]]
    # «عين» "spring", the first word of many names, has as many spellings as GeoNames has
    # sources: "Ein Issa" is "‘Ayn ‘Isa".
    if t in _AIN:
        return [t, *(a for a in _AIN if a != t)]
    return [t]


_AIN = ("ayn", "ain", "ein")


# Prepositions that may open a mention («على أطراف», «عند مدخل»); skipped only there, since
# «علي» is also a name.
_LEADING = frozenset({"علي", "عند", "نحو", "باتجاه", "حتي", "لدي"})


def _is_separator(word: str) -> bool:
    if word in SEPARATORS:
        return True
    if script_of(word) != "ar":
        return False
    readings = strip_arabic_clitics(word)
    if len(word) >= 3 and word[0] in "وف":
        readings.append(word[1:])  # «وفي», «ومن»: too short for the clitic rule
    return any(r in SEPARATORS for r in readings)


def split_mention(mention: str) -> list[_Segment]:
    """Cut a mention into segments: the place it names, then places that situate it."""
    segments: list[_Segment] = []
    for chunk in normalize(mention).split(","):
        words = chunk.split()
        cats = [generic_category(w) for w in words]
        current = _Segment()
        for i, (word, cat) in enumerate(zip(words, cats, strict=True)):
            if _is_separator(word):
                if current.name:
                    segments.append(current)
                    current = _Segment()
                continue
            if not current.name and not current.before and word in _LEADING:
                continue  # «على أطراف ...»: a preposition before the first word says nothing
            if cat:
                rest_has_name = any(
                    c is None and w not in SEPARATORS
                    for w, c in zip(words[i + 1 :], cats[i + 1 :], strict=True)
                )
                if current.name and rest_has_name:
                    # A generic word after a name that is followed by another name starts a new
                    # segment: "الجلاء بريف البوكمال", "X countryside of Y".
                    segments.append(current)
                    current = _Segment()
                (current.after if current.name else current.before).append((word, cat))
                current.raw.append(word)
                continue
            if word in EN_ARTICLES and i + 1 < len(words):
                current.raw.append(word)
                continue  # "al Mayadin": the article is not part of the key
            readings = _readings(word)
            if readings:
                current.name.append(readings)
                current.raw.append(word)
        if current.name or current.before:
            segments.append(current)
    return segments


def _spans(seg: _Segment) -> list[tuple[list[str], tuple[str, ...]]]:
    """Keys to try for a segment, longest first, each with the generic categories left over."""
    out: list[tuple[list[str], tuple[str, ...]]] = []
    nb, na = len(seg.before), len(seg.after)
    options = sorted(
        ((b, a) for b in range(nb + 1) for a in range(na + 1)), key=lambda ba: -(ba[0] + ba[1])
    )
    for b, a in options:
        kept_before = seg.before[nb - b :]
        kept_after = seg.after[:a]
        leftover = tuple(c for _, c in seg.before[: nb - b]) + tuple(c for _, c in seg.after[a:])
        fixed_before = [t for w, _ in kept_before for t in _readings(w)[-1:]]
        fixed_after = [t for w, _ in kept_after for t in _readings(w)[-1:]]
        if not seg.name:
            if fixed_before or fixed_after:
                key = "".join(fixed_before + fixed_after)
                out.append(([fold_latin(key)], leftover))
            continue
        first_readings = seg.name[0] if not fixed_before else seg.name[0][:1]
        rest = [r[0] for r in seg.name[1:]]
        keys = []
        for first in first_readings:
            keys.append(fold_latin("".join([*fixed_before, first, *rest, *fixed_after])))
        out.append((list(dict.fromkeys(keys)), leftover))
    return out


# --- the geocoder ------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Prior:
    """Where a mention is read first: the report's country, then the region (the theatre)."""

    iso2: str | None = None
    country_name: str | None = None
    region: tuple[str, ...] = ()
    misspellings: bool = True  # whether close spellings are sought when no name matches

    def levels(self) -> list[frozenset[str] | None]:
        """Country sets in the order they are searched; None is the whole world (no prior)."""
        out: list[frozenset[str] | None] = []
        if self.iso2:
            out.append(frozenset({self.iso2}))
        rest = frozenset(self.region) - {self.iso2}
        if rest:
            out.append(rest)
        return out or [None]

    def region_names(self) -> str:
        names = []
        for code in self.region:
            found = find_country(code)
            names.append(found.name if found else code)
        return ", ".join(names)


@dataclass
class _Found:
    """What the lookup found: hits at the best level of the prior, or only elsewhere."""

    hits: list[_Hit]
    level: str = "country"  # country, region, world (no prior) or abroad (outside every level)
    elsewhere: list[_Hit] = field(default_factory=list)  # exact names abroad, nothing at home
    similar: list[_Hit] = field(default_factory=list)  # only spellings like it, abroad


class Geocoder:
    """A loaded gazetteer (and optional boundaries) to geocode many mentions with.

    Parameters
    ----------
    gazetteer
        The gazetteer to search (default: ``Gazetteer.load()``, from the disk cache).
    boundaries
        Admin boundaries to set admin1/admin2 by point-in-polygon (default: none).
    region
        The theatre: ISO2 codes whose places come first after the report's country (default:
        :func:`geo.places.region.default_region`; ``()`` for no prior, the whole world alike).
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        boundaries: Boundaries | None = None,
        region: Sequence[str] | None = None,
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.boundaries = boundaries
        if region is None:
            from geo.places.region import default_region

            region = default_region()
        self.region = tuple(region)
        self.known: Geocoder | None = None  # places the store's events name (with_known)

    def with_known(self, places: Sequence[Place]) -> Geocoder:
        """This geocoder, also reading ``places`` (:mod:`geo.places.known`) where the gazetteer
        has no answer for a name: they fill its gaps and never override it."""
        coder = copy.copy(self)
        coder.known = (
            Geocoder(Gazetteer.from_places(places), boundaries=self.boundaries, region=self.region)
            if places
            else None
        )
        return coder

    # public
    def geocode(
        self,
        mention: str,
        *,
        country: str | None = None,
        near: Sequence[tuple[float, float]] | None = None,
        region: Sequence[str] | None = None,
        misspellings: bool = True,
    ) -> GeocodeResult:
        """Resolve one place mention; see the module docstring for how.

        ``region`` replaces the geocoder's region for this call (ISO2 codes; ``()`` for none).
        ``misspellings=False`` takes names as written only (no close spellings).
        """
        text = (mention or "").strip()
        if not text:
            return GeocodeResult(mention=mention, matched=False, reason="empty mention")
        iso2, country_name = None, None
        if country:
            found = find_country(country)
            if found is None:
                return GeocodeResult(
                    mention=mention,
                    matched=False,
                    reason=f"unknown country {country!r}: give an ISO2/ISO3 code or English name",
                )
            iso2, country_name = found.iso2, found.name
        prior = _Prior(
            iso2, country_name, self.region if region is None else tuple(region), misspellings
        )
        segments = split_mention(text)
        if not segments:
            return GeocodeResult(
                mention=mention, matched=False, reason="no place name in the mention"
            )
        points = list(near or [])
        context: list[GeocodeResult] = []
        for seg in segments[1:]:
            sub = self._resolve_or_known(seg, seg.text(), prior, points)
            if sub.matched:
                context.append(sub)
                points.append((sub.latitude, sub.longitude))  # type: ignore[arg-type]
        result = self._resolve_or_known(segments[0], text, prior, points)
        if result.matched and context and not any(_situates(c, result) for c in context):
            # "the Khan area of Tarmiyah district": the only Khan is a hamlet in Syria, far from
            # the Tarmiyah the same words put it in. The mention's own frame wins.
            result = replace(
                result,
                matched=False,
                reason=f"the only match, {result.name_en} ({result.country}), is not in or near "
                f"{context[0].name_en}",
            )
        if result.matched or not context:
            return replace(result, mention=mention)
        # The named place is unknown but the places situating it are known: code the event to
        # the first of them, at a precision that says so.
        best = context[0]
        return replace(
            best,
            mention=mention,
            geo_precision=max(2, best.geo_precision or 2),
            score=round(best.score * 0.5, 3),
            reason=(
                f"{segments[0].text()!r} is "
                + ("set aside" if result.place_id else "not in the gazetteer")
                + f" ({result.reason}); coded to {best.name_en} named in the same mention, as a "
                "part of its area"
            ),
        )

    # internals
    def _resolve_or_known(
        self, seg: _Segment, mention: str, prior: _Prior, near: list[tuple[float, float]]
    ) -> GeocodeResult:
        result = self._resolve(seg, mention, prior, near)
        if result.matched or self.known is None:
            return result
        known = self.known._resolve(seg, mention, prior, near)
        if not known.matched:
            return result
        return replace(known, reason=f"{known.reason}; not in the gazetteer ({result.reason})")

    def _lookup(self, seg: _Segment, prior: _Prior) -> _Found:
        """Candidates by the match and the prior: the report's country, the region, the world.

        Exact names first, at home (the report's country, then the region); then
        transliterations at home, unless an exact name abroad reads more of the mention or names
        a city; then site names without their generic words at home; then exact names abroad;
        then misspellings at home (none when the name is exactly a place abroad). A level
        outranks the others within a kind of match (longest reading first): an exact name in
        Syria beats one in Brazil. Abroad only exact names count.
        """
        gaz = self.gazetteer
        spans = _spans(seg)
        levels = prior.levels()
        home: dict[tuple[str, int], list[_Hit]] = {}  # (tier, level) -> hits of the first span
        home_span: dict[tuple[str, int], int] = {}  # which reading found them (0: the longest)
        abroad_exact: list[_Hit] = []
        abroad_span = len(spans)
        abroad_similar: list[_Hit] = []
        for tier in ("exact", "skeleton", "core"):
            for span_no, (keys, leftover) in enumerate(spans):
                found: dict[int, _Hit] = {}
                for key in keys:
                    if tier == "exact":
                        ids = gaz.lookup(key)
                    elif tier == "core":
                        ids = gaz.lookup_core(key)
                    else:
                        skel = skeleton(key)
                        if len(skel) < _SKELETON_MIN[script_of(key) == "ar"]:
                            continue
                        ids = gaz.lookup_skeleton(skel)
                    for i in ids.tolist():
                        found.setdefault(i, _Hit(i, tier, _SCORES[tier], leftover))
                if not found:
                    continue
                hits = list(found.values())
                if not seg.name:
                    # Generic words alone ("the area", «المدينة») name no town; only a curated
                    # region may be called that way («البادية»).
                    hits = [h for h in hits if gaz.is_site(h.index)]
                    if not hits:
                        continue
                placed: set[int] = set()
                for n, level in enumerate(levels):
                    inside = [h for h in hits if level is None or gaz.country(h.index) in level]
                    placed.update(h.index for h in inside)
                    if inside and (tier, n) not in home:
                        home[(tier, n)] = inside
                        home_span[(tier, n)] = span_no
                rest = [h for h in hits if h.index not in placed]
                if rest and tier == "skeleton":
                    abroad_similar = abroad_similar or rest
                elif rest and not abroad_exact:
                    abroad_exact, abroad_span = rest, span_no
            if tier == "exact" and any(t == "exact" for t, _ in home):
                break  # an exact name at home: nothing later can outrank it

        def best(tier: str) -> _Found | None:
            ns = [n for t, n in home if t == tier]
            return (
                _Found(home[(tier, min(ns))], _level_name(prior, levels[min(ns)])) if ns else None
            )

        def abroad_is_better(tier: str) -> bool:
            """An exact name abroad over a transliteration at home: when it reads more of the
            mention ("Erbil airport" whole, not "Erbil"), or as much and names a city."""
            ns = [n for t, n in home if t == tier]
            if not abroad_exact or not ns:
                return False
            span = home_span[(tier, min(ns))]
            city = max(int(gaz.population[h.index]) for h in abroad_exact) >= CITY
            return abroad_span < span or (abroad_span == span and city)

        # Site names without their generic words ("Deir ez-Zor" for "Deir ez-Zor airport") come
        # after transliterations: they must not hide the town the site is named after.
        for tier in ("exact", "skeleton", "core"):
            if tier == "skeleton" and abroad_is_better(tier):
                continue
            chosen = best(tier)
            if chosen is not None:
                return chosen
        if not abroad_exact and prior.misspellings:
            # A misspelling, at home only: a close spelling abroad is no guess an analyst makes.
            for level in levels:
                fuzzy = self._fuzzy(spans, level)
                if fuzzy:
                    return _Found(fuzzy, _level_name(prior, level))
        return _Found([], "abroad", elsewhere=abroad_exact, similar=abroad_similar)

    def _fuzzy(
        self, spans: list[tuple[list[str], tuple[str, ...]]], countries: frozenset[str] | None
    ) -> list[_Hit]:
        memo = _FUZZY_MEMO.get()
        if memo is None:
            return self._fuzzy_search(spans, countries)
        key = (id(self.gazetteer), tuple((tuple(k), left) for k, left in spans), countries)
        if key not in memo:
            memo[key] = self._fuzzy_search(spans, countries)
        return memo[key]

    def _fuzzy_search(
        self, spans: list[tuple[list[str], tuple[str, ...]]], countries: frozenset[str] | None
    ) -> list[_Hit]:
        from rapidfuzz import fuzz, process

        gaz = self.gazetteer
        table = gaz.fuzzy_keys(None if countries is None else tuple(sorted(countries)))
        if not len(table):
            return []
        best: dict[int, _Hit] = {}
        for keys, leftover in spans[-1:] + spans[:1]:  # the bare name, then the whole mention
            for key in keys:
                if len(key) < 5:
                    continue
                choices, positions = table.within_reach(key, FUZZY_CUTOFF)
                skel = skeleton(key)
                for choice, score, pos in process.extract(
                    key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20
                ):
                    if fuzz.ratio(skel, skeleton(choice)) < FUZZY_SKELETON:
                        # a misspelling keeps the consonants and varies the vowels: Kafraya is
                        # not Kafr Zayta, however close their letters
                        continue
                    for i in gaz.folded.places_at(int(positions[pos])).tolist():
                        if countries is not None and gaz.country(i) not in countries:
                            continue  # a key shared with a place of another country
                        s = round(0.88 * score / 100.0, 3)
                        if i not in best or best[i].score < s:
                            best[i] = _Hit(i, "fuzzy", s, leftover)
            if best:
                break
        return list(best.values())

    def _resolve(
        self,
        seg: _Segment,
        mention: str,
        prior: _Prior,
        near: list[tuple[float, float]],
    ) -> GeocodeResult:
        gaz = self.gazetteer
        found = self._lookup(seg, prior)
        hits = found.hits
        notes: list[str] = []
        if not hits:
            asked = _kind_asked(found.elsewhere)
            if asked and not any(gaz.kind(h.index) in _KIND_HINTS[asked] for h in found.elsewhere):
                # "حقل الورد": no field of that name anywhere; a village abroad that shares the
                # name without the word «حقل» is not where the report's field is.
                return self._refused(
                    mention,
                    found.elsewhere,
                    f"no candidate in the gazetteer: no {asked} of that name (elsewhere, "
                    "only other places so named: {names})",
                )
            if found.elsewhere and prior.iso2:
                return self._abroad(mention, found.elsewhere, prior)
            if found.elsewhere:
                # No country given and nothing in the region. An analyst of the region who types
                # Amman or Tehran means the city; a village abroad that shares the name of a
                # village the gazetteer lacks (Rihaniya in Israel, Derdara in Morocco) or a city
                # known by it only as an old or foreign name (Yathrib, Medina) is no place they
                # mean: such a point would be hundreds of km off, not missing.
                meant = [h for h in found.elsewhere if self._meant_abroad(h, seg)]
                if not meant:
                    return self._refused(
                        mention,
                        found.elsewhere,
                        f"no candidate in the region ({prior.region_names()}); outside it, "
                        "only {names}: give the country to place it there",
                    )
                hits = meant
                notes.append(f"outside the region ({prior.region_names()})")
            elif found.similar:
                where = prior.country_name or prior.region_names() or "the gazetteer"
                return self._refused(
                    mention,
                    found.similar,
                    f"no candidate in {where}; only spellings like it elsewhere: {{names}}",
                )
            else:
                return GeocodeResult(
                    mention=mention, matched=False, reason="no candidate in the gazetteer"
                )
        elif found.level == "region" and prior.iso2:
            countries = sorted({gaz.country(h.index) for h in hits})
            names = ", ".join(c.name if (c := find_country(x)) else x for x in countries)
            notes.append(
                f"not in {prior.country_name}, the report's country, but in {names}, of the region"
            )
        categories = set(hits[0].leftover)
        kinds_wanted: set[str] = set()
        for cat in categories:
            kinds_wanted |= _KIND_HINTS.get(cat, frozenset())
        wants_region = bool(categories & {"region", "region_part"})
        candidates = tuple(self._candidate(h) for h in sorted(hits, key=lambda h: -h.score)[:10])
        clusters = self._clusters(hits)
        decided: list[str] = []
        if len(clusters) > 1 and kinds_wanted:
            kept = [c for c in clusters if any(gaz.kind(h.index) in kinds_wanted for h in c)]
            if kept and len(kept) < len(clusters):
                clusters = kept
                decided.append("the kind of place named")
        if len(clusters) > 1 and "region" in categories:
            kept = [c for c in clusters if any(gaz.kind(h.index) in AREA_KINDS for h in c)]
            if kept and len(kept) < len(clusters):
                clusters = kept
                decided.append("the governorate asked for")
        if len(clusters) > 1:
            best_score = max(h.score for c in clusters for h in c)
            top = [
                c for c in clusters if max(h.score for h in c) >= best_score - FUZZY_MARGIN / 100
            ]
            if hits[0].match == "fuzzy" or len(top) < len(clusters):
                if len(top) < len(clusters):
                    decided.append("a closer spelling")
                clusters = top
        if len(clusters) > 1 and near:
            chosen = self._by_proximity(clusters, near)
            if chosen is not None:
                clusters = [chosen]
                decided.append("proximity to the other places of the report")
        if len(clusters) > 1:
            ranks = [min(_FEATURE_RANK.get(gaz.kind(h.index), 1) for h in c) for c in clusters]
            kept = [c for c, r in zip(clusters, ranks, strict=True) if r == min(ranks)]
            if len(kept) < len(clusters):
                clusters = kept
                decided.append("the kind of feature (a town or a site over a minor spot)")
        if len(clusters) > 1:
            chosen = self._by_population(clusters)
            if chosen is not None:
                clusters = [chosen]
                decided.append("a much larger population")
        if len(clusters) > 1 and len(prior.region) > 1:
            # Last: the region's own order (the setting's order, or the store's countries by
            # their number of events): Thiban in Syria over Dhiban in Jordan for a Syrian store.
            order = {code: n for n, code in enumerate(prior.region)}
            ranks = [min(order.get(gaz.country(h.index), len(order)) for h in c) for c in clusters]
            kept = [c for c, r in zip(clusters, ranks, strict=True) if r == min(ranks)]
            if len(kept) < len(clusters):
                clusters = kept
                decided.append(f"the order of the region ({prior.region_names()})")
        if len(clusters) > 1:
            names = _list_places(
                gaz, [self._representative(c, set(), False).index for c in clusters]
            )
            return GeocodeResult(
                mention=mention,
                matched=False,
                reason=f"ambiguous between {names}; give the report's country or nearby places",
                candidates=candidates,
            )
        rep = self._representative(clusters[0], kinds_wanted, wants_region)
        if kinds_wanted and gaz.kind(rep.index) not in kinds_wanted and rep.match == "fuzzy":
            # A field or base of an unknown name is not coded near a town that is only spelt
            # like it ("Jafra oil field" is not at al-Haffah).
            other = gaz.place(rep.index)
            return GeocodeResult(
                mention=mention,
                matched=False,
                reason=f"no candidate in the gazetteer: no {_kind_asked([rep])} of that name "
                f"(the closest spelling is {other.name_en}, a {other.kind})",
                candidates=candidates,
            )
        result = self._result(mention, rep, categories, kinds_wanted, decided, candidates)
        if notes:
            result = replace(
                result,
                reason=result.reason + "; " + "; ".join(notes),
                score=round(result.score * 0.9, 3),
            )
        return result

    def _refused(self, mention: str, hits: list[_Hit], reason: str) -> GeocodeResult:
        """No point, with the places that share the name listed (``{names}`` in the reason)."""
        names = _list_places(self.gazetteer, _by_size(self.gazetteer, hits), limit=3)
        return GeocodeResult(
            mention=mention,
            matched=False,
            reason=reason.format(names=names),
            candidates=tuple(self._candidate(h) for h in hits[:10]),
        )

    def _meant_abroad(self, hit: _Hit, seg: _Segment) -> bool:
        """A place outside the region that a bare mention stands for: one of the theatre's
        curated sites and places (Tower 22 in Jordan), or a town (population TOWN or more)
        named in Arabic script, or in Latin by its own name as written: not by a Latin
        alternate ("Yathrib" is Medina's, "Koya" Coyah's in Guinea) nor by a spelling that only
        folds to it ("Maan" is not Man)."""
        gaz = self.gazetteer
        place = gaz.place(hit.index)
        if place.source in ("site", "place"):
            return True
        if place.population < TOWN:
            return False
        if script_of(" ".join(seg.raw)) == "ar":
            return True  # Arabic names abroad are spellings of the place, not transliterations
        own = {_as_written(n) for n in (place.name_en, place.name_ar) if n}
        named = [w for w in seg.raw if generic_category(w) is None]
        return _as_written(" ".join(seg.raw)) in own or _as_written(" ".join(named)) in own

    def _abroad(self, mention: str, hits: list[_Hit], prior: _Prior) -> GeocodeResult:
        """The name is a place only outside the report's country and region: say where."""
        gaz = self.gazetteer
        names = _list_places(gaz, _by_size(gaz, hits), limit=3)
        where = f"outside {prior.country_name}, the report's country"
        if frozenset(prior.region) - {prior.iso2}:
            where += f", and its region ({prior.region_names()})"
        return GeocodeResult(
            mention=mention,
            matched=False,
            reason=f"{where}: {mention!r} names {names}",
            candidates=tuple(self._candidate(h) for h in hits[:10]),
        )

    def _clusters(self, hits: list[_Hit]) -> list[list[_Hit]]:
        gaz = self.gazetteer
        clusters: list[list[_Hit]] = []
        for h in sorted(hits, key=lambda h: (-h.score, -int(gaz.population[h.index]))):
            for c in clusters:
                d = haversine_km(
                    float(gaz.latitude[h.index]),
                    float(gaz.longitude[h.index]),
                    gaz.latitude[[x.index for x in c]],
                    gaz.longitude[[x.index for x in c]],
                )
                if d.min() <= CLUSTER_KM:
                    c.append(h)
                    break
            else:
                clusters.append([h])
        return clusters

    def _representative(
        self, cluster: list[_Hit], kinds_wanted: set[str], wants_region: bool
    ) -> _Hit:
        """The place that stands for a cluster, by what the mention asks for."""
        gaz = self.gazetteer

        def rank(h: _Hit) -> tuple:
            kind = gaz.kind(h.index)
            is_area = kind in AREA_KINDS
            return (
                -h.score,
                0 if (kinds_wanted and kind in kinds_wanted) else 1,
                0 if (wants_region and is_area) or (not wants_region and not is_area) else 1,
                0 if kind == "town" else 1,
                int(gaz.source_codes[h.index]),  # curated before GeoNames
                -int(gaz.population[h.index]),
            )

        return min(cluster, key=rank)

    def _by_proximity(
        self, clusters: list[list[_Hit]], near: list[tuple[float, float]]
    ) -> list[_Hit] | None:
        gaz = self.gazetteer
        dists = []
        for c in clusters:
            idx = [h.index for h in c]
            d = min(
                float(haversine_km(lat, lon, gaz.latitude[idx], gaz.longitude[idx]).min())
                for lat, lon in near
            )
            dists.append(d)
        order = np.argsort(dists)
        best, second = dists[order[0]], dists[order[1]]
        if best <= NEAR_MAX_KM and second >= 2 * best + 25:
            return clusters[int(order[0])]
        return None

    def _by_population(self, clusters: list[list[_Hit]]) -> list[_Hit] | None:
        """The cluster of a much larger town, or None.

        A town wins when it is POPULATION_RATIO times larger than every rival of known size and,
        if some rival's size is unknown (0 or -1: small GeoNames places, curated sites), when it
        is a town of LARGE_TOWN people or more, which a place too small to be counted is not.
        """
        gaz = self.gazetteer
        pops = [max(int(gaz.population[h.index]) for h in c) for c in clusters]
        order = np.argsort(pops)[::-1]
        first = pops[order[0]]
        rivals = [pops[i] for i in order[1:]]
        if first <= 0:
            return None
        known = [p for p in rivals if p > 0]
        if known and first < POPULATION_RATIO * max(known):
            return None
        if len(known) < len(rivals) and first < LARGE_TOWN:
            return None
        return clusters[int(order[0])]

    def _candidate(self, h: _Hit) -> Candidate:
        p = self.gazetteer.place(h.index)
        return Candidate(
            place_id=p.place_id,
            name_en=p.name_en,
            name_ar=p.name_ar,
            kind=p.kind,
            country=p.country,
            latitude=p.latitude,
            longitude=p.longitude,
            population=p.population,
            match=h.match,
            score=h.score,
        )

    def _result(
        self,
        mention: str,
        hit: _Hit,
        categories: set[str],
        kinds_wanted: set[str],
        notes: list[str],
        candidates: tuple[Candidate, ...],
    ) -> GeocodeResult:
        place = self.gazetteer.place(hit.index)
        score = hit.score
        why: list[str] = []
        if place.kind in AREA_KINDS:
            precision = 3
            why.append(f"a {place.kind.replace('_', ' ')}: precision 3 at its seat")
        elif kinds_wanted and place.kind not in kinds_wanted and not categories <= {"type"}:
            precision = 2
            why.append(
                f"no {'/'.join(sorted(categories - {'type'}))} of that name: coded near the {place.kind}"
            )
            score *= 0.8
        elif categories & {"vicinity", "region_part"}:
            precision = 2
            why.append("the mention places the event near it or in its area: precision 2")
        else:
            precision = 1
        if notes:
            why.append("chosen by " + " and ".join(notes))
            score *= 0.9
        label = {
            "exact": "name match",
            "core": "match with the name of a site without its generic words",
            "skeleton": "transliteration match",
            "fuzzy": "close spelling",
        }
        admin1, admin2 = place.admin1, place.admin2
        if self.boundaries is not None and place.kind not in AREA_KINDS:
            found = self.boundaries.locate(place.latitude, place.longitude)
            if found is not None:
                admin1, admin2 = found.admin1, found.admin2
        country = find_country(place.country)
        reason = f"{label[hit.match]} with {place.name_en} ({_source_label(place)})"
        if why:
            reason += "; " + "; ".join(why)
        return GeocodeResult(
            mention=mention,
            matched=True,
            reason=reason,
            place_id=place.place_id,
            name_en=place.name_en,
            name_ar=place.name_ar or None,
            latitude=place.latitude,
            longitude=place.longitude,
            geo_precision=precision,
            admin1=admin1 or None,
            admin2=admin2 or None,
            country=country.name if country else place.country,
            iso=country.isonumeric if country else None,
            kind=place.kind,
            score=round(min(score, 1.0), 3),
            candidates=candidates,
        )


def _kind_asked(hits: list[_Hit]) -> str | None:
    """The kind of site the mention's generic words ask for ("field", "base"), if any."""
    if not hits:
        return None
    asked = sorted(c for c in hits[0].leftover if c in _KIND_HINTS and c not in ("type", "region"))
    return asked[0] if asked else None


def _level_name(prior: _Prior, level: frozenset[str] | None) -> str:
    if level is None:
        return "world"
    return "country" if prior.iso2 and level == frozenset({prior.iso2}) else "region"


_FUZZY_MEMO: ContextVar[dict | None] = ContextVar("fuzzy_memo", default=None)


@contextmanager
def same_report() -> Iterator[None]:
    """Within it, a misspelling is searched for once per set of countries: one report asks the
    geocoder the same phrase for each country of the theatre. Scoped to the caller's report, so
    no answer outlives it."""
    token = _FUZZY_MEMO.set({})
    try:
        yield
    finally:
        _FUZZY_MEMO.reset(token)


SITUATED_KM = 60.0  # how far from a town that situates it ("X near Y", "X in Y") a place may lie


def _situates(frame: GeocodeResult, place: GeocodeResult) -> bool:
    """Whether ``frame``, named in the same mention, can hold ``place``: a governorate or
    district of its country (its own, when both are known), or a town or site near it."""
    if frame.kind in AREA_KINDS:
        return frame.country == place.country and (
            not (frame.admin1 and place.admin1) or frame.admin1 == place.admin1
        )
    return (
        float(haversine_km(frame.latitude, frame.longitude, place.latitude, place.longitude))  # type: ignore[arg-type]
        <= SITUATED_KM
    )


def _as_written(text: str) -> str:
    """A name as its letters are written: case, accents, spaces and marks aside, but no vowel
    folded away."""
    return "".join(ch for ch in without_accents(text.casefold()) if ch.isalnum())


def _by_size(gaz: Gazetteer, hits: list[_Hit]) -> list[int]:
    """Place numbers, towns first and larger first: the order a list of candidates is read in."""
    ordered = sorted(hits, key=lambda h: (gaz.kind(h.index) != "town", -gaz.population[h.index]))
    return [h.index for h in ordered]


def _source_label(place: Place) -> str:
    if place.source in ("site", "place"):
        return f"{place.place_id}, coordinates: {place.coord_source}"
    return place.coord_source


def _list_places(gaz: Gazetteer, indexes: list[int], *, limit: int = 4) -> str:
    parts = []
    for i in indexes[:limit]:
        p = gaz.place(i)
        country = find_country(p.country)
        where = ", ".join(x for x in (country.name if country else p.country, p.admin1) if x)
        pop = f", pop {p.population:,}" if p.population > 0 else ""
        parts.append(f"{p.name_en} ({where}{pop})")
    more = len(indexes) - limit
    text = " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]
    return text + (f" and {more} more" if more > 0 else "")


def describe(result: GeocodeResult, *, candidates: bool = False) -> str:
    """A few lines for a person: the place, its point and precision, admin areas, and why."""
    if not result.matched:
        lines = [f"{result.mention}: no match - {result.reason}"]
    else:
        names = result.name_en + (f" ({result.name_ar})" if result.name_ar else "")
        where = " / ".join(x or "-" for x in (result.country, result.admin1, result.admin2))
        lines = [
            f"{result.mention} -> {names}  [{result.place_id}, {result.kind}]",
            f"  {result.latitude:.5f}, {result.longitude:.5f}  geo_precision {result.geo_precision}"
            f"  {where} (iso {result.iso})",
            f"  score {result.score}: {result.reason}",
        ]
    if candidates and result.candidates:
        lines.append("  candidates:")
        for c in result.candidates:
            pop = f", pop {c.population:,}" if c.population > 0 else ""
            lines.append(
                f"    {c.place_id} {c.name_en} ({c.country}, {c.kind}{pop}) "
                f"{c.latitude:.4f}, {c.longitude:.4f}  {c.match} {c.score}"
            )
    return "\n".join(lines)


# --- the shared default ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def default_geocoder() -> Geocoder:
    """The process-wide geocoder: the cached gazetteer (with the GeoNames dumps of
    CONFLICTMAP_GEONAMES_DUMPS), and boundaries from CONFLICTMAP_BOUNDARIES."""
    boundaries = None
    if os.environ.get("CONFLICTMAP_BOUNDARIES"):
        from geo.places.boundaries import Boundaries

        boundaries = Boundaries.load()
    return Geocoder(Gazetteer.load(dumps=configured_dumps()), boundaries=boundaries)


def configured_dumps() -> list[Path]:
    """The GeoNames country dumps CONFLICTMAP_GEONAMES_DUMPS names (paths joined by os.pathsep).

    cities500 holds a few hundred places of Syria and Iraq; the country dumps (``SY.txt``,
    ``IQ.txt`` from GeoNames' download pages, fetched by the analyst) hold every village.
    """
    text = os.environ.get("CONFLICTMAP_GEONAMES_DUMPS", "")
    paths = [Path(p).expanduser() for p in text.split(os.pathsep) if p.strip()]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise InputError(
            f"CONFLICTMAP_GEONAMES_DUMPS names no such file: {', '.join(missing)} "
            "(GeoNames country dumps such as SY.txt, joined by " + repr(os.pathsep) + ")"
        )
    return paths


def geocode(
    mention: str,
    *,
    country: str | None = None,
    near: Sequence[tuple[float, float]] | None = None,
    region: Sequence[str] | None = None,
    gazetteer: Gazetteer | None = None,
) -> GeocodeResult:
    """Resolve a place mention (Arabic or English) to a place, or say plainly why not.

    Parameters
    ----------
    mention
        The place as the report writes it: «بادية بلدة الجلاء», "near al-Jalaa", "Abu Kamal".
    country
        The report's country (ISO2, ISO3 or English name): places elsewhere are set aside.
    near
        (latitude, longitude) of other places the report names, to choose between homonyms.
    region
        ISO2 codes of the theatre, read after the report's country (default:
        :func:`geo.places.region.default_region`: CONFLICTMAP_REGION or the bundled events').
    gazetteer
        A gazetteer to search instead of the default one.
    """
    coder = Geocoder(gazetteer) if gazetteer is not None else default_geocoder()
    return coder.geocode(mention, country=country, near=near, region=region)


# --- geocoding imported rows -------------------------------------------------------------------
def lacks_coordinates(frame: pd.DataFrame) -> bool:
    """True when some row names a place but has no coordinates: cheap, loads no gazetteer."""
    from geo.schema import LATITUDE, LOCATION, LONGITUDE

    if LOCATION not in frame.columns or frame.empty:
        return False
    named = frame[LOCATION].notna()
    if LATITUDE not in frame.columns or LONGITUDE not in frame.columns:
        return bool(named.any())
    return bool((named & (frame[LATITUDE].isna() | frame[LONGITUDE].isna())).any())


def fill_coordinates(
    frame: pd.DataFrame, *, geocoder: Geocoder | None = None
) -> tuple[pd.DataFrame, list[Problem]]:
    """Give coordinates to the rows that have a ``location`` but no latitude/longitude.

    Sets latitude, longitude, geo_precision and place_id (and admin1/admin2/country/iso where
    empty) on a copy of ``frame``; rows that already have coordinates are left as they are.
    Returns the copy and one :class:`~geo.errors.Problem` per row that could not be resolved.
    """
    import pandas as pd

    from geo.schema import (
        ADMIN1,
        ADMIN2,
        COORD_SOURCE,
        COUNTRY,
        GEO_PRECISION,
        ISO,
        LATITUDE,
        LOCATION,
        LONGITUDE,
        PLACE_ID,
    )

    out = frame.copy()
    for column in (LATITUDE, LONGITUDE):
        if column not in out.columns:
            out[column] = np.nan
    for column in (LATITUDE, LONGITUDE, GEO_PRECISION, ISO):
        # A reader's text column (pandas' Arrow strings) cannot take the number placed in it.
        if column in out.columns and pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype("object")
    for column in (GEO_PRECISION, PLACE_ID, ADMIN1, ADMIN2, COUNTRY, ISO, COORD_SOURCE):
        if column not in out.columns:
            out[column] = pd.Series([None] * len(out), index=out.index, dtype="object")
        elif column not in (GEO_PRECISION, ISO):
            out[column] = out[column].astype("object")
    problems: list[Problem] = []
    if LOCATION not in out.columns:
        return out, problems
    todo = out[LOCATION].notna() & (out[LATITUDE].isna() | out[LONGITUDE].isna())
    if not todo.any():
        return out, problems
    coder = geocoder or default_geocoder()
    for label in out.index[todo]:
        location = str(out.at[label, LOCATION]).strip()
        if not location:
            continue
        country = out.at[label, COUNTRY]
        country = None if _missing(country) else str(country)
        if country is None and not _missing(out.at[label, ISO]):
            country = _iso_code(out.at[label, ISO])
        result = coder.geocode(location, country=country)
        if not result.matched:
            problems.append(Problem(label, LOCATION, f"{location!r} - {result.reason}"))
            continue
        out.at[label, LATITUDE] = result.latitude
        out.at[label, LONGITUDE] = result.longitude
        out.at[label, GEO_PRECISION] = result.geo_precision
        out.at[label, PLACE_ID] = result.place_id
        out.at[label, COORD_SOURCE] = f"gazetteer {result.place_id}: {result.reason}"
        for column, value in (
            (ADMIN1, result.admin1),
            (ADMIN2, result.admin2),
            (COUNTRY, result.country),
            (ISO, result.iso),
        ):
            if _missing(out.at[label, column]) and value is not None:
                out.at[label, column] = value
    return out, problems


def _iso_code(value: object) -> str | None:
    """An ISO numeric code as text ("760"), or None when the cell is not one (validation names it)."""
    try:
        return str(int(float(str(value).strip())))
    except (ValueError, OverflowError):
        return None


def _missing(value: object) -> bool:
    """None, NaN, pandas NA or blank text."""
    if value is None or value is getattr(np, "nan", None):
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        # NaN is not equal to itself; pandas NA and NaT print as themselves.
        return bool(value != value) or str(value) in ("<NA>", "NaT")
    except (TypeError, ValueError):
        return True
