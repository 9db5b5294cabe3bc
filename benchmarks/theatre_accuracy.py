"""How often a bare place name of the theatre resolves to the place an analyst means.

Two lists, both from real material (never written beside the code):

- ``tests/data/geocode_theatre_mentions.csv``: place mentions seen in real reports (the twenty-six
  of ../shared/realtext and reports found with the search tool), Arabic and Latin script, each with
  the outlet it was seen in and the source of its reference point;
- ACLED's ``location`` column with its latitude/longitude, for the Syria and Iraq rows of the ACLED
  exports in ../shared/realdata. ACLED's rows stay out of the repository: the list is built here,
  at run time, and skipped when the folder is absent.

Each mention is geocoded bare (no country, no nearby places), in the region given (the analyst's
``CONFLICTMAP_REGION``); it counts when the point is within its tolerance (10 km) of the reference.
A point given further off is counted as wrong, apart from the refusals: a wrong point misleads,
a refusal says the place is not known.

Then the places of the analyst's own events (:mod:`geo.places.known`): ACLED's rows split at
their middle day, the earlier days as a store holds them after an import, the later days'
locations geocoded with the gazetteer alone and with the places the earlier events name.

    .venv/bin/python -m benchmarks.theatre_accuracy [--region SY,IQ] [--dump SY.txt --dump IQ.txt]

Prints the figures and every failure; nothing is asserted. ``bench_geocode`` prints the same
figures after the speed table.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.places.gazetteer import Gazetteer  # noqa: E402
from geo.places.geocode import Geocoder  # noqa: E402

if TYPE_CHECKING:
    import pandas as pd

MENTIONS = ROOT / "tests" / "data" / "geocode_theatre_mentions.csv"
REALDATA = ROOT.parent / "shared" / "realdata"
TOLERANCE_KM = 10.0


@dataclass(frozen=True)
class Mention:
    text: str
    latitude: float
    longitude: float
    tolerance_km: float
    origin: str  # where it was seen


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(min(a, 1.0)))


def report_mentions(path: Path = MENTIONS) -> list[Mention]:
    """The committed list of mentions seen in real reports."""
    with path.open(encoding="utf-8") as f:
        return [
            Mention(
                r["mention"],
                float(r["expected_lat"]),
                float(r["expected_lon"]),
                float(r["tolerance_km"]),
                r["seen_in"],
            )
            for r in csv.DictReader(f)
        ]


def acled_mentions(
    folder: Path = REALDATA, countries: Sequence[str] = ("Syria", "Iraq")
) -> list[Mention]:
    """ACLED's locations (one per country and name) with ACLED's own coordinates; [] without data."""
    import pandas as pd

    out: dict[tuple[str, str], Mention] = {}
    for path in sorted(folder.glob("acled_*.csv")) if folder.is_dir() else []:
        frame = pd.read_csv(
            path, usecols=lambda c: c in ("country", "location", "latitude", "longitude")
        )
        if not {"country", "location", "latitude", "longitude"} <= set(frame.columns):
            continue
        frame = frame[frame["country"].isin(countries)].dropna()
        for row in frame.itertuples(index=False):
            key = (row.country, str(row.location))
            out.setdefault(
                key,
                Mention(
                    str(row.location),
                    float(row.latitude),
                    float(row.longitude),
                    TOLERANCE_KM,
                    f"ACLED {path.name}",
                ),
            )
    return list(out.values())


def acled_split(
    folder: Path = REALDATA, countries: Sequence[str] = ("Syria", "Iraq")
) -> tuple[pd.DataFrame, list[Mention]]:
    """ACLED's rows of the theatre split at their middle day: the earlier rows as a store holds
    them after an import (reviewed), and the later rows' locations as mentions, one per country
    and name. Empty without data."""
    import pandas as pd

    from geo import schema
    from geo.formats import acled

    frames = []
    for path in sorted(folder.glob("acled_*.csv")) if folder.is_dir() else []:
        events = acled.read(path)
        frames.append(events[events["country"].isin(countries)].assign(origin_file=path.name))
    if not frames:
        return pd.DataFrame(), []
    events = pd.concat(frames, ignore_index=True).dropna(subset=["event_date", "location"])
    middle = events["event_date"].sort_values().iloc[len(events) // 2]
    # typed and derived as an import stores them (imported rows are reviewed)
    earlier = schema.validate(events[events["event_date"] < middle], unknown_columns="drop")
    later: dict[tuple[str, str], Mention] = {}
    for row in events[events["event_date"] >= middle].itertuples(index=False):
        later.setdefault(
            (row.country, str(row.location)),
            Mention(
                str(row.location),
                float(row.latitude),
                float(row.longitude),
                TOLERANCE_KM,
                f"ACLED {row.origin_file}, from {middle}",
            ),
        )
    return earlier, list(later.values())


@dataclass
class Score:
    hits: int
    total: int
    seconds: float
    failures: list[str]
    unheld: int = 0  # failures whose place the gazetteer does not hold at all
    wrong: int = 0  # answers given that are more than the tolerance off (the rest were refused)

    @property
    def answers_right(self) -> float:
        """Of the points the geocoder gave, the share within the tolerance: a wrong point is
        worse for an analyst than a refusal, which says the place is not known."""
        answered = self.hits + self.wrong
        return self.hits / answered if answered else float("nan")

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else float("nan")

    @property
    def share_held(self) -> float:
        """The share among the mentions whose place the gazetteer holds: ranking, not coverage."""
        held = self.total - self.unheld
        return self.hits / held if held else float("nan")


def held(coder: Geocoder, mention: Mention) -> bool:
    """Whether the gazetteer has a place within the tolerance whose name is close to the mention
    (rapidfuzz ratio 75 or more on the folded keys): if not, no ranking could have found it."""
    import numpy as np
    from rapidfuzz import fuzz

    from geo.places.gazetteer import name_key
    from geo.places.geocode import haversine_km

    gaz = coder.gazetteer
    near = np.flatnonzero(
        haversine_km(mention.latitude, mention.longitude, gaz.latitude, gaz.longitude)
        <= mention.tolerance_km
    )
    if not len(near):
        return False
    key = name_key(mention.text)
    owner = np.repeat(np.arange(len(gaz.folded)), np.diff(gaz.folded.indptr))
    wanted = np.isin(gaz.folded.ids, near)
    return any(fuzz.ratio(key, gaz.folded.keys[int(k)]) >= 75 for k in set(owner[wanted].tolist()))


def score(coder: Geocoder, mentions: list[Mention], region: Sequence[str]) -> Score:
    hits, failures = 0, []
    started = time.perf_counter()
    results = [coder.geocode(m.text, region=region) for m in mentions]
    seconds = time.perf_counter() - started
    unheld = wrong = 0
    for m, r in zip(mentions, results, strict=True):
        if r.matched and km(m.latitude, m.longitude, r.latitude, r.longitude) <= m.tolerance_km:  # type: ignore[arg-type]
            hits += 1
            continue
        wrong += r.matched
        if not held(coder, m):
            unheld += 1
            failures.append(f"{m.text!r} [{m.origin}]: not in the gazetteer - {r.reason[:100]}")
            continue
        got = (
            f"{r.name_en} ({r.country}) {km(m.latitude, m.longitude, r.latitude, r.longitude):.0f} km off"  # type: ignore[arg-type]
            if r.matched
            else r.reason
        )
        failures.append(f"{m.text!r} [{m.origin}]: {got[:160]}")
    return Score(hits, len(mentions), seconds, failures, unheld, wrong)


def print_figures(coder: Geocoder, region: Sequence[str], *, show_failures: bool = True) -> None:
    lists = {
        "real reports (committed list)": report_mentions(),
        "ACLED locations, Syria+Iraq": acled_mentions(),
    }
    both = lists["real reports (committed list)"] + lists["ACLED locations, Syria+Iraq"]
    lists["both lists together"] = both
    print(
        f"\nbare mentions of the theatre, region {','.join(region)}: share within 10 km of the reference"
    )
    print("(held: mentions whose place the gazetteer holds, under a close name within 10 km;")
    print(" wrong: a point given more than 10 km off, where the others not within were refused;")
    print(" right of answers: within / (within + wrong))")
    print(
        f"{'list':36} {'mentions':>9} {'within':>7} {'share':>6} {'held':>5}"
        f" {'share of held':>14} {'wrong':>6} {'right of answers':>17} {'ms/lookup':>10}"
    )
    coder.geocode("Mayadinx", region=region)  # the first misspelling lists the region's keys
    scores = {}
    for label, mentions in lists.items():
        if not mentions:
            print(f"{label:36} {'(no data: ../shared/realdata absent)':>30}")
            continue
        s = scores[label] = score(coder, mentions, region)
        print(
            f"{label:36} {s.total:9d} {s.hits:7d} {s.share:6.3f} {s.total - s.unheld:5d}"
            f" {s.share_held:14.3f} {s.wrong:6d} {s.answers_right:17.3f}"
            f" {s.seconds / s.total * 1000:10.2f}"
        )
    earlier, later = acled_split()
    if later:
        from geo.places.known import known_places

        places = known_places(earlier)
        print(
            f"\nthe store's own places: ACLED's Syria+Iraq rows split at their middle day; the"
            f" locations of the later days ({len(later)}) geocoded with the gazetteer alone, then"
            f" with the {len(places)} places the earlier days' {len(earlier)} events name"
            " (an analyst who imported them)"
        )
        for label, with_store in (("gazetteer alone", coder), ("with the store", None)):
            if with_store is None:
                with_store = coder.with_known(places)
            s = score(with_store, later, region)
            print(
                f"{label:36} {s.total:9d} {s.hits:7d} {s.share:6.3f} {'':5} {'':14}"
                f" {s.wrong:6d} {s.answers_right:17.3f} {s.seconds / s.total * 1000:10.2f}"
            )
    if show_failures:
        for label in ("real reports (committed list)", "ACLED locations, Syria+Iraq"):
            if label in scores:
                print(f"\nfailures, {label}:")
                for line in scores[label].failures:
                    print("  ", line)


def main() -> None:
    from geo.places.region import parse_region

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--region", default="SY,IQ", help="the theatre (default SY,IQ)")
    parser.add_argument(
        "--dump",
        action="append",
        default=[],
        type=Path,
        help="a GeoNames country dump (SY.txt, IQ.txt) to add to the gazetteer; repeatable",
    )
    args = parser.parse_args()
    gazetteer = Gazetteer.load(dumps=args.dump)
    print_figures(Geocoder(gazetteer), parse_region(args.region))


if __name__ == "__main__":
    main()
