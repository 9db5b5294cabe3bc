"""Evidence sentences as HTML with the words the extractor matched highlighted, escaped throughout.

The spans come from the engine: the extractor's own review helper when it offers one
(``geo.review.evidence_highlights``), else the actor dictionary and the date finder, which are what
the extractor matches on. Arabic sentences are marked right-to-left.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable

from dashboard.mapview import esc
from geo.extract._spans import is_arabic, normalise

Span = tuple[int, int, str]  # start, end (character offsets in the sentence), kind


def matched_spans(sentence: str, *, dateline: dt.date | None = None) -> list[Span]:
    """Actor names and date expressions in ``sentence`` (offsets in the sentence as written)."""
    try:
        review = importlib.import_module("geo.review")
        if hasattr(review, "evidence_highlights"):
            return list(review.evidence_highlights(sentence, dateline=dateline))
    except ImportError:
        pass
    from geo.extract import actors, dates

    lang = "ar" if is_arabic(sentence) else "en"
    spans: list[Span] = [
        (m.start, m.end, "actor") for m in actors.default().find(normalise(sentence), lang=lang)
    ]
    spans += [
        (m.start, m.end, "date")
        for m in dates.find_all(sentence, dateline=dateline or dt.date.today(), lang=lang)
    ]
    return spans


def marked_html(sentence: str, spans: Iterable[Span]) -> str:
    """``sentence`` escaped, with each span wrapped in ``<mark>``; overlapping spans are merged."""
    ordered = sorted((max(0, a), min(len(sentence), b), k) for a, b, k in spans if b > a)
    merged: list[list] = []
    for a, b, kind in ordered:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b, kind])
    out, pos = [], 0
    for a, b, kind in merged:
        out.append(esc(sentence[pos:a]))
        out.append(f'<mark class="cm-{kind}">{esc(sentence[a:b])}</mark>')
        pos = b
    out.append(esc(sentence[pos:]))
    direction = "rtl" if is_arabic(sentence) else "ltr"
    return f'<p dir="{direction}" class="cm-evidence">{"".join(out)}</p>'
