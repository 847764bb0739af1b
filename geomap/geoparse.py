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
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise

from .geocode.gazetteer import (PRECISION_OF_KIND, Entry, GeoNamesGazetteer, get_gazetteer, importance, km,
                                normalize_name)
from .model import Toponym
from .resources import read_tsv
from .text import TOKEN_RE, is_title_case_line, starts_sentence
from .usercache import load_or_build, package_version

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
    "journal", "gazette", "broadcasting", "telegraph", "chronicle", "institute", "foundation", "corporation",
    "association",
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
    "capital", "centre", "center", "coast", "bay", "bar", "store", "island",
    "islands", "lakes", "valley", "highlands", "interior", "plateau", "mary", "paul", "van",
}
_CONNECTORS = {"of", "de", "del", "es", "la", "las", "los", "do", "da", "dos", "das", "upon", "on",
               "sur", "and", "y", "e", "the", "al", "el", "di", "du", "des", "le", "am", "an", "der"}
_ADMIN_CUES_BEFORE = re.compile(
    r"\b(?:district|province|region|department|state|county|municipality|governorate|oblast|"
    r"distrito|provincia|región|departamento|estado|municipio|prefecture)\s+of\s+(?:the\s+)?$", re.I)
_ADMIN_CUES_AFTER = re.compile(
    r"^\s+(?:district|province|region|department|county|parish|municipality|governorate|oblast|prefecture)\b", re.I)
# Names mentioned within this many characters (about a paragraph) of each other are read together:
# an area named so near contains the place if it can.
_NEAR_CHARS = 600
# A country named this near a place name (about a sentence) speaks for that country's readings.
_SAME_SENTENCE_CHARS = 120
_LOCAL_COUNTRY = 1.0
_COMMA_GAP = re.compile(r",\s*")  # between "Lima" and "Ohio", or the names of a list
# "Washington state", "New York state"; capitalised, as Nigeria writes "Niger State", unless a
# university follows ("Ohio State University").
_STATE_CUE_AFTER = re.compile(r"^\s+(?:state|State(?!\s+(?:University|College|Universit)))\b")


@lru_cache(maxsize=1)
def load_demonyms() -> dict[str, str]:
    """Demonym and adjective forms (normalised) mapped to their country's alpha-2 code."""
    out: dict[str, str] = {}
    for cc, _lang, form in read_tsv("demonyms.tsv", 3):
        key = normalize_name(form)
        if key and key not in out:
            out[key] = cc
    return out


def _common_words(n: int = 8000, language: str = "en") -> frozenset[str]:
    """The ``n`` most frequent words of a language (English unless told; remembered)."""
    words = _COMMON.get((n, language))
    if words is None:
        ranked = _RANKED.get(language)
        if ranked is None or n > len(ranked):  # the list is read once per language
            ranked = _RANKED[language] = _ranked_words(n, language)
        words = _COMMON[(n, language)] = frozenset(ranked[:n])
    return words


_COMMON: dict[tuple[int, str], frozenset[str]] = {}
_RANKED: dict[str, list[str]] = {}
_ARTICLES = frozenset({"el", "la", "los", "las", "o", "a", "os", "as"})  # Spanish and Portuguese
_OWN_LANGUAGE_WORDS = 1000  # in an es/pt article, a place spelt like one of these needs to be notable
_FUNCTION_WORDS = 200  # ... and one spelt like these to be a country or a region


_COMMON_CACHED = 8000  # words kept in the user cache: importing wordfreq to list them takes 0.7 s


def _load_common_words(n: int, language: str = "en") -> frozenset[str]:
    """The ``n`` most frequent words of ``language``: a place name spelt like one needs more
    than a capital letter, and the first 400 English ones ("the", "we", "for") are never places
    on their own."""
    return frozenset(_ranked_words(n, language)[:n])


def _ranked_words(n: int, language: str) -> list[str]:
    """At least the ``n`` most frequent words of ``language``, most frequent first: from the
    installed ``wordfreq``, kept in the user cache folder keyed by wordfreq's version."""
    if n > _COMMON_CACHED:
        return _wordfreq_top(n, language)

    def decode(data: bytes) -> list[str]:
        words = data.decode("utf-8").split("\n")
        if len(words) != _COMMON_CACHED:
            raise ValueError(f"{len(words)} words, expected {_COMMON_CACHED}")
        return words

    return load_or_build(f"common-words-{language}", package_version("wordfreq"), "txt",
                         lambda: _wordfreq_top(_COMMON_CACHED, language), lambda w: "\n".join(w).encode("utf-8"),
                         decode)


def _wordfreq_top(n: int, language: str = "en") -> list[str]:
    from wordfreq import top_n_list

    return top_n_list(language, n)


