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
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from itertools import islice
from typing import BinaryIO, Iterable, Iterator

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..exc import ConfigurationError, RenderError
from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..model import STATUS_ORDER
from ..output import COORDINATE_DECIMALS
from ..records import Records
from ..resources import read_json
from ..serialize import compact_json
from .assets import INLINE_PREFIX, inline_assets
from .style import DEFAULT_TITLE, for_script, supplier_colors  # one definition of the look for every renderer

__all__ = ["build_map", "render_html", "write_html", "supplier_colors", "TileSource", "resolve_tiles"]

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


def _escaped_for_script(text: str) -> str:
    """JSON text that no article text can end a script element with (each replaced character
    stands alone, so pieces of one text may be escaped apart)."""
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _buffered(pieces: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """The pieces joined into chunks of about ``size`` characters."""
    buf: list[str] = []
    n = 0
    for piece in pieces:
        buf.append(piece)
        n += len(piece)
        if n >= size:
            yield "".join(buf)
            buf, n = [], 0
    if buf:
        yield "".join(buf)


def _json_array(rows: Iterable, batch: int = 500) -> Iterator[str]:
    """A JSON array written ``batch`` rows at a time: the same text as dumping the whole list."""
    rows = iter(rows)
    yield "["
    sep = ""
    while chunk := list(islice(rows, batch)):
        yield sep + compact_json(chunk)[1:-1]
        sep = ","
    yield "]"


class _DataScript(MacroElement):
    """The records as a JSON data block, the packed quotes, and the script that draws them.

    Rendered as part of the page (a notebook, ``Map.save``), the blocks are written out in
    full; :func:`write_html` renders the page around two markers instead and streams the
    blocks into the file in their place, so that a big map is never one string in memory."""

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="geomap-data">{{ this.payload }}</script>
<script type="application/octet-stream" id="geomap-passages" data-encoding="json+deflate+base64">{{ this.passages }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.script }}
{% endmacro %}
""")

    def __init__(self, data: "_PageData", script: str) -> None:
        super().__init__()
        self._name = "GeomapData"
        self.data = data
        self.markers = False
        self.script = script.replace("</script", "<\\/script")

    @property
    def payload(self) -> str:
        return _PAYLOAD_MARK if self.markers else "".join(self.data.payload_chunks())

    @property
    def passages(self) -> str:
        return _PASSAGES_MARK if self.markers else "".join(self.data.passage_chunks())


_PAYLOAD_MARK = "\x00geomap-payload\x00"
_PASSAGES_MARK = "\x00geomap-passages\x00"


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
    counts in its article's year) and, in ``passages``, the evidence that first quoted it
    (written as [quote, start], plus end when it is not start + the quote's length: only popups
    need those). Evidence rows point into both: [quote index, status index] plus the year and
    a speculative flag when they are set."""

    def __init__(self, articles) -> None:
        self.article_index = {a.id: i for i, a in enumerate(articles)}
        self.index: dict[tuple, int] = {}
        self.articles: list[int] = []
        self.passages: list = []

    def add(self, evidence) -> None:
        for e in evidence:
            key = (e.article, e.start, e.end, e.quote)
            if key not in self.index:
                self.index[key] = len(self.passages)
                self.articles.append(self.article_index.get(e.article, -1))
                self.passages.append(e)

    def rows(self, evidence) -> list[list]:
        out = []
        for e in evidence:
            row = [self.index[(e.article, e.start, e.end, e.quote)],
                   STATUS_ORDER.index(e.status) if e.status in STATUS_ORDER else 0, e.year, int(e.speculative)]
            out.append(row[:4] if e.speculative else row[:3] if e.year is not None else row[:2])
        return out

    def passage_rows(self) -> Iterator[list]:
        for e in self.passages:
            yield [e.quote, e.start] if e.end - e.start == len(e.quote) else [e.quote, e.start, e.end]


