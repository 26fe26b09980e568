#!/bin/bash
# tests/sbom/dpkg-minbase.sh KENSA - differential test: on a debootstrap'd
# Debian 12 minbase tree, kensa's dpkg components equal what dpkg-query
# itself lists (name, version, architecture, source name, source version).
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
tree=$("$here/../fixtures/debian12-minbase.sh")
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$KENSA" sbom rootfs "$tree" --format json -o "$tmp/inv.json"
python3 - "$tmp/inv.json" >"$tmp/kensa.tsv" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["distro"]["id"] == "debian" and d["distro"]["version_id"] == "12", d["distro"]
rows = sorted("\t".join([c["name"], c["version"], c.get("arch", ""), c.get("source_name", ""),
                         c.get("source_version", "")])
              for c in d["components"] if c["type"] == "deb")
print("\n".join(rows))
PY
dpkg-query --admindir="$tree/var/lib/dpkg" -W \
    -f='${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\n' |
    LC_ALL=C sort >"$tmp/dpkg.tsv"
LC_ALL=C sort -o "$tmp/kensa.tsv" "$tmp/kensa.tsv"
n=$(wc -l <"$tmp/dpkg.tsv")
[ "$n" -gt 50 ] || { echo "dpkg-query lists only $n packages: broken fixture?"; exit 1; }
if ! diff -u "$tmp/dpkg.tsv" "$tmp/kensa.tsv"; then
    echo "kensa's dpkg list differs from dpkg-query's"; exit 1
fi
echo "ok: $n packages identical to dpkg-query"
