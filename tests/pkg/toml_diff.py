#!/usr/bin/env python3
"""tests/pkg/toml_diff.py TOML_DUMP SRCDIR - our TOML reader against Python's
tomllib (the reference TOML 1.0 parser in the standard library) on every
TOML file of the repository's fixtures and fuzz corpus: both must accept the
same documents and produce the same values (dates compared as dates; kensa
keeps them as strings). The known, deliberate differences are listed in
KNOWN (and in bench/README.md)."""
import datetime
import glob
import json
import math
import os
import subprocess
import sys
import tomllib

KNOWN = {
    # kensa accepts a UTF-8 byte order mark (Windows editors write one).
    "t14-bom-crlf.toml": "kensa",
    # TOML 1.1: newlines (and trailing commas) inside inline tables.
    "t20-inline-newline.toml": "kensa",
    # TOML requires an error for integers beyond 64 bits; tomllib keeps
    # Python's unbounded int.
    "t21-int-overflow.toml": "tomllib",
}


def same(ours, ref, where):
    if isinstance(ref, bool) or ref is None:
        return ours == ref
    if isinstance(ref, (datetime.datetime, datetime.date, datetime.time)):
        if not isinstance(ours, str):
            return False
        s = ours.replace(" ", "T").replace("t", "T")
        for cls in (datetime.datetime, datetime.date, datetime.time):
            if isinstance(ref, cls):
                try:
                    return cls.fromisoformat(s.replace("z", "Z")) == ref
                except ValueError:
                    return False
    if isinstance(ref, float):
        if ours is None:  # the JSON writer has no NaN/inf
            return math.isnan(ref) or math.isinf(ref)
        return isinstance(ours, (int, float)) and float(ours) == ref
    if isinstance(ref, int):
        return isinstance(ours, int) and ours == ref
    if isinstance(ref, str):
        return ours == ref
    if isinstance(ref, list):
        return isinstance(ours, list) and len(ours) == len(ref) and all(
            same(a, b, where) for a, b in zip(ours, ref))
    if isinstance(ref, dict):
        return isinstance(ours, dict) and list(ours) == list(ref) and all(
            same(ours[k], ref[k], where + "." + k) for k in ref)
    return False


def main():
    dump, src = sys.argv[1], sys.argv[2]
    files = sorted(set(glob.glob(os.path.join(src, "fuzz/corpus/toml/*")) +
                       glob.glob(os.path.join(src, "tests/data/pkg/**/*.lock"), recursive=True) +
                       glob.glob(os.path.join(src, "tests/data/pkg/**/*.toml"), recursive=True)))
    files = [f for f in files if not f.endswith(("yarn.lock", "Gemfile.lock", "Pipfile.lock",
                                                 "composer.lock"))]
    out = subprocess.run([dump] + files, capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    bad = 0
    for f, line in zip(files, lines):
        ours = json.loads(line)
        base = os.path.basename(f)
        try:
            with open(f, "rb") as fh:
                ref = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            ref_err = str(exc)
            ref = None
        ours_err = isinstance(ours, dict) and list(ours) == ["error"]
        if base in KNOWN:
            accepted_by = "kensa" if not ours_err else "tomllib" if ref is not None else None
            if accepted_by != KNOWN[base] or (ref is not None and not ours_err):
                print(f"{base}: known difference changed")
                bad += 1
            else:
                print(f"{base}: known difference (only {accepted_by} accepts)")
            continue
        if ref is None:
            if not ours_err:
                print(f"{base}: tomllib rejects ({ref_err}), kensa accepts")
                bad += 1
            else:
                print(f"{base}: both reject (kensa: {ours['error']})")
            continue
        if ours_err:
            print(f"{base}: kensa rejects ({ours['error']}), tomllib accepts")
            bad += 1
        elif not same(ours, ref, base):
            print(f"{base}: values differ")
            bad += 1
        else:
            print(f"{base}: same")
    print(f"{len(files)} files, {bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
