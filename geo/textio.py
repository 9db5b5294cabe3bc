"""Reading text files analysts are handed: the encoding told apart, binaries and giants refused.

Files arrive as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") and
Windows-1256 (Arabic Excel on Windows). Decoding one as another stores mojibake that nobody notices
until a name fails to match; so the encoding is decided here, once, and anything we cannot decide
with confidence is refused with a sentence that says what to do.

Small inputs are decoded whole (:func:`read_text`); a CSV of any size streams instead: its encoding
is decided on its first megabytes (:func:`sniff_encoding`) and the rows are read through
:func:`open_text`, so memory does not grow with the file's text.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import BinaryIO, TextIO

from geo import settings
from geo.errors import InputError

_ARABIC = range(0x0600, 0x0700)
# Large files are streamed: their encoding is decided on this much of their start.
SNIFF_BYTES = 4 * 1024 * 1024
_BLOCK = 1024 * 1024
_TAIL = 64 * 1024  # kept from one block to the next, so that a line cut in two is found whole
_NON_ASCII = re.compile(rb"[\x80-\xff]")


# An Arabic word: two or more characters of the Arabic block, not glued to a Latin letter (a
# Latin-1 "ä" read as Windows-1256 is a lone "ل" inside a Latin word: "Bلcker").
_ARABIC_WORD = re.compile(r"(?<![A-Za-z])[\u0600-\u06ff]{2,}(?![A-Za-z])")


def _looks_arabic(text: str) -> bool:
    """Whether the text's non-ASCII letters are Arabic words, however much English surrounds them.

    An ACLED file in English with a few Arabic place names is mostly ASCII: what tells Windows-1256
    from another code page is what its non-ASCII bytes make, Arabic words or Latin mojibake.
    """
    foreign = sum(1 for c in text if not c.isascii() and c.isalpha())
    if not foreign:
        return False
    in_words = sum(
        1 for word in _ARABIC_WORD.findall(text) for c in word if c.isalpha() and ord(c) in _ARABIC
    )
    return in_words / foreign > 0.8


def decode(data: bytes, *, name: str = "the file") -> tuple[str, str]:
    """Text and the name of its encoding, or InputError saying why it is not text we can trust."""
    return _decode(data, name=name, final=True)


def _decode(data: bytes, *, name: str, final: bool) -> tuple[str, str]:
    """As :func:`decode`; with ``final`` False, ``data`` is the start of a longer file, so a
    character cut at its end is not an error."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name, final), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name, final), "utf-16"
    if b"\x00" in data[:4096]:
        # UTF-16 without a mark puts a NUL beside every ASCII letter; anything else is binary.
        sample = data[:4096]
        odd_nuls = sample[1::2].count(0) / max(1, len(sample) // 2)
        even_nuls = sample[0::2].count(0) / max(1, len(sample) // 2)
        if odd_nuls > 0.3 and even_nuls < 0.05:
            return _strict(data, "utf-16-le", name, final), "utf-16-le"
        if even_nuls > 0.3 and odd_nuls < 0.05:
            return _strict(data, "utf-16-be", name, final), "utf-16-be"
        raise InputError(
            f"{name} looks like a binary file (it holds NUL bytes), not CSV or text; "
            "export it from its program as CSV (UTF-8)"
        )
    try:
        return codecs.utf_8_decode(data, "strict", final)[0], "utf-8"
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp1256")
        except UnicodeDecodeError:
            text = ""
        if text and _looks_arabic(text):
            return text, "cp1256"
        raise InputError(
            f"{name} is not UTF-8 (invalid byte 0x{data[utf8_error.start]:02x} at byte "
            f"{utf8_error.start}) and does not read as Windows-1256 Arabic either; save it as "
            "CSV UTF-8 and try again"
        ) from utf8_error


def _strict(data: bytes, encoding: str, name: str, final: bool = True) -> str:
    try:
        return codecs.getincrementaldecoder(encoding)("strict").decode(data, final)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} starts as {encoding.upper()} but byte {exc.start} is not valid {encoding}; "
            "the file is damaged or mixes encodings"
        ) from exc


