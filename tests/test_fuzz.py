"""Property tests (hypothesis) over ingest, geoparsing, event coding and rendering.

Texts are built from realistic fragments (seed sentences, real place and firm names, markup,
bidi and zero-width characters) mixed with random Unicode. Whatever the text: nothing crashes,
every offset points at the text it quotes, and every output parses back as valid GeoJSON and
as the page's data block. Example counts are modest so the suite stays fast.
"""

from __future__ import annotations

import json
import re
import tempfile
from functools import lru_cache
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from geomap.exc import InputError
from geomap.ingest import SUFFIXES, parse_text_article, read_articles

SEED_SENTENCES = sorted({s.strip() for f in sorted((ROOT / "seeds").glob("*.txt"))
                         for s in re.split(r"(?<=[.!?])\s+", f.read_text(encoding="utf-8")) if len(s.strip()) > 20})
PLACES = ["Lima", "Peru", "Lurigancho-Chosica", "Callao", "Jakarta", "Indonesia", "Ankara", "Seoul", "South Korea",
          "Russia", "Moscow", "Caracas", "Venezuela", "Lima, Ohio", "Georgia", "the Andes", "the Sahel", "U.S.",
          "Brasília", "São Paulo", "Bogotá", "Guyana", "Angola", "Manila"]
FIRMS = ["Rosoboronexport", "Hyundai Rotem", "Baykar", "Rostec", "FAME", "Lockheed Martin", "Korea Aerospace Industries",
         "Russian Helicopters", "Ulan-Ude Aviation Plant", "HAL", "Embraer"]
VERBS = ["will open a repair and maintenance center in", "signed an agreement with", "will build a factory in",
         "delivered Mi-17 helicopters to", "opened a naval base in", "is negotiating with", "cancelled a deal with"]
NASTY = ["<script>window.x=1</script>", "</script>", "<img src=x onerror=alert(1)>", "&amp;", "&lt;b&gt;", "\u202e",
         "\u202c", "\u200b", "\u200d", "\ufeff", "\u2028", "\r\n", "\r", "\t", "\x00", "\"'`", "{}[]", "😀", "e\u0301"]
SEPARATORS = [" ", ", ", ". ", "\n", "\n\n", " — "]

fragment = st.one_of(st.sampled_from(SEED_SENTENCES), st.sampled_from(PLACES), st.sampled_from(FIRMS),
                     st.sampled_from(VERBS), st.sampled_from(NASTY), st.text(max_size=12))
sentence = st.tuples(st.sampled_from(FIRMS + PLACES), st.sampled_from(VERBS), st.sampled_from(PLACES)).map(" ".join)
texts = st.lists(st.tuples(st.one_of(fragment, sentence), st.sampled_from(SEPARATORS)), min_size=1, max_size=14).map(
    lambda parts: "".join(a + b for a, b in parts))
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@lru_cache(maxsize=1)
def extractor():
    from geomap.extract import Extractor

    return Extractor()


def in_range(lon: float, lat: float) -> bool:
    return -180 <= lon <= 180 and -90 <= lat <= 90


# ---------------------------------------------------------------- ingest

def records_jsonl(items: list[tuple[str, str]]) -> bytes:
    return "".join(json.dumps({"id": i, "title": t[:30], "text": t}) + "\n" for i, t in items).encode("utf-8")


