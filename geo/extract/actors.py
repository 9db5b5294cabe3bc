"""Actor dictionary: canonical ACLED-style actors, their types, and finding them in text.

>>> from geo.extract import actors
>>> [m.name for m in actors.resolve("قصفت طائرات التحالف الدولي مواقع للميليشيات الإيرانية", lang="ar")]
['Global Coalition Against Daesh', 'Militia (Pro-Iran)']

The dictionary lives in ``data/actors.yaml`` (names, ACLED actor types, Arabic and English
aliases, sources). Matching folds spelling variants and Arabic proclitics, so
«للميليشيات الإيرانية» and «والقوات الأميركية» resolve like the bare forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from geo import settings
from geo.errors import InputError
from geo.extract._spans import (
    NormText,
    PhraseIndex,
    PhraseMatch,
    Token,
    is_arabic,
    normalise,
    tokens,
)
from geo.schema import ACTOR_TYPE_LABELS

ACTORS_FILE = settings.DATA_DIR / "actors.yaml"


@dataclass(frozen=True, slots=True)
class Actor:
    """One canonical actor. ``name`` may hold ``{country}``, filled per report."""

    id: str
    name: str
    type: str
    air: bool = False
    periods: tuple[tuple[dt.date, str], ...] = ()
    ar: tuple[str, ...] = ()
    en: tuple[str, ...] = ()

    def name_for(self, *, country: str = "Syria", on: dt.date | None = None) -> str:
        """The canonical name for a report on ``country``, as in force on ``on``."""
        name = self.name
        if on is not None:
            for start, period_name in self.periods:
                if on >= start:
                    name = period_name
        return name.replace("{country}", country)


@dataclass(frozen=True, slots=True)
class ActorMention:
    """An actor found in text; ``start``/``end`` index the original text."""

    actor: Actor
    name: str
    type: str
    start: int
    end: int
    text: str
    prefix: str = ""  # Arabic proclitics on the mention, e.g. "ل" in «للميليشيات»

    @property
    def id(self) -> str:
        return self.actor.id


class ActorDictionary:
    """All actors of one dictionary file and their alias indexes (one per language)."""

    def __init__(self, actors: list[Actor]) -> None:
        self.actors = {a.id: a for a in actors}
        self._index = {
            "ar": PhraseIndex({alias: a for a in actors for alias in a.ar}),
            "en": PhraseIndex({alias: a for a in actors for alias in a.en}),
        }

    def __getitem__(self, actor_id: str) -> Actor:
        return self.actors[actor_id]

    def matches(
        self, norm: str, toks: list[Token], *, lang: str, forms: frozenset[str] | None = None
    ) -> list[PhraseMatch]:
        """Alias matches in normalised text (offsets in ``norm``; payload: the :class:`Actor`)."""
        return self._index[lang].find(norm, toks, forms=forms)

    def find(
        self,
        nt: NormText,
        *,
        lang: str,
        toks: list[Token] | None = None,
        country: str = "Syria",
        on: dt.date | None = None,
    ) -> list[ActorMention]:
        """Actors in an already normalised text (used by the extractor, which normalises once)."""
        found = []
        for m in self.matches(nt.norm, toks if toks is not None else tokens(nt.norm), lang=lang):
            actor: Actor = m.payload  # type: ignore[assignment]
            start, end = nt.span(m.start, m.end)
            found.append(
                ActorMention(
                    actor=actor,
                    name=actor.name_for(country=country, on=on),
                    type=actor.type,
                    start=start,
                    end=end,
                    text=nt.original[start:end],
                    prefix=m.prefix,
                )
            )
        return found

    def resolve(
        self,
        text: str,
        *,
        lang: str = "auto",
        country: str = "Syria",
        on: dt.date | None = None,
    ) -> list[ActorMention]:
        """Every actor mentioned in ``text``, in order, longest alias first, no overlaps.

        Parameters
        ----------
        text
            A sentence or phrase, Arabic or English.
        lang
            "ar", "en" or "auto" (decided by the share of Arabic letters).
        country
            Fills names such as ``Unidentified Armed Group ({country})``.
        on
            Event date, for actors whose ACLED name changes with the government in power.
        """
        if lang == "auto":
            lang = "ar" if is_arabic(text) else "en"
        nt = normalise(text)
        return self.find(nt, lang=lang, toks=tokens(nt.norm), country=country, on=on)


def _parse_actor(entry: object, *, where: str) -> Actor:
    if not isinstance(entry, dict):
        raise InputError(f"{where}: expected a mapping with id, name, type, ar, en")
    for key in ("id", "name", "type"):
        if not entry.get(key):
            raise InputError(f"{where}: field {key} is missing")
    if entry["type"] not in ACTOR_TYPE_LABELS:
        allowed = ", ".join(ACTOR_TYPE_LABELS)
        raise InputError(f"{where}, field type: {entry['type']!r} is not one of {allowed}")
    periods = []
    for k, p in enumerate(entry.get("periods") or []):
        if not isinstance(p, dict) or not isinstance(p.get("from"), dt.date) or not p.get("name"):
            raise InputError(f"{where}, periods[{k}]: expected {{from: YYYY-MM-DD, name: ...}}")
        periods.append((p["from"], str(p["name"])))
    return Actor(
        id=str(entry["id"]),
        name=str(entry["name"]),
        type=str(entry["type"]),
        air=bool(entry.get("air", False)),
        periods=tuple(sorted(periods)),
        ar=tuple(str(a) for a in entry.get("ar") or ()),
        en=tuple(str(a) for a in entry.get("en") or ()),
    )


def load(path: Path | str = ACTORS_FILE) -> ActorDictionary:
    """Read an actor dictionary file (YAML with a top-level ``actors`` list)."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the actor dictionary ({exc})") from exc
    entries = doc.get("actors") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"{path}: expected a top-level 'actors:' list")
    actors = [_parse_actor(e, where=f"{path}, actor {i + 1}") for i, e in enumerate(entries)]
    seen: set[str] = set()
    for i, a in enumerate(actors):
        if a.id in seen:
            raise InputError(f"{path}, actor {i + 1}: id {a.id!r} is used twice")
        seen.add(a.id)
    return ActorDictionary(actors)


@lru_cache(maxsize=1)
def default() -> ActorDictionary:
    """The project's dictionary (data/actors.yaml), read once."""
    return load(ACTORS_FILE)


def resolve(
    text: str, *, lang: str = "auto", country: str = "Syria", on: dt.date | None = None
) -> list[ActorMention]:
    """Actors in ``text`` according to the project's dictionary (see ``ActorDictionary.resolve``)."""
    return default().resolve(text, lang=lang, country=country, on=on)
