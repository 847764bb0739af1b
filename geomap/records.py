"""Join what articles report into records: places, facilities and relationships.

The same facility or relationship reported by several articles (or several sentences)
becomes one record that keeps all its evidence; its status is the one its latest report
gives. Records are sorted and identified deterministically.
"""

from __future__ import annotations

import math
import pickle
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from typing import TYPE_CHECKING, BinaryIO

from .geocode.gazetteer import GeoNamesGazetteer, get_gazetteer, km
from .model import STATUS_ORDER, Article, Evidence, Facility, Relationship, Toponym
from .serialize import SerializationError, unpickle_only

if TYPE_CHECKING:  # the coder is imported only where articles are read, not to render records
    from .extract import ArticleReading, ReportedFacility

__all__ = ["Mentions", "Place", "Records", "RecordsBuilder", "build_records", "evidence_dicts", "great_circle_arc", "slug"]


@dataclass
class Place:
    """A distinct place named by the articles, with every mention of it."""

    id: str
    name: str
    kind: str
    country: str | None
    precision: str
    gazetteer_id: str | None
    lat: float
    lon: float
    mentions: Sequence[dict] = field(default_factory=list)  # a list, or Mentions from a build


@dataclass
class Records:
    """Everything geomap draws: articles, places, facilities and relationships."""

    articles: list[Article]
    places: list[Place]
    facilities: list[Facility]
    relationships: list[Relationship]

    def facility(self, facility_id: str) -> Facility | None:
        """The facility with this id, from an index built once per facility list (filters and
        curation make new Records rather than editing lists in place)."""
        key = (id(self.facilities), len(self.facilities))
        index = self.__dict__.get("_facility_index")
        if index is None or index[0] != key:
            index = self.__dict__["_facility_index"] = (key, {f.id: f for f in self.facilities})
        return index[1].get(facility_id)

    def link_arc(self, r: Relationship, gazetteer: GeoNamesGazetteer) -> list[tuple[float, float]] | None:
        """The (lat, lon) great-circle arc of a relationship: from the supplier country to its
        facility when it has one, else to the recipient country; None for unknown countries."""
        a, b = gazetteer.country(r.supplier), gazetteer.country(r.recipient)
        if a is None or b is None:
            return None
        end = self.facility(r.facility_id) if r.facility_id else None
        lat2, lon2 = (end.lat, end.lon) if end is not None and end.lat is not None else (b.lat, b.lon)
        return great_circle_arc(a.lat, a.lon, lat2, lon2)


def slug(text: str) -> str:
    """A lower-case, hyphenated identifier."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Mentions(Sequence):
    """A place's mentions, stored compactly (a shared article id, two offsets and a shared
    surface text each) and read as the output contract's dicts {article, start, end, text}."""

    __slots__ = ("_articles", "_starts", "_ends", "_texts")

    def __init__(self) -> None:
        self._articles: list[str] = []
        self._starts = array("q")
        self._ends = array("q")
        self._texts: list[str] = []

    def add(self, article: str, start: int, end: int, text: str) -> None:
        self._articles.append(article)
        self._starts.append(start)
        self._ends.append(end)
        self._texts.append(text)

    def __len__(self) -> int:
        return len(self._articles)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        return {"article": self._articles[i], "start": self._starts[i], "end": self._ends[i], "text": self._texts[i]}

    def __eq__(self, other) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Mentions({list(self)!r})"


def _place_id(t: Toponym) -> str:
    """The gazetteer id; a town read as the district named after it gets its own id."""
    base = (t.gazetteer_id or slug(t.text)).replace(":", "-")
    entry_is_town = bool(t.gazetteer_id and t.gazetteer_id.startswith("geonames:"))
    return f"{base}-{t.kind}" if entry_is_town and t.kind != "city" else base


def _latest(evidence: list[Evidence], dates: dict[str, str]) -> Evidence:
    """The report that describes the present: latest year, then latest article, then strongest status."""
    def key(ev: Evidence):
        return (ev.year if ev.year is not None else -1, dates.get(ev.article) or "",
                STATUS_ORDER.index(ev.status) if ev.status in STATUS_ORDER else 0)
    known = [ev for ev in evidence if ev.status != "unknown"] or evidence
    return max(known, key=key)


def _sorted_names(names: Iterable[str]) -> list[str]:
    """Distinct names in order of first appearance, then sorted case-insensitively (stable)."""
    return sorted(dict.fromkeys(names), key=str.lower)


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def evidence_dicts(evidence: list[Evidence]) -> list[dict]:
    """Evidence as plain dicts, in the output contract's key order."""
    return [{name: getattr(e, name) for name in _EVIDENCE_FIELDS} for e in evidence]


