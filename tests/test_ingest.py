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
    # Datelines with an agency in brackets, header fields, numeric dates (day first unless impossible)
    assert find_date("Fragata\n\nMANAGUA, 14 de noviembre de 2026 (Agencia Centroamericana de Noticias) - La "
                     "fragata rusa atracó este jueves en el puerto de Corinto.") == "2026-11-14"
    assert find_date("Hub goes live\n\nDefence Review India | Industry Desk | 19 November 2026\n\nSafran has "
                     "started overhauling engines.") == "2026-11-19"
    assert find_date("Título\n\nPor Mariana Toledo\nPublicado em 05/11/2026\n\nO ministro") == "2026-11-05"
    assert find_date("Title\n\nPosted 11/17/2026\n\nText") == "2026-11-17"
    # No dateline: the lede's date with its weekday is the news's; other dates in prose are not.
    lede = ("Air force signs radar deal\n\nMANILA, Philippines - The air force has signed a contract for two radars "
            "to replace those bought in 2016, the ministry announced on Thursday, November 12, 2026.")
    assert find_date(lede) == "2026-11-12"
    assert find_date("Titular\n\nLIMA.- El ministerio de Defensa del Perú anunció el jueves 12 de noviembre de "
                     "2026 la compra de dos radares.") == "2026-11-12"
    assert find_date("Headline here\n\nThe contract, first signed with the manufacturer on March 3, 2019 for two "
                     "radars, has been extended by the ministry.") is None


# ---------------------------------------------------------------- broken input, strict and skipping

SEED_SENTENCE = "Russia’s Rosoboronexport will open a repair and maintenance center in Peru, officials said.\n"


def test_invalid_utf8_names_the_byte_and_offset(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\u00e9 in Lima".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.txt: not UTF-8 text \(byte 0xe9 at offset 3\)"):
        read_articles([bad])


def test_utf16_big_endian_bom_and_lone_cr(tmp_path):
    f = tmp_path / "be.txt"
    f.write_bytes(b"\xfe\xff" + "Peru\rRussia and Peru signed.\r\n".encode("utf-16-be"))
    (a,) = read_articles([f])
    assert a.title == "Peru" and a.text == "Peru\nRussia and Peru signed.\n"


def test_whitespace_only_and_bom_only_files_are_empty(tmp_path):
    (tmp_path / "blank.txt").write_text(" \n\t\n")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf\n")
    for name in ("blank.txt", "bom.txt"):
        with pytest.raises(InputError, match="empty file"):
            read_articles([tmp_path / name])


def test_skipping_keeps_every_good_article_and_lists_each_bad_one(tmp_path, caplog):
    (tmp_path / "good.txt").write_text(SEED_SENTENCE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "nul.md").write_bytes(b"Peru\x00Russia")
    (tmp_path / "feed.jsonl").write_text(
        json.dumps({"id": "j1", "text": SEED_SENTENCE}) + "\n{broken\n" + '{"id": "j3", "text": "\\ud800 lone"}\n'
        + json.dumps({"id": "j4", "text": 5}) + "\n" + json.dumps({"id": "j1", "text": "again"}) + "\n",
        encoding="utf-8")
    skipped: list[InputError] = []
    arts = read_articles([tmp_path], skipped=skipped)
    assert [a.id for a in arts] == ["j1", "good.txt"]  # files in name order
    messages = [str(e) for e in skipped]
    assert any(m.startswith(f"{tmp_path / 'empty.txt'}: empty file") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'nul.md'}: binary file") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'feed.jsonl'}:2: malformed JSON line") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'feed.jsonl'}:3: 'text' holds an unpaired surrogate") for m in messages)
    assert any(m.startswith(f"{tmp_path / 'feed.jsonl'}:4: record has no 'text'") for m in messages)
    assert any("article id 'j1' also used by" in m for m in messages)
    assert len(skipped) == 6
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"{m}; skipped" for m in messages] and all("\n" not in w for w in warnings)
    with pytest.raises(InputError, match="feed.jsonl:2: malformed JSON line"):  # strict: the first bad line stops
        read_articles([tmp_path / "feed.jsonl"])


