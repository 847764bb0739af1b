"""Benchmarks: geoparsing speed and quality beside geotext, and seed build times.

    python benchmarks/run.py [--corpora ../shared/geoparse-dev]

Prints the figures that BENCHMARKS.md records. The corpora are read from where they are,
never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def geotext_predict(text: str) -> list[dict]:
    from geotext import GeoText

    out, used = [], set()
    g = GeoText(text)
    for name in list(g.cities) + list(g.countries):
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            if m.start() not in used:
                used.add(m.start())
                out.append({"start": m.start(), "end": m.end(), "name": name, "lat": None, "lon": None})
                break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(ROOT.parent / "shared" / "geoparse-dev"))
    args = ap.parse_args()
    from geomap.evaluate import score
    from geomap.geoparse import Geoparser

    parser = Geoparser(demonyms=False)
    parser.parse("warm up the index in Lima, Peru")
    for name in ("lgl", "geovirus"):
        path = Path(args.corpora) / f"{name}.jsonl"
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        gold = load(path)
        words = sum(len(g["text"].split()) for g in gold)
        for label, fn in (("geomap", lambda t: [{"start": x.start, "end": x.end, "name": x.text, "lat": x.lat, "lon": x.lon}
                                                for x in parser.parse(t)]),
                          ("geotext", geotext_predict)):
            t0 = time.perf_counter()
            pred = {str(g["doc_id"]): fn(g["text"]) for g in gold}
            secs = time.perf_counter() - t0
            s = score(gold, pred)
            print(f"{name:9s} {label:8s} words/s {words / secs:10,.0f}  P {s['precision']:.3f} R {s['recall']:.3f} "
                  f"F1 {s['f1']:.3f}  acc@161 {s.get('acc@161', float('nan')):.3f}")
    out = ROOT / "benchmarks" / "out"
    for label in ("seed build (warm index)",):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "geomap", "-q", "build", str(ROOT / "seeds"), "--out", str(out)], check=True)
        print(f"{label}: {time.perf_counter() - t0:.2f} s; map {(out / 'footprint.html').stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
