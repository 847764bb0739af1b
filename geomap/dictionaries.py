"""The event coder's dictionaries: actors, equipment, triggers, status cues and exporter priors.

Every dictionary is a data file in ``geomap/data`` (see SOURCES.md there); users extend them
with files of the same names in a folder of their own (``--dictionaries FOLDER``).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

try:
    from re import _parser as _re_parser  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _re_parser  # type: ignore[no-redef]

import yaml

from .exc import ConfigurationError
from .model import STATUS_ORDER
from .resources import data_path, read_tsv
from .usercache import load_or_build

__all__ = ["Actor", "EquipmentPattern", "Dictionaries", "PrefixIndex", "first_strings_of", "load_dictionaries", "STATUS_ORDER"]

@dataclass(frozen=True)
class Actor:
    """An organisation from the actors dictionary."""

    name: str
    country: str
    type: str

    @property
    def supplier_side(self) -> bool:
        return self.type in ("state_exporter", "defense_firm")


@dataclass(frozen=True)
class EquipmentPattern:
    pattern: re.Pattern[str]
    origin: str  # ISO alpha-2; several joined by "|" for equipment built by several countries
    category: str
    label: str


_PREFIX_LENGTH = 3
PREFIX_FORMAT = 1  # bump when the way first strings are worked out changes: cached ones are then stale
_MAX_PREFIXES = 4096
_LED = "(?<![\\w-])"  # how the dictionaries' patterns start: a match starts a word
# Where such a pattern, led by a word character, can match: the text's first characters there
# and the character after the word.
_WORD_START = re.compile(r"(?<![\w-])(?=(\w.{0,%d}))(?=\w+(.?))" % (_PREFIX_LENGTH - 1), re.S)
_AFTER_WORD = "\x00"  # a first string "\x00-": a word followed by "-" (a pattern led by \w+-)
_HEADS_CACHED = 200_000  # first-character strings remembered (a bound for long-running processes)
_WORD_CHAR = re.compile(r"\w")
try:  # characters that match others case-insensitively beyond their lower case ("ı" and "i")
    from re._casefix import _EXTRA_CASES as _CASE_FIXES  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    from sre_compile import _ignorecase_fixes as _CASE_FIXES  # type: ignore[no-redef]
_SPECIAL_CASE = frozenset(chr(c) for k, v in _CASE_FIXES.items() for c in (k, *v))


def _prefixes(items: list, budget: int) -> set[str] | None:
    """The strings (up to ``budget`` characters) that every match of a parsed pattern starts
    with ("" when a match may start with anything); None when the pattern does not say."""
    if budget == 0 or not items:
        return {""}
    op, arg = items[0]
    rest = items[1:]
    name = str(op)
    if name in ("AT", "ASSERT", "ASSERT_NOT"):  # zero-width: leaves the first characters to what follows
        return _prefixes(rest, budget)
    if name == "LITERAL":
        heads = {chr(arg)}
    elif name == "IN":
        heads = set()
        for kind, value in arg:
            if str(kind) == "LITERAL":
                heads.add(chr(value))
            elif str(kind) == "RANGE" and value[1] - value[0] < 10:
                heads.update(chr(c) for c in range(value[0], value[1] + 1))
            else:
                return None
    elif name == "SUBPATTERN":
        _group, add_flags, del_flags, sub = arg
        return None if add_flags or del_flags else _prefixes(list(sub) + rest, budget)
    elif name == "BRANCH":
        out: set[str] = set()
        for alternative in arg[1]:
            found = _prefixes(list(alternative) + rest, budget)
            if found is None:
                return None
            out |= found
        return out if len(out) <= _MAX_PREFIXES else None
    elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _high, sub = arg
        if budget == _PREFIX_LENGTH and low > 0 and _is_word_class(list(sub)) and rest and str(rest[0][0]) == "LITERAL" \
                and chr(rest[0][1]).isascii() and not _WORD_CHAR.match(chr(rest[0][1])):
            return {_AFTER_WORD + chr(rest[0][1])}  # a word, then this character right after it
        taken = _prefixes(list(sub), budget)  # what one repetition starts with (what follows is not read)
        if taken is None or low > 0:
            return taken
        skipped = _prefixes(rest, budget)
        return None if skipped is None else taken | skipped
    else:
        return None
    tails = _prefixes(rest, budget - 1)
    out = {h + t for h in heads for t in (tails if tails is not None else {""})}
    return out if len(out) <= _MAX_PREFIXES else None


def _is_word_class(items: list) -> bool:
    """Whether a parsed pattern is ``\\w``."""
    return len(items) == 1 and str(items[0][0]) == "IN" and [(str(k), str(v)) for k, v in items[0][1]] == [
        ("CATEGORY", "CATEGORY_WORD")]


def _fold(s: str) -> str | None:
    """``s`` in lower case as a case-insensitive pattern compares it, or None when a character
    has other case-insensitive matches."""
    if s.isascii():
        return s.lower()
    if any(c in _SPECIAL_CASE or len(c.lower()) != 1 for c in s):
        return None
    return "".join(c.lower() for c in s)


def first_strings_of(rx: re.Pattern[str]) -> list[str] | None:
    """The strings every match of a pattern led by ``(?<![\\w-])`` starts with (sorted), read
    from its parsed form; None when the pattern is not led so or does not say."""
    if not rx.pattern.startswith(_LED) or rx.flags & re.ASCII:
        return None
    found = _prefixes(list(_re_parser.parse(rx.pattern, rx.flags)), _PREFIX_LENGTH)
    return None if found is None else sorted(found)


def _cached_first_strings(patterns: list[re.Pattern[str]]) -> list[list[str] | None]:
    """:func:`first_strings_of` every pattern, kept in the user cache folder: parsing the
    dictionaries' patterns again takes longer than coding a short article."""
    digest = hashlib.sha256(f"{PREFIX_FORMAT} {_PREFIX_LENGTH} {sys.version_info[:2]}".encode())
    for rx in patterns:
        digest.update(f"\x00{rx.flags}:{rx.pattern}".encode("utf-8", "surrogatepass"))

    def decode(data: bytes) -> list[list[str] | None]:
        found = json.loads(data)
        if not isinstance(found, list) or len(found) != len(patterns):
            raise ValueError("not the first strings of these patterns")
        return found

    return load_or_build("dictionary-prefixes", digest.hexdigest()[:20], "json",
                         lambda: [first_strings_of(rx) for rx in patterns],
                         lambda found: json.dumps(found, ensure_ascii=True).encode(), decode)


