#!/bin/bash
# tests/scan/severity.sh KENSA - CVSS per source, the vendor-else-NVD rule and
# vendor labels, end to end on real advisory files (tests/data/vulndb):
#
# - Log4Shell (GHSA-jfh8-c2jp-5v3q + NVD CVE-2021-44228 + KEV) on a jar built
#   here: the finding lists each source's vector (GHSA, NVD v3.1 and v2.0),
#   GHSA is the vendor of a Maven package, so its score is the base;
#   `db search` lists the same vectors per source;
# - the Debian tracker excerpt on a Debian 10 rootfs: urgencies without any
#   CVSS give the label-mapped band; "end-of-life" names no band: UNTRIAGED;
# - the Ubuntu OSV record CVE-2024-0727 (its own CVSS) beside an NVD record
#   without metrics: the vendor's CVSS.
#
# The JSON outputs validate against docs/findings-schema.json (ajv).
# Every expectation is computed here from the advisory files themselves
# (vectors, urgencies, fixed versions), never from kensa's output.
set -u
KENSA=$(realpath "$1")
DATA=$(realpath "$(dirname "$0")/../data/vulndb")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
export SOURCE_DATE_EPOCH=$(date -u -d 2026-11-26 +%s)
fail=0

"$KENSA" db import -q --db "$TMP/v.db" "$DATA/osv/GHSA-jfh8-c2jp-5v3q.json" \
    "$DATA/nvd/CVE-2021-44228.json" "$DATA/kev/kev-log4j.json" "$DATA/tracker/vunnel-debian.json" \
    "$DATA/osv/CVE-2024-0727.json" "$DATA/nvd/CVE-2024-0727.json" ||
    { echo "FAIL: import"; exit 1; }

# Three targets: a jar with Maven metadata, a Debian 10 and an Ubuntu 22.04 tree.
python3 - "$TMP" <<'PY' || exit 1
import os, sys, zipfile
t = sys.argv[1]
os.makedirs(f"{t}/java/app/lib")
with zipfile.ZipFile(f"{t}/java/app/lib/log4j-core-2.14.1.jar", "w") as z:
    z.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n\r\n")
    z.writestr("META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties",
               "groupId=org.apache.logging.log4j\nartifactId=log4j-core\nversion=2.14.1\n")
def tree(root, osrel, pkgs):
    os.makedirs(f"{root}/etc"); os.makedirs(f"{root}/var/lib/dpkg")
    open(f"{root}/etc/os-release", "w").write(osrel)
    with open(f"{root}/var/lib/dpkg/status", "w") as f:
        for name, src, ver in pkgs:
            f.write(f"Package: {name}\nStatus: install ok installed\nArchitecture: all\n"
                    f"Source: {src}\nVersion: {ver}\nDescription: x\n\n")
tree(f"{t}/deb10", 'ID=debian\nVERSION_ID="10"\nVERSION_CODENAME=buster\n',
     [("txt2man", "txt2man", "1.5.5-4"), ("backupninja", "backupninja", "0.8-1"),
      ("libjs-prototype", "prototypejs", "1.6.0.1-1"), ("chromium", "chromium", "90.0-1")])
tree(f"{t}/jammy", 'ID=ubuntu\nVERSION_ID="22.04"\nVERSION_CODENAME=jammy\n',
     [("libssl3", "openssl", "3.0.2-0ubuntu1.10")])
PY

for t in java deb10 jammy; do
    "$KENSA" scan rootfs "$TMP/$t" --db "$TMP/v.db" -f json -o "$TMP/$t.json" ||
        { echo "FAIL: scan $t"; fail=1; }
done
# the same Ubuntu tree through an SBOM: the purl's distro gives the release
"$KENSA" sbom rootfs "$TMP/jammy" -o "$TMP/jammy.cdx" || { echo "FAIL: sbom jammy"; fail=1; }
"$KENSA" scan sbom "$TMP/jammy.cdx" --db "$TMP/v.db" -f json -o "$TMP/jammy-sbom.json" ||
    { echo "FAIL: scan sbom jammy"; fail=1; }
"$KENSA" db search --db "$TMP/v.db" CVE-2021-44228 --format json > "$TMP/search.json" || { echo "FAIL: search"; fail=1; }
"$KENSA" scan rootfs "$TMP/java" --db "$TMP/v.db" -f cyclonedx -o "$TMP/java.cdx.json" ||
    { echo "FAIL: cyclonedx"; fail=1; }
"$KENSA" scan rootfs "$TMP/java" --db "$TMP/v.db" -f sarif -o "$TMP/java.sarif" ||
    { echo "FAIL: sarif"; fail=1; }
"$KENSA" scan rootfs "$TMP/java" --db "$TMP/v.db" -f asff -o "$TMP/java.asff.json" ||
    { echo "FAIL: asff"; fail=1; }

python3 - "$TMP" "$DATA" <<'PY' || fail=1
import json, sys
t, data = sys.argv[1], sys.argv[2]
bad = 0
def no(msg):
    global bad
    print("FAIL:", msg); bad = 1

