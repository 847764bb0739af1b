"""The footprint as a static map (PNG, SVG or PDF) for slides and reports.

Drawn with geopandas and matplotlib's Agg, PDF and SVG backends: no browser, no network. The
layers, colours, glyphs and status styles are those of the HTML map (``geomap.render.style``).
Bytes are deterministic: no dates or versions in the metadata, fixed SVG ids, fonts shipped
with matplotlib.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from ..exc import ConfigurationError, RenderError
from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..records import Records
from ..render import style
from ..resources import read_json
from .drawn import Drawn, drawn
from .extent import Extent, fit_extent

__all__ = ["SIZES", "StaticOptions", "render_static", "STATIC_FORMATS"]

STATIC_FORMATS = ("png", "svg", "pdf")
# Page sizes in inches: a 16:9 slide (PowerPoint's widescreen) and A4 portrait and landscape.
SIZES = {"slide": (40 / 3, 7.5), "a4": (8.27, 11.69), "a4-landscape": (11.69, 8.27)}
SEA_FILL = "#eef2f5"  # print needs a sea distinct from the land; the HTML map shows its page colour
ATTRIBUTION = "Places: GeoNames (CC BY 4.0). Base map: Natural Earth (public domain)."
_RC = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: the same glyphs on every machine
    "svg.fonttype": "path", "svg.hashsalt": "geomap", "pdf.fonttype": 42, "pdf.compression": 6,
    "path.simplify": True, "axes.unicode_minus": True, "lines.scale_dashes": False,
    "hatch.linewidth": 1.2,
}
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
             "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None}}


@dataclass(frozen=True)
class StaticOptions:
    """What the static map shows and how big it is."""

    title: str = style.DEFAULT_TITLE
    size: str = "slide"
    dpi: int = 300
    extent: Extent | None = None  # None: fitted to the records
    subtitle: str = ""  # e.g. the filters in words
    include_speculative: bool = False
    labels: bool = True  # facility names beside their glyphs (up to 25 facilities)


def render_static(records: Records, fmt: str, options: StaticOptions = StaticOptions(),
                  gazetteer: GeoNamesGazetteer | None = None) -> bytes:
    """The footprint map as PNG, SVG or PDF bytes."""
    import matplotlib

    if fmt not in STATIC_FORMATS:
        raise ConfigurationError(f"static format {fmt!r}: use one of {', '.join(STATIC_FORMATS)}")
    if options.size not in SIZES:
        raise ConfigurationError(f"size {options.size!r}: use one of {', '.join(SIZES)}")
    with matplotlib.rc_context(_RC):
        fig = _draw(records, options, gazetteer or get_gazetteer())
        buf = io.BytesIO()
        try:
            fig.savefig(buf, format=fmt, dpi=options.dpi, metadata=_METADATA[fmt])
        except (ValueError, RuntimeError) as err:  # pragma: no cover - matplotlib internals
            raise RenderError(f"cannot draw the {fmt} map: {err}") from err
    return buf.getvalue()


@lru_cache(maxsize=1)
def _world():
    import geopandas

    return geopandas.GeoDataFrame.from_features(read_json("countries.geojson")["features"], crs="EPSG:4326")


_TOKEN = re.compile(r"[MLHVCAZ]|-?(?:\d+\.?\d*|\.\d+)(?:e-?\d+)?", re.I)


def _svg_rings(d: str) -> list[list[tuple[float, float]]]:
    """Closed rings (y up) from SVG path data with absolute M, L, H, V, C, A and Z commands
    (the commands the shared glyphs use); curves and arcs become short line segments."""
    tokens = _TOKEN.findall(d)
    rings: list[list[tuple[float, float]]] = []
    ring: list[tuple[float, float]] = []
    x = y = 0.0
    i, cmd = 0, ""

    def num() -> float:
        nonlocal i
        i += 1
        return float(tokens[i - 1])

    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i].upper()
            i += 1
            if cmd == "Z":
                if ring:
                    rings.append(ring)
                ring = []
                continue
        if cmd == "M":
            x, y = num(), num()
            ring = [(x, y)]
            cmd = "L"  # further pairs are line-tos
        elif cmd == "L":
            x, y = num(), num()
            ring.append((x, y))
        elif cmd == "H":
            x = num()
            ring.append((x, y))
        elif cmd == "V":
            y = num()
            ring.append((x, y))
        elif cmd == "C":
            c1, c2, end = (num(), num()), (num(), num()), (num(), num())
            p0 = (x, y)
            for k in range(1, 9):
                t = k / 8
                ring.append(tuple((1 - t) ** 3 * p0[j] + 3 * (1 - t) ** 2 * t * c1[j] + 3 * (1 - t) * t ** 2 * c2[j]
                                  + t ** 3 * end[j] for j in (0, 1)))
            x, y = end
        elif cmd == "A":
            r, _, _, large, sweep, x2, y2 = (num() for _ in range(7))
            ring.extend(_arc(x, y, r, bool(large), bool(sweep), x2, y2))
            x, y = x2, y2
        else:
            raise RenderError(f"glyph path command {cmd!r} is not supported")
    if ring:
        rings.append(ring)
    return [[(px, -py) for px, py in rg] for rg in rings]


def _arc(x1: float, y1: float, r: float, large: bool, sweep: bool, x2: float, y2: float) -> list[tuple[float, float]]:
    """Points along a circular SVG arc (SVG implementation notes F.6.5, rx = ry, no rotation)."""
    hx, hy = (x1 - x2) / 2, (y1 - y2) / 2
    r = max(r, math.hypot(hx, hy))
    q = math.sqrt(max(0.0, (r * r - hx * hx - hy * hy) / max(hx * hx + hy * hy, 1e-12)))
    q = -q if large == sweep else q
    cx, cy = q * hy + (x1 + x2) / 2, -q * hx + (y1 + y2) / 2
    t1 = math.atan2(y1 - cy, x1 - cx)
    dt = math.atan2(y2 - cy, x2 - cx) - t1
    if sweep and dt < 0:
        dt += 2 * math.pi
    elif not sweep and dt > 0:
        dt -= 2 * math.pi
    steps = max(4, int(abs(dt) / (math.pi / 12)))
    return [(cx + r * math.cos(t1 + dt * k / steps), cy + r * math.sin(t1 + dt * k / steps)) for k in range(1, steps + 1)]


@lru_cache(maxsize=None)
def _mpl_glyph(kind: str):
    """The shared glyph of a facility kind as a matplotlib marker path."""
    from matplotlib.path import Path

    verts, codes = [], []
    for ring in _svg_rings(style.glyph_path(kind)):
        verts.extend([*ring, ring[0]])
        codes.extend([Path.MOVETO] + [Path.LINETO] * (len(ring) - 1) + [Path.CLOSEPOLY])
    return Path(verts, codes)


def _rgba(color: str, alpha: float):
    from matplotlib.colors import to_rgba

    return to_rgba(color, alpha)


PX = 0.75  # points per CSS pixel: the HTML map's sizes carried to paper
GLYPH_SIZE = 13.5  # points, as the HTML map's 18 px glyphs


def _glyph_collection(ax, xy: list[tuple[float, float]], marker, size: float, zorder: float, **style_kw):
    """Markers at ``xy`` as one collection, without recomputing the axes' data limits."""
    from matplotlib.collections import PathCollection
    from matplotlib.markers import MarkerStyle

    from matplotlib.transforms import IdentityTransform

    ms = MarkerStyle(marker)
    path = ms.get_path().transformed(ms.get_transform())
    collection = PathCollection([path], sizes=[size ** 2], offsets=xy, offset_transform=ax.transData,
                                zorder=zorder, **style_kw)
    collection.set_transform(IdentityTransform())  # sizes in points, as scatter draws them
    ax.add_collection(collection, autolim=False)