def _evidence_key(ev: Evidence):
    return (ev.article, ev.start, ev.end, ev.year if ev.year is not None else -1, STATUS_ORDER.index(ev.status)
            if ev.status in STATUS_ORDER else 0)


def _distinct_evidence(evidence: Iterable[Evidence]) -> list[Evidence]:
    """One evidence per quoted span and event (year, status) it reports (the last report of
    it), in article and offset order, then by year."""
    return sorted({_evidence_key(e): e for e in evidence}.values(), key=_evidence_key)


_PLACE_RANK = {"site": 0, "admin": 1, "city": 2, "region": 4, "country": 3}
_PRECISE = ("site", "city", "admin")


class _FacilityReports:
    """What a run of facility reports (a cluster, or a group's vaguely placed reports) says,
    accumulated in the order the reports arrive."""

    __slots__ = ("count", "anchor", "relationship_kind", "best", "evidence", "names", "operators", "equipment")

    def __init__(self, anchor: Toponym | None, relationship_kind: str) -> None:
        self.count = 0
        self.anchor = anchor  # the first report's place: the cluster's centre
        self.relationship_kind = relationship_kind  # the first report's
        self.best: tuple | None = None  # (rank, place, its place id): the most precise place, first on ties
        self.evidence: list[Evidence] = []
        self.names: Counter[str] = Counter()
        self.operators: dict[str, None] = {}
        self.equipment: dict[str, None] = {}

    def add(self, f: ReportedFacility, evidence: Evidence, place_id: str | None) -> None:
        self.count += 1
        if f.place is not None:
            rank = (_PLACE_RANK.get(f.place.precision or "country", 5), f.place.start)
            if self.best is None or rank < self.best[0]:
                self.best = (rank, f.place, place_id)
        self.evidence.append(evidence)
        self.names[f.name] += 1
        self.operators.update(dict.fromkeys(f.operators))
        self.equipment.update(dict.fromkeys(f.equipment))

    def joined(self, vague: "_FacilityReports") -> "_FacilityReports":
        """A new cluster: this one's reports, then the vaguely placed ones (neither is changed,
        so the records can be taken again after more readings)."""
        out = _FacilityReports(self.anchor, self.relationship_kind)
        out.count = self.count
        out.best = vague.best if vague.best is not None and (self.best is None or vague.best[0] < self.best[0]) \
            else self.best
        out.evidence = self.evidence + vague.evidence
        out.names = self.names + vague.names
        out.operators = {**self.operators, **vague.operators}
        out.equipment = {**self.equipment, **vague.equipment}
        return out


class _FacilityGroup:
    """The reports of one (supplier, host, kind, speculative): clusters of precisely placed
    reports less than 50 km from the cluster's first, and the vaguely placed ones."""

    __slots__ = ("clusters", "vague")

    def __init__(self) -> None:
        self.clusters: list[_FacilityReports] = []
        self.vague: _FacilityReports | None = None

    def add(self, f: ReportedFacility, evidence: Evidence, place_id: str | None) -> None:
        if f.place is not None and f.place.precision in _PRECISE:
            for cl in self.clusters:
                p = cl.anchor
                if km(p.lat, p.lon, f.place.lat, f.place.lon) < 50:
                    break
            else:
                cl = _FacilityReports(f.place, f.relationship_kind)
                self.clusters.append(cl)
        else:
            if self.vague is None:
                self.vague = _FacilityReports(None, f.relationship_kind)
            cl = self.vague
        cl.add(f, evidence, place_id)

    def merged(self) -> list[_FacilityReports]:
        """The clusters, largest first; the vague reports join the largest (or are the only one)."""
        if not self.clusters:
            return [self.vague]
        clusters = sorted(self.clusters, key=lambda cl: cl.count, reverse=True)
        if self.vague is not None:
            clusters[0] = clusters[0].joined(self.vague)
        return clusters


class _RelationGroup:
    """The reports of one (supplier, recipient, kind, speculative)."""

    __slots__ = ("evidence", "equipment", "organizations")

    def __init__(self) -> None:
        self.evidence: list[Evidence] = []
        self.equipment: dict[str, None] = {}
        self.organizations: dict[str, None] = {}


