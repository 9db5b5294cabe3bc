"""Actor dictionary: an analyst's wording resolves to ACLED's canonical actor and type."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.errors import InputError
from geo.extract import actors
from geo.schema import ACTOR_TYPE_LABELS


def names(text: str, **kw) -> list[str]:
    return [m.name for m in actors.resolve(text, **kw)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("القوات الأميركية", "Military Forces of the United States (2021-)"),
        ("القوات الأمريكية", "Military Forces of the United States (2021-)"),
        ("قوات التحالف الدولي", "Global Coalition Against Daesh"),
        (
            "ميليشيا «الحرس الثوري الإيراني»",
            "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
        ),
        ("مقار تابعة للميليشيات الإيرانية", "Militia (Pro-Iran)"),
        ("عناصر من قوات النظام السوري", "Military Forces of Syria (2000-)"),
        ("بحسب مصادر في قسد", "QSD: Syrian Democratic Forces"),
        ("هاجم عناصر من تنظيم الدولة", "Islamic State (Syria)"),
        ("قصفت الطائرات التركية مواقع", "Military Forces of Turkey (2016-)"),
        ("قصفت الطائرات الروسية", "Military Forces of Russia (2000-)"),
        ("لواء فاطميون", "Liwa Fatemiyoun"),
        ("ميليشيا لواء الباقر", "Liwa al Baqir"),
        ("ميليشيا الدفاع الوطني", "QDW: National Defense Forces"),
        ("مجلس دير الزور العسكري", "Deir ez-Zor Military Council"),
        (
            "فيلق القدس",
            "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps Quds Force",
        ),
        ("هيئة تحرير الشام", "HTS: Hayat Tahrir al Sham"),
        ("فصائل الجيش الوطني السوري", "JWS: Syrian National Army"),
        ("كتائب حزب الله", "Kataib Hezbollah"),
        ("ميليشيا حزب الله اللبناني", "Hezbollah"),
        ("طائرة مسيرة مجهولة الهوية", "Unidentified Military Forces"),
        ("مسلحون مجهولون", "Unidentified Armed Group (Syria)"),
    ],
)
def test_arabic_aliases_resolve_to_acled_names(text: str, expected: str) -> None:
    assert expected in names(text, lang="ar")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("U.S. forces struck", "Military Forces of the United States (2021-)"),
        ("the US-led coalition said", "Global Coalition Against Daesh"),
        ("Iran-backed militias fired", "Militia (Pro-Iran)"),
        (
            "the Islamic Revolutionary Guard Corps",
            "Military Forces of Iran (1989-) Islamic Revolutionary Guard Corps",
        ),
        ("Syrian government forces shelled", "Military Forces of Syria (2000-)"),
        ("SDF fighters", "QSD: Syrian Democratic Forces"),
        ("Hayat Tahrir al-Sham (HTS) said", "HTS: Hayat Tahrir al Sham"),
        ("Kata'ib Hezbollah denied", "Kataib Hezbollah"),
        ("unknown gunmen opened fire", "Unidentified Armed Group (Syria)"),
    ],
)
def test_english_aliases_resolve_to_acled_names(text: str, expected: str) -> None:
    assert expected in names(text, lang="en")


def test_clitics_do_not_hide_an_actor_and_are_reported() -> None:
    found = actors.resolve("وقصفت مواقع تابعة للميليشيات الإيرانية وبالقوات الأمريكية", lang="ar")
    assert [(m.id, m.prefix) for m in found] == [
        ("pro_iran_militia", "ل"),
        ("us_forces", "وب"),
    ]


def test_span_points_at_the_original_characters() -> None:
    text = "قالت مصادر إن ميليشيا «الحرس الثوري الإيراني» انسحبت"
    (mention,) = actors.resolve(text, lang="ar")
    assert text[mention.start : mention.end] == mention.text
    assert mention.text.startswith("ميليشيا")
    assert mention.type == "External/Other forces"


def test_longer_alias_wins_over_its_prefix() -> None:
    # Kataib Hezbollah must not be read as Hezbollah plus a stray word
    assert names("أعلنت كتائب حزب الله العراقي", lang="ar") == ["Kataib Hezbollah"]


def test_country_fills_unidentified_and_islamic_state_names() -> None:
    assert names("unknown gunmen and ISIS cells", lang="en", country="Iraq") == [
        "Unidentified Armed Group (Iraq)",
        "Islamic State (Iraq)",
    ]


def test_names_follow_the_government_in_power_on_the_event_date() -> None:
    assert names("US forces", lang="en", on=dt.date(2019, 6, 1)) == [
        "Military Forces of the United States (2017-2021)"
    ]
    assert names("US forces", lang="en", on=dt.date(2022, 10, 23)) == [
        "Military Forces of the United States (2021-)"
    ]


def test_auto_language_detection() -> None:
    assert names("قصفت القوات الروسية") == ["Military Forces of Russia (2000-)"]
    assert names("Russian jets bombed") == ["Military Forces of Russia (2000-)"]


def test_ordinary_words_are_not_actors() -> None:
    assert names("the town is quiet and told us nothing", lang="en") == []
    assert names("سمع دوي انفجارات في المدينة", lang="ar") == []


def test_every_actor_type_is_an_acled_label() -> None:
    for actor in actors.default().actors.values():
        assert actor.type in ACTOR_TYPE_LABELS, actor.id
        assert actor.ar and actor.en, actor.id


def test_a_broken_dictionary_names_the_actor_and_field(tmp_path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_text(
        "actors:\n  - {id: x, name: X, type: Soldiers, ar: [س], en: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match=r"actor 1, field type: 'Soldiers'"):
        actors.load(bad)