def _draw_glyphs(ax, xy: list[tuple[float, float]], kind: str, cls: str, colors: list[str],
                 size: float = GLYPH_SIZE, zorder: float = 5) -> None:
    """Facility glyphs of one kind and status class (``colors``: one per point; one colour for
    the hatched class), styled as the HTML map draws them."""
    marker = _mpl_glyph(kind)
    if cls == "active":
        _glyph_collection(ax, xy, marker, size, zorder, facecolors=colors, edgecolors=[style.GLYPH_EDGE],
                          linewidths=[1.2 * PX])
    elif cls == "building":
        _glyph_collection(ax, xy, marker, size, zorder, facecolors=["white"], edgecolors=colors[:1],
                          linewidths=[2 * PX], hatch="//////")
    elif cls == "planned":
        _glyph_collection(ax, xy, marker, size, zorder, facecolors=["white"], edgecolors=colors,
                          linewidths=[2 * PX], linestyles=[(0, (3 * PX, 2 * PX))])
    elif cls == "halted":
        _glyph_collection(ax, xy, marker, size, zorder, facecolors=[style.HALTED_FILL],
                          edgecolors=[style.HALTED_EDGE], linewidths=[1.5 * PX])
        _glyph_collection(ax, xy, "x", size, zorder + 0.1, facecolors=["none"], edgecolors=[style.HALTED_CROSS],
                          linewidths=[2 * PX])
    else:
        _glyph_collection(ax, xy, marker, size, zorder, facecolors=["white"], edgecolors=colors,
                          linewidths=[1.6 * PX], linestyles=[(0, (1 * PX, 2 * PX))])


