#!/bin/bash
# bench/vulndb.sh [BUILD_DIR] [MB] - vulnerability DB import and lookup.
#
# 1. all real samples (../shared/data: OSV Go, RustSec, PyPA YAML, KEV, the
#    fixtures): import time, MB/s, peak RSS, DB size, bytes per advisory;
# 2. a generated OSV corpus of MB megabytes (default 300): parse-only pass
#    (db import --dry-run) and import in the same run, MB/s, peak RSS, size;
# 3. re-import of the samples under other names: DB growth;
# 4. `db lookup` cold (whole process) against `kensa --version` (hyperfine);
# 5. a Debian tracker export of ~60 MB (the real excerpt in tests/data/vulndb,
#    repeated under other package names): import time and peak RSS.
set -euo pipefail
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
build=$(realpath "${1:-build}")
mb=${2:-300}
data=${KENSA_SHARED_DATA:-/work/shared/data}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
k=$build/kensa

run() { # LABEL INPUT_BYTES CMD... ; prints seconds, MB/s, peak RSS, CPU seconds
    # (user + sys: the import is single-threaded, so MB per CPU second is the
    # per-core rate, which a loaded machine's wall clock overstates)
    local label=$1 bytes=$2; shift 2
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" > "$tmp/out" 2>&1 || { cat "$tmp/out"; exit 1; }
    read -r secs rss usr sys < "$tmp/time"
    python3 -c "import sys; s=float(sys.argv[2]); b=int(sys.argv[3]); c=float(sys.argv[5])+float(sys.argv[6]); print(f'{sys.argv[1]:<34} {s:7.2f} s  {b/s/1e6 if s else 0:7.1f} MB/s  peak RSS {int(sys.argv[4])/1024:6.1f} MiB  cpu {c:6.2f} s  {b/c/1e6 if c else 0:6.1f} MB/cpu-s')" \
        "$label" "$secs" "$bytes" "$rss" "$usr" "$sys"
}
size_of() { du -sb "$@" | awk '{s+=$1} END {print s}'; }

samples=("$data/osv/go" "$data/osv/rustsec" "$data/osv/pypi" "$data/kev/known_exploited_vulnerabilities.json"
         "$data/fixtures/ghsa" "$data/fixtures/nvd" "$data/fixtures/ubuntu" "$data/fixtures/debian"
         "$data/fixtures/alpine/secdb" "$data/fixtures/epss")
sbytes=$(size_of "${samples[@]}")
echo "== all samples: $((sbytes / 1024 / 1024)) MiB input"
run "parse only (--dry-run)" "$sbytes" "$k" db import --dry-run --db "$tmp/s.db" "${samples[@]}"
run "import" "$sbytes" "$k" db import --db "$tmp/s.db" "${samples[@]}"
recs=$(sqlite3 "$tmp/s.db" "select count(*) from records")
dbsize=$(stat -c %s "$tmp/s.db")
echo "DB $((dbsize / 1024)) KiB, $recs records, $((dbsize / recs)) bytes/record, ratio to input $(python3 -c "print(round($dbsize/$sbytes,3))")"
mkdir "$tmp/other"
for s in "${samples[@]}"; do cp -r "$s" "$tmp/other/$(basename "$s")-renamed"; done
run "re-import under other names" "$sbytes" "$k" db import --db "$tmp/s.db" "$tmp"/other/*
dbsize2=$(stat -c %s "$tmp/s.db")
echo "re-import growth: $dbsize -> $dbsize2 bytes ($(python3 -c "print(round(($dbsize2-$dbsize)*100/$dbsize,2))") %)"

echo "== lookup cold (whole process, hyperfine median)"
hyperfine -N --warmup 20 --min-runs 200 --export-json "$tmp/h.json" \
    "$k --version" \
    "$k db lookup --db $tmp/s.db --ecosystem PyPI --package django --version 3.2.0" \
    "$k db lookup --db $tmp/s.db --ecosystem Go --package golang.org/x/net --version v0.1.0" >/dev/null
python3 - "$tmp/h.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"] * 1000
for x in r:
    print(f'{x["command"].split(" --db")[0].replace("/", " ")[-60:]:<60} {x["median"]*1000:6.2f} ms  (+{x["median"]*1000-base:5.2f} ms)')
PY

echo "== generated OSV corpus (${mb} MB)"
python3 "$(dirname "$0")/gen_osv_corpus.py" "$tmp/corpus" "$mb" > "$tmp/gen"
cbytes=$(size_of "$tmp/corpus")
echo "$(cut -d' ' -f1 "$tmp/gen") records, $((cbytes / 1024 / 1024)) MiB on disk"
run "parse only (--dry-run)" "$cbytes" "$k" db import --dry-run --db "$tmp/c.db" "$tmp/corpus"
run "import" "$cbytes" "$k" db import --db "$tmp/c.db" "$tmp/corpus"
csize=$(stat -c %s "$tmp/c.db")
echo "DB $((csize / 1024 / 1024)) MiB, ratio to input $(python3 -c "print(round($csize/$cbytes,3))"), $((csize / $(cut -d' ' -f1 "$tmp/gen"))) bytes/record"

echo "== Debian tracker export, ~60 MB (compact JSON)"
python3 - "$(dirname "$0")/../tests/data/vulndb/tracker/vunnel-debian.json" "$tmp/tracker.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out, i = {}, 0
while len(out) < 49000:
    out.update({f"{k}-{i}": v for k, v in d.items()})
    i += 1
json.dump(out, open(sys.argv[2], "w"), separators=(",", ":"))
PY
tbytes=$(stat -c %s "$tmp/tracker.json")
run "tracker import" "$tbytes" "$k" db import --db "$tmp/t.db" "$tmp/tracker.json"
