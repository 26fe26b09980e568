#!/bin/bash
# tests/vulndb/apt_synthetic.sh KENSA - the apt-mirror importer on small
# mirrors built here with dpkg-deb: which changelog entries count (with and
# without --apt-base), "fixed in" per id, the no-CVE advisory, and bad input:
# an index or .deb that does not match its checksum, hostile Filename,
# hostile and corrupt .deb files, a changelog of another version. Each bad
# case must be a clear reject naming the file, and --strict must leave the
# database unchanged.
set -euo pipefail
KENSA=$(realpath "$1")
for t in dpkg-deb sha256sum xz gzip python3; do
    command -v "$t" >/dev/null || { echo "FAIL: $t is missing"; exit 1; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export KENSA_CONFIG=/dev/null NO_COLOR=1
fail=0
no() { echo "FAIL: $*"; fail=1; }

# mkdeb ROOT SOURCE PACKAGE VERSION CHANGELOG-TEXT -> pool/main/x/SOURCE/PACKAGE_VERSION_amd64.deb
mkdeb() {
    local root=$1 src=$2 pkg=$3 ver=$4 text=$5 d
    d=$tmp/build/$pkg-$ver
    mkdir -p "$d/DEBIAN" "$d/usr/share/doc/$pkg"
    printf 'Package: %s\nVersion: %s\nArchitecture: amd64\nMaintainer: T <t@example.org>\nSource: %s\nDescription: test\n' \
        "$pkg" "$ver" "$src" >"$d/DEBIAN/control"
    printf '%s' "$text" | gzip -9n >"$d/usr/share/doc/$pkg/changelog.Debian.gz"
    mkdir -p "$root/pool/main/${src:0:1}/$src"
    dpkg-deb -Zxz --root-owner-group --build "$d" "$root/pool/main/${src:0:1}/$src/${pkg}_${ver}_amd64.deb" >/dev/null
}

# index ROOT SUITE: Packages(.xz) from the pool, Release with their SHA256
index() {
    local root=$1 suite=$2 dir=$1/dists/$2 f
    mkdir -p "$dir/main/binary-amd64"
    : >"$dir/main/binary-amd64/Packages"
    for f in $(cd "$root" && find pool -name '*.deb' | sort); do
        dpkg-deb -f "$root/$f" Package Version Architecture Source >>"$dir/main/binary-amd64/Packages"
        printf 'Filename: %s\nSize: %s\nSHA256: %s\n\n' "$f" "$(stat -c %s "$root/$f")" \
            "$(sha256sum "$root/$f" | cut -d' ' -f1)" >>"$dir/main/binary-amd64/Packages"
    done
    xz -kf "$dir/main/binary-amd64/Packages"
    {
        printf 'Origin: Debian\nLabel: Debian-Security\nSuite: oldstable-security\nVersion: 12\n'
        printf 'Codename: %s\nDate: Tue, 24 Nov 2026 00:34:33 UTC\nSHA256:\n' "$suite"
        for f in main/binary-amd64/Packages main/binary-amd64/Packages.xz; do
            printf ' %s %s %s\n' "$(sha256sum "$dir/$f" | cut -d' ' -f1)" "$(stat -c %s "$dir/$f")" "$f"
        done
    } >"$dir/Release"
}

entry() { # SOURCE VERSION DIST TEXT
    printf '%s (%s) %s; urgency=high\n\n  * %s\n\n -- T <t@example.org>  Mon, 02 Nov 2026 13:55:59 +0100\n\n' "$@"
}

lookup() { # DB PACKAGE VERSION -> sorted "id fixed" lines
    "$KENSA" db lookup --db "$1" --ecosystem Debian:12 --package "$2" --version "$3" --format json |
        python3 -c 'import json,sys; print(" ".join(sorted(m["vulnerability"]+"@"+(m.get("fixed") or "") for m in json.load(sys.stdin))))'
}

# ---- a good mirror ----
m=$tmp/good
mkdeb "$m" foo libfoo1 1.0-1+deb12u2 "$(entry foo 1.0-1+deb12u2 bookworm-security 'Fix CVE-2024-0001 and CVE-2024-0002 (GHSA-abcd-efgh-2345).'
entry foo 1.0-1+deb12u1 bookworm-security 'Fix CVE-2024-0003; CVE-2024-0001 partially.'
entry foo 1.0-1 unstable 'Fix CVE-2023-9999 before the release.')"
mkdeb "$m" bar bar 2.0-1+deb12u1 "$(entry bar 2.0-1+deb12u1 bookworm-security 'Update the data files.')"
mkdeb "$m" old old 1.0-1 "$(entry old 1.0-1 bookworm-security 'CVE-2020-0001 long ago.')"
index "$m" bookworm-security
printf 'Package: libfoo1\nSource: foo\nVersion: 1.0-1\n\nPackage: bar\nVersion: 2.0-1\n\nPackage: old\nVersion: 1.0-1\n' >"$tmp/base-Packages"
gzip -k "$tmp/base-Packages"

