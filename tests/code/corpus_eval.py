#!/usr/bin/env python3
"""Precision and recall of `kensa code` against the labelled corpus.

Labels sit on the line they are about: `# expect: CWE-N` (or `// expect:`)
marks a line where a finding with that CWE must be reported, `safe: CWE-N`
one where it must not. A finding on a line without a matching expect label
is a false positive. Fails when overall precision or recall drops below the
thresholds, when any CWE has fewer than MIN_CASES of each kind, or (with
--detectors) when a catalogue detector has no true positive.

usage: corpus_eval.py KENSA CORPUS_DIR [--report] [--bandit]
"""
import json, os, re, subprocess, sys
from collections import defaultdict

MIN_PRECISION = 0.95
MIN_RECALL = 0.90
MIN_CASES = 5

LABEL = re.compile(r'(?:#|//)\s*(expect|safe):\s*(CWE-\d+(?:\s*,\s*CWE-\d+)*)')


def labels(root):
    exp, safe = {}, {}
    for dp, _, fs in os.walk(root):
        for f in fs:
            if not f.endswith(('.py', '.js', '.ts', '.java')):
                continue
            p = os.path.join(dp, f)
            rel = os.path.relpath(p, root)
            for i, line in enumerate(open(p, encoding='utf-8'), 1):
                m = LABEL.search(line)
                if m:
                    cwes = [c.strip() for c in m.group(2).split(',')]
                    (exp if m.group(1) == 'expect' else safe)[(rel, i)] = cwes
    return exp, safe


def main():
    kensa, root = sys.argv[1], sys.argv[2]
    out = subprocess.run([kensa, 'code', root, '--format', 'json', '-q'],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f'kensa code failed ({out.returncode}): {out.stderr}')
    doc = json.loads(out.stdout)
    exp, safe = labels(root)
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    npos, nneg = defaultdict(int), defaultdict(int)
    hit = set()
    dets = set()
    for (k, cwes) in exp.items():
        for c in cwes:
            npos[c] += 1
    for (k, cwes) in safe.items():
        for c in cwes:
            nneg[c] += 1
    problems = []
    for f in doc['findings']:
        key = (f['filePath']['filePath'], f['filePath']['startLine'])
        want = exp.get(key, [])
        match = [c for c in want if c in f['cwes']]
        if match:
            for c in match:
                if (key, c) not in hit:
                    tp[c] += 1
                    hit.add((key, c))
            dets.add(f['detectorId'])
        else:
            c = f['cwes'][0]
            for s in safe.get(key, []):
                if s in f['cwes']:
                    c = s
            fp[c] += 1
            problems.append(f'FP {key[0]}:{key[1]} {f["detectorId"]}')
    for key, cwes in exp.items():
        for c in cwes:
            if (key, c) not in hit:
                fn[c] += 1
                problems.append(f'FN {key[0]}:{key[1]} {c}')
    allc = sorted(set(npos) | set(nneg) | set(fp), key=lambda c: int(c[4:]))
    print(f'{"CWE":10} {"pos":>4} {"neg":>4} {"TP":>4} {"FP":>4} {"FN":>4} {"prec":>6} {"recall":>6}')
    for c in allc:
        p = tp[c] / (tp[c] + fp[c]) if tp[c] + fp[c] else 1.0
        r = tp[c] / (tp[c] + fn[c]) if tp[c] + fn[c] else 1.0
        print(f'{c:10} {npos[c]:4} {nneg[c]:4} {tp[c]:4} {fp[c]:4} {fn[c]:4} {p:6.2f} {r:6.2f}')
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    prec = T / (T + F) if T + F else 1.0
    rec = T / (T + N) if T + N else 1.0
    print(f'overall: {T} TP, {F} FP, {N} FN, precision {prec:.3f}, recall {rec:.3f}')
    for p in problems:
        print('  ' + p)
    bad = []
    if prec < MIN_PRECISION:
        bad.append(f'precision {prec:.3f} < {MIN_PRECISION}')
    if rec < MIN_RECALL:
        bad.append(f'recall {rec:.3f} < {MIN_RECALL}')
    for c in allc:
        if npos[c] < MIN_CASES or nneg[c] < MIN_CASES:
            bad.append(f'{c}: {npos[c]} positive / {nneg[c]} negative cases, need {MIN_CASES} each')
    # every detector in the catalogue has a true positive in the corpus
    lst = subprocess.run([kensa, 'code', '--list-detectors'], capture_output=True, text=True)
    for line in lst.stdout.splitlines():
        d = line.split()[0] + '@v1.0'
        if d not in dets:
            bad.append(f'detector {d} has no true positive in the corpus')
    if bad:
        print('FAIL: ' + '; '.join(bad))
        sys.exit(1)
    print('ok')


main()
