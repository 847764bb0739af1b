"""Join what articles report into records: places, facilities and relationships.

The same facility or relationship reported by several articles (or several sentences)
becomes one record that keeps all its evidence; its status is the one its latest report
gives. Records are sorted and identified deterministically.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from functools import lru_cache

from .dictionaries import STATUS_ORDER
from .extract import ArticleReading, ReportedFacility, ReportedRelation
from .geocode.gazetteer import GeoNamesGazetteer, get_gazetteer, km
from .model import Article, Evidence, Facility, Relationship, Toponym

__all__ = ["Place", "Records", "build_records", "evidence_dicts", "great_circle_arc", "slug"]


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
    mentions: list[dict] = field(default_factory=list)


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


def _place_id(t: Toponym) -> str:
    """The gazetteer id; a town read as the district named after it gets its own id."""
    base = (t.gazetteer_id or slug(t.text)).replace(":", "-")
    entry_is_town = bool(t.gazetteer_id and t.gazetteer_id.startswith("geonames:"))
    return f"{base}-{t.kind}" if entry_is_town and t.kind != "city" else base


def _places(readings: list[ArticleReading]) -> tuple[list[Place], dict[tuple[str, int, int], str]]:
    places: dict[str, Place] = {}
    surface_names: dict[str, Counter[str]] = defaultdict(Counter)
    by_span: dict[tuple[str, int, int], str] = {}
    for reading in readings:
        for t in reading.toponyms:
            if t.lat is None:
                continue
            pid = _place_id(t)
            if pid not in places:
                places[pid] = Place(pid, t.name or t.text, t.kind, t.country, t.precision or "city",
                                    t.gazetteer_id, t.lat, t.lon)
            places[pid].mentions.append({"article": reading.article.id, "start": t.start, "end": t.end, "text": t.text})
            if not t.demonym:
                surface_names[pid][t.text] += 1
            by_span[(reading.article.id, t.start, t.end)] = pid
    for pid, place in places.items():
        if pid.endswith(("-admin", "-site")) and surface_names[pid]:
            # "Lurigancho-Chosica": the district the article names, not the town it is filed under.
            place.name = max(sorted(surface_names[pid]), key=lambda s: surface_names[pid][s])
    return sorted(places.values(), key=lambda p: p.id), by_span


def _latest(evidence: list[Evidence], dates: dict[str, str]) -> Evidence:
    """The report that describes the present: latest year, then latest article, then strongest status."""
    def key(ev: Evidence):
        return (ev.year if ev.year is not None else -1, dates.get(ev.article) or "",
                STATUS_ORDER.index(ev.status) if ev.status in STATUS_ORDER else 0)
    known = [ev for ev in evidence if ev.status != "unknown"] or evidence
    return max(known, key=key)


def _union(lists) -> list[str]:
    out: list[str] = []
    for items in lists:
        for x in items:
            if x not in out:
                out.append(x)
    return sorted(out, key=str.lower)


_EVIDENCE_FIELDS = tuple(f.name for f in fields(Evidence))


def evidence_dicts(evidence: list[Evidence]) -> list[dict]:
    """Evidence as plain dicts, in the output contract's key order."""
    return [{name: getattr(e, name) for name in _EVIDENCE_FIELDS} for e in evidence]


def _evidence_key(ev: Evidence):
    return (ev.article, ev.start, ev.end)


def _facilities(reports: list[ReportedFacility], gaz: GeoNamesGazetteer, dates: dict[str, str],
                place_ids: dict[tuple[str, int, int], str]) -> list[Facility]:
    groups: dict[tuple, list[ReportedFacility]] = defaultdict(list)
    for f in reports:
        groups[(f.supplier, f.host, f.kind, f.speculative)].append(f)
    out: list[Facility] = []
    for (supplier, host, kind, spec), items in sorted(groups.items()):
        precise = [f for f in items if f.place is not None and f.place.precision in ("site", "city", "admin")]
        clusters: list[list[ReportedFacility]] = []
        for f in precise:
            for cl in clusters:
                p = cl[0].place
                if km(p.lat, p.lon, f.place.lat, f.place.lon) < 50:
                    cl.append(f)
                    break
            else:
                clusters.append([f])
        vague = [f for f in items if f not in precise]
        if clusters:
            clusters.sort(key=len, reverse=True)
            clusters[0].extend(vague)
        else:
            clusters = [vague]
        for cl in clusters:
            place = _best_place(cl)
            evidence = sorted({_evidence_key(f.evidence): f.evidence for f in cl}.values(), key=_evidence_key)
            latest = _latest(evidence, dates)
            names = Counter(f.name for f in cl)
            name = max(sorted(names), key=lambda n: (names[n], len(n)))
            if place is not None:
                lat, lon, precision = place.lat, place.lon, place.precision
                pid = place_ids.get((next(f.article for f in cl if f.place is place), place.start, place.end))
                where = place.name
            else:
                c = gaz.country(host)
                lat, lon, precision, pid, where = (c.lat, c.lon, "country", None, c.name) if c else (None, None, "country", None, host)
            fid = slug(f"{supplier}-{host}-{kind}-{where}") + ("-speculative" if spec else "")
            out.append(Facility(
                id=fid, name=name, kind=kind, relationship_kind=cl[0].relationship_kind,
                supplier=supplier, host=host,
                operators=_union(f.operators for f in cl), equipment=_union(f.equipment for f in cl),
                status=latest.status, year=latest.year, precision=precision, place_id=pid,
                lat=lat, lon=lon, speculative=spec, evidence=evidence,
            ))
    return sorted(out, key=lambda f: f.id)


def _best_place(items: list[ReportedFacility]) -> Toponym | None:
    rank = {"site": 0, "admin": 1, "city": 2, "region": 4, "country": 3}
    placed = [f.place for f in items if f.place is not None]
    if not placed:
        return None
    return min(placed, key=lambda p: (rank.get(p.precision or "country", 5), p.start))


def _relationships(reports: list[ReportedRelation], facilities: list[Facility],
                   dates: dict[str, str]) -> list[Relationship]:
    groups: dict[tuple, list[ReportedRelation]] = defaultdict(list)
    for r in reports:
        groups[(r.supplier, r.recipient, r.kind, r.speculative)].append(r)
    out = []
    for (supplier, recipient, kind, spec), items in sorted(groups.items()):
        evidence = sorted({_evidence_key(r.evidence): r.evidence for r in items}.values(), key=_evidence_key)
        latest = _latest(evidence, dates)
        facility = next((f for f in facilities if f.supplier == supplier and f.host == recipient
                         and f.relationship_kind == kind and f.speculative == spec), None)
        rid = slug(f"{supplier}-{recipient}-{kind}") + ("-speculative" if spec else "")
        out.append(Relationship(
            id=rid, supplier=supplier, recipient=recipient, kind=kind, status=latest.status,
            year=latest.year, equipment=_union(r.equipment for r in items),
            organizations=_union(r.organizations for r in items),
            facility_id=facility.id if facility else None, speculative=spec, evidence=evidence,
        ))
    return out


def build_records(readings: list[ArticleReading], gazetteer: GeoNamesGazetteer | None = None) -> Records:
    """Merge article readings into deterministic, deduplicated records."""
    gaz = gazetteer or get_gazetteer()
    dates = {r.article.id: r.article.published or "" for r in readings}
    places, place_ids = _places(readings)
    facilities = _facilities([f for r in readings for f in r.facilities], gaz, dates, place_ids)
    relationships = _relationships([x for r in readings for x in r.relations], facilities, dates)
    return Records([r.article for r in readings], places, facilities, relationships)


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
