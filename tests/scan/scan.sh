#!/bin/bash
# tests/scan/scan.sh KENSA - `kensa scan` end to end on the sample data.
#
# Imports tests/data/scan/advisories into a fresh database, scans
# tests/data/scan/rootfs and checks each finding against the expectations in
# tests/data/scan/README.md, which come from the advisories' own ranges (not
# from kensa's output); then the formats, the filters, VEX, the ignore file
# and the exit codes.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/scan")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
# "now" for the end-of-life check and ignore expiries: results must not
# change with the date the suite runs.
export SOURCE_DATE_EPOCH=$(date -u -d 2026-11-26 +%s)
fail=0
no() { echo "FAIL: $*"; fail=1; }

"$KENSA" db import --db "$TMP/v.db" "$DATA/advisories" >/dev/null || { echo "import failed"; exit 1; }
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f json -o "$TMP/out.json" || no "scan failed"

python3 - "$TMP/out.json" <<'PY' || fail=1
import json, sys
doc = json.load(open(sys.argv[1]))
found = {(f["package"]["name"], f["vulnerability"]["id"]): f for f in doc["findings"]}
want = {
    ("lodash", "CVE-2021-23337"): "4.17.21",
    ("minimist", "CVE-2021-44906"): "1.2.6",
    ("express", "CVE-2024-29041"): "4.19.2",
    ("semver", "CVE-2022-25883"): "7.5.2",
    ("requests", "CVE-2023-32681"): "2.31.0",
    ("PyYAML", "CVE-2020-14343"): "5.4",
    ("Jinja2", "CVE-2024-22195"): "3.1.3",
    ("urllib3", "CVE-2023-43804"): "1.26.17",
    ("linux-image-6.1.0-10-amd64-unsigned", "CVE-2023-4921"): "6.1.55-1",
}
bad = 0
for key, fixed in want.items():
    f = found.get(key)
    if not f:
        print("FAIL: missing finding", key); bad = 1; continue
    if f["package"].get("fixedInVersion") != fixed:
        print("FAIL:", key, "fixed in", f["package"].get("fixedInVersion"), "want", fixed); bad = 1
    if not f["package"].get("remediation"):
        print("FAIL:", key, "has no fix command"); bad = 1
    if key[0].startswith("linux-"):
        continue
    if not any(a.startswith("GHSA-") for a in f["vulnerability"]["aliases"]):
        print("FAIL:", key, "does not name its GHSA alias"); bad = 1
for key in found:
    if key not in want:
        print("FAIL: unexpected finding", key); bad = 1
# lodash 4.17.20 is both in the lock file and installed: one finding.
keys = [(f["package"]["name"], f["vulnerability"]["id"]) for f in doc["findings"]]
if keys.count(("lodash", "CVE-2021-23337")) != 1:
    print("FAIL: lodash CVE-2021-23337 reported", keys.count(("lodash", "CVE-2021-23337")), "times"); bad = 1
# linux-libc-dev (kernel headers, source linux) is not reported for kernel CVEs.
if ("linux-libc-dev", "CVE-2023-4921") in found:
    print("FAIL: kernel CVE reported for linux-libc-dev"); bad = 1
# lodash 4.17.20 is the fixed version of GHSA-p6mc-m468-83gw (CVE-2020-8203).
if ("lodash", "CVE-2020-8203") in found:
    print("FAIL: CVE-2020-8203 reported for lodash 4.17.20, its fixed version"); bad = 1
sys.exit(bad)
PY

