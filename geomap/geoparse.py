"""Find place names in text (recognition) and choose what they refer to (resolution), offline.

Recognition is driven by the gazetteer: capitalised word runs are matched longest-first
against the compiled name index, with filters for sentence-initial common words, person
names and organisation names. Resolution scores each candidate by its prior importance
(population, kind, capital) plus the article's own context: countries and areas named
elsewhere in it, explicit qualifiers ("Lima, Ohio"), nearby resolved places, and one sense
per name per article.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from .geocode.gazetteer import (PRECISION_OF_KIND, Entry, GeoNamesGazetteer, get_gazetteer, importance, km,
                                normalize_name)
from .model import Toponym
from .resources import read_tsv
from .text import Token, is_title_case_line, tokenize

__all__ = ["Geoparser", "Candidate", "load_demonyms"]

# Words that, capitalised before a name, make it a person's name ("President Lima").
_TITLES = {
    "president", "presidents", "mr", "mrs", "ms", "dr", "prof", "professor", "gen", "general",
    "col", "colonel", "lt", "lieutenant", "capt", "captain", "sgt", "sergeant", "maj", "major",
    "adm", "admiral", "sen", "senator", "rep", "representative", "gov", "governor", "mayor",
    "judge", "justice", "king", "queen", "prince", "princess", "minister", "secretary",
    "ambassador", "commander", "chief", "ceo", "director", "officer", "pope", "rev", "father",
    "sister", "brother", "coach", "sheriff", "deputy", "detective", "trooper", "chairman",
    "spokesman", "spokeswoman", "lord", "lady", "sir", "dame", "saint-", "señor", "sr", "sra",
}
# Words after a place name that make the pair an organisation named after the place.
_ORG_WORDS = {
    "police", "department", "dept", "fire", "sheriff", "sheriff's", "county", "school", "schools",
    "district", "university", "college", "hospital", "airport", "army", "navy", "air",
    "ministry", "council", "city", "state", "government", "court", "board", "commission",
    "office", "authority", "port", "harbor", "harbour", "province", "region", "parish",
    "township", "borough", "metro", "area", "valley", "river", "lake", "mountains", "national",
    "international", "central", "station", "base", "highway", "road", "street", "avenue",
    "bridge", "center", "centre", "health", "public", "community", "chamber", "library",
}
# Capitalised words that may stand before a place name as part of its description.
_PLACE_PREFIXES = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
    "southeastern", "southwestern", "upper", "lower", "greater", "downtown", "metro",
    "metropolitan", "inner", "outer", "coastal", "rural", "urban", "suburban", "mainland",
}
_CONNECTORS = {"of", "de", "del", "la", "las", "los", "do", "da", "dos", "das", "upon", "on",
               "sur", "and", "y", "e", "the", "al", "el", "di", "du", "des", "le", "am", "an", "der"}
_ADMIN_CUES_BEFORE = re.compile(
    r"\b(?:district|province|region|department|state|county|municipality|governorate|oblast|"
    r"distrito|provincia|región|departamento|estado|municipio|prefecture)\s+of\s+(?:the\s+)?$", re.I)
_ADMIN_CUES_AFTER = re.compile(
    r"^\s+(?:district|province|region|department|county|parish|municipality|governorate|oblast|prefecture)\b", re.I)


@lru_cache(maxsize=1)
def load_demonyms() -> dict[str, str]:
    """Demonym and adjective forms (normalised) mapped to their country's alpha-2 code."""
    out: dict[str, str] = {}
    for cc, _lang, form in read_tsv("demonyms.tsv", 3):
        key = normalize_name(form)
        if key and key not in out:
            out[key] = cc
    return out


@lru_cache(maxsize=4)
def _common_words(n: int = 8000) -> frozenset[str]:
    """The ``n`` most frequent English words: a place name spelt like one needs more than a
    capital letter, and the first 400 ("the", "we", "for") are never places on their own."""
    try:
        from wordfreq import top_n_list
    except ImportError:  # pragma: no cover - wordfreq is a declared dependency
        return frozenset()
    return frozenset(top_n_list("en", n))


@dataclass
class Candidate:
    """A recognised place name and the gazetteer entries it may refer to."""

    start: int
    end: int
    surface: str
    key: str
    entries: list[Entry]
    demonym: bool = False
    compound: bool = False
    admin_cue: bool = False
    qualifier: "Candidate | None" = None
    choice: Entry | None = None
    score: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)

    def to_toponym(self) -> Toponym:
        """The resolved mention; a town named after a "district of" cue stands for the district."""
        e = self.choice
        kind = "admin" if self.admin_cue and e.kind == "city" else e.kind
        return Toponym(start=self.start, end=self.end, text=self.surface, name=e.name, lat=e.lat, lon=e.lon,
                       country=e.country, kind=kind, precision=PRECISION_OF_KIND.get(kind, "city"),
                       gazetteer_id=e.id, score=round(self.score, 3), demonym=self.demonym)


