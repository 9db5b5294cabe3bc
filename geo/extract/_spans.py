"""Offset-keeping normalisation for the extraction modules.

The matchers in ``actors``, ``dates``, ``triggers`` and ``extract`` search a
normalised copy of the text (one alef, one yeh, no diacritics, Western digits,
lower case) but must report spans in the *original* text, because the analyst
reviews the sentence as it was written. ``NormText`` keeps, for every character
of the normalised copy, the offset of the character it came from.

``geo.text`` owns normalisation for gazetteer lookup; this module only adds the
offset bookkeeping the span-reporting matchers need, and its folding is kept
compatible with it (same letter classes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from geo.text import AR_DROPPED, AR_LETTER_FOLD

# geo.text's letter folding, plus quotes and invisible marks as spaces (one character for one, so
# offsets survive): «الحرس الثوري» then matches like الحرس الثوري.
_FOLD = {
    **AR_LETTER_FOLD,
    "«": " ",
    "»": " ",
    '"': " ",
    "“": " ",
    "”": " ",
    "„": " ",
    "‘": "'",
    "’": "'",
    "\u00a0": " ",
    "\u200f": " ",
    "\u200e": " ",
    "\u200b": " ",
}
_DROP = AR_DROPPED

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


@dataclass(frozen=True, slots=True)
class NormText:
    """A normalised copy of ``original`` and the way back to it."""

    original: str
    norm: str
    index: tuple[int, ...]  # index[i] = offset in original of norm[i]; one extra at the end

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``norm`` back to ``original``."""
        if end <= start:
            pos = self.index[start]
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    def text(self, start: int, end: int) -> str:
        """The original text behind a span of ``norm``."""
        a, b = self.span(start, end)
        return self.original[a:b]


def fold_char(ch: str) -> str:
    """Normalise one character ("" when it is dropped)."""
    if ch in _DROP:
        return ""
    return _FOLD.get(ch, ch).lower()


_TABLE = str.maketrans({**_FOLD, **dict.fromkeys(_DROP)})


def normalise(text: str) -> NormText:
    """Fold ``text`` for matching, keeping offsets into the original."""
    folded = text.translate(_TABLE)
    norm = folded.lower()
    if len(norm) == len(folded):  # lower() kept every character one character
        if len(folded) == len(text):
            index: tuple[int, ...] = tuple(range(len(text) + 1))
        else:
            index = (*(pos for pos, ch in enumerate(text) if ch not in _DROP), len(text))
        return NormText(text, norm, index)
    out: list[str] = []
    offsets: list[int] = []
    for pos, ch in enumerate(text):
        for piece in fold_char(ch):
            out.append(piece)
            offsets.append(pos)
    offsets.append(len(text))
    return NormText(text, "".join(out), tuple(offsets))


def fold(text: str) -> str:
    """Normalised form of a lexicon entry (same folding as :func:`normalise`)."""
    return " ".join("".join(fold_char(ch) for ch in text).split())


def is_arabic(text: str, *, threshold: float = 0.3) -> bool:
    """True when at least ``threshold`` of the letters are Arabic."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for ch in letters if ARABIC_LETTER.match(ch))
    return arabic / len(letters) >= threshold


_TOKEN = re.compile(r"\w+(?:[.'\u2019]\w+)*")
_GAP = re.compile(r"[\s\-]*\.?[\s\-]*")
# Arabic proclitics, outermost first: conjunction (و/ف), then preposition (ب/ك/ل).
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")
_CLITIC_LETTERS = frozenset(_CONJ + _PREP)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # offsets in the normalised text
    end: int


def tokens(norm: str) -> list[Token]:
    """Word tokens of a normalised text (dotted abbreviations like u.s stay whole)."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(norm)]


@lru_cache(maxsize=65536)
def clitic_forms(word: str) -> tuple[tuple[str, str], ...]:
    """(form, proclitics) readings of a word: والقوات -> (القوات, و), للقوات -> (القوات, ل).

    Readings without the article are offered too (الصواريخ -> صواريخ); the article is not
    counted among the proclitics.
    """
    forms = [(word, "")]
    stems = [(word, "")]
    if len(word) > 2 and word[0] in _CONJ:
        stems.append((word[1:], word[0]))
    for stem, conj in stems:
        if len(stem) > 3 and stem.startswith("لل"):
            forms.append(("ال" + stem[2:], conj + "ل"))
        if len(stem) > 2 and stem[0] in _PREP:
            forms.append((stem[1:], conj + stem[0]))
        if conj:
            forms.append((stem, conj))
    if word.endswith("'s"):
        forms.append((word[:-2], ""))
    # The article: lexicon nouns are written bare (صواريخ), text has them defined (الصواريخ).
    forms += [(f[2:], p) for f, p in forms if f.startswith("ال") and len(f) > 4]
    return tuple(dict.fromkeys(forms))


def word_forms(toks: list[Token]) -> frozenset[str]:
    """Every reading of every token (see :func:`clitic_forms`), to rule out indexes quickly."""
    return frozenset(form for t in toks for form, _ in clitic_forms(t.text))


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    start: int  # offsets in the normalised text, proclitics included
    end: int
    payload: object
    prefix: str = ""  # the proclitics stripped to find it, e.g. "ل" in للميليشيات


class PhraseIndex:
    """Find lexicon phrases in normalised text, word by word, tolerant of clitics.

    The first word of a phrase may carry Arabic proclitics (و ف ب ك ل, and ل + ال
    written لل); words must follow each other separated only by spaces, hyphens
    or a full stop of an abbreviation. Longest phrase wins; matches never overlap.
    """

    def __init__(self, phrases: dict[str, object]) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], object]]] = {}
        for phrase, payload in phrases.items():
            words = tuple(t.text for t in tokens(fold(phrase)))
            if words:
                self._by_first.setdefault(words[0], []).append((words, payload))
        for entries in self._by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
        self._first_words = frozenset(self._by_first)

    def find(
        self, norm: str, toks: list[Token] | None = None, *, forms: frozenset[str] | None = None
    ) -> list[PhraseMatch]:
        """Matches in ``norm``; ``forms`` (:func:`word_forms` of ``toks``), when given, lets a
        text that holds no phrase's first word be passed over at once."""
        toks = tokens(norm) if toks is None else toks
        if forms is not None and self._first_words.isdisjoint(forms):
            return []
        found: list[PhraseMatch] = []
        i = 0
        detached = ""  # a proclitic written apart, as in لـ"نورث برس" folded to ل نورث برس
        while i < len(toks):
            best: tuple[int, object, str] | None = None  # (n words, payload, prefix)
            for form, prefix in clitic_forms(toks[i].text):
                for words, payload in self._by_first.get(form, ()):
                    n = len(words)
                    if best is not None and n <= best[0]:
                        break
                    if _follows(norm, toks, i, words):
                        best = (n, payload, prefix)
                        break
            if best is None:
                word = toks[i].text
                detached = word if len(word) <= 2 and set(word) <= _CLITIC_LETTERS else ""
                i += 1
                continue
            n, payload, prefix = best
            found.append(
                PhraseMatch(toks[i].start, toks[i + n - 1].end, payload, detached + prefix)
            )
            detached = ""
            i += n
        return found


def _follows(norm: str, toks: list[Token], i: int, words: tuple[str, ...]) -> bool:
    if i + len(words) > len(toks):
        return False
    for k in range(1, len(words)):
        prev, cur = toks[i + k - 1], toks[i + k]
        if cur.text != words[k] or not _GAP.fullmatch(norm, prev.end, cur.start):
            return False
    return True
