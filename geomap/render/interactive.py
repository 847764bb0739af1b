"""The interactive footprint map: a Folium map with one layer per supplier country.

Records reach the page as one JSON data block (``<``, ``>`` and ``&`` escaped, so no text can
close the script element); the quoted passages, the bulk of a big map and needed only by popups,
travel apart, deflated and base64-encoded, and are unpacked when the first popup opens. The page's
own script draws facilities and links on one canvas
(no DOM element per record, so it stays fast with tens of thousands of records) and builds
popups, legend, search and the year filter with DOM text nodes: article text is never parsed as
HTML. Leaflet and every other asset are inlined from installed packages, and a
Content-Security-Policy forbids any connection except to the tile host asked for, if any.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import json
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from importlib import resources

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..exc import ConfigurationError
from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..model import STATUS_ORDER
from ..output import COORDINATE_DECIMALS
from ..records import Records
from ..resources import read_json
from .assets import INLINE_PREFIX, inline_assets
from .style import DEFAULT_TITLE, for_script, supplier_colors  # one definition of the look for every renderer

__all__ = ["build_map", "render_html", "supplier_colors", "TileSource", "resolve_tiles"]

@dataclass(frozen=True)
class TileSource:
    """A tile layer: URL template, attribution, subdomains and the exact hosts it loads from."""

    url: str
    attribution: str
    subdomains: str
    hosts: tuple[str, ...]


def resolve_tiles(tiles: str) -> TileSource:
    """An xyzservices provider name ("OpenStreetMap.Mapnik") or a URL template with {z}/{x}/{y}."""
    if "{" not in tiles:
        import xyzservices

        try:
            provider = xyzservices.providers.query_name(tiles)
        except ValueError as err:
            raise ConfigurationError(f"--tiles {tiles}: not an xyzservices provider name nor a URL template") from err
        if provider.requires_token():
            raise ConfigurationError(f"--tiles {tiles}: this provider needs an API key; give a URL template instead")
        url, attribution = provider.build_url(fill_subdomain=False), provider.get("html_attribution", provider.attribution)
        subdomains = "".join(provider.get("subdomains", "abc"))
    else:
        url, attribution, subdomains = tiles, "Tiles: user-supplied server", "abc"
    match = re.match(r"(https?)://([^/?#]+)", url)
    if not match or not all(k in url for k in ("{z}", "{x}", "{y}")):
        raise ConfigurationError(f"--tiles {tiles}: a URL template needs http(s)://host/…{{z}}…{{x}}…{{y}}")
    scheme, host = match.groups()
    names = [host.replace("{s}", s) for s in subdomains] if "{s}" in host else [host]
    if any(re.search(r"[{}\s;,'\"]", h) for h in names):
        raise ConfigurationError(f"--tiles {tiles}: the host part may only use the {{s}} placeholder")
    return TileSource(url, attribution, subdomains, tuple(f"{scheme}://{h}" for h in names))


def _static(name: str) -> str:
    return (resources.files("geomap") / "render" / "static" / name).read_text(encoding="utf-8")


def _json_for_script(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _packed(obj) -> str:
    """JSON, deflated (zlib format, fixed level: the same bytes every time) and base64-encoded:
    the page unpacks it with the browser's DecompressionStream("deflate")."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


