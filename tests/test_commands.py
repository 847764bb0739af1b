"""Every command through the installed ``geomap`` entry point: help with examples, filters,
project files, progress, summaries, quiet mode and exit statuses."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, DATA

GEOMAP = str(Path(sys.executable).parent / "geomap")
COMMANDS = ("build", "export", "render", "geoparse", "evaluate", "evaluate-records")


def geomap(*args, cwd=None):
    return subprocess.run([GEOMAP, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def listing(folder: Path) -> list[str]:
    """The files a command wrote (not hidden ones such as a build's lock file)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def features(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["features"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(command):
    res = geomap(command, "--help")
    assert res.returncode == 0, res.stderr
    assert "Examples:" in res.stdout and f"geomap {command}" in res.stdout.split("Examples:", 1)[1]


def test_version_and_usage_error():
    res = geomap("--version")
    assert res.returncode == 0 and "version" in res.stdout
    res = geomap("build", "--size", "poster")
    assert res.returncode == 2 and "poster" in res.stderr and "Traceback" not in res.stderr


def test_build_with_filters_formats_and_summary(tmp_path):
    out = tmp_path / "out"
    res = geomap("build", ROOT / "seeds", "--out", out, "--supplier", "kr", "-f", "html,geojson,kml",
                 "--embed", "--no-cache")
    assert res.returncode == 0, res.stderr
    assert listing(out) == ["facilities.geojson", "footprint.embed.html", "footprint.html",
                                                     "footprint.kml", "places.geojson", "relationships.geojson"]
    assert {f["properties"]["supplier"] for f in features(out / "relationships.geojson")} == {"KR"}
    assert {f["properties"]["supplier"] for f in features(out / "facilities.geojson")} == {"KR"}
    lines = res.stderr.strip().splitlines()
    assert lines[0].startswith("5 articles read:") and "facilities" in lines[0]
    assert lines[1].startswith("after filters (suppliers KR):")
    assert lines[2].startswith(f"wrote 6 files in {out}")
    quiet = geomap("-q", "build", ROOT / "seeds", "--out", tmp_path / "q", "--no-cache")
    assert quiet.returncode == 0 and quiet.stderr == ""
    whole = geomap("build", ROOT / "seeds", "--out", tmp_path / "all")
    drawn_or_not = {f["properties"]["speculative"] for f in features(tmp_path / "all" / "relationships.geojson")}
    assert drawn_or_not == {True, False}  # the seeds' "Upside Case" forecast is kept, flagged
    assert "of them speculative: kept in the data files, not drawn" in whole.stderr.splitlines()[0]
    assert geomap("build", ROOT / "seeds", "--out", tmp_path / "q2", "-q").stderr == ""


def test_bad_filters_say_what_to_do(tmp_path):
    for args, needle in ((["--kind", "repairs"], "unknown kind 'repairs'"), (["--since", "2025", "--until", "2008"], "swap"),
                         (["--supplier", "Russia"], "two-letter"), (["-f", "docx"], "unknown format 'docx'")):
        res = geomap("build", ROOT / "seeds", "--out", tmp_path / "x", *args)
        assert res.returncode == 1 and needle in res.stderr, (args, res.stderr)
        assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_render_applies_filters(seed_build, tmp_path):
    records_dir = seed_build[0]
    target = tmp_path / "ru.html"
    res = geomap("render", records_dir, "--out", target, "--supplier", "RU", "--kind", "maintenance")
    assert res.returncode == 0, res.stderr
    page = target.read_text(encoding="utf-8")
    assert "ru-pe-maintenance" in page and "kr-pe-industrial" not in page


def test_render_refuses_deeply_nested_records_in_one_line(seed_build, tmp_path):
    records_dir = tmp_path / "records"
    shutil.copytree(seed_build[0], records_dir)
    (records_dir / "facilities.geojson").write_text("[" * 100_000, encoding="utf-8")
    res = geomap("render", records_dir, "--out", tmp_path / "map.html")
    assert res.returncode == 1 and not (tmp_path / "map.html").exists()
    assert res.stderr.strip().splitlines() == [f"geomap: error: {records_dir / 'facilities.geojson'}: JSON nested too deeply"]


PROJECT = """
title = "Russia and South Korea in Peru"
inputs = ["{seeds}"]
out = "briefing"
outputs = ["html", "geojson", "png", "csv"]
bbox = [-82, -19, -68, 0]
size = "slide"
dpi = 50

[filters]
supplier = ["RU", "KR"]
recipient = "PE"
since = 2008
until = 2025
"""


def test_project_file_makes_the_briefing_one_command(tmp_path):
    (tmp_path / "geomap.toml").write_text(PROJECT.format(seeds=(ROOT / "seeds").as_posix()), encoding="utf-8")
    res = geomap("build", "--no-cache", cwd=tmp_path)  # ./geomap.toml is found
    assert res.returncode == 0, res.stderr
    out = tmp_path / "briefing"
    assert listing(out) == [
        "facilities.csv", "facilities.geojson", "footprint.html", "footprint.png", "places.csv", "places.geojson",
        "relationships.csv", "relationships.geojson"]
    rels = features(out / "relationships.geojson")
    assert rels and {f["properties"]["recipient"] for f in rels} == {"PE"}
    assert "Russia and South Korea in Peru" in (out / "footprint.html").read_text(encoding="utf-8")
    # Options on the command line win over the file.
    res = geomap("build", "--no-cache", "--supplier", "KR", "-f", "geojson", "--out", "kr", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert {f["properties"]["supplier"] for f in features(tmp_path / "kr" / "relationships.geojson")} == {"KR"}
    assert listing(tmp_path / "kr") == ["facilities.geojson", "places.geojson",
                                                                  "relationships.geojson"]
    # --project names a file elsewhere; --no-project ignores ./geomap.toml.
    other = tmp_path / "sub"
    other.mkdir()
    res = geomap("export", "--project", tmp_path / "geomap.toml", "-f", "png", "--out", "m.png", cwd=other)
    assert res.returncode == 0 and (other / "m.png").exists(), res.stderr
    res = geomap("build", "--no-project", "--no-cache", ROOT / "seeds", "--out", "plain", cwd=tmp_path)
    assert res.returncode == 0 and "after filters" not in res.stderr


@pytest.mark.parametrize("text, needle", [
    ("title = 3\n", "key 'title' must be a non-empty string"),
    ("[filters]\nsince = \"2008\"\n", "key 'filters.since' must be a whole number"),
    ("[filters]\nsuplier = [\"RU\"]\n", "unknown key 'filters.suplier': did you mean 'supplier'?"),
    ("bbox = [1, 2]\n", "key 'bbox' must be four numbers"),
    ("title = \"x\n", "not valid TOML"),
    ("region = \"Atlantis\"\n", "unknown region 'Atlantis'"),
])
def test_bad_project_file_one_line_error(tmp_path, text, needle):
    project = tmp_path / "geomap.toml"
    project.write_text(text, encoding="utf-8")
    res = geomap("export", "--out", tmp_path / "o", cwd=tmp_path)
    assert res.returncode == 1, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in res.stderr
    if "region" not in text:
        assert str(project) in lines[0]


def test_progress_bar_only_on_a_terminal(tmp_path):
    """On a terminal the article reading shows a progress bar on stderr; piped, it does not."""
    master, slave = pty.openpty()
    proc = subprocess.Popen([GEOMAP, "build", str(ROOT / "seeds"), "--out", str(tmp_path / "tty"), "--no-cache"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(master)
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "Reading articles" in shown and "0/5" in shown and "wrote 4 files" in shown
    piped = geomap("build", ROOT / "seeds", "--out", tmp_path / "pipe", "--no-cache")
    assert "Reading articles" not in piped.stderr


def test_geoparse_and_evaluate_commands(tmp_path):
    res = geomap("geoparse", ROOT / "seeds" / "003_83e2d9f11ad3ac56.txt")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout.splitlines()[0])
    assert any(t["name"] == "Lurigancho-Chosica" for t in doc["toponyms"])
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc_id": "d", "text": "Russia opened a hub in Lima, Peru.", "toponyms": [
        {"start": 0, "end": 6, "name": "Russia", "lat": 61.5, "lon": 105.3},
        {"start": 23, "end": 27, "name": "Lima", "lat": -12.04, "lon": -77.03},
        {"start": 29, "end": 33, "name": "Peru", "lat": -10.0, "lon": -76.0}]}) + "\n", encoding="utf-8")
    res = geomap("evaluate", gold)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["recall"] > 0.6


def test_evaluate_records_command():
    res = geomap("evaluate-records", DATA / "seeds-expected.json", ROOT / "seeds", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert isinstance(json.loads(res.stdout), dict)
