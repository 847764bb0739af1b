"""The footprint map in a real headless Chromium, offline: layers, years, search, popups, tiles.

One page load of the seed map is shared by the tests; a test that changes the page's state
reloads it first. Clicks are real mouse clicks on the canvas where a facility is drawn.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from browser import open_page, wait_until

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seed_page(seed_build):
    out, _records, _files = seed_build
    with open_page(out / "footprint.html") as (page, log):
        wait_until(page, "window.geomap.ready")
        yield page, log, out / "footprint.html"


def load(page, path):
    page.goto(path.resolve().as_uri())
    wait_until(page, "window.geomap !== undefined && window.geomap.ready")
    return page


def fresh(seed_page):
    page, _log, seed_map = seed_page
    return load(page, seed_map)


def click_facility(page, facility_id):
    point = page.evaluate("(id) => window.geomap.facilityPoint(id)", facility_id)
    page.mouse.click(point["x"], point["y"])


def set_year(page, which, year):
    """Type a year as a user would and leave the field (which commits it)."""
    field = f"input[name=gm-year-{which}]"
    page.fill(field, str(year))
    page.dispatch_event(field, "change")


def popup_text(page):
    """The open popup's text, once its quotes are unpacked (the one fading out comes first)."""
    wait_until(page, """() => { const c = [...document.querySelectorAll('.leaflet-popup-content')].pop();
        return c && !c.querySelector('.gm-unpacking'); }""", timeout=5000)
    return page.locator(".leaflet-popup-content").last.inner_text(timeout=3000)


def popup_quotes(page):
    popup_text(page)
    return page.locator(".leaflet-popup-content").last.locator("q").evaluate_all("qs => qs.map(q => q.textContent)")


def years(record, published):
    """The years the page files a record under: each report's year, else its article's."""
    ys = {e.year if e.year is not None else published.get(e.article) for e in record.evidence} | {record.year}
    return {y for y in ys if y is not None}


def test_seed_map_loads_offline_without_errors(seed_page, seed_build):
    page, log, _seed_map = seed_page
    _out, records, _files = seed_build
    assert log["errors"] == [] and log["failed"] == []
    assert all(u.startswith(("file:", "data:")) for u in log["requests"]), log["requests"]
    labels = " ".join(page.locator(".leaflet-control-layers-overlays label").all_inner_texts())
    for name in ("Russia", "South Korea", "United States"):
        assert name in labels, labels
    drawn = page.evaluate("() => window.geomap.shown()")
    expected = sorted(f.id for f in records.facilities if not f.speculative and f.lat is not None)
    assert sorted(drawn["facilities"]) == expected
    assert not any(i.endswith("-speculative") for i in drawn["links"])  # hidden unless asked for
    keys = set(page.locator(".gm-legend [data-key]").evaluate_all("els => els.map(e => e.dataset.key)"))
    assert {f"kind:{f.kind}" for f in records.facilities if f.id in expected} == {k for k in keys if k.startswith("kind:")}
    assert {"supplier:RU", "supplier:KR", "supplier:US"} <= keys
    page.locator(".gm-sources summary").click()  # listed after the first draw; all of them once opened
    assert page.locator(".gm-sources > div").count() == len(records.articles)
    page.locator(".gm-sources summary").click()