class PrefixIndex:
    """Where in a text each of a list of patterns can match.

    A pattern led by ``(?<![\\w-])`` matches only at a word start, and only where the text starts
    with one of its first strings (up to three characters, read once from its parsed form; in
    lower case for a case-insensitive pattern). One pass over a text's word starts lists, for
    every such pattern, the positions where it can match; a pattern whose first strings cannot
    be told is "unindexed" and scanned as usual.
    """

    def __init__(self, patterns: list[re.Pattern[str]], first_strings: list[list[str] | None] | None = None) -> None:
        """``first_strings`` are :func:`first_strings` of each pattern, when already known."""
        self.patterns = patterns
        self.key = {id(rx): i for i, rx in enumerate(patterns)}
        self.exact: dict[str, list[int]] = {}
        self.folded: dict[str, list[int]] = {}
        self.after_word: dict[str, list[int]] = {}
        folded_ids = []
        unindexed = set()
        if first_strings is None:
            first_strings = [first_strings_of(rx) for rx in patterns]
        for i, rx in enumerate(patterns):
            found = set(first_strings[i]) if first_strings[i] is not None else None
            if not found or any(not p or not (_WORD_CHAR.match(p) or p[0] == _AFTER_WORD) for p in found):
                unindexed.add(i)
                continue
            for p in found:
                if p[0] == _AFTER_WORD:
                    self.after_word.setdefault(p[1], []).append(i)
            found = {p for p in found if p[0] != _AFTER_WORD}
            if not rx.flags & re.I:
                for p in found:
                    self.exact.setdefault(p, []).append(i)
            elif all(_fold(p) is not None for p in found):
                for p in {_fold(p) for p in found}:
                    self.folded.setdefault(p, []).append(i)
                folded_ids.append(i)
            else:
                unindexed.add(i)
        self.unindexed = frozenset(unindexed)
        self.folded_ids = tuple(folded_ids)
        self.exact_lengths = sorted({len(p) for p in self.exact})
        self.folded_lengths = sorted({len(p) for p in self.folded})
        self._heads: dict[str | tuple[str, str], frozenset[int]] = {}

    def _patterns_at(self, head: str) -> frozenset[int]:
        """The indexed patterns that can match where the text starts with ``head``."""
        found: set[int] = set()
        for n in self.exact_lengths:
            found.update(self.exact.get(head[:n], ()))
        if self.folded_ids:
            low = _fold(head)
            if low is None:
                found.update(self.folded_ids)
            else:
                for n in self.folded_lengths:
                    found.update(self.folded.get(low[:n], ()))
        return frozenset(found)

    def hits(self, text: str) -> list[tuple[int, frozenset[int]]]:
        """(position, indexed patterns that can match there) for the word starts of ``text``."""
        out = []
        heads = self._heads
        after_word = self.after_word
        for m in _WORD_START.finditer(text):
            head, after = m.groups()
            key = (head, after) if after in after_word else head
            found = heads.get(key)
            if found is None:
                found = self._patterns_at(head) | frozenset(after_word.get(after, ()))
                if len(heads) < _HEADS_CACHED:
                    heads[key] = found
            if found:
                out.append((m.start(), found))
        return out