@dataclass(frozen=True)
class _LinkStyle:
    n_reports: int  # 1 to 5: the width
    in_force: bool  # solid, else dashed
    speculative: bool  # dotted and faded


def _draw_links(ax, key: _LinkStyle, arcs: list[list[tuple[float, float]]], colors: list[str],
                deg_per_pt: tuple[float, float], zorder: float = 3) -> None:
    """Links of one width and dash pattern as one line collection (``colors``: one per arc),
    with arrowheads at their recipient ends; arcs are (lon, lat) points, ``deg_per_pt`` sizes
    the heads on the page."""
    from matplotlib.collections import LineCollection, PolyCollection

    width = style.link_width(key.n_reports)
    dash = style.link_dash("operational" if key.in_force else "announced", key.speculative)
    alpha = style.link_alpha(key.speculative)
    rgba = [_rgba(c, alpha) for c in colors]
    ax.add_collection(LineCollection(arcs, colors=rgba, linewidths=width * PX,
                                     linestyles=[(0, tuple(d * PX for d in dash))] if dash else ["solid"],
                                     capstyle="round", joinstyle="round", zorder=zorder), autolim=False)
    heads, fills = [], []
    sx, sy = deg_per_pt
    head = (7 + 1.6 * width) * PX
    for arc, fill in zip(arcs, rgba):
        if len(arc) < 2:
            continue
        (x1, y1), (x2, y2) = arc[-2], arc[-1]
        dx, dy = (x2 - x1) / sx, (y2 - y1) / sy
        n = math.hypot(dx, dy) or 1.0
        dx, dy = dx / n, dy / n
        tx, ty = -6 * PX * dx, -6 * PX * dy  # the tip stops short of the end, as on the HTML map
        pts = [(tx, ty), (tx - head * dx + 0.45 * head * dy, ty - head * dy - 0.45 * head * dx),
               (tx - head * dx - 0.45 * head * dy, ty - head * dy + 0.45 * head * dx)]
        heads.append([(x2 + px * sx, y2 + py * sy) for px, py in pts])
        fills.append(fill)
    if heads:
        ax.add_collection(PolyCollection(heads, facecolors=fills, edgecolors="none", zorder=zorder), autolim=False)


