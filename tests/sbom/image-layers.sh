#!/bin/bash
# tests/sbom/image-layers.sh KENSA - a 3-layer OCI image built with umoci:
#   layer 1: os-release, dpkg status with base-files and B, distroless
#            status.d/extra-e with E
#   layer 2: status rewritten to add A (umoci repack)
#   layer 3: an opaque-directory whiteout of var/lib/dpkg (E's status.d goes)
#            and a status without B, with C (umoci raw add-layer)
# Expected: base-files -> layer 1, A -> layer 2, C -> layer 3, B and E absent;
# the same from the OCI layout directory and from an OCI archive of it; a
# platform that is not in the index is refused with the choices listed.
set -euo pipefail
KENSA=$(realpath "$1")
command -v umoci >/dev/null || { echo "umoci is missing (.ci/packages)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

para() { # NAME VERSION
    printf 'Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n\n' "$1" "$2"
}
umoci init --layout img
umoci new --image img:t
umoci unpack --image img:t bundle >/dev/null
r=bundle/rootfs
mkdir -p $r/etc $r/var/lib/dpkg/status.d
printf 'ID=debian\nVERSION_ID="12"\n' >$r/etc/os-release
{ para base-files 12.4; para pkg-b 1.0; } >$r/var/lib/dpkg/status
para extra-e 5.0 >$r/var/lib/dpkg/status.d/extra-e
umoci repack --image img:t bundle
rm -rf bundle
umoci unpack --image img:t bundle >/dev/null
{ para base-files 12.4; para pkg-a 2.0; para pkg-b 1.0; } >$r/var/lib/dpkg/status
umoci repack --image img:t bundle
python3 - <<'PY'
import io, tarfile
status = "".join("Package: %s\nStatus: install ok installed\nArchitecture: amd64\nVersion: %s\n\n" % p
                 for p in [("base-files", "12.4"), ("pkg-a", "2.0"), ("pkg-c", "3.0")]).encode()
with tarfile.open("layer3.tar", "w") as t:
    for name, data in [("var/lib/dpkg/.wh..wh..opq", b""), ("var/lib/dpkg/status", status)]:
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mtime = 1700000000
        t.addfile(ti, io.BytesIO(data))
PY
umoci raw add-layer --image img:t layer3.tar
tar -C img -cf img-oci.tar .

check() { # IMAGE
    "$KENSA" sbom image "$1" --format json -o inv.json
    python3 - inv.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
layers = [l["diff_id"] for l in d["target"]["layers"]]
assert len(layers) == 3, layers
got = {c["name"]: layers.index(c["layer"]) + 1 for c in d["components"]}
want = {"base-files": 1, "pkg-a": 2, "pkg-c": 3}
assert got == want, "layer attribution %r, expected %r" % (got, want)
assert d["distro"]["id"] == "debian"
print("ok:", sys.argv[1], got)
PY
}
check img
check img-oci.tar
if "$KENSA" sbom image img --platform linux/s390x --format json >/dev/null 2>err.txt; then
    echo "an absent platform was accepted"; exit 1
fi
grep -q "linux/amd64" err.txt || { echo "choices not listed:"; cat err.txt; exit 1; }
echo "ok: platform choices listed"
