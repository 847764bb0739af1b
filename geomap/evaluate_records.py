"""Score coded records against an analyst's annotations.

The annotation file has the form of ``seeds-expected.json``: lists ``relationships``,
``facilities`` and ``must_not`` whose items name their ``article`` (facilities: ``articles``),
or a mapping ``articles: {article id: {"relationships": [...], "facilities": [...],
"must_not": [...]}}`` as in ``tests/data/heldout-expected.json``.

Rules:

- A relationship is the tuple (article, supplier, recipient, kind); a record yields one tuple
  per article its evidence quotes. Only factual readings are scored: speculative annotations
  and speculative records are left out on both sides. Precision counts the records' tuples
  for the annotated articles only (an article the file does not annotate cannot be judged).
- ``status`` and ``year``, where an annotation gives them, are right when a report of the
  matching record from that article gives the same value (an article may report several
  events of one pair and kind, e.g. a contract and a later delivery).
- A facility is found when a factual record of the same supplier, host and kind (facility kind,
  or the relationship kind it serves) quotes its article; a factual facility record quoting an
  annotated article that matches no annotation there is unexpected. A found facility whose
  annotation gives ``lat``/``lon``/``tolerance_km`` is placed right when one of its records lies
  within that distance.
- A ``must_not`` item with ``supplier`` and ``recipient`` is violated by any factual record of
  that pair quoting its article (or any article, when it names none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .exc import InputError
from .geocode.gazetteer import km
from .model import (FACILITY_KINDS, RELATIONSHIP_KINDS, STATUSES, Facility, Relationship, canonical_kind,
                    canonical_status)
from .resources import read_json_file

__all__ = ["Gold", "RecordScore", "load_gold", "score_records", "format_table"]


@dataclass
class Gold:
    """The annotations of one file, flattened: every item carries its ``article``."""

    articles: list[str]
    relationships: list[dict]
    facilities: list[dict]
    must_not: list[dict]
    sets: dict[str, str] = field(default_factory=dict)  # article -> its "set" label, if annotated


@dataclass
class RecordScore:
    """Precision, recall and the errors behind them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    status_right: int = 0
    status_given: int = 0
    year_right: int = 0
    year_given: int = 0
    misses: list[dict] = field(default_factory=list)
    false_positives: list[dict] = field(default_factory=list)
    wrong_status: list[dict] = field(default_factory=list)
    wrong_year: list[dict] = field(default_factory=list)
    facility_found: int = 0
    facility_given: int = 0
    facility_extra: int = 0
    facility_placed: int = 0
    facility_place_given: int = 0
    facility_misses: list[dict] = field(default_factory=list)
    facility_false_positives: list[dict] = field(default_factory=list)
    must_not_violations: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    def as_dict(self) -> dict:
        def share(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        p, r = self.precision, self.recall
        return {
            "relationships": {
                "precision": round(p, 3), "recall": round(r, 3),
                "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "status_accuracy": share(self.status_right, self.status_given),
                "year_accuracy": share(self.year_right, self.year_given),
            },
            "facilities": {"recall": share(self.facility_found, self.facility_given),
                           "precision": share(self.facility_found, self.facility_found + self.facility_extra),
                           "found": self.facility_found, "expected": self.facility_given,
                           "unexpected": self.facility_extra,
                           "placed_within_tolerance": share(self.facility_placed, self.facility_place_given)},
            "must_not_violated": len(self.must_not_violations),
            "misses": self.misses, "false_positives": self.false_positives,
            "wrong_status": self.wrong_status, "wrong_year": self.wrong_year,
            "facility_misses": self.facility_misses, "facility_false_positives": self.facility_false_positives,
            "must_not_violations": self.must_not_violations,
        }


def load_gold(path: str | Path) -> Gold:
    """Read an annotation file (either form; see the module docstring)."""
    path = Path(path)
    data = read_json_file(path, InputError)
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object with 'relationships' or 'articles'")
    if isinstance(data.get("articles"), dict):
        gold = Gold([], [], [], [])
        for aid, ann in data["articles"].items():
            gold.articles.append(aid)
            if ann.get("set"):
                gold.sets[aid] = str(ann["set"])
            for key in ("relationships", "facilities", "must_not"):
                getattr(gold, key).extend({**item, "article": aid} for item in ann.get(key, []))
        return _in_own_words(path, gold)
    if not isinstance(data.get("relationships"), list):
        raise InputError(f"{path}: expected a list 'relationships' or a mapping 'articles'")
    rels = data["relationships"]
    facs = [{**f, "article": a} for f in data.get("facilities", []) for a in f.get("articles", [f.get("article")])]
    for n, item in enumerate(rels, 1):
        missing = [k for k in ("article", "supplier", "recipient", "kind") if not item.get(k)]
        if missing:
            raise InputError(f"{path}: relationship {n} lacks {', '.join(missing)}")
    articles = sorted({x["article"] for x in rels + facs if x.get("article")}
                      | {p["article"] for p in data.get("places", []) if p.get("article")})
    return _in_own_words(path, Gold(articles, rels, facs, list(data.get("must_not", []))))


def _in_own_words(path: Path, gold: Gold) -> Gold:
    """The annotations with kinds and statuses in geomap's words ("delivered" -> completed,
    "basing" -> presence); an unknown one is a one-line error naming the file."""
    for what, items, kinds in (("relationship", gold.relationships, RELATIONSHIP_KINDS),
                               ("facility", gold.facilities, FACILITY_KINDS + RELATIONSHIP_KINDS)):
        for n, item in enumerate(items, 1):
            for name, vocabulary, canonical in (("kind", kinds, canonical_kind),
                                                ("relationship_kind", RELATIONSHIP_KINDS, canonical_kind),
                                                ("status", STATUSES, canonical_status)):
                if item.get(name) is None or (name == "relationship_kind" and what == "relationship"):
                    continue
                value = canonical(item[name])
                if value not in vocabulary:
                    raise InputError(f"{path}: {what} {n} ({item.get('article')}): unknown {name} {item[name]!r} "
                                     f"(one of {', '.join(dict.fromkeys(vocabulary))})")
                item[name] = value
    return gold


def _article_of(gold_articles: list[str], record_article: str) -> str | None:
    """The annotated article an evidence article id refers to (ids may carry folder prefixes)."""
    for a in gold_articles:
        if record_article == a or record_article.endswith("/" + a):
            return a
    return None


def score_records(gold: Gold, relationships: Iterable[Relationship], facilities: Iterable[Facility] = (),
                  *, articles: Iterable[str] | None = None) -> RecordScore:
    """Score records against ``gold`` (optionally on a subset of its ``articles``)."""
    keep = list(articles) if articles is not None else gold.articles
    keep_set = set(keep)
    score = RecordScore()
    got: dict[tuple, list] = {}
    for r in relationships:
        if r.speculative:
            continue
        for ev in r.evidence:
            a = _article_of(keep, ev.article)
            if a is not None:
                got.setdefault((a, r.supplier, r.recipient, r.kind), []).append(ev)
    wanted: dict[tuple, list[dict]] = {}
    for g in gold.relationships:
        if g.get("article") in keep_set and not g.get("speculative"):
            wanted.setdefault((g["article"], g["supplier"], g["recipient"], g["kind"]), []).append(g)
    for key in sorted(wanted):
        row = dict(zip(("article", "supplier", "recipient", "kind"), key))
        if key not in got:
            score.fn += 1
            score.misses.append({**row, "evidence_contains": wanted[key][0].get("evidence_contains")})
            continue
        score.tp += 1
        reports = got[key]
        for g in wanted[key]:
            for name, given, right, errors in (("status", "status_given", "status_right", score.wrong_status),
                                               ("year", "year_given", "year_right", score.wrong_year)):
                if g.get(name) is None:
                    continue
                setattr(score, given, getattr(score, given) + 1)
                found = sorted({str(getattr(ev, name)) for ev in reports})
                if any(getattr(ev, name) == g[name] for ev in reports):
                    setattr(score, right, getattr(score, right) + 1)
                else:
                    errors.append({**row, "expected": g[name], "got": found})
    for key in sorted(set(got) - set(wanted)):
        row = dict(zip(("article", "supplier", "recipient", "kind"), key))
        score.fp += 1
        score.false_positives.append({**row, "quote": got[key][0].quote})
    fac_keys = set()
    predicted: dict[tuple, tuple[set, str]] = {}  # (article, facility id) -> (its keys, a quote)
    points: dict[tuple, list[tuple[float, float]]] = {}  # a facility key -> where its records are
    for f in facilities:
        if f.speculative:
            continue
        for ev in f.evidence:
            a = _article_of(keep, ev.article)
            if a is not None:
                keys = {(a, f.supplier, f.host, f.kind), (a, f.supplier, f.host, f.relationship_kind)}
                fac_keys |= keys  # seeds-expected names the relationship kind, heldout the facility kind
                if f.lat is not None:
                    for k in keys:
                        points.setdefault(k, []).append((f.lat, f.lon))
                predicted[(a, f.id)] = (keys, ev.quote)
    gold_fac = {(g["article"], g["supplier"], g["host"], g["kind"]) for g in gold.facilities if g.get("article") in keep_set}
    for g in gold.facilities:
        if g.get("article") not in keep_set:
            continue
        score.facility_given += 1
        key = (g["article"], g["supplier"], g["host"], g["kind"])
        if key in fac_keys:
            score.facility_found += 1
            if g.get("lat") is not None and g.get("tolerance_km") is not None:
                score.facility_place_given += 1
                if any(km(lat, lon, g["lat"], g["lon"]) <= g["tolerance_km"] for lat, lon in points.get(key, [])):
                    score.facility_placed += 1
        else:
            score.facility_misses.append({k: g.get(k) for k in ("article", "supplier", "host", "kind", "place")})
    for (a, fid), (keys, quote) in sorted(predicted.items()):
        if not keys & gold_fac:
            score.facility_extra += 1
            score.facility_false_positives.append({"article": a, "id": fid, "quote": quote})
    for m in gold.must_not:
        if "supplier" not in m or "recipient" not in m:
            continue
        art = m.get("article")
        if art is not None and art not in keep_set:
            continue
        hit = any((s, rc) == (m["supplier"], m["recipient"]) and (art is None or a == art)
                  for (a, s, rc, _k) in got)
        if hit:
            score.must_not_violations.append({k: m.get(k) for k in ("article", "supplier", "recipient", "why")})
    return score


def format_table(result: dict, title: str = "") -> str:
    """A readable report of :meth:`RecordScore.as_dict`."""
    r = result["relationships"]
    f = result["facilities"]
    lines = [title] if title else []

    def pct(x):
        return "-" if x is None else f"{x:.2f}"

    lines.append(f"relationships  precision {r['precision']:.2f}  recall {r['recall']:.2f}  f1 {r['f1']:.2f}  "
                 f"(tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")
    lines.append(f"               status right {pct(r['status_accuracy'])}  year right {pct(r['year_accuracy'])}")
    lines.append(f"facilities     found {f['found']} of {f['expected']}, {f['unexpected']} unexpected; "
                 f"placed within tolerance {pct(f['placed_within_tolerance'])}")
    lines.append(f"must_not       violated {result['must_not_violated']}")
    sections = (("missed", "misses", "evidence_contains"), ("false positives", "false_positives", "quote"),
                ("must_not violated", "must_not_violations", "why"), ("wrong status", "wrong_status", None),
                ("wrong year", "wrong_year", None), ("facilities missed", "facility_misses", "place"),
                ("unexpected facilities", "facility_false_positives", "quote"))
    for heading, key, detail in sections:
        if not result[key]:
            continue
        lines.append(f"\n{heading}:")
        for x in result[key]:
            who = x.get("id") or f"{x.get('supplier')} -> {x.get('recipient', x.get('host'))} {x.get('kind', '')}".rstrip()
            head = f"  {x.get('article')}: {who}"
            if detail is None:
                head += f"  expected {x['expected']}, got {', '.join(x['got'])}"
            elif x.get(detail):
                head += f"  | {str(x[detail])[:110]}"
            lines.append(head)
    return "\n".join(lines) + "\n"