@dataclass(slots=True)
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
        self._starters: dict[str, tuple[int, bool]] = {}
        self._matches: dict[str, tuple | None] = {}

    # ---------------------------------------------------------------- recognition
    def recognize(self, text: str, language: str | None = None) -> list[Candidate]:
        """Place-name candidates in ``text``, longest match first, left to right.

        One regular-expression pass finds the capitalised words; each is looked up as the first
        word of the index's keys (a dictionary hit or miss), and only words that can begin a
        place name are matched further, as far as the longest key beginning with them, with
        the few words around them tokenised on demand.
        """
        starters, matches = self._starters, self._matches
        if len(starters) > 500_000:  # bounded memos of the capitalised words and runs seen
            starters.clear()
        if len(matches) > 500_000:
            matches.clear()
        title_case: dict[int, bool] = {}
        out: list[Candidate] = []
        resume = 0  # after a name kept, the next one starts after it
        for m in _CAPITALISED_RE.finditer(text):
            if m.start() < resume:
                continue
            word = m.group()
            starter = starters.get(word)
            if starter is None:
                starter = starters[word] = self._starter(word)
            span, alone = starter
            if not span or not alone and not _CONTINUATION_RE.match(text, m.end()):
                continue  # no name starts with this word, or only longer ones and none follows
            start = m.start()
            run_end = _RUN_RE.match(text, start).end()
            after = TOKEN_RE.search(text, run_end)
            # The longest name depends only on the run and the word after it: remembered.
            run = text[start:run_end if after is None else after.end()]
            found = matches.get(run, _UNSEEN)
            if found is None:
                continue
            doc = _Words(text, start, run_end, after, title_case)
            if found is _UNSEEN:
                found = self._longest_match(doc, 0, span)
                if found is not None and not self._may_be_kept(doc.words[0], found):
                    found = None  # no context would keep it: remembered as no name
                matches[run] = found
                if found is None:
                    continue
            j, key, entries, is_demonym, compound = found
            entries = list(entries)
            i = doc.add_words_before()  # for the context tests, only now that a name matched
            j += i
            cand = Candidate(doc.starts[i], doc.name_end(j - 1), "", key, entries,
                             demonym=is_demonym, compound=compound)
            if text.startswith(".", cand.end) and not text.startswith("..", cand.end) \
                    and self.gazetteer.ends_with_dot(key, text[cand.start:cand.end]):
                cand.end += 1  # "Charleston, W.Va.": the abbreviation's dot belongs to it
            cand.surface = text[cand.start:cand.end]
            if self._keep(doc, i, j, cand) and self._keep_in_language(doc, i, j, cand, language):
                before = text[max(doc.line_start(cand.start), cand.start - 40):cand.start]
                after = text[cand.end:cand.end + 20]
                cand.admin_cue = bool(_ADMIN_CUES_BEFORE.search(before) or _ADMIN_CUES_AFTER.match(after)
                                      or _STATE_CUE_AFTER.match(after))
                out.append(cand)
                resume = doc.ends[j - 1]
        self._link_qualifiers(text, out)
        return out

    def _starter(self, word: str) -> tuple[int, bool]:
        """How many words the longest name starting with ``word`` may have (0: none), and
        whether ``word`` on its own may be a place name: indexed (and not one of the most
        common words unless written as an abbreviation: "US"), a demonym or a compound."""
        key = _word_key(word)
        first = key.partition(" ")[0]
        span = max(self.gazetteer.first_word_span(first), _demonym_spans().get(first, 0))
        if "-" in word:
            return max(span, 1), True
        if key in load_demonyms():
            return span, True
        alone = self.gazetteer.has_key(key) and (
            key not in _common_words(400) or self.gazetteer.is_abbreviation(key, word))
        return span, alone

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
            key = doc.key(i, j) or normalize_name(surface)
            if key in demonyms and _demonym_written(key, surface):
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

    def _may_be_kept(self, first: str, found: tuple) -> bool:
        """Whether some context could keep a match (``_longest_match``'s result) whose first word
        is ``first``: not a single word among the most common ones ("The", "But"), nor a common
        word that names nothing notable ("March", "Police"), nor a short acronym of a small place."""
        j, key, entries, is_demonym, _compound = found
        if is_demonym or j != 1:
            return True
        word = _strip_possessive(first).lower()
        top = entries[0]
        if word in _common_words() and not self.gazetteer.is_abbreviation(key, first):
            if word in _common_words(400) or not (_named(top, key) or any(_notable(e, word) for e in entries)):
                return False
        big = top.kind in ("country", "region", "water") or (top.kind == "admin" and top.level == 1) \
            or top.population >= 1_000_000
        return not (len(word) <= 3 and first.isupper() and not big)  # acronyms are rarely small towns

    def _keep(self, doc: "_Words", i: int, j: int, cand: Candidate) -> bool:
        """Whether the context keeps a match that ``_may_be_kept``."""
        words, text = doc.words, doc.text
        first, last = words[i], words[j - 1]
        single = j - i == 1
        word = _strip_possessive(first).lower()
        top = cand.entries[0]
        big = top.kind in ("country", "region", "water") or (top.kind == "admin" and top.level == 1) \
            or top.population >= 1_000_000
        if text.startswith("$", doc.ends[j - 1]):
            return False  # a currency: US$, NZ$, HK$, R$
        if single and first.isupper() and len(first) >= 3 and not big and not self.gazetteer.is_abbreviation(
                cand.key, first) and _spelt_out_before(text, doc.starts[i], first):
            return False  # "Força Aérea Nacional Angolana (FANA)": an acronym, not Fana in Mali
        if (i > 0 and words[i - 1].lower() in _HEADS_AND_CONNECTORS and self._after_topographic_head(doc, i)) or (
                single and word in _TOPOGRAPHIC_HEADS and first[:1].isupper() and _REST_OF_A_NAME.match(text, doc.ends[j - 1])):
            return False  # "Laguna de Nejapa", "Puerto Cabezas": a longer name the gazetteer lacks, head or tail
        if cand.demonym:
            return not self._inside_org_name(doc, i, j)
        if single and word in _common_words() and not self.gazetteer.is_abbreviation(cand.key, first):
            # A common word needs to be a country, region or sizeable city, and not merely
            # capitalised because it starts a sentence or a headline.
            if doc.initial(i) or doc.title_case(i) or first.isupper():
                if not _named(top, cand.key) or first.isupper():
                    return False
            elif not any(_notable(e, word) for e in cand.entries):
                return False  # "California", "Texas", "England" stay; "Central", "Western" (provinces) go
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
                if nxt.lower() not in _ORG_WORDS and not big and (single or not self._is_place_word(nxt)):
                    if not doc.title_case(i):
                        return False
        return True

    @staticmethod
    def _after_topographic_head(doc: "_Words", i: int) -> bool:
        """Whether word ``i`` follows a capitalised Spanish or Portuguese topographic head
        ("Laguna de", "Puerto", "Serra do"), within one name."""
        k = i - 1
        while k >= 0 and i - k <= 2 and doc.words[k].lower() in _NAME_CONNECTORS and doc.text[doc.ends[k]:doc.starts[k + 1]] == " ":
            k -= 1
        return k >= 0 and doc.words[k][:1].isupper() and doc.words[k].lower() in _TOPOGRAPHIC_HEADS \
            and doc.text[doc.ends[k]:doc.starts[k + 1]] == " "

    def _keep_in_language(self, doc: "_Words", i: int, j: int, cand: Candidate, language: str | None) -> bool:
        """In a Spanish or Portuguese article, one of that language's 200 most common words
        ("Para", "Según") names only a country or a region, and one of its 1,000 most common
        ("Centro", "Congreso") only those, a first-level area or a place of 100,000 people
        (frequent names such as Madrid or Lima are among those words too); after a lower-case
        article, so does one of its 8,000 most common ("la Marina" is the navy, "la Habana" Havana)."""
        if language not in ("es", "pt") or cand.demonym or cand.compound:
            return True
        top = cand.entries[0]
        if j - i == 2 and doc.words[i].lower() in _ARTICLES:
            if top.kind != "country" and any(e.kind == "country" for e in self.gazetteer.lookup(doc.words[i + 1])):
                return False  # "El Perú", "la Argentina": the country, matched from its own name next
            i += 1  # "El Congreso": judged by its noun
        elif j - i != 1:
            return True
        first = doc.words[i]
        word = _strip_possessive(first).lower()
        # after a lower-case article, any common noun is read as one ("la Marina", "o Exército")
        after_article = i > 0 and doc.words[i - 1] in _ARTICLES and doc.text[doc.ends[i - 1]:doc.starts[i]] == " "
        common = _common_words(_COMMON_CACHED if after_article else _OWN_LANGUAGE_WORDS, language)
        if top.kind not in ("country", "region", "water") and top.population < 500_000 and j < len(doc.words) \
                and doc.joinable(j - 1) and doc.words[j][:1].isupper() and not self._names_a_town(doc.words[j]) \
                and word in _common_words(_COMMON_CACHED, language):
            return False  # "Guarda Costeira", "Guardia Civil": a common noun and its adjective name a body
        if top.kind in ("country", "region", "water") or word not in common \
                or self.gazetteer.is_abbreviation(cand.key, first):
            return True
        if word in _common_words(_FUNCTION_WORDS, language):
            return False
        return (top.kind == "admin" and top.level == 1) or top.population >= 100_000

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

    def _names_a_town(self, word: str) -> bool:
        """Whether a word alone names a country or a town of 10,000 people or more."""
        return any(e.kind == "country" or (e.kind == "city" and e.population >= 10_000)
                   for e in self.gazetteer.lookup(_strip_possessive(word)))

    def _is_place_word(self, word: str) -> bool:
        key = _word_key(word)
        return self.gazetteer.has_key(key) or key in load_demonyms()

    def _link_qualifiers(self, text: str, cands: list[Candidate]) -> None:
        """Link "Lima, Ohio" style pairs: the second names an area containing the first.

        Names in a comma-separated chain are qualifiers only if every one may contain the one
        before it ("Dallas, Texas, United States"); otherwise the chain is an enumeration
        ("Mexico, China, Japan, Ukraine": not the town of China in Japan)."""
        chain: list[Candidate] = []
        for a, b in zip(cands, [*cands[1:], None]):
            chain.append(a)
            if b is not None and _COMMA_GAP.fullmatch(text, a.end, b.start):
                continue
            pairs = list(pairwise(chain))
            if all(self._qualifier_of(place, area) for place, area in pairs):
                for place, area in pairs:
                    place.qualifier = area
            chain = []

    def _qualifier_of(self, a: Candidate, b: Candidate) -> bool:
        """Whether ``b`` may name an area containing ``a``."""
        if b.demonym:
            return False
        quals = [q for q in b.entries if q.kind in ("country", "admin")]
        return any(self.gazetteer.qualifies(q, e) for q in quals for e in a.entries)

    # ---------------------------------------------------------------- resolution
    def resolve(self, cands: list[Candidate]) -> list[Candidate]:
        """Choose an entry for every candidate, using the document's own context."""
        gaz = self.gazetteer
        for c in cands:
            if not c.admin_cue:
                # "Mexico", "Taiwan", "Kuwait" name the country, not a place of that very country
                # also called so (the State of Mexico, Taiwan Province, Kuwait City), unless the
                # text says it means an area ("Mexico state").
                countries = {e.country for e in c.entries if e.kind == "country"}
                if countries:
                    c.entries = [e for e in c.entries if e.kind == "country" or e.country not in countries]
            elif any(e.kind == "admin" for e in c.entries):
                c.entries = [e for e in c.entries if e.kind != "country"]  # "Niger State" is in Nigeria
            if c.qualifier is not None:
                quals = [q for q in c.qualifier.entries if q.kind in ("country", "admin")]
                narrowed = [e for e in c.entries if any(gaz.qualifies(q, e) for q in quals)]
                c.entries = narrowed or c.entries
                # ... and the qualifier itself is the area that contains the place ("Kan." in
                # "Wichita, Kan." is Kansas, not Kano).
                c.qualifier.entries = [q for q in quals if any(gaz.qualifies(q, e) for e in c.entries)] \
                    or c.qualifier.entries
        # First pass: context-free choice; then two passes with the others' choices as context.
        for c in cands:
            c.choice = max(c.entries, key=_prior)
        pairing = _Pairing(gaz, cands)
        scored_at: dict[str, int] = {}
        changes: list[str] = []
        for _ in range(2):
            if not self._pass(cands, pairing, scored_at, changes):
                break  # nothing changed: another pass would score the same
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

    def _pass(self, cands: list[Candidate], pairing: "_Pairing", scored_at: dict[str, int],
              changes: list[str]) -> bool:
        """Score every candidate's entries with the other names' current choices as context;
        whether any choice changed. ``changes`` logs the names whose choice (of their first
        mention) changed, ``scored_at`` how long that log was when each name was last scored:
        a name none of the others of which changed since is not scored again."""
        changed = False
        groups: dict[str, list[Candidate]] = {}
        for c in cands:
            groups.setdefault(c.key, []).append(c)
        # A name repeated is one piece of evidence, not several: its first mention speaks for it.
        firsts = [group[0] for group in groups.values()]
        context: _Context | None = None
        for key, group in groups.items():  # in text order; each sees the latest choices
            if all(len(c.entries) == 1 for c in group):
                for c in group:  # nothing to choose ("Peru", "Turkish")
                    c.choice = c.entries[0]
                    c.score = _prior(c.choice)
                    c.scores = {c.choice.id: c.score}
                continue
            last = scored_at.get(key)
            if last is not None and all(k == key for k in changes[last:]):
                continue  # the same context as when last scored: the same scores and choices
            scored_at[key] = len(changes)
            if context is None:
                context = _Context(self.gazetteer, firsts, {k: [c.start for c in g] for k, g in groups.items()})
            context.exclude(key)
            first_choice = group[0].choice
            scored: dict[tuple, dict[str, float]] = {}  # mentions with the same readings score the same
            for c in group:
                readings = (c.admin_cue, *(e.id for e in c.entries))
                scores = scored.get(readings)
                if scores is None:
                    scores = context.scores(c.entries, c.admin_cue)
                    if pairing.counties:  # a town and its county may pair
                        for e in c.entries:
                            scores[e.id] += pairing.bonus(e, key)
                    scored[readings] = scores
                c.scores = scores
                best = max(c.entries, key=lambda e: (scores[e.id], e.id))
                changed = changed or best is not c.choice
                c.choice = best
                c.score = scores[best.id]
            if group[0].choice is not first_choice:
                changes.append(key)
                context = None  # read again with this name's new choice
        return changed

    # ---------------------------------------------------------------- public API
    def parse(self, text: str, language: str | None = None) -> list[Toponym]:
        """Every place name in ``text``, resolved, in text order."""
        cands = self.resolve(self.recognize(text, language))
        return [c.to_toponym() for c in cands if self.demonyms or not c.demonym]


