"""How records look, defined once for every renderer (HTML map, PNG/SVG/PDF, KML).

Supplier colours, facility glyphs by kind, status styles, link and country styles. Glyphs are
polygons in a unit box (x to the right, y up, within [-1, 1]): the HTML map draws them as SVG
paths (:func:`svg_path`), the static exports as matplotlib marker paths.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "supplier_colors", "IN_FORCE", "StatusStyle", "STATUS_STYLES", "status_style", "STATUS_LEGEND",
    "GREY", "BASE_FILL", "BASE_EDGE", "RECIPIENT_FILL", "RECIPIENT_EDGE", "recipient_opacity",
    "link_width", "VAGUE_PRECISIONS", "VAGUE_RING_KM", "GLYPHS", "glyph", "svg_path", "kind_label",
]

# Colour-blind-safe colours: the Okabe–Ito palette for the main suppliers (the same colour on
# every map), then Paul Tol's muted scheme for the others, in code order.
SUPPLIER_FIXED = {"RU": "#D55E00", "US": "#0072B2", "KR": "#009E73", "TR": "#CC79A7", "CN": "#E69F00",
                  "IL": "#56B4E9", "IN": "#000000", "FR": "#882255"}
SUPPLIER_EXTRA = ["#332288", "#117733", "#44AA99", "#999933", "#AA4499", "#661100", "#6699CC", "#888888"]


def supplier_colors(codes) -> dict[str, str]:
    """A stable colour for each supplier country."""
    out = {c: SUPPLIER_FIXED[c] for c in codes if c in SUPPLIER_FIXED}
    spare = [c for c in SUPPLIER_EXTRA if c not in out.values()]
    for i, c in enumerate(sorted(c for c in codes if c not in out)):
        out[c] = spare[i % len(spare)]
    return out


# A relationship in one of these states is drawn solid; the others dashed.
IN_FORCE = frozenset({"operational", "completed", "under_construction", "reactivated", "signed"})


@dataclass(frozen=True)
class StatusStyle:
    """A facility marker's look for one status: fill opacity, outline dashes, greyed outline."""

    fill: float
    dash: tuple[float, ...] | None = None  # on/off lengths in pixels (SVG stroke-dasharray)
    grey: bool = False


STATUS_STYLES = {
    "operational": StatusStyle(0.9), "completed": StatusStyle(0.9),
    "under_construction": StatusStyle(0.45), "reactivated": StatusStyle(0.7),
    "signed": StatusStyle(0.25), "announced": StatusStyle(0.0),
    "negotiating": StatusStyle(0.0, (3, 3)), "offered": StatusStyle(0.0, (3, 3)),
    "stalled": StatusStyle(0.0, (1, 4), True), "suspended": StatusStyle(0.0, (1, 4), True),
    "cancelled": StatusStyle(0.0, (1, 4), True), "unknown": StatusStyle(0.15, (2, 2)),
}

# Legend rows for marker styles: (label, a status drawn that way).
STATUS_LEGEND = (
    ("operational / completed", "operational"),
    ("signed / under construction", "under_construction"),
    ("announced / negotiating / offered", "negotiating"),
    ("stalled / suspended / cancelled", "cancelled"),
)


def status_style(status: str) -> StatusStyle:
    return STATUS_STYLES.get(status, STATUS_STYLES["unknown"])


GREY = "#777777"
BASE_FILL, BASE_EDGE = "#d9d9d9", "#ffffff"
RECIPIENT_FILL, RECIPIENT_EDGE = "#7a5195", "#555555"

# Facilities known only to these precisions get a hollow marker and an uncertainty ring.
VAGUE_PRECISIONS = frozenset({"admin", "country", "region"})
VAGUE_RING_KM = {"admin": 15.0, "country": 120.0, "region": 120.0}


def recipient_opacity(n_suppliers: int) -> float:
    """Recipient country shading: darker with more suppliers present."""
    return min(0.15 + 0.15 * n_suppliers, 0.6)


def link_width(n_reports: int) -> float:
    """Link line width (pixels) by the number of reports."""
    return float(min(2 + n_reports, 8))


