"""Analyst corrections applied to coded records: add, correct or suppress records by id.

A curation file is YAML (a list of entries, or a mapping with the list under ``records``) or
CSV (a header row naming the fields; list fields separated by ``|``). Each entry has

- ``action``: ``correct`` (the default when ``id`` names an existing record), ``suppress`` or
  ``add``;
- ``id``: the record's id as in the GeoJSON output (for ``add``, optional: the new record's id);
- ``type``: ``relationship`` or ``facility`` (needed for ``add`` only);
- the fields to set, named as in the output contract. Relationships: supplier, recipient, kind,
  status, year, equipment, organizations, facility_id, speculative. Facilities: name, kind,
  relationship_kind, supplier, host, operators, equipment, status, year, precision, lat, lon,
  speculative. ``add`` may also cite its source with ``article`` and ``quote`` (the quote must
  be the article's text; its offsets are found there);
- ``note``: free text for the analyst, not used.

Every record an entry adds or corrects is marked ``curated: true``. Problems are reported as
``FILE:LINE: problem`` through :class:`~geomap.exc.RecordsError`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import yaml

from .exc import RecordsError
from .model import (FACILITY_KINDS, PRECISIONS, RELATIONSHIP_KINDS, STATUSES, Evidence, Facility, Relationship,
                    canonical_kind, canonical_status)
from .records import Records, slug
from .resources import read_user_text

__all__ = ["CurationEntry", "load_curation", "apply_curation"]

_ACTIONS = ("add", "correct", "suppress")
_TYPES = ("relationship", "facility")
_LIST_FIELDS = ("equipment", "organizations", "operators")
_FIELDS = {
    "relationship": ("supplier", "recipient", "kind", "status", "year", "equipment", "organizations",
                     "facility_id", "speculative"),
    "facility": ("name", "kind", "relationship_kind", "supplier", "host", "operators", "equipment", "status",
                 "year", "precision", "lat", "lon", "speculative"),
}
_META = ("action", "id", "type", "note", "article", "quote")
_REQUIRED = {"relationship": ("supplier", "recipient", "kind"), "facility": ("supplier", "host", "kind")}


@dataclass
class CurationEntry:
    """One line (CSV) or list item (YAML) of a curation file."""

    where: str  # "FILE:LINE"
    action: str
    id: str | None
    type: str | None
    values: dict
    article: str | None = None
    quote: str | None = None

    def fail(self, problem: str) -> RecordsError:
        return RecordsError(f"{self.where}: {problem}")


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that remembers the line of every mapping."""

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        return mapping


def load_curation(path: str | Path) -> list[CurationEntry]:
    """Read and check a curation file (``.yaml``/``.yml`` or ``.csv``)."""
    path = Path(path)
    text = read_user_text(path, RecordsError, "curation file")
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path, text)
    elif path.suffix.lower() in (".yaml", ".yml"):
        rows = _yaml_rows(path, text)
    else:
        raise RecordsError(f"{path}: curation file must be .yaml, .yml or .csv")
    return [_entry(path, line, row) for line, row in rows]


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as err:
        raise RecordsError(f"{path}:1: {err}") from err
    rows = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise RecordsError(f"{path}:{line}: {len(values)} cells but {len(header)} columns in the header")
            row = {}
            for name, value in zip(header, values):
                value = value.strip()
                if value == "":
                    continue
                row[name] = [v.strip() for v in value.split("|") if v.strip()] if name in _LIST_FIELDS else value
            rows.append((line, row))
    except csv.Error as err:
        raise RecordsError(f"{path}:{reader.line_num}: {err}") from err
    return rows


def _yaml_rows(path: Path, text: str) -> list[tuple[int, dict]]:
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise RecordsError(f"{path}{line}: not valid YAML ({getattr(err, 'problem', None) or err})") from err
    if data is None:
        return []
    if isinstance(data, dict) and "records" in data:
        data = data["records"]
    if not isinstance(data, list):
        raise RecordsError(f"{path}: expected a list of entries (or one under 'records')")
    rows = []
    for item in data:
        if not isinstance(item, dict):
            raise RecordsError(f"{path}: every entry must be a mapping of fields, not {item!r}")
        line = item.pop("__line__")
        rows.append((line, item))
    return rows