"$KENSA" db import --db "$tmp/a.db" --apt-base "$tmp/base-Packages.gz" "$m/dists/bookworm-security" >"$tmp/out" 2>&1 ||
    { no "import with --apt-base"; cat "$tmp/out"; }
grep -q "1 source packages not newer than the base suite" "$tmp/out" || no "'old' is not newer than the base: $(cat "$tmp/out")"
# Entries newer than the base 1.0-1: +deb12u2 and +deb12u1. An id is fixed by
# the newest entry naming it: CVE-2024-0001 (named again in +deb12u2) there,
# CVE-2024-0003 in +deb12u1.
got=$(lookup "$tmp/a.db" foo 1.0-1)
want="CVE-2024-0001@1.0-1+deb12u2 CVE-2024-0002@1.0-1+deb12u2 CVE-2024-0003@1.0-1+deb12u1 GHSA-abcd-efgh-2345@1.0-1+deb12u2"
[ "$got" = "$want" ] || no "foo 1.0-1: got '$got', want '$want'"
got=$(lookup "$tmp/a.db" foo 1.0-1+deb12u1)
want="CVE-2024-0001@1.0-1+deb12u2 CVE-2024-0002@1.0-1+deb12u2 GHSA-abcd-efgh-2345@1.0-1+deb12u2"
[ "$got" = "$want" ] || no "foo 1.0-1+deb12u1: got '$got', want '$want'"
[ -z "$(lookup "$tmp/a.db" foo 1.0-1+deb12u2)" ] || no "foo at the suite's version still affected"
got=$(lookup "$tmp/a.db" bar 2.0-1)
[ "$got" = "DEBIAN-UPDATE-bar-2.0-1+deb12u1@2.0-1+deb12u1" ] || no "bar: got '$got'"
"$KENSA" db search --db "$tmp/a.db" DEBIAN-UPDATE-bar-2.0-1+deb12u1 --format json | grep -q '"security update, no CVE: bar 2.0-1+deb12u1 (bookworm-security)"' ||
    no "the no-CVE advisory's summary"
"$KENSA" db search --db "$tmp/a.db" CVE-2024-0002 --format json | grep -q 'security-tracker.debian.org/tracker/CVE-2024-0002' ||
    no "the CVE record's reference"
[ -z "$(lookup "$tmp/a.db" foo 0.9-1 | grep CVE-2023-9999)" ] || no "an entry older than the base counted"

# Without a base: the suite's own uploads (entries of *-security distributions).
"$KENSA" db import --db "$tmp/b.db" "$m/dists/bookworm-security" >"$tmp/out" 2>&1 || no "import without base"
got=$(lookup "$tmp/b.db" old 0.9)
[ "$got" = "CVE-2020-0001@1.0-1" ] || no "without base, 'old': got '$got'"
[ -z "$(lookup "$tmp/b.db" foo 0.9-1 | grep CVE-2023-9999)" ] || no "without base, an unstable entry counted"
# a mirror root with one suite is found through dists/
"$KENSA" db import --db "$tmp/c.db" --format apt "$m" >"$tmp/out" 2>&1 || no "import of the mirror root"