def test_toggling_a_supplier_hides_its_facilities_and_links(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    assert fame.supplier == "KR"
    before = page.evaluate("() => window.geomap.shown()")
    assert fame.id in before["facilities"] and any(i.startswith("kr-") for i in before["links"])
    page.locator(".leaflet-control-layers-overlays label", has_text="South Korea").locator("input").click()
    after = page.evaluate("() => window.geomap.shown()")
    assert not any(i.startswith("kr-") for i in after["facilities"] + after["links"]), after
    assert [i for i in before["links"] if not i.startswith("kr-")] == after["links"]
    assert page.locator(".gm-legend [data-key='supplier:KR']").count() == 0
    click_facility(page, fame.id)  # nothing is drawn there any more
    assert page.locator(".leaflet-popup-content").count() == 0
    page.locator(".leaflet-control-layers-overlays label", has_text="South Korea").locator("input").click()
    assert page.evaluate("() => window.geomap.shown()") == before


def test_facility_popup_quotes_the_article(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    click_facility(page, fame.id)
    popup = popup_text(page)
    assert fame.name in popup and "FAME" in popup
    for ev in fame.evidence:
        assert " ".join(ev.quote.split())[:60] in " ".join(popup.split())
    title = next(a.title for a in records.articles if a.id == fame.evidence[0].article)
    assert title in popup
    assert "not a pinpoint" in popup or fame.precision in ("site", "city")


def test_popups_unpack_the_packed_quotes_exactly(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    assert page.evaluate("() => window.geomap.quotesUnpacked()") is False  # nothing unpacked before a popup asks
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    click_facility(page, fame.id)
    assert popup_quotes(page) == [e.quote for e in fame.evidence]
    assert page.evaluate("() => window.geomap.quotesUnpacked()") is True
    # From then on a popup is built with its quotes at once: open one and read it in the same task.
    shown = [f for f in records.facilities if not f.speculative and f.lat is not None]
    other = next(f for f in shown if f.id != fame.id and len(f.evidence) > 1
                 and sum((g.lat, g.lon) == (f.lat, f.lon) for g in shown) == 1)
    page.evaluate("(id) => { const f = window.geomap.data.facilities.find(x => x.id === id);"
                  " window.geomap.map.setView([f.lat, f.lon], 12, {animate: false}); }", other.id)
    wait_until(page, "(id) => window.geomap.drawn().facilities.includes(id)", arg=other.id)
    got = page.evaluate("""(id) => { const g = window.geomap, p = g.facilityPoint(id);
        g.map.fire('click', {latlng: g.map.containerPointToLatLng(p), layerPoint: g.map.containerPointToLayerPoint(p),
                             containerPoint: p});
        return [...document.querySelectorAll('.leaflet-popup-content')].pop().querySelectorAll('q').length; }""", other.id)
    assert got == len(other.evidence)
    assert popup_quotes(page) == [e.quote for e in other.evidence]


def test_without_decompression_stream_popups_say_why_the_quotes_are_missing(seed_page, seed_build):
    page, _log, seed_map = seed_page
    _out, records, _files = seed_build
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    old = page.context.new_page()  # same context: the network stays blocked
    try:
        errors = []
        old.on("pageerror", lambda exc: errors.append(str(exc)))
        old.add_init_script("delete window.DecompressionStream")  # as in a browser from before 2023
        load(old, seed_map)
        assert fame.id in old.evaluate("() => window.geomap.shown().facilities")
        click_facility(old, fame.id)
        text = popup_text(old)
        assert fame.name in text and "cannot unpack the quotes" in text
        assert old.locator(".leaflet-popup-content q").count() == 0 and errors == []
    finally:
        old.close()


def test_year_filter_hides_records_outside_the_range(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    published = {a.id: int(a.published[:4]) for a in records.articles if a.published}
    shown = [r for r in records.facilities + records.relationships
             if not r.speculative and getattr(r, "lat", 0) is not None]
    dated = [r for r in shown if years(r, published)]
    first, last = min(min(years(r, published)) for r in dated), max(max(years(r, published)) for r in dated)
    assert first < last
    set_year(page, "from", last)
    set_year(page, "to", last)
    page.uncheck("input[name=gm-undated]")
    got = page.evaluate("() => window.geomap.shown()")
    inside = {r.id for r in dated if last in range(min(years(r, published)), max(years(r, published)) + 1)}
    assert set(got["facilities"] + got["links"]) == inside
    assert len(inside) < len(shown)
    recipients = {r.recipient for r in records.relationships if r.id in inside and r.kind != "sanctions"}
    assert set(got["recipients"]) == recipients  # shading follows the filter
    set_year(page, "to", first)
    set_year(page, "from", first)
    early = page.evaluate("() => window.geomap.shown()")
    assert set(early["facilities"] + early["links"]) == {r.id for r in dated if min(years(r, published)) <= first}
    page.click("text=All years")
    assert len(page.evaluate("() => window.geomap.shown()")["links"]) == sum(
        1 for r in records.relationships if not r.speculative)


def test_shaded_recipient_country_tooltip_lists_its_suppliers(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    suppliers = {r.supplier for r in records.relationships if r.recipient == "PE" and not r.speculative and r.kind != "sanctions"}
    names = page.evaluate("(ccs) => ccs.map(cc => window.geomap.data.countries[cc])", sorted(suppliers))
    assert "PE" in page.evaluate("() => window.geomap.shown().recipients") and names

    def hover_peru():  # the Andes east of Lima: inside Peru, away from the drawn records
        page.evaluate("() => { window.geomap.map.setView([-14, -72], 6, {animate: false}); }")
        point = page.evaluate("() => window.geomap.map.latLngToContainerPoint([-14, -72])")
        page.mouse.move(point["x"], point["y"])
        page.mouse.move(point["x"] + 1, point["y"] + 1)
        page.wait_for_timeout(200)
        return page.locator(".leaflet-tooltip").all_inner_texts()

    tips = hover_peru()
    assert len(tips) == 1 and tips[0].startswith("Peru") and all(n in tips[0] for n in names), tips
    page.locator(".leaflet-control-layers-overlays label", has_text="Recipient countries").locator("input").click()
    assert hover_peru() == []  # the shading is hidden with its layer, and so is its tooltip
    page.locator(".leaflet-control-layers-overlays label", has_text="Recipient countries").locator("input").click()
    assert len(hover_peru()) == 1


def test_search_finds_fame_and_opens_it(seed_page, seed_build):
    page = fresh(seed_page)
    _out, records, _files = seed_build
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    page.fill(".gm-search input", "fame")
    first = page.locator(".gm-results li").first
    assert "FAME" in first.inner_text() and "organisation" in first.inner_text()
    page.press(".gm-search input", "Enter")
    assert "FAME" in popup_text(page)
    center = page.evaluate("() => { const c = window.geomap.map.getCenter(); return [c.lat, c.lng, window.geomap.map.getZoom()]; }")
    assert abs(center[0] - fame.lat) < 0.5 and abs(center[1] - fame.lon) < 0.5 and center[2] >= 7
    page.fill(".gm-search input", "Lurigancho")
    assert page.locator(".gm-results li", has_text="place").count() >= 1
    page.press(".gm-search input", "ArrowDown")  # keyboard: to the first result, then open it
    page.keyboard.press("Enter")
    assert "Lurigancho" in popup_text(page)


def test_fullscreen_toggles(seed_page):
    page = fresh(seed_page)
    page.click(".gm-fullscreen a")
    wait_until(page, "window.geomap.isFullscreen()")
    page.click(".gm-fullscreen a")
    wait_until(page, "!window.geomap.isFullscreen()")


def test_markup_in_article_text_shows_as_text(seed_page, tmp_path):
    hostile = ("Russia to open <img src=x onerror=alert(1)> helicopter repair center in Peru</script><script>"
               "window.pwned=1</script>\n\nRussia’s Rosoboronexport will open a <b>repair and maintenance "
               "center</b> in Peru</script><script>window.pwned=1</script>, officials said.\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "out"
    res = subprocess.run([sys.executable, "-m", "geomap", "-q", "build", str(tmp_path / "in"), "--out", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    page, log, _seed_map = seed_page
    errors = len(log["errors"])
    load(page, out / "footprint.html")
    assert page.evaluate("() => window.pwned === undefined")
    fid = page.evaluate("() => window.geomap.shown().facilities[0]")
    click_facility(page, fid)
    popup = popup_text(page)
    assert "<b>repair and maintenance center</b>" in popup
    assert any("a <b>repair and maintenance center</b> in Peru</script><script>window.pwned=1</script>" in q
               for q in popup_quotes(page))  # unpacked from the packed block, still text
    assert page.locator(".leaflet-popup-content b", has_text="repair and maintenance center").count() == 0
    assert page.locator(".leaflet-popup-content img").count() == 0
    page.fill(".gm-search input", "Rosoboronexport")
    assert page.locator(".gm-results li").count() >= 1
    assert log["errors"][errors:] == []


def test_tiles_load_only_from_the_host_asked_for(seed_page, seed_build, tmp_path):
    out, _records, _files = seed_build
    url = "http://tiles.geomap.test:8080/osm/{z}/{x}/{y}.png"
    page_file = tmp_path / "tiles.html"
    res = subprocess.run([sys.executable, "-m", "geomap", "-q", "render", str(out), "--out", str(page_file),
                          "--tiles", url], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    page, log, _seed_map = seed_page
    failed, requests = len(log["failed"]), len(log["requests"])
    load(page, page_file)
    wait_until(page, "document.querySelectorAll('.leaflet-tile').length > 0")
    csp = page.locator("meta[http-equiv=Content-Security-Policy]").get_attribute("content")
    assert "img-src data: http://tiles.geomap.test:8080;" in csp and "connect-src 'none'" in csp
    page.wait_for_timeout(300)
    assert log["failed"][failed:], "the tile layer requested no tile"
    assert all(u.startswith("http://tiles.geomap.test:8080/osm/") for u in log["failed"][failed:]), log["failed"]
    assert all(u.startswith(("file:", "data:", "http://tiles.geomap.test:8080/")) for u in log["requests"][requests:])
