#!/bin/bash
# tests/pkg/owned.sh KENSA OWNER_QUERY - language packages installed by OS
# packages (pkg/owned.h), on real things:
#
# 1. file lists against the package managers' own answers: every path
#    `dpkg-query -L` lists on the debootstrap minbase tree, every path
#    `rpm -ql` lists in the rpmdb fixture (sqlite) and the Berkeley DB sample,
#    every F:/R: path of the real Alpine 3.10 image's apk database, is owned
#    by that package in kensa's table; files no package lists are not;
# 2. Debian's real python3-idna and libcommons-lang3-java: the PyPI and Maven
#    components carry their owner in the inventory JSON, the table,
#    CycloneDX (kensa:owner) and SPDX (CONTAINS), which still validate and
#    read back; the distroless form (status.d/*.md5sums) too, and without
#    md5sums a coverage note says why there is no owner;
# 3. kensa scan with a real PyPA advisory and the Debian statement for the
#    same CVE (tests/data/owned/README.md): the PyPI match is left to the
#    Debian route, with a coverage note and an --explain reason;
#    --no-os-owned-filter brings it back.
set -euo pipefail
KENSA=$(realpath "$1")
OQ=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
export SOURCE_DATE_EPOCH=$(date -u -d 2026-11-26 +%s)
for t in dpkg-query rpm python3 node; do
    command -v $t >/dev/null || { echo "owned.sh: $t is missing (.ci/packages)"; exit 1; }
done
minbase=$("$src/tests/fixtures/debian12-minbase.sh")
rpmroot=$("$src/tests/fixtures/rpmdb.sh")
owned=$("$src/tests/fixtures/debian12-owned.sh")
npmdir=$("$src/tests/fixtures/npm-tools.sh")

# ---- 1. file lists -------------------------------------------------------

# dpkg: path -> packages listing it (dpkg-query -L), non-directories only.
dpkg-query --admindir="$minbase/var/lib/dpkg" -W -f='${Package}\n' >"$tmp/pkgs"
while read -r p; do
    dpkg-query --admindir="$minbase/var/lib/dpkg" -L "$p" | sed "s|^|$p\t|"
done <"$tmp/pkgs" >"$tmp/dpkg.tsv"
(cd "$minbase" && find . -xdev -type f | sed 's|^\.||') >"$tmp/minbase.files"
python3 - "$minbase" "$tmp/dpkg.tsv" "$tmp/minbase.files" "$tmp/q.in" "$tmp/want.json" <<'PY'
import json, os, sys
root, lists, files, qin, want = sys.argv[1:]
owners = {}
for line in open(lists):
    pkg, path = line.rstrip("\n").split("\t", 1)
    owners.setdefault(path, set()).add(pkg)
# Merged /usr: dpkg lists /bin/cat, the file is /usr/bin/cat (/bin is a
# symlink): the file's own path is listed too, in effect.
for path, pkgs in list(owners.items()):
    d = os.path.realpath(root + os.path.dirname(path))
    if d.startswith(root + "/"):
        canon = d[len(root):] + "/" + os.path.basename(path)
        if canon != path:
            owners.setdefault(canon, set()).update(pkgs)
w = {}
for path, pkgs in owners.items():
    full = root + path
    if os.path.isdir(full) and not os.path.islink(full):
        continue  # directories are not files a component comes from
    if not os.path.lexists(full):
        continue  # diverted or removed by a maintainer script
    w[path] = sorted(pkgs)
listed = len(w)
for path in open(files):
    path = path.rstrip("\n")
    if path not in owners:
        w[path] = []
open(qin, "w").write("".join(p + "\n" for p in sorted(w)))
json.dump(w, open(want, "w"))
print("dpkg: %d listed paths, %d unlisted files" % (listed, len(w) - listed), file=sys.stderr)
PY
"$OQ" rootfs "$minbase" <"$tmp/q.in" >"$tmp/q.out"
python3 - "$tmp/want.json" "$tmp/q.out" <<'PY'
import json, sys
want = json.load(open(sys.argv[1]))
bad = 0
lines = open(sys.argv[2]).read().splitlines()
assert lines[0].startswith("# files "), lines[0]
for line in lines[1:]:
    path, ref = line.split("\t")
    pkgs = want[path]
    name = None if ref == "-" else ref.split(":", 1)[1].split("@", 1)[0]
    if (name is None) != (not pkgs) or (name and name not in pkgs):
        if bad < 10:
            print("FAIL dpkg: %s owned by %s, dpkg-query says %s" % (path, ref, pkgs or "nobody"))
        bad += 1