class _PageData:
    """The page's data: records as rows of FACILITY_FIELDS and LINK_FIELDS (compact at scale),
    and apart from it the quoted passages their evidence rows point to. What the rows say about
    the map as a whole (countries named, links per supplier, passages) is worked out first; the
    rows themselves are made one at a time as the JSON text is written."""

    def __init__(self, records: Records, gaz: GeoNamesGazetteer, head: dict, colors: dict[str, str],
                 include_speculative: bool, bounds) -> None:
        """``head``: the page's names (map, title, style, layers, recipient_layer, places_layer)."""
        self.records, self.gaz = records, gaz
        used: set[str] = set()
        self.quotes = quotes = _Quotes(records.articles)
        self.facilities = [f for f in records.facilities if f.lat is not None and (include_speculative or not f.speculative)]
        for f in self.facilities:
            used.update((f.supplier, f.host))
            quotes.add(f.evidence)
        self.links: list[tuple] = []  # (relationship, its arc)
        origins, points = {}, {}
        for r in records.relationships:
            if r.speculative and not include_speculative:
                continue
            arc = records.link_arc(r, gaz)
            if arc is None:
                continue
            used.update((r.supplier, r.recipient))
            quotes.add(r.evidence)
            self.links.append((r, arc))
            c = gaz.country(r.recipient)
            points[r.recipient] = [round(c.lat, 4), round(c.lon, 4)]  # zoomed out, arcs end there
            origins.setdefault(r.supplier, list(arc[0]))  # most links start there: written once
        self.origins = origins
        recipients = {r.recipient for r, _arc in self.links if r.kind != "sanctions"}
        world = read_json("countries.geojson")
        shape_index = {}
        for i, feat in enumerate(world["features"]):
            cc = feat["properties"].get("iso_a2")
            if cc in recipients:
                shape_index[cc] = i
        counts = Counter([f.supplier for f in self.facilities] + [r.supplier for r, _arc in self.links])
        layers = head["layers"]
        used.update(layers)
        self.head = {
            **head,
            "suppliers": [{"code": c, "name": self.cname(c), "color": colors[c], "count": counts[c]}
                          for c in sorted(layers, key=self.cname)],
            "countries": {cc: self.cname(cc) for cc in sorted(used)},
            "statuses": list(STATUS_ORDER), "origins": origins, "points": dict(sorted(points.items())),
        }
        self.tail = {
            "places": [[p.name, p.kind, p.lat, p.lon, len(p.mentions)] for p in records.places],
            "base": [f["geometry"] for f in world["features"]],
            "recipient_shapes": shape_index,
            "bounds": bounds,
        }

    def cname(self, cc: str) -> str:
        c = self.gaz.country(cc)
        return c.name if c else cc

    def _facility_rows(self) -> Iterator[list]:
        place_names = {p.id: p.name for p in self.records.places}
        for f in self.facilities:
            yield [f.id, f.name, f.kind, f.supplier, f.host, f.operators, f.equipment, f.status, f.year,
                   f.precision, place_names.get(f.place_id or "", self.cname(f.host)), f.lat, f.lon,
                   int(f.curated), int(f.speculative), self.quotes.rows(f.evidence)]

    def _link_rows(self) -> Iterator[list]:
        for r, arc in self.links:
            start = list(arc[0])
            yield [r.id, r.supplier, r.recipient, r.kind, r.status, r.year, r.equipment, r.organizations,
                   int(r.curated), int(r.speculative), None if start == self.origins[r.supplier] else start,
                   list(arc[-1]), self.quotes.rows(r.evidence)]

    def _payload_pieces(self) -> Iterator[str]:
        yield compact_json(self.head)[:-1]
        yield ',"articles":'
        yield from _json_array([a.id, a.title, a.published, a.url] for a in self.records.articles)
        yield ',"quote_articles":'
        yield from _json_array(self.quotes.articles)
        yield f',"facility_fields":{compact_json(FACILITY_FIELDS)},"facilities":'
        yield from _json_array(self._facility_rows())
        yield f',"link_fields":{compact_json(LINK_FIELDS)},"links":'
        yield from _json_array(self._link_rows())
        yield "," + compact_json(self.tail)[1:]

    def payload_chunks(self) -> Iterator[str]:
        """The data block's JSON text, escaped for a script element, in chunks."""
        for chunk in _buffered(self._payload_pieces()):
            yield _escaped_for_script(chunk)

    def passage_chunks(self) -> Iterator[str]:
        """The passages as JSON, deflated (zlib format, fixed level: the same bytes every time)
        and base64-encoded, in chunks: the page unpacks them with the browser's
        DecompressionStream("deflate")."""
        deflate = zlib.compressobj(9)
        pending = b""
        for chunk in _buffered(_json_array(self.quotes.passage_rows())):
            pending += deflate.compress(chunk.encode("utf-8"))
            whole = len(pending) - len(pending) % 3  # base64 of whole 3-byte groups joins up
            yield base64.b64encode(pending[:whole]).decode("ascii")
            pending = pending[whole:]
        yield base64.b64encode(pending + deflate.flush()).decode("ascii")


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
    head = {"map": m.get_name(), "title": title, "style": for_script(),
            "layers": {cc: g.get_name() for cc, g in groups.items()},
            "recipient_layer": recipient_group.get_name(), "places_layer": places_group.get_name()}
    data = _PageData(records, gaz, head, colors, include_speculative, _frame(shown_facilities, shown_links, gaz))
    _DataScript(data, _static("footprint.js")).add_to(m)
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


