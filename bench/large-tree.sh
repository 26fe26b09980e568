#!/bin/bash
# bench/large-tree.sh DIR - builds the "larger tree" of the issue 5 benchmark:
# a Debian 12 minbase root filesystem with a kernel (linux-image-amd64), Python
# (requests, yaml), Node.js, containerd (Go binaries) and Ruby (default gems),
# plus a real npm project (the npm reference tools the tests install: ajv,
# semver, ... with their node_modules) under /srv/app. Needs root, debootstrap
# and Debian's archive; takes a few minutes. Then e.g.:
#   hyperfine -N "find DIR -xdev" "build/kensa sbom rootfs DIR -o /dev/null"
set -euo pipefail
out=${1:?usage: bench/large-tree.sh DIR}
[ ! -e "$out" ] || { echo "$out exists" >&2; exit 1; }
here=$(cd "$(dirname "$0")/.." && pwd)
export KENSA_FIXTURES=${KENSA_FIXTURES:-$here/.fixtures}
npm=$("$here/tests/fixtures/npm-tools.sh" | tail -1)
debootstrap --variant=minbase \
    --include=linux-image-amd64,python3-requests,python3-yaml,nodejs,containerd,ruby \
    bookworm "$out" "${KENSA_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$out.log" 2>&1 ||
    { tail -5 "$out.log" >&2; exit 1; }
rm -f "$out"/var/cache/apt/archives/*.deb
mkdir -p "$out/srv/app"
cp -a "$npm"/. "$out/srv/app/"
echo "$out: $(find "$out" -xdev | wc -l) files"
