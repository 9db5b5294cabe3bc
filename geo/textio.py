"""Reading text files analysts are handed: the encoding told apart, binaries and giants refused.

Files arrive as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's "Unicode text") and
Windows-1256 (Arabic Excel on Windows). Decoding one as another stores mojibake that nobody notices
until a name fails to match; so the encoding is decided here, once, and anything we cannot decide
with confidence is refused with a sentence that says what to do.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from geo import settings
from geo.errors import InputError

_ARABIC = range(0x0600, 0x0700)


def _looks_arabic(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    arabic = sum(1 for c in letters if ord(c) in _ARABIC)
    return arabic / len(letters) > 0.2


def decode(data: bytes, *, name: str = "the file") -> tuple[str, str]:
    """Text and the name of its encoding, or InputError saying why it is not text we can trust."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", name), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", name), "utf-16"
    if b"\x00" in data[:4096]:
        # UTF-16 without a mark puts a NUL beside every ASCII letter; anything else is binary.
        sample = data[:4096]
        odd_nuls = sample[1::2].count(0) / max(1, len(sample) // 2)
        even_nuls = sample[0::2].count(0) / max(1, len(sample) // 2)
        if odd_nuls > 0.3 and even_nuls < 0.05:
            return _strict(data, "utf-16-le", name), "utf-16-le"
        if even_nuls > 0.3 and odd_nuls < 0.05:
            return _strict(data, "utf-16-be", name), "utf-16-be"
        raise InputError(
            f"{name} looks like a binary file (it holds NUL bytes), not CSV or text; "
            "export it from its program as CSV (UTF-8)"
        )
    try:
        return data.decode("utf-8"), "utf-8"
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


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name} starts as {encoding.upper()} but byte {exc.start} is not valid {encoding}; "
            "the file is damaged or mixes encodings"
        ) from exc


def read_text(path: str | Path, *, max_bytes: int | None = None) -> str:
    """The text of a file, refusing empty, binary, undecodable and oversized files by name."""
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
    text, _ = decode(path.read_bytes(), name=str(path))
    if not text.strip():
        raise InputError(f"{path} holds only white space")
    return text