def test_nothing_readable_is_an_error_even_when_skipping(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\x00")
    (tmp_path / "b.json").write_text("[]")
    skipped: list[InputError] = []
    with pytest.raises(InputError, match=r"no article could be read \(2 skipped"):
        read_articles([tmp_path], skipped=skipped)


def test_fifo_device_and_folder_named_like_a_file_are_not_read(tmp_path):
    import os

    os.mkfifo(tmp_path / "pipe.txt")  # reading it would block forever
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "dir.txt" / "inner.txt").write_text(SEED_SENTENCE, encoding="utf-8")
    with pytest.raises(InputError, match="pipe.txt: a named pipe, not a regular file"):
        read_articles([tmp_path / "pipe.txt"])
    with pytest.raises(InputError, match="null: a device, not a regular file"):
        read_articles(["/dev/null"])
    skipped: list[InputError] = []
    assert [a.id for a in read_articles([tmp_path], skipped=skipped)] == ["dir.txt/inner.txt"]
    assert [str(e) for e in skipped] == [f"{tmp_path / 'pipe.txt'}: a named pipe, not a regular file (not read)"]


def test_symbolic_link_loops(tmp_path):
    (tmp_path / "good.txt").write_text(SEED_SENTENCE, encoding="utf-8")
    (tmp_path / "self.txt").symlink_to("self.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("..")
    with pytest.raises(InputError, match="self.txt: symbolic link loop"):
        read_articles([tmp_path / "self.txt"])
    skipped: list[InputError] = []
    assert [a.id for a in read_articles([tmp_path], skipped=skipped)] == ["good.txt"]
    assert sorted(str(e) for e in skipped) == [
        f"{tmp_path / 'self.txt'}: symbolic link loop",
        f"{tmp_path / 'sub' / 'up'}: symbolic link loop (leads back to {tmp_path.resolve()}), not followed"]


def test_size_limits(tmp_path, monkeypatch):
    from geomap import ingest

    long_text = SEED_SENTENCE * (ingest.MAX_ARTICLE_CHARS // len(SEED_SENTENCE) + 1)
    (tmp_path / "long.txt").write_text(long_text, encoding="utf-8")
    (tmp_path / "long.jsonl").write_text(json.dumps({"id": "x", "text": long_text}) + "\n", encoding="utf-8")
    (tmp_path / "huge.txt").write_text("x" * (4 * ingest.MAX_ARTICLE_CHARS + 1))
    with pytest.raises(InputError, match=rf"long.txt: article of {len(long_text):,} characters, over the limit"):
        read_articles([tmp_path / "long.txt"])
    with pytest.raises(InputError, match=r"long.jsonl:1: article of .* characters, over the limit"):
        read_articles([tmp_path / "long.jsonl"])
    with pytest.raises(InputError, match=r"huge.txt: 800,001 bytes, more than the limit of 200,000 characters"):
        read_articles([tmp_path / "huge.txt"])
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.jsonl").write_text(json.dumps({"id": "x", "text": "Peru " * 300}) + "\n")
    with pytest.raises(InputError, match=r"big.jsonl: 0.0 MB, over the limit of 0 MB per file \(not read\)"):
        read_articles([tmp_path / "big.jsonl"])


def test_json_records_with_wrong_types(tmp_path):
    f = tmp_path / "recs.json"
    f.write_text(json.dumps([{"id": "a", "text": SEED_SENTENCE, "url": 5}, ["not", "an", "object"],
                             {"id": "c", "text": SEED_SENTENCE, "published": "25/04/2025"},
                             {"id": "d", "text": SEED_SENTENCE, "url": "https://example.org/d"}]))
    skipped: list[InputError] = []
    (art,) = read_articles([f], skipped=skipped)
    assert art.id == "d" and art.url == "https://example.org/d"
    assert [str(e).split(": ", 1)[0] for e in skipped] == [f"{f}[0]", f"{f}[1]", f"{f}[2]"]
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(InputError, match="deep.json: JSON nested too deeply"):
        read_articles([deep])
    huge = tmp_path / "huge.jsonl"  # Python refuses integers of over 4,300 digits with a ValueError
    huge.write_text('{"id": ' + "1" * 5000 + ', "text": "Peru"}\n{"id": "ok", "text": "Peru"}\n')
    skipped = []
    assert [a.id for a in read_articles([huge], skipped=skipped)] == ["ok"]
    assert [str(e).split(" (")[0] for e in skipped] == [f"{huge}:1: unreadable JSON line"]


def test_file_name_that_is_not_utf8(tmp_path):
    import os

    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "wb") as f:
        f.write(SEED_SENTENCE.encode("utf-8"))
    (article,) = read_articles([tmp_path])
    assert article.id == "caf\ufffd.txt" and article.path.endswith("caf\ufffd.txt")
    article.id.encode("utf-8")
