"""Event coding on the held-out articles: relationship precision and recall against
tests/data/heldout-expected.json, for the whole set and for each of its annotated sets.

    python benchmarks/heldout.py [-v]

The scoring is geomap's own (`geomap evaluate-records`, geomap/evaluate_records.py).
"""
import sys
from pathlib import Path

from geomap.evaluate_records import format_table, load_gold, score_records
from geomap.pipeline import extract_records

ROOT = Path(__file__).resolve().parent.parent
gold = load_gold(ROOT / "tests/data/heldout-expected.json")
records = extract_records([ROOT / "tests/data/articles"])
groups = {"all": gold.articles}
for name in sorted(set(gold.sets.values())):
    groups[name] = [a for a in gold.articles if gold.sets.get(a) == name]
for name, articles in groups.items():
    result = score_records(gold, records.relationships, records.facilities, articles=articles).as_dict()
    r = result["relationships"]
    print(f"held-out relationships [{name}, {len(articles)} articles]: precision {r['precision']:.2f} "
          f"recall {r['recall']:.2f} (tp {r['tp']} fp {r['fp']} fn {r['fn']}); "
          f"status right {r['status_accuracy']}, year right {r['year_accuracy']}; "
          f"must_not violated {result['must_not_violated']}")
    if "-v" in sys.argv and name == "all":
        print(format_table(result))
