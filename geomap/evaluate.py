"""Score geoparsing against annotated texts, with the rule the published tables use.

A predicted toponym matches a gold one when the lower-cased strings are equal and the span
midpoints are under 10 characters apart (Gritta et al.; EUPEG). Reported: recognition
precision, recall and F1; on matched toponyms acc@161, mean and median error in km, and the
AUC of the error curve (lower is better).
"""

from __future__ import annotations

import json
import math
import statistics
from pathlib import Path

from .exc import InputError
from .geocode.gazetteer import km

__all__ = ["score", "evaluate_files"]

MAX_ERROR_KM = 20039


def _load(path: Path) -> list[dict]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror or err})") from err
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as err:
                raise InputError(f"{path}:{n}: malformed JSON line") from err
    return out


def score(gold: list[dict], pred: dict[str, list[dict]]) -> dict:
    """Recognition and resolution scores of ``pred`` (doc_id -> toponyms) against ``gold``."""
    tp = fp = fn = 0
    errors: list[float] = []
    n_gold = 0
    for g in gold:
        text = g["text"]
        gtops = g.get("toponyms", [])
        n_gold += len(gtops)
        ptops = list(pred.get(str(g["doc_id"]), []))
        for t in gtops:
            hit = None
            for p in ptops:
                pname = p.get("name") or text[p["start"]:p["end"]]
                if pname.lower() == t["name"].lower() and abs((p["start"] + p["end"]) / 2 - (t["start"] + t["end"]) / 2) < 10:
                    hit = p
                    break
            if hit is None:
                fn += 1
                continue
            tp += 1
            ptops.remove(hit)
            if hit.get("lat") is not None and t.get("lat") is not None:
                errors.append(km(t["lat"], t["lon"], hit["lat"], hit["lon"]))
        fp += len(ptops)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    out = {"docs": len(gold), "tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall,
           "f1": 2 * precision * recall / (precision + recall) if tp else 0.0}
    if errors:
        errs = sorted(errors)
        logs = [math.log(1 + e) for e in errs]
        n = len(errs)
        auc = (sum((logs[i] + logs[i + 1]) / 2 for i in range(n - 1)) / (math.log(MAX_ERROR_KM) * (n - 1))
               if n > 1 else logs[0] / math.log(MAX_ERROR_KM))
        out.update({"geocoded": n, "acc@161": sum(e < 161 for e in errs) / n, "mean_km": sum(errs) / n,
                    "median_km": statistics.median(errs), "auc": auc})
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in out.items()}


def evaluate_files(gold_path: Path, pred_path: Path | None = None, *, demonyms: bool = True) -> dict:
    """Score a prediction file, or geomap's own geoparse of the gold texts when none is given."""
    gold = _load(gold_path)
    if pred_path is not None:
        pred = {str(d["doc_id"]): d.get("toponyms", []) for d in _load(pred_path)}
    else:
        from .geoparse import Geoparser

        parser = Geoparser(demonyms=demonyms)
        pred = {}
        for g in gold:
            pred[str(g["doc_id"])] = [{"start": t.start, "end": t.end, "name": t.text, "lat": t.lat, "lon": t.lon}
                                      for t in parser.parse(g["text"])]
    return score(gold, pred)