# ---- bad input ----
cp "$tmp/a.db" "$tmp/keep.db"
bad() { # NAME EXPECTED-MESSAGE-REGEX MIRROR-SUITE [import options]
    local name=$1 re=$2 suite=$3; shift 3
    "$KENSA" db import --db "$tmp/bad.db" "$@" "$suite" >"$tmp/out" 2>&1 || true
    grep -qE "$re" "$tmp/out" || { no "$name: no '$re' in:"; cat "$tmp/out"; }
    cp "$tmp/a.db" "$tmp/strict.db"
    if "$KENSA" db import --db "$tmp/strict.db" --strict "$@" "$suite" >/dev/null 2>&1; then
        no "$name: --strict import succeeded"
    fi
    cmp -s "$tmp/strict.db" "$tmp/keep.db" || no "$name: --strict failure changed the database"
}
# 1. the index does not match its Release
b=$tmp/b1; cp -a "$m" "$b"
printf 'Package: evil\nVersion: 9\nFilename: pool/x.deb\nSHA256: 00\n\n' >>"$b/dists/bookworm-security/main/binary-amd64/Packages"
xz -kf "$b/dists/bookworm-security/main/binary-amd64/Packages"
bad "index digest" "Packages.xz': size .* do not match .*Release" "$b/dists/bookworm-security"
# 2. a .deb changed after the index was made
b=$tmp/b2; cp -a "$m" "$b"
printf 'x' >>"$b/pool/main/b/bar/bar_2.0-1+deb12u1_amd64.deb"
bad "deb digest" "bar_2.0-1\+deb12u1_amd64.deb': SHA256 does not match its Packages stanza" "$b/dists/bookworm-security"
# 3. a Filename leaving the mirror
b=$tmp/b3; cp -a "$m" "$b"
sed -i 's|^Filename: pool/main/b/bar/|Filename: ../../../etc/|' "$b/dists/bookworm-security/main/binary-amd64/Packages"
rm "$b/dists/bookworm-security/main/binary-amd64/Packages.xz"; xz -k "$b/dists/bookworm-security/main/binary-amd64/Packages"
index2() { # re-sign (re-checksum) the Release after editing Packages
    local dir=$1/dists/bookworm-security f
    { sed '/^SHA256:/q' "$dir/Release"
      for f in main/binary-amd64/Packages main/binary-amd64/Packages.xz; do
          printf ' %s %s %s\n' "$(sha256sum "$dir/$f" | cut -d' ' -f1)" "$(stat -c %s "$dir/$f")" "$f"
      done; } >"$dir/Release.new"; mv "$dir/Release.new" "$dir/Release"
}
index2 "$b"
# repoint ROOT FILENAME: the stanza of FILENAME gets its file's new Size/SHA256
repoint() {
    local p=$1/dists/bookworm-security/main/binary-amd64/Packages
    python3 - "$1" "$2" "$p" <<'PY'
import hashlib, os, sys
root, name, p = sys.argv[1:4]
data = open(os.path.join(root, name), "rb").read()
out = []
for st in open(p).read().split("\n\n"):
    if f"Filename: {name}" in st:
        st = "\n".join(f"Size: {len(data)}" if l.startswith("Size:") else
                       f"SHA256: {hashlib.sha256(data).hexdigest()}" if l.startswith("SHA256:") else l
                       for l in st.splitlines())
    out.append(st)
open(p, "w").write("\n\n".join(out))
PY
    rm -f "$p.xz"; xz -k "$p"
    index2 "$1"
}
bad "hostile Filename" "package 'bar' has a hostile Filename '../../../etc/" "$b/dists/bookworm-security"
# 4. a .deb that is no ar archive, and one truncated inside its data member
#    and one whose xz stream is corrupt (checksums of its own catch it)
for kind in garbage truncated corrupt; do
    b=$tmp/b4-$kind; cp -a "$m" "$b"
    f=$b/pool/main/b/bar/bar_2.0-1+deb12u1_amd64.deb
    case $kind in
    garbage) head -c 300 /dev/urandom >"$f"; re="bar_2.0-1\+deb12u1_amd64.deb': not a .deb" ;;
    truncated) head -c -100 "$m/pool/main/b/bar/bar_2.0-1+deb12u1_amd64.deb" >"$f"
        re="bar_2.0-1\+deb12u1_amd64.deb': ar member 'data.tar.xz' has a bad size" ;;
    corrupt) python3 -c 'import sys; d = bytearray(open(sys.argv[1], "rb").read()); d[-120:-60] = bytes(60); open(sys.argv[1], "wb").write(d)' "$f"
        re="rejected: .*bar_2.0-1\+deb12u1_amd64.deb" ;;
    esac
    repoint "$b" pool/main/b/bar/bar_2.0-1+deb12u1_amd64.deb
    bad "$kind .deb" "$re" "$b/dists/bookworm-security"
done
# 5. a data.tar with a member escaping the root next to the changelog: the
#    changelog is still read, nothing is written anywhere
b=$tmp/b5; mkdir -p "$b/x/usr/share/doc/bar" "$b/pool/main/b/bar"
entry bar 2.0-1+deb12u1 bookworm-security 'Fix CVE-2024-7777.' | gzip -9n >"$b/x/usr/share/doc/bar/changelog.Debian.gz"
printf 'evil\n' >"$b/x/evil"
(cd "$b/x" && tar --transform='s|^\./evil|../../../tmp/kensa-apt-evil|' -cJf ../data.tar.xz ./evil ./usr)
printf 'Package: bar\nVersion: 2.0-1+deb12u1\nArchitecture: amd64\nMaintainer: T <t@e>\nDescription: t\n' >"$b/control"
(cd "$b" && tar -czf control.tar.gz ./control && printf '2.0\n' >debian-binary &&
    ar rc pool/main/b/bar/bar_2.0-1+deb12u1_amd64.deb debian-binary control.tar.gz data.tar.xz)
