"""Arabic and English normalisation of place names, for matching (our own rules, no model).

Reports write one place many ways: «الميادين», «وبالميادين», "Mayadin", "al-Mayadeen",
"Deir ez-Zor", "Dayr az Zawr", "Der Ezzor". This module folds those spellings so that the gazetteer
(:mod:`geo.places.gazetteer`) and the geocoder (:mod:`geo.places.geocode`) can compare them. The extraction
modules use the same functions to normalise place mentions before calling ``geocode``.

Public functions
----------------
normalize_ar(s)
    Arabic letters folded: alef forms (أ إ آ ٱ) to ا, ى and ئ to ي, ؤ to و, ة to ه, Persian
    ک/ی to ك/ي, diacritics and tatweel dropped, Arabic-Indic digits to 0-9. Compatible with the
    letter classes of ``geo.extract._spans``.
normalize_en(s)
    Latin text folded: lower case, accents and transliteration marks (ʿ ʾ ' ` ’) dropped,
    possessive 's dropped, hyphens, dots and other punctuation to spaces.
normalize(s)
    Either or both of the above, picked by the scripts present in ``s`` (see :func:`script_of`).
strip_arabic_clitics(word)
    The word and its readings without the proclitics و ف (and), ب ك ل (in, like, to) and لل
    (to the): ``"وبالميادين" -> ["وبالميادين", "بالميادين", "الميادين"]``.
strip_article(word)
    The Arabic article ال removed from a word (``"الميادين" -> "ميادين"``).
strip_generic_words(s)
    Split a mention into its name and the generic words around it:
    ``"بادية بلدة الجلاء" -> ("الجلاء", ["بادية", "بلدة"])``.
generic_category(word)
    What a generic word says: ``"vicinity"`` (near, محيط), ``"region_part"`` (countryside, ريف,
    بادية, eastern), ``"region"`` (governorate, محافظة), ``"type"`` (town, بلدة), or a feature kind
    hint (``"field"``, ``"base"``, ``"airport"``, ``"crossing"``, ``"dam"``, ``"bridge"``, ...).
match_tokens(s) / match_key(s)
    The tokens of a name as the gazetteer indexes them (normalised, articles and filler words
    dropped) and their compact join: ``"Deir ez-Zor" -> ["deir", "zor"] -> "deirzor"``.
fold_latin(key) / skeleton(key)
    Looser keys for transliteration variants: ``fold_latin`` merges doubled letters, ou/u, ee/i,
    q/k and a final h ("Mayadeen" and "Mayadin" fold alike); ``skeleton`` keeps consonants only
    ("Dayr az Zawr", "Deir al-Zour" and "Der Ezzor" all give ``"drzr"``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "EN_ARTICLES",
    "GENERIC_WORDS",
    "SEPARATORS",
    "fold_latin",
    "generic_category",
    "match_key",
    "match_tokens",
    "normalize",
    "normalize_ar",
    "normalize_en",
    "script_of",
    "skeleton",
    "strip_arabic_clitics",
    "strip_article",
    "strip_generic_words",
]

# --- Arabic ------------------------------------------------------------------------------------
# Letters writers use interchangeably, folded to one form; Arabic-Indic and Persian digits to ASCII.
# geo.extract._spans folds with the same table, so extraction and gazetteer lookup agree on a name.
AR_LETTER_FOLD: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ئ": "ي",
    "ی": "ي",
    "ې": "ي",
    "ؤ": "و",
    "ة": "ه",
    "ە": "ه",
    "ک": "ك",
    "گ": "ك",
    "پ": "ب",
    "چ": "ج",
    "ژ": "ز",
    "ڤ": "ف",
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
}
# Harakat, superscript alef, Quranic marks and tatweel carry no letter.
AR_DROPPED: frozenset[str] = frozenset(
    [*map(chr, range(0x064B, 0x0660)), "\u0670", *map(chr, range(0x06D6, 0x06EE)), "\u0640"]
)
_AR_FOLD = str.maketrans({**AR_LETTER_FOLD, "،": ",", "؛": ";", "؟": "?", "«": " ", "»": " "})
# Harakat, superscript alef, Quranic marks and tatweel carry no letter.
_AR_DROP = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC = re.compile("[\u0600-\u06ff]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]")


def normalize_ar(s: str) -> str:
    """Fold Arabic spelling variants: one alef, one yeh, no diacritics, no tatweel."""
    s = unicodedata.normalize("NFKC", s)
    s = _AR_DROP.sub("", s).translate(_AR_FOLD)
    return " ".join(s.split())


# --- English / Latin transliterations ----------------------------------------------------------
_LATIN_FOLD = str.maketrans(
    {
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ħ": "h",
        "þ": "th",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
    }
)
# Marks transliterations use for ع and ء: dropped, so "Ma'dan" reads "madan", "Jala'" reads "jala".
_MARKS = re.compile("['`\u2018\u2019\u02bb\u02bc\u02be\u02bf\u00b4\u02b9\u02bd]")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
# Hyphens, dots, slashes and brackets separate words; commas are kept (they separate places).
_PUNCT = re.compile(r"[\-\u2010-\u2015_./\\()\[\]{}\"“”„:!?*+#&|]+")


def without_accents(s: str) -> str:
    """Latin text without its diacritics, case and marks kept ("Ālbū Kamāl" -> "Albu Kamal")."""
    if s.isascii():
        return s
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare)


def normalize_en(s: str) -> str:
    """Fold Latin text: lower case, no accents or transliteration marks, punctuation to spaces."""
    s = _POSSESSIVE.sub("", s)
    if s.isascii():
        s = s.lower()
    else:
        s = unicodedata.normalize("NFKD", s.casefold())
        s = "".join(ch for ch in s if not unicodedata.combining(ch)).translate(_LATIN_FOLD)
    s = _MARKS.sub("", s)
    s = _PUNCT.sub(" ", s)
    return " ".join(s.split())


def script_of(s: str) -> str:
    """``"ar"``, ``"latin"``, ``"mixed"`` or ``""`` (no letters) for the letters of ``s``."""
    ar = bool(_ARABIC.search(s))
    la = bool(_LATIN.search(s))
    return "mixed" if ar and la else "ar" if ar else "latin" if la else ""


def normalize(s: str) -> str:
    """Normalise ``s`` with the Arabic and/or Latin rules, by the scripts it contains."""
    script = script_of(s)
    if script in ("ar", "mixed"):
        s = normalize_ar(s)
    # The Latin rules also fold punctuation, which Arabic text needs too.
    s = normalize_en(s) if script != "ar" else _PUNCT.sub(" ", _POSSESSIVE.sub("", s))
    return " ".join(s.replace(",", " , ").replace(";", " , ").split())


# --- clitics and articles ----------------------------------------------------------------------
_CONJ = ("و", "ف")
_PREP = ("ب", "ك", "ل")


def strip_arabic_clitics(word: str) -> list[str]:
    """The word and its readings without Arabic proclitics, longest first.

    ``و``/``ف`` (and, so) come first, then ``ب``/``ك``/``ل`` (in, like, to); ``لل`` is ``ل`` + ``ال``
    with the alef dropped. A stripped reading must keep at least three letters, so short names
    that merely start with one of these letters keep their unstripped reading first.

    >>> strip_arabic_clitics("وبالميادين")
    ['وبالميادين', 'بالميادين', 'الميادين']
    >>> strip_arabic_clitics("للبوكمال")
    ['للبوكمال', 'البوكمال']
    """
    out = [word]
    stage = [word]
    if len(word) > 3 and word[0] in _CONJ:
        stage.append(word[1:])
        out.append(word[1:])
    for w in stage:
        if len(w) > 4 and w.startswith("لل"):
            out.append("ال" + w[2:])
        elif len(w) > 3 and w[0] in _PREP:
            out.append(w[1:])
    seen: dict[str, None] = {}
    for w in out:
        seen.setdefault(w, None)
    return list(seen)


def strip_article(word: str) -> str:
    """Drop the Arabic article ``ال`` from the start of ``word`` (when a name is left)."""
    if word.startswith("ال") and len(word) > 3:
        return word[2:]
    return word


# Latin renderings of the article, including the sun-letter forms (ad-, ar-, as-, ash-, az- ...).
EN_ARTICLES = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "ol",
        "ad",
        "adh",
        "an",
        "ar",
        "as",
        "ash",
        "at",
        "ath",
        "az",
        "ed",
        "en",
        "er",
        "es",
        "esh",
        "et",
        "ez",
        "ud",
        "un",
        "ur",
        "us",
        "ut",
        "uz",
    ]
)
# Words that carry nothing for matching: "Deir ez-Zor military airport" = "Deir ez-Zor airport".
_FILLER = frozenset(["the", "of", "de", "du", "la", "le", "military", "mil", "عسكري", "عسكريه"])


# --- generic words -----------------------------------------------------------------------------
# Normalised word (after the article is dropped) -> what it says about the place it qualifies.
GENERIC_WORDS: dict[str, str] = {
    # near the place: ACLED geo_precision 2 at the place
    **dict.fromkeys(
        [
            "near",
            "between",  # "an area between Khanaqin and Jalawla": near the first
            "nearby",
            "outskirts",
            "outskirt",
            "vicinity",
            "around",
            "surroundings",
            "surrounding",
            "environs",
            "outside",
            "close",
            "periphery",
            "edge",
            "edges",
            "suburbs",
            "suburb",
        ],
        "vicinity",
    ),
    **dict.fromkeys(
        ["قرب", "قرابه", "محيط", "اطراف", "ضواحي", "جوار", "مشارف", "تخوم", "حدود", "مقربه"],
        "vicinity",
    ),
    # a part of the region around the place: 2 at a town, 3 when the place is a governorate
    **dict.fromkeys(
        [
            "countryside",
            "rural",
            "desert",
            "badia",
            "badiya",
            "steppe",
            "hinterland",
            "eastern",
            "western",
            "northern",
            "southern",
            "east",
            "west",
            "north",
            "south",
            "northeast",
            "northwest",
            "southeast",
            "southwest",
            "northeastern",
            "northwestern",
            "southeastern",
            "southwestern",
            "central",
            # the district or subdistrict named after its seat ("Qaim district", «ناحية البصيرة»)
            "district",
            "subdistrict",
            "sub",  # "sub-district", split at its hyphen
            "nahiya",
            "nahiyah",
            "nahiyat",
            # Iraq's districts (qada) are named after their seats as Syria's are
            "qada",
            "qadaa",
            "qadha",
        ],
        "region_part",
    ),
    **dict.fromkeys(
        [
            *("ريف", "باديه", "بوادي", "شرق", "شرقي", "غرب", "غربي", "شمال", "شمالي", "جنوب"),
            *("جنوبي", "ناحيه", "قضاء"),
        ],
        "region_part",
    ),
    # the region itself
    **dict.fromkeys(["governorate", "province", "muhafazah", "region"], "region"),
    **dict.fromkeys(["محافظه", "اقليم"], "region"),
    # what kind of populated place: no effect on precision
    **dict.fromkeys(["town", "city", "village", "hamlet", "neighbourhood", "neighborhood"], "type"),
    **dict.fromkeys(["بلده", "مدينه", "قريه", "حي", "بلدات", "قري", "مزرعه"], "type"),
    **dict.fromkeys(["area", "zone", "منطقه"], "vicinity"),
    # feature kinds
    **dict.fromkeys(
        [
            "field",
            "fields",
            "oilfield",
            "oilfields",
            "gasfield",
            "oil",
            "gas",
            "نفطي",
            "غازي",
            "حقل",
            "حقول",
        ],
        "field",
    ),
    **dict.fromkeys(["plant", "facility", "station", "معمل", "محطه"], "plant"),
    **dict.fromkeys(["base", "garrison", "outpost", "قاعده"], "base"),
    **dict.fromkeys(["airport", "airbase", "airfield", "aerodrome", "air", "مطار"], "airport"),
    **dict.fromkeys(["crossing", "border", "checkpoint", "gate", "معبر", "منفذ"], "crossing"),
    **dict.fromkeys(["dam", "سد"], "dam"),
    **dict.fromkeys(["bridge", "جسر"], "bridge"),
    **dict.fromkeys(["camp", "مخيم"], "camp"),
}
# Words that end one place and start the next in a mention ("X in the Y countryside", "X بريف Y").
SEPARATORS = frozenset(
    ["in", "at", "inside", "within", "from", "towards", "toward", "في", "من", "داخل", "الى"]
)


@lru_cache(maxsize=65536)
def generic_category(word: str) -> str | None:
    """The category of a generic word, read through clitics and the article; None for a name."""
    w = normalize(word)
    if " " in w:
        return None
    for reading in strip_arabic_clitics(w) if script_of(w) == "ar" else [w]:
        cat = GENERIC_WORDS.get(strip_article(reading))
        if cat:
            return cat
    return None


def strip_generic_words(s: str) -> tuple[str, list[str]]:
    """Split a mention into its name and the generic words before and after it.

    >>> strip_generic_words("بادية بلدة الجلاء")
    ('الجلاء', ['بادية', 'بلدة'])
    >>> strip_generic_words("the outskirts of Deir ez-Zor")
    ('Deir ez-Zor', ['outskirts'])
    """
    words = s.split()
    removed: list[str] = []
    while words and (generic_category(words[0]) or normalize(words[0]) in _FILLER):
        w = words.pop(0)
        if generic_category(w):
            removed.append(w)
    while words and (generic_category(words[-1]) or normalize(words[-1]) in _FILLER):
        w = words.pop()
        if generic_category(w):
            removed.append(w)
    return " ".join(words), removed


# --- keys for the gazetteer index --------------------------------------------------------------
def match_tokens(s: str) -> list[str]:
    """Tokens of a name as the gazetteer indexes it: normalised, no article, no filler words."""
    tokens = [t for t in normalize(s).split() if t not in (",",)]
    out: list[str] = []
    for i, t in enumerate(tokens):
        if t in EN_ARTICLES and i + 1 < len(tokens):
            continue  # "al Mayadin", "Deir ez Zor": the article is its own token
        t = strip_article(t).replace("ء", "")
        if t and t not in _FILLER:
            out.append(t)
    return out


def match_key(s: str) -> str:
    """Compact key of a name: its match tokens joined without spaces ("البو كمال" = "البوكمال")."""
    return "".join(match_tokens(s))


_DIGRAPHS = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("aa", "a"), ("ii", "i"), ("uu", "u"))
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_H = re.compile(r"(?<=[aeiou])h$")


def fold_latin(key: str) -> str:
    """Fold transliteration variants of a Latin key: q/k, ou/u, ee/i, doubled letters, final h."""
    if _ARABIC.search(key):
        return key
    k = key.replace("q", "k").replace("dj", "j")
    for a, b in _DIGRAPHS:
        k = k.replace(a, b)
    k = _DOUBLED.sub(r"\1", k)
    # Ta marbuta is written -ah, -a, -eh or -e: keep one form.
    return _FINAL_H.sub("", k)


_VOWELS = frozenset("aeiou")


def skeleton(key: str) -> str:
    """Consonant skeleton of a compact key, for transliteration variants of one Arabic name.

    Latin: vowels dropped, y and w dropped unless between vowels or first (the diphthongs of
    "Dayr", "Zawr"), ch read as sh, q and c as k. Arabic: the long vowels ا و ي dropped after the
    first letter (كونيكو and كونوكو agree).
    """
    if _ARABIC.search(key):
        return key[:1] + "".join(ch for ch in key[1:] if ch not in "اوي")
    k = key.replace("ch", "sh").replace("dj", "j").replace("ph", "f").replace("q", "k")
    k = k.replace("c", "k").replace("x", "ks")
    k = _FINAL_H.sub("", k)
    out: list[str] = []
    for i, ch in enumerate(k):
        if ch in _VOWELS:
            continue
        if ch in "yw" and i > 0:
            before = k[i - 1] in _VOWELS
            after = i + 1 < len(k) and k[i + 1] in _VOWELS
            if not (before and after):
                continue
        out.append(ch)
    return _DOUBLED.sub(r"\1", "".join(out))
