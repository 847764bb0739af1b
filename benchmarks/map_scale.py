"""The footprint map at scale: 10,000 facilities and 20,000 relationships in headless Chromium.

    python benchmarks/map_scale.py [--facilities 10000] [--relationships 20000] [--runs 3] [--no-baseline]

Generates deterministic records (real cities and countries from the gazetteer, real defense
firms, equipment and exporters from geomap's dictionaries, article-like quotes), builds the map,
and reports its size, the build time and the time until it is ready in Debian's headless
Chromium with the network blocked. In the same run it loads the baseline: one folium.Marker per
facility point (Leaflet inlined the same way), the usual way of putting points on a Folium map.
Pages are written to benchmarks/out/scale/ (not committed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import CHROMIUM_ARGS, chromium_path  # noqa: E402

from geomap.geocode.gazetteer import get_gazetteer  # noqa: E402
from geomap.model import FACILITY_KINDS, RELATIONSHIP_KINDS, STATUSES, Article, Evidence, Facility, Relationship  # noqa: E402
from geomap.records import Place, Records, slug  # noqa: E402
from geomap.resources import read_tsv  # noqa: E402

FACILITY_NOUNS = {"mro_center": "helicopter maintenance centre", "factory": "assembly plant", "shipyard": "shipyard",
                  "naval_base": "naval base", "air_base": "air base", "military_base": "logistics base",
                  "training_center": "training centre", "space_or_tracking_station": "satellite tracking station",
                  "port": "port terminal", "airstrip": "airstrip", "office": "regional office", "other": "depot"}
VERBS = {"operational": "operates", "completed": "completed", "reactivated": "reopened", "under_construction": "is building",
         "signed": "signed a contract for", "announced": "announced", "negotiating": "is negotiating",
         "offered": "offered to build", "stalled": "stalled work on", "suspended": "suspended work on",
         "cancelled": "cancelled", "unknown": "is linked to"}


def generate(n_facilities: int, n_relationships: int, seed: int = 20261122) -> Records:
    """Deterministic, realistic records: the same arguments give the same records."""
    rng = random.Random(seed)
    gaz = get_gazetteer()
    cols = gaz.data.columns
    cities: dict[str, list[int]] = defaultdict(list)
    for i, (kind, country, population) in enumerate(zip(cols[5], cols[4], cols[6])):
        if kind == "city" and country and population >= 50_000:
            cities[country].append(i)
    exporters = [(row[0], float(row[1])) for row in read_tsv("exporters.tsv", 2) if gaz.country(row[0])]
    suppliers, weights = [c for c, _ in exporters], [w for _, w in exporters]
    firms: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv("actors.tsv", 3):
        if row[2] == "defense_firm":
            firms[row[1]].append(row[0])
    equipment: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv("equipment.tsv", 4):
        if row[3] and row[3] not in equipment[row[1]]:
            equipment[row[1]].append(row[3])
    hosts = sorted(c for c in cities if gaz.country(c) is not None)
    articles = []
    for n in range(n_facilities // 2):
        year = rng.randint(1998, 2025)
        articles.append(Article(f"feed/{year}/{n:05d}.txt", "", "", url=f"https://news.example.org/{year}/{n:05d}",
                                published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))

    def report(supplier: str, host: str, status: str, what: str, where: str) -> Evidence:
        article = rng.choice(articles)
        firm = rng.choice(firms.get(supplier) or [gaz.country(supplier).name])
        year = rng.choice([None, int(article.published[:4])])
        quote = (f"{firm} {VERBS[status]} {what} in {where}, {gaz.country(host).name}, "
                 f"{'in ' + str(year) + ' ' if year else ''}according to officials of both governments.")
        start = rng.randint(100, 4000)
        return Evidence(article.id, quote, start, start + len(quote), status, year, False)

    places: dict[str, Place] = {}
    facilities = []
    for n in range(n_facilities):
        supplier = rng.choices(suppliers, weights)[0]
        host = rng.choice([h for h in rng.sample(hosts, 3) if h != supplier] or ["PE"])
        kind = rng.choice(FACILITY_KINDS)
        status = rng.choice(STATUSES)
        precision = rng.choices(["city", "admin", "country"], [8, 1, 1])[0]
        city = gaz.entry(rng.choice(cities[host]))
        lat, lon, where = city.lat, city.lon, city.name
        if precision == "country":
            c = gaz.country(host)
            lat, lon, where = c.lat, c.lon, c.name
        pid = city.id.replace(":", "-")
        places.setdefault(pid, Place(pid, city.name, "city", host, "city", city.id, round(city.lat, 5), round(city.lon, 5)))
        evidence = sorted((report(supplier, host, rng.choice([status, status, "announced", "signed"]),
                                  f"a {FACILITY_NOUNS[kind]}", where) for _ in range(rng.choice([1, 1, 2, 3]))),
                          key=lambda e: (e.article, e.start))
        for e in evidence:
            places[pid].mentions.append({"article": e.article, "start": e.start, "end": e.start + len(city.name), "text": city.name})
        facilities.append(Facility(
            id=f"{slug(supplier + '-' + host + '-' + kind + '-' + where)}-{n}", name=f"{where} {FACILITY_NOUNS[kind]}",
            kind=kind, relationship_kind=rng.choice(RELATIONSHIP_KINDS[:6]), supplier=supplier, host=host,
            operators=sorted(rng.sample(firms.get(supplier) or [], min(2, len(firms.get(supplier) or [])))),
            equipment=sorted(rng.sample(equipment.get(supplier) or [], min(rng.randint(0, 2), len(equipment.get(supplier) or [])))),
            status=status, year=max((e.year for e in evidence if e.year), default=None), precision=precision,
            place_id=pid if precision != "country" else None, lat=lat, lon=lon, evidence=evidence))
    by_key = {(f.supplier, f.host, f.relationship_kind): f for f in facilities}
    combos = sorted({(s, r, k) for s in suppliers for r in hosts if r != s for k in RELATIONSHIP_KINDS})
    relationships = []
    for supplier, recipient, kind in sorted(rng.sample(combos, n_relationships)):
        status = rng.choice(STATUSES)
        speculative = rng.random() < 0.05
        facility = by_key.get((supplier, recipient, kind))
        # A relationship with a facility is reported by the facility's sentences, and maybe others.
        evidence = (facility.evidence if facility else []) + [
            report(supplier, recipient, status, f"a {kind.replace('_', ' ')} agreement", gaz.country(recipient).name)
            for _ in range(rng.choice([0, 1, 1, 2, 3]) if facility else rng.choice([1, 1, 1, 2, 3, 5]))]
        relationships.append(Relationship(
            id=slug(f"{supplier}-{recipient}-{kind}") + ("-speculative" if speculative else ""), supplier=supplier,
            recipient=recipient, kind=kind, status=status, year=max((e.year for e in evidence if e.year), default=None),
            equipment=sorted(rng.sample(equipment.get(supplier) or [], min(1, len(equipment.get(supplier) or [])))),
            organizations=sorted(rng.sample(firms.get(supplier) or [], min(1, len(firms.get(supplier) or [])))),
            facility_id=facility.id if facility else None, speculative=speculative,
            evidence=sorted(evidence, key=lambda e: (e.article, e.start))))
    titled = [Article(a.id, f"Defense cooperation report {a.id[5:-4]}", "", url=a.url, published=a.published) for a in articles]
    return Records(titled, sorted(places.values(), key=lambda p: p.id), sorted(facilities, key=lambda f: f.id), relationships)


def folium_baseline(records: Records) -> str:
    """One folium.Marker per facility point, with Leaflet inlined like geomap's map."""
    import folium

    from geomap.render.assets import INLINE_PREFIX, inline_assets

    m = folium.Map(location=[0, 0], zoom_start=2, tiles=None)
    m.default_js = [("leaflet", f"{INLINE_PREFIX}leaflet.js")]
    m.default_css = [("leaflet_css", f"{INLINE_PREFIX}leaflet.css")]
    for f in records.facilities:
        folium.Marker([f.lat, f.lon]).add_to(m)
    return inline_assets(m.get_root().render())