if len(lines) - 1 != len(want):
    print("FAIL dpkg: %d answers for %d paths" % (len(lines) - 1, len(want))); bad += 1
sys.exit(1 if bad else 0)
PY
echo "ok: dpkg file lists agree with dpkg-query -L on $(wc -l <"$tmp/q.in") paths"

# rpm: rpmdb.sqlite (packages built here) and the Berkeley DB sample (syft's).
mkdir -p "$tmp/bdb/var/lib/rpm"
cp "$src/tests/data/pkg/rpm-bdb/Packages" "$tmp/bdb/var/lib/rpm/"
for r in "$rpmroot" "$tmp/bdb"; do
    def=(); [ "$r" = "$tmp/bdb" ] && def=(--define '_db_backend bdb_ro')
    # rpm -ql per file, without the name index a copied Packages lacks.
    rpm "${def[@]}" --dbpath "$r/var/lib/rpm" -qa --qf '[%{NAME}\t%{FILENAMES}\n]' \
        2>/dev/null | grep -v '(contains no files)' >"$tmp/rpm.tsv" || true
    [ -s "$tmp/rpm.tsv" ] || { echo "FAIL: rpm lists no file in $r"; exit 1; }
    { cut -f2 "$tmp/rpm.tsv"; echo /var/lib/rpm/Packages; echo /etc/os-release; } |
        "$OQ" rootfs "$r" >"$tmp/rpm.out"
    python3 - "$tmp/rpm.tsv" "$tmp/rpm.out" <<'PY'
import sys
want = {}
for line in open(sys.argv[1]):
    pkg, path = line.rstrip("\n").split("\t")
    want.setdefault(path, set()).add(pkg)
bad = 0
for line in open(sys.argv[2]).read().splitlines()[1:]:
    path, ref = line.split("\t")
    name = None if ref == "-" else ref.split(":", 1)[1].split("@", 1)[0]
    if want.get(path) and name not in want[path] or (not want.get(path) and name):
        print("FAIL rpm: %s owned by %s, rpm -ql says %s" % (path, ref, want.get(path))); bad = 1
if not want:
    print("FAIL rpm: rpm -ql lists no file"); bad = 1
sys.exit(bad)
PY
    echo "ok: rpm file lists agree with rpm -ql ($(wc -l <"$tmp/rpm.tsv") files, $r)"
done

# apk: the Alpine image's database, read here with Python as the reference.
python3 - "$src/tests/data/images/alpine-310.docker.tar.gz" "$tmp/apk.tsv" <<'PY'
import io, json, sys, tarfile
outer = tarfile.open(sys.argv[1])
manifest = json.load(outer.extractfile("manifest.json"))
db = None
for layer in manifest[0]["Layers"]:
    t = tarfile.open(fileobj=io.BytesIO(outer.extractfile(layer).read()))
    for m in t.getmembers():
        if m.name.lstrip("./") == "lib/apk/db/installed":
            db = t.extractfile(m).read().decode()
rows, pkg, d = [], None, ""
for line in db.splitlines():
    if line.startswith("P:"):
        pkg, d = line[2:], ""
    elif line.startswith("F:"):
        d = line[2:]
    elif line.startswith("R:"):
        rows.append("%s\t/%s%s" % (pkg, d + "/" if d else "", line[2:]))
assert len(rows) > 50, len(rows)
open(sys.argv[2], "w").write("\n".join(rows) + "\n")
PY
{ cut -f2 "$tmp/apk.tsv"; echo /etc/apk/world; echo /lib/apk/db/installed; } |
    "$OQ" image "$src/tests/data/images/alpine-310.docker.tar.gz" >"$tmp/apk.out"
