"""Briefing outputs from the real seed records: static maps, GeoPackage, KML, CSV, embed snippet,
filters. Commands run through the installed ``geomap`` entry point."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

GEOMAP = str(Path(sys.executable).parent / "geomap")
RU, KR = (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73)  # Okabe–Ito colours of the two main suppliers


def geomap(*args, cwd=None):
    return subprocess.run([GEOMAP, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def colour_share(path: Path, rgb: tuple[int, int, int], tolerance: int = 12) -> float:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    near = (np.abs(pixels - np.array(rgb, dtype=np.int16)) <= tolerance).all(axis=2)
    return float(near.mean())


@pytest.fixture(scope="module")
def records_dir(seed_build):
    """The seed build's folder: its GeoJSON record files are an export's input."""
    return seed_build[0]


# ------------------------------------------------------------------ static maps


def test_static_maps_are_byte_identical_across_runs(records_dir, tmp_path):
    for name in ("a", "b"):
        res = geomap("export", records_dir, "-f", "png,svg,pdf", "--dpi", "60", "--out", tmp_path / name)
        assert res.returncode == 0, res.stderr
    for fmt in ("png", "svg", "pdf"):
        a, b = ((tmp_path / n / f"footprint.{fmt}").read_bytes() for n in ("a", "b"))
        assert a == b, fmt
    pdf = (tmp_path / "a" / "footprint.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and b"CreationDate" not in pdf and b"Matplotlib" not in pdf
    svg = (tmp_path / "a" / "footprint.svg").read_text()
    assert "<dc:date>" not in svg and "matplotlib" not in svg.lower().split("<svg", 1)[1][:2000]


def test_slide_png_at_print_resolution_shows_both_suppliers(records_dir, tmp_path):
    out = tmp_path / "slide.png"
    res = geomap("export", records_dir, "--out", out)
    assert res.returncode == 0, res.stderr
    assert png_size(out.read_bytes()) == (4000, 2250)  # 16:9 at 300 dpi
    # Russia's links and MRO hub and South Korea's links are drawn in their colours.
    assert colour_share(out, RU) > 0.001 and colour_share(out, KR) > 0.0003
    assert "wrote 1 file" in res.stderr and "slide.png" in res.stderr


def test_a4_pdf_page_and_region_framing(records_dir, tmp_path):
    res = geomap("export", records_dir, "-f", "pdf", "--size", "a4", "--region", "South America", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    media = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", (tmp_path / "footprint.pdf").read_bytes())
    assert media and abs(float(media.group(1)) - 595) < 2 and abs(float(media.group(2)) - 842) < 2


def test_region_and_bbox_change_the_frame(records_dir, tmp_path):
    for name, extra in (("fit", []), ("peru", ["--bbox", "-82,-19,-68,0"]), ("sa", ["--region", "south america"])):
        assert geomap("export", records_dir, "--dpi", "50", "--out", tmp_path / f"{name}.png", *extra).returncode == 0
    fit, peru, sa = (tmp_path / f"{n}.png" for n in ("fit", "peru", "sa"))
    assert len({fit.read_bytes(), peru.read_bytes(), sa.read_bytes()}) == 3
    # Framed on Peru, the shaded recipient country (purple) fills much more of the page.
    assert purple_share(peru) > 3 * purple_share(fit) > 0


def purple_share(path: Path) -> float:
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(((r - g > 15) & (b - g > 15)).mean())


def test_extent_errors_say_what_to_do(records_dir, tmp_path):
    res = geomap("export", records_dir, "--region", "South Amerca", "--out", tmp_path)
    assert res.returncode == 1 and "South America" in res.stderr and len(res.stderr.strip().splitlines()) == 1
    res = geomap("export", records_dir, "--bbox", "10,0,5,20", "--out", tmp_path)
    assert res.returncode == 1 and "W,S,E,N" in res.stderr and "Traceback" not in res.stderr
    res = geomap("export", records_dir, "--out", tmp_path / "map.png", "-f", "pdf")
    assert res.returncode == 1 and ".pdf" in res.stderr
    assert not any(tmp_path.iterdir())


def test_hostile_title_is_drawn_as_text(records_dir, tmp_path):
    title = "Costs $x^2$ and \\frac{1}{2} <script>alert(1)</script> & more"
    res = geomap("export", records_dir, "-f", "svg", "--dpi", "50", "--title", title, "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    svg = (tmp_path / "footprint.svg").read_text()
    assert "<script" not in svg
    ET.fromstring(svg)  # well-formed


def test_static_glyphs_come_from_the_shared_style():
    from geomap.export.static import _mpl_glyph, _svg_rings
    from geomap.render import style

    for kind in style.GLYPHS:
        rings = _svg_rings(style.glyph_path(kind))
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        assert rings and max(map(abs, xs + ys)) <= 10.6, kind  # the 20×20 box of the HTML map
        assert len(_mpl_glyph(kind).vertices) >= 4
    circle = _svg_rings(style.glyph_path("other"))[0]
    assert all(abs((x * x + y * y) ** 0.5 - 8.5) < 0.01 for x, y in circle)


# ------------------------------------------------------------------ data exports


def test_geopackage_layers_read_back(records_dir, tmp_path, seed_build):
    import pyogrio

    _out, records, files = seed_build
    for name in ("a", "b"):
        res = geomap("export", records_dir, "-f", "gpkg", "--out", tmp_path / name / "footprint.gpkg")
        assert res.returncode == 0, res.stderr
    gpkg = tmp_path / "a" / "footprint.gpkg"
    assert gpkg.read_bytes() == (tmp_path / "b" / "footprint.gpkg").read_bytes()
    layers = {name: kind for name, kind in pyogrio.list_layers(gpkg)}
    assert layers == {"places": "Point", "facilities": "Point", "relationships": "LineString"}
    for layer in layers:
        df = pyogrio.read_dataframe(gpkg, layer=layer)
        assert len(df) == len(files[f"{layer}.geojson"]["features"]), layer
        assert pyogrio.read_info(gpkg, layer=layer)["crs"] == "EPSG:4326"
    facilities = pyogrio.read_dataframe(gpkg, layer="facilities")
    texts = {a.id: a.text for a in records.articles}
    fame = facilities[facilities["supplier"] == "KR"].iloc[0]
    assert "FAME" in json.loads(fame["operators"])
    for ev in json.loads(fame["evidence"]):
        assert texts[ev["article"]][ev["start"]:ev["end"]] == ev["quote"]
    assert abs(fame.geometry.x - fame["lon"]) < 1e-9


def test_kml_escapes_article_text(tmp_path):
    import pyogrio

    hostile = ("Russia to open helicopter repair center in Peru\n\nRussia’s Rosoboronexport will open a "
               "<script>alert(1)</script> repair and maintenance center in Peru & Bolivia, officials said.\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text(hostile, encoding="utf-8")
    res = geomap("export", tmp_path / "in", "-f", "kml,csv", "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    kml = (tmp_path / "out" / "footprint.kml").read_text(encoding="utf-8")
    root = ET.fromstring(kml)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    descriptions = [d.text or "" for d in root.iterfind(".//k:Placemark/k:description", ns)]
    quoted = [d for d in descriptions if "repair and maintenance" in d]
    assert quoted, descriptions
    # Google Earth renders descriptions as HTML: the markup must arrive escaped, as text.
    assert all("<script" not in d and "&lt;script&gt;" in d for d in quoted)
    assert "&amp; Bolivia" in quoted[0]
    assert [name for name, _ in pyogrio.list_layers(tmp_path / "out" / "footprint.kml")][0].startswith("Russia")


def test_csv_per_record_type(records_dir, tmp_path, seed_build):
    _out, records, files = seed_build
    res = geomap("export", records_dir, "-f", "csv", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    for layer in ("places", "facilities", "relationships"):
        text = (tmp_path / f"{layer}.csv").read_text(encoding="utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == len(files[f"{layer}.geojson"]["features"]), layer
    rows = list(csv.DictReader(io.StringIO((tmp_path / "facilities.csv").read_text(encoding="utf-8-sig"))))
    kr = next(r for r in rows if r["supplier"] == "KR")
    assert "FAME" in kr["operators"].split("; ") and kr["speculative"] in ("true", "false")
    assert float(kr["lat"]) < 0 and json.loads(kr["evidence"])[0]["quote"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(seed_build):
    from geomap.export.tables import to_csv
    from geomap.records import Records

    _out, records, _files = seed_build
    f = dataclasses.replace(records.facilities[0], name='=HYPERLINK("http://x.invalid","click")',
                            operators=["@SUM(A1)", "-1+1"])
    text = to_csv(Records(records.articles, records.places, [f], []))["facilities.csv"]
    row = next(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert row["name"].startswith("'=") and row["operators"].startswith("'@")
    assert float(row["lon"]) < 0  # numbers stay numbers


# ------------------------------------------------------------------ embed snippet and Python API


def test_embed_snippet_is_self_contained(records_dir, tmp_path):
    res = geomap("export", records_dir, "--embed", "-f", "embed", "--title", 'Peru "brief" <b>', "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    snippet = (tmp_path / "footprint.embed.html").read_text(encoding="utf-8")
    frame = re.search(r"<iframe [^>]*></iframe>", snippet, re.S).group(0)
    assert 'sandbox="allow-scripts' in frame and "allow-same-origin" not in frame
    assert 'title="Peru &quot;brief&quot; &lt;b&gt;"' in frame
    assert "<script" not in frame  # the whole page is inside an escaped attribute
    res = geomap("export", records_dir, "--embed-src", "maps/footprint.html", "-f", "embed", "--out", tmp_path / "s.html")
    assert res.returncode == 0 and 'src="maps/footprint.html"' in (tmp_path / "s.html").read_text()


@pytest.mark.browser
def test_embedded_map_draws_inside_a_hostile_briefing_page(records_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM_ARGS, chromium_path, wait_until

    assert geomap("export", records_dir, "-f", "embed", "--out", tmp_path).returncode == 0
    snippet = (tmp_path / "footprint.embed.html").read_text(encoding="utf-8")
    host = tmp_path / "briefing.html"
    host.write_text("<!doctype html><html><head><style>* { font-family: serif !important; color: red !important }"
                    " div { display: none } canvas { display: none }</style></head><body><h1>Briefing</h1>"
                    f"<p>Where Russia services helicopters:</p>{snippet}</body></html>", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            failed, errors = [], []
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:", "about:"))
                       else (failed.append(route.request.url), route.abort())[-1])
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(host.resolve().as_uri(), wait_until="load")
            frame = page.frame_locator("iframe").first
            frame.locator(".leaflet-container").wait_for(timeout=15000)
            inner = next(f for f in page.frames if f != page.main_frame)
            wait_until(inner, "window.geomap && window.geomap.ready")
            shown = inner.evaluate("() => window.geomap.shown()")
            assert "ru-pe-mro-center-peru" in shown["facilities"]
            # The host page's styles stop at the frame: the map's panels are displayed.
            assert inner.evaluate("() => getComputedStyle(document.querySelector('.leaflet-control')).display") != "none"
            # The framed map cannot reach into the host page.
            assert inner.evaluate("() => { try { return !!window.parent.document; } catch (e) { return false; } }") is False
            assert failed == [] and errors == []
        finally:
            browser.close()


def test_python_api_returns_folium_map(seed_build):
    import folium

    import geomap as gm

    _out, records, _files = seed_build
    m = gm.build_map(records, title="Notebook")
    assert isinstance(m, folium.Map)
    assert "ru-pe-mro-center-peru" in m.get_root().render()


# ------------------------------------------------------------------ filters


def test_filters_select_records(seed_build):
    from geomap.filters import RecordFilter

    _out, records, _files = seed_build
    ru = RecordFilter(suppliers=("RU",)).apply(records)
    assert ru.relationships and {r.supplier for r in ru.relationships} == {"RU"}
    assert {f.supplier for f in ru.facilities} == {"RU"}
    pe = RecordFilter(recipients=("PE",), kinds=("maintenance",)).apply(records)
    assert {(r.recipient, r.kind) for r in pe.relationships} == {("PE", "maintenance")}
    mro = RecordFilter(kinds=("mro_center",)).apply(records)
    assert [f.kind for f in mro.facilities] == ["mro_center"]
    assert all(r.facility_id == mro.facilities[0].id for r in mro.relationships)
    def dated(rec):
        return [e.year or published[e.article] for e in rec.evidence if e.year or published[e.article]]

    published = {a.id: a.year for a in records.articles}
    old = RecordFilter(since=1990, until=1995).apply(records)
    assert all(not dated(r) for r in [*old.facilities, *old.relationships])  # only undated records are kept
    recent = RecordFilter(since=2008, until=2025).apply(records)
    assert any(dated(r) for r in recent.relationships)
    assert all(any(2008 <= y <= 2025 for y in dated(r)) or not dated(r) for r in recent.relationships)
    assert len(old.relationships) < len(recent.relationships)
    spec_all = RecordFilter().apply(records, keep_speculative=True)
    assert len(spec_all.relationships) == len(records.relationships)
    assert not any(r.speculative for r in RecordFilter().apply(records).relationships)


def test_filter_errors():
    from geomap.exc import ConfigurationError
    from geomap.filters import RecordFilter, parse_codes

    with pytest.raises(ConfigurationError, match="swap"):
        RecordFilter(since=2025, until=2008)
    with pytest.raises(ConfigurationError, match="unknown kind 'repairs'"):
        RecordFilter(kinds=("repairs",))
    with pytest.raises(ConfigurationError, match="two-letter"):
        parse_codes("RUS", "--supplier")
    assert parse_codes("ru, kr,RU", "--supplier") == ("RU", "KR")


def test_named_regions_frame_their_main_land():
    from geomap.export.extent import region_extent

    europe = region_extent("Europe")
    assert -30 < europe.west and europe.east < 100  # neither French Guiana nor Russia's Pacific coast
    sa = region_extent("south america")
    assert (round(sa.west), round(sa.south), round(sa.east), round(sa.north)) == (-81, -55, -35, 12)
    assert region_extent("Peru").west > -82 and region_extent("PE").north < 0.5



def test_geojson_export_writes_the_same_files_as_the_build(tmp_path):
    """Both stream the records feature by feature into their files."""
    seeds = Path(__file__).resolve().parent.parent / "seeds"
    built = geomap("build", seeds, "--out", tmp_path / "built")
    exported = geomap("export", seeds, "-f", "geojson", "--out", tmp_path / "exported")
    assert built.returncode == 0 and exported.returncode == 0, built.stderr + exported.stderr
    assert sorted(p.name for p in (tmp_path / "exported").glob("*.*json")) == \
        ["facilities.geojson", "places.geojson", "relationships.geojson"]
    for name in ("places.geojson", "facilities.geojson", "relationships.geojson"):
        assert (tmp_path / "exported" / name).read_bytes() == (tmp_path / "built" / name).read_bytes(), name
