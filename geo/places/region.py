"""The theatre: the countries an analyst's bare place names are read in first.

An analyst of eastern Syria who types "Hajin" means the Syrian town, not a village in Turkey. The
geocoder therefore ranks candidates by a prior: the report's own country first, then the *region*,
then the rest of the world. The region is, in this order:

1. ``CONFLICTMAP_REGION`` (``SY,IQ``: ISO2/ISO3 codes or English names, comma-separated);
2. the countries of the events in the store, where the caller passes them (the CLI does);
3. the countries of the bundled events in ``data/events/`` (what the project ships).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from geo import settings
from geo.errors import InputError
from geo.places.gazetteer import find_country

__all__ = ["bundled_region", "default_region", "parse_region", "region_of_countries"]


def parse_region(text: str) -> tuple[str, ...]:
    """``"SY,IQ"`` (codes or English names) -> ``("SY", "IQ")``; an unknown country is an error."""
    codes: list[str] = []
    unknown: list[str] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        found = find_country(part)
        if found is None:
            unknown.append(part)
        elif found.iso2 not in codes:
            codes.append(found.iso2)
    if unknown:
        raise InputError(
            f"region {text!r}: unknown country {', '.join(map(repr, unknown))} "
            "(give ISO2/ISO3 codes or English names, comma-separated)"
        )
    return tuple(codes)


def region_of_countries(countries: Iterable[object]) -> tuple[str, ...]:
    """ISO2 codes of the countries given (names, codes; blanks and unknowns skipped), most frequent first."""
    counts: Counter[str] = Counter()
    for value in countries:
        if value is None or (isinstance(value, float) and value != value):
            continue
        found = find_country(str(value).strip())
        if found is not None:
            counts[found.iso2] += 1
    return tuple(code for code, _ in counts.most_common())


@lru_cache(maxsize=1)
def bundled_region() -> tuple[str, ...]:
    """Countries of the events bundled in data/events/ (their ``country`` values)."""
    import yaml

    found: list[object] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "country" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted(settings.EVENTS_DIR.glob("*.yaml")):
        try:
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (OSError, yaml.YAMLError):
            continue  # a broken bundled file is reported by `conflictmap init`, not here
    return region_of_countries(found)


def default_region(store_countries: Iterable[object] | None = None) -> tuple[str, ...]:
    """The region: CONFLICTMAP_REGION, else the store's countries when given, else the bundled ones."""
    configured = os.environ.get("CONFLICTMAP_REGION", settings.REGION or "")
    if configured.strip():
        return parse_region(configured)
    if store_countries is not None:
        region = region_of_countries(store_countries)
        if region:
            return region
    return bundled_region()
