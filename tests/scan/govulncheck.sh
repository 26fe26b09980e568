#!/bin/bash
# tests/scan/govulncheck.sh KENSA - cross-check of `kensa scan` on a Go binary
# with Debian's govulncheck (0.0~git20230201) and with the module-level
# decision of the Go project's own client library, on the same database
# (tests/data/govulndb: the Go vulndb reports for the binary's modules).
#
# The binary (tests/fixtures/go-govulncheck.sh) is built here with go1.19
# against golang.org/x/net v0.7.0 and golang.org/x/text v0.7.0.
#
# kensa reports at module level: every advisory whose range holds the
# module's (or the toolchain's, for `stdlib`) version. govulncheck's binary
# mode reports only advisories whose vulnerable symbols are linked into the
# binary. So the assertions are:
#  1. kensa == module level (x/vuln client.GetByModule + osv.AffectsSemver,
#     tests/scan/govulncheck/modlevel.go), advisory for advisory, minus
#     withdrawn advisories, which kensa never matches (x/vuln 2023 does not
#     look at `withdrawn`: a deliberate difference, listed);
#  2. govulncheck (symbol level) is a subset of kensa; its extra filtering
#     is listed as counts;
#  3. fixed versions: kensa gives the lowest fix above the installed version
#     (the fix on the binary's release branch), govulncheck 2023 the highest
#     fix of the advisory: both are checked against the advisory's events.
set -u
KENSA=$(realpath "$1")
SRC=$(realpath "$(dirname "$0")/../..")
FIX=${KENSA_FIXTURES:-$SRC/.fixtures}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
command -v govulncheck >/dev/null || { echo "FAIL: govulncheck not found (Debian package govulncheck, .ci/packages)"; exit 1; }
command -v go >/dev/null || { echo "FAIL: go not found (golang-go)"; exit 1; }
[ -d /usr/share/gocode/src/golang.org/x/vuln/client ] ||
    { echo "FAIL: golang.org/x/vuln sources missing (golang-golang-x-vuln-dev)"; exit 1; }
mkdir -p "$FIX"
root=$(KENSA_FIXTURES=$(realpath "$FIX") "$SRC/tests/fixtures/go-govulncheck.sh") ||
    { echo "FAIL: go-govulncheck fixture"; exit 1; }
bin=$root/app/kensa-govulncheck-fixture

python3 "$SRC/tests/scan/govulncheck/layout.py" "$SRC/tests/data/govulndb" "$TMP/gvdb" >/dev/null || exit 1
(cd "$SRC/tests/scan/govulncheck" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= \
    GOCACHE=$(realpath "$FIX")/.gocache go build -o "$TMP/modlevel" modlevel.go) ||
    { echo "FAIL: cannot build the module-level oracle"; exit 1; }
GOVULNDB=file://$TMP/gvdb GOCACHE=$(realpath "$FIX")/.gocache govulncheck -json "$bin" > "$TMP/gv.json" ||
    { echo "FAIL: govulncheck"; exit 1; }
"$TMP/modlevel" "file://$TMP/gvdb" "$bin" > "$TMP/mod.jsonl" || { echo "FAIL: modlevel"; exit 1; }
"$KENSA" db import -q --db "$TMP/v.db" "$SRC/tests/data/govulndb" || { echo "FAIL: import"; exit 1; }
"$KENSA" scan rootfs "$root" --db "$TMP/v.db" -f json -o "$TMP/k.json" || { echo "FAIL: scan"; exit 1; }

python3 - "$TMP" "$SRC/tests/data/govulndb" <<'PY'
import json, re, sys
t, data = sys.argv[1], sys.argv[2]
bad = 0
def no(m):
    global bad
    print("FAIL:", m); bad = 1
def ver(v):  # "go1.24rc2" / "v1.24.0-rc.2" / "1.19.8" -> an orderable tuple
    m = re.match(r"^(?:go|v)?(\d+)\.(\d+)(?:\.(\d+))?(?:-?(rc|beta)\.?(\d+))?", v)
    if not m:
        no(f"unparsable version {v!r}"); return (0,)
    pre = (0, int(m.group(5))) if m.group(4) else (1, 0)
    return (int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)) + pre

kensa = [f for f in json.load(open(f"{t}/k.json"))["findings"]
         if f["package"]["packageManager"] == "GOBINARY"]
mod = [json.loads(l) for l in open(f"{t}/mod.jsonl")]
gv = json.load(open(f"{t}/gv.json"))["Vulns"] or []
if not mod or not gv:
    no(f"nothing to compare: module level {len(mod)}, govulncheck {len(gv)}")

def ids(f):
    return {f["vulnerability"]["id"], *f["vulnerability"]["aliases"]}
def finding_for(goid, module):
    return [f for f in kensa if goid in ids(f) and f["package"]["name"] == module]

# 1. kensa == module level
withdrawn = [m for m in mod if m["withdrawn"]]
for m in mod:
    fs = finding_for(m["id"], m["module"])
    if m["withdrawn"]:
        if fs:
            no(f"{m['id']} is withdrawn but kensa reports it")
        continue
    if len(fs) != 1:
        no(f"{m['id']} ({m['module']} {m['version']}): {len(fs)} kensa findings, want 1")
    elif fs[0]["package"]["version"] != m["version"]:
        no(f"{m['id']}: kensa version {fs[0]['package']['version']}, build info {m['version']}")
known = {m["id"] for m in mod}
for f in kensa:
    if not ({i for i in ids(f) if i.startswith("GO-")} & known):
        no(f"kensa reports {f['vulnerability']['id']} {sorted(ids(f))} on {f['package']['name']}, "
           "which the module-level decision does not")

# 2. govulncheck (symbol level) within kensa; 3. fixed versions from the advisory
for v in gv:
    e = v["OSV"]
    for m in v["Modules"]:
        fs = finding_for(e["id"], m["Path"])
        if len(fs) != 1:
            no(f"govulncheck reports {e['id']} in {m['Path']} {m['FoundVersion']}; kensa has {len(fs)}")
            continue
        fixes = sorted({ev["fixed"] for a in e["affected"] if a["package"]["name"] == m["Path"]
                        for r in a.get("ranges", []) for ev in r["events"] if "fixed" in ev}, key=ver)
        found = ver(m["FoundVersion"])
        k_fix = fs[0]["package"].get("fixedInVersion")
        want_k = next((x for x in fixes if ver(x) > found), None)
        if k_fix != want_k:
            no(f"{e['id']}: kensa fixed {k_fix}, lowest fix above {m['FoundVersion']} is {want_k}")
        if fixes and ver(m["FixedVersion"]) != ver(fixes[-1]):
            no(f"{e['id']}: govulncheck fixed {m['FixedVersion']}, advisory's highest fix {fixes[-1]}")

called = sum(1 for v in gv for m in v["Modules"] for p in m["Packages"] if p.get("CallStacks"))
print(f"module level {len(mod) - len(withdrawn)} advisories (+{len(withdrawn)} withdrawn, not "
      f"matched by kensa), kensa {len(kensa)} findings, govulncheck binary mode {len(gv)} "
      f"(symbol level; {called} with call stacks)")
sys.exit(bad)
PY
