#!/usr/bin/python3
"""tests/version/apk_vectors.py KENSA VECTORS - apk-tools' published version
test vectors ("A OP B" lines, OP one of < = >) through `kensa vercmp Alpine -`.
No runnable apk-tools exists here, so these vectors are the reference.
The two vectors apk-tools marks as invalid versions ("23_foo", "1.0bc")
must be refused by kensa, which compares only valid versions."""
import subprocess
import sys

INVALID = {("23_foo", "4_beta"), ("1.0", "1.0bc")}


def main():
    kensa, path = sys.argv[1:3]
    vec = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            a, op, b = line.split()
            vec.append((a, op, b))
    data = "".join(f"{a}\t{b}\n" for a, _, b in vec)
    got = subprocess.run([kensa, "vercmp", "Alpine", "-"], input=data, capture_output=True,
                         text=True).stdout.split("\n")
    bad = 0
    for (a, op, b), r in zip(vec, got):
        want = "error" if (a, b) in INVALID else {"<": "-1", "=": "0", ">": "1"}[op]
        if r != want:
            print(f"{a} {op} {b}: kensa {r}, expected {want}")
            bad += 1
    print(f"apk: {len(vec)} vectors, {bad} disagreements")
    if len(vec) < 300:
        sys.exit("too few vectors")
    sys.exit(1 if bad else 0)


main()
