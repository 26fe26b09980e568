#!/bin/bash
# tests/sbom/schema.sh KENSA - every SBOM kensa writes validates against the
# official schemas (CycloneDX 1.6, SPDX 2.3) with ajv: an image, a Debian
# rootfs, an rpm rootfs, a jar-in-zip archive, and an SBOM read back in.
# Also: the validator does reject a broken document (so this test can
# fail), and output is byte-identical from run to run.
set -euo pipefail
KENSA=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
npmdir=$("$here/../fixtures/npm-tools.sh")
tree=$("$here/../fixtures/debian12-minbase.sh")
rpmroot=$("$here/../fixtures/rpmdb.sh")
command -v node >/dev/null || { echo "node is missing (nodejs in .ci/packages)"; exit 1; }
export NODE_PATH=$npmdir/node_modules
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

for f in cyclonedx spdx; do
    "$KENSA" sbom image "$src/tests/data/images/alpine-310.docker.tar.gz" -f $f -o "$tmp/alpine.$f.json"
    "$KENSA" sbom rootfs "$tree" -f $f -o "$tmp/debian.$f.json"
    "$KENSA" sbom rootfs "$rpmroot" -f $f -o "$tmp/rpm.$f.json"
    "$KENSA" sbom archive "$src/tests/data/ingest/archive/app.zip" -f $f -o "$tmp/zip.$f.json"
    SOURCE_DATE_EPOCH=1700000000 "$KENSA" sbom rootfs "$tree" -f $f --timestamp -o "$tmp/stamped.$f.json"
done
"$KENSA" sbom sbom "$tmp/debian.cyclonedx.json" -f spdx -o "$tmp/from-cdx.spdx.json"
"$KENSA" sbom sbom "$tmp/debian.spdx.json" -f cyclonedx -o "$tmp/from-spdx.cyclonedx.json"

node "$here/validate.js" cyclonedx "$tmp"/*.cyclonedx.json
node "$here/validate.js" spdx "$tmp"/*.spdx.json

# The validators can fail.
python3 - "$tmp/alpine.cyclonedx.json" "$tmp/bad.cdx.json" "$tmp/alpine.spdx.json" "$tmp/bad.spdx.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["components"][1]["type"] = "not-a-type"
json.dump(d, open(sys.argv[2], "w"))
d = json.load(open(sys.argv[3])); d["packages"][1]["SPDXID"] = "bad id"
json.dump(d, open(sys.argv[4], "w"))
PY
if node "$here/validate.js" cyclonedx "$tmp/bad.cdx.json" 2>/dev/null; then
    echo "the CycloneDX validator accepted a broken document"; exit 1
fi
if node "$here/validate.js" spdx "$tmp/bad.spdx.json" 2>/dev/null; then
    echo "the SPDX validator accepted a broken document"; exit 1
fi

# Deterministic: the same input gives the same bytes; timestamps only on request.
for f in cyclonedx spdx; do
    "$KENSA" sbom rootfs "$tree" -f $f -o "$tmp/again.$f.json"
    cmp "$tmp/debian.$f.json" "$tmp/again.$f.json"
done
grep -q '"timestamp": "2023-11-14T22:13:20Z"' "$tmp/stamped.cyclonedx.json"
! grep -q '"timestamp"' "$tmp/debian.cyclonedx.json"
# The SBOM read back has the same components.
python3 - "$tmp/debian.cyclonedx.json" "$tmp/from-spdx.cyclonedx.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda d: sorted((c["name"], c.get("version"), c.get("purl")) for c in d["components"]
                       if c["type"] == "library")
assert key(a) == key(b) and len(key(a)) > 50, (len(key(a)), len(key(b)))
print("ok: round trip through SPDX keeps", len(key(a)), "components")
PY
echo "ok: all SBOMs valid, deterministic"
