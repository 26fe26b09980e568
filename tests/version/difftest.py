#!/usr/bin/python3
"""tests/version/difftest.py KENSA ECOSYSTEM CORPUS MIN_PAIRS -- ORACLE...

Differential test: feeds every "A<TAB>B" pair of CORPUS (gzip) to
`KENSA vercmp ECOSYSTEM -` and to the ORACLE command (a reference
implementation printing -1/0/1/error per line), and fails on any
disagreement, validity included (both must say "error" for the same lines).
Fails, too, when the corpus has fewer than MIN_PAIRS pairs or the oracle
cannot run."""
import gzip
import subprocess
import sys


def main():
    kensa, eco, corpus, min_pairs = sys.argv[1:5]
    assert sys.argv[5] == "--"
    oracle = sys.argv[6:]
    data = gzip.open(corpus, "rb").read()
    n = data.count(b"\n")
    if n < int(min_pairs):
        sys.exit(f"{corpus}: {n} pairs, expected at least {min_pairs}")
    try:
        ref = subprocess.run(oracle, input=data, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as e:
        err = getattr(e, "stderr", b"") or b""
        sys.exit(f"oracle {' '.join(oracle)} failed: {e}\n{err.decode(errors='replace')}")
    got = subprocess.run([kensa, "vercmp", eco, "-"], input=data, capture_output=True)
    if got.returncode not in (0, 3):
        sys.exit(f"kensa vercmp exited {got.returncode}: "
                 f"{got.stderr.decode(errors='replace')[-2000:]}")
    lines = data.split(b"\n")
    r = ref.stdout.decode().split("\n")[:n]
    k = got.stdout.decode().split("\n")[:n]
    if len(r) != n or len(k) != n:
        sys.exit(f"expected {n} results, oracle gave {len(r)}, kensa {len(k)}")
    bad = [i for i in range(n) if r[i] != k[i]]
    errors = sum(1 for x in r if x == "error")
    print(f"{eco}: {n} pairs ({errors} invalid per the reference), {len(bad)} disagreements")
    for i in bad[:30]:
        print(f"  line {i + 1}: {lines[i]!r}: reference {r[i]}, kensa {k[i]}")
    sys.exit(1 if bad else 0)


main()
