"""The part of the world a static map shows: fitted to the records, a named region, or a bbox."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from functools import lru_cache


from ..exc import ConfigurationError
from ..resources import read_json

__all__ = ["Extent", "parse_bbox", "region_extent", "country_extent", "fit_extent"]


@dataclass(frozen=True)
class Extent:
    """A longitude/latitude box: west, south, east, north (degrees)."""

    west: float
    south: float
    east: float
    north: float

    def padded(self, fraction: float = 0.08, minimum: float = 2.0) -> "Extent":
        dx = max((self.east - self.west) * fraction, minimum)
        dy = max((self.north - self.south) * fraction, minimum)
        return Extent(max(self.west - dx, -180), max(self.south - dy, -85), min(self.east + dx, 180),
                      min(self.north + dy, 85))

    def union(self, other: "Extent") -> "Extent":
        return Extent(min(self.west, other.west), min(self.south, other.south),
                      max(self.east, other.east), max(self.north, other.north))

    @property
    def mid_lat(self) -> float:
        return (self.south + self.north) / 2

    def fitted_to(self, width: float, height: float) -> "Extent":
        """Widen or heighten the box so that it fills a ``width``×``height`` frame drawn with
        the equirectangular aspect of its middle latitude (the box's centre stays put)."""
        k = 1 / max(math.cos(math.radians(self.mid_lat)), 0.2)
        dx, dy = self.east - self.west, self.north - self.south
        if dy * k / dx < height / width:
            dy = dx * height / width / k
        else:
            dx = dy * k * width / height
        # Never beyond the poles or round the world more than once: the frame then shrinks instead.
        dx, dy = min(dx, 360.0), min(dy, 170.0)
        cx = min(max((self.west + self.east) / 2, -180 + dx / 2), 180 - dx / 2)
        cy = min(max(self.mid_lat, -85 + dy / 2), 85 - dy / 2)
        return Extent(cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)


WORLD = Extent(-180, -60, 180, 85)


def parse_bbox(text: str | list | tuple) -> Extent:
    """``W,S,E,N`` in degrees (a string or a list of four numbers)."""
    parts = text.split(",") if isinstance(text, str) else list(text)
    try:
        w, s, e, n = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise ConfigurationError(f"bbox {text!r}: give four numbers W,S,E,N in degrees, e.g. -82,-56,-34,13") from None
    if not (-180 <= w < e <= 180 and -90 <= s < n <= 90):
        raise ConfigurationError(f"bbox {text!r}: need -180 <= W < E <= 180 and -90 <= S < N <= 90 (W,S,E,N order)")
    return Extent(w, s, e, n)


@lru_cache(maxsize=1)
def _country_shapes() -> dict[str, tuple[str, object]]:
    from shapely.geometry import shape

    out = {}
    for feat in read_json("countries.geojson")["features"]:
        cc = feat["properties"].get("iso_a2")
        if cc:
            out[cc] = (feat["properties"].get("name") or cc, shape(feat["geometry"]))
    return out


def country_extent(code: str, window: Extent | None = None) -> Extent | None:
    """The box of a country's main land: parts under 5% of its largest part are left out (Easter
    Island does not stretch Chile). A country wider or taller than 40° is cut to ``window`` when
    one is given (Russia within Europe, France without French Guiana)."""
    from shapely.geometry import box as shapely_box

    entry = _country_shapes().get(code)
    if entry is None:
        return None
    geom = entry[1]
    parts = list(getattr(geom, "geoms", [geom]))
    largest = max(p.area for p in parts)
    parts = [p for p in parts if p.area >= 0.05 * largest]
    bounds = _union_bounds([p.bounds for p in parts])
    if window is not None and max(bounds[2] - bounds[0], bounds[3] - bounds[1]) > 40:
        cut = shapely_box(window.west, window.south, window.east, window.north)
        inside = [p.intersection(cut) for p in parts]
        inside = [p.bounds for p in inside if not p.is_empty]
        bounds = _union_bounds(inside) if inside else bounds
    return Extent(*bounds)


def _union_bounds(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def region_extent(name: str) -> Extent:
    """The box of a named region (regions.json, names and aliases) or of a country (name or
    ISO code); a one-line error suggesting close names otherwise."""
    wanted = name.strip().casefold()
    regions = read_json("regions.json")
    for region in regions:
        if wanted in {n.casefold() for n in [region["name"], *region.get("aliases", [])]}:
            half = 40.0 if region.get("kind") == "continent" else 25.0  # degrees around its centre
            lat, lon = region["lat"], region["lon"]
            dlon = min(half / max(math.cos(math.radians(lat)), 0.2), 180)
            window = Extent(lon - dlon, lat - half, lon + dlon, lat + half)
            boxes = [b for b in (country_extent(c, window) for c in region.get("countries", [])) if b is not None]
            if not boxes:
                raise ConfigurationError(f"region {region['name']!r} is not tied to countries, so it has no extent: use --bbox W,S,E,N")
            box = boxes[0]
            for b in boxes[1:]:
                box = box.union(b)
            return box
    shapes = _country_shapes()
    for code, (cname, _) in shapes.items():
        if wanted in (code.casefold(), cname.casefold()):
            return country_extent(code)
    names = [r["name"] for r in regions] + [n for n, _ in shapes.values()]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else "use a region such as 'South America', a country, or --bbox W,S,E,N"
    raise ConfigurationError(f"unknown region {name!r}: {hint}")


def fit_extent(points: list[tuple[float, float]], countries: list[str]) -> Extent:
    """A box around (lat, lon) points and the main land of countries, padded; the world if empty."""
    boxes = [Extent(lon, lat, lon, lat) for lat, lon in points]
    boxes += [b for b in (country_extent(c) for c in countries) if b is not None]
    if not boxes:
        return WORLD
    box = boxes[0]
    for b in boxes[1:]:
        box = box.union(b)
    return box.padded()
