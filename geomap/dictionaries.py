"""The event coder's dictionaries: actors, equipment, triggers, status cues and exporter priors.

Every dictionary is a data file in ``geomap/data`` (see SOURCES.md there); users extend them
with files of the same names in a folder of their own (``--dictionaries FOLDER``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .exc import ConfigurationError
from .model import STATUS_ORDER
from .resources import data_path, read_tsv

__all__ = ["Actor", "EquipmentPattern", "Dictionaries", "load_dictionaries", "STATUS_ORDER"]

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
    origin: str
    category: str
    label: str


def _words(patterns: list[str], flags: int = re.I) -> re.Pattern[str]:
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(rf"(?<![\w-])(?:{joined})(?![\w])", flags)


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
    trainee_after: re.Pattern[str]  # ... the trainees of a training report
    presence_cues: re.Pattern[str]  # words that make a base a foreign presence rather than a place
    ongoing: re.Pattern[str]  # a state that holds now: operational when nothing else says
    lowercase_demonyms: dict[str, str] = field(default_factory=dict)  # Spanish/Portuguese adjectives
    lowercase_demonym_re: re.Pattern[str] | None = None
    origin_adjectives: dict[str, str] = field(default_factory=dict)  # "Chinese" of "Chinese-made"
    origin_adjective_re: re.Pattern[str] | None = None
    sources: list[str] = field(default_factory=list)


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
    english = {form: cc.upper() for cc, lang, form in demonym_rows if lang == "en"}
    origin_re = re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in sorted(english, key=lambda f: (-len(f), f)))
                           + r")-(?:made|built|designed|supplied|manufactured|produced|origin)\b") if english else None
    lower_re = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(f) for f in sorted(lowercase, key=lambda f: (-len(f), f)))
                          + r")(?![\w-])") if lowercase else None
    actor_re = None
    if actors:
        alternatives = "|".join(re.escape(a) for a in sorted(actors, key=lambda a: (-len(a), a)))
        actor_re = re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")
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
