"""Who did it and to whom: roles of the actors of one clause. Private to :mod:`geo.extract`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.extract import actors as actors_mod
from geo.extract import triggers as trig
from geo.extract._clauses import Context, Sentence, cue_after, cue_before, found, inside
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
        )
    }
    # «خلية لتنظيم داعش»: the group after a cell owns it, it did not carry anything out
    trigger_ends = {t.end for t in live if not t.cell}
    roles: list[Role] = []
    outlets = [(m.start, m.end) for m in found(s, ctx, "@outlets")]
    for m in found(s, ctx, "@actors", cs, ce):
        if inside(m.start, outlets):
            continue  # «وفقاً لسنتكوم»: an outlet credited, not an actor of the event
        if inside(m.start, excluded):
            continue
        actor: actors_mod.Actor = m.payload  # type: ignore[assignment]
        roles.append(
            Role(actor, m.start, m.end, role_of(s, m, cue, trigger_ends, lang, target_zone))
        )
    between = cue["between"]
    if between and len(roles) >= 2 and all(r.start > between[0].end for r in roles[:2]):
        roles[0].role, roles[1].role = "attacker", "target"
    return roles


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
