#!/bin/bash
# bench/code.sh [KENSA] [DIR] - `kensa code` against Bandit on the same Python
# files: physical lines per second, single thread and all cores, peak RSS.
# Run on demand (see bench/README.md); needs bandit (Debian) and GNU time.
set -euo pipefail
kensa=${1:-build-bench/kensa}
dir=${2:-/usr/lib/python3.11}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
find "$dir" -name '*.py' -type f | sort >"$tmp/files"
lines=$(tr '\n' '\0' <"$tmp/files" | xargs -0 cat | wc -l)
nfiles=$(wc -l <"$tmp/files")
echo "corpus: $dir, $nfiles files, $lines lines; $(nproc) CPUs"

run() { # LABEL CMD...
  local label=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || true
  read -r secs user sys kb < <(tail -n 1 "$tmp/time")
  python3 -c "import sys; w=float(sys.argv[2]); c=float(sys.argv[3])+float(sys.argv[4]); n=int(sys.argv[5]); print(f'{sys.argv[1]:28} wall {w:7.2f} s = {n/max(w,1e-3):9.0f} lines/s   cpu {c:7.2f} s = {n/max(c,1e-3):9.0f} lines/s per core   peak RSS {int(sys.argv[6])//1024} MB')" \
    "$label" "$secs" "$user" "$sys" "$lines" "$kb"
}
# warm the page cache
tr '\n' '\0' <"$tmp/files" | xargs -0 cat >/dev/null
run "kensa code, 1 thread" "$kensa" code "$dir" --language python --threads 1 --format json -o "$tmp/k1.json"
run "kensa code, $(nproc) threads" "$kensa" code "$dir" --language python --threads "$(nproc)" --format json -o "$tmp/k2.json"
run "bandit (single-threaded)" bandit -q -f json -o "$tmp/b.json" -r "$dir"
python3 - "$tmp/k1.json" "$tmp/b.json" <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
try:
    b = json.load(open(sys.argv[2]))
    nb = len(b.get("results", []))
except Exception:
    nb = "?"
print(f"findings: kensa {len(k['findings'])}, bandit {nb}; kensa coverage notes {len(k['coverageNotes'])}")
PY