class _DataScript(MacroElement):
    """The records as a JSON data block, the packed quotes, and the script that draws them."""

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="geomap-data">{{ this.payload }}</script>
<script type="application/octet-stream" id="geomap-passages" data-encoding="json+deflate+base64">{{ this.passages }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.script }}
{% endmacro %}
""")

    def __init__(self, payload: str, passages: str, script: str) -> None:
        super().__init__()
        self._name = "GeomapData"
        self.payload = payload
        self.passages = passages
        self.script = script.replace("</script", "<\\/script")


def _as_published(records: Records) -> Records:
    """The records at the coordinate precision of the GeoJSON files, so that a map drawn from
    those files (``geomap render``) is byte-identical to the one the build drew."""
    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, COORDINATE_DECIMALS)

    return Records(
        records.articles,
        [dataclasses.replace(p, lat=rounded(p.lat), lon=rounded(p.lon)) for p in records.places],
        [dataclasses.replace(f, lat=rounded(f.lat), lon=rounded(f.lon)) for f in records.facilities],
        records.relationships)


FACILITY_FIELDS = ("id", "name", "kind", "supplier", "host", "operators", "equipment", "status", "year", "precision",
                   "place", "lat", "lon", "curated", "speculative", "evidence")
LINK_FIELDS = ("id", "supplier", "recipient", "kind", "status", "year", "equipment", "organizations", "curated",
               "speculative", "from", "to", "evidence")


class _Quotes:
    """Each quoted passage once (a facility and its relationship often cite the same sentence):
    its article index in ``articles`` (drawing needs it: a report without a year of its own
    counts in its article's year) and [quote, start] plus end when it is not start + the quote's
    length in ``passages`` (only popups need those). Evidence rows point into both:
    [quote index, status index] plus the year and a speculative flag when they are set."""

    def __init__(self, articles) -> None:
        self.article_index = {a.id: i for i, a in enumerate(articles)}
        self.index: dict[tuple, int] = {}
        self.articles: list[int] = []
        self.passages: list[list] = []

    def evidence(self, evidence) -> list[list]:
        out = []
        for e in evidence:
            key = (e.article, e.start, e.end, e.quote)
            if key not in self.index:
                self.index[key] = len(self.passages)
                self.articles.append(self.article_index.get(e.article, -1))
                self.passages.append([e.quote, e.start] if e.end - e.start == len(e.quote) else [e.quote, e.start, e.end])
            row = [self.index[key], STATUS_ORDER.index(e.status) if e.status in STATUS_ORDER else 0, e.year,
                   int(e.speculative)]
            out.append(row[:4] if e.speculative else row[:3] if e.year is not None else row[:2])
        return out


def _payload(records: Records, gaz: GeoNamesGazetteer, title: str, layers: dict[str, str],
             recipient_layer: str, places_layer: str, colors: dict[str, str], map_name: str,
             include_speculative: bool) -> tuple[dict, list[list]]:
    """The page's data: records as rows of FACILITY_FIELDS and LINK_FIELDS (compact at scale),
    and apart from it the quoted passages their evidence rows point to."""
    used: set[str] = set()

    def cname(cc: str) -> str:
        used.add(cc)
        c = gaz.country(cc)
        return c.name if c else cc

    quotes = _Quotes(records.articles)
    place_names = {p.id: p.name for p in records.places}
    facilities = []
    for f in records.facilities:
        if f.lat is None or (f.speculative and not include_speculative):
            continue
        cname(f.supplier), cname(f.host)
        facilities.append([f.id, f.name, f.kind, f.supplier, f.host, f.operators, f.equipment, f.status, f.year,
                           f.precision, place_names.get(f.place_id or "", cname(f.host)), f.lat, f.lon,
                           int(f.curated), int(f.speculative), quotes.evidence(f.evidence)])
    links, origins, points = [], {}, {}
    for r in records.relationships:
        if r.speculative and not include_speculative:
            continue
        arc = records.link_arc(r, gaz)
        if arc is None:
            continue
        cname(r.supplier), cname(r.recipient)
        links.append([r.id, r.supplier, r.recipient, r.kind, r.status, r.year, r.equipment, r.organizations,
                      int(r.curated), int(r.speculative), list(arc[0]), list(arc[-1]), quotes.evidence(r.evidence)])
        c = gaz.country(r.recipient)
        points[r.recipient] = [round(c.lat, 4), round(c.lon, 4)]  # zoomed out, arcs end there
        # Most links start at their supplier's usual point: written once, in "origins".
        if links[-1][10] == origins.setdefault(r.supplier, links[-1][10]):
            links[-1][10] = None
    world = read_json("countries.geojson")
    recipients = {link[2] for link in links if link[3] != "sanctions"}
    shape_index = {}
    for i, feat in enumerate(world["features"]):
        cc = feat["properties"].get("iso_a2")
        if cc in recipients:
            shape_index[cc] = i
    counts = Counter([f[3] for f in facilities] + [link[1] for link in links])
    return {
        "map": map_name, "title": title, "style": for_script(),
        "layers": layers, "recipient_layer": recipient_layer, "places_layer": places_layer,
        "suppliers": [{"code": c, "name": cname(c), "color": colors[c], "count": counts[c]}
                      for c in sorted(layers, key=cname)],
        "countries": {cc: cname(cc) for cc in sorted(used)},
        "statuses": list(STATUS_ORDER), "origins": origins, "points": dict(sorted(points.items())),
        "articles": [[a.id, a.title, a.published, a.url] for a in records.articles],
        "quote_articles": quotes.articles,
        "facility_fields": FACILITY_FIELDS, "facilities": facilities,
        "link_fields": LINK_FIELDS, "links": links,
        "places": [[p.name, p.kind, p.lat, p.lon, len(p.mentions)] for p in records.places],
        "base": [f["geometry"] for f in world["features"]],
        "recipient_shapes": shape_index,
    }, quotes.passages


def build_map(records: Records, *, title: str = DEFAULT_TITLE,
              tiles: str | None = None, include_speculative: bool = False,
              gazetteer: GeoNamesGazetteer | None = None) -> folium.Map:
    """Build the layered footprint map.

    Parameters
    ----------
    records
        The places, facilities and relationships to draw.
    title
        Shown in the map's title panel and the page title.
    tiles
        None for no tile layer (the embedded Natural Earth countries are the base map), an
        xyzservices provider name, or a URL template for a tile server on a closed network.
    include_speculative
        Also draw forecasts, scenarios and possibilities.

    Returns
    -------
    folium.Map
    """
    gaz = gazetteer or get_gazetteer()
    records = _as_published(records)
    source = resolve_tiles(tiles) if tiles else None
    m = folium.Map(location=[0, 0], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=True,
                   world_copy_jump=False)
    m.default_js = [("leaflet", f"{INLINE_PREFIX}leaflet.js")]
    m.default_css = [("leaflet_css", f"{INLINE_PREFIX}leaflet.css")]
    if source:
        folium.TileLayer(source.url, attr=source.attribution, subdomains=source.subdomains, name="Tiles",
                         overlay=False, control=False).add_to(m)
    shown_facilities = [f for f in records.facilities if include_speculative or not f.speculative]
    shown_links = [r for r in records.relationships if include_speculative or not r.speculative]
    suppliers = sorted({f.supplier for f in shown_facilities} | {r.supplier for r in shown_links})
    colors = supplier_colors(suppliers)

    def cname(cc: str) -> str:
        c = gaz.country(cc)
        return c.name if c else cc

    counts = Counter([f.supplier for f in shown_facilities] + [r.supplier for r in shown_links])
    m.get_root().header.add_child(Element(f"<style>{_static('footprint.css')}</style>"), name="geomap_css")
    recipient_group = folium.FeatureGroup(name="Recipient countries", overlay=True, show=True).add_to(m)
    groups = {}
    for cc in sorted(suppliers, key=cname):
        swatch = f'<span style="color:{colors[cc]}">&#9632;</span> '
        groups[cc] = folium.FeatureGroup(name=f"{swatch}{html.escape(cname(cc))} ({counts[cc]})",
                                         overlay=True, show=True).add_to(m)
    places_group = folium.FeatureGroup(name="All places mentioned", overlay=True, show=False).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    # Stable element ids make the page byte-identical for the same records; the data script is
    # added last, so numbering it does not move the ids it refers to.
    _renumber(m)
    payload, passages = _payload(records, gaz, title, {cc: g.get_name() for cc, g in groups.items()},
                       recipient_group.get_name(), places_group.get_name(), colors, m.get_name(),
                       include_speculative)
    payload["bounds"] = _frame(shown_facilities, shown_links, gaz)
    _DataScript(_json_for_script(payload), _packed(passages), _static("footprint.js")).add_to(m)
    _renumber(m)
    m.geomap_title = title
    m.geomap_tiles = source
    return m


def _frame(facilities, links, gaz: GeoNamesGazetteer) -> list[list[float]] | None:
    """The view to open on: the footprint (facilities and recipient countries), not the
    suppliers' home countries. The page fits it before drawing anything (no animation)."""
    pts = [(f.lat, f.lon) for f in facilities if f.lat is not None]
    for r in links:
        c = gaz.country(r.recipient)
        if c is not None:
            pts.append((c.lat, c.lon))
    if not pts:
        return None
    lats, lons = [p[0] for p in pts], [p[1] for p in pts]
    return [[max(min(lats) - 5, -85), max(min(lons) - 5, -180)], [min(max(lats) + 5, 85), min(max(lons) + 5, 180)]]


def _renumber(m: folium.Map) -> None:
    """Give every element a sequential id instead of folium's random one."""
    counter = 0

    def walk(el) -> None:
        nonlocal counter
        el._id = f"{counter:08x}"
        counter += 1
        for child in list(el._children.values()):
            walk(child)

    root = m.get_root()
    walk(root)


_SCRIPT = re.compile(r"<script(?![^>]*\btype=\"application/(?:json|octet-stream)\")[^>]*>(.*?)</script>", re.DOTALL)


def _csp(tiles: TileSource | None, scripts: list[str]) -> str:
    """No connection at all; images only from data: URIs and the tile hosts asked for; only
    the page's own scripts run (by their hashes), so injected markup could run nothing."""
    img = " ".join(("data:",) + (tiles.hosts if tiles else ()))
    hashes = " ".join(sorted({"'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode()
                              for s in scripts}))
    return (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; img-src {img}; "
            "connect-src 'none'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")


def render_html(m: folium.Map) -> str:
    """The map as one self-contained, deterministic HTML page."""
    _renumber(m)
    page = m.get_root().render()
    page = inline_assets(page)
    page = re.sub(r"[ \t]+\n", "\n", page)
    title = html.escape(getattr(m, "geomap_title", "geomap"))
    csp = _csp(getattr(m, "geomap_tiles", None), _SCRIPT.findall(page))
    head = f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n<title>{title}</title>\n'
    return page.replace("<head>", "<head>\n" + head, 1)
