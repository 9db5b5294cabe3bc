"""Input files in the encodings analysts are handed: read right, or refused with the reason."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from geo.errors import InputError
from geo.textio import read_text

ARABIC_CSV = "location,notes\nالميادين,قصف صاروخي\nالبوكمال,غارة جوية\n"


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),  # Excel's "Unicode text" saved without a mark
        ("cp1256", b""),  # Arabic Excel on Windows
    ],
)
def test_arabic_text_reads_the_same_in_every_encoding(
    tmp_path: Path, encoding: str, prefix: bytes
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(prefix + ARABIC_CSV.encode(encoding))
    assert read_text(path) == ARABIC_CSV


def test_a_windows_1256_file_with_little_arabic_is_read(tmp_path: Path) -> None:
    # An English ACLED-style file from Arabic Excel: two Arabic names among English notes.
    english = "On 22 October 2022, coalition aircraft struck militia positions near the town. " * 8
    text = f"location,notes\nMayadin (الميادين),{english}\nAl-Jalaa (الجلاء),{english}\n"
    path = tmp_path / "events.csv"
    path.write_bytes(text.encode("cp1256"))
    assert read_text(path) == text


def test_latin_1_is_not_taken_for_arabic_even_among_english(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(
        ("location\nBäcker Straße, Hällö\n" + "plain English words " * 50).encode("latin-1")
    )
    with pytest.raises(InputError, match=r"is not UTF-8 .* save it as CSV UTF-8"):
        read_text(path)


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match="looks like a binary file"):
        read_text(path)


def test_text_that_is_neither_utf8_nor_arabic_is_refused_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("location\nKöln, Düsseldorf\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"is not UTF-8 .* save it as CSV UTF-8"):
        read_text(path)


def test_empty_and_blank_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    blank = tmp_path / "blank.csv"
    blank.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="is empty"):
        read_text(empty)
    with pytest.raises(InputError, match="only white space"):
        read_text(blank)


def test_a_file_over_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    with open(path, "wb") as stream:
        stream.truncate(3 * 1024 * 1024)  # sparse: costs no disk
    with pytest.raises(InputError, match="over the 1 MB limit"):
        read_text(path, max_bytes=1_000_000)