class _Context:
    """What the current choices of the names say: country support, points, administrative
    areas and first-level areas, indexed by country (and points by latitude), each with the
    name that chose it, and where each name is mentioned (an area contains a place only if it
    is named within ``_NEAR_CHARS`` of it). ``exclude(key)`` reads it without that name's own
    choice, for scoring that name's readings."""

    __slots__ = ("admin1s", "admins", "countries", "gaz", "in_area", "key", "mine", "own", "point_lats", "points_by_lat",
                 "points_n", "support", "us_states", "mentions", "mention_starts", "positions", "_nearby",
                 "_near_countries")

    _NOTHING = (None, 0.0, False, False, None)

    def __init__(self, gaz: GeoNamesGazetteer, firsts: list[Candidate], positions: dict[str, list[int]]) -> None:
        """``firsts``: the first mention of each name, which speaks for it; ``positions``: where
        each name is mentioned."""
        self.gaz = gaz
        self.support: dict[str, float] = {}
        self.admins: dict[str | None, list[tuple[str, Entry]]] = {}
        self.admin1s: dict[str | None, list[tuple[str, Entry]]] = {}
        self.points_n: dict[str | None, int] = {}
        self.us_states: dict[str, list[str]] = {}  # US states chosen -> by which names
        self.mentions = sorted((start, key) for key, starts in positions.items() for start in starts)
        self.mention_starts = [start for start, _key in self.mentions]
        self.positions = positions
        self._nearby: set[str] | None = None
        self._near_countries: set[str] | None = None
        self.countries: dict[str, str] = {}  # name -> the country it names (not demonyms: "Dutch design")
        self.in_area: dict[tuple[str | None, str], int] = {}  # (country, first-level area) -> points in it
        # name -> what its choice adds: (country, support weight, is an area, is a point, area)
        self.own: dict[str, tuple] = {}
        points: list[tuple[float, str, Entry]] = []
        for o in firsts:
            e = o.choice
            if e is None:
                continue
            weight = 0.0
            if e.country:
                weight = 0.5 if e.kind == "country" or e.capital or o.demonym else 1.0
                self.support[e.country] = self.support.get(e.country, 0.0) + weight
                if e.kind == "country" and not o.demonym:
                    self.countries[o.key] = e.country
            if e.kind == "city" and (seat_of := self._area_of_seat(e)) is not None:
                self.admins.setdefault(e.country, []).append((o.key, seat_of))  # "Lima" also names its region
            if e.kind == "admin":
                self.admins.setdefault(e.country, []).append((o.key, e))
                if e.level == 1:
                    self.admin1s.setdefault(e.country, []).append((o.key, e))
                    if e.country == "US":
                        self.us_states.setdefault(e.name, []).append(o.key)
            point = e.kind in ("city", "admin") and not e.capital
            area = None
            if point:
                points.append((e.lat, o.key, e))
                self.points_n[e.country] = self.points_n.get(e.country, 0) + 1
                name = gaz.admin1_name(e)
                if name is not None:
                    area = (e.country, name)
                    self.in_area[area] = self.in_area.get(area, 0) + 1
            self.own[o.key] = (e.country, weight, e.kind == "admin", point, area)
        points.sort(key=lambda p: p[0])
        self.points_by_lat = points
        self.point_lats = [p[0] for p in points]
        self.key = ""
        self.mine = self._NOTHING

    def _area_of_seat(self, city: Entry) -> Entry | None:
        """The first-level area named after ``city`` that holds it (Lima's region), if any."""
        return next((a for a in self.gaz.lookup(city.name) if a.id in _seats([a, city])), None)

    def exclude(self, key: str) -> None:
        """Read the context without the choice of the name ``key`` from now on."""
        self.key = key
        self.mine = self.own.get(key, self._NOTHING)
        self._nearby = None
        self._near_countries = None

    def nearby(self) -> set[str]:
        """The other names mentioned within ``_NEAR_CHARS`` of a mention of the current one."""
        if self._nearby is None:
            starts, found = self.mention_starts, set()
            for at in self.positions.get(self.key, ()):
                lo = bisect_left(starts, at - _NEAR_CHARS + 1)
                hi = bisect_right(starts, at + _NEAR_CHARS - 1)
                found.update(key for _start, key in self.mentions[lo:hi])
            found.discard(self.key)
            self._nearby = found
        return self._nearby

    def near_countries(self) -> set[str]:
        """For each mention of the current name, the country named nearest to it within
        ``_SAME_SENTENCE_CHARS`` ("Colombia's shipyard at Cartagena")."""
        if self._near_countries is None:
            starts, found = self.mention_starts, set()
            for at in self.positions.get(self.key, ()):
                lo = bisect_left(starts, at - _SAME_SENTENCE_CHARS)
                hi = bisect_right(starts, at + _SAME_SENTENCE_CHARS)
                near = [(abs(start - at), self.countries[key]) for start, key in self.mentions[lo:hi]
                        if key in self.countries]
                if near:
                    closest = min(near)[0]
                    found.update(cc for distance, cc in near if distance == closest)
            self._near_countries = found
        return self._near_countries

    def scores(self, entries: list[Entry], admin_cue: bool) -> dict[str, float]:
        """Each entry's prior plus what the other names' choices say for it, by entry id; what
        depends only on the country is worked out once per country."""
        own_cc, own_weight, own_admin, own_point, own_area = self.mine
        by_country: dict[str | None, tuple[float, int, bool, float]] = {}
        out: dict[str, float] = {}
        seats = _seats(entries) if len(entries) > 1 else {}
        for e in entries:
            s = _prior(e)
            cc = e.country
            per_country = by_country.get(cc)
            if per_country is None:
                mine = own_cc == cc
                support = self.support.get(cc, 0.0) - (own_weight if mine else 0.0)
                admins = len(self.admins.get(cc, ())) - (mine and own_admin)
                placed = bool(admins or self.points_n.get(cc, 0) - (mine and own_point))
                local = _LOCAL_COUNTRY if cc and cc in self.near_countries() else 0.0
                per_country = by_country[cc] = (1.5 * min(support, 3.0) if cc else 0.0, admins, placed, local)
            support_bonus, admins, placed, local = per_country
            kind = e.kind
            if kind != "country":
                s += support_bonus
            if kind in ("city", "admin"):
                s += local
            if placed and kind in ("city", "admin"):
                if admins and self._contained(e):
                    s += 6.0
                s += 2.5 * self._near(e)
                if kind == "admin" and e.level == 1:
                    inside = self.in_area.get((cc, e.name), 0) - (own_area == (cc, e.name))
                    s += 4.0 * min(inside, 2)
                    # Sibling areas named beside it: "Georgia and Florida" are US states.
                    key = self.key
                    s += 2.0 * min(sum(1 for k, a in self.admin1s.get(cc, ()) if k != key and a.id != e.id), 4)
            if admin_cue and kind == "admin":
                s += 2.0
            out[e.id] = s
        if not admin_cue:  # what points at the area points at its seat, the place meant
            for area, city in seats.items():
                out[city], out[area] = max(out[city], out[area] + 0.5), min(out[area], out[city] - 0.5)
        return out

    def _near(self, e: Entry) -> int:
        """How many points (up to 3) lie within 150 km of ``e``, ``e`` itself left out."""
        lats, points, key = self.point_lats, self.points_by_lat, self.key
        near = 0
        for n in range(bisect_left(lats, e.lat - 1.5), bisect_right(lats, e.lat + 1.5)):
            _lat, k, p = points[n]
            if k != key and abs(p.lat - e.lat) < 1.4 and _lon_close(p.lon, e.lon, e.lat) and p.id != e.id \
                    and km(p.lat, p.lon, e.lat, e.lon) < 150:
                near += 1
                if near == 3:
                    break
        return near

    def _contained(self, e: Entry) -> bool:
        """Whether an area named near a mention of the current name (other than ``e``) contains
        ``e`` (gaz.qualifies), with a US town's state looked up once rather than compared with
        each state named. An area named only far away in the text ("the FAO in Rome" and, four
        paragraphs on, New York state) says nothing of which place is meant."""
        gaz, admins = self.gaz, self.admins.get(e.country, ())
        nearby = self.nearby()
        if not nearby:
            return False
        if e.kind == "city" and e.country == "US":
            if any(k in nearby for k in self.us_states.get(gaz.admin1_name(e), ())):
                return True
            return any(k in nearby and a.level >= 2 and gaz.qualifies(a, e) for k, a in admins)
        return any(k in nearby and a.id != e.id and gaz.qualifies(a, e) for k, a in admins)


