"""The interactive footprint map: a Folium map with one layer per supplier country.

Records reach the page as one JSON data block (``<``, ``>`` and ``&`` escaped, so no text can
close the script element) and the page's own script builds markers, links and popups from it
with DOM text nodes: article text is never parsed as HTML. Leaflet and every other asset are
inlined from installed packages, and a Content-Security-Policy forbids any connection unless
tiles were asked for.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections import Counter, defaultdict
from importlib import resources

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..records import Records, evidence_dicts
from ..resources import read_json
from .assets import INLINE_PREFIX, inline_assets
from .style import IN_FORCE, supplier_colors  # one definition of the look for every renderer

__all__ = ["build_map", "render_html", "supplier_colors"]


def _static(name: str) -> str:
    return (resources.files("geomap") / "render" / "static" / name).read_text(encoding="utf-8")


def _json_for_script(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _DataScript(MacroElement):
    """The records as a JSON data block plus the script that draws them."""

    _template = Template("""
{% macro html(this, kwargs) %}
<script type="application/json" id="geomap-data">{{ this.payload }}</script>
{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.script }}
{% endmacro %}
""")

    def __init__(self, payload: str, script: str) -> None:
        super().__init__()
        self._name = "GeomapData"
        self.payload = payload
        self.script = script.replace("</script", "<\\/script")


def _arrow(coords: list[tuple[float, float]]) -> list[list[float]] | None:
    if len(coords) < 2:
        return None
    (lat1, lon1), (lat2, lon2) = coords[-2], coords[-1]
    ang = math.atan2(lat2 - lat1, (lon2 - lon1) * math.cos(math.radians(lat2)))
    size = 1.6
    pts = [[lat2, lon2]]
    for da in (2.7, -2.7):
        a = ang + da
        pts.append([round(lat2 + size * math.sin(a), 4), round(lon2 + size * math.cos(a) / max(math.cos(math.radians(lat2)), 0.2), 4)])
    return pts


def _payload(records: Records, gaz: GeoNamesGazetteer, title: str, layers: dict[str, str],
             recipient_layer: str, places_layer: str, colors: dict[str, str], map_name: str,
             include_speculative: bool) -> dict:
    def cname(cc: str) -> str:
        c = gaz.country(cc)
        return c.name if c else cc

    articles = {a.id: {"title": a.title, "published": a.published, "url": a.url} for a in records.articles}
    place_names = {p.id: p.name for p in records.places}
    facilities = []
    for f in records.facilities:
        if f.lat is None or (f.speculative and not include_speculative):
            continue
        history = sorted({(e.year or 0, e.status) for e in f.evidence})
        facilities.append({
            "id": f.id, "name": f.name, "kind": f.kind, "supplier": f.supplier, "host": f.host,
            "supplier_name": cname(f.supplier), "host_name": cname(f.host), "operators": f.operators,
            "equipment": f.equipment, "status": f.status, "year": f.year, "precision": f.precision,
            "place_name": place_names.get(f.place_id or "", cname(f.host)), "lat": f.lat, "lon": f.lon,
            "curated": f.curated, "speculative": f.speculative,
            "history": [{"year": y or None, "status": s} for y, s in history],
            "evidence": evidence_dicts(f.evidence),
        })
    links = []
    recipients: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for r in records.relationships:
        if r.speculative and not include_speculative:
            continue
        coords = records.link_arc(r, gaz)
        if coords is None:
            continue
        if r.kind != "sanctions":
            recipients[r.recipient][r.supplier].add(r.kind.replace("_", " "))
        links.append({
            "id": r.id, "supplier": r.supplier, "recipient": r.recipient, "kind": r.kind,
            "supplier_name": cname(r.supplier), "recipient_name": cname(r.recipient),
            "status": r.status, "year": r.year, "equipment": r.equipment, "organizations": r.organizations,
            "speculative": r.speculative, "curated": r.curated,
            "coords": [[la, lo] for la, lo in coords], "arrow": _arrow(coords),
            "evidence": evidence_dicts(r.evidence),
        })
    world = read_json("countries.geojson")
    shapes = []
    for feat in world["features"]:
        cc = feat["properties"].get("iso_a2")
        if cc in recipients:
            shapes.append({"type": "Feature", "geometry": feat["geometry"], "properties": {
                "code": cc, "name": cname(cc),
                "suppliers": [{"code": s, "name": cname(s), "kinds": sorted(k)} for s, k in sorted(recipients[cc].items())],
            }})
    base = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": f["geometry"], "properties": {}} for f in world["features"]]}
    counts = Counter([f["supplier"] for f in facilities] + [link["supplier"] for link in links])
    return {
        "map": map_name, "title": title,
        "subtitle": f"{len(records.articles)} articles · {len(facilities)} facilities · {len(links)} links",
        "layers": layers, "recipient_layer": recipient_layer, "places_layer": places_layer, "colors": colors,
        "suppliers": [{"code": c, "name": cname(c), "color": colors[c], "count": counts[c]} for c in sorted(layers, key=cname)],
        "articles": articles, "facilities": facilities, "links": links,
        "places": [{"name": p.name, "kind": p.kind, "lat": p.lat, "lon": p.lon, "mentions": len(p.mentions)}
                   for p in records.places],
        "countries": base, "recipient_shapes": {"type": "FeatureCollection", "features": shapes},
    }


def build_map(records: Records, *, title: str = "Foreign defense supplier footprint",
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
        Also draw forecasts, scenarios and possibilities (dashed).

    Returns
    -------
    folium.Map
    """
    gaz = gazetteer or get_gazetteer()
    m = folium.Map(location=[0, 0], zoom_start=2, tiles=None, prefer_canvas=True, control_scale=True,
                   world_copy_jump=False)
    m.default_js = [("leaflet", f"{INLINE_PREFIX}leaflet.js")]
    m.default_css = [("leaflet_css", f"{INLINE_PREFIX}leaflet.css")]
    if tiles:
        attr = "Tiles: user-supplied" if "{" in tiles else None
        folium.TileLayer(tiles, attr=attr, name="Tiles", overlay=False, control=False).add_to(m)
    suppliers = sorted({f.supplier for f in records.facilities if include_speculative or not f.speculative}
                       | {r.supplier for r in records.relationships if include_speculative or not r.speculative})
    colors = supplier_colors(suppliers)

    def cname(cc: str) -> str:
        c = gaz.country(cc)
        return c.name if c else cc

    counts = Counter()
    for f in records.facilities:
        if include_speculative or not f.speculative:
            counts[f.supplier] += 1
    for r in records.relationships:
        if include_speculative or not r.speculative:
            counts[r.supplier] += 1
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
    payload = _payload(records, gaz, title, {cc: g.get_name() for cc, g in groups.items()},
                       recipient_group.get_name(), places_group.get_name(), colors, m.get_name(),
                       include_speculative)
    _DataScript(_json_for_script(payload), _static("footprint.js")).add_to(m)
    _renumber(m)
    m.geomap_title = title
    m.geomap_tiles = tiles
    # Frame the footprint (facilities and recipient countries), not the suppliers' home countries.
    pts = [(f.lat, f.lon) for f in records.facilities
           if f.lat is not None and (include_speculative or not f.speculative)]
    for r in records.relationships:
        c = gaz.country(r.recipient)
        if c is not None and (include_speculative or not r.speculative):
            pts.append((c.lat, c.lon))
    if pts:
        lats, lons = [p[0] for p in pts], [p[1] for p in pts]
        m.fit_bounds([[min(lats) - 5, min(lons) - 5], [max(lats) + 5, max(lons) + 5]])
    return m


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


def _csp(tiles: str | None) -> str:
    img = "data:"
    if tiles:
        host = re.match(r"(https?://[^/{]+)", tiles)
        img += " " + (host.group(1).replace("{s}", "*") if host else "https:")
    return (f"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src {img}; "
            "connect-src 'none'; font-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")


def render_html(m: folium.Map) -> str:
    """The map as one self-contained, deterministic HTML page."""
    _renumber(m)
    page = m.get_root().render()
    page = inline_assets(page)
    title = html.escape(getattr(m, "geomap_title", "geomap"))
    head = (f'<meta http-equiv="Content-Security-Policy" content="{_csp(getattr(m, "geomap_tiles", None))}">\n'
            f"<title>{title}</title>\n")
    page = page.replace("<head>", "<head>\n" + head, 1)
    page = re.sub(r"[ \t]+\n", "\n", page)
    return page
