"""The command line through its real entry point: outputs, determinism, errors, escaping."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "geomap", *args], capture_output=True, text=True, cwd=cwd)


def test_build_is_byte_identical(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert run("build", str(ROOT / "seeds"), "--out", str(a)).returncode == 0
    assert run("-q", "build", str(ROOT / "seeds"), "--out", str(b)).returncode == 0
    for name in ("footprint.html", "places.geojson", "facilities.geojson", "relationships.geojson"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "footprint.html").stat().st_size < 1_500_000


def test_bad_input_one_line_error_and_outputs_left_intact(tmp_path):
    out = tmp_path / "out"
    assert run("build", str(ROOT / "seeds"), "--out", str(out)).returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (tmp_path / "empty").mkdir()
    for bad in (tmp_path / "missing", tmp_path / "empty"):
        res = run("build", str(bad), "--out", str(out))
        assert res.returncode == 1
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and str(bad) in lines[0] and "Traceback" not in res.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_geoparse_jsonl(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc_id": "d1", "text": "Russia opened a hub in Lima, Peru."}) + "\n")
    res = run("geoparse", "--jsonl", str(src))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    names = {(t["name"], t["country"]) for t in doc["toponyms"]}
    assert doc["doc_id"] == "d1" and {("Russia", "RU"), ("Lima", "PE"), ("Peru", "PE")} <= names


@pytest.mark.browser
def test_markup_in_articles_shows_as_text(tmp_path):
    from browser import open_page

    hostile = ("Russia to open <img src=x onerror=alert(1)> helicopter repair center in Peru</script><script>"
               "window.pwned=1</script>\n\nRussia’s Rosoboronexport will open a <b>repair and maintenance "
               "center</b> in Peru</script><script>window.pwned=1</script>, officials said.\n")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "x.txt").write_text(hostile, encoding="utf-8")
    out = tmp_path / "out"
    assert run("build", str(tmp_path / "in"), "--out", str(out)).returncode == 0
    with open_page(out / "footprint.html") as (page, log):
        assert page.evaluate("() => window.pwned === undefined")
        page.evaluate("""() => { let t = null; window.geomap.map.eachLayer(l => {
            if (!t && l.getPopup && l.getPopup() && l.getLatLng) t = l; }); t.openPopup(); }""")
        popup = page.locator(".leaflet-popup-content").inner_text()
        assert "<b>repair and maintenance center</b>" in popup
        assert page.locator(".leaflet-popup-content b", has_text="repair and maintenance center").count() == 0
        assert log["errors"] == []
