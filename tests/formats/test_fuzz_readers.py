"""Property tests: whatever a reader is fed, it answers with events or with one of our errors.

An analyst must never see a traceback from a file; these feed the readers and the validator
arbitrary Unicode, numbers and structure and accept only a result or a ``ConflictmapError``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo import schema as S
from geo.errors import ConflictmapError
from geo.formats import geojson, handcoded

FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(["2022-10-22", "9-May-20", "01 November 2024", "-1", "1e400", "٣٥", ""]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=30,
)


def only_our_errors(call: Callable[[], object]) -> object:
    try:
        return call()
    except ConflictmapError:
        return None


@FUZZ
@given(rows=st.lists(st.dictionaries(st.sampled_from(S.COLUMN_NAMES), cells), max_size=5))
def test_validate_answers_with_events_or_a_validation_error(rows: list[dict]) -> None:
    frame = pd.DataFrame(rows)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    result = only_our_errors(lambda: S.validate(frame))
    if result is not None:
        lat = result[S.LATITUDE].dropna()
        assert ((lat >= -90) & (lat <= 90)).all()
        assert not any(isinstance(v, float) and math.isinf(v) for v in result[S.LONGITUDE])


@FUZZ
@given(data=st.binary(max_size=400))
def test_the_csv_reader_survives_any_bytes(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(data)
    frame = only_our_errors(lambda: handcoded.read_csv(path))
    if frame is not None:
        only_our_errors(lambda: S.validate(frame))


@FUZZ
@given(text=st.text(max_size=300))
def test_the_yaml_reader_survives_any_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    frame = only_our_errors(lambda: handcoded.read_yaml(path))
    if frame is not None:
        only_our_errors(lambda: S.validate(frame))


@FUZZ
@given(doc=st.dictionaries(st.sampled_from(["report", "defaults", "events", "x"]), json_values))
def test_the_yaml_reader_survives_any_structure(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(json.dumps(doc), encoding="utf-8")  # JSON is YAML
    frame = only_our_errors(lambda: handcoded.read_yaml(path))
    if frame is not None:
        only_our_errors(lambda: S.validate(frame))


@FUZZ
@given(
    doc=st.one_of(
        json_values,
        st.fixed_dictionaries(
            {"type": st.just("FeatureCollection"), "features": st.lists(json_values, max_size=4)}
        ),
    )
)
def test_the_geojson_reader_survives_any_json(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "x.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    frame = only_our_errors(lambda: geojson.read(path))
    if frame is not None:
        only_our_errors(lambda: S.validate(frame))


def test_deeply_nested_geojson_is_refused_with_a_sentence(tmp_path: Path) -> None:
    path = tmp_path / "deep.geojson"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert only_our_errors(lambda: geojson.read(path)) is None
