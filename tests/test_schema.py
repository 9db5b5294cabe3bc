"""The event schema: every validation rule names the bad row and field; valid rows come out typed."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import pytest
from conftest import make_event, make_events

from geo import schema as S
from geo.errors import ValidationError

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def problems_of(*events: dict[str, object], **kwargs: object) -> list[str]:
    frame = pd.DataFrame(list(events))
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    with pytest.raises(ValidationError) as caught:
        S.validate(frame, now=NOW, **kwargs)
    return [str(p) for p in caught.value.problems]


def test_a_valid_event_comes_out_typed_with_point_geometry() -> None:
    frame = S.validate(make_events(2), now=NOW)
    assert list(frame.columns) == [*S.COLUMN_NAMES, "geometry"]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].x == pytest.approx(40.45154)  # x is longitude
    assert frame.geometry.iloc[0].y == pytest.approx(35.01982)
    assert str(frame[S.FATALITIES].dtype) == "Int64"
    assert str(frame[S.EVENT_DATE].dtype) == "datetime64[ns]"
    assert frame[S.DISORDER_TYPE].tolist() == ["Political violence"] * 2
    assert frame[S.ISO].tolist() == [760, 760]
    assert frame[S.STATUS].tolist() == ["reviewed"] * 2


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (S.LATITUDE, 135.2, "row 1, column latitude: 135.2 is outside -90..90"),
        (S.LONGITUDE, -200, "row 1, column longitude: -200.0 is outside -180..180"),
        (S.LATITUDE, "north", "row 1, column latitude: 'north' is not a number"),
        (S.EVENT_DATE, "22/13/2022", "row 1, column event_date: '22/13/2022' is not a date"),
        (S.EVENT_DATE, "2031-05-01", "row 1, column event_date: 2031-05-01 is in the future"),
        (S.FATALITIES, -3, "row 1, column fatalities: -3 cannot be negative"),
        (S.FATALITIES, 2.5, "row 1, column fatalities: '2.5' is not a whole number"),
        (S.TIME_PRECISION, 4, "row 1, column time_precision: 4 must be 1 (day)"),
        (S.GEO_PRECISION, 0, "row 1, column geo_precision: 0 must be 1 (town)"),
        (S.CONFIDENCE, 1.5, "row 1, column confidence: 1.5 must be between 0 and 1"),
        (S.EVENT_TYPE, "Skirmish", "row 1, column event_type: 'Skirmish' is not one of"),
        (S.INTER1, "Army", "row 1, column inter1: 'Army' is not one of"),
        (S.STATUS, "final", "row 1, column status: 'final' is not one of"),
        (S.ACTOR1, "", "row 1, column actor1: is required and empty"),
        (
            S.SOURCE_URL,
            "javascript:alert(1)",
            "row 1, column source_url: 'javascript:alert(1)' is not",
        ),
    ],
)
def test_a_bad_field_is_named_with_its_row(field: str, value: object, expected: str) -> None:
    found = problems_of(make_event(**{field: value}))
    assert any(p.startswith(expected) for p in found), found


def test_a_sub_event_type_must_belong_to_its_event_type() -> None:
    found = problems_of(make_event(event_type="Battles", sub_event_type="Air/drone strike"))
    assert found == [
        "row 1, column sub_event_type: 'Air/drone strike' is not a sub-event type of Battles "
        "(Armed clash, Government regains territory, Non-state actor overtakes territory)"
    ]


def test_a_disorder_type_that_contradicts_the_sub_event_type_is_refused() -> None:
    found = problems_of(make_event(disorder_type="Demonstrations"))
    assert found[0].startswith("row 1, column disorder_type: 'Demonstrations' does not fit")


def test_a_span_cannot_end_before_it_starts() -> None:
    found = problems_of(make_event(event_date="2022-10-23", event_date_end="2022-10-20"))
    assert found == ["row 1, column event_date_end: 2022-10-20 is before event_date 2022-10-23"]


def test_origin_coordinates_need_a_target() -> None:
    found = problems_of(
        make_event(latitude=None, longitude=None, origin_latitude=35.0, origin_longitude=40.4),
        require_coordinates=False,
    )
    assert found == [
        "row 1, column origin_latitude: origin coordinates are given without target coordinates"
    ]


def test_latitude_without_longitude_is_refused() -> None:
    found = problems_of(make_event(longitude=None))
    assert "row 1, column longitude: latitude and longitude must be given together" in found


def test_swapped_coordinates_are_reported_as_swapped() -> None:
    # Mayadin written as (lon, lat): the point lands in the Caucasus, outside Syria.
    found = problems_of(make_event(latitude=40.45154, longitude=35.01982))
    assert len(found) == 1
    assert "lies outside Syria but inside it with latitude and longitude swapped" in found[0]
    assert "did you mean latitude 35.01982, longitude 40.45154" in found[0]


def test_a_point_in_its_country_is_not_called_swapped() -> None:
    S.validate(pd.DataFrame([make_event()]), now=NOW)


@pytest.mark.parametrize(
    ("written", "iso3"),
    [
        ("Palestine", "PSE"),  # ACLED; GeoNames says "Palestinian Territory"
        ("Democratic Republic of Congo", "COD"),
        ("Virgin Islands, U.S.", "VIR"),
        ("Türkiye", "TUR"),
        ("Saint-Barthélemy", "BLM"),
        ("Côte d’Ivoire", "CIV"),
        ("  syria ", "SYR"),
    ],
)
def test_countries_are_found_under_the_names_exports_use(written: str, iso3: str) -> None:
    assert S.find_country(written).iso3 == iso3


def test_swapped_coordinates_are_caught_under_acleds_country_names() -> None:
    # Gaza City written as (lon, lat), with ACLED's name for the country and no iso code.
    found = problems_of(make_event(country="Palestine", iso=None, latitude=34.4667, longitude=31.5))
    assert any("lies outside Palestinian Territory but inside it" in p for p in found), found


def test_an_acled_country_name_is_kept_and_its_code_filled() -> None:
    event = make_event(country="Palestine", iso=None, latitude=31.5, longitude=34.4667)
    typed = S.validate(pd.DataFrame([event]), now=NOW)
    assert (typed[S.COUNTRY].iloc[0], typed[S.ISO].iloc[0]) == ("Palestine", 275)


# --- a point in its country ---------------------------------------------------------------------
def test_a_point_at_zero_zero_coded_syria_is_refused() -> None:
    found = problems_of(make_event(), make_event(), make_event(latitude=0.0, longitude=0.0))
    assert found == [
        "row 3, column latitude: 0.0, 0.0 is at sea, 5,223 km outside Syria (column country)"
    ]


def test_a_point_in_paris_coded_syria_is_refused_naming_both_countries() -> None:
    found = problems_of(make_event(), make_event(), make_event(latitude=48.85, longitude=2.35))
    assert found == ["row 3, column latitude: 48.85, 2.35 is in France, not Syria (column country)"]


def test_a_longitude_with_its_sign_flipped_is_refused_with_the_likely_point() -> None:
    [found] = problems_of(make_event(latitude=35.01982, longitude=-40.45154))
    assert found.startswith("row 1, column latitude: 35.01982, -40.45154 is at sea")
    assert "did you mean latitude 35.01982, longitude 40.45154?" in found


def test_a_town_on_the_border_and_a_ship_off_the_coast_are_kept() -> None:
    S.validate(
        pd.DataFrame(
            [
                # Albukamal, on the Iraqi border; Al-Qaim across it, 10 km away, coded Syria.
                make_event(latitude=34.4525, longitude=40.9181),
                make_event(latitude=34.3686, longitude=41.0853),
                # A strike on a ship 100 km off Yemen's coast in the Red Sea.
                make_event(country="Yemen", latitude=14.5, longitude=42.0),
            ]
        ),
        now=NOW,
    )


def test_south_sudan_coded_sudan_is_kept_before_its_independence_only() -> None:
    juba = {"country": "Sudan", "iso": None, "latitude": 4.85, "longitude": 31.6}
    S.validate(pd.DataFrame([make_event(**juba, event_date="2009-05-01")]), now=NOW)
    [found] = problems_of(make_event(**juba, event_date="2012-05-01"))
    assert "is in South Sudan, not Sudan (column country)" in found


def test_without_the_borders_file_only_the_extent_of_the_towns_is_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setattr(S.settings, "COUNTRY_BORDERS", tmp_path / "absent.json")
    [found] = problems_of(make_event(latitude=48.85, longitude=2.35))
    assert "48.85, 2.35 lies outside Syria (column country), over 2 degrees beyond" in found
    assert "make assets installs them" in found


def test_second_actor_fields_need_a_second_actor() -> None:
    found = problems_of(make_event(actor2=None, assoc_actor_2="Someone"))
    assert found == [
        "row 1, column inter2: is given but actor2 is empty",
        "row 1, column assoc_actor_2: is given but actor2 is empty",
    ]


def test_a_misspelt_column_is_named() -> None:
    event = make_event()
    event["lattitude"] = event.pop(S.LATITUDE)
    found = problems_of(event)
    assert "header, column lattitude: is not a column of the event schema" in found


def test_every_bad_row_is_listed_not_only_the_first() -> None:
    found = problems_of(
        make_event(),
        make_event(latitude=135),
        make_event(),
        make_event(event_date="yesterday", fatalities=-1),
    )
    rows = sorted({p.split(",")[0] for p in found})
    assert rows == ["row 2", "row 4"]
    assert len(found) == 3


def test_rows_are_named_by_the_readers_numbering() -> None:
    frame = pd.DataFrame([make_event(), make_event(latitude=95)], index=[2, 3])
    with pytest.raises(ValidationError) as caught:
        S.validate(frame, now=NOW)
    assert str(caught.value.problems[0]).startswith("row 3, column latitude")


def test_dates_are_read_in_the_forms_analysts_write_them() -> None:
    forms = ["2022-10-22", "22 October 2022", "22-Oct-22", "2022/10/22", "2022-10-22T00:00:00"]
    frame = pd.DataFrame([make_event(event_date=f, event_id=f"D{i}") for i, f in enumerate(forms)])
    typed = S.validate(frame, now=NOW)
    assert typed[S.EVENT_DATE].dt.strftime("%Y-%m-%d").unique().tolist() == ["2022-10-22"]


def test_an_event_without_an_id_gets_a_stable_one() -> None:
    first = S.validate(pd.DataFrame([make_event()]), now=NOW)[S.EVENT_ID].iloc[0]
    again = S.validate(pd.DataFrame([make_event()]), now=NOW)[S.EVENT_ID].iloc[0]
    other = S.validate(pd.DataFrame([make_event(location="Hajin")]), now=NOW)[S.EVENT_ID].iloc[0]
    assert first == again
    assert first != other


def test_extracted_events_start_as_drafts() -> None:
    typed = S.validate(pd.DataFrame([make_event(origin="extracted")]), now=NOW)
    assert typed[S.STATUS].iloc[0] == "draft"


def test_drafts_may_wait_for_coordinates_when_asked() -> None:
    event = make_event(latitude=None, longitude=None)
    typed = S.validate(pd.DataFrame([event]), now=NOW, require_coordinates=False)
    assert typed.geometry.iloc[0] is None
    assert problems_of(event) == [
        "row 1, column latitude: is required and empty",
        "row 1, column longitude: is required and empty",
    ]


def test_the_taxonomy_covers_acleds_event_types() -> None:
    assert set(S.EVENT_TYPES) == {
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    }
    assert S.EVENT_TYPE_OF["Air/drone strike"] == "Explosions/Remote violence"
    assert len(S.SUB_EVENT_TYPES) == 25