class _Pairing:
    """Readings that may pair across names, whatever their current choice: a county's towns
    and a town's county ("Gainesville" and "Hall County" are both in Georgia), indexed by
    state, with the name that reads them."""

    __slots__ = ("cities", "counties", "gaz")

    def __init__(self, gaz: GeoNamesGazetteer, cands: list[Candidate]) -> None:
        self.gaz = gaz
        self.counties: dict[str, list[tuple[str, Entry]]] = {}
        self.cities: dict[str, list[tuple[str, Entry]]] = {}
        for o in cands:
            for e in o.entries:
                if e.kind == "admin" and e.level >= 2:
                    self.counties.setdefault(e.admin1, []).append((o.key, e))
        if not self.counties:
            return  # no county named: nothing pairs
        for o in cands:
            for e in o.entries:
                if e.kind == "city":
                    state = gaz.admin1_name(e)
                    if state is not None:
                        self.cities.setdefault(state, []).append((o.key, e))

    def bonus(self, e: Entry, key: str) -> float:
        """4 if a reading of another name than ``key`` pairs with ``e``: a town and a county in
        the same state, within 60 km of each other."""
        if e.kind == "city":
            state = self.gaz.admin1_name(e)
            others = self.counties.get(state, ()) if state is not None else ()
        elif e.kind == "admin" and e.level >= 2:
            others = self.cities.get(e.admin1, ())
        else:
            return 0.0
        for k, r in others:
            if k != key and abs(r.lat - e.lat) < 0.6 and km(r.lat, r.lon, e.lat, e.lon) < 60:
                return 4.0
        return 0.0


