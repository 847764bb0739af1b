"""Tokens, sentences and paragraphs with character offsets into the article text."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "Sentence", "TOKEN_RE", "tokenize", "split_sentences", "is_title_case_line", "starts_sentence"]

_TOKEN_RE = re.compile(
    r"(?:[A-Z]\.){2,}"  # U.S., U.K., D.C.
    r"|[^\W_]+(?:[-'’][^\W_]+)*",
)
TOKEN_RE = _TOKEN_RE
_SENTENCE_PUNCT = re.compile(r"[.!?:]")
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "capt", "sgt", "maj", "adm", "sen", "rep",
    "gov", "st", "ft", "mt", "no", "vs", "inc", "corp", "co", "ltd", "jr", "sr", "jan", "feb",
    "mar", "apr", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e", "etc", "approx", "ala",
    "ariz", "ark", "calif", "colo", "conn", "del", "fla", "ga", "ill", "ind", "kan", "ky", "la",
    "md", "mass", "mich", "minn", "miss", "mo", "mont", "neb", "nev", "okla", "ore", "pa", "tenn",
    "va", "vt", "wash", "wis", "wyo", "sra", "sr", "dra", "avda", "av",
}


@dataclass(frozen=True)
class Token:
    """A word with its offsets; ``initial`` marks the first word of a sentence or line."""

    text: str
    start: int
    end: int
    initial: bool

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Sentence:
    """A sentence (or a heading line) with its offsets and the paragraph it belongs to."""

    start: int
    end: int
    text: str
    paragraph: int


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words of ``text[start:end]`` with absolute offsets."""
    tokens: list[Token] = []
    end = len(text) if end is None else end
    prev_end = start
    for m in _TOKEN_RE.finditer(text, start, end):
        initial = not tokens or starts_sentence(tokens[-1].text, text[prev_end:m.start()])
        tokens.append(Token(m.group(), m.start(), m.end(), initial))
        prev_end = m.end()
    return tokens


def starts_sentence(prev_word: str, gap: str) -> bool:
    """Whether the word after ``prev_word`` and ``gap`` begins a sentence or a line."""
    return "\n" in gap or (bool(_SENTENCE_PUNCT.search(gap))
                           and not (gap.startswith(".") and prev_word.lower().rstrip(".") in _ABBREVIATIONS))


_SENT_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9¿¡ÁÉÍÓÚÑ])")


def split_sentences(text: str) -> list[Sentence]:
    """Split into sentences: at line breaks, and after . ! ? unless after an abbreviation.

    Each line is a paragraph: news text puts one paragraph on a line.
    """
    sentences: list[Sentence] = []
    for paragraph, block in enumerate(re.finditer(r"[^\n]+", text)):
        bstart, bend = block.start(), block.end()
        cut = bstart
        for m in _SENT_END.finditer(text, bstart, bend):
            before = text[cut:m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if text[m.start()] == "." and (last in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", last)):
                continue
            _add(sentences, text, cut, m.end(), paragraph)
            cut = m.end()
        _add(sentences, text, cut, bend, paragraph)
    return sentences


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        out.append(Sentence(start, end, text[start:end], paragraph))


def is_title_case_line(words: list[Token] | list[str]) -> bool:
    """Whether a line (its tokens or words) is written in headline Title Case (most longer
    words capitalised)."""
    texts = [w if isinstance(w, str) else w.text for w in words]
    long_words = [w for w in texts if len(w) >= 4 and w.isalpha()]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.7
