"""`geomap render`: the map drawn again from the GeoJSON record files, as an analyst edited them."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import shutil
import subprocess
import sys

import zlib

import pytest

from geomap.exc import ConfigurationError, RecordsError
from geomap.output import RECORD_FILES, read_records
from geomap.render import build_map, render_html


def copy_records(out, dest):
    dest.mkdir()
    for name in RECORD_FILES:
        shutil.copy(out / name, dest / name)
    return dest


def data_block(page: str) -> dict:
    text = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', page, re.S).group(1)
    return json.loads(text)


def packed_passages(page: str) -> list:
    """The quoted passages the page unpacks for its popups: base64, zlib-deflated JSON."""
    text = re.search(r'<script type="application/octet-stream" id="geomap-passages"[^>]*>(.*?)</script>', page, re.S).group(1)
    return json.loads(zlib.decompress(base64.b64decode(text, validate=True)))


def test_build_then_render_gives_the_same_map(seed_build, gazetteer):
    out, records, _files = seed_build
    again = read_records(out, gazetteer)
    assert [f.id for f in again.facilities] == [f.id for f in records.facilities]
    assert [a.id for a in again.articles] == [a.id for a in records.articles]
    page = render_html(build_map(again, gazetteer=gazetteer))
    assert page == (out / "footprint.html").read_text(encoding="utf-8")


def test_render_draws_an_analysts_edit(seed_build, tmp_path):
    out, _records, _files = seed_build
    folder = copy_records(out, tmp_path / "edited")
    path = folder / "facilities.geojson"
    data = json.loads(path.read_text(encoding="utf-8"))
    feat = next(f for f in data["features"] if "FAME" in f["properties"]["operators"])
    feat["properties"].update(status="cancelled", curated=True, name="FAME vehicle plant (edited)")
    feat["geometry"]["coordinates"] = [-76.9, -12.0]
    path.write_text(json.dumps(data), encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "geomap", "render", str(folder)], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    drawn = data_block((folder / "footprint.html").read_text(encoding="utf-8"))
    rows = [dict(zip(drawn["facility_fields"], row)) for row in drawn["facilities"]]
    fame = next(f for f in rows if f["id"] == feat["properties"]["id"])
    assert (fame["status"], fame["curated"], fame["name"], fame["lat"], fame["lon"]) == (
        "cancelled", 1, "FAME vehicle plant (edited)", -12.0, -76.9)


@pytest.mark.parametrize("name, edit, problem", [
    ("facilities.geojson", lambda d: d["features"][0]["properties"].update(status="operatonal"), "'status' is 'operatonal'"),
    ("facilities.geojson", lambda d: d["features"][0]["properties"].update(kind="bunker"), "'kind' is 'bunker'"),
    ("facilities.geojson", lambda d: d["features"][0]["properties"].update(supplier="XX"), "'supplier' is 'XX'"),
    ("facilities.geojson", lambda d: d["features"][0]["properties"].update(year="2020"), "'year' must be a year"),
    ("facilities.geojson", lambda d: d["features"][0].update(geometry={"type": "Point", "coordinates": [-12, 200]}),
     "coordinates"),
    ("relationships.geojson", lambda d: d["features"][0]["properties"].update(facility_id="nowhere"), "'facility_id'"),
    ("relationships.geojson", lambda d: d["features"].append(d["features"][0]), "used twice"),
    ("relationships.geojson", lambda d: d["features"][0]["properties"]["evidence"][0].update(article="gone.txt"),
     "evidence 1: 'article' is 'gone.txt'"),
    ("places.geojson", lambda d: d.update(type="Feature"), "not a GeoJSON FeatureCollection"),
])
def test_records_edited_wrongly_name_the_file_and_the_problem(seed_build, gazetteer, tmp_path, name, edit, problem):
    out, _records, _files = seed_build
    folder = copy_records(out, tmp_path / "bad")
    data = json.loads((folder / name).read_text(encoding="utf-8"))
    edit(data)
    (folder / name).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(RecordsError) as err:
        read_records(folder, gazetteer)
    assert str(folder / name) in str(err.value) and problem in str(err.value), str(err.value)


def test_render_errors_are_one_line_and_write_nothing(seed_build, tmp_path):
    out, _records, _files = seed_build
    folder = copy_records(out, tmp_path / "bad")
    (folder / "relationships.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    for args in ([str(folder)], [str(tmp_path / "missing")], [str(out), "--tiles", "No.Such.Provider"]):
        res = subprocess.run([sys.executable, "-m", "geomap", "render", *args, "--out", str(tmp_path / "map.html")],
                             capture_output=True, text=True)
        assert res.returncode == 1, res.stderr
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr, res.stderr
        assert args[0] in res.stderr or "No.Such.Provider" in res.stderr
    assert not (tmp_path / "map.html").exists()


def csp_of(m) -> str:
    return re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', render_html(m)).group(1)


def test_csp_forbids_connections_without_tiles_and_allows_only_the_tile_host(seed_build, gazetteer):
    _out, records, _files = seed_build
    plain = csp_of(build_map(records, gazetteer=gazetteer))
    assert "img-src data:;" in plain and "connect-src 'none'" in plain and "default-src 'none'" in plain
    named = csp_of(build_map(records, tiles="OpenStreetMap.Mapnik", gazetteer=gazetteer))
    assert "img-src data: https://tile.openstreetmap.org;" in named
    sub = csp_of(build_map(records, tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png", gazetteer=gazetteer))
    assert "img-src data: https://a.tiles.example.org https://b.tiles.example.org https://c.tiles.example.org;" in sub
    for bad in ("No.Such.Provider", "https://tiles.example.org/tile.png", "tiles.example.org/{z}/{x}/{y}.png"):
        with pytest.raises(ConfigurationError):
            build_map(records, tiles=bad, gazetteer=gazetteer)


def test_speculative_records_are_drawn_only_when_asked_for(seed_build, gazetteer):
    _out, records, _files = seed_build
    speculative = {r.id for r in records.facilities + records.relationships if r.speculative}
    assert speculative
    for include in (False, True):
        data = data_block(render_html(build_map(records, include_speculative=include, gazetteer=gazetteer)))
        drawn = {row[0] for row in data["facilities"] + data["links"]}
        assert (speculative <= drawn) if include else not (speculative & drawn)


def drawn_evidence(page: str, records) -> dict[tuple[str, str], list[tuple]]:
    """Each drawn record's evidence as the page carries it, (article, quote, start, end), by
    ("facility" or "link", record id)."""
    data, passages = data_block(page), packed_passages(page)
    assert "quotes" not in data and len(data["quote_articles"]) == len(passages)
    out = {}
    for kind, rows in (("facility", data["facilities"]), ("link", data["links"])):
        column = data[f"{kind}_fields"].index("evidence")
        for row in rows:
            got = []
            for e in row[column]:
                quote, start, *end = passages[e[0]]
                got.append((records.articles[data["quote_articles"][e[0]]].id, quote, start,
                            end[0] if end else start + len(quote)))
            out[(kind, row[0])] = got
    return out


def assert_exact_evidence(page: str, records) -> None:
    drawn = drawn_evidence(page, records)
    assert drawn
    for kind, recs in (("facility", records.facilities), ("link", records.relationships)):
        for rec in recs:
            if (kind, rec.id) in drawn:
                assert drawn[(kind, rec.id)] == [(e.article, e.quote, e.start, e.end) for e in rec.evidence], rec.id


def test_popup_quotes_travel_packed_and_unpack_to_the_exact_evidence(seed_build):
    out, records, _files = seed_build
    assert_exact_evidence((out / "footprint.html").read_text(encoding="utf-8"), records)


def test_a_big_map_streams_every_row_and_passage_into_the_page(seed_build, gazetteer):
    """Over a thousand links, each citing its own passage: the page's data is written in batches
    of rows and its passages deflated and base64-encoded piece by piece; both read back whole
    and exact, and the same map renders the same page again."""
    _out, records, _files = seed_build
    template = next(r for r in records.relationships if not r.speculative)
    ev = template.evidence[0]
    extra = [dataclasses.replace(template, id=f"{template.id}-{i}", evidence=[dataclasses.replace(
        ev, start=ev.start + i, end=ev.end + i, quote=ev.quote if i % 2 else f"{ev.quote} [{i}]")]) for i in range(1200)]
    big = dataclasses.replace(records, relationships=records.relationships + extra)
    m = build_map(big, gazetteer=gazetteer)
    page = render_html(m)
    data, passages = data_block(page), packed_passages(page)
    assert len(data["links"]) > 1200 and len(json.dumps(passages)) > 1 << 17  # several batches and chunks
    assert {("link", r.id) for r in extra} <= set(drawn_evidence(page, big))
    assert_exact_evidence(page, big)
    assert render_html(m) == page and page.count('id="geomap-data"') == 1