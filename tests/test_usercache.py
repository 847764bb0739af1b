"""Files geomap derives once and keeps in the user cache folder: the English word list and the
first strings of the dictionaries' patterns. A bad file is rebuilt; a folder that cannot be
written costs only time."""

import json
import logging

import pytest

from geomap import geoparse
from geomap.dictionaries import first_strings_of, load_dictionaries


@pytest.fixture
def cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_word_list_is_cached_and_a_corrupt_one_rebuilt(cache_folder, caplog):
    words = geoparse._load_common_words(400)
    assert {"the", "for", "we"} <= words and len(words) == 400
    [cached] = cache_folder.glob("common-words-en-*.txt")
    assert len(cached.read_text(encoding="utf-8").split("\n")) == geoparse._COMMON_CACHED
    assert geoparse._load_common_words(8000) >= words

    cached.write_bytes(b"the\nfor")  # truncated
    (cache_folder / "common-words-en-0.0.txt").write_text("stale", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert geoparse._load_common_words(400) == words
    assert "corrupt cache file" in caplog.text
    assert [p.name for p in cache_folder.glob("common-words-en-*.txt")] == [cached.name]


def test_cached_first_strings_give_the_same_index(cache_folder):
    fresh = load_dictionaries().prefix_index()  # parses every pattern and writes the cache
    [cached] = cache_folder.glob("dictionary-prefixes-*.json")
    stored = json.loads(cached.read_text())
    assert stored == [first_strings_of(rx) for rx in fresh.patterns]
    warm = load_dictionaries().prefix_index()  # from the file
    assert (warm.exact, warm.folded, warm.after_word, warm.unindexed) == \
        (fresh.exact, fresh.folded, fresh.after_word, fresh.unindexed)
    assert len(fresh.exact) + len(fresh.folded) > 500

    cached.write_text(json.dumps(stored[:-1]))  # the file of other patterns is not trusted
    again = load_dictionaries().prefix_index()
    assert again.exact == fresh.exact and len(json.loads(cached.read_text())) == len(stored)


def test_a_cache_folder_that_cannot_be_written_costs_only_time(tmp_path, monkeypatch, caplog):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(blocked / "geomap"))
    with caplog.at_level(logging.WARNING):
        assert "the" in geoparse._load_common_words(400)
    assert "cannot write the cache" in caplog.text


def test_countries_come_from_a_small_file_without_loading_the_index():
    from geomap.geocode.gazetteer import GeoNamesGazetteer

    first = GeoNamesGazetteer()
    first.country("PE")  # writes the country table if this cache folder lacks it
    warm = GeoNamesGazetteer()
    peru = warm.country("PE")
    assert "data" not in warm.__dict__  # the 25 MB index was not read
    assert peru.name == "Peru" and peru.kind == "country" and -15 < peru.lat < -5
    assert warm.country("XX") is None
    index = first.data.country_entry
    assert {cc: warm.country(cc) for cc in index} == {cc: first.entry(i) for cc, i in index.items()}


def test_a_gazetteer_index_that_names_other_code_is_refused_before_anything_runs(capsys):
    import pickle

    from geomap.geocode import gazetteer
    from geomap.serialize import SerializationError

    class Payload:
        def __reduce__(self):
            return (print, ("this must never run",))

    with pytest.raises(SerializationError, match="a gazetteer index may not hold builtins.print"):
        gazetteer._unpickle(pickle.dumps(Payload()))
    assert "must never run" not in capsys.readouterr().out
    # the real index, pickled as the user cache holds it, loads through the same restricted reader
    compiled = gazetteer.get_gazetteer().data
    assert gazetteer._unpickle(pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL)) == compiled
