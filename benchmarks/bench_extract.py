"""Time to draft events from one ~4 kB news report, after warm-up (gazetteer and lexicon loaded).

Articles: the founding report from ../shared/seeds when present (Arabic, 4 kB), and an Arabic and an
English article of about 4 kB assembled from the test corpus (tests/data/extraction/). Each is
extracted ``--repeat`` times; the table gives the median and the 90th percentile of the whole
``extract()`` call, and how much of the median goes to the geocoder and to ``schema.validate``.

    .venv/bin/python -m benchmarks.bench_extract [--repeat 50]

Then a day's batch through the command line: 100 reports (the real reports of
../shared/realtext when present, else the corpus items, repeated) as one JSON-lines stream to
``conflictmap extract -``, one process, against the same reports given one process each (timed on
``--single`` of them and scaled).

    .venv/bin/python -m benchmarks.bench_extract [--repeat 50] [--batch 100] [--single 5]

Prints a table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from geo import schema
from geo.extract import pipeline as extract_mod
from geo.places.geocode import default_geocoder

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "000_e7f11bdf093012be.txt"
REALTEXT = ROOT.parent / "shared" / "realtext"
CORPUS = ROOT / "tests" / "data" / "extraction"
DATELINE = dt.datetime.fromisoformat("2022-10-23T06:52+03:00")


def corpus_article(lang: str, *, size: int = 4096) -> str:
    """Corpus items joined into paragraphs until the text reaches ``size`` bytes of UTF-8."""
    items = yaml.safe_load((CORPUS / f"{lang}.yaml").read_text(encoding="utf-8"))["items"]
    parts: list[str] = []
    while len("\n\n".join(parts).encode("utf-8")) < size:
        parts.append(items[len(parts) % len(items)]["text"])
    return "\n\n".join(parts)


def real_article(lang: str, *, size: int = 4096) -> str | None:
    """Real reports of one language from ../shared/realtext joined to about ``size`` bytes."""
    gold = REALTEXT / "gold.json"
    if not gold.exists():
        return None
    items = [i for i in json.loads(gold.read_text(encoding="utf-8"))["items"] if i["lang"] == lang]
    parts: list[str] = []
    while items and len("\n\n".join(parts).encode("utf-8")) < size:
        parts.append((REALTEXT / items[len(parts) % len(items)]["file"]).read_text("utf-8"))
    text = "\n\n".join(parts).encode("utf-8")[:size].decode("utf-8", "ignore")
    return text or None


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


def batch_reports(n: int) -> list[dict]:
    """``n`` reports as stream records: the shared real reports when present, else the corpus."""
    base: list[dict] = []
    gold = REALTEXT / "gold.json"
    if gold.exists():
        for item in json.loads(gold.read_text(encoding="utf-8"))["items"]:
            text = (REALTEXT / item["file"]).read_text(encoding="utf-8")
            base.append({"text": text, "source": item["outlet"], "published": item["published"]})
    else:
        for lang in ("ar", "en"):
            for item in yaml.safe_load((CORPUS / f"{lang}.yaml").read_text(encoding="utf-8"))[
                "items"
            ]:
                base.append(
                    {"text": item["text"], "source": "Bench", "published": str(item["published"])}
                )
    return [base[k % len(base)] for k in range(n)]


def cli(args: list[str], stdin: bytes | None = None) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "geo.cli", "extract", *args],
        input=stdin,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        env=env,
    )
    return time.perf_counter() - start


def bench_batch(n: int, single: int) -> None:
    reports = batch_reports(n)
    stream = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in reports).encode()
    batch_s = cli(["-"], stdin=stream)
    per_call = []
    with tempfile.TemporaryDirectory() as tmp:
        for k, r in enumerate(reports[:single]):
            path = Path(tmp) / f"r{k}.txt"
            path.write_text(r["text"], encoding="utf-8")
            per_call.append(
                cli([str(path), "--source", r["source"], "--published", r["published"]])
            )
    one = statistics.median(per_call)
    kb = len(stream) / 1024
    print(f"\nbatch through the CLI: {n} reports ({kb:.0f} kB) as one JSON-lines stream")
    print(f"  one process:          {batch_s:8.1f} s  ({batch_s / n * 1000:.0f} ms per report)")
    print(
        f"  one process a report: {one * n:8.1f} s  (median {one:.2f} s per call over {single}"
        " calls, times the batch size)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--batch", type=int, default=100, help="reports in the CLI batch")
    parser.add_argument("--single", type=int, default=5, help="one-process-a-report calls timed")
    args = parser.parse_args()

    articles = {}
    if SEED.exists():
        articles["founding report (ar)"] = SEED.read_text(encoding="utf-8")
    for lang in ("ar", "en"):
        real = real_article(lang)
        if real:
            articles[f"real reports ({lang})"] = real
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
    if args.batch:
        bench_batch(args.batch, args.single)


if __name__ == "__main__":
    main()
