#!/bin/bash
# bench/scan.sh [BUILD] [SHARED_DATA] - `kensa scan rootfs` of a debootstrapped
# minbase Debian 12 tree against a database of every sample feed kensa
# imports (issue 6): whole-process wall time (hyperfine median, warm cache)
# against a `find -xdev` walk of the same tree in the same run, and the
# inventory and matching phases as kensa reports them (-v, monotonic clock).
# Then the matching phase on a Go binary (stdlib: the module with the most
# advisories) and `db lookup` cold against `kensa --version` (issue 4), in
# wall time and, independent of the machine's load, in instructions
# (valgrind; the helper process kensa-scan, which `kensa db` executes).
#
# KENSA_FIXTURES: where tests/fixtures/*.sh keep their trees (default .fixtures).
set -euo pipefail
build=${1:-build}
data=${2:-../shared/data}
export KENSA_FIXTURES=${KENSA_FIXTURES:-$PWD/.fixtures}
tree=$KENSA_FIXTURES/debian12-minbase
[ -d "$tree/var/lib/dpkg" ] || tests/fixtures/debian12-minbase.sh >/dev/null
gotree=$(tests/fixtures/go-govulncheck.sh)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
k=$build/kensa
# every sample kensa reads (OSV Go/RustSec/PyPA, KEV, NVD/GHSA/Ubuntu/Debian/
# Alpine/EPSS fixtures); the Amazon JSON and vuln-list Alpine files are in
# third-party shapes kensa does not import (rejected, listed by -v)
"$k" db import -q --db "$tmp/full.db" "$data/osv" "$data/kev" "$data/fixtures" 2>/dev/null || true
echo "DB: $(stat -c %s "$tmp/full.db") bytes, $(sqlite3 "$tmp/full.db" 'select count(*) from records') records"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
hyperfine -N --warmup 3 --min-runs 30 --export-json "$tmp/h.json" \
    "$k scan rootfs $tree --db $tmp/full.db -f json -o /dev/null" \
    "find $tree -xdev" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
k, f = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"kensa scan rootfs (minbase): {k:.1f} ms median; find -xdev {f:.1f} ms ({k / f:.1f}x)")
PY
for _ in 1 2 3 4 5; do "$k" scan rootfs "$tree" --db "$tmp/full.db" -f json -o /dev/null -v 2>&1 | grep timing; done
echo "== Go binary (go1.19.8 stdlib, x/net, x/text)"
for _ in 1 2 3 4 5; do "$k" scan rootfs "$gotree" --db "$tmp/full.db" -f json -o /dev/null -v 2>&1 | grep timing; done

echo "== db lookup cold (whole process, hyperfine median)"
q=("--ecosystem PyPI --package django --version 3.2.0"
   "--ecosystem Go --package golang.org/x/net --version v0.1.0"
   "--ecosystem Go --package stdlib --version v1.19.8")
hyperfine -N --warmup 20 --min-runs 200 --export-json "$tmp/l.json" "$k --version" \
    "$k db lookup --db $tmp/full.db ${q[0]}" "$k db lookup --db $tmp/full.db ${q[1]}" \
    "$k db lookup --db $tmp/full.db ${q[2]}" >/dev/null
python3 - "$tmp/l.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"] * 1000
for x in r:
    cpu = (x["user"] + x["system"]) * 1000
    print(f'{x["command"].split(" --db")[0].split("/")[-1]:<12} {" ".join(x["command"].split()[5:]):<56}'
          f' {x["median"]*1000:6.2f} ms (+{x["median"]*1000-base:5.2f})  cpu {cpu:5.2f} ms')
PY
if command -v valgrind >/dev/null; then
    echo "== instructions (valgrind callgrind, kensa-scan process)"
    ir() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*refs: *//p'; }
    echo "kensa-scan --version: $(ir "$build/kensa-scan" --version)"
    for a in "${q[@]}"; do
        # shellcheck disable=SC2086
        echo "db lookup $a: $(ir "$build/kensa-scan" db lookup --db "$tmp/full.db" $a)"
    done
fi
