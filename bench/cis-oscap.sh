#!/bin/bash
# bench/cis-oscap.sh - kensa versus OpenSCAP on the same Debian 11 tree and
# the same rules (run on demand; see bench/README.md "CIS").
#
# 1. Builds (once) a debootstrap'd Debian 11 tree (tests/fixtures/debian11-cis.sh).
# 2. Writes an XCCDF tailoring file selecting exactly the SSG rules of
#    ssg-debian's Debian 11 content that kensa's debian11 rules map to.
# 3. Runs `oscap xccdf eval` INSIDE the tree (chroot), so that its probes see
#    the tree's dpkg database and files. Debian 11 has no openscap package, so
#    Debian 12's oscap, its libraries and loader are staged under
#    /opt/kensa-oscap in the tree and started through that loader (the tree's
#    own libc is left alone).
# 4. Runs kensa on the same tree, and compares wall time, peak RSS and the
#    verdict of every mapped rule; writes bench/cis-oscap.out.
# Needs root and the packages openscap-scanner, ssg-debian, debootstrap, time.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$PWD
KENSA=${KENSA:-$SRC/build/kensa}
export KENSA_FIXTURES=${KENSA_FIXTURES:-$SRC/.fixtures}
DS=/usr/share/xml/scap/ssg/content/ssg-debian11-ds.xml
for t in oscap /usr/bin/time debootstrap; do
    command -v "$t" >/dev/null || { echo "missing $t: apt install openscap-scanner ssg-debian time debootstrap"; exit 1; }
done
[ -f "$DS" ] || { echo "missing $DS: apt install ssg-debian"; exit 1; }
tests/fixtures/debian11-cis.sh
TREE=$KENSA_FIXTURES/debian11-cis
OPT=$TREE/opt/kensa-oscap
OUT=${OUT:-$SRC/bench/cis-oscap.out}

# ---- stage oscap in the tree
rm -rf "$OPT"
mkdir -p "$OPT/bin" "$OPT/lib" "$TREE/usr/share/openscap"
cp /usr/bin/oscap "$OPT/bin/"
for lib in $(ldd /usr/bin/oscap | grep -o '/[^ ]*'); do cp -L "$lib" "$OPT/lib/"; done
# libraries the probes dlopen or link lazily
for lib in $(ldd /usr/lib/x86_64-linux-gnu/libopenscap.so.25 | grep -o '/[^ ]*'); do cp -L "$lib" "$OPT/lib/"; done
cp -a /usr/share/openscap/. "$TREE/usr/share/openscap/"
cp "$DS" "$OPT/ds.xml"
LOADER=$(ls "$OPT"/lib/ld-linux-x86-64.so.2)

# ---- tailoring: exactly the SSG rules kensa maps to
python3 - "$SRC/content/cis/debian11.yaml" "$DS" "$OPT/tailoring.xml" "$OPT/mapping.json" <<'PY'
import json, re, sys, yaml
bench = yaml.safe_load(open(sys.argv[1]))
ds = open(sys.argv[2]).read()
avail = set(re.findall(r'Rule selected="(?:true|false)" id="xccdf_org\.ssgproject\.content_rule_([a-z0-9_-]+)"', ds))
mapping = {}
for sec in bench["sections"]:
    for r in sec["rules"]:
        ids = [x for x in r.get("ssg", []) if x in avail]
        if ids and not r.get("manual"):
            mapping[r["id"]] = ids
rules = sorted({x for ids in mapping.values() for x in ids})
# CIS values where SSG has a variable (kensa's thresholds)
values = {"sshd_max_auth_tries_value": "4", "var_accounts_maximum_age_login_defs": "365",
          "var_accounts_minimum_age_login_defs": "1", "var_accounts_password_warn_age_login_defs": "7",
          "var_sshd_set_login_grace_time": "60", "var_sshd_max_sessions": "10",
          "var_sshd_set_maxstartups": "10:30:60", "sshd_idle_timeout_value": "300",
          "var_sshd_set_keepalive": "3", "var_accounts_user_umask": "027",
          "var_auditd_max_log_file_action": "keep_logs", "var_auditd_disk_full_action": "halt",
          "var_auditd_disk_error_action": "halt", "var_auditd_space_left_action": "email",
          "var_auditd_admin_space_left_action": "single"}
