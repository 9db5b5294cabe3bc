"""News text to draft events: the extraction pipeline and its lexicons.

Owns: ``pipeline`` (:func:`extract`, a report to draft events with their evidence), the sentence
and clause reader (``_spans``, ``_clauses``), who did what to whom (``_roles``), where
(``_places``), the trigger lexicon (``triggers``), the actor dictionary (``actors``) and
report-relative dates (``dates``). May import the core modules and ``geo.places`` (to place a
mention); never the store, the CLI or streamlit: drafts go to the store through their caller.
"""

from geo.extract.pipeline import evidence_spans, extract

__all__ = ["evidence_spans", "extract"]