def _entry(path: Path, line: int, row: dict) -> CurationEntry:
    where = f"{path}:{line}"
    action = str(row.get("action") or ("correct" if row.get("id") else "add")).strip().lower()
    if action not in _ACTIONS:
        raise RecordsError(f"{where}: bad action {action!r} (expected one of {', '.join(_ACTIONS)})")
    kind = row.get("type")
    if kind is not None and kind not in _TYPES:
        raise RecordsError(f"{where}: bad type {kind!r} (expected relationship or facility)")
    if action == "add" and kind is None:
        raise RecordsError(f"{where}: an added record needs a type (relationship or facility)")
    if action != "add" and not row.get("id"):
        raise RecordsError(f"{where}: {action} needs the id of a record")
    values = {k: v for k, v in row.items() if k not in _META}
    allowed = set(_FIELDS[kind]) if kind else set(_FIELDS["relationship"]) | set(_FIELDS["facility"])
    for name in values:
        if name not in allowed:
            raise RecordsError(f"{where}: unknown field {name!r}" + (f" for a {kind}" if kind else ""))
    if action == "suppress" and values:
        raise RecordsError(f"{where}: suppress takes only an id, not {', '.join(sorted(values))}")
    entry = CurationEntry(where, action, str(row["id"]) if row.get("id") is not None else None, kind,
                          {}, row.get("article"), row.get("quote"))
    entry.values = {name: _value(entry, name, value) for name, value in values.items()}
    if (entry.article is None) != (entry.quote is None):
        raise entry.fail("give both article and quote, or neither")
    if entry.article is not None and action != "add":
        raise entry.fail("article and quote cite the source of an added record only")
    if action == "add":
        missing = [f for f in _REQUIRED[kind] if f not in entry.values]
        if missing:
            raise entry.fail(f"an added {kind} needs {', '.join(missing)}")
    return entry


def _value(entry: CurationEntry, name: str, value):
    def bad(expected: str):
        return entry.fail(f"bad value {value!r} for {name} ({expected})")

    if name in ("supplier", "recipient", "host"):
        if not isinstance(value, str) or len(value.strip()) != 2 or not value.strip().isalpha():
            raise bad("an ISO 3166-1 alpha-2 country code")
        return value.strip().upper()
    if name in ("kind", "relationship_kind"):
        vocabulary = FACILITY_KINDS if (name == "kind" and entry.type == "facility") else RELATIONSHIP_KINDS
        if name == "kind" and entry.type is None:
            vocabulary = RELATIONSHIP_KINDS + FACILITY_KINDS  # checked against the record's type later
        kind = canonical_kind(value)
        if kind not in vocabulary:
            raise bad("one of " + ", ".join(dict.fromkeys(vocabulary)))
        return kind
    if name == "status":
        status = canonical_status(value)
        if status not in STATUSES:
            raise bad("one of " + ", ".join(STATUSES))
        return status
    if name == "precision":
        if value not in PRECISIONS:
            raise bad("one of " + ", ".join(PRECISIONS))
        return value
    if name == "year":
        try:
            year = int(str(value).strip())
        except ValueError:
            raise bad("a year such as 2024") from None
        if not 1900 <= year <= 2100:
            raise bad("a year between 1900 and 2100")
        return year
    if name in ("lat", "lon"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise bad("a number") from None
        if not (-90 <= number <= 90 if name == "lat" else -180 <= number <= 180):
            raise bad("latitude -90..90" if name == "lat" else "longitude -180..180")
        return number
    if name == "speculative":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text not in ("true", "false", "yes", "no", "1", "0"):
            raise bad("true or false")
        return text in ("true", "yes", "1")
    if name in _LIST_FIELDS:
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(x, (str, int, float)) for x in items):
            raise bad("a list of names")
        return [str(x) for x in items]
    if value is None or isinstance(value, (list, dict)):
        raise bad("text")
    return str(value)


def curated_records(read: Callable[[], Records], curation_file: str | Path | None) -> Records:
    """The records ``read()`` returns, corrected by the analyst's curation file when one is
    given. The file is checked before anything is read, so a mistake in it fails fast."""
    entries = load_curation(curation_file) if curation_file is not None else None
    records = read()
    return apply_curation(records, entries) if entries is not None else records


