"""Place mention (+ context) -> place, coordinates, ACLED geo_precision, admin areas, score, reason.

>>> r = geocode("بادية بلدة الجلاء بريف البوكمال", country="SY")
>>> r.name_en, r.geo_precision, r.latitude, r.longitude
('Al Jalā’', 2, 34.63346, 40.84054)
>>> geocode("al-Qaim", country="SY").reason.split(" (")[0]
"outside Syria, the report's country: 'al-Qaim' names Al Qā’im"

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
4. Candidates outside the report's country are set aside (and named in the reason when nothing
   is left). Candidates within 12 km of each other are one place. Between distinct places the
   geocoder decides by the kind asked for, by proximity to the ``near`` points, by clearly larger
   population; otherwise it answers "ambiguous" and lists them. It never guesses.

The module-level :func:`geocode` uses one :class:`Geocoder` built on first use and kept (the
gazetteer index loads from the disk cache; see :mod:`geo.places.gazetteer`). Boundaries for admin areas
come from ``CONFLICTMAP_BOUNDARIES`` when set (see :mod:`geo.places.boundaries`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from geo.errors import Problem
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
FUZZY_MARGIN = 4.0  # how far the best fuzzy place must lead the runner-up
NEAR_MAX_KM = 150.0  # a near point farther than this from every candidate says nothing
POPULATION_RATIO = 10.0  # a place this many times larger than every rival wins by population


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


def _haversine_km(lat1: float, lon1: float, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
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
    return [t]


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
class Geocoder:
    """A loaded gazetteer (and optional boundaries) to geocode many mentions with.

    Parameters
    ----------
    gazetteer
        The gazetteer to search (default: ``Gazetteer.load()``, from the disk cache).
    boundaries
        Admin boundaries to set admin1/admin2 by point-in-polygon (default: none).
    """

    def __init__(
        self, gazetteer: Gazetteer | None = None, *, boundaries: Boundaries | None = None
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer.load()
        self.boundaries = boundaries

    # public
    def geocode(
        self,
        mention: str,
        *,
        country: str | None = None,
        near: Sequence[tuple[float, float]] | None = None,
    ) -> GeocodeResult:
        """Resolve one place mention; see the module docstring for how."""
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
        segments = split_mention(text)
        if not segments:
            return GeocodeResult(
                mention=mention, matched=False, reason="no place name in the mention"
            )
        points = list(near or [])
        context: list[GeocodeResult] = []
        for seg in segments[1:]:
            sub = self._resolve(seg, seg.text(), iso2, country_name, points)
            if sub.matched:
                context.append(sub)
                points.append((sub.latitude, sub.longitude))  # type: ignore[arg-type]
        result = self._resolve(segments[0], text, iso2, country_name, points)
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
                f"{segments[0].text()!r} is not in the gazetteer ({result.reason}); coded to "
                f"{best.name_en} named in the same mention, as a part of its area"
            ),
        )

    # internals
    def _lookup(self, seg: _Segment, iso2: str | None) -> tuple[list[_Hit], list[_Hit]]:
        """Hits of the first tier and span that find anything: (in the country, elsewhere)."""
        gaz = self.gazetteer
        spans = _spans(seg)
        outside: list[_Hit] = []
        # Site names without their generic words ("Deir ez-Zor" for "Deir ez-Zor airport") come
        # after every full name: they must not hide the town the site is named after.
        for tier in ("exact", "skeleton", "core"):
            for keys, leftover in spans:
                found: dict[int, _Hit] = {}
                for key in keys:
                    if tier == "exact":
                        ids = gaz.lookup(key)
                    elif tier == "core":
                        ids = gaz.lookup_core(key)
                    else:
                        skel = skeleton(key)
                        if len(skel) < 3:
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
                inside = [h for h in hits if iso2 is None or gaz.country(h.index) == iso2]
                if inside:
                    return inside, []
                outside = outside or hits
        if any(h.match == "exact" for h in outside):
            # The name is exactly a place abroad: a near spelling at home is no better a guess.
            return [], outside
        fuzzy = self._fuzzy(spans, iso2)
        if fuzzy:
            return fuzzy, []
        return [], outside

    def _fuzzy(
        self, spans: list[tuple[list[str], tuple[str, ...]]], iso2: str | None
    ) -> list[_Hit]:
        from rapidfuzz import fuzz, process

        gaz = self.gazetteer
        choices, positions = gaz.fuzzy_keys(iso2)
        if not choices:
            return []
        best: dict[int, _Hit] = {}
        for keys, leftover in spans[-1:] + spans[:1]:  # the bare name, then the whole mention
            for key in keys:
                if len(key) < 5:
                    continue
                for _choice, score, pos in process.extract(
                    key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=20
                ):
                    for i in gaz.folded.places_at(int(positions[pos])).tolist():
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
        iso2: str | None,
        country_name: str | None,
        near: list[tuple[float, float]],
    ) -> GeocodeResult:
        gaz = self.gazetteer
        hits, outside = self._lookup(seg, iso2)
        if not hits:
            if outside:
                outside.sort(key=lambda h: (gaz.kind(h.index) != "town", -gaz.population[h.index]))
                names = _list_places(gaz, [h.index for h in outside], limit=3)
                return GeocodeResult(
                    mention=mention,
                    matched=False,
                    reason=f"outside {country_name}, the report's country: {mention!r} names {names}",
                    candidates=tuple(self._candidate(h) for h in outside[:10]),
                )
            return GeocodeResult(
                mention=mention, matched=False, reason="no candidate in the gazetteer"
            )
        categories = set(hits[0].leftover)
        kinds_wanted: set[str] = set()
        for cat in categories:
            kinds_wanted |= _KIND_HINTS.get(cat, frozenset())
        wants_region = bool(categories & {"region", "region_part"})
        candidates = tuple(self._candidate(h) for h in sorted(hits, key=lambda h: -h.score)[:10])
        clusters = self._clusters(hits)
        notes: list[str] = []
        if len(clusters) > 1 and kinds_wanted:
            kept = [c for c in clusters if any(gaz.kind(h.index) in kinds_wanted for h in c)]
            if kept and len(kept) < len(clusters):
                clusters = kept
                notes.append("the kind of place named")
        if len(clusters) > 1 and "region" in categories:
            kept = [c for c in clusters if any(gaz.kind(h.index) in AREA_KINDS for h in c)]
            if kept and len(kept) < len(clusters):
                clusters = kept
                notes.append("the governorate asked for")
        if len(clusters) > 1:
            best_score = max(h.score for c in clusters for h in c)
            top = [
                c for c in clusters if max(h.score for h in c) >= best_score - FUZZY_MARGIN / 100
            ]
            if hits[0].match == "fuzzy" or len(top) < len(clusters):
                if len(top) < len(clusters):
                    notes.append("a closer spelling")
                clusters = top
        if len(clusters) > 1 and near:
            chosen = self._by_proximity(clusters, near)
            if chosen is not None:
                clusters = [chosen]
                notes.append("proximity to the other places of the report")
        if len(clusters) > 1:
            chosen = self._by_population(clusters)
            if chosen is not None:
                clusters = [chosen]
                notes.append("a much larger population")
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
        return self._result(mention, rep, categories, kinds_wanted, notes, candidates)

    def _clusters(self, hits: list[_Hit]) -> list[list[_Hit]]:
        gaz = self.gazetteer
        clusters: list[list[_Hit]] = []
        for h in sorted(hits, key=lambda h: (-h.score, -int(gaz.population[h.index]))):
            for c in clusters:
                d = _haversine_km(
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
                float(_haversine_km(lat, lon, gaz.latitude[idx], gaz.longitude[idx]).min())
                for lat, lon in near
            )
            dists.append(d)
        order = np.argsort(dists)
        best, second = dists[order[0]], dists[order[1]]
        if best <= NEAR_MAX_KM and second >= 2 * best + 25:
            return clusters[int(order[0])]
        return None

    def _by_population(self, clusters: list[list[_Hit]]) -> list[_Hit] | None:
        gaz = self.gazetteer
        pops = [max(int(gaz.population[h.index]) for h in c) for c in clusters]
        # A population of 0 or -1 means unknown (small GeoNames places, curated sites): an
        # unknown rival could be the place meant, so population decides nothing then.
        if min(pops) <= 0:
            return None
        order = np.argsort(pops)[::-1]
        if pops[order[0]] >= POPULATION_RATIO * pops[order[1]]:
            return clusters[int(order[0])]
        return None

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


def _source_label(place: Place) -> str:
    if place.source == "site":
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
    """The process-wide geocoder: the cached gazetteer, and boundaries from CONFLICTMAP_BOUNDARIES."""
    boundaries = None
    if os.environ.get("CONFLICTMAP_BOUNDARIES"):
        from geo.places.boundaries import Boundaries

        boundaries = Boundaries.load()
    return Geocoder(boundaries=boundaries)


def geocode(
    mention: str,
    *,
    country: str | None = None,
    near: Sequence[tuple[float, float]] | None = None,
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
    gazetteer
        A gazetteer to search instead of the default one.
    """
    coder = Geocoder(gazetteer) if gazetteer is not None else default_geocoder()
    return coder.geocode(mention, country=country, near=near)


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