def _circle(r: float = 1.0, n: int = 20, cy: float = 0.0) -> list[tuple[float, float]]:
    return [(round(r * math.cos(2 * math.pi * i / n), 3), round(cy + r * math.sin(2 * math.pi * i / n), 3))
            for i in range(n)]


def _star(points: int = 5, outer: float = 1.0, inner: float = 0.45) -> list[tuple[float, float]]:
    out = []
    for i in range(2 * points):
        r = outer if i % 2 == 0 else inner
        a = math.pi / 2 + math.pi * i / points
        out.append((round(r * math.cos(a), 3), round(r * math.sin(a), 3)))
    return out


def _polygon(n: int, r: float = 1.0) -> list[tuple[float, float]]:
    return [(round(r * math.cos(math.pi / 2 + 2 * math.pi * i / n), 3),
             round(r * math.sin(math.pi / 2 + 2 * math.pi * i / n), 3)) for i in range(n)]


# One glyph per facility kind: a tuple of closed rings.
GLYPHS: dict[str, tuple[tuple[tuple[float, float], ...], ...]] = {
    "mro_center": (tuple(_polygon(6)),),  # a nut
    "factory": (((-1, -0.8), (1, -0.8), (1, 0.2), (0.33, 0.75), (0.33, 0.2), (-0.33, 0.75), (-0.33, 0.2),
                 (-1, 0.75)),),  # saw-tooth roof
    "shipyard": (((-1, -0.2), (1, -0.2), (0.6, -0.8), (-0.6, -0.8)),  # hull under a crane
                 ((-0.75, -0.2), (-0.5, -0.2), (-0.5, 0.65), (0.85, 0.65), (0.85, 0.9), (-0.75, 0.9))),
    "naval_base": (((-1, -0.1), (-0.3, -0.1), (-0.3, 0.4), (-0.08, 0.4), (-0.08, 0.9), (0.08, 0.9), (0.08, 0.4),
                    (0.3, 0.4), (0.3, -0.1), (1, -0.1), (0.7, -0.7), (-0.7, -0.7)),),  # a warship
    "air_base": (((0, 1), (0.12, 0.75), (0.12, 0.25), (1, -0.15), (1, -0.35), (0.12, -0.1), (0.12, -0.6),
                  (0.4, -0.8), (0.4, -0.95), (0, -0.85), (-0.4, -0.95), (-0.4, -0.8), (-0.12, -0.6),
                  (-0.12, -0.1), (-1, -0.35), (-1, -0.15), (-0.12, 0.25), (-0.12, 0.75)),),  # an aircraft
    "military_base": (tuple(_star()),),
    "training_center": (((-0.95, -0.8), (0.95, -0.8), (0, 0.9)),),
    "space_or_tracking_station": (tuple([(-0.8, 0.2)] + [(round(0.8 * math.cos(math.pi + math.pi * i / 10), 3),
                                                          round(0.2 + 0.8 * math.sin(math.pi + math.pi * i / 10), 3))
                                                         for i in range(1, 10)] + [(0.8, 0.2)]),
                                  ((-0.5, -1), (0.5, -1), (0, -0.45))),  # a dish on a stand
    "port": (((0, 1), (1, 0), (0, -1), (-1, 0)),),
    "airstrip": (((-1, -0.28), (1, -0.28), (1, 0.28), (-1, 0.28)),),
    "office": (((-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)),),
    "other": (tuple(_circle()),),
}


def glyph(kind: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The rings of a facility kind's glyph (a circle for unknown kinds)."""
    return GLYPHS.get(kind, GLYPHS["other"])


def svg_path(kind: str, size: float = 16.0) -> str:
    """The glyph as an SVG path ``d`` attribute in a ``size``×``size`` box (y down)."""
    half = size / 2
    parts = []
    for ring in glyph(kind):
        pts = [f"{round(half + x * half, 2):g} {round(half - y * half, 2):g}" for x, y in ring]
        parts.append("M" + " L".join(pts) + " Z")
    return " ".join(parts)


def kind_label(kind: str) -> str:
    """A kind as people write it: ``mro_center`` -> ``MRO center``."""
    text = kind.replace("_", " ")
    return "MRO center" if kind == "mro_center" else text
