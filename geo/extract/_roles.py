"""Who did it and to whom: roles of the actors of one clause. Private to :mod:`geo.extract`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.extract import actors as actors_mod
from geo.extract import triggers as trig
from geo.extract._clauses import (
    Context,
    Sentence,
    cue_after,
    cue_before,
    found,
    inside,
    words_between,
)
from geo.extract._spans import PhraseMatch


@dataclass(slots=True)
class Role:
    """An actor of a clause and what the words around it say it did."""

    actor: actors_mod.Actor
    start: int  # offsets in the sentence's normalised text
    end: int
    role: str  # attacker, target, speaker (only reports it) or unknown


def find_roles(
    s: Sentence,
    cs: int,
    ce: int,
    ctx: Context,
    *,
    live: list[trig.Trigger],
    excluded: list[tuple[int, int]],
    target_zone: tuple[int, int] | None,
) -> list[Role]:
    """Every actor of the clause with its role, outlets and excluded zones left out."""
    lang = ctx.lang
    cue = {
        name: found(s, ctx, name, cs, ce)
        for name in (
            "attribution",
            "attacker_before",
            "target_before",
            "target_after",
            "active_verbs",
            "passive_after",
            "between",
            "air",
            "ground",
            "named_aim",
            "speaker_title",
        )
    }
    # «خلية لتنظيم داعش»: the group after a cell owns it, it did not carry anything out
    trigger_ends = {t.end for t in live if not t.cell}
    victims = _victim_zones(s.nt.norm, cs, ce, lang, live)
    roles: list[Role] = []
    outlets = [(m.start, m.end) for m in found(s, ctx, "@outlets")]
    mentions = found(s, ctx, "@actors", cs, ce)
    for k, m in enumerate(mentions):
        if inside(m.start, outlets):
            continue  # «وفقاً لسنتكوم»: an outlet credited, not an actor of the event
        if inside(m.start, excluded):
            continue
        if k and _names_aim(s, mentions[k - 1], m, cue["named_aim"]):
            continue  # "the coalition against ISIS": the doer's name, not its target
        actor: actors_mod.Actor = m.payload  # type: ignore[assignment]
        role = (
            "target"
            if inside(m.start, victims)
            else role_of(s, m, cue, trigger_ends, lang, target_zone)
        )
        roles.append(Role(actor, m.start, m.end, role))
    between = cue["between"]
    if between and len(roles) >= 2 and all(r.start > between[0].end for r in roles[:2]):
        roles[0].role, roles[1].role = "attacker", "target"
    return roles


# «قتل ما لا يقل عن 18 عنصرا من ميليشيا ... في غارات», "killed at least 12 militia fighters in
# strikes": a count after the killing word makes it passive; whoever is counted died in the event
_COUNTED_DEAD = {
    "ar": re.compile(
        r"(?<!\w)(?:و)?(?:قتل|مقتل|مصرع|اصابه|جرح)\s+(?:ما\s+لا\s+يقل\s+عن|اكثر\s+من|نحو|"
        r"حوالي|قرابه|عدد\s+من|العشرات\s+من|\d+|اثنين|ثلاثه|اربعه|خمسه|سته|سبعه|ثمانيه|تسعه|عشره)"
        r"(?!\w)"
    ),
    "en": re.compile(
        r"(?<!\w)(?:killed|killing|wounded|wounding|injuring|injured)\s+(?:at\s+least\s+|some\s+|"
        r"about\s+|around\s+|more\s+than\s+|dozens\s+of\s+)?(?:\d+|two|three|four|five|six|"
        r"seven|eight|nine|ten|a\s+number\s+of|several)(?!\w)",
        re.IGNORECASE,
    ),
}


def _victim_zones(
    norm: str, cs: int, ce: int, lang: str, live: list[trig.Trigger]
) -> list[tuple[int, int]]:
    """Spans naming the dead or wounded of the event: from the counted killing word to the
    next event word (the strike that killed them), which may not follow it."""
    zones = []
    for m in _COUNTED_DEAD[lang].finditer(norm, cs, ce):
        nxt = [t.start for t in live if t.start >= m.end()]
        zones.append((m.start(), min(nxt) if nxt else ce))
    return zones


_ABBREVIATION = re.compile(r"\s*(?:\([^()]{1,15}\)|\))")


def role_of(
    s: Sentence,
    m: PhraseMatch,
    cue: dict[str, list[PhraseMatch]],
    trigger_ends: set[int],
    lang: str,
    target_zone: tuple[int, int] | None,
) -> str:
    if target_zone and target_zone[0] <= m.start < target_zone[1]:
        return "target"
    # "by X", «من قبل X»; English also "by a Turkish drone", "by the SDF"
    if cue_before(cue["attacker_before"], m.start, s, max_words=0 if lang == "ar" else 1):
        return "attacker"
    # "the Syrian Democratic Forces (SDF) said": an abbreviation in brackets belongs to the name
    abbr = _ABBREVIATION.match(s.nt.norm, m.end)
    after = abbr.end() if abbr else m.end
    if cue_after(cue["attribution"], after, s, max_words=0) or cue_before(
        cue["attribution"], m.start, s, max_words=0
    ):
        return "speaker"  # "..., the SDF said", «وقالت قسد»: who tells it, not who took part
    if _titled_speaker(s, m, after, cue, lang):
        return "speaker"  # "a commander with the PMF said", «قال قيادي في الحشد»
    prev = [t for t in s.toks if t.end <= m.start]
    if lang == "ar" and "ل" in m.prefix:
        # «قصف مدفعي لقوات النظام»: the agent of a verbal noun; «مواقع للميليشيات»: the owner.
        return "attacker" if prev and prev[-1].end in trigger_ends else "target"
    if (
        lang == "ar"
        and prev
        and (
            prev[-1].end in trigger_ends
            or cue_before(cue["air"], m.start, s, max_words=0)
            or cue_before(cue["ground"], m.start, s, max_words=0)
        )
    ):
        # «مدفعية التحالف», «طائرات التحالف»: the weapon's owner fired it
        return "attacker"
    verb_before = cue_before(cue["active_verbs"], m.start, s, max_words=0)
    target_cue = cue_before(cue["target_before"], m.start, s, max_words=1)
    if target_cue is not None and not (
        lang == "ar" and cue_before(cue["active_verbs"], target_cue.start, s, max_words=0)
    ):
        return "target"
    if cue_after(cue["target_after"], m.end, s, max_words=0) or cue_after(
        cue["passive_after"], m.end, s, max_words=1
    ):
        return "target"
    if lang == "ar":
        if verb_before or cue_after(cue["active_verbs"], m.end, s, max_words=0):
            return "attacker"
        return "unknown"
    if cue_after(cue["active_verbs"], m.end, s, max_words=3):
        return "attacker"
    if cue_before(cue["active_verbs"], m.start, s, max_words=1):
        return "target"
    return "unknown"


def _names_aim(s: Sentence, before: PhraseMatch, m: PhraseMatch, aims: list[PhraseMatch]) -> bool:
    """Is ``m`` the enemy in the name of the actor right before it ("coalition against ISIS")?"""
    actor: actors_mod.Actor = before.payload  # type: ignore[assignment]
    if "against" not in actor.name.lower():
        return False
    aim = cue_after(aims, before.end, s, max_words=0)
    return aim is not None and words_between(s, aim.end, m.start) <= 1


def _titled_speaker(
    s: Sentence, m: PhraseMatch, after: int, cue: dict[str, list[PhraseMatch]], lang: str
) -> bool:
    """A title names the actor's spokesman, and a verb of saying follows (English) or opens
    the clause (Arabic) within a few words, with no event word between."""
    title = cue_before(cue["speaker_title"], m.start, s, max_words=1)
    if title is None:
        return False
    if lang == "ar":
        said = cue_before(cue["attribution"], title.start, s, max_words=1)
    else:
        said = cue_after(cue["attribution"], after, s, max_words=6)
    return said is not None


Actors = tuple[
    actors_mod.Actor, list[actors_mod.Actor], actors_mod.Actor | None, list[actors_mod.Actor]
]


def pick_actors(roles: list[Role], sub: str, ctx: Context, *, trigger_pos: int) -> Actors:
    """actor1, its associates, actor2, its associates.

    An actor whose role the words leave open is the doer when it comes before the event word
    and no doer is named, else the target. With no doer at all, ACLED's unidentified actor.
    Protests and riots have the crowd as actor1 (and never the civilians they are made of).
    """
    attackers = unique(r.actor for r in roles if r.role == "attacker")
    targets = unique(r.actor for r in roles if r.role == "target")
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
        others = [a for a in attackers + targets if a.id not in (crowd, "civilians")]
        return ctx.dictionary[crowd], [], (others[0] if others else None), others[1:]
    targets = [t for t in targets if t not in attackers]
    if not attackers:
        unidentified = (
            "unidentified_military_forces" if sub == trig.AIR else "unidentified_armed_group"
        )
        attackers = [ctx.dictionary[unidentified]]
    return attackers[0], attackers[1:], (targets[0] if targets else None), targets[1:]


def unique(items) -> list:
    out: list = []
    for x in items:
        if x not in out:
            out.append(x)
    return out
