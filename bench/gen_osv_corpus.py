#!/usr/bin/env python3
"""bench/gen_osv_corpus.py DIR MB - writes an OSV JSON corpus of about MB
megabytes into DIR (one record per file, 1000 files per subdirectory), made
from the real Go, RustSec and GitHub advisory samples with fresh ids and
aliases, so that sizes and shapes are real and every record is distinct."""
import json, os, pathlib, sys

out, target = pathlib.Path(sys.argv[1]), int(sys.argv[2]) << 20
data = pathlib.Path(os.environ.get('KENSA_SHARED_DATA', '/work/shared/data'))
seeds = []
for sub in ('osv/go', 'osv/rustsec', 'fixtures/ghsa'):
    for p in sorted((data / sub).glob('*.json')):
        seeds.append(json.loads(p.read_text()))
written, i = 0, 0
while written < target:
    rec = dict(seeds[i % len(seeds)])
    rec['id'] = 'BENCH-%07d' % i
    rec['aliases'] = ['CVE-3000-%07d' % i]
    d = out / ('%04d' % (i // 1000))
    if i % 1000 == 0:
        d.mkdir(parents=True, exist_ok=True)
    text = json.dumps(rec, indent=2)
    (d / (rec['id'] + '.json')).write_text(text)
    written += len(text)
    i += 1
print(i, written)
