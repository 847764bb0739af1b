"""Event coding on the held-out articles: relationship precision and recall against tests/data/heldout-expected.json.

    python benchmarks/heldout.py [-v]
"""
import json
import sys

from pathlib import Path
from geomap.ingest import read_articles
from geomap.extract import Extractor
ex = Extractor()
exp = json.load(open('tests/data/heldout-expected.json'))['articles']
arts = {a.id: a for a in read_articles(['tests/data/articles'])}
tp=fp=fn=0; mn_viol=0; miss=[]; extra=[]
for aid, e in exp.items():
    key = next((k for k in arts if k == aid or k.endswith(aid) or arts[k].id == aid), None)
    if key is None: print("missing article", aid); continue
    r = ex.read(arts[key])
    got = {(x.supplier, x.recipient, x.kind) for x in r.relations if not x.speculative}
    want = {(x['supplier'], x['recipient'], x['kind']) for x in e['relationships'] if not x.get('speculative')}
    tp += len(got & want); fp += len(got - want); fn += len(want - got)
    miss += [(aid[:22],)+m for m in sorted(want-got)]; extra += [(aid[:22],)+m for m in sorted(got-want)]
    for m in e.get('must_not', []):
        if 'supplier' in m and any((x.supplier, x.recipient) == (m['supplier'], m['recipient']) for x in r.relations if not x.speculative):
            mn_viol += 1
p = tp/(tp+fp) if tp+fp else 0; rc = tp/(tp+fn) if tp+fn else 0
print(f"held-out relationships: precision {p:.2f} recall {rc:.2f} (tp {tp} fp {fp} fn {fn}); must_not violated {mn_viol}")
if '-v' in sys.argv:
    print("MISSED", miss); print("EXTRA", extra)