# --- expectations from the advisory files ---
ghsa = json.load(open(f"{data}/osv/GHSA-jfh8-c2jp-5v3q.json"))
nvd = json.load(open(f"{data}/nvd/CVE-2021-44228.json"))
nvd = nvd.get("cve", nvd)
def version(v):
    return v[5:8] if v.startswith("CVSS:") else "2.0"
want = {("GHSA", s["score"]) for s in ghsa["severity"] if s["type"].startswith("CVSS")}
nvd_base = {}
for key, arr in nvd["metrics"].items():
    for m in arr:
        want.add(("NVD", m["cvssData"]["vectorString"]))
        nvd_base[m["cvssData"]["vectorString"]] = m["cvssData"]["baseScore"]
ghsa_vec = [v for s, v in want if s == "GHSA" and v.startswith("CVSS:3.1/")][0]

# --- the jar: CVSS per source, GHSA (vendor of a Maven package) wins ---
doc = json.load(open(f"{t}/java.json"))
fs = [f for f in doc["findings"] if f["vulnerability"]["id"] == "CVE-2021-44228"]
if len(fs) != 1:
    no(f"log4j: {len(fs)} findings for CVE-2021-44228, want 1")
else:
    f = fs[0]
    got = {(c["source"], c["scoringVector"]) for c in f["cvss"]}
    if got != want:
        no(f"log4j cvss per source {sorted(got)}, want {sorted(want)}")
    for c in f["cvss"]:
        if c["version"] != version(c["scoringVector"]):
            no(f"log4j {c['source']} version {c['version']} for {c['scoringVector']}")
        if c["vendor"] != (c["source"] == "GHSA"):
            no(f"log4j {c['source']} vendor flag {c['vendor']}")
        if c["source"] == "NVD" and c["baseScore"] != nvd_base[c["scoringVector"]]:
            no(f"log4j NVD {c['scoringVector']} base {c['baseScore']}, NVD publishes "
               f"{nvd_base[c['scoringVector']]}")
    d = f["kensaScoreDetails"]
    if d["scoreSource"] != "GHSA" or d["baseVector"] != ghsa_vec:
        no(f"log4j score from {d['scoreSource']} {d['baseVector']}, want GHSA {ghsa_vec}")
    b = f["severityBasis"]
    if b["basis"] != "VENDOR_CVSS" or b["source"] != "GHSA" or "NVD" not in b["reason"]:
        no(f"log4j severity basis {b}")
    if "NVD" not in d["selection"]:
        no(f"log4j selection does not name what was passed over: {d['selection']}")
    label = ghsa["database_specific"]["severity"]
    if (f["vulnerability"].get("vendorSeverity"), f["vulnerability"].get("vendorSeveritySource")) != (label, "GHSA"):
        no(f"log4j vendor label {f['vulnerability']}")
    if f["kev"] is None:
        no("log4j: KEV entry missing")

# --- db search: every source's vectors, with base scores ---
s = json.load(open(f"{t}/search.json"))
got = {(c["source"], c["vector"]) for c in s["cvss"]}
if got != want:
    no(f"db search cvss per source {sorted(got)}, want {sorted(want)}")
for c in s["cvss"]:
    if c["source"] == "NVD" and c.get("base_score") != nvd_base[c["vector"]]:
        no(f"db search NVD base {c}")
if {(l["source"], l["label"]) for l in s["labels"]} != {("GHSA", ghsa["database_specific"]["severity"])}:
    no(f"db search labels {s['labels']}")

# --- the other formats carry the same sources ---
cdx = json.load(open(f"{t}/java.cdx.json"))
v = [x for x in cdx.get("vulnerabilities", []) if x["id"] == "CVE-2021-44228"]
methods = {"2.0": "CVSSv2", "3.0": "CVSSv3", "3.1": "CVSSv31", "4.0": "CVSSv4"}
if not v:
    no("cyclonedx: no CVE-2021-44228")
else:
    got = {(r["source"]["name"], r.get("vector"), r["method"]) for r in v[0]["ratings"]
           if r["source"]["name"] != "kensa"}
    exp = {(src, vec, methods[version(vec)]) for src, vec in want}
    if got != exp:
        no(f"cyclonedx ratings {sorted(got)}, want {sorted(exp)}")
sarif = json.load(open(f"{t}/java.sarif"))
res = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CVE-2021-44228"]
if not res or {(c["source"], c["vector"]) for c in res[0]["properties"]["cvss"]} != want:
    no("sarif: cvss per source missing")
asff = json.load(open(f"{t}/java.asff.json"))
fa = [x for x in asff["Findings"] if x["GeneratorId"] == "CVE-2021-44228"]
if not fa or {(c["Source"], c["BaseVector"]) for c in fa[0]["Vulnerabilities"][0]["Cvss"]} != want:
    no("asff: Cvss per source missing")

# --- Debian 10: tracker urgencies, no CVSS anywhere ---
tracker = json.load(open(f"{data}/tracker/vunnel-debian.json"))
band = {"unimportant": "INFORMATIONAL", "low": "LOW", "medium": "MEDIUM", "high": "HIGH"}
installed = {"txt2man": "1.5.5-4", "backupninja": "0.8-1", "prototypejs": "1.6.0.1-1",
             "chromium": "90.0-1"}
