"""Export then import gives the same events: GeoJSON, GeoPackage and ACLED CSV, for any events.

Events are drawn with Arabic and English text (commas, quotes, line breaks, leading ``=``),
missing optional values, multi-day spans and every time and geo precision code.

The ACLED layout has no place for some of our columns (spans' end day, fatality ranges, the origin
of fire, links, evidence, confidence, status and bookkeeping): for it, the columns it carries are
compared, and it is asserted that it carries no fewer than :data:`ACLED_CARRIES` says.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import schema as S
from geo.formats import acled, geojson, gpkg

ROUNDS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Every column of ours the ACLED layout has a cell for.
ACLED_CARRIES = (
    S.EVENT_ID, S.EVENT_DATE, S.TIME_PRECISION, S.DISORDER_TYPE, S.EVENT_TYPE, S.SUB_EVENT_TYPE,
    S.ACTOR1, S.ASSOC_ACTOR_1, S.INTER1, S.ACTOR2, S.ASSOC_ACTOR_2, S.INTER2,
    S.CIVILIAN_TARGETING, S.ISO, S.COUNTRY, S.ADMIN1, S.ADMIN2, S.ADMIN3, S.LOCATION,
    S.LATITUDE, S.LONGITUDE, S.GEO_PRECISION, S.SOURCE, S.SOURCE_SCALE, S.NOTES, S.FATALITIES,
    S.TAGS,
)  # fmt: skip

LETTERS = "abcdefXYZ ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةى ،؛ 0123456789"
text = (
    st.text(
        alphabet=st.sampled_from([*LETTERS, ",", '"', "'", ";", "\n", "=", "-", "@", "/"]),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)
maybe_text = st.none() | text
# Boxes wholly inside each country's borders, so that every point drawn is valid.
PLACES = {"Syria": ((34.5, 36.5), (37.0, 40.5)), "Iraq": ((32.0, 35.5), (42.5, 45.5))}


@st.composite
def event(draw: st.DrawFn, number: int) -> dict[str, object]:
    sub = draw(st.sampled_from(S.SUB_EVENT_TYPES))
    country = draw(st.sampled_from(sorted(PLACES)))
    (lat_lo, lat_hi), (lon_lo, lon_hi) = PLACES[country]
    day = pd.Timestamp("2000-01-01") + pd.Timedelta(days=draw(st.integers(0, 9000)))
    span = draw(st.integers(0, 40))
    actor2 = draw(maybe_text)
    fatalities = draw(st.none() | st.integers(0, 500))
    ranged = fatalities is not None and draw(st.booleans())
    return {
        S.EVENT_ID: f"RT-{number}",
        S.STATUS: draw(st.sampled_from(["reviewed", "draft"])),
        S.ORIGIN: draw(st.sampled_from(["hand", "extracted"])),
        S.EVENT_DATE: day.date().isoformat(),
        S.EVENT_DATE_END: (day + pd.Timedelta(days=span)).date().isoformat() if span else None,
        S.TIME_PRECISION: draw(st.sampled_from(sorted(S.TIME_PRECISION_CODES))),
        S.EVENT_TYPE: S.EVENT_TYPE_OF[sub],
        S.SUB_EVENT_TYPE: sub,
        S.FATALITIES: fatalities,
        S.FATALITIES_LOW: draw(st.integers(0, fatalities)) if ranged else None,
        S.FATALITIES_HIGH: fatalities + draw(st.integers(0, 50)) if ranged else None,
        S.CIVILIAN_TARGETING: draw(st.sampled_from([None, "Civilian targeting"])),
        S.TAGS: draw(maybe_text),
        S.ACTOR1: draw(text),
        S.ASSOC_ACTOR_1: draw(maybe_text),
        S.INTER1: draw(st.none() | st.sampled_from(S.ACTOR_TYPE_LABELS)),
        S.ACTOR2: actor2,
        S.ASSOC_ACTOR_2: draw(maybe_text) if actor2 else None,
        S.INTER2: draw(st.none() | st.sampled_from(S.ACTOR_TYPE_LABELS)) if actor2 else None,
        S.COUNTRY: country,
        S.ADMIN1: draw(maybe_text),
        S.ADMIN2: draw(maybe_text),
        S.ADMIN3: draw(maybe_text),
        S.LOCATION: draw(text),
        S.LATITUDE: round(draw(st.floats(lat_lo, lat_hi)), 6),
        S.LONGITUDE: round(draw(st.floats(lon_lo, lon_hi)), 6),
        S.GEO_PRECISION: draw(st.sampled_from(sorted(S.GEO_PRECISION_CODES))),
        S.PLACE_ID: draw(st.none() | st.just(f"geonames:{number}")),
        S.ORIGIN_LOCATION: draw(maybe_text),
        S.SOURCE: draw(text),
        S.SOURCE_URL: draw(st.none() | st.just(f"https://example.org/report/{number}?a=1&b=2")),
        S.SOURCE_SCALE: draw(st.none() | st.sampled_from(["National", "Local partner-Other"])),
        S.NOTES: draw(maybe_text),
        S.EVIDENCE: draw(maybe_text),
        S.CONFIDENCE: draw(st.none() | st.floats(0, 1).map(lambda v: round(v, 3))),
    }


@st.composite
def event_frames(draw: st.DrawFn) -> pd.DataFrame:
    count = draw(st.integers(1, 6))
    frame = pd.DataFrame([draw(event(i)) for i in range(count)])
    frame.index = pd.RangeIndex(1, count + 1)
    return S.validate(frame)


def same(a: pd.DataFrame, b: pd.DataFrame, columns: tuple[str, ...] = S.COLUMN_NAMES) -> None:
    left = pd.DataFrame(a[list(columns)]).sort_values(S.EVENT_ID).reset_index(drop=True)
    right = pd.DataFrame(b[list(columns)]).sort_values(S.EVENT_ID).reset_index(drop=True)
    pd.testing.assert_frame_equal(left, right)


@ROUNDS
@given(events=event_frames())
def test_geojson_round_trip(events: pd.DataFrame) -> None:
    buffer = io.StringIO()
    geojson.write(events, buffer)
    same(S.validate(geojson.read(io.StringIO(buffer.getvalue()))), events)


@ROUNDS
@given(events=event_frames())
def test_geopackage_round_trip(events: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.gpkg"
        gpkg.write(events, path)
        same(S.validate(gpkg.read(path)), events)


@ROUNDS
@given(events=event_frames())
def test_acled_csv_round_trip_of_the_columns_it_carries(events: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "events.csv"
        acled.write(events, path)
        back = S.validate(acled.read(path))
    same(back, events, ACLED_CARRIES)
