#!/bin/bash
# tests/vulndb/apt_mirror.sh KENSA - the Debian archive as ground truth.
#
# A partial mirror of the real bookworm-security suite
# (tests/fixtures/debian12-security-mirror.sh: the real InRelease and
# Packages indexes, the .deb files of the source packages installed in the
# debootstrap minbase tree that the suite has newer) is imported with
# `kensa db import --apt-base`, then `kensa scan rootfs` scans the minbase
# tree. The expected findings are computed here, independently of kensa:
# installed packages from dpkg-query, "newer" by `dpkg --compare-versions`,
# the ids from the changelog text that dpkg-deb extracts from each .deb.
# Every installed package whose source version is lower than the suite's
# must be flagged with exactly the CVE/GHSA ids of the changelog entries
# newer than it, each fixed in the newest entry naming it, or, when those
# name none, with the "security update, no CVE" advisory fixed in the
# suite's version; nothing else may be flagged. The import must report the
# suite's packages whose .deb is not in the partial mirror as skipped.
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
mirror=$("$here/../fixtures/debian12-security-mirror.sh") || {
    echo "FAIL: cannot build the bookworm-security mirror fixture (network to deb.debian.org?)"; exit 1; }
tree=$("$here/../fixtures/debian12-minbase.sh")
for t in dpkg dpkg-deb dpkg-query python3 zcat; do
    command -v "$t" >/dev/null || { echo "FAIL: $t is missing"; exit 1; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
suite=$mirror/dists/bookworm-security
# The suite moves daily: say which index this run used.
echo "bookworm-security $(grep -m1 '^Date:' "$suite/InRelease"), InRelease SHA256 $(sha256sum "$suite/InRelease" | cut -d' ' -f1)"
echo "bookworm $(grep -m1 '^Date:' "$mirror/dists/bookworm/InRelease"), InRelease SHA256 $(sha256sum "$mirror/dists/bookworm/InRelease" | cut -d' ' -f1)"

"$KENSA" db import --db "$tmp/v.db" --apt-base "$mirror/dists/bookworm" "$suite" \
    >"$tmp/import.out" 2>"$tmp/import.err" || {
    echo "FAIL: import"; cat "$tmp/import.out" "$tmp/import.err"; exit 1; }
cat "$tmp/import.out"
"$KENSA" scan rootfs "$tree" --db "$tmp/v.db" -f json -o "$tmp/scan.json" || {
    echo "FAIL: scan"; exit 1; }

# Installed packages, by dpkg itself.
dpkg-query --admindir="$tree/var/lib/dpkg" -W \
    -f='${Package}\t${Version}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n' \
    >"$tmp/installed.tsv"
# Each mirrored .deb's changelog, by dpkg-deb.
mkdir "$tmp/x"
for d in $(find "$mirror/pool" -name '*.deb' | sort); do
    n=$(basename "$d" .deb)
    mkdir "$tmp/x/$n"
    dpkg-deb -x "$d" "$tmp/x/$n"
done

python3 - "$tmp" "$suite/main/binary-amd64/Packages.xz" \
    "$mirror/dists/bookworm/main/binary-amd64/Packages.xz" "$mirror" <<'PY'
import glob, gzip, json, lzma, os, re, subprocess, sys
tmp, sec_index, base_index, mirror = sys.argv[1:5]

def cmp(a, op, b):
    return subprocess.run(["dpkg", "--compare-versions", a, op, b]).returncode == 0

def stanzas(path):
    for block in lzma.open(path).read().decode().split("\n\n"):
        d = {}
        for line in block.splitlines():
            if line[:1] not in (" ", "\t") and ":" in line:
                k, v = line.split(":", 1)
                d[k] = v.strip()
        if d:
            yield d

def source_of(d):
    name, _, ver = d.get("Source", d["Package"]).partition(" ")
    return name, (ver.strip("()") if ver else d["Version"])

def newest(path):
    out = {}
    for d in stanzas(path):
        n, v = source_of(d)
        out.setdefault(n, set()).add(v)
    res = {}
    for n, vs in out.items():
        best = None
        for v in vs:
            if best is None or cmp(v, "gt", best):
                best = v
        res[n] = best
    return res, out

suite, _ = newest(sec_index)
files = {}
for d in stanzas(sec_index):
    n, v = source_of(d)
    if v == suite[n]:
        files.setdefault(n, []).append(d["Filename"])
installed = []
for line in open(os.path.join(tmp, "installed.tsv")):
    pkg, ver, src, srcver, status = line.rstrip("\n").split("\t")
    if status.strip() == "ii":
        installed.append((pkg, src or pkg, srcver or ver))

# changelogs as dpkg-deb extracted them, keyed by source package
changelogs = {}
for path in glob.glob(os.path.join(tmp, "x", "*", "usr/share/doc/*/changelog*.gz")):
    text = gzip.open(path).read().decode("utf-8", "replace")
    m = re.match(r"(\S+) \((\S+)\)", text)
    if m and m.group(1) not in changelogs:
        changelogs[m.group(1)] = text

ID = re.compile(r"(?<![A-Za-z0-9])(CVE-\d{4}-\d{4,}|GHSA-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})(?![A-Za-z0-9])")
def ids_newer_than(text, version):
    """id -> the newest entry (above `version`) naming it: the fix"""
    ids, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^([a-z0-9][a-z0-9+.-]*) \(([^ ()]+)\) [^;]+;", line)
        if m:
            if not cmp(m.group(2), "gt", version):
                break
            cur = m.group(2)
            continue
        if cur:
            for i in ID.findall(line):
                ids.setdefault(i, cur)
    return ids

want, bad = {}, 0
for pkg, src, srcver in installed:
    if src not in suite or not cmp(srcver, "lt", suite[src]):
        continue
    if src not in changelogs:
        print(f"FAIL: {pkg} (source {src}) is behind the suite ({srcver} < {suite[src]}) "
              "but its .deb is not in the fixture mirror"); bad = 1; continue
    ids = ids_newer_than(changelogs[src], srcver)
    want[pkg] = (src, suite[src], ids or {f"DEBIAN-UPDATE-{src}-{suite[src]}": suite[src]}, not ids)

doc = json.load(open(os.path.join(tmp, "scan.json")))
got = {}
for f in doc["findings"]:
    if f.get("type") not in (None, "PACKAGE_VULNERABILITY"):
        continue
    got.setdefault(f["package"]["name"], []).append(f)
for pkg in sorted(set(want) | set(got)):
    if pkg not in want:
        print("FAIL: unexpected findings for", pkg, sorted(x["vulnerability"]["id"] for x in got[pkg])); bad = 1; continue
    src, ver, ids, no_cve = want[pkg]
    have = {x["vulnerability"]["id"] for x in got.get(pkg, [])}
    if have != set(ids):
        print(f"FAIL: {pkg}: kensa reports {sorted(have)}, the changelog names {sorted(ids)}"); bad = 1
    for x in got.get(pkg, []):
        fix = ids.get(x["vulnerability"]["id"])
        if x["package"].get("fixedInVersion") != fix:
            print(f"FAIL: {pkg} {x['vulnerability']['id']}: fixed in {x['package'].get('fixedInVersion')}, "
                  f"the changelog says {fix} (suite has {ver})"); bad = 1
        # the suite's current version: a fix superseded by a later upload stays installable
        if x["package"].get("remediation") != f"apt-get install --only-upgrade {pkg}/bookworm-security":
            print(f"FAIL: {pkg}: fix command {x['package'].get('remediation')!r}"); bad = 1
        if no_cve and not (x.get("description") or "").startswith("security update, no CVE"):
            print(f"FAIL: {pkg}: no-CVE update described as {x.get('description')!r}"); bad = 1
n_cve = sum(1 for w in want.values() if not w[3])
n_nocve = sum(1 for w in want.values() if w[3])
if n_cve == 0:
    print("note: today no installed package has a CVE-naming update in the suite")
print(f"{len(want)} installed packages behind bookworm-security: {n_cve} with CVE/GHSA ids, "
      f"{n_nocve} as 'security update, no CVE'")
for pkg in sorted(want):
    print(f"  {pkg}: {' '.join(sorted(want[pkg][2]))}")

# The import names what it could not read: the suite's sources that are newer
# than bookworm and have no .deb in the partial mirror.
base, _ = newest(base_index)
missing = 0
for src, ver in suite.items():
    if src in base and not cmp(ver, "gt", base[src]):
        continue
    if not any(os.path.exists(os.path.join(mirror, f)) for f in files.get(src, [])):
        missing += 1
out = open(os.path.join(tmp, "import.out")).read()
m = re.search(r"(\d+) source packages skipped: no \.deb in the mirror's pool/ \(not mirrored", out)
if not m or int(m.group(1)) != missing:
    print(f"FAIL: import should report {missing} not-mirrored source packages:\n{out}"); bad = 1
err = open(os.path.join(tmp, "import.err")).read()
if f"{missing} skipped" not in err:
    print(f"FAIL: the skip count is not on stderr: {err!r}"); bad = 1
sys.exit(bad)
PY
echo "ok: findings equal the changelogs' ids"
