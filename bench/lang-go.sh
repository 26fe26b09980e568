#!/bin/bash
# bench/lang-go.sh [BUILD_DIR] - the Go build-info collector on every Go
# binary of this machine (found by the build-info magic), compared module by
# module with `go version -m`, with the time taken. Run on demand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
find / -xdev -type f -perm -u+x -size +500k -size -256M 2>/dev/null |
    grep -v '^/proc\|^/work\|^/tmp' |
    xargs grep -l -a -F $'\xff Go buildinf:' 2>/dev/null > "$work/list" || true
mkdir "$work/tree"
i=0
while read -r f; do
    i=$((i + 1))
    # Hard links (same file system) so that the walk sees regular files.
    ln "$f" "$work/tree/$i-$(basename "$f")" 2>/dev/null || cp "$f" "$work/tree/$i-$(basename "$f")"
done < "$work/list"
echo "$(wc -l < "$work/list") Go binaries, $(du -shL "$work/tree" | cut -f1)"
/usr/bin/time -f "lang_dump: %e s wall, %M KB peak RSS" "$build/tests/pkg/lang_dump" "$work/tree" > "$work/kensa.out"
start=$(date +%s.%N)
for f in "$work"/tree/*; do go version -m "$f"; done > "$work/go.out" 2>/dev/null
echo "go version -m (one process per binary): $(echo "$(date +%s.%N) - $start" | bc) s wall"
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
theirs = {}
cur = None
last = None
for line in open(os.path.join(work, "go.out")):
    if not line.startswith("\t"):
        path, ver = line.rstrip("\n").split(": ", 1)
        cur = "/" + os.path.relpath(path, os.path.join(work, "tree"))
        theirs[cur] = set()
        if ver.startswith("go1"):
            theirs[cur].add(("stdlib", "v" + ver[2:].split(" ")[0]))
        continue
    f = line.strip().split("\t")
    if f[0] == "mod":
        theirs[cur].add((f[1], None if f[2] == "(devel)" else f[2]))
    elif f[0] == "dep":
        last = (f[1], f[2] if len(f) > 2 and f[2] != "(devel)" else None)
        theirs[cur].add(last)
    elif f[0] == "=>":
        theirs[cur].discard(last)
        if not f[1].startswith((".", "/")):
            theirs[cur].add((f[1], f[2]))
ours = {}
for line in open(os.path.join(work, "kensa.out")):
    r = json.loads(line)
    if "name" in r:
        ours.setdefault(r["path"], set()).add((r["name"], r.get("version")))
    elif "error" in r:
        print("error:", r["error"])
n_t = sum(len(v) for v in theirs.values())
n_o = sum(len(v) for v in ours.values())
print(f"modules+stdlib: go version -m {n_t}, kensa {n_o}")
for p in sorted(set(theirs) | set(ours)):
    a, b = theirs.get(p, set()), ours.get(p, set())
    if a != b:
        print(p, "only go:", sorted(a - b, key=str)[:5], "only kensa:", sorted(b - a, key=str)[:5])
PY
