"""The seed map in a real headless Chromium: offline, layered, popups with evidence, escaped text."""

from __future__ import annotations

import pytest

from browser import open_page

pytestmark = pytest.mark.browser


def test_seed_map_loads_offline_without_errors(seed_build):
    out, _records, _files = seed_build
    with open_page(out / "footprint.html") as (page, log):
        assert log["errors"] == []
        assert log["failed"] == []
        assert all(u.startswith(("file:", "data:")) for u in log["requests"]), log["requests"]
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        text = " ".join(labels)
        for name in ("Russia", "South Korea", "United States"):
            assert name in text, labels


def test_facility_popup_quotes_the_article(seed_build):
    out, records, _files = seed_build
    fame = next(f for f in records.facilities if "FAME" in f.operators)
    with open_page(out / "footprint.html") as (page, _log):
        page.evaluate("""(id) => {
            const f = window.geomap.data.facilities.find(x => x.id === id);
            const map = window.geomap.map;
            let target = null;
            map.eachLayer(l => { if (l.getLatLng && l.getPopup && l.getPopup() && !target) {
                const p = l.getLatLng(); if (Math.abs(p.lat - f.lat) < 1e-6 && Math.abs(p.lng - f.lon) < 1e-6) target = l; } });
            target.openPopup();
        }""", fame.id)
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "FAME" in popup
        assert fame.evidence[0].quote[:40] in popup


def test_toggling_a_supplier_hides_its_layer(seed_build):
    out, _records, _files = seed_build
    with open_page(out / "footprint.html") as (page, _log):
        before = page.evaluate("() => { let n = 0; window.geomap.map.eachLayer(() => n++); return n; }")
        page.locator(".leaflet-control-layers-overlays label", has_text="South Korea").locator("input").click()
        after = page.evaluate("() => { let n = 0; window.geomap.map.eachLayer(() => n++); return n; }")
        assert after < before