avail_vals = set(re.findall(r'Value id="xccdf_org\.ssgproject\.content_value_([a-z0-9_]+)"', ds))
with open(sys.argv[3], "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xccdf:Tailoring xmlns:xccdf="http://checklists.nist.gov/xccdf/1.2" id="xccdf_kensa_tailoring_cis">\n'
            '  <xccdf:benchmark href="/opt/kensa-oscap/ds.xml"/>\n'
            '  <xccdf:version time="2026-01-01T00:00:00">1</xccdf:version>\n'
            '  <xccdf:Profile id="xccdf_kensa_profile_cis">\n'
            '    <xccdf:title>kensa CIS rules mapped to SSG</xccdf:title>\n')
    for r in rules:
        f.write(f'    <xccdf:select idref="xccdf_org.ssgproject.content_rule_{r}" selected="true"/>\n')
    for k, v in values.items():
        if k in avail_vals:
            f.write(f'    <xccdf:set-value idref="xccdf_org.ssgproject.content_value_{k}">{v}</xccdf:set-value>\n')
    f.write('  </xccdf:Profile>\n</xccdf:Tailoring>\n')
json.dump(mapping, open(sys.argv[4], "w"), indent=1)
print(f"tailoring: {len(rules)} SSG rules for {len(mapping)} kensa rules")
PY

# ---- run both, timed (warm: one untimed run each first)
run_oscap() {
    chroot "$TREE" /opt/kensa-oscap/lib/ld-linux-x86-64.so.2 --library-path /opt/kensa-oscap/lib \
        /opt/kensa-oscap/bin/oscap xccdf eval --tailoring-file /opt/kensa-oscap/tailoring.xml \
        --profile xccdf_kensa_profile_cis --results /opt/kensa-oscap/results.xml /opt/kensa-oscap/ds.xml \
        > "$OPT/oscap.stdout" 2> "$OPT/oscap.stderr" || true # exit 2: some rules failed
}
run_kensa() {
    "$KENSA" cis rootfs "$TREE" -b debian11 -f json -o "$OPT/kensa.json" || true # exit 1: some failed
}
run_oscap; run_kensa
/usr/bin/time -f '%e %M' -o "$OPT/oscap.time" bash -c "$(declare -f run_oscap); TREE='$TREE' OPT='$OPT'; run_oscap"
/usr/bin/time -f '%e %M' -o "$OPT/kensa.time" "$KENSA" cis rootfs "$TREE" -b debian11 -f json -o "$OPT/kensa2.json" || true

python3 - "$OPT" "$OUT" <<'PY'
import json, sys, xml.etree.ElementTree as ET
opt, out = sys.argv[1], sys.argv[2]
mapping = json.load(open(f"{opt}/mapping.json"))
k = {r["id"]: r for r in json.load(open(f"{opt}/kensa.json"))["results"]}
ns = {"x": "http://checklists.nist.gov/xccdf/1.2"}
res = {}
for rr in ET.parse(f"{opt}/results.xml").getroot().iter("{http://checklists.nist.gov/xccdf/1.2}rule-result"):
    rid = rr.get("idref").replace("xccdf_org.ssgproject.content_rule_", "")
    res[rid] = rr.find("x:result", ns).text
def oscap_verdict(ids):
    rs = [res.get(i, "missing") for i in ids]
    if any(r == "fail" for r in rs): return "FAILED", rs
    if all(r == "pass" for r in rs): return "PASSED", rs
    if all(r in ("notapplicable", "notselected") for r in rs): return "SKIPPED", rs
    if any(r == "pass" for r in rs) and all(r in ("pass", "notapplicable") for r in rs): return "PASSED", rs
    return "OTHER", rs
agree, dis = 0, []
for rid, ids in sorted(mapping.items(), key=lambda x: [int(p) for p in x[0].split(".")]):
    kv = k[rid]["status"]
    ov, rs = oscap_verdict(ids)
    if kv == ov:
        agree += 1
    else:
        dis.append((rid, kv, ov, ", ".join(f"{i}={r}" for i, r in zip(ids, rs)), k[rid]["evidence"]))
ot = open(f"{opt}/oscap.time").read().splitlines()[-1].split()
kt = open(f"{opt}/kensa.time").read().splitlines()[-1].split()
n = len(mapping)
with open(out, "w") as f:
    f.write(f"kensa rules compared: {n}, SSG rules selected: {len({i for v in mapping.values() for i in v})}\n")
    f.write(f"agree: {agree}, disagree: {len(dis)}\n")
    f.write(f"oscap: {float(ot[0]):.2f} s wall, {int(ot[1]) // 1024} MiB peak RSS\n")
    f.write(f"kensa: {float(kt[0]):.3f} s wall, {int(kt[1]) // 1024} MiB peak RSS (all {len(k)} debian11 rules)\n")
    f.write(f"per rule: oscap {float(ot[0]) / n * 1000:.1f} ms, kensa {float(kt[0]) / len(k) * 1000:.3f} ms\n")
    for d in dis:
        f.write(f"DISAGREE {d[0]}: kensa {d[1]}, oscap {d[2]} ({d[3]}); kensa evidence: {d[4]}\n")
print(open(out).read())
PY
