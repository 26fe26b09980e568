#!/bin/bash
# bench/apt-import.sh KENSA [CAP_BYTES] - import time of a bookworm-security
# apt mirror (run on demand, not in the test suite; needs deb.debian.org).
#
#  1. the test fixture: the partial mirror of tests/fixtures/
#     debian12-security-mirror.sh (real InRelease + Packages, the .deb files
#     of the minbase tree's outdated source packages), with and without
#     --apt-base (the 8.8 MB bookworm Packages.xz as base);
#  2. a fuller mirror built here under $KENSA_FIXTURES/bench-bookworm-security:
#     the same real indexes and, for EVERY source package of the suite, its
#     smallest .deb that carries the changelog, up to CAP_BYTES (default 1 MB)
#     per file (~350 of the ~395 sources, ~50 MB of downloads).
# Prints hyperfine medians (wall) and mean CPU time (user+system: the machine
# may be shared) and the peak RSS of one run of each.
set -euo pipefail
KENSA=$(realpath "$1")
cap=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
fx=${KENSA_FIXTURES:-$here/../.fixtures}
part=$("$here/../tests/fixtures/debian12-security-mirror.sh")
full=$fx/bench-bookworm-security
sec=${KENSA_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KENSA_CONFIG=/dev/null

if [ ! -f "$full.stamp" ]; then
    rm -rf "$full"
    mkdir -p "$full/dists"
    cp -a "$part/dists/bookworm-security" "$part/dists/bookworm" "$full/dists/"
    python3 - "$full/dists/bookworm-security/main/binary-amd64/Packages.xz" "$cap" >"$tmp/list" <<'PY'
import lzma, sys
src = {}
for block in lzma.open(sys.argv[1]).read().decode().split("\n\n"):
    d = {}
    for line in block.splitlines():
        if line[:1] not in (" ", "\t") and ":" in line:
            k, v = line.split(":", 1)
            d[k] = v.strip()
    if d:
        s = d.get("Source", d["Package"]).split(" ")[0]
        src.setdefault(s, []).append(d)
for s, bins in sorted(src.items()):
    for d in sorted(bins, key=lambda d: int(d["Size"]))[:4]:
        if int(d["Size"]) <= int(sys.argv[2]):
            print(s, d["Package"], d["Filename"])
PY
    prev=
    while read -r src pkg file; do
        [ "$src" = "$prev" ] && continue
        mkdir -p "$full/$(dirname "$file")"
        curl -fsSL --retry 3 -o "$full/$file" "$sec/$file" || { echo "cannot download $file" >&2; exit 1; }
        if dpkg-deb --fsys-tarfile "$full/$file" | tar -t >"$tmp/t" 2>/dev/null &&
            grep -qE "^\./usr/share/doc/$pkg/changelog(\.Debian)?\.gz$" "$tmp/t"; then
            prev=$src
        else
            rm -f "$full/$file"
        fi
    done <"$tmp/list"
    touch "$full.stamp"
fi
ndeb=$(find "$full/pool" -name '*.deb' | wc -l)
mb=$(du -sm "$full/pool" | cut -f1)
echo "partial mirror: $(find "$part/pool" -name '*.deb' | wc -l) .deb; fuller mirror: $ndeb .deb, $mb MB"
grep -m1 '^Date:' "$part/dists/bookworm-security/InRelease"

run() { # NAME ARGS...
    local name=$1; shift
    # a fresh database each run: a first import, not a re-import
    hyperfine -N -w 1 -r 5 --prepare "rm -f $tmp/b.db" --export-json "$tmp/h.json" \
        "$KENSA db import --db $tmp/b.db -q $*" >/dev/null
    local med
    med=$(python3 -c 'import json,sys; r = json.load(open(sys.argv[1]))["results"][0]; print("%.1f ms wall, %.1f ms CPU" % (r["median"]*1000, (r["user"]+r["system"])*1000))' "$tmp/h.json")
    rm -f "$tmp/b.db"
    local rss
    /usr/bin/time -o "$tmp/rss" -f '%M' "$KENSA" db import --db "$tmp/b.db" -q "$@" >/dev/null 2>&1
    rss=$(tail -1 "$tmp/rss")
    rm -f "$tmp/b.db"
    "$KENSA" db import --db "$tmp/b.db" "$@" >"$tmp/out" 2>&1 || true
    local recs
    recs=$(grep -oE '[0-9]+ imported' "$tmp/out" | head -1)
    rm -f "$tmp/b.db"
    printf '%-44s %s, peak RSS %s KB, %s\n' "$name" "$med" "$rss" "$recs"
}
run "partial, --apt-base bookworm" --apt-base "$part/dists/bookworm" "$part/dists/bookworm-security"
run "partial, no base" "$part/dists/bookworm-security"
run "fuller ($ndeb .deb), --apt-base bookworm" --apt-base "$full/dists/bookworm" "$full/dists/bookworm-security"
run "fuller ($ndeb .deb), no base" "$full/dists/bookworm-security"