class Geoparser:
    """Recognise and resolve the place names of a text with the offline gazetteer.

    Parameters
    ----------
    gazetteer
        The gazetteer to use (the process-wide GeoNames one by default).
    demonyms
        Report demonyms and adjectives ("Russian", "South Korean") as mentions of their country.
    """

    def __init__(self, gazetteer: GeoNamesGazetteer | None = None, *, demonyms: bool = True) -> None:
        self.gazetteer = gazetteer or get_gazetteer()
        self.demonyms = demonyms

    # ---------------------------------------------------------------- recognition
    def recognize(self, text: str) -> list[Candidate]:
        """Place-name candidates in ``text``, longest match first, left to right."""
        demonyms = load_demonyms()
        common = _common_words()
        out: list[Candidate] = []
        for line in re.finditer(r"[^\n]+", text):
            tokens = tokenize(text, line.start(), line.end())
            title_case = is_title_case_line(tokens)
            i = 0
            while i < len(tokens):
                tok = tokens[i]
                if not tok.capitalized:
                    i += 1
                    continue
                found = self._longest_match(text, tokens, i, demonyms)
                if found is None:
                    i += 1
                    continue
                j, key, entries, is_demonym, compound = found
                cand = Candidate(tokens[i].start, _name_end(tokens[j - 1]), "", key, entries,
                                 demonym=is_demonym, compound=compound)
                cand.surface = text[cand.start:cand.end]
                if self._keep(text, tokens, i, j, cand, title_case, common):
                    before = text[max(line.start(), cand.start - 40):cand.start]
                    after = text[cand.end:cand.end + 20]
                    cand.admin_cue = bool(_ADMIN_CUES_BEFORE.search(before) or _ADMIN_CUES_AFTER.match(after))
                    out.append(cand)
                    i = j
                else:
                    i += 1
        self._link_qualifiers(text, out)
        return out

    def _longest_match(self, text: str, tokens: list[Token], i: int, demonyms: dict[str, str]):
        gaz = self.gazetteer
        limit = min(len(tokens), i + gaz.max_tokens)
        for j in range(limit, i, -1):
            last = tokens[j - 1]
            if not last.capitalized and not last.text.isupper():
                continue
            if any(_possessive(t.text) for t in tokens[i:j - 1]):
                continue
            if any(not t.capitalized and t.text.lower() not in _CONNECTORS for t in tokens[i:j]):
                continue
            if any(text[tokens[k].end:tokens[k + 1].start].strip(" ") not in ("", ".", "-") for k in range(i, j - 1)):
                continue
            surface = text[tokens[i].start:_name_end(last)]
            key = normalize_name(surface)
            if key in demonyms:
                country = gaz.country(demonyms[key])
                if country is not None:
                    return j, key, [country], True, False
            entries = gaz.lookup(surface) if gaz.has_key(key) else []
            if entries:
                return j, key, entries, False, False
        tok = tokens[i]
        if "-" in tok.text and not any(ch.isdigit() for ch in tok.text):
            parts = tok.text.split("-")
            common = _common_words()
            if all(len(p) >= 3 and p[:1].isupper() and p.isalpha() and p.lower() not in common for p in parts):
                for part in reversed(parts):
                    entries = gaz.lookup(part) if gaz.has_key(normalize_name(part)) else []
                    entries = [e for e in entries if e.kind in ("city", "admin")]
                    if entries:
                        return i + 1, normalize_name(tok.text), entries, False, True
        return None

    def _keep(self, text: str, tokens: list[Token], i: int, j: int, cand: Candidate,
              title_case: bool, common: frozenset[str]) -> bool:
        first, last = tokens[i], tokens[j - 1]
        single = j - i == 1
        word = _strip_possessive(first.text).lower()
        top = cand.entries[0]
        big = top.kind in ("country", "region", "water") or (top.kind == "admin" and top.level == 1) \
            or top.population >= 1_000_000
        if cand.demonym:
            return True
        abbreviation = first.text.replace(".", "") in self.gazetteer.data.exact_case.get(cand.key, ())
        if single and word in common and not abbreviation:
            # A common word needs to be a country, region or sizeable city, and not merely
            # capitalised because it starts a sentence or a headline.
            if word in _common_words(400):
                return False
            if first.initial or title_case or first.text.isupper():
                own_name = normalize_name(top.name) == cand.key
                named = top.kind in ("country", "region", "water") or (
                    own_name and (top.capital or top.population >= 500_000))
                if not named or first.text.isupper():
                    return False
            elif not (top.kind in ("country", "region", "water") or (top.kind == "city" and top.population >= 100_000)
                      or (top.kind == "admin" and top.level == 1 and word not in _common_words(2000))):
                return False
        if single and len(word) <= 3 and first.text.isupper() and not big:
            return False  # short all-capital acronyms are rarely small towns
        # A capitalised word just before the name that is not a place word: a person or an org.
        if i > 0:
            prev = tokens[i - 1]
            gap = text[prev.end:first.start]
            prev_word = prev.text.lower().rstrip(".")
            if gap.strip() in ("", ".") and "\n" not in gap:
                if prev_word in _TITLES:
                    return False
                if prev.capitalized and not prev.initial and prev_word not in _PLACE_PREFIXES \
                        and not _possessive(prev.text) and top.kind != "country":
                    return False
        # A capitalised word right after: "Paris Hilton", "Washington Post" (org words excepted).
        if j < len(tokens) and not _possessive(last.text):
            nxt = tokens[j]
            gap = text[last.end:nxt.start]
            if gap == " " and nxt.capitalized and not nxt.initial:
                nxt_word = nxt.text.lower()
                if nxt_word not in _ORG_WORDS and not self._is_place_word(nxt.text) and not big:
                    if not title_case:
                        return False
        return True

    def _is_place_word(self, word: str) -> bool:
        key = normalize_name(_strip_possessive(word))
        return self.gazetteer.has_key(key) or key in load_demonyms()

    def _link_qualifiers(self, text: str, cands: list[Candidate]) -> None:
        """Link "Lima, Ohio" style pairs: the second names an area containing the first."""
        for a, b in zip(cands, cands[1:]):
            if re.fullmatch(r",\s*", text[a.end:b.start]) and not b.demonym:
                quals = [q for q in b.entries if q.kind in ("country", "admin")]
                if quals and any(self.gazetteer.qualifies(q, e) for q in quals for e in a.entries):
                    a.qualifier = b

    # ---------------------------------------------------------------- resolution
    def resolve(self, cands: list[Candidate]) -> list[Candidate]:
        """Choose an entry for every candidate, using the document's own context."""
        gaz = self.gazetteer
        for c in cands:
            if c.qualifier is not None:
                quals = [q for q in c.qualifier.entries if q.kind in ("country", "admin")]
                narrowed = [e for e in c.entries if any(gaz.qualifies(q, e) for q in quals)]
                c.entries = narrowed or c.entries
        # First pass: context-free choice; then two passes with the others' choices as context.
        for c in cands:
            c.choice = max(c.entries, key=importance)
        for _ in range(2):
            self._pass(cands)
        # One sense per name per document: the best-supported reading wins for every mention.
        by_key: dict[str, list[Candidate]] = defaultdict(list)
        for c in cands:
            by_key[c.key].append(c)
        for group in by_key.values():
            if len(group) < 2 or any(c.qualifier is not None for c in group):
                continue
            totals: Counter[str] = Counter()
            for c in group:
                for eid, s in c.scores.items():
                    totals[eid] += s
            if totals:
                best_id = max(sorted(totals), key=lambda k: totals[k])
                for c in group:
                    pick = next((e for e in c.entries if e.id == best_id), None)
                    if pick is not None:
                        c.choice = pick
        return cands

    def _pass(self, cands: list[Candidate]) -> None:
        gaz = self.gazetteer
        for c in cands:
            others = [o for o in cands if o.key != c.key and o.choice is not None]
            support: Counter[str] = Counter()
            areas: set[str] = set()
            points: list[Entry] = []
            for o in others:
                e = o.choice
                if e.country:
                    support[e.country] += 0.5 if e.kind == "country" or e.capital or o.demonym else 1.0
                if e.kind == "admin":
                    areas.add(e.id)
                if e.kind in ("city", "admin") and not e.capital:
                    points.append(e)
            admin_entries = [o.choice for o in others if o.choice.kind == "admin"]
            c.scores = {}
            for e in c.entries:
                s = importance(e)
                if e.kind != "country" and e.country:
                    s += 1.5 * min(support[e.country], 2.0)
                if e.kind in ("city", "admin"):
                    if any(a.id != e.id and gaz.qualifies(a, e) for a in admin_entries):
                        s += 6.0
                    near = sum(1 for p in points if p.id != e.id and km(p.lat, p.lon, e.lat, e.lon) < 150)
                    s += 2.5 * min(near, 3)
                if e.kind == "admin" and e.level == 1:
                    inside = sum(1 for p in points if p.country == e.country and gaz.admin1_name(p) == e.name)
                    s += 4.0 * min(inside, 2)
                if c.admin_cue and e.kind == "admin":
                    s += 2.0
                c.scores[e.id] = s
            best = max(c.entries, key=lambda e: (c.scores[e.id], e.id))
            c.choice = best
            c.score = c.scores[best.id]

    # ---------------------------------------------------------------- public API
    def parse(self, text: str) -> list[Toponym]:
        """Every place name in ``text``, resolved, in text order."""
        cands = self.resolve(self.recognize(text))
        return [c.to_toponym() for c in cands if self.demonyms or not c.demonym]


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _strip_possessive(word: str) -> str:
    return word[:-2] if _possessive(word) else word


def _name_end(tok: Token) -> int:
    return tok.end - 2 if _possessive(tok.text) else tok.end
