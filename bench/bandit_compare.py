#!/usr/bin/env python3
"""Side-by-side recall/precision of kensa and Bandit per CWE on the labelled
Python corpus (tests/data/code/python). Bandit 1.6 reports test ids, not
CWEs: MAP below gives the CWE each test id is about. Only findings on
labelled lines count (an unlabelled line, e.g. Bandit's import warnings, is
neither right nor wrong here).

usage: bench/bandit_compare.py KENSA [CORPUS]"""
import json, os, re, subprocess, sys
from collections import defaultdict

MAP = {
    'B102': 'CWE-94', 'B307': 'CWE-94', 'B104': 'CWE-605', 'B103': 'CWE-732',
    'B105': 'CWE-798', 'B106': 'CWE-798', 'B107': 'CWE-798', 'B108': 'CWE-377',
    'B301': 'CWE-502', 'B302': 'CWE-502', 'B506': 'CWE-502', 'B303': 'CWE-327',
    'B324': 'CWE-327', 'B304': 'CWE-327', 'B305': 'CWE-327', 'B306': 'CWE-377',
    'B310': 'CWE-918', 'B311': 'CWE-330', 'B313': 'CWE-611', 'B314': 'CWE-611',
    'B318': 'CWE-611', 'B319': 'CWE-611', 'B320': 'CWE-611', 'B321': 'CWE-319',
    'B323': 'CWE-295', 'B501': 'CWE-295', 'B505': 'CWE-326', 'B507': 'CWE-322',
    'B601': 'CWE-78', 'B602': 'CWE-78', 'B603': 'CWE-78', 'B604': 'CWE-78',
    'B605': 'CWE-78', 'B606': 'CWE-78', 'B607': 'CWE-78', 'B608': 'CWE-89',
    'B609': 'CWE-78', 'B610': 'CWE-89', 'B611': 'CWE-89', 'B701': 'CWE-79',
    'B702': 'CWE-79', 'B703': 'CWE-79', 'B201': 'CWE-94', 'B113': 'CWE-400',
}
LABEL = re.compile(r'#\s*(expect|safe):\s*(CWE-\d+(?:\s*,\s*CWE-\d+)*)')


def main():
    kensa = sys.argv[1]
    root = sys.argv[2] if len(sys.argv) > 2 else 'tests/data/code/python'
    exp, safe = defaultdict(set), defaultdict(set)
    for f in sorted(os.listdir(root)):
        if f.endswith('.py'):
            for i, line in enumerate(open(os.path.join(root, f)), 1):
                m = LABEL.search(line)
                if m:
                    for c in m.group(2).split(','):
                        (exp if m.group(1) == 'expect' else safe)[(f, i)].add(c.strip())
    k = json.loads(subprocess.run([kensa, 'code', root, '--format', 'json', '-q'],
                                  capture_output=True, text=True, check=True).stdout)
    kf = defaultdict(set)
    for x in k['findings']:
        kf[(os.path.basename(x['filePath']['filePath']), x['filePath']['startLine'])] |= set(x['cwes'])
    b = subprocess.run(['bandit', '-q', '-f', 'json', '-r', root], capture_output=True, text=True)
    bd = json.loads(b.stdout)
    bf = defaultdict(set)
    for x in bd['results']:
        c = MAP.get(x['test_id'])
        if c:
            for ln in x.get('line_range') or [x['line_number']]:
                bf[(os.path.basename(x['filename']), ln)].add(c)
    cwes = sorted({c for s in list(exp.values()) + list(safe.values()) for c in s}, key=lambda c: int(c[4:]))
    print('| CWE | cases (+/-) | kensa TP/FP/FN | Bandit TP/FP/FN | kensa recall | Bandit recall | kensa precision | Bandit precision |')
    print('|---|---|---|---|---|---|---|---|')
    tot = {'k': [0, 0, 0], 'b': [0, 0, 0]}
    for c in cwes:
        row = {}
        for name, found in (('k', kf), ('b', bf)):
            tp = sum(1 for key, s in exp.items() if c in s and c in found.get(key, ()))
            fn = sum(1 for key, s in exp.items() if c in s and c not in found.get(key, ()))
            fp = sum(1 for key, s in safe.items() if c in s and c in found.get(key, ()))
            row[name] = (tp, fp, fn)
            for i, v in enumerate((tp, fp, fn)):
                tot[name][i] += v
        npos = sum(1 for s in exp.values() if c in s)
        nneg = sum(1 for s in safe.values() if c in s)
        def pct(a, b):
            return f'{a / b:.2f}' if b else '-'
        (kt, kp, kn), (bt, bp, bn) = row['k'], row['b']
        print(f'| {c} | {npos}/{nneg} | {kt}/{kp}/{kn} | {bt}/{bp}/{bn} | {pct(kt, kt + kn)} | {pct(bt, bt + bn)} | {pct(kt, kt + kp)} | {pct(bt, bt + bp)} |')
    (kt, kp, kn), (bt, bp, bn) = tot['k'], tot['b']
    print(f'| all | | {kt}/{kp}/{kn} | {bt}/{bp}/{bn} | {kt / (kt + kn):.2f} | {bt / (bt + bn):.2f} | {kt / max(kt + kp, 1):.2f} | {bt / max(bt + bp, 1):.2f} |')


main()