# Exit codes: --exit-code N when findings remain; --severity filters first.
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --exit-code 7 -q >/dev/null
[ $? = 7 ] || no "--exit-code 7 with findings"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --severity LOW --exit-code 7 -q >/dev/null
[ $? = 0 ] || no "--severity LOW leaves no findings: exit 0"
n=$("$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --severity CRITICAL -f csv | tail -n +2 | wc -l)
[ "$n" = 2 ] || no "--severity CRITICAL: $n rows, want 2"

# Ignore file: one entry applies, an expired one does not (and is reported).
cat > "$TMP/ignore.yaml" <<'YAML'
ignore:
  - id: CVE-2021-23337
    package: lodash
    reason: template() is never called with user input
  - id: GHSA-xvch-5gv4-984h
    reason: old exception
    expires: 2020-01-01
YAML
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --ignore-file "$TMP/ignore.yaml" -f csv \
    >"$TMP/ign.csv" 2>"$TMP/ign.err" || no "scan with ignore file"
grep -q CVE-2021-23337 "$TMP/ign.csv" && no "ignored finding still reported"
grep -q CVE-2021-44906 "$TMP/ign.csv" || no "expired ignore entry still applied"
grep -q "expired on 2020-01-01" "$TMP/ign.err" || no "expired entry not reported: $(cat "$TMP/ign.err")"
printf 'ignore:\n  - id: CVE-1\n' > "$TMP/bad.yaml"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --ignore-file "$TMP/bad.yaml" >/dev/null 2>"$TMP/bad.err"
[ $? = 3 ] || no "bad ignore file: exit code"
grep -q "bad.yaml' line 2: entry for 'CVE-1' without 'reason'" "$TMP/bad.err" || no "bad ignore file message: $(cat "$TMP/bad.err")"

# VEX: not_affected removes the finding.
cat > "$TMP/vex.json" <<'JSON'
{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "t", "timestamp": "2026-11-26T00:00:00Z", "version": 1,
 "statements": [{"vulnerability": {"name": "CVE-2024-29041"}, "products": [{"@id": "pkg:npm/express@4.18.2"}],
                 "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"}]}
JSON
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --vex "$TMP/vex.json" -f csv >"$TMP/vex.csv" || no "scan with vex"
grep -q CVE-2024-29041 "$TMP/vex.csv" && no "VEX not_affected finding still reported"
[ "$(tail -n +2 "$TMP/vex.csv" | wc -l)" = 8 ] || no "VEX removed more than one finding"

# --explain: why one vulnerability was or was not reported, per record and
# package (expectations from the advisories' ranges, as above).
ex() { "$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --explain "$@"; }
ex CVE-2020-8203 >"$TMP/x1" || no "--explain CVE-2020-8203 failed"
grep -q "^record GHSA-p6mc-m468-83gw (osv): npm lodash$" "$TMP/x1" || no "explain: record line: $(cat "$TMP/x1")"
grep -q "affected:  ECOSYSTEM introduced 0, fixed 4.17.20" "$TMP/x1" || no "explain: range"
grep -q "installed: lodash 4.17.20 in /app/package-lock.json" "$TMP/x1" || no "explain: installed"
grep -q "verdict:   not affected" "$TMP/x1" || no "explain: verdict for 4.17.20"
grep -q "result:    not reported: 4.17.20 is outside the affected ranges" "$TMP/x1" || no "explain: not-affected reason"
grep -A3 "npm lodash-es$" "$TMP/x1" | grep -q "not reported: package not installed" || no "explain: lodash-es not installed"
ex GHSA-35jh-r3h4-6jhm >"$TMP/x2" || no "--explain by alias failed"
head -1 "$TMP/x2" | grep -q "^CVE-2021-23337 (aliases: GHSA-35jh-r3h4-6jhm)$" || no "explain: alias resolves to the CVE"
grep -q "fixed:     4.17.21" "$TMP/x2" || no "explain: fixed version"
grep -q "result:    reported: HIGH, kensa score [0-9.]*, finding [0-9a-f]\{64\}$" "$TMP/x2" || no "explain: reported: $(cat "$TMP/x2")"
ex CVE-2021-23337 --ignore-file "$TMP/ignore.yaml" 2>/dev/null >"$TMP/x3" || no "explain with ignore file"
grep -q "not reported: ignored: template() is never called with user input ('$TMP/ignore.yaml' line 2)" "$TMP/x3" || no "explain: ignore reason: $(cat "$TMP/x3")"
ex CVE-2024-29041 --vex "$TMP/vex.json" >"$TMP/x4" || no "explain with vex"
grep -q "not reported: vex not_affected: vulnerable_code_not_in_execute_path" "$TMP/x4" || no "explain: vex reason: $(cat "$TMP/x4")"
ex CVE-2023-43804 --ignore-unfixed --severity CRITICAL >"$TMP/x5" || no "explain with --severity"
grep -q "not reported: severity MEDIUM not selected (--severity)" "$TMP/x5" || no "explain: severity reason: $(cat "$TMP/x5")"
grep -q "ECOSYSTEM introduced 2.0.0, fixed 2.0.6 | ECOSYSTEM introduced 0, fixed 1.26.17" "$TMP/x5" || no "explain: both urllib3 branches"
ex CVE-2020-8203 >"$TMP/x1b"; cmp -s "$TMP/x1" "$TMP/x1b" || no "explain output is not deterministic"
ex CVE-2020-8203 -f json | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["id"] == "CVE-2020-8203" and d["aliases"] == ["GHSA-p6mc-m468-83gw"], d
e = [x for x in d["entries"] if x["package"] == "lodash"][0]
assert e["installed"]["version"] == "4.17.20" and e["affected"] is False and e["reported"] is False, e
assert [x for x in d["entries"] if x["package"] == "lodash-es"][0]["installed"] is None
' || no "explain json"
ex CVE-1999-0001 >/dev/null 2>"$TMP/x6"; rc=$?
[ $rc = 3 ] || no "explain unknown id: exit $rc"
grep -q "no source knows 'CVE-1999-0001'" "$TMP/x6" || no "explain unknown id message: $(cat "$TMP/x6")"

# Known noise, handled visibly: kernel headers and packages found twice.
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -v -f csv 2>"$TMP/n.err" >/dev/null || no "scan -v"
grep -q "coverage: 1 Linux kernel vulnerabilities matched kernel-header packages" "$TMP/n.err" || no "kernel headers note: $(cat "$TMP/n.err")"
grep -q "not reported: CVE-2023-4921 in linux-libc-dev: kernel headers" "$TMP/n.err" || no "kernel headers skip not listed"
grep -q "coverage: 1 components found again under another path with the same purl (e.g. pkg:npm/lodash@4.17.20 in '/app/node_modules/lodash/package.json' and '/app/package-lock.json')" "$TMP/n.err" || no "duplicate note: $(cat "$TMP/n.err")"
ex CVE-2023-4921 >"$TMP/x7" || no "explain CVE-2023-4921"
grep -A5 "installed: linux-libc-dev 6.1.38-4" "$TMP/x7" | grep -q "result:    not reported: kernel headers" || no "explain: kernel headers: $(cat "$TMP/x7")"
grep -A5 "installed: linux-image-6.1.0-10-amd64-unsigned 6.1.38-4" "$TMP/x7" | grep -q "result:    reported" || no "explain: kernel image reported"
ex CVE-2021-23337 >"$TMP/x8"
grep -A5 "installed: lodash 4.17.20 in /app/package-lock.json" "$TMP/x8" | grep -q "not reported: same package instance as '/app/node_modules/lodash/package.json'" || no "explain: duplicate: $(cat "$TMP/x8")"
grep -A5 "installed: lodash 4.17.20 in /app/node_modules/lodash/package.json" "$TMP/x8" | grep -q "result:    reported" || no "explain: duplicate primary"

# A Go binary whose main module is "(devel)": not matched, with a note.
FIX=${KENSA_FIXTURES:-$(dirname "$0")/../../.fixtures}
mkdir -p "$FIX"
KENSA_FIXTURES=$(realpath "$FIX") "$(dirname "$0")/../fixtures/go-binary.sh" || { echo "FAIL: go-binary fixture (needs golang-go)"; exit 1; }
mkdir -p "$TMP/gofs/usr/local/bin"
cp "$FIX/go-binary/kensa-go-fixture" "$TMP/gofs/usr/local/bin/"
"$KENSA" scan rootfs "$TMP/gofs" --db "$TMP/v.db" -v >/dev/null 2>"$TMP/go.err" || no "scan of the Go binary"
grep -q "coverage: '/usr/local/bin/kensa-go-fixture': Go module 'example.com/kensa-fixture' has version (devel) (built from a source tree); not matched" "$TMP/go.err" || no "Go (devel) note: $(cat "$TMP/go.err")"
grep -q "3 components matched" "$TMP/go.err" || no "Go dependencies (2) and stdlib still matched: $(grep matched "$TMP/go.err")"

# End of life (content/distro-info, distro-info-data): the date is fixed
# with SOURCE_DATE_EPOCH; expectations from the CSV rows.
osfs() { mkdir -p "$TMP/os-$1/etc"; printf '%s\n' "${@:2}" > "$TMP/os-$1/etc/os-release"; }
osfs deb10 ID=debian 'VERSION_ID="10"' VERSION_CODENAME=buster
osfs deb12 ID=debian 'VERSION_ID="12"' VERSION_CODENAME=bookworm
osfs ubu18 ID=ubuntu 'VERSION_ID="18.04"' VERSION_CODENAME=bionic
osfs deb99 ID=debian 'VERSION_ID="99"'
osfs alpine ID=alpine 'VERSION_ID=3.10.9'
on() { SOURCE_DATE_EPOCH=$(date -u -d "$1" +%s) "$KENSA" scan rootfs "$TMP/os-$2" --db "$TMP/v.db" "${@:3}"; }
on 2026-11-26 deb10 -f json >"$TMP/e.json" || no "eol scan"
python3 - "$TMP/e.json" <<'PY' || fail=1
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert len(f) == 1, f
f = f[0]
assert f["type"] == "END_OF_LIFE" and f["severity"] == "HIGH", f
assert f["vulnerability"]["id"] == "KENSA-EOL-debian-10", f
assert f["title"] == "Debian 10 (buster) is past its end of security support on 2022-09-10 (LTS ended 2024-06-30)", f["title"]
PY
on 2026-11-26 deb12 -f csv -v >"$TMP/e12.csv" 2>"$TMP/e12.err" || no "eol deb12"
[ "$(tail -n +2 "$TMP/e12.csv" | wc -l)" = 0 ] || no "Debian 12 in its LTS period: no finding"
grep -q "coverage: Debian 12 (bookworm) is past its end of regular security support on 2026-07-11; Debian LTS supports part of it until 2028-06-30" "$TMP/e12.err" || no "Debian 12 LTS note: $(cat "$TMP/e12.err")"
on 2028-07-01 deb12 -f csv | grep -q "Debian 12 (bookworm) is past its end of security support on 2026-07-11 (LTS ended 2028-06-30)" || no "Debian 12 after LTS"
[ "$(on 2026-07-11 deb12 -f csv -v 2>&1 | grep -c -i "end of")" = 0 ] || no "Debian 12 on its last supported day: nothing"
on 2026-11-26 ubu18 -f csv | grep -q "Ubuntu 18.04 LTS (bionic) is past its end of standard security support on 2023-05-31 (Ubuntu Pro ESM until 2028-04-26)" || no "Ubuntu 18.04"
on 2026-11-26 deb99 -v 2>&1 >/dev/null | grep -q "coverage: '/etc/os-release': debian release '99' is not in the end-of-life data" || no "unknown release note"
on 2026-11-26 alpine -v 2>&1 >/dev/null | grep -q "coverage: '/etc/os-release': no end-of-life data for 'alpine'; end of life not checked" || no "unknown distro note"
printf 'ignore:\n  - id: KENSA-EOL-debian-10\n    reason: replaced next sprint\n' > "$TMP/eol-ign.yaml"
[ "$(on 2026-11-26 deb10 -f csv --ignore-file "$TMP/eol-ign.yaml" | tail -n +2 | wc -l)" = 0 ] || no "eol finding ignored by id"
on 2026-11-26 deb10 --explain KENSA-EOL-debian-10 | grep -q "result:    reported: HIGH, finding [0-9a-f]\{64\}: Debian 10 (buster) is past" || no "explain eol finding"
on 2026-11-26 deb12 --explain KENSA-EOL-debian-12 | grep -q "result:    not reported: Debian 12 (bookworm) is past its end of regular security support on 2026-07-11" || no "explain eol LTS"
on 2025-01-01 deb12 --explain KENSA-EOL-debian-12 | grep -q "result:    not reported: Debian 12 (bookworm) is supported until 2026-07-11" || no "explain eol supported"
on 2026-11-26 deb10 --explain KENSA-EOL-debian-10 --ignore-file "$TMP/eol-ign.yaml" | grep -q "result:    not reported: ignored: replaced next sprint" || no "explain eol ignored"
mkdir -p "$TMP/eold"
sed 's/^10,Buster,buster,2017-06-17,2019-07-06,2022-09-10,2024-06-30/10,Buster,buster,2017-06-17,2019-07-06,2030-01-01,2031-01-01/' "$(dirname "$0")/../../content/distro-info/debian.csv" > "$TMP/eold/debian.csv"
[ "$(on 2026-11-26 deb10 -f csv --eol-data "$TMP/eold" | tail -n +2 | wc -l)" = 0 ] || no "--eol-data not used"
on 2026-11-26 deb10 --eol-data "$TMP/nope" >/dev/null 2>"$TMP/ee"; [ $? != 0 ] || no "missing --eol-data accepted"
grep -q "nope': no debian.csv or ubuntu.csv" "$TMP/ee" || no "missing --eol-data message: $(cat "$TMP/ee")"
printf 'version,codename,series,created,release,eol\n10,Buster,buster,2017-06-17,2019-07-06,soon\n' > "$TMP/eold/debian.csv"
on 2026-11-26 deb10 --eol-data "$TMP/eold" >/dev/null 2>"$TMP/ee"; [ $? = 3 ] || no "bad eol csv: exit code"
grep -q "debian.csv' line 2: 'eol' is not a date (YYYY-MM-DD)" "$TMP/ee" || no "bad eol csv message: $(cat "$TMP/ee")"

# CycloneDX 1.6 with vulnerabilities (VEX), validated against the official
# schema (tests/sbom/validate.js, schemas from @cyclonedx/cyclonedx-library).
npmdir=$("$(dirname "$0")/../fixtures/npm-tools.sh") || { echo "FAIL: npm tools (npm-tools.sh)"; exit 1; }
command -v node >/dev/null || { echo "FAIL: node is missing (nodejs in .ci/packages)"; exit 1; }
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --vex "$TMP/vex.json" -f cyclonedx -o "$TMP/scan.cdx.json" || no "cyclonedx"
on 2026-11-26 deb10 -f cyclonedx -o "$TMP/eol.cdx.json" || no "cyclonedx eol"
NODE_PATH=$npmdir/node_modules node "$(dirname "$0")/../sbom/validate.js" cyclonedx "$TMP/scan.cdx.json" "$TMP/eol.cdx.json" >/dev/null || no "cyclonedx output does not validate"
python3 - "$TMP/scan.cdx.json" "$TMP/eol.cdx.json" "$TMP/broken.cdx.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
refs = {c["bom-ref"] for c in d["components"]}
v = {x["id"]: x for x in d["vulnerabilities"]}
assert len(d["vulnerabilities"]) == 9, len(d["vulnerabilities"])  # 8 findings + 1 VEX not_affected
for x in d["vulnerabilities"]:
    for a in x["affects"]:
        assert a["ref"] in refs, a
e = v["CVE-2024-29041"]
assert e["analysis"] == {"state": "not_affected", "justification": "code_not_reachable",
                         "detail": "vulnerable_code_not_in_execute_path"}, e["analysis"]
assert e["affects"][0]["versions"] == [{"version": "4.18.2", "status": "unaffected"}], e["affects"]
l = v["CVE-2021-23337"]
assert "analysis" not in l
assert l["affects"][0]["ref"].endswith("/app/node_modules/lodash/package.json"), l["affects"]
r = [x for x in l["ratings"] if x.get("method") == "CVSSv31"]
assert r and r[0]["vector"].startswith("CVSS:3.1/") and r[0]["severity"] == "high", l["ratings"]
assert {"id": "GHSA-35jh-r3h4-6jhm", "source": {"name": "GHSA"}} in l["references"]
assert l["recommendation"] == "npm install lodash@4.17.21"
eol = json.load(open(sys.argv[2]))["vulnerabilities"]
assert [x["id"] for x in eol] == ["KENSA-EOL-debian-10"] and eol[0]["affects"][0]["ref"] == "kensa:os", eol
e["analysis"]["state"] = "maybe"
json.dump(d, open(sys.argv[3], "w"))
PY
# The end-of-life finding fits the documented findings schema.
on 2026-11-26 deb10 -f json -o "$TMP/eol.findings.json" || no "eol json"
node "$(dirname "$0")/../score/validate-json.js" "$npmdir/node_modules" "$(dirname "$0")/../../docs/findings-schema.json" "$TMP/eol.findings.json" >/dev/null || no "eol finding does not fit docs/findings-schema.json"
if NODE_PATH=$npmdir/node_modules node "$(dirname "$0")/../sbom/validate.js" cyclonedx "$TMP/broken.cdx.json" >/dev/null 2>&1; then
    no "the validator accepted an invalid analysis state"
fi

# Other formats parse; bad input has clear errors and codes.
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f sarif | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["version"]=="2.1.0" and len(d["runs"][0]["results"])==9' || no "sarif"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f asff | python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d["Findings"] if isinstance(d, dict) else d)==9' || no "asff"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/nope.db" >/dev/null 2>"$TMP/e1"; rc=$?
[ $rc = 3 ] || no "missing db: exit $rc"
grep -q "nope.db" "$TMP/e1" || no "missing db message: $(cat "$TMP/e1")"
printf 'not a database, just text that is long enough to fill a header ....' > "$TMP/junk.db"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/junk.db" >/dev/null 2>"$TMP/e2"; rc=$?
[ $rc != 0 ] || no "corrupt db accepted"
grep -q "junk.db" "$TMP/e2" || no "corrupt db message: $(cat "$TMP/e2")"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f yaml >/dev/null 2>&1; [ $? = 2 ] || no "unknown format: exit code"
"$KENSA" scan rootfs "$TMP/does-not-exist" --db "$TMP/v.db" >/dev/null 2>&1; [ $? = 3 ] || no "missing target: exit code"
# The network model adjusts the score: the same scan for an instance the
# internet reaches (public-ip case: i-eip) and for one it does not (i-nopub).
NET=$(realpath "$(dirname "$0")/../data/net/public-ip")
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f json --network "$NET" --instance i-eip \
    -o "$TMP/exposed.json" || no "scan --network (exposed)"
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" -f json --network "$NET" --instance i-nopub \
    -o "$TMP/hidden.json" || no "scan --network (not exposed)"
python3 - "$TMP/exposed.json" "$TMP/hidden.json" <<'PY' || fail=1
import json, sys
def pyyaml(path):
    for f in json.load(open(path))["findings"]:
        if f["package"]["name"] == "PyYAML":
            return f
exp, hid = pyyaml(sys.argv[1]), pyyaml(sys.argv[2])
# CVE-2020-14343: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H = 9.8
assert exp["kensaScore"] == 9.8 and not exp["kensaScoreDetails"]["adjustments"], exp["kensaScoreDetails"]
assert hid["kensaScore"] < 9.8 and "AV:A" in hid["kensaScoreDetails"]["scoringVector"], hid["kensaScoreDetails"]
assert hid["kensaScoreDetails"]["adjustments"], "adjustment not listed"
PY
"$KENSA" scan rootfs "$DATA/rootfs" --db "$TMP/v.db" --network "$NET" >/dev/null 2>&1; [ $? = 2 ] || no "--network without --instance: usage error"

# A function archive: package findings and code findings in one scan
# (handler.py passes event["name"] through two assignments into os.system).
(cd "$DATA/function" && zip -q -X "$TMP/function.zip" handler.py requirements.txt) || no "zip"
"$KENSA" scan archive "$TMP/function.zip" --db "$TMP/v.db" -f json -o "$TMP/fn.json" || no "scan archive"
python3 - "$TMP/fn.json" <<'PY' || fail=1
import json, sys
got = sorted((f["type"], f["vulnerability"]["id"]) for f in json.load(open(sys.argv[1]))["findings"])
want = [("CODE_VULNERABILITY", "python/os-command-injection@v1.0"),
        ("PACKAGE_VULNERABILITY", "CVE-2023-32681")]
assert got == want, got
PY
"$KENSA" code "$TMP/function.zip" --format json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert [f["detectorId"] for f in d["findings"]] == ["python/os-command-injection@v1.0"], d["findings"]' \
    || no "kensa code ZIP"
printf 'PK\003\004 truncated' > "$TMP/broken.zip"
timeout 10 "$KENSA" code "$TMP/broken.zip" >/dev/null 2>&1; rc=$?
[ $rc = 3 ] || [ $rc = 0 ] || no "broken zip: exit $rc (must end, with 0 or 3)"

exit $fail
