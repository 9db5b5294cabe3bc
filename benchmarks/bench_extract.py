"""Time to draft events from one ~4 kB news report, after warm-up (gazetteer and lexicon loaded).

Articles: the founding report from ../shared/seeds when present (Arabic, 4 kB), and an Arabic and an
English article of about 4 kB assembled from the test corpus (tests/data/extraction/). Each is
extracted ``--repeat`` times; the table gives the median and the 90th percentile of the whole
``extract()`` call, and how much of the median goes to the geocoder and to ``schema.validate``.

    .venv/bin/python -m benchmarks.bench_extract [--repeat 50]

Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from geo import schema
from geo.extract import pipeline as extract_mod
from geo.places.geocode import default_geocoder

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_e7f11bdf093012be.txt"
CORPUS = ROOT / "tests" / "data" / "extraction"
DATELINE = dt.datetime.fromisoformat("2022-10-23T06:52+03:00")


def corpus_article(lang: str, *, size: int = 4096) -> str:
    """Corpus items joined into paragraphs until the text reaches ``size`` bytes of UTF-8."""
    items = yaml.safe_load((CORPUS / f"{lang}.yaml").read_text(encoding="utf-8"))["items"]
    parts: list[str] = []
    while len("\n\n".join(parts).encode("utf-8")) < size:
        parts.append(items[len(parts) % len(items)]["text"])
    return "\n\n".join(parts)


class Clock:
    """Wraps a function and adds up the time spent in it."""

    def __init__(self, fn: Callable) -> None:
        self.fn, self.seconds = fn, 0.0

    def __call__(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


def measure(text: str, repeat: int) -> tuple[float, float, float, float, float, int]:
    geocoder = Clock(default_geocoder().geocode)
    validate = Clock(schema.validate)
    original = extract_mod.S.validate
    extract_mod.S.validate = validate  # type: ignore[assignment]
    try:
        n = len(extract_mod.extract(text, source="Bench", published=DATELINE, geocoder=geocoder))
        runs, cpu = [], []
        geocoder.seconds = validate.seconds = 0.0
        for _ in range(repeat):
            start, start_cpu = time.perf_counter(), time.process_time()
            extract_mod.extract(text, source="Bench", published=DATELINE, geocoder=geocoder)
            runs.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
    finally:
        extract_mod.S.validate = original  # type: ignore[assignment]
    ms = sorted(r * 1000 for r in runs)
    p90 = ms[int(0.9 * (len(ms) - 1))]
    return (
        statistics.median(ms),
        p90,
        statistics.median(cpu) * 1000,
        geocoder.seconds * 1000 / repeat,
        validate.seconds * 1000 / repeat,
        n,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    articles = {}
    if SEED.exists():
        articles["founding report (ar)"] = SEED.read_text(encoding="utf-8")
    articles["corpus article (ar)"] = corpus_article("ar")
    articles["corpus article (en)"] = corpus_article("en")

    start = time.perf_counter()
    extract_mod.extract("warm-up", source="Bench", published=DATELINE)
    default_geocoder()
    print(f"warm-up (lexicon, actors, gazetteer): {time.perf_counter() - start:.2f} s\n")

    head = f"{'article':<24}{'bytes':>7}{'events':>8}{'median ms':>11}{'p90 ms':>9}{'cpu ms':>8}"
    print(head + f"{'geocoder ms':>13}{'validate ms':>13}{'rest ms':>9}")
    for name, text in articles.items():
        median, p90, cpu_ms, geo_ms, val_ms, n = measure(text, args.repeat)
        print(
            f"{name:<24}{len(text.encode()):>7}{n:>8}{median:>11.1f}{p90:>9.1f}{cpu_ms:>8.1f}"
            f"{geo_ms:>13.1f}"
            f"{val_ms:>13.1f}{median - geo_ms - val_ms:>9.1f}"
        )
    print(
        "\n(median/p90: wall clock of extract(); cpu: median process CPU time, steadier on a busy"
        " machine; geocoder and validate: mean wall time per extract() spent in them; rest:"
        " median minus those, the extractor's own reading, roles, merging and frame building)"
    )


if __name__ == "__main__":
    main()
