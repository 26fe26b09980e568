#!/bin/bash
# bench/lang-npm.sh [BUILD_DIR] - language collectors on a real, larger npm
# project (webpack 5, eslint 8, jest 29, typescript 5: ~380 packages), next to
# `npm ls --all --json` on the same tree. Needs the npm registry once (the
# project is cached under $KENSA_FIXTURES/bench-npm). Run on demand.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
dir=${KENSA_FIXTURES:-$root/.fixtures}/bench-npm
if [ ! -f "$dir/package-lock.json" ]; then
    mkdir -p "$dir"
    (cd "$dir" && npm init -y >/dev/null &&
     npm install --no-audit --no-fund --ignore-scripts webpack@5 eslint@8 jest@29 typescript@5 >/dev/null)
fi
echo "tree: $(find "$dir/node_modules" -name package.json | wc -l) package.json files, $(wc -c < "$dir/package-lock.json") bytes of package-lock.json"
for i in 1 2 3; do
    /usr/bin/time -f "lang_dump: %e s wall, %M KB peak RSS" "$build/tests/pkg/lang_dump" "$dir" > /tmp/kensa-bench-npm.out
done
for i in 1 2 3; do
    (cd "$dir" && /usr/bin/time -f "npm ls --all --json: %e s wall, %M KB peak RSS" \
        sh -c "npm ls --all --json 2>/dev/null" > /tmp/kensa-bench-npm.ls) || true
done
python3 - <<'PY'
import json
t = json.load(open('/tmp/kensa-bench-npm.ls'))
theirs = set()
def walk(d):
    for n, v in (d or {}).items():
        if 'version' in v:
            theirs.add((n, v['version']))
        walk(v.get('dependencies'))
walk(t.get('dependencies'))
comps = [json.loads(l) for l in open('/tmp/kensa-bench-npm.out') if '"name"' in l]
inst = {(c['name'], c['version']) for c in comps if '/node_modules/' in c['path']}
lock = {(c['name'], c['version']) for c in comps if c['path'] == '/package-lock.json'}
print(f"npm ls: {len(theirs)} name@version; kensa node_modules: {len(inst)}, package-lock.json: {len(lock)}")
print("only npm ls:", sorted(theirs - inst) or "none", "/", sorted(theirs - lock) or "none")
print("only kensa (installed):", sorted(inst - theirs) or "none")
print("only kensa (lock):", sorted(lock - theirs) or "none")
PY