def time_in_chromium(path: Path, ready: str, runs: int) -> list[float]:
    """Milliseconds from navigation start until the condition holds and a frame was painted."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 800})
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                              else route.abort())
                page = context.new_page()
                page.goto(path.resolve().as_uri(), wait_until="commit", timeout=180_000)
                page.wait_for_function(f"() => {ready}", timeout=180_000, polling="raf")
                out.append(page.evaluate("() => new Promise(r => requestAnimationFrame(() => "
                                         "requestAnimationFrame(() => r(performance.now()))))"))
                context.close()
        finally:
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--facilities", type=int, default=10_000)
    ap.add_argument("--relationships", type=int, default=20_000)
    ap.add_argument("--runs", type=int, default=3, help="page loads to time (median reported)")
    ap.add_argument("--no-baseline", action="store_true", help="skip the folium.Marker baseline")
    args = ap.parse_args()
    from geomap.render import build_map, render_html

    out = ROOT / "benchmarks" / "out" / "scale"
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    records = generate(args.facilities, args.relationships)
    t1 = time.perf_counter()
    page = render_html(build_map(records))
    t2 = time.perf_counter()
    target = out / "footprint.html"
    target.write_text(page, encoding="utf-8")
    size = target.stat().st_size
    print(f"records: {len(records.facilities)} facilities, {len(records.relationships)} relationships, "
          f"{len(records.places)} places, {len(records.articles)} articles (generated in {t1 - t0:.1f} s)")
    print(f"geomap map: {size / 1e6:.2f} MB, built in {t2 - t1:.1f} s")
    ready = time_in_chromium(target, "window.geomap !== undefined && window.geomap.ready", args.runs)
    print(f"geomap map ready in headless Chromium: median {statistics.median(ready) / 1000:.2f} s "
          f"(runs: {', '.join(f'{r / 1000:.2f}' for r in ready)})")
    if not args.no_baseline:
        baseline = out / "folium-markers.html"
        baseline.write_text(folium_baseline(records), encoding="utf-8")
        loaded = time_in_chromium(baseline, "document.readyState === 'complete'", 1)
        print(f"baseline, one folium.Marker per point ({len(records.facilities)}): {baseline.stat().st_size / 1e6:.2f} MB, "
              f"ready in {loaded[0] / 1000:.2f} s")


if __name__ == "__main__":
    main()
