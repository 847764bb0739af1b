"""Incremental builds (the readings cache) and the streaming build's outputs, on the real seed and
test articles."""

from __future__ import annotations

import io
import logging
import shutil
import sqlite3
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from geomap.cache import ReadingCache, article_key, code_version, decode_reading, encode_reading
from geomap.extract import ArticleReading
from geomap.ingest import read_articles
from geomap.output import OUTPUT_FILES
from geomap.pipeline import build
from geomap.serialize import SerializationError, from_jsonable, to_jsonable

ROOT = Path(__file__).resolve().parent.parent
_ALL = sorted((ROOT / "tests" / "data" / "articles").iterdir())
ARTICLES = [p for p in _ALL if p.suffix != ".txt"] + [p for p in _ALL if p.suffix == ".txt"][:10]  # every format
NEW = [p for p in ARTICLES if p.suffix == ".txt"][-1]  # one article, added to a built corpus


def _outputs(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The seeds and the held-out test articles in one folder, minus NEW."""
    folder = tmp_path_factory.mktemp("corpus")
    for path in sorted((ROOT / "seeds").iterdir()) + [p for p in ARTICLES if p != NEW]:
        shutil.copy(path, folder / path.name)
    return folder


def test_reading_round_trips_through_the_cache_encoding(corpus):
    from geomap.extract import Extractor

    extractor = Extractor()
    for article in read_articles([corpus]):
        reading = extractor.read(article)
        assert decode_reading(encode_reading(reading), article) == reading


def test_adding_one_article_reads_only_it_and_matches_a_full_rebuild(corpus, tmp_path):
    with ReadingCache(tmp_path / "readings.sqlite") as cache:
        build([corpus], tmp_path / "first", cache=cache)
        total = cache.misses
        assert cache.hits == 0 and total == len(read_articles([corpus]))

        shutil.copy(NEW, corpus / NEW.name)
        try:
            build([corpus], tmp_path / "incremental", cache=cache)
            assert (cache.hits, cache.misses) == (total, total + 1)
            build([corpus], tmp_path / "full")  # no cache: every article read again
        finally:
            (corpus / NEW.name).unlink()
    incremental, full = _outputs(tmp_path / "incremental"), _outputs(tmp_path / "full")
    assert incremental == full
    assert incremental != _outputs(tmp_path / "first")  # the new article shows



def test_a_rebuild_detects_the_language_of_new_texts_only(corpus, tmp_path, monkeypatch):
    import geomap.cache
    from geomap.ingest import detect_language

    detected: list[str] = []
    monkeypatch.setattr(geomap.cache, "detect_language", lambda text: detected.append(detect_language(text)) or detected[-1])
    spanish = tmp_path / "nuevo.txt"
    spanish.write_text("Rusia y el Perú firmaron en Lima un acuerdo para el mantenimiento de los helicópteros Mi-17 "
                       "de la Fuerza Aérea del Perú.\n", encoding="utf-8")
    expected = {a.id: detect_language(a.text) for a in read_articles([corpus])}
    with ReadingCache(tmp_path / "readings.sqlite") as cache:
        first = build([corpus], tmp_path / "first", cache=cache).records.articles
        assert len(detected) == len(expected)
        detected.clear()
        again = build([corpus, spanish], tmp_path / "again", cache=cache).records.articles
        assert detected == ["es"]  # the new text's only: the others' are remembered
    assert {a.id: a.language for a in first} == expected
    assert {a.id: a.language for a in again} == {**expected, "nuevo.txt": "es"}

def test_appending_an_article_goes_on_from_the_merged_records_and_matches_a_full_rebuild(corpus, tmp_path):
    last = tmp_path / "zz_appended.txt"  # sorts after every article of the corpus
    shutil.copy(NEW, last)
    with ReadingCache(tmp_path / "readings.sqlite") as cache:
        build([corpus], tmp_path / "first", cache=cache)
        cache.hits = cache.misses = 0
        build([corpus, last], tmp_path / "appended", cache=cache)
        assert (cache.hits, cache.misses) == (0, 1)  # no cached reading decoded, the new one read
        build([corpus, last], tmp_path / "again", cache=cache)
        # nothing is read again; the appended article comes from a new snapshot, or, when it was
        # too small a share of the corpus to be worth one, from its cached reading
        assert cache.misses == 1 and cache.hits <= 1
    build([corpus, last], tmp_path / "full")
    assert _outputs(tmp_path / "appended") == _outputs(tmp_path / "full") == _outputs(tmp_path / "again")
    assert _outputs(tmp_path / "appended") != _outputs(tmp_path / "first")


def test_a_snapshot_naming_other_code_is_refused_and_the_build_merges_every_reading(corpus, tmp_path, caplog):
    import pickle

    from geomap.records import RecordsBuilder

    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    with pytest.raises(SerializationError, match="builtins.print"):
        RecordsBuilder.restore(io.BytesIO(pickle.dumps(Payload())))
    path = tmp_path / "readings.sqlite"
    build([corpus], tmp_path / "clean", cache=path)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE snapshots SET data = ?", (zlib.compress(pickle.dumps(Payload())),))
    db.close()
    with caplog.at_level(logging.WARNING, logger="geomap.pipeline"), ReadingCache(path) as cache:
        build([corpus], tmp_path / "out", cache=cache)
        assert cache.hits == len(read_articles([corpus]))
    assert "unusable records snapshot" in caplog.text
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "clean")


def test_a_truncated_snapshot_is_refused_and_the_build_merges_every_reading(corpus, tmp_path, caplog):
    path = tmp_path / "readings.sqlite"
    build([corpus], tmp_path / "clean", cache=path)
    db = sqlite3.connect(path)
    with db:
        (data,) = db.execute("SELECT data FROM snapshots").fetchone()
        assert pickle_of(zlib.decompress(data))  # stored whole: a zlib stream of a pickle
        db.execute("UPDATE snapshots SET data = ?", (data[:len(data) // 2],))
    db.close()
    with caplog.at_level(logging.WARNING, logger="geomap.pipeline"), ReadingCache(path) as cache:
        build([corpus], tmp_path / "out", cache=cache)
        assert cache.hits == len(read_articles([corpus]))
    assert "unusable records snapshot" in caplog.text and "truncated" in caplog.text
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "clean")


def pickle_of(data: bytes) -> bool:
    """Whether ``data`` is a whole pickle (its first and last opcodes)."""
    return data[:1] == b"\x80" and data.endswith(b".")


def test_edited_article_is_read_again(corpus, tmp_path):
    articles = read_articles([corpus])
    edited = articles[0].__class__(**{**to_jsonable(articles[0]), "text": articles[0].text + "\n"})
    assert article_key(edited) != article_key(articles[0])
    assert article_key(articles[0]) == article_key(read_articles([corpus])[0])


def test_other_code_versions_are_not_served(corpus, tmp_path):
    path = tmp_path / "readings.sqlite"
    with ReadingCache(path, version="old") as old:
        build([corpus], tmp_path / "a", cache=old)
        assert len(old) > 0
    with ReadingCache(path) as current:
        assert current.version == code_version() != "old"
        assert len(current) == 0  # the old version's rows were dropped


def test_corrupt_cache_file_is_rebuilt_with_a_warning(corpus, tmp_path, caplog):
    path = tmp_path / "readings.sqlite"
    build([corpus], tmp_path / "clean")
    path.write_bytes(b"this is not a SQLite database" * 100)
    with caplog.at_level(logging.WARNING, logger="geomap.cache"):
        build([corpus], tmp_path / "out", cache=path)
    assert "corrupt readings cache" in caplog.text
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "clean")
    with ReadingCache(path) as cache:
        assert len(cache) == len(read_articles([corpus]))


def test_corrupt_cached_reading_is_read_again(corpus, tmp_path, caplog):
    path = tmp_path / "readings.sqlite"
    build([corpus], tmp_path / "clean", cache=path)
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE readings SET data = substr(data, 1, 20) WHERE article_key = "
                   "(SELECT min(article_key) FROM readings)")
        db.execute("DELETE FROM snapshots")  # else the merged records spare decoding any reading
    db.close()
    with caplog.at_level(logging.WARNING, logger="geomap.cache"), ReadingCache(path) as cache:
        build([corpus], tmp_path / "out", cache=cache)
        assert cache.misses == 1
    assert "corrupt cached reading" in caplog.text
    assert _outputs(tmp_path / "out") == _outputs(tmp_path / "clean")


@dataclass
class _Old:
    name: str
    items: list[int] = field(default_factory=list)


@dataclass
class _New:
    name: str
    items: list[int] = field(default_factory=list)
    score: float | None = None
    tags: dict[str, tuple[int, int]] = field(default_factory=dict)


def test_serialization_follows_the_dataclass_fields():
    new = _New("a", [1, 2], 0.5, {"x": (1, 2)})
    assert from_jsonable(_New, to_jsonable(new)) == new
    assert from_jsonable(_New, to_jsonable(_Old("a", [3]))) == _New("a", [3])  # new fields: defaults
    assert from_jsonable(_Old, to_jsonable(new)) == _Old("a", [1, 2])  # dropped fields: ignored
    with pytest.raises(SerializationError):
        from_jsonable(_New, {"items": []})  # a required field is missing
    with pytest.raises(SerializationError):
        from_jsonable(ArticleReading, {"article": "not an article", "toponyms": []})


def test_cli_cache_option(tmp_path):
    import subprocess
    import sys

    cache = tmp_path / "cache" / "readings.sqlite"
    for out in ("a", "b"):
        proc = subprocess.run([sys.executable, "-m", "geomap", "-v", "build", str(ROOT / "seeds"), "--out",
                               str(tmp_path / out), "--cache", str(cache)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    n = len(read_articles([ROOT / "seeds"]))
    assert f"{n} of {n} articles from the records snapshot" in proc.stderr  # the second build merged nothing
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "b")


# ---------------------------------------------------------------- the streaming build

def test_streamed_geojson_is_the_in_memory_rendering(corpus, tmp_path):
    from geomap.output import dumps, to_geojson
    from geomap.pipeline import extract_records

    result = build([corpus], tmp_path / "out")
    records = extract_records([corpus])
    assert [a.text for a in result.records.articles] == [""] * len(records.articles)  # texts not kept
    for name, collection in to_geojson(records).items():
        assert (tmp_path / "out" / name).read_text(encoding="utf-8") == dumps(collection)


def test_a_failing_output_replaces_no_file(corpus, tmp_path):
    from geomap.exc import GeomapError
    from geomap.output import write_outputs

    build([corpus], tmp_path / "out")
    before = _outputs(tmp_path / "out")

    def failing(f):
        f.write(b'{"type": "FeatureCollection", "features": [\n')
        raise OSError(28, "No space left on device")

    # facilities.geojson is written (to its temporary file) before places.geojson fails
    with pytest.raises(GeomapError, match="places.geojson: cannot write"):
        write_outputs({"facilities.geojson": "{}\n", "places.geojson": failing}, tmp_path / "out")
    assert _outputs(tmp_path / "out") == before
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_records_taken_twice_and_after_more_readings_are_those_of_a_fresh_merge():
    """Taking the records leaves the builder as it was: vaguely placed facility reports join a
    cluster once, however often the records are taken."""
    from geomap.extract import Extractor
    from geomap.records import RecordsBuilder, build_records

    from conftest import DATA, ROOT

    extractor = Extractor()
    readings = [extractor.read(a) for a in read_articles([ROOT / "seeds", DATA / "articles"])]
    builder = RecordsBuilder()
    for r in readings[:20]:
        builder.add(r)
    builder.records()
    for r in readings[20:]:
        builder.add(r)
    first, again, fresh = builder.records(), builder.records(), build_records(readings)
    for records in (again, fresh):
        assert [(f.id, f.name, len(f.evidence)) for f in records.facilities] == \
            [(f.id, f.name, len(f.evidence)) for f in first.facilities]