def check_size(path: str | Path, *, max_bytes: int | None = None) -> int:
    """The size of a file one may read as input: refuses a missing, empty or oversized one."""
    path = Path(path)
    limit = settings.MAX_INPUT_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path} cannot be read: {exc.strerror}") from exc
    if size > limit:
        raise InputError(
            f"{path} is {size / 1e6:,.0f} MB, over the {limit / 1e6:,.0f} MB limit for one input; "
            "split it, or raise CONFLICTMAP_MAX_INPUT_MB if it is a known-good export"
        )
    if size == 0:
        raise InputError(f"{path} is empty")
    return size


def read_text(path: str | Path, *, max_bytes: int | None = None) -> str:
    """The text of a file, refusing empty, binary, undecodable and oversized files by name."""
    path = Path(path)
    check_size(path, max_bytes=max_bytes)
    text, _ = decode(path.read_bytes(), name=str(path))
    if not text.strip():
        raise InputError(f"{path} holds only white space")
    return text


def sniff_encoding(path: str | Path, *, max_bytes: int | None = None) -> str:
    """The encoding of a file too large to decode whole, decided on its first few megabytes.

    The same checks as :func:`read_text` (size, empty, binary, undecodable), on ``SNIFF_BYTES``.
    A start in plain ASCII reads the same in every encoding we accept, so then the decision waits
    for the first line that is not (an ASCII header and ASCII rows before the Arabic ones). A
    later byte that does not fit is met, and refused, while the file streams.
    """
    path = Path(path)
    size = check_size(path, max_bytes=max_bytes)
    with open(path, "rb") as stream:
        sample = stream.read(SNIFF_BYTES)
        if sample.isascii() and b"\x00" not in sample and len(sample) < size:
            sample = _first_non_ascii_lines(stream, sample)
    whole = len(sample) == size
    text, encoding = _decode(sample, name=str(path), final=whole)
    if whole and not text.strip():
        raise InputError(f"{path} holds only white space")
    return encoding


def _first_non_ascii_lines(stream: BinaryIO, start: bytes) -> bytes:
    """``SNIFF_BYTES`` from the line holding the stream's first non-ASCII byte (or ``start``)."""
    tail = start[-_TAIL:]
    while block := stream.read(_BLOCK):
        block = tail + block
        found = _NON_ASCII.search(block)
        if found:
            line = block.rfind(b"\n", 0, found.start()) + 1
            return block[line:] + stream.read(SNIFF_BYTES)
        tail = block[-_TAIL:]
    return start


def open_text(path: str | Path, encoding: str) -> TextIO:
    """The file as a text stream in ``encoding`` (from :func:`sniff_encoding`), newlines as written.

    A byte that is not valid in the encoding raises UnicodeDecodeError as the stream reaches it:
    the reader that knows the row turns it into a sentence with :func:`undecodable`.
    """
    return open(path, encoding=encoding, errors="strict", newline="")


def undecodable(path: str | Path, encoding: str, where: str) -> InputError:
    """The error for a byte, met while streaming, that the file's own encoding cannot read."""
    return InputError(
        f"{path}: {where} is not valid {encoding.removesuffix('-sig').upper()} although the start "
        "of the file is: the file mixes encodings or is damaged; save it again as CSV UTF-8"
    )


def count_lines(path: str | Path, encoding: str) -> int:
    """Lines of text in the file (a last line without a line break counts), read in blocks."""
    lines, last = 0, ""
    if encoding.startswith("utf-16"):
        with open_text(path, encoding) as stream:
            while block := stream.read(_BLOCK):
                lines, last = lines + block.count("\n"), block[-1]
    else:
        # In UTF-8 and Windows-1256 a newline byte is always a newline: no need to decode.
        with open(path, "rb") as stream:
            while block := stream.read(_BLOCK):
                lines, last = lines + block.count(b"\n"), chr(block[-1])
    return lines + (last not in ("", "\n"))
