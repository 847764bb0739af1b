"""Analyst corrections (--records) and record scoring (evaluate-records) through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import DATA, ROOT

SEEDS = str(ROOT / "seeds")


def run(*args):
    return subprocess.run([sys.executable, "-m", "geomap", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def seed_ids(tmp_path_factory):
    """The relationship and facility ids of an uncurated seed build."""
    out = tmp_path_factory.mktemp("plain")
    assert run("-q", "build", SEEDS, "--out", str(out)).returncode == 0
    rels = json.loads((out / "relationships.geojson").read_text(encoding="utf-8"))["features"]
    facs = json.loads((out / "facilities.geojson").read_text(encoding="utf-8"))["features"]
    return {f["id"]: f["properties"] for f in rels}, {f["id"]: f["properties"] for f in facs}


def test_yaml_corrects_suppresses_and_adds(tmp_path, seed_ids):
    rels, facs = seed_ids
    assert "ru-pe-maintenance" in rels and "us-co-sanctions" in rels and "kr-pe-factory-chosica" in facs
    curation = tmp_path / "fix.yaml"
    curation.write_text(
        "records:\n"
        "  - id: ru-pe-maintenance\n    status: operational\n    year: 2025\n    note: embassy confirmed\n"
        "  - id: us-co-sanctions\n    action: suppress\n"
        "  - id: kr-pe-factory-chosica\n    action: suppress\n"
        "  - action: add\n    type: relationship\n    supplier: RU\n    recipient: NI\n    kind: training\n"
        "    status: operational\n    year: 2024\n    article: 004_945ee3fa61ed54de.txt\n"
        "    quote: Venezuelan coast\n", encoding="utf-8")
    out = tmp_path / "out"
    res = run("-q", "build", SEEDS, "--out", str(out), "--records", str(curation))
    assert res.returncode == 0, res.stderr
    got = {f["id"]: f["properties"] for f in json.loads((out / "relationships.geojson").read_text("utf-8"))["features"]}
    fac = {f["id"] for f in json.loads((out / "facilities.geojson").read_text("utf-8"))["features"]}
    assert got["ru-pe-maintenance"]["status"] == "operational" and got["ru-pe-maintenance"]["year"] == 2025
    assert got["ru-pe-maintenance"]["curated"] is True
    assert got["ru-pe-maintenance"]["evidence"] == rels["ru-pe-maintenance"]["evidence"]
    assert "us-co-sanctions" not in got and "kr-pe-factory-chosica" not in fac
    assert all(p["facility_id"] != "kr-pe-factory-chosica" for p in got.values())
    added = got["ru-ni-training-curated"]
    assert added["curated"] is True and (added["supplier"], added["recipient"]) == ("RU", "NI")
    text = (ROOT / "seeds" / "004_945ee3fa61ed54de.txt").read_text(encoding="utf-8")
    ev = added["evidence"][0]
    assert ev["quote"] == "Venezuelan coast" and ev["quote"] in text
    assert sum(p["curated"] for p in got.values()) == 2
    html = (out / "footprint.html").read_text(encoding="utf-8")
    assert "ru-ni-training-curated" in html


def test_csv_curation_and_list_fields(tmp_path, seed_ids):
    curation = tmp_path / "fix.csv"
    curation.write_text("action,id,type,status,year,equipment\n"
                        "correct,kr-pe-industrial,relationship,signed,2025,K808|K2 Black Panther\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("-q", "build", SEEDS, "--out", str(out), "--records", str(curation)).returncode == 0
    got = {f["id"]: f["properties"] for f in json.loads((out / "relationships.geojson").read_text("utf-8"))["features"]}
    assert got["kr-pe-industrial"]["equipment"] == ["K808", "K2 Black Panther"]
    assert got["kr-pe-industrial"]["curated"] is True


@pytest.mark.parametrize("name, content, problem", [
    ("unknown.yaml", "- id: no-such-record\n  status: signed\n", ":1: unknown record id 'no-such-record'"),
    ("status.yaml", "- id: ru-pe-maintenance\n  status: finished\n", ":1: bad value 'finished' for status"),
    ("field.csv", "id,colour\nru-pe-maintenance,red\n", ":2: unknown field 'colour'"),
    ("year.csv", "id,year\nru-pe-maintenance,soon\n", ":2: bad value 'soon' for year"),
    ("add.yaml", "- id: ru-pe-maintenance\n  year: 2020\n- action: add\n  type: relationship\n  supplier: RU\n",
     ":3: an added relationship needs recipient, kind"),
    ("quote.yaml", "- action: add\n  type: relationship\n  supplier: RU\n  recipient: NI\n  kind: training\n"
                   "  article: 004_945ee3fa61ed54de.txt\n  quote: not in the article\n", ":1: quote not found"),
    ("broken.yaml", "- id: ru-pe-maintenance\n  year: [1\n", ": not valid YAML"),
])
def test_curation_errors_name_file_line_and_problem(tmp_path, name, content, problem):
    curation = tmp_path / name
    curation.write_text(content, encoding="utf-8")
    out = tmp_path / "out"
    res = run("build", SEEDS, "--out", str(out), "--records", str(curation))
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and str(curation) in lines[0] and problem in lines[0], res.stderr
    assert "Traceback" not in res.stderr and not out.exists()


def test_render_applies_curation_to_record_files(tmp_path):
    out = tmp_path / "out"
    assert run("-q", "build", SEEDS, "--out", str(out)).returncode == 0
    curation = tmp_path / "fix.yaml"
    curation.write_text("- id: ru-ve-presence\n  action: suppress\n- id: ru-pe-agreement\n  status: suspended\n",
                        encoding="utf-8")
    page = tmp_path / "map.html"
    res = run("-q", "render", str(out), "--out", str(page), "--records", str(curation))
    assert res.returncode == 0, res.stderr
    html = page.read_text(encoding="utf-8")
    assert "ru-ve-presence" not in html and "ru-pe-agreement" in html


def test_export_applies_curation(tmp_path):
    curation = tmp_path / "fix.csv"
    curation.write_text("action,id\nsuppress,us-co-sanctions\ncorrect,ru-pe-agreement\n", encoding="utf-8")
    out = tmp_path / "csv"
    res = run("-q", "export", SEEDS, "-f", "csv", "--out", str(out), "--records", str(curation))
    assert res.returncode == 0, res.stderr
    rows = (out / "relationships.csv").read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    by_id = {r.split(",")[0]: r.split(",") for r in rows[1:]}
    assert "us-co-sanctions" not in by_id
    assert by_id["ru-pe-agreement"][header.index("curated")] == "true"


def test_evaluate_records_on_the_seeds():
    res = run("evaluate-records", str(DATA / "seeds-expected.json"), SEEDS, "--format", "json")
    assert res.returncode == 0, res.stderr
    result = json.loads(res.stdout)
    rel = result["relationships"]
    assert rel["recall"] == 1.0 and rel["status_accuracy"] >= 0.9
    assert result["must_not_violated"] == 0 and result["facilities"]["recall"] == 1.0
    table = run("evaluate-records", str(DATA / "seeds-expected.json"), SEEDS)
    assert table.returncode == 0 and "precision" in table.stdout and "false positives:" in table.stdout


def test_evaluate_records_counts_what_curation_changes(tmp_path):
    """Suppressing a correct record turns it into a miss; scoring a build folder works the same."""
    out = tmp_path / "out"
    assert run("-q", "build", SEEDS, "--out", str(out)).returncode == 0
    curation = tmp_path / "fix.yaml"
    curation.write_text("- id: us-co-sanctions\n  action: suppress\n", encoding="utf-8")
    plain = json.loads(run("evaluate-records", str(DATA / "seeds-expected.json"), "--records-dir", str(out),
                           "--format", "json").stdout)
    cut = json.loads(run("evaluate-records", str(DATA / "seeds-expected.json"), "--records-dir", str(out),
                         "--records", str(curation), "--format", "json").stdout)
    assert cut["relationships"]["fn"] == plain["relationships"]["fn"] + 1
    assert any(m["supplier"] == "US" and m["recipient"] == "CO" for m in cut["misses"])


def test_evaluate_records_usage_and_bad_gold(tmp_path):
    assert run("evaluate-records", str(DATA / "seeds-expected.json")).returncode == 2
    bad = tmp_path / "gold.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    res = run("evaluate-records", str(bad), SEEDS)
    assert res.returncode == 1 and str(bad) in res.stderr and "Traceback" not in res.stderr


def test_analysts_words_for_statuses_and_kinds(tmp_path, seed_ids):
    """Curation and annotation files may say "delivered", "talks", "basing" or "cooperation"
    (the words of many analysts' codebooks): geomap reads them as its own; unknown words fail."""
    curation = tmp_path / "fix.yaml"
    curation.write_text("- id: ru-pe-maintenance\n  status: Delivered\n"
                        "- action: add\n  type: relationship\n  supplier: RU\n  recipient: NI\n  kind: basing\n"
                        "  status: talks\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("-q", "build", SEEDS, "--out", str(out), "--records", str(curation)).returncode == 0
    got = {f["id"]: f["properties"] for f in json.loads((out / "relationships.geojson").read_text("utf-8"))["features"]}
    assert got["ru-pe-maintenance"]["status"] == "completed"
    added = got["ru-ni-presence-curated"]
    assert (added["kind"], added["status"]) == ("presence", "negotiating")

    words = {"completed": "delivered", "negotiating": "talks", "offered": "offer", "cancelled": "annulled",
             "presence": "basing", "agreement": "cooperation"}
    gold = json.loads((DATA / "seeds-expected.json").read_text(encoding="utf-8"))
    for item in gold["relationships"]:
        item["kind"] = words.get(item["kind"], item["kind"])
        if item.get("status"):
            item["status"] = words.get(item["status"], item["status"])
    assert {"basing", "cooperation", "talks", "offer"} <= {r[k] for r in gold["relationships"] for k in ("kind", "status") if k in r}
    theirs = tmp_path / "their-words.json"
    theirs.write_text(json.dumps(gold), encoding="utf-8")
    scored = [json.loads(run("evaluate-records", str(path), "--records-dir", str(out), "--format", "json").stdout)
              for path in (DATA / "seeds-expected.json", theirs)]
    assert scored[0]["relationships"] == scored[1]["relationships"]

    gold["relationships"][0]["status"] = "finished"
    theirs.write_text(json.dumps(gold), encoding="utf-8")
    res = run("evaluate-records", str(theirs), "--records-dir", str(out))
    lines = res.stderr.strip().splitlines()
    assert res.returncode == 1 and len(lines) == 1 and str(theirs) in lines[0] and "unknown status 'finished'" in lines[0]

    from geomap.filters import parse_kinds
    assert parse_kinds("Basing, cooperation,mro-center") == ("presence", "agreement", "mro_center")
