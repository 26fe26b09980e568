#!/bin/bash
# bench/cvss.sh [BUILD_DIR] - CVSS scoring throughput: `kensa cvss --file`
# on 100,000 random valid vectors (25,000 per version, tests/score/
# random-vectors.py) against the same process on 4 vectors (the floor:
# start-up and output), and against the npm reference calculator
# (ae-cvss-calculator) on the same file, all in one hyperfine run.
set -euo pipefail
build=${1:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 "$src/tests/score/random-vectors.py" 42 25000 > "$tmp/v"
head -4 "$tmp/v" > "$tmp/v4"
npm_dir=$("$src/tests/fixtures/npm-tools.sh")
hyperfine -N --warmup 1 --min-runs 5 --export-json "$tmp/h.json" \
    "$build/kensa cvss --file $tmp/v4" "$build/kensa cvss --file $tmp/v" \
    "node $src/tests/score/oracle-ae.js $npm_dir/node_modules $tmp/v" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor, k, ae = (x["median"] * 1000 for x in r)
uf, uk, ua = (x["user"] * 1000 for x in r)
per = (uk - uf) / 100000 * 1e3
print(f"kensa cvss, 4 vectors       : {floor:8.2f} ms median wall, {uf:8.2f} ms mean user CPU")
print(f"kensa cvss, 100,000 vectors : {k:8.2f} ms median wall, {uk:8.2f} ms mean user CPU"
      f"  ({per:.2f} us CPU per vector)")
print(f"ae-cvss-calculator, 100,000 : {ae:8.2f} ms median wall, {ua:8.2f} ms mean user CPU"
      f"  ({ua / uk:.0f}x kensa's CPU)")
PY