def _words(patterns: list[str], flags: int = re.I) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w-])(?:{joined})(?![\w])", flags)


def literal_alternation(words) -> str:
    """A pattern matching any of ``words`` (literal strings), the longest that fits first, as a
    character trie: ``(?:Ab(?:c)?|X)`` for Ab, Abc and X. All the words that can match at one
    place lie on one path of the trie, so it matches what the longest-first alternation of the
    words matches, but tries one branch per character instead of every word."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{inner})?" if ends else inner

    return pattern(trie)


@dataclass
class Dictionaries:
    """Compiled dictionaries; build with :func:`load_dictionaries`."""

    actors: dict[str, Actor]
    actor_re: re.Pattern[str] | None
    equipment: list[EquipmentPattern]
    exporter_share: dict[str, float]
    kinds: dict[str, re.Pattern[str]]
    generic: re.Pattern[str]
    status: dict[str, re.Pattern[str]]
    speculative: re.Pattern[str]
    denial: re.Pattern[str]
    scenario_heading: re.Pattern[str]
    facilities: dict[str, re.Pattern[str]]
    buyer_verbs: re.Pattern[str]
    supplier_after: re.Pattern[str]  # what follows a country or demonym that makes it the supplier
    recipient_after: re.Pattern[str]  # ... the host or recipient
    hardware_after: re.Pattern[str]  # ... hardware, made by a major exporter's firms
    trainee_after: re.Pattern[str]  # ... the trainees of a training report
    presence_cues: re.Pattern[str]  # words that make a base a foreign presence rather than a place
    ongoing: re.Pattern[str]  # a state that holds now: operational when nothing else says
    lowercase_demonyms: dict[str, str] = field(default_factory=dict)  # Spanish/Portuguese adjectives
    lowercase_demonym_re: re.Pattern[str] | None = None
    index: PrefixIndex | None = None  # built by :meth:`prefix_index` on first use
    origin_adjectives: dict[str, str] = field(default_factory=dict)  # "Chinese" of "Chinese-made"
    origin_adjective_re: re.Pattern[str] | None = None
    sources: list[str] = field(default_factory=list)

    def prefix_index(self) -> PrefixIndex:
        """The prefix index of the patterns the coder scans sentence by sentence, built once."""
        if self.index is None:
            scanned = [self.actor_re, self.lowercase_demonym_re, self.origin_adjective_re, *self.kinds.values(),
                       *self.facilities.values(), *self.status.values(), self.generic, self.buyer_verbs,
                       self.presence_cues, self.denial, self.ongoing, *(eq.pattern for eq in self.equipment)]
            patterns = [rx for rx in scanned if rx is not None]
            self.index = PrefixIndex(patterns, _cached_first_strings(patterns))
        return self.index


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ConfigurationError(f"{path}: cannot read dictionary ({err})") from err
    if not isinstance(data, dict):
        raise ConfigurationError(f"{path}: expected a mapping at the top level")
    return data


def _merge_yaml(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            merged = dict(out[key])
            for k, v in value.items():
                merged[k] = list(merged.get(k, [])) + list(v or [])
            out[key] = merged
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = list(out[key]) + value
        else:
            out[key] = value
    return out


def _feminine_singular(plural: str) -> str | None:
    """The feminine singular of a Spanish or Portuguese masculine plural adjective: "argentinos" ->
    "argentina", "portugueses" -> "portuguesa"; None for other forms."""
    if plural.endswith("eses"):
        return plural[:-4] + "esa"
    if plural.endswith("os") and not plural.endswith(("ãos", "ões")) and " " not in plural:
        return plural[:-2] + "a"
    return None


def load_dictionaries(extra_folder: str | Path | None = None) -> Dictionaries:
    """Compile the shipped dictionaries, extended by same-named files in ``extra_folder``."""
    folders = [None] + ([Path(extra_folder)] if extra_folder else [])
    trig: dict = {}
    actors: dict[str, Actor] = {}
    equipment: list[EquipmentPattern] = []
    shares: dict[str, float] = {}
    for folder in folders:
        def path(name: str) -> Path:
            return data_path(name) if folder is None else folder / name

        if folder is not None and not folder.is_dir():
            raise ConfigurationError(f"{folder}: dictionaries folder does not exist")
        if path("triggers.yaml").exists():
            trig = _merge_yaml(trig, _read_yaml(path("triggers.yaml")))
        if path("actors.tsv").exists():
            for name, cc, kind, aliases in read_tsv(path("actors.tsv"), 4):
                actor = Actor(name, cc.upper(), kind)
                for alias in [name, *aliases.split("|")]:
                    if alias.strip():
                        actors[alias.strip()] = actor
        if path("equipment.tsv").exists():
            for pattern, origin, category, label in read_tsv(path("equipment.tsv"), 4):
                try:
                    rx = re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])")
                except re.error as err:
                    raise ConfigurationError(f"{path('equipment.tsv')}: bad pattern {pattern!r} ({err})") from err
                equipment.append(EquipmentPattern(rx, origin.upper(), category, label or pattern))
        if path("exporters.tsv").exists():
            for row in read_tsv(path("exporters.tsv"), 2):
                try:
                    shares[row[0].upper()] = float(row[1])
                except ValueError:
                    continue
    demonym_rows = read_tsv(data_path("demonyms.tsv"), 3)
    lowercase = {form: cc.upper() for cc, lang, form in demonym_rows if lang in ("es", "pt") and form[:1].islower()}
    # The feminine singulars demonyms.tsv leaves out because they are spelt like a place ("argentina",
    # "china", "portuguesa"): in lower case they can only be the adjective ("la fragata argentina").
    lowercase |= {feminine: cc for form, cc in list(lowercase.items())
                  if (feminine := _feminine_singular(form)) and feminine not in lowercase}
    # Capitalised inside a name ("Marinha Portuguesa", "Armada Española"): the coder keeps these
    # only after another capitalised word.
    lowercase |= {form[0].upper() + form[1:]: cc for form, cc in list(lowercase.items())}
    english = {form: cc.upper() for cc, lang, form in demonym_rows if lang == "en"}
    english |= {form.strip(): cc.strip().upper() for form, _, cc in
                (str(item).partition("=") for item in trig.get("origin_abbreviations", []))}
    origin_re = re.compile(rf"(?<![\w-])({literal_alternation(english)})"
                           r"-(?:made|built|designed|supplied|manufactured|produced|origin)\b") if english else None
    lower_re = re.compile(rf"(?<![\w-])(?:{literal_alternation(lowercase)})(?![\w-])") if lowercase else None
    actor_re = re.compile(rf"(?<![\w-])(?:{literal_alternation(actors)})(?![\w-])") if actors else None
    try:
        return Dictionaries(
            actors=actors,
            actor_re=actor_re,
            equipment=equipment,
            exporter_share=shares,
            kinds={k: _words(v) for k, v in trig["kinds"].items()},
            generic=_words(trig["generic"]),
            status={k: _words(trig["status"][k]) for k in STATUS_ORDER if k in trig["status"]},
            speculative=re.compile("|".join(trig["speculative"])),
            denial=re.compile("|".join(trig["denial"]), re.I),
            scenario_heading=re.compile("|".join(trig["scenario_heading"]), re.I),
            facilities={k: _words(v) for k, v in trig["facilities"].items()},
            buyer_verbs=_words(trig["buyer_verbs"]),
            supplier_after=re.compile(
                r"(?:['’]s)?[\s-]*?(?:(?:state|government)[- ]owned\s+|[\w-]+\s+){0,3}?(?:"
                + "|".join(trig["supplier_nouns"]) + r")\b", re.I),
            hardware_after=re.compile(r"\s+(?:[\w-]+\s+){0,4}?(?:" + "|".join(trig["hardware_nouns"]) + r")\b", re.I),
            recipient_after=re.compile(
                r"(?:['’]s)?\s*(?:[\w-]+\s+)?(?:" + "|".join(trig["recipient_nouns"]) + r")\b", re.I),
            trainee_after=re.compile(
                r"(?:['’]s)?\s*(?:[\w-]+\s+){0,2}?(?:" + "|".join(trig["trainee_nouns"]) + r")\b", re.I),
            presence_cues=_words(trig["presence_cues"]),
            ongoing=re.compile("|".join(trig["ongoing"]), re.I),
            lowercase_demonyms=lowercase,
            lowercase_demonym_re=lower_re,
            origin_adjectives=english,
            origin_adjective_re=origin_re,
        )
    except (KeyError, re.error) as err:
        raise ConfigurationError(f"triggers.yaml: missing or bad section ({err})") from err
