#!/bin/bash
# tests/sbom/rpmdb.sh KENSA - differential test: kensa reads a real
# rpmdb.sqlite (made by rpm from packages built here) exactly as
# `rpm -qa --dbpath` does: name, epoch, version, release, arch, source rpm.
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$("$here/../fixtures/rpmdb.sh")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
before=$(cd "$root" && find . -type f -newer "$root.stamp" | wc -l)
"$KENSA" sbom rootfs "$root" --format json -o "$tmp/inv.json"
# Counted before rpm runs: rpm itself writes rpmdb.sqlite-shm into the tree.
after=$(cd "$root" && find . -type f -newer "$root.stamp" | wc -l)
python3 - "$tmp/inv.json" <<'PY' | LC_ALL=C sort >"$tmp/kensa.tsv"
import json, sys
d = json.load(open(sys.argv[1]))
assert not d["notes"], d["notes"]
for c in d["components"]:
    if c["type"] != "rpm":
        continue
    v = c["version"]
    epoch, v = v.split(":", 1) if ":" in v else ("(none)", v)
    ver, rel = v.rsplit("-", 1)
    print("\t".join([c["name"], epoch, ver, rel, c["arch"],
                     "%s-%s.src.rpm" % (c["source_name"], c["source_version"])]))
PY
rpm -qa --dbpath "$root/var/lib/rpm" \
    --qf '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n' |
    LC_ALL=C sort >"$tmp/rpm.tsv"
[ -s "$tmp/rpm.tsv" ] || { echo "rpm lists nothing: broken fixture?"; exit 1; }
diff -u "$tmp/rpm.tsv" "$tmp/kensa.tsv" || { echo "kensa differs from rpm -qa"; exit 1; }
# kensa must not have written anything into the target (no -shm/-wal/journal).
[ "$before" = "$after" ] || { echo "files changed inside the target"; exit 1; }
echo "ok: $(wc -l <"$tmp/rpm.tsv") packages identical to rpm -qa"