rm -rf "$b/x" "$b/control" "$b/debian-binary" "$b/control.tar.gz" "$b/data.tar.xz"
index "$b" bookworm-security
rm -f /tmp/kensa-apt-evil
"$KENSA" db import --db "$tmp/h.db" "$b/dists/bookworm-security" >"$tmp/out" 2>&1 || { no "hostile member import"; cat "$tmp/out"; }
[ ! -e /tmp/kensa-apt-evil ] || no "a file was written outside"
[ "$(lookup "$tmp/h.db" bar 2.0-1)" = "CVE-2024-7777@2.0-1+deb12u1" ] || no "changelog next to a hostile member not read"
# 6. the changelog is not the suite's version
b=$tmp/b6; cp -a "$m" "$b"; rm "$b"/pool/main/b/bar/*.deb
mkdeb "$b" bar bar 2.0-1+deb12u1 "$(entry bar 2.0-1 bookworm-security 'Old text.')"
index "$b" bookworm-security
bad "changelog version" "changelog': starts with 'bar \(2.0-1\)', not 'bar \(2.0-1\+deb12u1\)'" "$b/dists/bookworm-security"
# 7. no Release at all, and a mirror with two suites
mkdir -p "$tmp/empty/dists"
"$KENSA" db import --db "$tmp/e.db" --format apt "$tmp/empty" >"$tmp/out" 2>&1 && no "empty mirror imported"
grep -q "no suite with a Release file" "$tmp/out" || no "empty mirror message: $(cat "$tmp/out")"
cp -a "$m/dists/bookworm-security" "$m/dists/other-security"
"$KENSA" db import --db "$tmp/e.db" "$m" >"$tmp/out" 2>&1 && no "two-suite mirror imported"
grep -q "the mirror has several suites (.*); name the suite's directory" "$tmp/out" || no "two suites message: $(cat "$tmp/out")"

# ---- the release: Ubuntu, an unknown origin, --ecosystem ----
u=$tmp/ubuntu; cp -a "$m" "$u"; rm -rf "$u/dists/other-security"
sed -i 's/^Origin: Debian/Origin: Ubuntu/; s/^Version: 12/Version: 22.04/; s/^Codename: .*/Codename: jammy-security/' \
    "$u/dists/bookworm-security/Release"
"$KENSA" db import --db "$tmp/u.db" "$u/dists/bookworm-security" >"$tmp/out" 2>&1 || { no "Ubuntu import"; cat "$tmp/out"; }
got=$("$KENSA" db lookup --db "$tmp/u.db" --ecosystem Ubuntu:22.04 --package bar --version 2.0-1 --format json |
    python3 -c 'import json,sys; print(" ".join(m["vulnerability"] for m in json.load(sys.stdin)))')
[ "$got" = "UBUNTU-UPDATE-bar-2.0-1+deb12u1" ] || no "Ubuntu suite: got '$got'"
"$KENSA" db search --db "$tmp/u.db" CVE-2024-0002 --format json | grep -q 'ubuntu.com/security/CVE-2024-0002' ||
    no "Ubuntu CVE reference"
sed -i 's/^Origin: Ubuntu/Origin: Example/' "$u/dists/bookworm-security/Release"
"$KENSA" db import --db "$tmp/u2.db" "$u/dists/bookworm-security" >"$tmp/out" 2>&1 && no "unknown origin imported"
grep -q "cannot tell the release from Origin 'Example' Version '22.04'; give --ecosystem" "$tmp/out" ||
    no "unknown origin message: $(cat "$tmp/out")"
"$KENSA" db import --db "$tmp/u2.db" --ecosystem Debian:13 "$u/dists/bookworm-security" >"$tmp/out" 2>&1 ||
    no "--ecosystem import"
[ "$("$KENSA" db lookup --db "$tmp/u2.db" --ecosystem Debian:13 --package bar --version 2.0-1 --format json |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 1 ] || no "--ecosystem Debian:13 not used"

[ $fail = 0 ] && echo "ok: apt importer on synthetic mirrors"
exit $fail