def apply_curation(records: Records, entries: list[CurationEntry], gazetteer=None) -> Records:
    """The records with the curation entries applied, in file order."""
    from .geocode.gazetteer import get_gazetteer

    gaz = gazetteer or get_gazetteer()
    rels = {r.id: r for r in records.relationships}
    facs = {f.id: f for f in records.facilities}
    texts = {a.id: a.text for a in records.articles}
    for e in entries:
        for name in ("supplier", "recipient", "host"):
            if name in e.values and gaz.country(e.values[name]) is None:
                raise e.fail(f"bad value {e.values[name]!r} for {name} (not a known country code)")
        if e.action == "add":
            _add(e, rels, facs, texts, gaz)
            continue
        table = rels if e.id in rels else facs if e.id in facs else None
        if table is None or (e.type is not None and (table is rels) != (e.type == "relationship")):
            raise e.fail(f"unknown {e.type or 'record'} id {e.id!r}")
        if e.action == "suppress":
            del table[e.id]
            continue
        kind = "relationship" if table is rels else "facility"
        for name in e.values:
            if name not in _FIELDS[kind]:
                raise e.fail(f"unknown field {name!r} for a {kind}")
        if "kind" in e.values and e.values["kind"] not in (RELATIONSHIP_KINDS if kind == "relationship" else FACILITY_KINDS):
            raise e.fail(f"bad value {e.values['kind']!r} for kind of a {kind}")
        table[e.id] = replace(table[e.id], **e.values, curated=True)
    for r in rels.values():
        if r.facility_id is not None and r.facility_id not in facs:
            if r.curated:
                raise RecordsError(f"relationship {r.id!r}: facility_id {r.facility_id!r} names no facility")
            r.facility_id = None  # its facility was suppressed
    return replace(records, relationships=sorted(rels.values(), key=lambda r: r.id),
                   facilities=sorted(facs.values(), key=lambda f: f.id))


def _add(e: CurationEntry, rels: dict, facs: dict, texts: dict[str, str], gaz) -> None:
    v = dict(e.values)
    evidence = []
    if e.article is not None:
        text = texts.get(e.article)
        if text is None:
            raise e.fail(f"unknown article {e.article!r}")
        if not text:
            raise e.fail(f"the text of article {e.article!r} is not at hand here; cite quotes when building from articles")
        start = text.find(e.quote)
        if start < 0 or not e.quote:
            raise e.fail(f"quote not found in article {e.article!r}")
        evidence.append(Evidence(e.article, e.quote, start, start + len(e.quote), v.get("status", "unknown"),
                                 v.get("year"), v.get("speculative", False)))
    if e.type == "relationship":
        rid = e.id or slug(f"{v['supplier']}-{v['recipient']}-{v['kind']}-curated")
        if rid in rels or rid in facs:
            raise e.fail(f"id {rid!r} already exists; correct it instead")
        if v["kind"] not in RELATIONSHIP_KINDS:
            raise e.fail(f"bad value {v['kind']!r} for kind of a relationship")
        rels[rid] = Relationship(id=rid, curated=True, evidence=evidence, **v)
        return
    fid = e.id or slug(f"{v['supplier']}-{v['host']}-{v['kind']}-curated")
    if fid in rels or fid in facs:
        raise e.fail(f"id {fid!r} already exists; correct it instead")
    if ("lat" in v) != ("lon" in v):
        raise e.fail("give both lat and lon, or neither (the host country's centre)")
    if "lat" not in v:
        country = gaz.country(v["host"])
        v.update(lat=country.lat, lon=country.lon, precision=v.get("precision", "country"))
    v.setdefault("name", f"{v['kind'].replace('_', ' ')} ({v['host']})")
    v.setdefault("relationship_kind", _default_relationship_kind(v["kind"]))
    facs[fid] = Facility(id=fid, curated=True, evidence=evidence, **v)


def _default_relationship_kind(facility_kind: str) -> str:
    from .extract import FACILITY_RELATION

    return FACILITY_RELATION.get(facility_kind, "other")

