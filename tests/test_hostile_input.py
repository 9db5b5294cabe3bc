"""Files analysts are handed: every encoding read right, every hostile file refused in a sentence.

The hostile files go through the real command in a child process, as an analyst would meet them:
``conflictmap import`` (or ``add``) must end with exit status 2 and a message on stderr that says
what is wrong, never a traceback, and must not take the machine's memory with it.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import subprocess
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, cli, make_event, make_events

from geo import schema as S
from geo import textio
from geo.errors import InputError, ValidationError
from geo.formats import acled, ucdp
from geo.importer import import_file
from geo.store import EventStore, GeoPackageStore

# An ACLED row (current layout) and a UCDP GED row of our own making, with Arabic where an Arabic
# export has it: names and notes. Enough Arabic that a Windows-1256 file reads as Arabic.
ARABIC_NOTE = "قصفت قوات النظام مدينة الميادين بالمدفعية الثقيلة وسقط عدد من القذائف على الأحياء"
ACLED_ROW = {
    acled.EVENT_ID_CNTY: "SYR90001",
    S.EVENT_DATE: "2022-10-22",
    acled.YEAR: "2022",
    S.TIME_PRECISION: "1",
    S.DISORDER_TYPE: "Political violence",
    S.EVENT_TYPE: "Explosions/Remote violence",
    S.SUB_EVENT_TYPE: "Shelling/artillery/missile attack",
    S.ACTOR1: "Military Forces of Syria (2000-)",
    S.INTER1: "State forces",
    S.CIVILIAN_TARGETING: "",
    S.ISO: "760",
    S.COUNTRY: "Syria",
    S.ADMIN1: "Deir-ez-Zor",
    S.LOCATION: "الميادين",
    S.LATITUDE: "35.0198",
    S.LONGITUDE: "40.4515",
    S.GEO_PRECISION: "1",
    S.SOURCE: "تلفزيون سوريا",
    S.SOURCE_SCALE: "National",
    S.NOTES: ARABIC_NOTE,
    S.FATALITIES: "0",
    acled.TIMESTAMP: "1666500000",
}


def acled_text(rows: int = 3, **changes: str) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(acled.COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for i in range(rows):
        writer.writerow({**ACLED_ROW, acled.EVENT_ID_CNTY: f"SYR{90001 + i}", **changes})
    return buffer.getvalue()


def ged_text(rows: int = 3) -> str:
    row = dict.fromkeys(ucdp.COLUMNS, "")
    row.update(
        relid="SYR-2017-1-0-1",
        type_of_violence="1",
        dyad_name="Government of Syria - Syrian insurgents",
        side_a="Government of Syria",
        side_b="Syrian insurgents",
        source_article='"تلفزيون سوريا,2017-10-04,عنوان"',
        where_prec="1",
        where_coordinates="الميادين",
        where_description=ARABIC_NOTE,
        latitude="35.0198",
        longitude="40.4515",
        country="Syria",
        date_prec="1",
        date_start="2017-10-04 00:00:00.000",
        date_end="2017-10-04 00:00:00.000",
        best="3",
        low="3",
        high="5",
    )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(ucdp.COLUMNS), lineterminator="\n")
    writer.writeheader()
    for i in range(rows):
        writer.writerow({**row, "id": str(500 + i)})
    return buffer.getvalue()


ENCODINGS = [
    pytest.param(b"", "utf-8", id="utf-8"),
    pytest.param(codecs.BOM_UTF8, "utf-8", id="utf-8 with BOM"),
    pytest.param(codecs.BOM_UTF16_LE, "utf-16-le", id="utf-16 LE with BOM"),
    pytest.param(codecs.BOM_UTF16_BE, "utf-16-be", id="utf-16 BE with BOM"),
    pytest.param(b"", "utf-16-le", id="utf-16 LE without BOM"),
    pytest.param(b"", "cp1256", id="windows-1256"),
]


@pytest.mark.parametrize(
    ("read", "make_text"),
    [pytest.param(acled.read, acled_text, id="acled"), pytest.param(ucdp.read, ged_text, id="ged")],
)
@pytest.mark.parametrize(("prefix", "encoding"), ENCODINGS)
def test_an_export_reads_the_same_in_every_encoding(
    tmp_path: Path, prefix: bytes, encoding: str, read: Callable, make_text: Callable
) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(prefix + make_text().encode(encoding))
    events = S.validate(read(path))
    assert list(events[S.LOCATION]) == ["الميادين"] * 3
    assert all(ARABIC_NOTE in note for note in events[S.NOTES])
    assert all("تلفزيون سوريا" in source for source in events[S.SOURCE])
    assert list(events.index) == [2, 3, 4]  # rows numbered as the spreadsheet shows them


@pytest.mark.parametrize(("prefix", "encoding"), ENCODINGS)
def test_a_large_file_streams_in_its_encoding_from_a_sniffed_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: bytes, encoding: str
) -> None:
    # The encoding is decided on the first bytes only (here 301, cutting a character in two for
    # the multi-byte encodings); the rest is decoded as it streams.
    monkeypatch.setattr(textio, "SNIFF_BYTES", 301)
    path = tmp_path / "acled.csv"
    path.write_bytes(prefix + acled_text(rows=40).encode(encoding))
    events = S.validate(acled.read(path))
    assert len(events) == 40 and set(events[S.NOTES]) == {ARABIC_NOTE}


def test_a_byte_of_another_encoding_after_the_sniffed_start_is_refused_naming_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textio, "SNIFF_BYTES", 1000)
    path = tmp_path / "mixed.csv"
    utf8 = acled_text(rows=60).encode("utf-8")  # past the stream's first read-ahead
    row = acled_text(rows=1, notes="Köln", location="Köln", source="Zeitung").splitlines()[1]
    latin = (row + "\r\n").encode("latin-1")
    path.write_bytes(utf8 + latin)
    with pytest.raises(InputError, match=r"line \d+ is not valid UTF-8 although the start"):
        acled.read(path)


def test_reading_a_large_csv_holds_a_chunk_not_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The sniffed start is a fixed cost (4 MB of bytes and their text): shrink it to see the rows.
    monkeypatch.setattr(textio, "SNIFF_BYTES", 64 * 1024)
    path = tmp_path / "big.csv"
    path.write_text(acled_text(rows=12_000), encoding="utf-8")
    size = path.stat().st_size
    tracemalloc.start()
    try:
        rows = sum(chunk.rows for chunk in acled.read_chunks(path, chunk_rows=200))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rows == 12_000
    # The whole text alone would be the file's size again (twice that as Arabic str).
    assert peak < size / 3, f"peak {peak / 1e6:.1f} MB for a {size / 1e6:.1f} MB file"


# --- hostile files through the command --------------------------------------------------------------
def refused(result: subprocess.CompletedProcess[str], verb: str, *phrases: str) -> str:
    """The message of a refusal: exit 2, no traceback, stderr starting with the verb."""
    err = result.stderr
    assert result.returncode == 2, (result.returncode, err[-2000:])
    assert "Traceback" not in err
    assert err.startswith(f"conflictmap {verb}: "), err[:500]
    for phrase in phrases:
        assert phrase in err, err[:2000]
    return err


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store.gpkg"
    GeoPackageStore(path).add(make_events(3))
    return path


def stored_ids(store_path: Path) -> list[str]:
    return sorted(GeoPackageStore(store_path).load()[S.EVENT_ID])


def import_cli(store_path: Path, path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return cli("--store", str(store_path), "import", str(path), env=env)


def test_a_binary_file_is_refused(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(20_000))
    refused(import_cli(store_path, path), "import", "looks like a binary file", "as CSV (UTF-8)")
    assert stored_ids(store_path) == ["T-1", "T-2", "T-3"]


def test_an_empty_file_is_refused_by_import_and_add(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    refused(import_cli(store_path, path), "import", f"{path} is empty")
    refused(cli("--store", str(store_path), "add", str(path)), "add", f"{path} is empty")


def test_a_header_without_rows_is_refused(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "acled.csv"
    path.write_text(acled_text(rows=0), encoding="utf-8")
    err = refused(import_cli(store_path, path), "import", "holds no events", "nothing to import")
    assert err.count("\n") == 1  # one sentence
    own = tmp_path / "events.csv"
    own.write_text(",".join(S.COLUMN_NAMES) + "\n", encoding="utf-8")
    refused(cli("--store", str(store_path), "add", str(own)), "add", "holds no events")


def test_a_gigabyte_file_is_refused_before_it_is_read(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as stream:  # sparse: a gigabyte that takes no disk
        stream.truncate(1024**3)
    refused(import_cli(store_path, path), "import", "1,074 MB, over the 537 MB limit")
    small = tmp_path / "events.csv"
    small.write_text(acled_text(rows=3000), encoding="utf-8")
    refused(
        import_cli(store_path, small, CONFLICTMAP_MAX_INPUT_MB="1"),
        "import",
        "over the 1 MB limit",
        "raise CONFLICTMAP_MAX_INPUT_MB",
    )


def test_geojson_nested_thousands_deep_is_refused(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "deep.geojson"
    depth = 100_000
    path.write_text(
        '{"type": "FeatureCollection", "features": ' + "[" * depth + "]" * depth + "}",
        encoding="utf-8",
    )
    refused(import_cli(store_path, path), "import", "nested too deeply")


def test_geojson_with_two_million_coordinates_is_refused_unparsed(
    tmp_path: Path, store_path: Path
) -> None:
    path = tmp_path / "line.geojson"
    with open(path, "w", encoding="utf-8") as stream:
        stream.write('{"type": "FeatureCollection", "features": [')
        stream.write('{"type": "Feature", "properties": {}, "geometry": {"type": "Point", ')
        stream.write('"coordinates": [40.45, 35.01]}},\n')
        stream.write('{"type": "Feature", "properties": {}, "geometry": {"type": "LineString", ')
        stream.write('"coordinates": [')
        stream.write(",".join(f"[40.{i:06d}, 35.{i:06d}]" for i in range(2_000_000)))
        stream.write("]}}]}")
    refused(
        import_cli(store_path, path),
        "import",
        "feature 2: only Point geometries hold events",
        "convert the shapes to points",
    )


def test_a_row_of_ten_thousand_columns_is_named(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "wide.csv"
    text = acled_text(rows=2)
    path.write_text(text + ",".join(["x"] * 10_000) + "\n", encoding="utf-8")
    refused(
        import_cli(store_path, path),
        "import",
        "nothing was stored",
        "row 4, column timestamp: the row has 10000 fields but the header has 31",
    )
    wide = tmp_path / "wide_header.csv"
    wide.write_text(",".join(f"c{i}" for i in range(10_000)) + "\n1\n", encoding="utf-8")
    refused(import_cli(store_path, wide), "import", "cannot tell the format from its header")


def test_a_ten_megabyte_cell_is_refused(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "cell.csv"
    path.write_text(acled_text(rows=1, notes="x" * 10_000_000), encoding="utf-8")
    refused(
        import_cli(store_path, path),
        "import",
        "line 2: not readable as CSV (a cell longer than 131,072 characters",
        "a quote opened and never closed",
    )
    own = tmp_path / "events.csv"
    pd.DataFrame([make_event(notes="x" * 10_000_000)]).to_csv(own, index=False)
    refused(cli("--store", str(store_path), "add", str(own)), "add", "a cell longer than")


def test_a_nul_inside_a_text_cell_is_refused_naming_row_and_column(
    tmp_path: Path, store_path: Path
) -> None:
    path = tmp_path / "nul.csv"
    # Past the first 4 KB, so the file reads as text and the NUL reaches a cell.
    text = acled_text(rows=30)
    lines = text.splitlines(keepends=True)
    lines[25] = lines[25].replace("الميادين", "الميا\x00دين", 1)
    path.write_text("".join(lines), encoding="utf-8")
    refused(
        import_cli(store_path, path),
        "import",
        "row 26, column location: holds a NUL character (byte 0) at character 6",
    )
    assert stored_ids(store_path) == ["T-1", "T-2", "T-3"]


def test_a_nul_at_the_start_makes_the_file_binary(tmp_path: Path, store_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_text(acled_text(rows=2, notes="a\x00b"), encoding="utf-8")
    refused(import_cli(store_path, path), "import", "looks like a binary file")


def test_a_lone_surrogate_in_geojson_is_refused_naming_the_cell(
    tmp_path: Path, store_path: Path
) -> None:
    path = tmp_path / "surrogate.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [40.45, 35.02]}, "properties": '
        '{"notes": "half a pair: \\ud83d", "event_date": "2022-10-22"}}]}',
        encoding="utf-8",
    )
    refused(
        import_cli(store_path, path),
        "import",
        r"row 1, column notes: holds \ud83d at character 14, half of a UTF-16 surrogate pair",
    )


def test_yaml_aliases_that_would_expand_to_gigabytes_are_refused(
    tmp_path: Path, store_path: Path
) -> None:
    lines = ["events:", "  - tags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"  - tags: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "laughs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(
        cli("--store", str(store_path), "add", str(path)),
        "add",
        "line 3: YAML aliases (*name) are not accepted",
    )


# --- NUL and surrogates on both stores --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("al-Omar\x00 field", "holds a NUL character (byte 0) at character 8"),
        ("al-Omar \udc00field", r"holds \udc00 at character 9, half of a UTF-16 surrogate pair"),
    ],
)
def test_text_no_store_can_hold_is_refused_before_the_store(
    store: EventStore, text: str, message: str
) -> None:
    store.add(make_events(2))
    batch = make_events(3, notes="ok").astype(object)
    batch[S.EVENT_ID] = ["N-1", "N-2", "N-3"]
    batch.loc[2, S.NOTES] = text
    with pytest.raises(ValidationError) as caught:
        store.add(batch)
    (problem,) = caught.value.problems
    assert str(problem).startswith(f"row 2, column notes: {message}")
    assert sorted(store.load()[S.EVENT_ID]) == ["T-1", "T-2"]


def test_the_same_nul_through_an_import_leaves_each_store_as_it_was(
    store: EventStore, tmp_path: Path
) -> None:
    store.add(make_events(2))
    path = tmp_path / "acled.csv"
    lines = acled_text(rows=30).splitlines(keepends=True)
    lines[-1] = lines[-1].replace(ARABIC_NOTE, "note\x00", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError, match="row 31, column notes: holds a NUL"):
        import_file(path, store=store)
    assert sorted(store.load()[S.EVENT_ID]) == ["T-1", "T-2"]
    report = import_file(path, store=store, skip_bad=True)
    assert (report.imported, [r.row for r in report.rejected]) == (29, [31])


def test_a_right_to_left_override_in_a_note_is_kept_as_text(store: EventStore) -> None:
    note = "\u202eevil.exe\u202c حاجز"
    store.add(make_events(1, notes=note))
    assert store.load()[S.NOTES].tolist() == [note]


# --- the dashboard's upload ---------------------------------------------------------------------------
def test_an_upload_over_the_limit_is_refused_with_a_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from geo import settings

    path = tmp_path / "dashboard.gpkg"
    GeoPackageStore(path).add(make_events(2))
    monkeypatch.setattr(settings, "STORE_PATH", path)
    monkeypatch.setattr(settings, "DATABASE_URL", None)
    monkeypatch.setattr(settings, "MAX_INPUT_BYTES", 1024 * 1024)
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    app.run()
    app.switch_page("views/imports.py").run()
    big = acled_text(rows=4000).encode()
    app.get("file_uploader")[0].upload("big.csv", big, "text/csv").run()
    assert not app.exception
    assert [shown(e.value) for e in app.error] == [
        "big.csv is 2 MB, over the 1 MB limit for one file: split it, or import it with "
        "`conflictmap import` after raising CONFLICTMAP_MAX_INPUT_MB."
    ]
    assert not [b for b in app.button if b.key == "import_go"]  # nothing to press

    photo = b"\x89PNG\r\n\x1a\n\x00\x00" * 100
    app.get("file_uploader")[0].upload("photo.csv", photo, "text/csv").run()
    app.button(key="import_go").click().run()
    (error,) = [shown(e.value) for e in app.error]
    assert error.startswith("photo.csv cannot be imported: photo.csv looks like a binary file")
    assert "conflictmap-upload-" not in error  # the temporary copy is not named

    # Message boxes render Markdown: a header from the file must not become an image or a link.
    header = "![beacon](https://tracker.example/p.png),:red[x],$y$\n1,2,3\n"
    app.get("file_uploader")[0].upload("odd.csv", header.encode(), "text/csv").run()
    app.button(key="import_go").click().run()
    (error,) = [e.value for e in app.error]
    assert "](" not in error and ":red[" not in error and "$y$" not in error
    assert "cannot tell the format from its header (![beacon](https://tracker" in shown(error)
    assert sorted(GeoPackageStore(path).load()[S.EVENT_ID]) == ["T-1", "T-2"]


def shown(markdown: str) -> str:
    """What a Markdown message shows: its backslash escapes taken off."""
    return re.sub(r"\\(.)", r"\1", markdown)


def test_extract_reads_a_windows_arabic_report_and_refuses_a_binary(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes("قصفت قوات النظام مدينة الميادين بالمدفعية أمس.\n".encode("cp1256"))
    args = ("--source", "Made-up Outlet", "--published", "2022-10-23T06:52+03:00")
    done = cli("extract", str(report), *args)
    assert done.returncode == 0, done.stderr
    (draft,) = json.loads(done.stdout)["features"]
    assert "الميادين" in draft["properties"][S.EVIDENCE]
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + os.urandom(5000))
    refused(cli("extract", str(photo), *args), "extract", "looks like a binary file")
