#!/bin/bash
# tests/vulndb/apt_fix.sh KENSA - the printed fix command works.
#
# The debootstrap minbase tree is copied (cp -a) into a temporary directory,
# bookworm-security is added to its apt sources, and for one finding of a
# scan against the bookworm-security database (tests/vulndb/apt_mirror.sh's
# fixture) the fix command kensa printed is run verbatim in a chroot against
# Debian's real archive. A rescan must no longer report that finding, and
# the only other findings gone must be of packages apt upgraded with it. Needs root (chroot) and deb.debian.org.
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" = 0 ] || { echo "FAIL: needs root for chroot"; exit 1; }
command -v chroot >/dev/null || { echo "FAIL: chroot is missing"; exit 1; }
mirror=$("$here/../fixtures/debian12-security-mirror.sh") || {
    echo "FAIL: cannot build the bookworm-security mirror fixture"; exit 1; }
tree=$("$here/../fixtures/debian12-minbase.sh")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1

"$KENSA" db import -q --db "$tmp/v.db" --apt-base "$mirror/dists/bookworm" \
    "$mirror/dists/bookworm-security" || { echo "FAIL: import"; exit 1; }
root=$tmp/root
cp -a "$tree" "$root"
echo "deb http://deb.debian.org/debian-security bookworm-security main" >>"$root/etc/apt/sources.list"
# the printed command is run as printed: apt's own setting answers its prompt
printf 'APT::Get::Assume-Yes "true";\nAcquire::Languages "none";\n' >"$root/etc/apt/apt.conf.d/90kensa-test"
cp -L /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true

"$KENSA" scan rootfs "$root" --db "$tmp/v.db" -f json -o "$tmp/before.json"
# One finding: the package with the fewest findings that has a fix command,
# preferring one whose fixed version a later upload superseded (the command
# installs the suite's current version, so it must work for those too).
read -r pkg vuln cmd < <(python3 - "$tmp/before.json" "$mirror/dists/bookworm-security/main/binary-amd64/Packages.xz" <<'PY'
import json, lzma, re, sys
now = dict(re.findall(r"^Package: (\S+)\n(?:.*\n)*?Version: (\S+)$",
                      lzma.open(sys.argv[2]).read().decode(), re.M))
fs = [f for f in json.load(open(sys.argv[1]))["findings"] if f["package"].get("remediation")]
if not fs:
    sys.exit("no finding with a fix command")
superseded = [f for f in fs if now.get(f["package"]["name"]) != f["package"].get("fixedInVersion")]
print("findings whose fixed version was superseded:", len(superseded), file=sys.stderr)
fs = superseded or fs
count = {}
for f in fs:
    count[f["package"]["name"]] = count.get(f["package"]["name"], 0) + 1
f = min(fs, key=lambda f: (count[f["package"]["name"]], f["package"]["name"], f["vulnerability"]["id"]))
print(f["package"]["name"], f["vulnerability"]["id"], f["package"]["remediation"])
PY
) || { echo "FAIL: the scan has no finding with a fix command"; exit 1; }
echo "fixing $vuln in $pkg with: $cmd"
case $cmd in
"apt-get install --only-upgrade $pkg/bookworm-security") ;;
*) echo "FAIL: unexpected fix command '$cmd'"; exit 1 ;;
esac
chroot "$root" apt-get -qq update >"$tmp/apt.log" 2>&1 || {
    echo "FAIL: apt-get update in the chroot (network to deb.debian.org?)"; tail -5 "$tmp/apt.log"; exit 1; }
# shellcheck disable=SC2086 # the command is split as a shell would
chroot "$root" env DEBIAN_FRONTEND=noninteractive $cmd >>"$tmp/apt.log" 2>&1 || {
    echo "FAIL: '$cmd' failed in the chroot"; tail -10 "$tmp/apt.log"; exit 1; }

"$KENSA" scan rootfs "$root" --db "$tmp/v.db" -f json -o "$tmp/after.json"
# what apt changed (it may upgrade sibling binaries of the same source)
dpkg-query --admindir="$tree/var/lib/dpkg" -W -f='${Package} ${Version}\n' >"$tmp/pkgs.before"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Version}\n' >"$tmp/pkgs.after"
python3 - "$tmp/before.json" "$tmp/after.json" "$pkg" "$vuln" "$tmp/pkgs.before" "$tmp/pkgs.after" <<'PY'
import json, sys
before, after, pkg, vuln, pb, pa = sys.argv[1:7]
vb = dict(l.split() for l in open(pb) if l.strip())
va = dict(l.split() for l in open(pa) if l.strip())
changed = {p for p in vb if va.get(p) != vb[p]}
print("upgraded by apt:", ", ".join(f"{p} {vb[p]} -> {va.get(p)}" for p in sorted(changed)))
key = lambda f: (f["package"]["name"], f["vulnerability"]["id"])
b = {key(f) for f in json.load(open(before))["findings"]}
a = {key(f) for f in json.load(open(after))["findings"]}
bad = 0
if (pkg, vuln) in a:
    print(f"FAIL: {vuln} in {pkg} is still reported after the fix"); bad = 1
gone = b - a
if pkg not in changed:
    print(f"FAIL: {pkg} was not upgraded"); bad = 1
if any(p not in changed for p, _ in gone):
    print("FAIL: findings of packages apt did not touch disappeared:",
          sorted(x for x in gone if x[0] not in changed)); bad = 1
if a - b:
    print("FAIL: new findings after the fix:", sorted(a - b)); bad = 1
print(f"{len(b)} findings before, {len(a)} after; gone: {sorted(gone)}")
sys.exit(bad)
PY
echo "ok: the fix command removed the finding"
