#!/bin/bash
# bench/scan.sh [BUILD] [SHARED_DATA] - `kensa scan rootfs` of a debootstrapped
# minbase Debian 12 tree against a database of every sample feed (issue 6):
# whole-process wall time (hyperfine median, warm cache) against a
# `find -xdev` walk of the same tree in the same run, and the inventory and
# matching phases as kensa reports them (-v).
set -euo pipefail
build=${1:-build}
data=${2:-../shared/data}
tree=$(tests/fixtures/debian12-minbase.sh)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$build/kensa" db import -q --db "$tmp/full.db" "$data/osv" "$data/kev" "$data/fixtures" || true
hyperfine -N --warmup 3 --min-runs 20 --export-json "$tmp/h.json" \
    "$build/kensa scan rootfs $tree --db $tmp/full.db -f json -o /dev/null" \
    "find $tree -xdev" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
k, f = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"kensa scan rootfs (minbase): {k:.1f} ms median; find -xdev {f:.1f} ms ({k / f:.1f}x)")
PY
for _ in 1 2 3; do "$build/kensa" scan rootfs "$tree" --db "$tmp/full.db" -f json -o /dev/null -v 2>&1 | grep timing; done
