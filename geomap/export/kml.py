"""Records as KML for Google Earth: one folder per supplier with its facilities and links.

Google Earth shows a placemark's description as HTML, so article text is HTML-escaped before
it goes into the description, and the XML writer escapes it once more for the file.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

from ..geocode.gazetteer import GeoNamesGazetteer, get_gazetteer
from ..model import Evidence
from ..records import Records
from ..render import style
from .drawn import drawn
from .static import ATTRIBUTION

__all__ = ["to_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"


def _kml_color(hex_rgb: str, alpha: float) -> str:
    """KML's aabbggrr from ``#rrggbb``."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"{round(alpha * 255):02x}{b}{g}{r}".lower()


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def _evidence_html(evidence: list[Evidence], titles: dict[str, str]) -> str:
    items = []
    for ev in evidence:
        when = f"{ev.status.replace('_', ' ')}{' ' + str(ev.year) if ev.year else ''}"
        items.append(f"<li><q>{html.escape(ev.quote)}</q><br><small>{html.escape(titles.get(ev.article, ev.article))}"
                     f" · {html.escape(ev.article)} [{ev.start}–{ev.end}] · {html.escape(when)}"
                     f"{' · speculative' if ev.speculative else ''}</small></li>")
    return "<b>Evidence</b><ul>" + "".join(items) + "</ul>" if items else ""


def _rows_html(rows: list[tuple[str, str]]) -> str:
    return "".join(f"<b>{html.escape(k)}:</b> {html.escape(v)}<br>" for k, v in rows if v)


def _when(parent: ET.Element, year: int | None) -> None:
    if year is not None:
        _sub(_sub(parent, "TimeStamp"), "when", str(year))


def to_kml(records: Records, *, title: str = style.DEFAULT_TITLE, include_speculative: bool = False,
           gazetteer: GeoNamesGazetteer | None = None) -> str:
    """The footprint as a KML document (text)."""
    gaz = gazetteer or get_gazetteer()

    layers = drawn(records, gaz, include_speculative)
    facilities, links, colors, cname = layers.facilities, layers.links, layers.colors, layers.name
    titles = {a.id: a.title + (f" ({a.published})" if a.published else "") for a in records.articles}

    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", title)
    _sub(doc, "description", html.escape(f"{len(records.articles)} news articles coded by geomap. {ATTRIBUTION}"))
    for cc in sorted(colors):
        for status_group, alpha in (("in-force", 1.0), ("pending", 0.55)):
            st = _sub(doc, "Style", id=f"{cc}-{status_group}")
            icon = _sub(st, "IconStyle")
            _sub(icon, "color", _kml_color(colors[cc], alpha))
            _sub(icon, "scale", "1.1")
            _sub(_sub(st, "LabelStyle"), "scale", "0.8")
            line = _sub(st, "LineStyle")
            _sub(line, "color", _kml_color(colors[cc], alpha * 0.85))
            _sub(line, "width", "3")
    for cc in sorted(layers.counts, key=cname):
        folder = _sub(doc, "Folder")
        _sub(folder, "name", f"{cname(cc)} ({layers.counts[cc]})")
        for f in (f for f in facilities if f.supplier == cc):
            pm = _sub(folder, "Placemark")
            _sub(pm, "name", f.name)
            vague = " (location known only to this level: not a pinpoint)" if f.precision in style.VAGUE_PRECISIONS else ""
            _sub(pm, "description", _rows_html([
                ("Kind", style.glyph_label(f.kind)), ("Supplier → host", f"{cname(f.supplier)} → {cname(f.host)}"),
                ("Operators", ", ".join(f.operators)), ("Equipment", ", ".join(f.equipment)),
                ("Status", f.status.replace("_", " ") + (f" ({f.year})" if f.year else "")),
                ("Precision", f.precision + vague), ("Speculative", "yes" if f.speculative else ""),
            ]) + _evidence_html(f.evidence, titles))
            _when(pm, f.year)
            _sub(pm, "styleUrl", f"#{cc}-{'in-force' if f.status in style.IN_FORCE else 'pending'}")
            _sub(_sub(pm, "Point"), "coordinates", f"{f.lon:.5f},{f.lat:.5f}")
        for r, arc in ((r, arc) for r, arc in links if r.supplier == cc):
            pm = _sub(folder, "Placemark")
            _sub(pm, "name", f"{cname(r.supplier)} → {cname(r.recipient)}: {r.kind.replace('_', ' ')}")
            _sub(pm, "description", _rows_html([
                ("Status", r.status.replace("_", " ") + (f" ({r.year})" if r.year else "")),
                ("Equipment", ", ".join(r.equipment)), ("Organisations", ", ".join(r.organizations)),
                ("Reports", str(len(r.evidence))), ("Speculative", "yes" if r.speculative else ""),
            ]) + _evidence_html(r.evidence, titles))
            _when(pm, r.year)
            _sub(pm, "styleUrl", f"#{cc}-{'in-force' if r.status in style.IN_FORCE else 'pending'}")
            line = _sub(pm, "LineString")
            _sub(line, "tessellate", "1")
            _sub(line, "coordinates", " ".join(f"{(lon + 180) % 360 - 180:.4f},{lat:.4f}" for lat, lon in arc))
    places = _sub(doc, "Folder")
    _sub(places, "name", f"All places mentioned ({len(records.places)})")
    _sub(places, "visibility", "0")
    for p in records.places:
        pm = _sub(places, "Placemark")
        _sub(pm, "name", p.name)
        _sub(pm, "visibility", "0")
        _sub(pm, "description", _rows_html([("Kind", p.kind), ("Mentions", str(len(p.mentions)))]))
        _sub(_sub(pm, "Point"), "coordinates", f"{p.lon:.5f},{p.lat:.5f}")
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