doc = json.load(open(f"{t}/deb10.json"))
found = {f["vulnerability"]["id"]: f for f in doc["findings"] if f["type"] == "PACKAGE_VULNERABILITY"}
import subprocess
expected = {}
for src, cves in tracker.items():
    for cve, e in cves.items():
        r = e.get("releases", {}).get("buster") if isinstance(e.get("releases"), dict) else None
        if not r or src not in installed:
            continue
        fixed = r.get("fixed_version")
        if r["status"] == "resolved":
            if fixed == "0" or subprocess.run(["dpkg", "--compare-versions", installed[src], "lt",
                                               fixed]).returncode:
                continue
        u = r.get("urgency", "").rstrip("*")
        expected[cve] = band.get(u, "UNTRIAGED"), r.get("urgency")
if not expected:
    no("no expectations derived from the tracker (fixture changed?)")
if set(found) != set(expected):
    no(f"debian 10 findings {sorted(found)}, want {sorted(expected)}")
for cve, (sev, urgency) in expected.items():
    f = found.get(cve)
    if not f:
        continue
    b = f["severityBasis"]
    if f["severity"] != sev or f["kensaScore"] is not None or f["cvss"]:
        no(f"{cve}: severity {f['severity']} score {f['kensaScore']} cvss {f['cvss']}, "
           f"want {sev} from urgency {urgency!r} and no CVSS")
    want_basis = "VENDOR_LABEL" if sev != "UNTRIAGED" else "NONE"
    if b["basis"] != want_basis or f["vulnerability"].get("vendorSeverity") != urgency:
        no(f"{cve}: basis {b}, vendor label {f['vulnerability'].get('vendorSeverity')}, "
           f"want {want_basis} from {urgency!r}")
    if want_basis == "VENDOR_LABEL" and (b.get("source") != "DEBIAN" or urgency not in b["reason"]):
        no(f"{cve}: basis does not name the Debian urgency: {b}")

# --- Ubuntu 22.04: the vendor's CVSS (NVD's record has no metrics) ---
ub = json.load(open(f"{data}/osv/CVE-2024-0727.json"))
ub_vec = [s["score"] for s in ub["severity"] if s["type"] == "CVSS_V3"][0]
doc = json.load(open(f"{t}/jammy.json"))
fs = [f for f in doc["findings"] if f["vulnerability"]["id"] == "CVE-2024-0727"]
if len(fs) != 1:
    no(f"ubuntu: {len(fs)} findings for CVE-2024-0727")
else:
    f = fs[0]
    if [(c["source"], c["scoringVector"], c["vendor"]) for c in f["cvss"]] != [("UBUNTU", ub_vec, True)]:
        no(f"ubuntu cvss {f['cvss']}")
    if f["severityBasis"]["basis"] != "VENDOR_CVSS" or f["kensaScoreDetails"]["baseVector"] != ub_vec:
        no(f"ubuntu basis {f['severityBasis']}")
doc = json.load(open(f"{t}/jammy-sbom.json"))
if [f["vulnerability"]["id"] for f in doc["findings"] if f["type"] == "PACKAGE_VULNERABILITY"] != ["CVE-2024-0727"]:
    no(f"ubuntu via SBOM: {[f['vulnerability']['id'] for f in doc['findings']]}, want CVE-2024-0727")
sys.exit(bad)
PY
# The real outputs (label-based, untriaged, end-of-life and vendor-CVSS
# findings) validate against the documented schema (ajv, strict).
SRC=$(realpath "$(dirname "$0")/../..")
npm_dir=$(KENSA_FIXTURES=$(realpath "${KENSA_FIXTURES:-$SRC/.fixtures}") "$SRC/tests/fixtures/npm-tools.sh") ||
    { echo "FAIL: cannot install the npm tools (ajv)"; exit 1; }
for t in java deb10 jammy jammy-sbom; do
    node "$SRC/tests/score/validate-json.js" "$npm_dir/node_modules" "$SRC/docs/findings-schema.json" \
        "$TMP/$t.json" > "$TMP/ajv.out" 2>&1 || { echo "FAIL: $t.json against the schema:"; cat "$TMP/ajv.out"; fail=1; }
done

# --explain names the rule's choice (the urgency comes from the tracker file)
urg=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["txt2man"]["CVE-2013-1444"]["releases"]["buster"]["urgency"])' "$DATA/tracker/vunnel-debian.json")
"$KENSA" scan rootfs "$TMP/deb10" --db "$TMP/v.db" --explain CVE-2013-1444 > "$TMP/x.txt" 2>&1
grep -qF "severity:  no CVSS; DEBIAN label '$urg' -> LOW" "$TMP/x.txt" ||
    { echo "FAIL: explain does not name the label rule: $(cat "$TMP/x.txt")"; fail=1; }
grep -q "reported: LOW, no kensa score (no CVSS), finding" "$TMP/x.txt" ||
    { echo "FAIL: explain decision: $(cat "$TMP/x.txt")"; fail=1; }
[ $fail = 0 ] && echo "ok: CVSS per source, vendor rule and labels"
exit $fail