python3 - "$tmp/apk.tsv" "$tmp/apk.out" <<'PY'
import sys
want = {}
for line in open(sys.argv[1]):
    pkg, path = line.rstrip("\n").split("\t")
    want.setdefault(path, set()).add(pkg)
bad = 0
for line in open(sys.argv[2]).read().splitlines()[1:]:
    path, ref = line.split("\t")
    name = None if ref == "-" else ref.split(":", 1)[1].split("@", 1)[0]
    if (path in want and name not in want[path]) or (path not in want and name):
        print("FAIL apk: %s owned by %s, the database says %s" % (path, ref, want.get(path))); bad = 1
sys.exit(bad)
PY
echo "ok: apk file lists agree with the database ($(wc -l <"$tmp/apk.tsv") files)"

# ---- 2. owners in the inventory and the SBOMs -----------------------------

for f in json table cyclonedx spdx; do
    "$KENSA" sbom rootfs "$owned" -f $f -o "$tmp/owned.$f"
done
"$KENSA" sbom rootfs "$owned-distroless" -f json -o "$tmp/distroless.json"
cp -a "$owned-distroless" "$tmp/nomd5"
rm "$tmp/nomd5"/var/lib/dpkg/status.d/*.md5sums
"$KENSA" sbom rootfs "$tmp/nomd5" -f json -o "$tmp/nomd5.json"
"$KENSA" sbom sbom "$tmp/owned.cyclonedx" -f json -o "$tmp/back-cdx.json"
"$KENSA" sbom sbom "$tmp/owned.spdx" -f json -o "$tmp/back-spdx.json"
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
want = {"idna": "python3-idna", "org.apache.commons:commons-lang3": "libcommons-lang3-java"}
def owners(doc):
    refs = {c.get("bom_ref"): c for c in doc["components"]}
    out = {}
    for c in doc["components"]:
        if c["type"] in ("pypi", "maven"):
            o = c.get("owner")
            out[c["name"]] = refs[o]["name"] if o in refs else o
    return out
bad = 0
for name in ("owned.json", "distroless.json", "back-cdx.json", "back-spdx.json"):
    got = owners(json.load(open("%s/%s" % (t, name))))
    if got != want:
        print("FAIL %s: owners %s, want %s" % (name, got, want)); bad = 1
d = json.load(open(t + "/owned.json"))
assert not d["notes"], d["notes"]
idna = [c for c in d["components"] if c["name"] == "idna"][0]
assert idna["version"] == "3.3" and idna["path"].endswith("idna-3.3.egg-info/PKG-INFO"), idna
deb = [c for c in d["components"] if c["name"] == "python3-idna"][0]
assert deb["version"].startswith("3.3-1"), deb
# No md5sums in status.d: no owner, and a note that says why.
n = json.load(open(t + "/nomd5.json"))
if any(c.get("owner") for c in n["components"]):
    print("FAIL nomd5: an owner without file lists"); bad = 1
if not any("no installed-file lists" in x["message"] for x in n["notes"]):
    print("FAIL nomd5: no coverage note", n["notes"]); bad = 1
# CycloneDX: a kensa:owner property naming the OS component's bom-ref.
c = json.load(open(t + "/owned.cyclonedx"))
refs = {x["bom-ref"]: x for x in c["components"]}
props = {x["name"]: {p["name"]: p["value"] for p in x.get("properties", [])} for x in c["components"]}
if refs.get(props["idna"].get("kensa:owner"), {}).get("name") != "python3-idna":
    print("FAIL cyclonedx: idna has no kensa:owner naming python3-idna"); bad = 1
# SPDX: the OS package CONTAINS the language package.
s = json.load(open(t + "/owned.spdx"))
names = {p["SPDXID"]: p["name"] for p in s["packages"]}
rel = [(names.get(r["spdxElementId"]), names.get(r["relatedSpdxElement"]))
       for r in s["relationships"] if r["relationshipType"] == "CONTAINS"
       and r["spdxElementId"] != "SPDXRef-Target"]
if sorted(rel) != sorted([("python3-idna", "idna"), ("libcommons-lang3-java", "org.apache.commons:commons-lang3")]):
    print("FAIL spdx: CONTAINS relationships", rel); bad = 1
# The table has an OWNER column.
tab = open(t + "/owned.table").read().splitlines()
if "OWNER" not in tab[1] or not any(l.startswith("idna ") and "python3-idna" in l for l in tab):
    print("FAIL table:\n" + "\n".join(tab)); bad = 1
sys.exit(bad)
PY
# Other producers' ways of saying it: Syft's SPDX "ownership-by-file-overlap"
# (OTHER), CONTAINED_BY, and CycloneDX components nested in the OS package.
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
s = json.load(open(t + "/owned.spdx"))
for r in s["relationships"]:
    if r["relationshipType"] == "CONTAINS" and r["spdxElementId"] != "SPDXRef-Target":
        if "idna" in r["relatedSpdxElement"]:
            r["relationshipType"] = "OTHER"
            r["comment"] = ("ownership-by-file-overlap: indicates that the parent package claims "
                            "ownership of a child package since the parent metadata indicates "
                            "overlap with a location that a cataloger found the child package by")
        else:
            r["relationshipType"] = "CONTAINED_BY"
            r["spdxElementId"], r["relatedSpdxElement"] = r["relatedSpdxElement"], r["spdxElementId"]
json.dump(s, open(t + "/syft.spdx", "w"))
c = json.load(open(t + "/owned.cyclonedx"))
comps = c["components"]
for x in comps:
    x["properties"] = [p for p in x.get("properties", []) if p["name"] != "kensa:owner"]
by = {x["name"]: x for x in comps}
by["python3-idna"]["components"] = [by["idna"]]
by["libcommons-lang3-java"]["components"] = [by["commons-lang3"]]
c["components"] = [x for x in comps if x["name"] not in ("idna", "commons-lang3")]
json.dump(c, open(t + "/nested.cdx", "w"))
PY
"$KENSA" sbom sbom "$tmp/syft.spdx" -f json -o "$tmp/back-syft.json"
"$KENSA" sbom sbom "$tmp/nested.cdx" -f json -o "$tmp/back-nested.json"
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
for name in ("back-syft.json", "back-nested.json"):
    d = json.load(open("%s/%s" % (t, name)))
    refs = {c.get("bom_ref"): c["name"] for c in d["components"]}
    got = {c["name"]: refs.get(c.get("owner")) for c in d["components"] if c["type"] in ("pypi", "maven")}
    want = {"idna": "python3-idna", "org.apache.commons:commons-lang3": "libcommons-lang3-java"}
    if got != want:
        print("FAIL %s: owners %s" % (name, got)); sys.exit(1)
PY
cp "$tmp/owned.cyclonedx" "$tmp/owned.cdx.json"; cp "$tmp/owned.spdx" "$tmp/owned.spdx.json"
NODE_PATH=$npmdir/node_modules node "$src/tests/sbom/validate.js" cyclonedx "$tmp/owned.cdx.json"
NODE_PATH=$npmdir/node_modules node "$src/tests/sbom/validate.js" spdx "$tmp/owned.spdx.json"
echo "ok: owners in json, table, CycloneDX and SPDX (schemas valid), distroless, read back (also Syft's SPDX and nested CycloneDX)"

# ---- 3. scan --------------------------------------------------------------

"$KENSA" db import --db "$tmp/v.db" "$src/tests/data/owned" >/dev/null
scan() { "$KENSA" scan "$@" --db "$tmp/v.db" -f json; }
scan rootfs "$owned" -o "$tmp/s-default.json" 2>"$tmp/s-default.err" -v
scan rootfs "$owned" --no-os-owned-filter -o "$tmp/s-upstream.json" 2>"$tmp/s-upstream.err" -v
scan sbom "$tmp/owned.cyclonedx" -o "$tmp/s-sbom.json" 2>"$tmp/s-sbom.err" -v
"$KENSA" scan rootfs "$owned" --db "$tmp/v.db" --explain PYSEC-2024-60 >"$tmp/explain.txt"
# The same tree before Debian's security update (status claims 3.3-1).
cp -a "$owned" "$tmp/old"
sed -i 's/^Version: 3\.3-1+deb12u1$/Version: 3.3-1/' "$tmp/old/var/lib/dpkg/status"
scan rootfs "$tmp/old" -o "$tmp/s-old.json" 2>"$tmp/s-old.err" -v
# The owner at another upstream version: idna 3.3 is a bundled copy, matched
# upstream. With an epoch and a repack suffix, the same upstream version.
cp -a "$owned" "$tmp/bundled"
sed -i 's/^Version: 3\.3-1+deb12u1$/Version: 2.10-1/' "$tmp/bundled/var/lib/dpkg/status"
scan rootfs "$tmp/bundled" -o "$tmp/s-bundled.json" 2>/dev/null
cp -a "$owned" "$tmp/epoch"
sed -i 's/^Version: 3\.3-1+deb12u1$/Version: 1:3.3+dfsg-2/' "$tmp/epoch/var/lib/dpkg/status"
scan rootfs "$tmp/epoch" -o "$tmp/s-epoch.json" 2>/dev/null
# A database without any Debian advisory: nothing would speak for idna, so it
# is matched upstream, with a note saying why.
"$KENSA" db import --db "$tmp/pypi-only.db" "$src/tests/data/owned/PYSEC-2024-60.yaml" >/dev/null
"$KENSA" scan rootfs "$owned" --db "$tmp/pypi-only.db" -f json -o "$tmp/s-nodata.json" -v 2>"$tmp/s-nodata.err"
python3 - "$tmp" <<'PY'
import json, sys
t = sys.argv[1]
def found(name):
    d = json.load(open("%s/%s" % (t, name)))
    return {(f["package"]["name"], f["vulnerability"]["id"]): f for f in d["findings"]}
bad = 0
def expect(cond, msg):
    global bad
    if not cond:
        print("FAIL:", msg); bad = 1
d = found("s-default.json")
expect(d == {}, "default scan reports %s" % list(d))
err = open(t + "/s-default.err").read()
expect("1 language package" not in err and "language packages were installed by OS packages" in err
       and "1 upstream match not reported" in err, "default: no coverage note:\n" + err)
expect("not reported: CVE-2024-3651 in idna: installed by OS package 'python3-idna'" in err,
       "default: no skip reason:\n" + err)
u = found("s-upstream.json")
f = u.get(("idna", "CVE-2024-3651"))
expect(f and f["package"]["fixedInVersion"] == "3.7", "--no-os-owned-filter: %s" % list(u))
expect(set(u) == {("idna", "CVE-2024-3651")}, "--no-os-owned-filter: %s" % list(u))
s = found("s-sbom.json")
expect(s == {}, "scan of the CycloneDX SBOM reports %s" % list(s))
o = found("s-old.json")
f = o.get(("python3-idna", "CVE-2024-3651"))
expect(f and f["package"]["fixedInVersion"] == "3.3-1+deb12u1", "old tree: %s" % list(o))
expect(set(o) == {("python3-idna", "CVE-2024-3651")}, "old tree: %s" % list(o))
b = found("s-bundled.json")
expect(set(b) == {("python3-idna", "CVE-2024-3651"), ("idna", "CVE-2024-3651")},
       "bundled copy: %s" % list(b))
e = found("s-epoch.json")
expect(e == {}, "epoch and repack suffix: %s" % list(e))
n = found("s-nodata.json")
expect(set(n) == {("idna", "CVE-2024-3651")}, "no Debian data: %s" % list(n))
err = open(t + "/s-nodata.err").read()
expect("database has no advisories for Debian:12: they are matched upstream" in err,
       "no Debian data: no note:\n" + err)
ex = open(t + "/explain.txt").read()
expect("installed: idna 3.3" in ex and "not reported: installed by OS package 'python3-idna'" in ex,
       "explain:\n" + ex)
sys.exit(bad)
PY
echo "ok: scan leaves idna 3.3 to python3-idna's advisories; --no-os-owned-filter reports it"