def _draw(records: Records, opt: StaticOptions, gaz: GeoNamesGazetteer):
    from matplotlib.figure import Figure

    width, height = SIZES[opt.size]
    fig = Figure(figsize=(width, height), dpi=opt.dpi)
    layers = drawn(records, gaz, opt.include_speculative)
    portrait = height > width
    # Frame: title band on top, source band below, legend beside (landscape) or under (portrait).
    top, bottom = 1.1 / height, 0.75 / height
    if portrait:
        map_box = [0.06, 0.36, 0.9, 1 - top - 0.36 - 0.01]
        legend_box = [0.06, bottom + 0.01, 0.9, 0.36 - bottom - 0.05]
    else:
        map_box = [0.05, bottom + 0.03, 0.72, 1 - top - bottom - 0.04]
        legend_box = [0.79, bottom + 0.03, 0.2, 1 - top - bottom - 0.04]
    ax = fig.add_axes(map_box)
    extent = opt.extent or fit_extent([(f.lat, f.lon) for f in layers.facilities], sorted(layers.recipients))
    extent = extent.fitted_to(map_box[2] * width, map_box[3] * height)
    _draw_map(ax, layers, extent, opt.labels)
    _graticule(ax, extent)
    _scale_bar(ax, extent)
    _legend(fig.add_axes(legend_box), layers, portrait)
    _titles(fig, records, layers, opt, width, height, top)
    return fig


def _draw_map(ax, layers: Drawn, extent: Extent, labels: bool) -> None:
    from matplotlib import patheffects

    ax.set_facecolor(SEA_FILL)
    world = _world()
    world.plot(ax=ax, color=style.BASE_FILL, edgecolor=style.BASE_EDGE, linewidth=0.4, zorder=1)
    if layers.recipients:
        shaded = world[world["iso_a2"].isin(sorted(layers.recipients))].sort_values("iso_a2")
        fills = [_rgba(style.RECIPIENT_FILL, style.recipient_opacity(len(layers.recipients[cc]))) for cc in shaded["iso_a2"]]
        shaded.plot(ax=ax, color=fills, edgecolor=style.RECIPIENT_EDGE, linewidth=0.6, zorder=2)
    # One collection per look (not one artist per record): thousands of records stay quick.
    deg_per_pt = _deg_per_pt(ax, extent)
    links: dict[_LinkStyle, tuple[list, list]] = defaultdict(lambda: ([], []))
    for r, arc in sorted(layers.links, key=lambda x: x[0].id):
        shift = 360 * round(arc[-1][1] / 360)  # anchor at the recipient end, as the HTML map does
        arcs, colors = links[_LinkStyle(min(max(len(r.evidence), 1), 5), r.status in style.IN_FORCE, r.speculative)]
        arcs.append([(lon - shift, lat) for lat, lon in arc])
        colors.append(layers.colors[r.supplier])
    for key in sorted(links, key=lambda k: (k.speculative, k.n_reports, k.in_force)):
        _draw_links(ax, key, *links[key], deg_per_pt)
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    rings: dict[str, list] = defaultdict(list)
    glyphs: dict[tuple[str, str, str], tuple[list, list]] = defaultdict(lambda: ([], []))
    for f in layers.facilities:
        color = layers.colors[f.supplier]
        if f.precision in style.VAGUE_PRECISIONS:
            metres = style.RING_METRES.get(f.precision, style.RING_METRES["country"])
            rings[color].append(_ring(f.lon, f.lat, metres / 1000, deg_per_pt))
        cls = style.STATUS_CLASS.get(f.status, "unknown")
        xy, colors = glyphs[(cls, f.kind, color if cls == "building" else "")]  # hatches take one colour
        xy.append((f.lon, f.lat))
        colors.append(color)
    for color in sorted(rings):
        ax.add_collection(_ring_collection(rings[color], color), autolim=False)
    order = {c: i for i, c in enumerate(style.CLASS_ORDER)}
    for cls, kind, hatch_color in sorted(glyphs, key=lambda k: (order.get(k[0], 9), k[1], k[2])):
        xy, colors = glyphs[(cls, kind, hatch_color)]
        _draw_glyphs(ax, xy, kind, cls, colors)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xlim(extent.west, extent.east)
    ax.set_ylim(extent.south, extent.north)
    ax.set_aspect(1 / max(math.cos(math.radians(extent.mid_lat)), 0.2), adjustable="box")
    if labels and len(layers.facilities) <= 25:  # names beside glyphs while they stay readable
        _labels(ax, layers.facilities, halo)


