"""Every located event as a compact binary for the map, and a filter's result as a small bitset.

The map draws each event as a point in the browser. The browser receives the events once per
store revision (:func:`encode_points`: about ten bytes an event, so a million events are ten
megabytes fetched once) and, at each filter change, only which of them the filter kept
(:func:`encode_keep`: one bit an event, deflated, usually a few kilobytes). The filter itself runs
here, on the server (:mod:`geo.query`): the browser never decides what is kept.

The points are stored sorted by event type, then date, so that the common filters (a type, a
period) keep long runs of points, which deflate to almost nothing.

Layout of :func:`encode_points` (little-endian)::

    b"CMP1", uint32 header length, header (UTF-8 JSON), zero padding to a multiple of 4,
    uint32[n] longitude, uint32[n] latitude, uint8[n] type code, uint8[n] size class

Coordinates are quantised to a millionth of a degree (about 0.1 m): ``(lon + 180) * 1e6`` and
``(lat + 90) * 1e6``. The header names the event types (``types``, the codes' meanings, the last
one ``Other`` for types outside the ACLED taxonomy), the fatality classes (``sizes``) and ``n``.
No event text travels: popups are asked for when an event is clicked.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo import schema as S
from geo.aggregate import OTHER_TYPE, type_codes
from geo.query import EventIndex

MAGIC = b"CMP1"
SCALE = 1_000_000  # quantisation steps per degree
# Fatality classes: none or unknown, 1-9, 10-99, 100 or more (class i holds values >= BOUNDS[i-1]).
FATALITY_BOUNDS = (1, 10, 100)
TYPES = (*S.EVENT_TYPES, OTHER_TYPE)


@dataclass(frozen=True)
class Points:
    """The encoded points of one frame and how they map back to it.

    ``order[i]`` is the frame row of point ``i``: the bitset of :func:`encode_keep` is indexed by
    points, not by rows. ``types[i]`` is its type code (a position in :data:`TYPES`). ``token``
    names the content (a hash), for file names and caches.
    """

    data: bytes
    order: np.ndarray
    types: np.ndarray
    token: str

    def type_counts(self, keep: np.ndarray) -> dict[str, int]:
        """How many points of each type ``keep`` (over the frame's rows) keeps, types with none left out."""
        counts = np.bincount(self.types[keep[self.order]], minlength=len(TYPES))
        return {t: int(c) for t, c in zip(TYPES, counts, strict=True) if c}

    def __len__(self) -> int:
        return len(self.order)


def size_classes(fatalities: np.ndarray) -> np.ndarray:
    """Per event, its fatality class (0: none or unknown ... 3: a hundred or more)."""
    return np.searchsorted(np.array(FATALITY_BOUNDS), fatalities, side="right").astype("uint8")


def encode_points(events: pd.DataFrame, index: EventIndex | None = None) -> Points:
    """The located events of ``events`` as the binary described above (see :class:`Points`).

    ``index`` is the frame's :class:`~geo.query.EventIndex` when there is one (its codes are
    reused). Events without coordinates (drafts waiting for the geocoder) are left out.
    """
    if index is not None and index.events is not events:
        msg = "the index was built for another frame: pass that frame, or no index"
        raise ValueError(msg)
    lon = events[S.LONGITUDE].to_numpy(dtype="float64")
    lat = events[S.LATITUDE].to_numpy(dtype="float64")
    located = np.flatnonzero(~(np.isnan(lon) | np.isnan(lat)))
    types = type_codes(events, index).astype("uint8")
    days = events[S.EVENT_DATE].to_numpy(dtype="datetime64[D]").view("int64")
    # lexsort: the last key sorts first. Type, then date, then the frame's order.
    order = located[np.lexsort((days[located], types[located]))]
    fatalities = events[S.FATALITIES].fillna(0).to_numpy(dtype="int64")
    header = json.dumps(
        {
            "n": len(order),
            "scale": SCALE,
            "types": list(TYPES),
            "sizes": len(FATALITY_BOUNDS) + 1,
        },
        separators=(",", ":"),
    ).encode()
    pad = b"\0" * (-(len(MAGIC) + 4 + len(header)) % 4)
    parts = [
        MAGIC,
        np.uint32(len(header)).tobytes(),
        header,
        pad,
        _quantised(lon[order], 180.0).tobytes(),
        _quantised(lat[order], 90.0).tobytes(),
        types[order].tobytes(),
        size_classes(fatalities[order]).tobytes(),
    ]
    data = b"".join(parts)
    return Points(
        data=data, order=order, types=types[order], token=hashlib.sha1(data).hexdigest()[:16]
    )


def _quantised(values: np.ndarray, offset: float) -> np.ndarray:
    return np.round((values + offset) * SCALE).astype("<u4")


def decode_points(data: bytes) -> dict[str, object]:
    """The header and arrays of :func:`encode_points` (for tests and tools; the browser has its own)."""
    if data[:4] != MAGIC:
        msg = "not a conflictmap points payload (it does not start with CMP1)"
        raise ValueError(msg)
    size = int(np.frombuffer(data, dtype="<u4", count=1, offset=4)[0])
    header = json.loads(data[8 : 8 + size])
    n = header["n"]
    at = 8 + size + (-(8 + size) % 4)
    lon = np.frombuffer(data, dtype="<u4", count=n, offset=at) / SCALE - 180.0
    lat = np.frombuffer(data, dtype="<u4", count=n, offset=at + 4 * n) / SCALE - 90.0
    types = np.frombuffer(data, dtype="uint8", count=n, offset=at + 8 * n)
    sizes = np.frombuffer(data, dtype="uint8", count=n, offset=at + 9 * n)
    return {"header": header, "lon": lon, "lat": lat, "types": types, "sizes": sizes}


def encode_keep(points: Points, keep: np.ndarray) -> str:
    """Which points ``keep`` (a boolean array over the frame's rows) keeps: base64 of the
    deflated (zlib) bit array, point ``i`` at bit ``i % 8`` of byte ``i // 8``."""
    bits = np.packbits(keep[points.order], bitorder="little")
    return base64.b64encode(zlib.compress(bits.tobytes(), 6)).decode("ascii")


def decode_keep(text: str, n: int) -> np.ndarray:
    """The boolean array over points that :func:`encode_keep` wrote."""
    bits = np.frombuffer(zlib.decompress(base64.b64decode(text)), dtype="uint8")
    return np.unpackbits(bits, bitorder="little", count=n).astype(bool)