def _elements(element, out: list | None = None) -> list[tuple]:
    """Every element of a tree with a copy of its children."""
    out = [] if out is None else out
    out.append((element, element._children.copy()))
    for child in element._children.values():
        _elements(child, out)
    return out


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


def _data_script(m: folium.Map) -> _DataScript:
    found = [el for el in m._children.values() if isinstance(el, _DataScript)]
    if len(found) != 1:
        raise RenderError("not a map from geomap.render.build_map (no records data)")
    return found[0]


def write_html(m: folium.Map, f: BinaryIO) -> None:
    """Write the map as one self-contained, deterministic HTML page (UTF-8) to the binary file
    ``f``: the page around the data blocks is rendered in memory, the blocks are streamed."""
    data = _data_script(m)
    root = m.get_root()
    # Rendering adds elements to the tree (each element's output to the page's parts, the layer
    # control's hooks to the layers); they are taken away again, so that the same map renders
    # the same page every time.
    tree = _elements(root) + [(part, part._children.copy()) for part in (root.header, root.html, root.script)]
    data.markers = True
    try:
        _renumber(m)
        page = root.render()
    finally:
        data.markers = False
        for element, children in tree:
            element._children = children
    page = inline_assets(page)
    page = re.sub(r"[ \t]+\n", "\n", page)
    title = html.escape(getattr(m, "geomap_title", "geomap"))
    csp = _csp(getattr(m, "geomap_tiles", None), _SCRIPT.findall(page))
    head = f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n<title>{title}</title>\n'
    page = page.replace("<head>", "<head>\n" + head, 1)
    before, rest = _split_once(page, _PAYLOAD_MARK)
    middle, after = _split_once(rest, _PASSAGES_MARK)
    for piece in (before, data.data.payload_chunks(), middle, data.data.passage_chunks(), after):
        for chunk in [piece] if isinstance(piece, str) else piece:
            f.write(chunk.encode("utf-8"))


def _split_once(page: str, mark: str) -> tuple[str, str]:
    before, found, after = page.partition(mark)
    if not found or mark in after:
        raise RenderError("the page template lost its data block")
    return before, after


def render_html(m: folium.Map) -> str:
    """The map as one self-contained, deterministic HTML page (see :func:`write_html`)."""
    out = io.BytesIO()
    write_html(m, out)
    return out.getvalue().decode("utf-8")