class RecordsBuilder:
    """Merges article readings into records one reading at a time, keeping only what the
    records need: each place's mentions and each record's evidence (quote, offsets, article
    id), not the readings nor, unless ``keep_texts``, the articles' texts.

    Readings must be added in the articles' order (whatever order they were read in): the
    records are then the same as :func:`build_records` on the whole list.
    """

    def __init__(self, gazetteer: GeoNamesGazetteer | None = None, *, keep_texts: bool = True) -> None:
        self.gazetteer = gazetteer or get_gazetteer()
        self.keep_texts = keep_texts
        self.articles: list[Article] = []
        self._places: dict[str, Place] = {}
        self._surface_names: dict[str, Counter[str]] = defaultdict(Counter)
        self._facilities: dict[tuple, _FacilityGroup] = {}
        self._relations: dict[tuple, _RelationGroup] = {}
        self._strings: dict[str, str] = {}

    def _shared(self, text: str) -> str:
        """One string object for equal names, statuses and surface texts."""
        return self._strings.setdefault(text, text)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        del state["gazetteer"]  # the process's own, given again on restoring
        return state

    def snapshot(self, f: BinaryIO) -> None:
        """Write the builder's state to the binary file ``f``, to go on adding readings later
        (:meth:`restore`)."""
        pickle.Pickler(f, protocol=pickle.HIGHEST_PROTOCOL).dump(self)

    @classmethod
    def restore(cls, f: BinaryIO, gazetteer: GeoNamesGazetteer | None = None) -> "RecordsBuilder":
        """A builder from what :meth:`snapshot` wrote, read from the binary file ``f``. Only
        geomap's record classes and plain containers are rebuilt: bytes that name anything
        else raise SerializationError, and so do bytes that cannot be read."""
        builder = unpickle_only(f, _SNAPSHOT_CLASSES, "a records snapshot")
        if not isinstance(builder, cls):
            raise SerializationError("not a records snapshot")
        builder.gazetteer = gazetteer or get_gazetteer()
        return builder

    def add(self, reading: ArticleReading) -> None:
        """Merge one article's reading."""
        article = reading.article
        if not self.keep_texts and article.text:
            article = replace(article, text="")
        self.articles.append(article)
        aid = article.id
        spans: dict[tuple[int, int], str] = {}
        for t in reading.toponyms:
            if t.lat is None:
                continue
            pid = _place_id(t)
            place = self._places.get(pid)
            if place is None:
                place = self._places[pid] = Place(pid, t.name or t.text, t.kind, t.country, t.precision or "city",
                                                  t.gazetteer_id, t.lat, t.lon, Mentions())
            text = self._shared(t.text)
            place.mentions.add(aid, t.start, t.end, text)
            if not t.demonym:
                self._surface_names[pid][text] += 1
            spans[(t.start, t.end)] = pid
        quotes: dict[Evidence, Evidence] = {}

        def evidence(ev: Evidence) -> Evidence:
            out = quotes.get(ev)
            if out is None:
                out = quotes[ev] = Evidence(aid if ev.article == aid else self._shared(ev.article), ev.quote,
                                            ev.start, ev.end, self._shared(ev.status), ev.year, ev.speculative)
            return out

        for f in reading.facilities:
            group = self._facilities.get((f.supplier, f.host, f.kind, f.speculative))
            if group is None:
                group = self._facilities[(f.supplier, f.host, f.kind, f.speculative)] = _FacilityGroup()
            place_id = spans.get((f.place.start, f.place.end)) if f.place is not None and f.article == aid else None
            group.add(f, evidence(f.evidence), place_id)
        for r in reading.relations:
            group = self._relations.get((r.supplier, r.recipient, r.kind, r.speculative))
            if group is None:
                group = self._relations[(r.supplier, r.recipient, r.kind, r.speculative)] = _RelationGroup()
            group.evidence.append(evidence(r.evidence))
            group.equipment.update((self._shared(x), None) for x in r.equipment)
            group.organizations.update((self._shared(x), None) for x in r.organizations)

    def records(self) -> Records:
        """The records of every reading added so far."""
        dates = {a.id: a.published or "" for a in self.articles}
        facilities = self._facility_records(dates)
        return Records(list(self.articles), self._place_records(), facilities, self._relationship_records(facilities, dates))

    def _place_records(self) -> list[Place]:
        for pid, place in self._places.items():
            names = self._surface_names.get(pid)
            if pid.endswith(("-admin", "-site")) and names:
                # "Lurigancho-Chosica": the district the article names, not the town it is filed under.
                place.name = max(sorted(names), key=lambda s: names[s])
        return sorted(self._places.values(), key=lambda p: p.id)

    def _facility_records(self, dates: dict[str, str]) -> list[Facility]:
        out: list[Facility] = []
        for (supplier, host, kind, spec), group in sorted(self._facilities.items()):
            for cl in group.merged():
                evidence = _distinct_evidence(cl.evidence)
                latest = _latest(evidence, dates)
                name = max(sorted(cl.names), key=lambda n: (cl.names[n], len(n)))
                if cl.best is not None:
                    _rank, place, pid = cl.best
                    lat, lon, precision, where = place.lat, place.lon, place.precision, place.name
                else:
                    c = self.gazetteer.country(host)
                    lat, lon, precision, pid, where = (c.lat, c.lon, "country", None, c.name) if c else (None, None, "country", None, host)
                fid = slug(f"{supplier}-{host}-{kind}-{where}") + ("-speculative" if spec else "")
                out.append(Facility(
                    id=fid, name=name, kind=kind, relationship_kind=cl.relationship_kind,
                    supplier=supplier, host=host, operators=_sorted_names(cl.operators),
                    equipment=_sorted_names(cl.equipment), status=latest.status, year=latest.year,
                    precision=precision, place_id=pid, lat=lat, lon=lon, speculative=spec, evidence=evidence,
                ))
        return sorted(out, key=lambda f: f.id)

    def _relationship_records(self, facilities: list[Facility], dates: dict[str, str]) -> list[Relationship]:
        serving: dict[tuple, str] = {}  # the first facility (by id) of each supplier, host, kind, speculative
        for f in facilities:
            serving.setdefault((f.supplier, f.host, f.relationship_kind, f.speculative), f.id)
        out = []
        for (supplier, recipient, kind, spec), group in sorted(self._relations.items()):
            evidence = _distinct_evidence(group.evidence)
            latest = _latest(evidence, dates)
            rid = slug(f"{supplier}-{recipient}-{kind}") + ("-speculative" if spec else "")
            out.append(Relationship(
                id=rid, supplier=supplier, recipient=recipient, kind=kind, status=latest.status,
                year=latest.year, equipment=_sorted_names(group.equipment),
                organizations=_sorted_names(group.organizations),
                facility_id=serving.get((supplier, recipient, kind, spec)), speculative=spec, evidence=evidence,
            ))
        return out