def _named(top: Entry, key: str) -> bool:
    """Whether a common word at a sentence start may name ``top`` (the first reading of
    ``key``): a country or region, or a capital or a city of 500,000 by this very name."""
    return top.kind in ("country", "region", "water") or (
        normalize_name(top.name) == key and (top.capital or top.population >= 500_000))


def _notable(e: Entry, word: str) -> bool:
    """Whether an entry is notable enough for a capitalised common word to name it mid-sentence:
    a country or region, a city of 100,000, a first-level area (a populous one if the word is
    among the 2,000 most common, and not a descriptive word such as "Central")."""
    if e.kind in ("country", "region", "water"):
        return True
    if e.kind == "city":
        return e.population >= 100_000
    return e.kind == "admin" and e.level == 1 and (
        word not in _common_words(2000) or (e.population >= 1_000_000 and word not in _GENERIC_AREA_WORDS))


def _lon_close(a: float, b: float, lat: float) -> bool:
    """A quick test before the distance: longitudes under 3.5 degrees apart (150 km at most
    up to latitude 66), or across the antimeridian, or nearer the poles."""
    d = abs(a - b)
    return d < 3.5 or d > 356.5 or abs(lat) > 66


_PRIORS: dict[str, float] = {}


def _seats(entries: list[Entry]) -> dict[str, str]:
    """First-level areas named after a city in them that holds a third of their people, by id,
    with the city's id: named bare, "Ankara", "Istanbul" or "New York" is the city; an area cue
    ("the province of Ankara") makes it the area."""
    cities = {(e.country, normalize_name(e.name)): e for e in entries if e.kind == "city"}
    out = {}
    for e in entries:
        if e.kind == "admin" and e.level == 1:
            city = cities.get((e.country, normalize_name(e.name)))
            if city is not None and 3 * city.population >= e.population:
                out[e.id] = city.id
    return out


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
def _spelt_out_before(text: str, start: int, acronym: str) -> bool:
    """Whether the acronym at ``start`` stands in brackets after the words it abbreviates."""
    if not text[:start].endswith("("):
        return False
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text[max(0, start - 120):start - 1])
             if w[:1].isupper()]
    return "".join(w[0] for w in words).upper().endswith(acronym.upper())