raw_files = st.one_of(
    st.binary(max_size=300),
    texts.map(lambda t: t.encode("utf-8")),
    texts.map(lambda t: t.encode("utf-16")),
    texts.map(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8", "surrogatepass")),
    st.lists(st.tuples(st.text(max_size=8), texts), min_size=1, max_size=3).map(records_jsonl),
    st.lists(st.one_of(texts.map(lambda t: json.dumps({"text": t})), st.text(max_size=20)), max_size=4)
    .map(lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")),
)


@FEW
@given(data=raw_files, suffix=st.sampled_from(SUFFIXES))
def test_ingest_reads_or_refuses_any_bytes(data, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"article{suffix}"
        path.write_bytes(data)
        skipped: list[InputError] = []
        try:
            articles = read_articles([path], skipped=skipped)
        except InputError as err:
            assert str(path) in str(err) and "\n" not in str(err)
            return
        for err in skipped:
            assert str(err).startswith(str(path)) and "\n" not in str(err)
        for a in articles:
            assert "\r" not in a.text and a.text.strip()
            for value in (a.id, a.title, a.text, a.url or ""):
                value.encode("utf-8")  # nothing that cannot be written out again
        try:  # strict reading agrees: the same articles, or the first problem raised
            assert read_articles([path]) == articles and not skipped
        except InputError as err:
            assert skipped and str(err) == str(skipped[0])


# ---------------------------------------------------------------- geoparsing and event coding

@FEW
@given(text=texts)
def test_geoparse_offsets_and_coordinates(text):
    for t in extractor().geoparser.parse(text):
        assert text[t.start:t.end] == t.text
        if t.resolved:
            assert in_range(t.lon, t.lat)


@FEW
@given(text=texts)
def test_event_coding_evidence_points_at_the_quote(text):
    from geomap.records import build_records

    article = parse_text_article(text, article_id="fuzz.txt")
    reading = extractor().read(article)
    for t in reading.toponyms:
        assert article.text[t.start:t.end] == t.text
    records = build_records([reading], extractor().geoparser.gazetteer)
    for rec in records.facilities + records.relationships:
        assert rec.evidence
        for ev in rec.evidence:
            assert article.text[ev.start:ev.end] == ev.quote
    for place in records.places:
        assert in_range(place.lon, place.lat)
        for m in place.mentions:
            assert article.text[m["start"]:m["end"]] == m["text"]


# ---------------------------------------------------------------- rendering

def check_geometry(geometry, kinds: tuple[str, ...]) -> None:
    if geometry is None:
        return
    assert geometry["type"] in kinds
    points = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
    assert points and all(len(p) == 2 and -90 <= p[1] <= 90 and -360 <= p[0] <= 360 for p in points)
    if geometry["type"] == "Point":
        assert in_range(*points[0])


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles=st.lists(st.tuples(texts, st.text(max_size=30), st.one_of(st.none(), st.text(max_size=20))),
                         min_size=1, max_size=3))
def test_outputs_are_valid_geojson_and_the_page_data_parses_back(articles):
    from geomap.export import ExportSettings, render_files
    from geomap.records import build_records

    arts = [parse_text_article(text, article_id=f"a{i}<&>", title=title or None, url=url)
            for i, (text, title, url) in enumerate(articles)]
    records = build_records([extractor().read(a) for a in arts], extractor().geoparser.gazetteer)
    files = render_files(records, ("html", "geojson"), ExportSettings(title="<b>fuzz</b> \u202e&amp;"))
    kinds = {"places.geojson": ("Point",), "facilities.geojson": ("Point",), "relationships.geojson": ("LineString",)}
    texts_by_id = {a.id: a.text for a in arts}
    for name, allowed in kinds.items():
        collection = json.loads(files[name])
        assert collection["type"] == "FeatureCollection"
        for feat in collection["features"]:
            assert feat["type"] == "Feature" and isinstance(feat["properties"], dict)
            check_geometry(feat["geometry"], allowed)
            for ev in feat["properties"].get("evidence", []):
                assert texts_by_id[ev["article"]][ev["start"]:ev["end"]] == ev["quote"]
    page = files["footprint.html"]
    m = re.search(r'<script type="application/json" id="geomap-data">(.*?)</script>', page, re.S)
    assert m and "<" not in m.group(1)
    data = json.loads(m.group(1))
    assert data["title"] == "<b>fuzz</b> \u202e&amp;"
    shown = json.dumps(data, ensure_ascii=False)
    for a in arts:
        assert json.dumps(a.title, ensure_ascii=False) in shown  # every title reaches the page as it was