# The classes a records snapshot holds: geomap's record classes and plain containers.
_SNAPSHOT_CLASSES = frozenset({
    ("geomap.records", name) for name in
    ("RecordsBuilder", "Place", "Mentions", "_FacilityGroup", "_FacilityReports", "_RelationGroup")
} | {("geomap.model", name) for name in ("Article", "Evidence", "Toponym")} | {
    ("collections", "Counter"), ("collections", "defaultdict"), ("builtins", "dict"), ("builtins", "list"),
    ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "tuple"), ("array", "array"),
    ("array", "_array_reconstructor"), ("copyreg", "_reconstructor"), ("builtins", "object"),
})


def build_records(readings: Iterable[ArticleReading], gazetteer: GeoNamesGazetteer | None = None) -> Records:
    """Merge article readings (in the articles' order) into deterministic, deduplicated records."""
    builder = RecordsBuilder(gazetteer)
    for reading in readings:
        builder.add(reading)
    return builder.records()


def great_circle_arc(lat1: float, lon1: float, lat2: float, lon2: float, n: int = 32) -> list[tuple[float, float]]:
    """Points (lat, lon) along the great circle between two points, rounded to 4 decimals."""
    return list(_great_circle_arc(lat1, lon1, lat2, lon2, n))


@lru_cache(maxsize=8192)
def _great_circle_arc(lat1: float, lon1: float, lat2: float, lon2: float, n: int) -> tuple[tuple[float, float], ...]:
    # Many links share their ends (one supplier, one recipient), hence the cache.
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    d = 2 * math.asin(math.sqrt(math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2))
    if d < 1e-9:
        return ((round(lat1, 4), round(lon1, 4)), (round(lat2, 4), round(lon2, 4)))
    cos_p1, sin_p1, cos_l1, sin_l1 = math.cos(p1), math.sin(p1), math.cos(l1), math.sin(l1)
    cos_p2, sin_p2, cos_l2, sin_l2 = math.cos(p2), math.sin(p2), math.cos(l2), math.sin(l2)
    sin_d = math.sin(d)
    pts = []
    prev_lon = None
    for i in range(n + 1):
        f = i / n
        a = math.sin((1 - f) * d) / sin_d
        b = math.sin(f * d) / sin_d
        x = a * cos_p1 * cos_l1 + b * cos_p2 * cos_l2
        y = a * cos_p1 * sin_l1 + b * cos_p2 * sin_l2
        z = a * sin_p1 + b * sin_p2
        lat = math.degrees(math.atan2(z, math.hypot(x, y)))
        lon = math.degrees(math.atan2(y, x))
        if prev_lon is not None:  # keep the line continuous across the antimeridian
            while lon - prev_lon > 180:
                lon -= 360
            while lon - prev_lon < -180:
                lon += 360
        prev_lon = lon
        pts.append((round(lat, 4), round(lon, 4)))
    return tuple(pts)
