"""Reading articles: formats, ids, dates, languages and bad input."""

from __future__ import annotations

import json

import pytest

from geomap.exc import InputError
from geomap.ingest import find_date, read_articles


def test_seed_folder_ids_titles_and_dateline(tmp_path):
    from conftest import ROOT

    arts = read_articles([ROOT / "seeds"])
    assert [a.id for a in arts] == sorted(a.id for a in arts)
    seed2 = next(a for a in arts if a.id.startswith("002"))
    assert seed2.title == "Russia Returns to Latin America" and seed2.published == "2025-04-25"


def test_html_json_and_jsonl(tmp_path):
    (tmp_path / "page.html").write_text(
        "<html><head><title>Turkey to build drones in Indonesia</title><script>var x=1</script></head>"
        "<body><nav>Home | World</nav><article><p>JAKARTA, March 3, 2024 — Baykar will build a plant.</p>"
        "<p>Second paragraph.</p></article><footer>© News</footer></body></html>", encoding="utf-8")
    (tmp_path / "one.json").write_text(json.dumps({"id": "x1", "title": "T", "text": "Peru signed.", "published": "2024-05-01"}))
    (tmp_path / "many.jsonl").write_text('{"id": "a", "text": "Rusia firmó un acuerdo con el Perú."}\n\n{"id": "b", "text": "Hello from Lima."}\n')
    arts = {a.id: a for a in read_articles([tmp_path])}
    page = arts["page.html"]
    assert page.title == "Turkey to build drones in Indonesia"
    assert "Baykar will build a plant." in page.text and "Home" not in page.text and "var x" not in page.text
    assert page.published == "2024-03-03"
    assert arts["x1"].published == "2024-05-01"
    assert arts["a"].language == "es" and arts["b"].language == "en"


@pytest.mark.parametrize("content, message", [
    (b"", "empty file"),
    (b"\x00\x01binary", "binary file"),
    (b"\xff\xfe\xfa invalid", "not"),
])
def test_bad_files_name_the_path(tmp_path, content, message):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        read_articles([bad])
    assert str(bad) in str(err.value)


def test_missing_path_empty_folder_and_bad_jsonl_line(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_articles([tmp_path / "nope"])
    with pytest.raises(InputError, match="holds no articles"):
        read_articles([tmp_path])
    (tmp_path / "feed.jsonl").write_text('{"id": "a", "text": "ok"}\n{broken\n')
    with pytest.raises(InputError, match=r"feed.jsonl:2: malformed JSON"):
        read_articles([tmp_path / "feed.jsonl"])


def test_utf16_and_crlf(tmp_path):
    f = tmp_path / "w.txt"
    f.write_bytes("Title\r\nRussia and Peru\r\n".encode("utf-16"))
    (a,) = read_articles([f])
    assert a.title == "Title" and "\r" not in a.text


def test_find_date_forms():
    assert find_date("LIMA, 25 de abril de 2025 — text") == "2025-04-25"
    assert find_date("Body text\n2024-11-02") == "2024-11-02"
    assert find_date("No date here.") is None
