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
from .text import TOKEN_RE, is_title_case_line, starts_sentence, tokenize

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
# Last words of the names of news media, agencies and international bodies: a place name
# that begins one ("Asia Pacific Economic Cooperation", "Canadian Food Inspection Agency",
# "Los Angeles Times") names the source or the body, not a place the text is about. Local
# associations and societies are left alone: "the Ohio Association of ..." does say Ohio.
_ORG_HEADS = {
    "cooperation", "organization", "organisation", "agency", "times", "post", "herald", "tribune",
    "journal", "gazette", "broadcasting", "telegraph", "chronicle",
}
# Capitalised words that may stand before a place name as part of its description.
_PLACE_PREFIXES = {
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "central",
    "northeast", "northwest", "southeast", "southwest", "northeastern", "northwestern",
    "southeastern", "southwestern", "upper", "lower", "greater", "downtown", "metro",
    "metropolitan", "inner", "outer", "coastal", "rural", "urban", "suburban", "mainland",
}
# Words that name provinces in some countries ("Central", "Eastern", "Capital") but are
# ordinary descriptive words in English text.
_GENERIC_AREA_WORDS = _PLACE_PREFIXES | {
    "north", "south", "east", "west", "capital", "centre", "center", "coast", "bay", "bar", "store", "island",
    "islands", "lakes", "valley", "highlands", "interior", "plateau", "mary", "paul", "van",
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
        """Place-name candidates in ``text``, longest match first, left to right.

        One pass over the words: a capitalised word is looked up as the first word of the
        index's keys (a dictionary hit or miss), so only words that can begin a place name
        are matched further, and only as far as the longest key beginning with them.
        """
        doc = _Words(text)
        words = doc.words
        span_of = self.gazetteer.first_word_span
        demonym_spans = _demonym_spans()
        out: list[Candidate] = []
        i, n = 0, len(words)
        while i < n:
            word = words[i]
            if not word[:1].isupper():
                i += 1
                continue
            first = _word_key(word).partition(" ")[0]
            span = max(span_of(first), demonym_spans.get(first, 0))
            if span == 0 and "-" not in word:
                i += 1
                continue
            found = self._longest_match(doc, i, span)
            if found is None:
                i += 1
                continue
            j, key, entries, is_demonym, compound = found
            cand = Candidate(doc.starts[i], doc.name_end(j - 1), "", key, entries,
                             demonym=is_demonym, compound=compound)
            cand.surface = text[cand.start:cand.end]
            if self._keep(doc, i, j, cand):
                before = text[max(doc.line_start(cand.start), cand.start - 40):cand.start]
                after = text[cand.end:cand.end + 20]
                cand.admin_cue = bool(_ADMIN_CUES_BEFORE.search(before) or _ADMIN_CUES_AFTER.match(after))
                out.append(cand)
                i = j
            else:
                i += 1
        self._link_qualifiers(text, out)
        return out

    def _longest_match(self, doc: "_Words", i: int, span: int):
        gaz = self.gazetteer
        words, text = doc.words, doc.text
        demonyms = load_demonyms()
        limit = min(len(words), i + span)
        # The run of words that may form one name: capitalised words and connectors, joined by
        # spaces, hyphens or dots, no possessive before its last word.
        run = i + 1
        while run < limit and doc.joinable(run - 1) and (words[run][:1].isupper() or words[run].lower() in _CONNECTORS):
            run += 1
        for j in range(run, i, -1):
            last = words[j - 1]
            if not last[:1].isupper() and not last.isupper():
                continue
            surface = text[doc.starts[i]:doc.name_end(j - 1)]
            key = normalize_name(surface)
            if key in demonyms:
                country = gaz.country(demonyms[key])
                if country is not None:
                    return j, key, [country], True, False
            entries = gaz.lookup_key(key, surface)
            if entries:
                return j, key, entries, False, False
        word = words[i]
        if "-" in word and not any(ch.isdigit() for ch in word):
            parts = word.split("-")
            common = _common_words()
            if all(len(p) >= 3 and p[:1].isupper() and p.isalpha() and p.lower() not in common for p in parts):
                for part in reversed(parts):
                    entries = [e for e in gaz.lookup_key(_word_key(part), part) if e.kind in ("city", "admin")]
                    if entries:
                        return i + 1, _word_key(word), entries, False, True
        return None

    def _keep(self, doc: "_Words", i: int, j: int, cand: Candidate) -> bool:
        words, text = doc.words, doc.text
        first, last = words[i], words[j - 1]
        single = j - i == 1
        word = _strip_possessive(first).lower()
        top = cand.entries[0]
        big = top.kind in ("country", "region", "water") or (top.kind == "admin" and top.level == 1) \
            or top.population >= 1_000_000
        if cand.demonym:
            return not self._inside_org_name(doc, i, j)
        abbreviation = self.gazetteer.is_abbreviation(cand.key, first)
        common = _common_words()
        if single and word in common and not abbreviation:
            # A common word needs to be a country, region or sizeable city, and not merely
            # capitalised because it starts a sentence or a headline.
            if word in _common_words(400):
                return False
            if doc.initial(i) or doc.title_case(i) or first.isupper():
                own_name = normalize_name(top.name) == cand.key
                named = top.kind in ("country", "region", "water") or (
                    own_name and (top.capital or top.population >= 500_000))
                if not named or first.isupper():
                    return False
            elif not (top.kind in ("country", "region", "water") or (top.kind == "city" and top.population >= 100_000)
                      or (top.kind == "admin" and top.level == 1 and (
                          word not in _common_words(2000)
                          or (top.population >= 1_000_000 and word not in _GENERIC_AREA_WORDS)))):
                return False  # "California", "Texas", "England" stay; "Central", "Western" (provinces) go
        if single and len(word) <= 3 and first.isupper() and not big:
            return False  # short all-capital acronyms are rarely small towns
        # A capitalised word just before the name that is not a place word: a person or an org.
        if i > 0:
            prev = words[i - 1]
            gap = text[doc.ends[i - 1]:doc.starts[i]]
            prev_word = prev.lower().rstrip(".")
            if gap.strip() in ("", ".") and "\n" not in gap:
                if prev_word in _TITLES:
                    return False
                if prev[:1].isupper() and not doc.initial(i - 1) and prev_word not in _PLACE_PREFIXES \
                        and not _possessive(prev) and top.kind != "country":
                    return False
        if top.kind != "country" and self._inside_org_name(doc, i, j):
            return False  # a country's agency ("U.S. Environmental Protection Agency") still names it
        # A capitalised word right after: "Paris Hilton", "Washington Post" (org words excepted).
        if j < len(words) and not _possessive(last):
            nxt = words[j]
            if text[doc.ends[j - 1]:doc.starts[j]] == " " and nxt[:1].isupper() and not doc.initial(j):
                if nxt.lower() not in _ORG_WORDS and not self._is_place_word(nxt) and not big:
                    if not doc.title_case(i):
                        return False
        return True

    def _inside_org_name(self, doc: "_Words", i: int, j: int) -> bool:
        """Whether words i..j begin an organisation's name: followed by capitalised words that
        end in an organisation noun ("Asia Pacific Economic Cooperation", "Australian
        Broadcasting Corporation"). Headlines in Title Case are left alone."""
        words = doc.words
        if _possessive(words[j - 1]) or doc.title_case(i):
            return False
        k = j
        while k < len(words) and k < j + 4 and doc.joinable(k - 1) and words[k][:1].isupper() and not doc.initial(k):
            if words[k].lower() in _ORG_HEADS:
                return True
            k += 1
        return False

    def _is_place_word(self, word: str) -> bool:
        key = _word_key(word)
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
            c.choice = max(c.entries, key=_prior)
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
        """Score every candidate's entries with the other names' current choices as context."""
        gaz = self.gazetteer
        for key in dict.fromkeys(c.key for c in cands):  # in text order; each sees the latest choices
            support, points, admins, admin1s = _context(cands, key)
            admin_countries = {a.country for a in admins}
            point_countries = {p.country for p in points}
            for c in cands:
                if c.key != key:
                    continue
                c.scores = {}
                for e in c.entries:
                    s = _prior(e)
                    cc = e.country
                    if e.kind != "country" and cc:
                        s += 1.5 * min(support.get(cc, 0.0), 3.0)
                    if e.kind in ("city", "admin") and (cc in admin_countries or cc in point_countries):
                        if cc in admin_countries and any(a.id != e.id and gaz.qualifies(a, e) for a in admins):
                            s += 6.0
                        near = sum(1 for p in points if abs(p.lat - e.lat) < 1.4 and p.id != e.id
                                   and km(p.lat, p.lon, e.lat, e.lon) < 150)
                        s += 2.5 * min(near, 3)
                        if e.kind == "admin" and e.level == 1:
                            inside = sum(1 for p in points if p.country == cc and gaz.admin1_name(p) == e.name)
                            s += 4.0 * min(inside, 2)
                            # Sibling areas named beside it: "Georgia and Florida" are US states.
                            s += 2.0 * min(sum(1 for a in admin1s if a.country == cc and a.id != e.id), 2)
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


def _context(cands: list[Candidate], key: str) -> tuple:
    """What the current choices of the names other than ``key`` say: country support,
    points, administrative areas and first-level areas."""
    support: dict[str, float] = {}
    points: list[Entry] = []
    admins: list[Entry] = []
    admin1s: list[Entry] = []
    for o in cands:
        e = o.choice
        if o.key == key or e is None:
            continue
        if e.country:
            support[e.country] = support.get(e.country, 0.0) + (
                0.5 if e.kind == "country" or e.capital or o.demonym else 1.0)
        if e.kind == "admin":
            admins.append(e)
            if e.level == 1:
                admin1s.append(e)
        if e.kind in ("city", "admin") and not e.capital:
            points.append(e)
    return support, points, admins, admin1s


_PRIORS: dict[str, float] = {}


def _prior(e: Entry) -> float:
    """importance(e), remembered by entry id."""
    w = _PRIORS.get(e.id)
    if w is None:
        w = _PRIORS[e.id] = importance(e)
    return w


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def _strip_possessive(word: str) -> str:
    return word[:-2] if _possessive(word) else word


@lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> str:
    """The index key of one word, possessive dropped ("Peru's" -> "peru")."""
    return normalize_name(_strip_possessive(word))


@lru_cache(maxsize=1)
def _demonym_spans() -> dict[str, int]:
    """First word of each demonym -> most words of a demonym starting with it."""
    spans: dict[str, int] = {}
    for key in load_demonyms():
        words = key.split()
        spans[words[0]] = max(spans.get(words[0], 0), len(words))
    return spans


class _Words:
    """The words of a text with their offsets; sentence starts and headline lines on demand."""

    __slots__ = ("text", "words", "starts", "ends", "_title_case")

    def __init__(self, text: str) -> None:
        self.text = text
        self.words: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        for m in TOKEN_RE.finditer(text):
            self.words.append(m.group())
            self.starts.append(m.start())
            self.ends.append(m.end())
        self._title_case: dict[int, bool] = {}

    def initial(self, i: int) -> bool:
        """Whether word ``i`` starts a sentence or a line."""
        return i == 0 or starts_sentence(self.words[i - 1], self.text[self.ends[i - 1]:self.starts[i]])

    def joinable(self, i: int) -> bool:
        """Whether words ``i`` and ``i + 1`` may belong to one name (space, hyphen or dot
        between them) and word ``i`` is not a possessive."""
        return not _possessive(self.words[i]) and self.text[self.ends[i]:self.starts[i + 1]].strip(" ") in ("", ".", "-")

    def name_end(self, i: int) -> int:
        return self.ends[i] - 2 if _possessive(self.words[i]) else self.ends[i]

    def line_start(self, pos: int) -> int:
        return self.text.rfind("\n", 0, pos) + 1

    def title_case(self, i: int) -> bool:
        """Whether word ``i``'s line is written in headline Title Case."""
        start = self.line_start(self.starts[i])
        known = self._title_case.get(start)
        if known is None:
            end = self.text.find("\n", start)
            line = self.text[start:end if end >= 0 else len(self.text)]
            known = self._title_case[start] = is_title_case_line(tokenize(line))
        return known
