"""Evidence with the matched words marked: escaped, merged where spans overlap, Arabic right-to-left."""

from __future__ import annotations

from dashboard.highlight import marked_html, matched_spans


def test_spans_are_marked_and_everything_else_escaped() -> None:
    text = "<b>Rockets</b> hit the al-Omar field & a depot"
    start = text.index("al-Omar")
    html = marked_html(text, [(start, start + len("al-Omar field"), "place")])
    assert html.startswith('<p dir="ltr"')
    assert "&lt;b&gt;Rockets&lt;/b&gt;" in html and "<b>" not in html
    assert '<mark class="cm-place">al-Omar field</mark> &amp; a depot' in html


def test_overlapping_spans_become_one_mark() -> None:
    html = marked_html("abcdefgh", [(1, 4, "actor"), (3, 6, "date")])
    assert html.count("<mark") == 1 and ">bcdef</mark>" in html


def test_arabic_is_right_to_left_and_a_script_in_it_stays_text() -> None:
    html = marked_html("قصفت قوات النظام <script>x</script>", [(5, 16, "actor")])
    assert html.startswith('<p dir="rtl"')
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_the_extractor_matches_actors_and_dates_in_arabic_evidence() -> None:
    sentence = "قصفت قوات النظام السوري مدينة الميادين ليل السبت"
    kinds = {kind for _a, _b, kind in matched_spans(sentence)}
    assert {"actor", "date"} <= kinds