def _labels(ax, facilities, halo) -> None:
    """Facility names beside their glyphs, each placed where it overlaps no earlier label."""
    placed: list[tuple[float, float, float, float]] = []
    to_points = ax.transData.transform
    scale = 72 / ax.figure.dpi
    for f in sorted(facilities, key=lambda f: (-f.lat, f.lon, f.id)):
        x, y = (v * scale for v in to_points((f.lon, f.lat)))
        w, h = 0.55 * 6.5 * len(f.name), 8.0
        for dx, dy, ha in ((8, 4, "left"), (8, -12, "left"), (-8, 4, "right"), (-8, -12, "right"), (8, 14, "left"),
                           (8, -22, "left")):
            x0 = x + dx if ha == "left" else x + dx - w
            box = (x0, y + dy, x0 + w, y + dy + h)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                break
        placed.append(box)
        ax.annotate(f.name, (f.lon, f.lat), xytext=(dx, dy), textcoords="offset points", ha=ha, va="bottom",
                    fontsize=6.5, color="#222222", path_effects=halo, zorder=6, parse_math=False,
                    annotation_clip=True)


RING_MIN_PT = 14 * PX  # a ring is never drawn inside its glyph (the HTML map's 14 px)


def _ring(lon: float, lat: float, radius_km: float, deg_per_pt: tuple[float, float]) -> list[tuple[float, float]]:
    """The uncertainty ring of a facility located only to district, country or region."""
    k = max(math.cos(math.radians(lat)), 0.05)
    rx = max(radius_km / (111.32 * k), RING_MIN_PT * deg_per_pt[0])
    ry = max(radius_km / 111.32, RING_MIN_PT * deg_per_pt[1])
    return [(lon + rx * math.cos(t), lat + ry * math.sin(t)) for t in (2 * math.pi * i / 64 for i in range(64))]


def _ring_collection(rings: list, color: str, zorder: float = 4):
    from matplotlib.collections import PolyCollection

    return PolyCollection(rings, closed=True, facecolors=[_rgba(color, 0.12)], edgecolors=[_rgba(color, 0.9)],
                          linewidths=1.5 * PX, linestyles=[(0, (4 * PX, 3 * PX))], zorder=zorder)


def _deg_per_pt(ax, extent: Extent) -> tuple[float, float]:
    """Degrees of longitude and latitude per point on the page, in the map's frame."""
    box = ax.get_position()
    w_in, h_in = ax.figure.get_size_inches()
    return ((extent.east - extent.west) / (box.width * w_in * 72), (extent.north - extent.south) / (box.height * h_in * 72))


def _nice_step(span: float, target: int) -> float:
    for step in (0.5, 1, 2, 5, 10, 15, 20, 30, 45, 60):
        if span / step <= target:
            return step
    return 90


def _graticule(ax, extent: Extent) -> None:
    from matplotlib.ticker import FixedLocator, FuncFormatter

    def ticks(lo: float, hi: float, step: float) -> list[float]:
        first = math.ceil(lo / step) * step
        return [round(first + i * step, 6) for i in range(int((hi - first) / step) + 1)]

    def fmt(pos: str, neg: str):
        return FuncFormatter(lambda v, _: f"{abs(v):g}°{pos if v > 0 else neg if v < 0 else ''}")

    ax.xaxis.set_major_locator(FixedLocator(ticks(extent.west, extent.east, _nice_step(extent.east - extent.west, 8))))
    ax.yaxis.set_major_locator(FixedLocator(ticks(extent.south, extent.north, _nice_step(extent.north - extent.south, 6))))
    ax.xaxis.set_major_formatter(fmt("E", "W"))
    ax.yaxis.set_major_formatter(fmt("N", "S"))
    ax.tick_params(labelsize=7, length=2, color="#888888", labelcolor="#555555")
    ax.grid(True, color="#ffffff", linewidth=0.5, alpha=0.9, zorder=1.5)
    ax.set_axisbelow(False)
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)


