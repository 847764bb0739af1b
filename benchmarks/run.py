"""Benchmarks: geoparsing speed and quality beside geotext, and seed build times.

    python benchmarks/run.py [--corpora ../shared/geoparse-dev] [--cold]

Prints the figures that BENCHMARKS.md records: for each corpus and system, words per second
on one core (wall clock, median of three passes over the corpus; geomap's first pass, which
fills its memos of capitalised words and runs, is printed too, and so are words per second of
the process's CPU time, which other work on a shared machine disturbs less), recognition P/R/F1 and acc@161 with the
published scoring rule; the process's peak memory; the warm seed build (and with ``--cold``
the first build with an empty index cache, which compiles the gazetteer index). The corpora
are read from where they are, never copied into the project.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
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


def timed_passes(fn, gold: list[dict], passes: int = 3) -> tuple[dict, list[float], list[float]]:
    """Predictions of the last pass, and the wall-clock and CPU seconds of each pass."""
    seconds, cpu = [], []
    pred: dict = {}
    for _ in range(passes):
        t0, c0 = time.perf_counter(), time.process_time()
        pred = {str(g["doc_id"]): fn(g["text"]) for g in gold}
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return pred, seconds, cpu


def build_seconds(out: Path, env: dict | None = None) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "geomap", "-q", "build", str(ROOT / "seeds"), "--out", str(out)],
                   check=True, env=env)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(ROOT.parent / "shared" / "geoparse-dev"))
    ap.add_argument("--cold", action="store_true", help="also time a first build with an empty index cache")
    args = ap.parse_args()
    from geomap.evaluate import score
    from geomap.geoparse import Geoparser

    parsers = {"geomap": Geoparser(demonyms=True), "geomap --no-demonyms": Geoparser(demonyms=False)}
    for parser in parsers.values():
        parser.parse("warm up the index in Lima, Peru")

    def as_dicts(parser):
        return lambda t: [{"start": x.start, "end": x.end, "name": x.text, "lat": x.lat, "lon": x.lon}
                          for x in parser.parse(t)]

    for name in ("lgl", "geovirus"):
        path = Path(args.corpora) / f"{name}.jsonl"
        if not path.exists():
            print(f"{name}: {path} not found, skipped")
            continue
        gold = load(path)
        words = sum(len(g["text"].split()) for g in gold)
        systems = [(label, as_dicts(p)) for label, p in parsers.items()] + [("geotext", geotext_predict)]
        for label, fn in systems:
            pred, seconds, cpu = timed_passes(fn, gold)
            s = score(gold, pred)
            print(f"{name:9s} {label:20s} words/s {words / statistics.median(seconds):10,.0f} "
                  f"(first pass {words / seconds[0]:,.0f}; CPU time {words / statistics.median(cpu):,.0f})  "
                  f"P {s['precision']:.3f} R {s['recall']:.3f} "
                  f"F1 {s['f1']:.3f}  acc@161 {s.get('acc@161', float('nan')):.3f}")
    print(f"peak memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")

    out = ROOT / "benchmarks" / "out"
    # Three warm builds: the first also reads the articles again if the code changed since the
    # readings were cached; the others draw the map from the readings cache, as a rebuild does.
    warm = [build_seconds(out) for _ in range(3)]
    print(f"seed build (warm index): {' / '.join(f'{t:.2f}' for t in warm)} s, median {statistics.median(warm):.2f} s; "
          f"map {(out / 'footprint.html').stat().st_size / 1e6:.2f} MB")
    if args.cold:
        with tempfile.TemporaryDirectory(prefix="geomap-cold-") as cache:
            env = dict(os.environ, GEOMAP_CACHE_DIR=cache)
            print(f"seed build (empty index cache): {build_seconds(out, env):.2f} s")


if __name__ == "__main__":
    main()
