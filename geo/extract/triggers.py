"""Event lexicon: which words report which ACLED sub-event type, and the cues around them.

The words are data (``data/triggers.yaml``); this module loads them into phrase indexes and
answers the questions the extractor asks of one clause: which event does it report, if any,
and is that report negated, background, or a reference back to another event.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

from geo import settings
from geo.errors import InputError
from geo.extract._spans import PhraseIndex, PhraseMatch, Token, fold
from geo.schema import SUB_EVENT_TYPES

TRIGGERS_FILE = settings.DATA_DIR / "triggers.yaml"
OUTLETS_FILE = settings.DATA_DIR / "outlets.yaml"

AIR = "Air/drone strike"
SHELLING = "Shelling/artillery/missile attack"
IED = "Remote explosive/landmine/IED"
CLASH = "Armed clash"
ATTACK = "Attack"
ARRESTS = "Arrests"
DISRUPTED = "Disrupted weapons use"

# When one clause holds triggers of several types, the most telling wins: a downed drone is not
# an air strike, a suicide car bomb is not a car bomb, an air strike that killed people is not
# an "Attack".
PRIORITY = (
    "Disrupted weapons use",
    "Chemical weapon",
    "Suicide bomb",
    AIR,
    IED,
    "Grenade",
    CLASH,
    SHELLING,
    "Abduction/forced disappearance",
    "Arrests",
    "Looting/property destruction",
    "Violent demonstration",
    "Peaceful protest",
    "Government regains territory",
    "Non-state actor overtakes territory",
    ATTACK,
)


@dataclass(frozen=True, slots=True)
class Trigger:
    """A lexicon hit in normalised text."""

    start: int
    end: int
    sub_event_type: str | None  # None: a weak trigger with no default
    strong: bool
    weak_group: int = -1  # index into the weak list, for weak triggers
    cell: bool = False  # the cell of "dismantled a cell": an actor right after it owns the cell


@dataclass(frozen=True, slots=True)
class _Weak:
    default: str | None


class Lexicon:
    """The phrase indexes of one lexicon file, per language."""

    def __init__(self, doc: dict, *, where: str, outlets: list[dict] | None = None) -> None:
        self._where = where
        self._triggers: dict[str, PhraseIndex] = {}
        self._weak: list[_Weak] = []
        self._lists: dict[tuple[str, str], PhraseIndex] = {}
        triggers = doc.get("triggers") or {}
        for sub in triggers:
            if sub not in SUB_EVENT_TYPES:
                raise InputError(f"{where}, triggers: {sub!r} is not an ACLED sub-event type")
        weak = doc.get("weak") or []
        for k, group in enumerate(weak):
            default = group.get("default")
            if default is not None and default not in SUB_EVENT_TYPES:
                raise InputError(f"{where}, weak[{k}]: default {default!r} is not a sub-event type")
            self._weak.append(_Weak(default))
        for lang in ("ar", "en"):
            phrases: dict[str, object] = {}
            for k, group in enumerate(weak):
                for phrase in group.get(lang) or ():
                    phrases[str(phrase)] = ("weak", k)
            for sub, langs in triggers.items():
                for phrase in (langs or {}).get(lang) or ():
                    phrases[str(phrase)] = ("strong", sub)
            self._triggers[lang] = PhraseIndex(phrases)
        self._add_lists(doc, ("modifiers",), nested=True)
        for name in (
            "negation",
            "no_casualties",
            "background",
            "another_event",
            "reference_before",
            "attribution",
            "denied_role",
            "claimed",
            "person_origin",
            "military_target",
            "cargo",
        ):
            self._add_list(name, doc.get(name) or {})
        self._add_lists(doc, ("roles",), nested=True)
        raids = doc.get("cell_raids") or {}
        self._raid_window = int(raids.get("window") or 0)
        for part in ("verbs", "objects", "doer_before"):
            self._add_list(f"cell_raids.{part}", raids.get(part) or {})
        self._words: dict[tuple[str, str], frozenset[str]] = {
            (name, lang): frozenset(
                fold(_phrase(w, where=f"{where}, place_words.{name}.{lang}"))
                for w in (langs or {}).get(lang) or ()
            )
            for name, langs in (doc.get("place_words") or {}).items()
            for lang in ("ar", "en")
        }
        self._named: dict[str, dict[str, PhraseIndex]] = {"countries": {}, "outlets": {}}
        countries = doc.get("countries") or {}
        self._country_names = [str(c) for c in countries]
        outlets = outlets or []
        for lang in ("ar", "en"):
            self._named["countries"][lang] = PhraseIndex(
                {str(p): name for name, langs in countries.items() for p in langs.get(lang) or ()}
            )
            self._named["outlets"][lang] = PhraseIndex(
                {str(p): str(o["name"]) for o in outlets for p in o.get(lang) or ()}
            )

    def _add_lists(self, doc: dict, keys: tuple[str, ...], *, nested: bool) -> None:
        for key in keys:
            for name, langs in (doc.get(key) or {}).items():
                self._add_list(name, langs or {})

    def _add_list(self, name: str, langs: dict) -> None:
        for lang in ("ar", "en"):
            phrases = [
                _phrase(p, where=f"{self._where}, {name}.{lang}") for p in langs.get(lang) or ()
            ]
            self._lists[(name, lang)] = PhraseIndex(dict.fromkeys(phrases, name))

    def triggers(
        self, norm: str, toks: list[Token], *, lang: str, forms: frozenset[str] | None = None
    ) -> list[Trigger]:
        """Every trigger in a normalised clause, in order."""
        found = []
        for m in self._triggers[lang].find(norm, toks, forms=forms):
            kind, value = m.payload  # type: ignore[misc]
            if kind == "strong":
                found.append(Trigger(m.start, m.end, value, True))
            else:
                found.append(Trigger(m.start, m.end, self._weak[value].default, False, value))
        raids = self._cell_raids(norm, toks, lang=lang, forms=forms)
        if raids:
            taken = [(t.start, t.end) for t in found]
            raids = [r for r in raids if not any(a < r.end and r.start < b for a, b in taken)]
            if any(t.strong and t.sub_event_type in (CLASH, ATTACK) for t in found):
                # "an operation against a cell ..., and clashes killed two": the raid was fought
                raids = [replace(r, sub_event_type=CLASH) for r in raids]
            found = sorted(found + raids, key=lambda t: t.start)
        return found

    def _cell_raids(
        self, norm: str, toks: list[Token], *, lang: str, forms: frozenset[str] | None
    ) -> list[Trigger]:
        """Arrests triggers on the cell of "dismantled an ISIS cell", «فككت قوات ... خلية»: the
        verb and its object may stand words apart, which one phrase cannot say."""
        cells = self.find("cell_raids.objects", norm, toks, lang=lang, forms=forms)
        if not cells:
            return []
        verbs = self.find("cell_raids.verbs", norm, toks, lang=lang, forms=forms)
        doers = self.find("cell_raids.doer_before", norm, toks, lang=lang, forms=forms)
        starts = [t.start for t in toks]
        out = []
        for cell in cells:
            at = bisect.bisect_left(starts, cell.start)
            if any(
                v.end <= cell.start
                and at - bisect.bisect_left(starts, v.end) <= self._raid_window
                and not any(v.end <= d.start < cell.start for d in doers)
                for v in verbs
            ):
                out.append(Trigger(cell.start, cell.end, ARRESTS, True, cell=True))
        return out

    def find(
        self,
        name: str,
        norm: str,
        toks: list[Token],
        *,
        lang: str,
        forms: frozenset[str] | None = None,
    ) -> list[PhraseMatch]:
        """Matches of one cue list (``negation``, ``air``, ``target_before`` ...)."""
        return self._lists[(name, lang)].find(norm, toks, forms=forms)

    def has(self, name: str, norm: str, toks: list[Token], *, lang: str) -> bool:
        return bool(self.find(name, norm, toks, lang=lang))

    def words(self, name: str, *, lang: str) -> frozenset[str]:
        """One folded word list of ``place_words`` (``start_after``, ``stop`` ...)."""
        return self._words.get((name, lang), frozenset())

    def country_names(self) -> list[str]:
        """The countries of the lexicon, in its order (the project's theatre first)."""
        return list(self._country_names)

    def named(
        self,
        what: str,
        norm: str,
        toks: list[Token],
        *,
        lang: str,
        forms: frozenset[str] | None = None,
    ) -> list[PhraseMatch]:
        """Countries (``what="countries"``) or news outlets (``"outlets"``) named in the text;
        the payload is the English name."""
        return self._named[what][lang].find(norm, toks, forms=forms)


def _phrase(value: object, *, where: str) -> str:
    if not isinstance(value, str):
        # YAML reads a bare on/off/yes/no as a boolean
        raise InputError(f"{where}: {value!r} is not text; put the word in quotes")
    return value


def classify(
    triggers: list[Trigger], *, air: bool, ground: bool, attacker_air: bool
) -> tuple[str | None, Trigger | None]:
    """The sub-event type a clause reports, and the trigger that decided it.

    Strong triggers decide by :data:`PRIORITY`, except that the words of an attack's outcome
    («مقتل», "killed") yield to a generic strike or explosion word («استهدفت طائرة مسيرة ... ما أدى
    إلى مقتل» is a drone strike, «قصف ... ما أدى إلى مقتل» shelling). A generic word is an air
    strike with an air modifier (طائرة, drone) or an attacker with an air force, shelling with
    a ground modifier (مدفعية, rockets), else its default, else nothing.
    """
    strong = [t for t in triggers if t.strong]
    weak = sorted((t for t in triggers if not t.strong), key=lambda t: (t.weak_group, t.start))
    decisive = [t for t in strong if t.sub_event_type != ATTACK]
    if decisive:
        best = min(decisive, key=lambda t: (PRIORITY.index(t.sub_event_type), t.start))
        if best.sub_event_type == SHELLING and air and not ground:
            # «قصف صاروخي من الطيران»: a missile from an aircraft is an air strike
            return AIR, best
        if best.sub_event_type == ARRESTS and any(t.sub_event_type == ATTACK for t in strong):
            # a raid in which people were killed is an attack (or a clash), not an arrest
            return ATTACK, best
        return best.sub_event_type, best
    for t in weak:
        if t.sub_event_type in (None, SHELLING):
            if air or (attacker_air and not ground):
                return AIR, t
            if ground:
                return SHELLING, t
        if t.sub_event_type is not None:
            return t.sub_event_type, t
    if strong:
        if air and not ground:
            # "killed by a drone", "an aerial attack": the killing was an air strike
            return AIR, strong[0]
        return strong[0].sub_event_type, strong[0]
    return None, None


def _read_yaml(path: Path, *, key: str, what: str) -> dict:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"{path}: cannot read the {what} ({exc})") from exc
    if not isinstance(doc, dict) or key not in doc:
        raise InputError(f"{path}: expected a mapping with a '{key}:' section")
    return doc


def load(path: Path | str = TRIGGERS_FILE, *, outlets: Path | str | None = OUTLETS_FILE) -> Lexicon:
    """Read a lexicon file and, optionally, the list of news outlets."""
    path = Path(path)
    doc = _read_yaml(path, key="triggers", what="event lexicon")
    outlet_list: list[dict] = []
    if outlets is not None:
        outlet_list = _read_yaml(Path(outlets), key="outlets", what="list of outlets")["outlets"]
        for k, o in enumerate(outlet_list):
            if not isinstance(o, dict) or not o.get("name"):
                raise InputError(f"{outlets}, outlet {k + 1}: field name is missing")
    return Lexicon(doc, where=str(path), outlets=outlet_list)


@lru_cache(maxsize=1)
def default() -> Lexicon:
    """The project's lexicon (data/triggers.yaml and data/outlets.yaml), read once."""
    return load()