def _scale_bar(ax, extent: Extent) -> None:
    """A bar true at the map's middle latitude, in the lower right corner."""
    from matplotlib.patches import Rectangle

    km_per_deg = 111.32 * math.cos(math.radians(extent.mid_lat))
    target = (extent.east - extent.west) * km_per_deg / 5
    magnitude = 10 ** math.floor(math.log10(target))
    length = max(m * magnitude for m in (1, 2, 5) if m * magnitude <= target)
    deg = length / km_per_deg
    x1 = extent.east - (extent.east - extent.west) * 0.04
    x0 = x1 - deg
    y = extent.south + (extent.north - extent.south) * 0.04
    h = (extent.north - extent.south) * 0.008
    for i in range(4):
        ax.add_patch(Rectangle((x0 + i * deg / 4, y), deg / 4, h, facecolor="#333333" if i % 2 == 0 else "white",
                               edgecolor="#333333", linewidth=0.5, zorder=7))
    lat = extent.mid_lat
    where = f"{abs(lat):.0f}°{'N' if lat > 0 else 'S' if lat < 0 else ''}"
    ax.text((x0 + x1) / 2, y + 2.2 * h, f"{length:g} km (true at {where})", ha="center", va="bottom", fontsize=6.5,
            color="#333333", zorder=7, parse_math=False)


def _legend(lax, layers: Drawn, portrait: bool) -> None:
    """The legend: what is drawn, drawn by the same functions as the map (like the HTML legend)."""
    from matplotlib.patches import Circle, Rectangle

    cname = layers.name
    neutral = "#555555"
    legend_scale: list[tuple[float, float]] = []  # degrees per point of the legend's frame, set below

    def sample(ax, x: float, y: float, key: _LinkStyle) -> None:
        _draw_links(ax, key, [[(x - 0.6, y), (x + 0.8, y)]], [neutral], legend_scale[0])
    rows: list[tuple[str, object]] = [("Suppliers", None)]  # (text, icon drawer or None for a header)
    for cc in sorted(layers.colors, key=cname):
        rows.append((f"{cname(cc)} ({layers.counts[cc]})", lambda ax, x, y, c=layers.colors[cc]: ax.add_patch(
            Rectangle((x - 0.3, y - 0.28), 0.6, 0.56, facecolor=c, edgecolor="none"))))
    if layers.facilities:
        rows.append(("Facilities", None))
        for kind in [k for k in style.GLYPHS if k in {f.kind for f in layers.facilities}]:
            rows.append((style.glyph_label(kind), lambda ax, x, y, k=kind: _draw_glyphs(ax, [(x, y)], k, "active", [neutral], 10)))
        rows.append(("Status", None))
        classes = {style.STATUS_CLASS.get(f.status, "unknown") for f in layers.facilities}
        for cls in [c for c in style.CLASS_ORDER if c in classes]:
            rows.append((style.CLASS_LABEL[cls], lambda ax, x, y, c=cls: _draw_glyphs(ax, [(x, y)], "office", c, [neutral], 10)))
        if any(f.precision in style.VAGUE_PRECISIONS for f in layers.facilities):
            rows.append(("located only to district or country: not a pinpoint", lambda ax, x, y: ax.add_patch(
                Circle((x, y), 0.36, facecolor=_rgba(neutral, 0.12), edgecolor=_rgba(neutral, 0.9), linewidth=1.5 * PX,
                       linestyle=(0, (4 * PX, 3 * PX))))))
    if layers.links:
        rows.append(("Links (supplier → recipient)", None))
        kinds = {("speculative" if r.speculative else "in" if r.status in style.IN_FORCE else "pending") for r, _ in layers.links}
        for key, label, status, spec in (("in", "in force (signed, building, operating)", "operational", False),
                                         ("pending", "not (yet) in force", "announced", False),
                                         ("speculative", "speculative (forecast, scenario)", "announced", True)):
            if key in kinds:
                rows.append((label, lambda ax, x, y, st=status, sp=spec: sample(ax, x, y, _LinkStyle(2, st in style.IN_FORCE, sp))))
        widths = {min(len(r.evidence), 5) for r, _ in layers.links}
        for n in (1, 3, 5):
            if n in widths:
                rows.append(("5 or more reports" if n == 5 else f"{n} report{'s' * (n != 1)}",
                             lambda ax, x, y, n=n: sample(ax, x, y, _LinkStyle(n, True, False))))
    if layers.recipients:
        rows.append(("recipient country (darker: more suppliers)", lambda ax, x, y: ax.add_patch(
            Rectangle((x - 0.3, y - 0.28), 0.6, 0.56, facecolor=_rgba(style.RECIPIENT_FILL, 0.45),
                      edgecolor=style.RECIPIENT_EDGE, linewidth=0.6))))
    ncol = 2 if portrait else 1
    bbox = lax.get_position()
    fig_w, fig_h = lax.figure.get_size_inches()
    capacity = int(bbox.height * fig_h * 72 / 15) * ncol  # rows of 15 pt
    if len(rows) > capacity:  # many suppliers: the most present ones, then how many more
        suppliers = rows[1:1 + len(layers.colors)]
        keep = max(capacity - (len(rows) - len(suppliers)) - 1, 3)
        top = sorted(range(len(suppliers)), key=lambda i: -layers.counts[sorted(layers.colors, key=cname)[i]])[:keep]
        more = len(suppliers) - len(top)
        rows = [rows[0], *(suppliers[i] for i in sorted(top)),
                (f"… and {more} more suppliers", lambda ax, x, y: None), *rows[1 + len(suppliers):]]
    per_col = math.ceil(len(rows) / ncol)
    # Row units: one row is 1 high; icons sit in [0, 1.2] of each column, text from 1.6.
    rows_fit = max(per_col, bbox.height * fig_h * 72 / 15)  # 15 pt a row at most
    col_units = bbox.width * fig_w * 72 / 15 / ncol
    lax.set_xlim(0, col_units * ncol)
    lax.set_ylim(rows_fit, 0)
    legend_scale.append((col_units * ncol / (bbox.width * fig_w * 72), -rows_fit / (bbox.height * fig_h * 72)))
    lax.axis("off")
    for i, (text, icon) in enumerate(rows):
        col, row = divmod(i, per_col)
        x0, y = col * col_units, row + 0.5
        text = "\n".join(textwrap.wrap(text, width=max(int((col_units - 1.8) * 15 / 4.1), 12))) if icon else text
        if icon is None:
            lax.text(x0, y, text, fontsize=8.5, fontweight="bold", va="center", color="#222222", parse_math=False)
        else:
            icon(lax, x0 + 0.6, y)
            lax.text(x0 + 1.6, y, text, fontsize=7.5, va="center", color="#222222", parse_math=False,
                     linespacing=1.0)


