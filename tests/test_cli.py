"""The command line through its real entry point: outputs, determinism, errors, escaping."""

from __future__ import annotations

import json
import subprocess
import sys

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
