"""The coder's one-pass dictionary scan finds exactly what scanning each sentence with each
pattern finds, on the seed and held-out articles and on text built to trip it up."""

from __future__ import annotations

import random

import pytest

from conftest import DATA, ROOT


@pytest.fixture(scope="module")
def dictionaries():
    from geomap.dictionaries import load_dictionaries

    return load_dictionaries()


def _texts() -> list[str]:
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted((DATA / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    # Case-insensitive look-alikes (long s, dotless i, Kelvin sign), accents, hyphens and ranges
    # that end inside a word or right before one.
    texts.append("ſold ARMS SALES to Kenya; Sıgned the deal — K-9 Thunder howitzers, F-16Vs and a "
                 "Russian-made Su-30MK2 while MAINTENANCE of the fábrica\nFÁBRICA de Embraer—"
                 "the İstanbul shipyard, state-owned Rosoboronexport. AK-47s, Mi-17s,Mi-171Sh")
    return texts


def _ranges(text: str, rng: random.Random) -> list[tuple[int, int]]:
    from geomap.text import split_sentences

    sentences = [(s.start, s.end) for s in split_sentences(text)]
    spans = rng.sample(sentences, min(8, len(sentences)))
    spans += [(rng.randrange(len(text)), rng.randrange(len(text))) for _ in range(4)]
    return [(a, b) if a <= b else (b, a) for a, b in spans] + [(0, len(text))]


def test_indexed_scan_matches_every_pattern_scan(dictionaries):
    from geomap.extract import _ArticleScan

    index = dictionaries.prefix_index()
    assert len(index.unindexed) < len(index.patterns) / 10  # the index does take most patterns
    rng = random.Random(7)
    checked = 0
    for text in _texts():
        scan = _ArticleScan(text, [], index)
        for start, end in _ranges(text, rng):
            possible = scan.within(start, end)
            for key, rx in enumerate(index.patterns):
                expected = [m.span() for m in rx.finditer(text, start, end)]
                assert [m.span() for m in scan.finditer(rx, start, end)] == expected, (rx.pattern[:80], start, end)
                assert not expected or key in possible
                checked += bool(expected)
    assert checked > 1000  # the texts do exercise the patterns


def test_trie_alternations_match_the_longest_first_alternation(dictionaries):
    """The actors, Spanish/Portuguese demonyms and "<demonym>-made" patterns are written as
    character tries; they match exactly what the plain longest-first alternation of the same
    words matches, wherever a match starts and ends."""
    import re

    def longest_first(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))

    plain = {
        "actors": re.compile(rf"(?<![\w-])(?:{longest_first(dictionaries.actors)})(?![\w-])"),
        "demonyms": re.compile(rf"(?<![\w-])(?:{longest_first(dictionaries.lowercase_demonyms)})(?![\w-])"),
        "origin": re.compile(rf"(?<![\w-])({longest_first(dictionaries.origin_adjectives)})"
                             r"-(?:made|built|designed|supplied|manufactured|produced|origin)\b"),
    }
    trie = {"actors": dictionaries.actor_re, "demonyms": dictionaries.lowercase_demonym_re,
            "origin": dictionaries.origin_adjective_re}
    # names that are prefixes of longer ones must give the longer one where it fits
    extra = ("Rosoboronexport and Rosoboronexport's agents; Hindustan Aeronautics Limited, Hindustan "
             "Aeronautics; Korea Aerospace Industries; Chinese-made, South Korean-built; "
             "fragatas surcoreanas, técnicos rusos, rusa-")
    rng = random.Random(11)
    found = 0
    for text in _texts() + [extra]:
        for name, rx in trie.items():
            expected = [(m.span(), m.groups()) for m in plain[name].finditer(text)]
            assert [(m.span(), m.groups()) for m in rx.finditer(text)] == expected, name
            found += len(expected)
            for start, end in _ranges(text, rng):  # bounded scans too
                for q in range(start, min(end, start + 300)):
                    a, b = plain[name].match(text, q, end), rx.match(text, q, end)
                    assert (a and a.span()) == (b and b.span()), (name, q, end)
    assert found > 500