def _word_key(word: str) -> str:
    """The index key of one word, possessive dropped ("Peru's" -> "peru")."""
    return normalize_name(_strip_possessive(word))


@lru_cache(maxsize=1)
def _demonym_forms() -> dict[str, frozenset[str]]:
    """Index key of each demonym -> its forms as written, in lower case ("francés", "french")."""
    forms: dict[str, set[str]] = defaultdict(set)
    for _cc, _lang, form in read_tsv("demonyms.tsv", 3):
        forms[normalize_name(form)].add(" ".join(form.lower().replace("-", " ").split()))
    return {k: frozenset(v) for k, v in forms.items()}


def _demonym_written(key: str, surface: str) -> bool:
    """Whether ``surface`` is a demonym as written, accents included: "Germán" (a name) is not
    "German", nor "Frances" "francés"."""
    written = " ".join(surface.translate(_QUOTES).lower().replace("-", " ").split())
    if written.endswith(("'s", "'")):
        written = written[:-2] if written.endswith("'s") else written[:-1]
    forms = _demonym_forms().get(key, frozenset())
    return written in forms or (written.isascii() and any(f.isascii() for f in forms))


_QUOTES = str.maketrans({"’": "'", "‘": "'"})


@lru_cache(maxsize=1)
def _demonym_spans() -> dict[str, int]:
    """First word of each demonym -> most words of a demonym starting with it."""
    spans: dict[str, int] = {}
    for key in load_demonyms():
        words = key.split()
        spans[words[0]] = max(spans.get(words[0], 0), len(words))
    return spans


