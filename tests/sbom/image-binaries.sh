#!/bin/bash
# tests/sbom/image-binaries.sh KENSA - executables in image layers. The binary
# collectors are offered every executable; an image keeps only that a barren
# one (no Go/Rust build info) is there, not its bytes. Layers (umoci):
#   layer 1: /usr/bin/tool = a real Go binary, /opt/app = a plain executable,
#            /usr/lib/blob/* = 48 MiB of plain executables
#   layer 2: /usr/bin/tool replaced by a plain executable, /opt/app by the Go
#            binary
# Expected: the Go components come from /opt/app only, attributed to layer 2
# (a barren version still hides a lower layer's and counts as "no component
# there"); nothing from /usr/bin/tool; and the 48 MiB of plain executables are
# not held in memory (peak RSS well under them; checked when not sanitized).
set -euo pipefail
KENSA=$(realpath "$1")
command -v umoci >/dev/null || { echo "umoci is missing (.ci/packages)"; exit 1; }
FIX=${KENSA_FIXTURES:-$(dirname "$0")/../../.fixtures}
mkdir -p "$FIX"
KENSA_FIXTURES=$(realpath "$FIX") "$(dirname "$0")/../fixtures/go-binary.sh" ||
    { echo "FAIL: go-binary fixture (needs golang-go)"; exit 1; }
GO=$(realpath "$FIX")/go-binary/kensa-go-fixture
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

plain() { # FILE: an executable that is no Go or Rust binary
    cp /bin/true "$1"; chmod 755 "$1"
}
umoci init --layout img
umoci new --image img:t
umoci unpack --image img:t bundle >/dev/null
r=bundle/rootfs
mkdir -p $r/etc $r/usr/bin $r/opt $r/usr/lib/blob
printf 'ID=debian\nVERSION_ID="12"\n' >$r/etc/os-release
cp "$GO" $r/usr/bin/tool
plain $r/opt/app
for i in $(seq 1 12); do
    head -c $((4 << 20)) /dev/urandom >$r/usr/lib/blob/x$i; chmod 755 $r/usr/lib/blob/x$i
done
umoci repack --image img:t bundle
rm -rf bundle
umoci unpack --image img:t bundle >/dev/null
plain $r/usr/bin/tool
cp "$GO" $r/opt/app
umoci repack --image img:t bundle
tar -C img -cf img-oci.tar .

/usr/bin/time -f "%M" -o rss.txt "$KENSA" sbom image img-oci.tar --format json -o inv.json
python3 - inv.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
layers = [l["diff_id"] for l in d["target"]["layers"]]
assert len(layers) == 2, layers
got = sorted((c["name"], c["path"], layers.index(c["layer"]) + 1) for c in d["components"])
want = sorted((n, "/opt/app", 2) for n in
              ["example.com/kensa-fixture", "github.com/google/uuid", "golang.org/x/text", "stdlib"])
assert got == want, "components %r, expected %r" % (got, want)
print("ok: Go components from /opt/app in layer 2 only")
PY
rss=$(tail -1 rss.txt)
if "$KENSA" --version | grep -q "sanitize=none"; then
    [ "$rss" -lt $((32 << 10)) ] || { echo "FAIL: peak RSS $rss KiB: barren executables kept in memory"; exit 1; }
    echo "ok: peak RSS $rss KiB with 48 MiB of plain executables in a layer"
fi
