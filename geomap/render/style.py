"""How records look, defined once for every renderer: the HTML map (which receives this as
``DATA.style``), the static PNG/SVG/PDF maps and KML.

Supplier colours, facility glyphs by kind, status classes, uncertainty rings, link widths and
dashes, and the base map's colours.
"""

from __future__ import annotations

__all__ = [
    "DEFAULT_TITLE", "supplier_colors", "IN_FORCE", "STATUS_CLASS", "CLASS_ORDER", "CLASS_LABEL", "GLYPHS", "glyph_label",
    "glyph_path", "VAGUE_PRECISIONS", "RING_METRES", "link_width", "link_dash", "link_alpha",
    "BASE_FILL", "BASE_EDGE", "RECIPIENT_FILL", "RECIPIENT_EDGE", "recipient_opacity", "GLYPH_EDGE",
    "HALTED_FILL", "HALTED_EDGE", "HALTED_CROSS", "for_script",
]

DEFAULT_TITLE = "Foreign defense supplier footprint"

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


# A relationship in one of these states is in force: drawn solid, the others dashed.
IN_FORCE = frozenset({"operational", "completed", "under_construction", "reactivated", "signed"})

# Facility markers read by status class: active (filled), building (hatched), planned (white,
# dashed outline), halted (grey, crossed out), unknown (white, dotted outline).
STATUS_CLASS = {"operational": "active", "completed": "active", "reactivated": "active",
                "under_construction": "building", "signed": "building", "announced": "planned",
                "negotiating": "planned", "offered": "planned", "stalled": "halted", "suspended": "halted",
                "cancelled": "halted", "unknown": "unknown"}
CLASS_ORDER = ("active", "building", "planned", "halted", "unknown")
CLASS_LABEL = {"active": "operational / completed", "building": "signed / under construction",
               "planned": "announced / negotiating / offered", "halted": "stalled / suspended / cancelled",
               "unknown": "status not reported"}
GLYPH_EDGE = "#1a1a1a"  # outline of active glyphs
HALTED_FILL, HALTED_EDGE, HALTED_CROSS = "#c8c8c8", "#555555", "#222222"

# Facility glyphs: (legend label, SVG path data in a 20×20 box centred on the point, y down).
GLYPHS = {
    "mro_center": ("maintenance / MRO centre", "M-3,-9H3V-3H9V3H3V9H-3V3H-9V-3H-3Z"),
    "factory": ("factory", "M-9,9V-1L-4,-5V-1L1,-5V-1L5,-5V-9H9V9Z"),
    "shipyard": ("shipyard", "M-9,1H9L6,8H-6Z M-6,-0.5V-9H5V-6.5H-3.5V-0.5Z"),
    "naval_base": ("naval base", "M-1.5,-9H1.5V-6H4V-3.5H1.5V5.2C4,5 6,3.5 7,1L9,2.5C7.5,6.5 4,9 0,9C-4,9 -7.5,6.5 "
                                 "-9,2.5L-7,1C-6,3.5 -4,5 -1.5,5.2V-3.5H-4V-6H-1.5Z"),
    "air_base": ("air base", "M0,-10C1.3,-10 1.6,-8.5 1.6,-7V-2L9,2V4.5L1.6,2.5V6.5L4,8.5V10L0,9L-4,10V8.5L-1.6,6.5V2.5"
                             "L-9,4.5V2L-1.6,-2V-7C-1.6,-8.5 -1.3,-10 0,-10Z"),
    "military_base": ("military base", "M0,-10L2.35,-3.24L9.51,-3.09L3.8,1.24L5.88,8.09L0,4L-5.88,8.09L-3.8,1.24"
                                       "L-9.51,-3.09L-2.35,-3.24Z"),
    "training_center": ("training centre", "M0,-9L9.5,7.5H-9.5Z"),
    "space_or_tracking_station": ("space or tracking station",
                                  "M-9.5,-5A9.5,9.5 0 0 0 9.5,-5Z M-1.5,4H1.5V7.5H5V10H-5V7.5H-1.5Z"),
    "port": ("port", "M-9.5,-3.5H9.5V1H-9.5Z M-7.5,1V8.5H-4V1Z M4,1V8.5H7.5V1Z M-2,-9.5H2V-3.5H-2Z"),
    "airstrip": ("airstrip", "M-10,7L7,-10L10,-7L-7,10Z"),
    "office": ("office", "M-7,-9H7V9H-7Z"),
    "other": ("other facility", "M-8.5,0A8.5,8.5 0 1 0 8.5,0A8.5,8.5 0 1 0 -8.5,0Z"),
}


def glyph_label(kind: str) -> str:
    return GLYPHS.get(kind, GLYPHS["other"])[0]


def glyph_path(kind: str) -> str:
    return GLYPHS.get(kind, GLYPHS["other"])[1]


# Facilities known only to these precisions get an uncertainty ring of this radius.
VAGUE_PRECISIONS = frozenset({"admin", "country", "region"})
RING_METRES = {"admin": 15_000, "country": 120_000, "region": 500_000}


def link_width(n_reports: int) -> float:
    """Link width in pixels by the number of reports (5 or more: the widest)."""
    return 1.5 + 1.25 * (min(max(n_reports, 1), 5) - 1)


LINK_DASHES = {"in_force": (), "pending": (8, 6), "speculative": (2, 5)}  # pixels on, off
LINK_ALPHA = {"normal": 0.85, "speculative": 0.5}


def link_dash(status: str, speculative: bool) -> tuple[float, ...]:
    """Dash pattern in pixels: speculative dotted, not in force dashed, in force solid (empty)."""
    return LINK_DASHES["speculative" if speculative else "in_force" if status in IN_FORCE else "pending"]


def link_alpha(speculative: bool) -> float:
    return LINK_ALPHA["speculative" if speculative else "normal"]


BASE_FILL, BASE_EDGE = "#d9d9d9", "#ffffff"
RECIPIENT_FILL, RECIPIENT_EDGE = "#7a5195", "#555555"


RECIPIENT_OPACITY = (0.15, 0.15, 0.6)  # base, per supplier, most


def recipient_opacity(n_suppliers: int) -> float:
    """Recipient country shading: darker with more suppliers present."""
    base, step, most = RECIPIENT_OPACITY
    return min(base + step * n_suppliers, most)


def for_script() -> dict:
    """The look as the HTML map's script reads it (``DATA.style``)."""
    return {"glyphs": {k: list(v) for k, v in GLYPHS.items()}, "status_class": STATUS_CLASS,
            "class_order": list(CLASS_ORDER), "class_label": CLASS_LABEL,
            "in_force": {s: 1 for s in sorted(IN_FORCE)}, "ring_metres": RING_METRES,
            "link_width": [link_width(n) for n in range(1, 6)], "link_dash": {k: list(v) for k, v in LINK_DASHES.items()},
            "link_alpha": LINK_ALPHA, "base": {"fill": BASE_FILL, "edge": BASE_EDGE},
            "recipient": {"fill": RECIPIENT_FILL, "edge": RECIPIENT_EDGE, "opacity": list(RECIPIENT_OPACITY)}}