class _Words:
    """The words around a capitalised word, with offsets: the run of capitalised words and
    connectors it begins (up to ``run_end``) and one after, and on demand the two before it;
    sentence starts and headline lines on demand."""

    __slots__ = ("_title_case", "ends", "first", "starts", "text", "words")

    def __init__(self, text: str, start: int, run_end: int, after: re.Match | None,
                 title_case: dict[int, bool]) -> None:
        self.text = text
        self._title_case = title_case
        self.first = 0
        self.starts, self.ends, self.words = starts, ends, words = [], [], []
        for m in TOKEN_RE.finditer(text, start, run_end):
            starts.append(m.start())
            ends.append(m.end())
            words.append(m.group())
        if after is not None:
            starts.append(after.start())
            ends.append(after.end())
            words.append(after.group())
        for k, word in enumerate(words):  # "Tehran-based", "Abu Dhabi-born": the name without its suffix
            suffix = _LOCATIVE_SUFFIX.search(word)
            if suffix is not None:
                words[k] = word[:suffix.start()]
                ends[k] -= len(suffix.group())

    def add_words_before(self) -> int:
        """Prepend the (at most) two words before the run; returns the run's first index."""
        text, start = self.text, self.starts[0]
        lo = max(0, start - 24)  # three words are enough: the first may be cut
        before = [m.span() for m in TOKEN_RE.finditer(text, lo, start)]
        if lo > 0 and len(before) < 3:
            lo = max(0, start - 160)
            before = [m.span() for m in TOKEN_RE.finditer(text, lo, start)]
        if lo > 0 and before and before[0][0] == lo:
            before = before[1:]  # may be cut
        before = before[-2:]
        self.first = len(before)
        self.starts[:0] = [a for a, _ in before]
        self.ends[:0] = [b for _, b in before]
        self.words[:0] = [text[a:b] for a, b in before]
        return self.first

    def initial(self, i: int) -> bool:
        """Whether word ``i`` starts a sentence or a line."""
        return i == 0 or starts_sentence(self.words[i - 1], self.text[self.ends[i - 1]:self.starts[i]])

    def joinable(self, i: int) -> bool:
        """Whether words ``i`` and ``i + 1`` may belong to one name (space, hyphen or dot
        between them) and word ``i`` is not a possessive."""
        return not _possessive(self.words[i]) and self.text[self.ends[i]:self.starts[i + 1]].strip(" ") in ("", ".", "-")

    def key(self, i: int, j: int) -> str | None:
        """The index key of words i..j from their own keys, where only spaces and hyphens
        separate them (else None: the caller normalises the surface)."""
        if j - i == 1:
            return _word_key(self.words[i])
        for k in range(i, j - 1):
            if self.text[self.ends[k]:self.starts[k + 1]].strip(" ") not in ("", "-"):
                return None
        return " ".join(_word_key(w) for w in self.words[i:j])

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
            end = len(self.text) if end < 0 else end
            # Headlines are short: a long line is a paragraph, whatever its capitals.
            known = self._title_case[start] = end - start <= _HEADLINE_MAX_CHARS and is_title_case_line(
                TOKEN_RE.findall(self.text, start, end))
        return known