def _titles(fig, records: Records, layers: Drawn, opt: StaticOptions, width: float, height: float,
            top: float) -> None:
    n_art = len(records.articles)
    fig.text(0.05, 1 - 0.38 / height, opt.title, fontsize=18, fontweight="bold", va="top", parse_math=False,
             color="#222222")
    sub = (f"{n_art} article{'s' * (n_art != 1)} · {len(layers.facilities)} facilities · "
           f"{len(layers.links)} supplier→recipient links")
    if opt.subtitle:
        sub += " · " + opt.subtitle
    fig.text(0.05, 1 - 0.78 / height, sub, fontsize=9.5, va="top", color="#555555", parse_math=False)
    dates = sorted(a.published for a in records.articles if a.published)
    span = f"{dates[0]} to {dates[-1]}" if dates and dates[0] != dates[-1] else dates[0] if dates else ""
    dated = "" if len(dates) == len(records.articles) else f" ({len(dates)} dated)"
    when = f", published {span}{dated}" if dates else ""
    from .. import __version__

    source = (f"Source: {n_art} news article{'s' * (n_art != 1)}{when}, coded by geomap {__version__} "
              f"(every record cites its article and quote). {ATTRIBUTION}")
    wrapped = "\n".join(textwrap.wrap(source, width=int(width * 17)))
    fig.text(0.05, 0.25 / height, wrapped, fontsize=7, va="bottom", color="#555555", parse_math=False)