_HEADLINE_MAX_CHARS = 300
# What a place name may carry after a hyphen, as part of one word ("a Tehran-based firm")
_LOCATIVE_SUFFIX = re.compile(r"(?<=[^\W\d_])-(?:based|born|headquartered|registered|listed|flagged)$")
# Spanish and Portuguese words that head a longer geographic name ("Laguna de Nejapa"), the
# words that join such a name, and the rest of it after the head ("de Nejapa", "Cabezas").
_TOPOGRAPHIC_HEADS = frozenset({
    "laguna", "lagoa", "lago", "río", "rio", "cerro", "bahía", "baía", "isla", "ilha", "sierra", "serra", "valle",
    "vale", "puerto", "porto", "playa", "praia", "golfo", "península", "volcán", "cabo", "monte", "punta", "ponta",
    "estero", "llano", "cordillera", "meseta", "salar", "arroyo", "quebrada", "bajo", "costa"})
_NAME_CONNECTORS = frozenset({"de", "del", "da", "do", "das", "dos", "la", "las", "los"})
_HEADS_AND_CONNECTORS = _TOPOGRAPHIC_HEADS | _NAME_CONNECTORS
_REST_OF_A_NAME = re.compile(r" (?:(?:de|del|da|do|das|dos)(?: la| las| los)? )?[A-ZÁÉÍÓÚÑÇ]")
_UNSEEN = object()  # a run not yet in Geoparser._matches
_UPPER = "".join(re.escape(chr(c)) for c in range(0x2FF) if chr(c).isupper()) + "Ѐ-ЯΆ-Ϋ"
# What may follow a word inside a longer name: a gap of spaces with at most one dot or
# hyphen, then a capitalised word or a connector.
_CONTINUATION_RE = re.compile(rf" *[.-]? *(?:[{_UPPER}]|(?:{'|'.join(sorted(_CONNECTORS))})\b)")
# A run of words that may form one name: a word, then capitalised words or connectors, each
# after a gap of spaces with at most one dot or hyphen.
_RUN_RE = re.compile(rf"(?:{TOKEN_RE.pattern})(?: *[.-]? *(?:(?=[{_UPPER}])(?:{TOKEN_RE.pattern})"
                     rf"|(?:{'|'.join(sorted(_CONNECTORS))})\b))*")
# A word (as TOKEN_RE reads it) that begins with a capital letter, at the start of a word:
# TOKEN_RE's two forms ("U.S.", "Lurigancho-Chosica") after the capital, which comes first
# so that the engine skips ahead to capitals (three times quicker than the lookbehinds first).
_CAPITALISED_RE = re.compile(rf"[{_UPPER}](?<![^\W_][{_UPPER}])(?<![^\W_][-'’][{_UPPER}])"
                             rf"(?:(?<=[A-Z])(?:\.[A-Z])+\.|[^\W_]*(?:[-'’][^\W_]+)*)")
